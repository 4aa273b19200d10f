"""Tests for toolkit.engines: every engine gives the local engine's tables, row for row.

A small corpus written for the test is annotated in several batches (a tiny ``batch_chars``)
with the in-process engine, two forked processes, and a Dask ``LocalCluster``; then term and pair
counts made partition by partition (partial counts summed) are compared with the counts of the
whole tables.
"""

import os
import time

import pandas as pd
import pytest

from conftest import REPO, write_article
from toolkit.annotate import TABLES, AnnotationSettings, annotate
from toolkit.cooccurrence import count_pairs
from toolkit.engines import (
    DaskEngine,
    LocalEngine,
    count_ngrams_by_partition,
    count_pairs_by_partition,
    count_terms_by_partition,
    get_engine,
    map_partitions,
)
from toolkit.errors import ToolkitError
from toolkit.frequency import count_ngrams, count_terms

ARTICLES = {
    "001.txt": "date 2020-01-15\nTurkey warned Russia. Ankara sent troops to Syria.\n\nThe attack was bad.",
    "002.txt": "date 2020-01-20\nRussia denied it. Moscow said Turkey's claims were false and dangerous.",
    "003.txt": "date 2020-02-03\nSyrian forces advanced on Idlib. Iran backed Syria.\n\nPeace talks failed.",
    "004.txt": "date 2020-02-10\nThe United Nations called for calm. Turkey and Iran met in Tehran.",
    "005.txt": "date 2020-03-01\nNothing happened today.",
    "006.txt": "date 2020-03-05\nIsrael struck targets in Syria. Syria condemned Israel, and Iran warned of war.",
}
SETTINGS = AnnotationSettings(actors=str(REPO / "corpus" / "actors.yml"), scorers=("vader",), batch_chars=120,
                              boilerplate_min_docs=None, duplicates_threshold=None)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines") / "corpus"
    for name, text in ARTICLES.items():
        write_article(folder, name, text)
    return folder


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory):
    return annotate(corpus, tmp_path_factory.mktemp("local"), settings=SETTINGS, workers=1)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def assert_same_tables(a, b):
    assert set(a.manifest["tables"]) == set(b.manifest["tables"])
    for name in TABLES:
        if a.has(name):
            pd.testing.assert_frame_equal(a.read(name), b.read(name), check_exact=True)


def test_the_corpus_is_annotated_in_several_batches(local):
    # 120 characters a batch: the 6 files (87, 87, 88, 82, 39, 95 bytes: 478) make ceil(478 / 120) = 4
    # batches of about 120 (001+002, 003, 004+005, 006), one shard each per table
    assert len(local.manifest["tables"]["tokens"]["shards"]) == 4
    assert local.has("mentions") and local.has("sentiment")
    assert len(local.mentions) > 10


def test_forked_processes_give_the_same_tables(corpus, local, tmp_path):
    assert_same_tables(local, annotate(corpus, tmp_path, settings=SETTINGS, engine=LocalEngine(workers=2)))


def test_dask_gives_the_same_tables(corpus, local, tmp_path, dask_client):
    ann = annotate(corpus, tmp_path, settings=SETTINGS, engine="dask", scheduler=dask_client)
    assert ann.manifest["annotated"] == 6
    assert_same_tables(local, ann)
    # a warm rerun on Dask annotates nothing and changes nothing
    again = annotate(corpus, tmp_path, settings=SETTINGS, engine="dask", scheduler=dask_client)
    assert again.manifest["annotated"] == 0
    assert_same_tables(local, again)


def test_dask_writing_on_shared_storage(corpus, local, tmp_path, dask_client):
    engine = DaskEngine(dask_client, shared_storage=True)
    assert_same_tables(local, annotate(corpus, tmp_path, settings=SETTINGS, engine=engine))


def _pid(_):
    time.sleep(0.05)   # so that both workers take jobs
    return os.getpid()


def _mark(folder):
    time.sleep(0.2)   # long enough that the other idle worker takes the second call
    (folder / str(os.getpid())).touch()


def test_warm_runs_once_in_each_kept_worker_and_does_nothing_without_one(tmp_path):
    engine = LocalEngine(2)
    engine.warm(_mark, tmp_path)   # no kept workers yet
    with engine:
        pids = set(engine.run(_pid, range(4)))
        engine.warm(_mark, tmp_path)
        assert set(engine.run(_pid, range(4))) <= pids   # the calls were queued before these jobs
    assert len(pids) == 2
    assert {int(p.name) for p in tmp_path.iterdir()} == pids
    engine.warm(_mark, tmp_path / "none")   # the block ended: nothing kept, nothing run


def test_get_engine(monkeypatch):
    assert isinstance(get_engine(None), LocalEngine)
    monkeypatch.setenv("TOOLKIT_ENGINE", "dask")
    assert isinstance(get_engine(None), DaskEngine)
    assert isinstance(get_engine("local", workers=2), LocalEngine)
    with pytest.raises(ToolkitError, match="unknown engine"):
        get_engine("spark")


def _n_tokens(frames):
    return len(frames["tokens"])


def test_map_partitions_runs_once_per_shard(local):
    counts = map_partitions(local, "tokens", _n_tokens)
    assert len(counts) == 4 and sum(counts) == len(local.tokens)  # the 4 shards above


@pytest.mark.parametrize("options", [
    {},
    {"drop_stopwords": True, "min_count": 2},
    {"by": "month"},
    {"by": "document", "form": "token", "drop_punctuation": False},
])
def test_term_counts_by_partition_equal_the_whole_count(local, options):
    documents = local.documents if "by" in options else None
    whole = count_terms(local.tokens, documents=documents, **options)
    assert len(whole) >= 6  # (six terms occur at least twice)
    pd.testing.assert_frame_equal(count_terms_by_partition(local, documents=documents, **options), whole,
                                  check_exact=True)


@pytest.mark.parametrize("options", [
    {"window": "sentence"},
    {"window": "paragraph"},
    {"window": "document"},
    {"window": "sentence", "period": "M"},
    {"window": "document", "min_count": 2},
])
def test_pair_counts_by_partition_equal_the_whole_count(local, options):
    documents = local.documents if "period" in options else None
    whole = count_pairs(local.mentions, sentences=local.sentences, documents=documents, **options)
    assert len(whole) >= 1
    pd.testing.assert_frame_equal(count_pairs_by_partition(local, documents=documents, **options), whole,
                                  check_exact=True)


@pytest.mark.parametrize("options", [
    {},
    {"drop_stopwords": True, "top": 2},
    {"top": 1, "min_count": 2},
    {"by": "month", "top": 1},
])
def test_ngram_counts_by_partition_equal_the_whole_count(local, options):
    documents = local.documents if "by" in options else None
    for n in (2, 3):
        whole = count_ngrams(local.tokens, n, documents=documents, **options)
        pd.testing.assert_frame_equal(count_ngrams_by_partition(local, n, documents=documents, **options), whole,
                                      check_exact=True)
    # "peace talks failed" (article 003, a sentence of its own) once, in one of the six articles
    trigrams = count_ngrams_by_partition(local, 3, drop_stopwords=True).set_index("term")
    assert trigrams.loc["peace talks failed", ["count", "doc_freq", "n_docs"]].tolist() == [1, 1, 6]


def test_partitions_leave_out_the_near_duplicates_the_cache_excludes(tmp_path):
    folder = tmp_path / "corpus"
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    write_article(folder, "001.txt", f"date 2020-01-15\n{story} Turkey left.")
    write_article(folder, "002.txt", f"date 2020-01-16\n{story} Turkey left!")   # a near-duplicate of 001
    write_article(folder, "003.txt", "date 2020-01-20\nRussia denied it. Turkey left.")
    settings = AnnotationSettings(actors=str(REPO / "corpus" / "actors.yml"), scorers=(), batch_chars=120,
                                  boilerplate_min_docs=None, duplicates_threshold=0.5)
    ann = annotate(folder, tmp_path / "cache", settings=settings, workers=1)
    assert ann.excluded == ["002"]
    counted = count_terms_by_partition(ann)
    assert counted.set_index("term").loc["troops", "count"] == 1 and counted["n_docs"].iloc[0] == 2
    pd.testing.assert_frame_equal(counted, count_terms(ann.tokens), check_exact=True)
    pd.testing.assert_frame_equal(count_pairs_by_partition(ann, window="document"),
                                  count_pairs(ann.mentions, sentences=ann.sentences, window="document"),
                                  check_exact=True)


def test_counts_by_partition_on_dask(local, dask_client):
    engine = DaskEngine(dask_client)
    pd.testing.assert_frame_equal(count_terms_by_partition(local, engine=engine), count_terms(local.tokens),
                                  check_exact=True)
    pd.testing.assert_frame_equal(count_pairs_by_partition(local, engine=engine),
                                  count_pairs(local.mentions, sentences=local.sentences), check_exact=True)
