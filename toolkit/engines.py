"""Engines: where per-document batches run — in process, local processes, or a Dask cluster.

The per-document stages (sentences, tokens, mentions, sentiment) are pure functions of a batch of
documents and the settings, so :func:`toolkit.annotate` can hand its batches to any engine and get
the same tables back:

==================  ============================================================================
``"local"``         the default: in this process for small corpora, else one process per core
                    (``workers=``), forked on this machine. Needs nothing beyond the toolkit.
``"dask"``          a Dask cluster (``pip install '.[dask]'``): ``scheduler="tcp://host:8786"``
                    (or a ``dask.distributed.Client``); without an address, a local cluster of
                    one worker process per core. Workers need the toolkit installed; they send
                    each batch's tables back as compressed Parquet bytes, so the cache folder
                    need not be on shared storage.
==================  ============================================================================

``TOOLKIT_ENGINE`` and ``TOOLKIT_SCHEDULER`` set the defaults (``python -m toolkit report --engine
dask`` sets them for the notebooks it runs, so their ``toolkit.annotate`` calls use the cluster).

Aggregations run on a cached table **partition by partition** (one Parquet shard, a batch of whole
documents, at a time) and combine partial counts at the end: :func:`count_terms_by_partition` and
:func:`count_pairs_by_partition` give exactly what :func:`toolkit.count_terms` and
:func:`toolkit.count_pairs` give on the whole table, without ever holding the whole token table
in one place.
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
from concurrent.futures import ProcessPoolExecutor

import multiprocessing as mp

import numpy as np
import pandas as pd

from .errors import ToolkitError

__all__ = [
    "Engine",
    "LocalEngine",
    "DaskEngine",
    "get_engine",
    "map_partitions",
    "count_terms_by_partition",
    "count_ngrams_by_partition",
    "count_pairs_by_partition",
    "ENGINES",
]

ENGINES = ("local", "dask")


class Engine:
    """Runs ``func(job)`` for every job and returns the results in job order.

    Attributes
    ----------
    name : str
        ``"local"`` or ``"dask"``.
    writes_locally : bool
        Whether the jobs run where the cache folder is (so they can write their shards there).
    """

    name = ""
    writes_locally = True

    def share(self, value):
        """A handle to ``value`` to put in many jobs (sent to the workers once where that helps)."""
        return value

    def run(self, func, jobs, *, progress=None) -> list:
        """Apply ``func(job)`` to each job; ``progress(iterator, total)`` wraps the results."""
        raise NotImplementedError

    def warm(self, func, value) -> None:
        """Let each kept worker call ``func(value)`` once, now, without waiting for it (the local
        engine's workers inside ``with engine:``); an engine that keeps none does nothing."""

    def workers_for(self, jobs: int, chars: int) -> int:
        """How many jobs can run at once."""
        return 1


class LocalEngine(Engine):
    """This machine: in this process, or ``workers`` forked processes.

    Parameters
    ----------
    workers : int, optional
        Processes; by default all cores when there are more than ``parallel_chars`` characters
        to annotate, else 1 (in this process: no start-up cost).
    parallel_chars : int
        Below this much text, one process is faster than starting more.
    """

    name = "local"

    def __init__(self, workers: int | None = None, *, parallel_chars: int = 3_000_000):
        self.workers = workers
        self.parallel_chars = parallel_chars
        self._pools: dict = {}   # worker processes kept for the next run, inside ``with engine:``
        self._depth = 0

    def __enter__(self):
        """Keep the worker processes from one :meth:`run` to the next until the block ends.

        Annotate's two passes then share their workers: the second pass starts in processes that
        are running and have their memory already (timeline17 on both cores: 0.06 s sooner).
        """
        self._depth += 1
        return self

    def __exit__(self, *exc):
        self._depth -= 1
        if not self._depth:
            self.close()

    def close(self):
        """End the kept worker processes (tasks not started are cancelled)."""
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.shutdown(wait=True, cancel_futures=True)

    def __repr__(self):
        return f"LocalEngine(workers={self.workers})"

    def warm(self, func, value) -> None:
        """Start ``func(value)`` once in each kept worker process, without waiting for it.

        For what each worker would otherwise set up in its first job of the next :meth:`run`
        (annotate's actor pattern and VADER: 0.08 s), while this process does the serial work
        between two runs. Outside ``with engine:``, or without a kept pool, nothing is done. An
        error in ``func`` is not raised here (the next run's jobs meet it again).
        """
        for workers, pool in self._pools.items():
            for _ in range(workers):   # idle workers take one call each (a call lasts 0.08 s)
                pool.submit(func, value)

    def workers_for(self, jobs: int, chars: int) -> int:
        workers = self.workers
        if workers is None:
            workers = (os.cpu_count() or 1) if chars > self.parallel_chars else 1
        return max(1, min(workers, jobs or 1))

    def run(self, func, jobs, *, progress=None, workers: int | None = None) -> list:
        jobs = list(jobs)
        workers = workers or self.workers_for(len(jobs), 0)
        wrap = progress or (lambda it, total: it)
        if workers <= 1 or len(jobs) <= 1:
            return [func(job) for job in wrap(jobs, len(jobs))]
        if self._depth:
            pool = self._pools.get(workers)
            if pool is None:
                pool = self._pools[workers] = _fork_pool(workers)
            return list(wrap(pool.map(func, jobs), len(jobs)))
        with _fork_pool(workers) as pool:
            return list(wrap(pool.map(func, jobs), len(jobs)))


def _fork_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from this one, with the memory settings of ``toolkit/_memory.py``.

    They are forked at once, with this process's objects frozen out of the garbage collector
    (``gc.freeze``, as Python's documentation advises before a fork): a worker's collections then
    do not write to those objects, so their pages stay shared instead of being copied (timeline17
    on both cores: 8,000 fewer page faults).
    """
    from ._memory import keep_freed_memory

    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=keep_freed_memory)
    gc.freeze()
    try:
        pool.submit(int)   # the first task forks every worker (fork is not safe to do on demand)
    finally:
        gc.unfreeze()
    return pool


@functools.lru_cache(maxsize=8)
def _client(address):
    """One Dask client per scheduler address (``None``: a local cluster) for this process."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ToolkitError(None, "engine='dask' needs Dask: pip install '.[dask]' "
                                 "(dask[distributed])") from None
    if address is None:
        cluster = LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        atexit.register(lambda: (client.close(), cluster.close()))
        return client
    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError) as err:
        raise ToolkitError(None, f"cannot reach the Dask scheduler at {address}: {err}") from None
    atexit.register(client.close)
    return client


class DaskEngine(Engine):
    """A Dask cluster (``dask.distributed``).

    Parameters
    ----------
    scheduler : str or dask.distributed.Client, optional
        The scheduler's address (``tcp://host:8786``) or a client; by default ``TOOLKIT_SCHEDULER``,
        else a local cluster with one single-threaded worker process per core.
    shared_storage : bool
        Workers can write to the cache folder (same file system): they write their shards
        themselves instead of sending them back.
    window : int, optional
        Batches in flight at once (default: twice the cluster's threads), so that the client
        never holds the whole corpus in its task queue.
    """

    name = "dask"

    def __init__(self, scheduler=None, *, shared_storage: bool = False, window: int | None = None):
        self.scheduler = scheduler if scheduler is not None else os.environ.get("TOOLKIT_SCHEDULER") or None
        self.writes_locally = shared_storage
        self.window = window

    def __repr__(self):
        return f"DaskEngine(scheduler={self.scheduler!r})"

    @property
    def client(self):
        if self.scheduler is not None and not isinstance(self.scheduler, str):
            return self.scheduler  # a Client given by the caller
        return _client(self.scheduler)

    def workers_for(self, jobs: int, chars: int) -> int:
        return max(1, min(jobs, sum(self.client.nthreads().values())))

    def share(self, value):
        return self.client.scatter(value, broadcast=True, hash=False)

    def run(self, func, jobs, *, progress=None) -> list:
        from dask.distributed import as_completed

        jobs = list(jobs)
        if not jobs:
            return []
        client = self.client
        window = self.window or 2 * max(1, sum(client.nthreads().values()))
        results = [None] * len(jobs)
        pending = iter(range(len(jobs)))
        index = {}

        def submit(i):
            future = client.submit(func, jobs[i], pure=False)  # futures inside jobs are resolved
            index[future.key] = i
            return future

        running = as_completed([submit(i) for i, _ in zip(pending, range(window))])
        done = 0
        tick = progress(iter(range(len(jobs))), len(jobs)) if progress else None
        for future in running:
            results[index.pop(future.key)] = future.result()
            future.release()
            done += 1
            if tick is not None:
                next(tick, None)
            nxt = next(pending, None)
            if nxt is not None:
                running.add(submit(nxt))
        return results


def get_engine(engine=None, *, workers: int | None = None, scheduler=None) -> Engine:
    """The engine named by ``engine`` (``"local"``, ``"dask"``, an :class:`Engine`, or ``None``).

    ``None`` means ``TOOLKIT_ENGINE`` (default ``"local"``); a ``scheduler`` without an engine
    means Dask.

    >>> get_engine("local", workers=2)
    LocalEngine(workers=2)
    """
    if isinstance(engine, Engine):
        return engine
    if engine is None:
        engine = os.environ.get("TOOLKIT_ENGINE") or ("dask" if scheduler is not None else "local")
    if engine == "local":
        return LocalEngine(workers)
    if engine == "dask":
        return DaskEngine(scheduler)
    raise ToolkitError(None, f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


# -- aggregations partition by partition ------------------------------------------------------------


def _read_shard(path, columns, drop=()):
    """A shard's rows, without the documents in ``drop`` (near-duplicates the cache leaves out)."""
    import pyarrow.parquet as pq

    if not drop:
        return pq.read_table(path, columns=columns).to_pandas()
    read = None if columns is None else list(dict.fromkeys(["doc_id", *columns]))
    frame = pq.read_table(path, columns=read).to_pandas()
    frame = frame[~frame["doc_id"].isin(drop)].reset_index(drop=True)
    return frame if columns is None else frame[list(columns)]


def _partition_job(job):
    func, tables, kwargs = job  # tables: {name: path or frame}
    frames = {name: (_read_shard(*src) if isinstance(src, tuple) else src) for name, src in tables.items()}
    return func(frames, **kwargs)


def _shard_groups(ann, names):
    """Per partition, the shard of each table named (shards hold the same documents per batch)."""
    from pathlib import Path

    by_docs = {}
    for name in names:
        for shard, docs in ann.manifest["tables"][name]["shards"].items():
            key = frozenset(docs)
            by_docs.setdefault(key, {})[name] = str(Path(ann.path) / f"{name}.parquet" / shard)
    return [group for group in by_docs.values() if set(group) == set(names)], by_docs


def map_partitions(ann, tables, func, *, engine=None, columns=None, **kwargs) -> list:
    """Apply ``func`` to each partition (batch of documents) of cached tables, on an engine.

    Parameters
    ----------
    ann : toolkit.Annotations
        An annotation cache.
    tables : str or list of str
        The tables ``func`` needs (``"tokens"``, ``["mentions", "sentences"]``).
    func : callable
        ``func(frames, **kwargs)`` with ``frames`` a dict of table name to that partition's rows;
        must be importable by the engine's workers (a module-level function).
    engine : str or Engine, optional
        See :func:`get_engine`.
    columns : dict of str to list, optional
        Columns to read per table.

    Returns
    -------
    list
        ``func``'s results, one per partition.
    """
    from pathlib import Path

    names = [tables] if isinstance(tables, str) else list(tables)
    groups, by_docs = _shard_groups(ann, names)
    if len(groups) != len(by_docs):  # shards of the tables do not line up: read whole tables
        frames = {n: ann.read(n, columns=(columns or {}).get(n)) for n in names}
        return [func(frames, **kwargs)]
    excluded = set() if ann.all_documents else set(ann.excluded)
    jobs = []
    for group in groups:
        drop = sorted(excluded.intersection(ann.manifest["tables"][names[0]]["shards"][Path(group[names[0]]).name])) \
            if excluded else []
        jobs.append((func, {n: (group[n], (columns or {}).get(n), drop) for n in names}, kwargs))
    runner = get_engine(engine)
    if isinstance(runner, LocalEngine):  # forked processes once the shards hold enough to pay for them
        size = sum(os.path.getsize(group[n]) for group in groups for n in names)
        return runner.run(_partition_job, jobs, workers=runner.workers_for(len(jobs), size))
    return runner.run(_partition_job, jobs)


def _terms_partition(frames, *, by, documents, options, totals):
    from .frequency import count_terms

    tokens = frames["tokens"]
    counted = count_terms(tokens, by=by, documents=documents, **options, min_count=1)
    if totals:  # every group's words and documents, even where the stop list leaves no term
        whole = count_terms(tokens, by=by, documents=documents, **{**options, "drop_stopwords": False}, min_count=1)
    else:
        whole = counted
    group = list(counted.columns[:list(counted.columns).index("term")])
    sizes = (whole.drop_duplicates(group) if group else whole.iloc[:1])[group + ["total", "n_docs"]]
    return counted[group + ["term", "count", "doc_freq"]], sizes


def count_terms_by_partition(ann, *, by=None, documents: pd.DataFrame | None = None, min_count: int = 1,
                             engine=None, **options) -> pd.DataFrame:
    """:func:`toolkit.count_terms` of a cached tokens table, counted partition by partition.

    Each partition (a batch of whole documents) is counted on the engine; the partial counts
    (``count``, ``doc_freq``, each group's ``total`` and ``n_docs``) are summed, then ``per_10k``
    and ``rank`` are computed on the sums. The result equals ``count_terms(ann.tokens, ...)``
    row for row.

    Parameters
    ----------
    ann : toolkit.Annotations
        The cache.
    by, documents, min_count, **options
        As in :func:`toolkit.count_terms` (``form``, ``drop_stopwords``, ``drop_punctuation``).
    engine : str or Engine, optional
        See :func:`get_engine`.

    Returns
    -------
    pandas.DataFrame
        One row per group and term: as :func:`toolkit.count_terms`.
    """
    from .frequency import count_terms

    if by is not None and documents is None:
        documents = ann.read("documents").drop(columns=["text"], errors="ignore")
    totals = bool(options.get("drop_stopwords"))
    parts = map_partitions(ann, "tokens", _terms_partition, engine=engine, by=by, documents=documents,
                           options=options, totals=totals)
    if not sum(len(c) for c, _ in parts):
        return count_terms(ann.read("tokens").iloc[:0], by=by, documents=documents, min_count=min_count, **options)
    return _combine_counts(parts, min_count=min_count)


def _combine_counts(parts, *, min_count: int) -> pd.DataFrame:
    """A counts table (as :func:`toolkit.count_terms` makes) from partial counts of whole documents.

    ``parts``: per partition, ``(counted, sizes)``: the group columns, ``term``, ``count``,
    ``doc_freq``; each group's ``total`` and ``n_docs``. Sums, then ``per_10k`` and ``rank``.
    """
    from . import measures
    from .frequency import _PER, _rank

    counted = pd.concat([c for c, _ in parts], ignore_index=True)
    sizes = pd.concat([s for _, s in parts], ignore_index=True)
    group = list(counted.columns[:list(counted.columns).index("term")])
    if group:
        sums = counted.groupby(group + ["term"], sort=False, dropna=False)[["count", "doc_freq"]].sum().reset_index()
        size = sizes.groupby(group, sort=False, dropna=False)[["total", "n_docs"]].sum().reset_index()
        table = sums.merge(size, on=group, how="left")
    else:
        table = counted.groupby("term", sort=False)[["count", "doc_freq"]].sum().reset_index()
        table["total"] = sizes["total"].sum()
        table["n_docs"] = sizes["n_docs"].sum()
    table = table[table["count"] >= min_count]
    out = table[group + ["term"]].reset_index(drop=True)
    out["term"] = out["term"].astype(str)
    for column in ("count", "total"):
        out[column] = table[column].to_numpy(dtype="int64")
    out["per_10k"] = measures.relative_frequency(out["count"], out["total"], per=_PER)
    out["doc_freq"] = table["doc_freq"].to_numpy(dtype="int64")
    out["n_docs"] = table["n_docs"].to_numpy(dtype="int64")
    out = out.sort_values(group + ["count", "term"], ascending=[True] * len(group) + [False, True],
                          kind="stable").reset_index(drop=True)
    out["rank"] = _rank(out, group)
    out.columns = pd.Index(list(out.columns), dtype=parts[0][0].columns.dtype)  # as count_terms makes them
    return out


def _ngrams_partition(frames, *, n, by, documents, options, words):
    from .frequency import _stop_mask, count_ngrams, count_terms

    tokens = frames["tokens"]
    form = options.get("form", "norm")
    whole = count_terms(tokens, by=by, documents=documents, form=form, top=1,
                        drop_punctuation=options.get("drop_punctuation", True))
    group = list(whole.columns[:list(whole.columns).index("term")])
    sizes = whole.drop_duplicates(group)[group + ["total", "n_docs"]] if group else whole.iloc[:1][["total", "n_docs"]]
    if words is not None:  # only n-grams of these words can reach the top: every other word counts as a stopword
        stop = _stop_mask(tokens, form, options.get("drop_stopwords", False)) | ~tokens[form].isin(words).to_numpy()
        tokens = tokens.assign(is_stop=stop)
        options = {**options, "drop_stopwords": True}
    counted = count_ngrams(tokens, n, by=by, documents=documents, **options)
    return counted[group + ["term", "count", "doc_freq"]], sizes


def count_ngrams_by_partition(ann, n: int = 2, *, by=None, documents: pd.DataFrame | None = None,
                              min_count: int = 1, top: int | None = None, corpus: pd.DataFrame | None = None,
                              engine=None, **options) -> pd.DataFrame:
    """:func:`toolkit.count_ngrams` of a cached tokens table, counted partition by partition.

    Each partition (a batch of whole documents) is counted on the engine and the partial counts
    summed, as in :func:`count_terms_by_partition`. With ``top`` (and no ``by``), only the n-grams
    that can reach the top are counted: an n-gram seen ``c`` times has each of its words seen at
    least ``c`` times in the corpus, so with a threshold ``T`` the n-grams of words seen ``T``
    times or more (``corpus``) are counted exactly and every other n-gram is seen fewer than ``T``
    times. When ``top`` of those counted reach ``T``, the list is exact; otherwise ``T`` is lowered
    and the partitions counted again. A large corpus's top 20 come from a few hundred frequent
    words. The result equals ``count_ngrams(tokens, n, ...)`` of the whole table row for row.

    Parameters
    ----------
    ann : toolkit.Annotations
        The cache.
    n, by, documents, min_count, top, **options
        As in :func:`toolkit.count_ngrams` (``form``, ``drop_stopwords``, ``drop_punctuation``).
    corpus : pandas.DataFrame, optional
        Each word's count in the corpus (:func:`toolkit.count_terms` without ``by``: ``term``,
        ``count``), used with ``top``; by default counted from :func:`toolkit.read_terms`.
    engine : str or Engine, optional
        See :func:`get_engine`.

    Returns
    -------
    pandas.DataFrame
        One row per group and n-gram: as :func:`toolkit.count_ngrams`.

    Examples
    --------
    >>> bigrams = count_ngrams_by_partition(ann, 2, drop_stopwords=True, top=20)  # doctest: +SKIP
    """
    from .frequency import _first_rows, _top_of_frequent_words, count_ngrams, count_terms

    if by is not None and documents is None:
        documents = ann.read("documents").drop(columns=["text"], errors="ignore")
    columns = {"tokens": ["doc_id", "sent_id", "position", options.get("form", "norm"), "is_stop", "is_punct"]}

    def counted(words):
        parts = map_partitions(ann, "tokens", _ngrams_partition, engine=engine, columns=columns, n=n, by=by,
                               documents=documents, options=options, words=words)
        if not sum(len(c) for c, _ in parts):
            return count_ngrams(ann.read("tokens").iloc[:0], n, by=by, documents=documents, min_count=min_count,
                                **options)
        return _combine_counts(parts, min_count=min_count)

    if top is None:
        return counted(None)
    if by is not None:
        return _first_rows(counted(None), int(top))
    if corpus is None:
        from .counts import read_terms

        corpus = count_terms(read_terms(ann), form=options.get("form", "norm"))
    return _top_of_frequent_words(counted, corpus, int(top), min_count)


_EVERY = "\x00every-unit"  # in every unit with a mention: its pairs carry each actor's count of units
_TOTAL = "\x00total"  # with _EVERY in each document's first sentence: a row carrying the total


def _pairs_partition(frames, *, window, documents, period):
    from .cooccurrence import count_pairs

    mentions, sentences = frames["mentions"], frames["sentences"]
    units = mentions.drop_duplicates(["doc_id", "sent_id"])[["doc_id", "sent_id"]].assign(actor=_EVERY)
    first = sentences.drop_duplicates("doc_id")[["doc_id", "sent_id"]]
    markers = pd.concat([units, first.assign(actor=_EVERY), first.assign(actor=_TOTAL)], ignore_index=True)
    for column in mentions.columns:
        if column not in markers.columns:
            markers[column] = 0 if column in ("start", "end") else ""
    marked = pd.concat([mentions, markers[list(mentions.columns)].astype(mentions.dtypes.to_dict())], ignore_index=True)
    counted = count_pairs(marked, window=window, sentences=sentences, documents=documents, period=period)
    return counted[[c for c in counted.columns if c in ("period", "actor_a", "actor_b", "joint", "total")]]


def count_pairs_by_partition(ann, *, window="sentence", documents: pd.DataFrame | None = None,
                             period: str | None = None, min_count: int = 1, engine=None) -> pd.DataFrame:
    """:func:`toolkit.count_pairs` of a cached mentions table, counted partition by partition.

    Sentences, paragraphs and documents never span partitions, so joint counts, each actor's
    count of units and the number of units add up over partitions; the association measures are
    computed once, on the sums (with :func:`toolkit.cooccurrence.score_pairs`). Each partition
    learns an actor's count of units from its pairs with a marker actor present in every unit
    that has a mention (so only :func:`toolkit.count_pairs` itself is called). Token windows
    (``window=N``) are counted on the whole mentions table.

    Returns
    -------
    pandas.DataFrame
        As :func:`toolkit.count_pairs`.
    """
    from .cooccurrence import count_pairs, score_pairs

    if period and documents is None:
        documents = ann.read("documents").drop(columns=["text"], errors="ignore")
    if not isinstance(window, str):
        return count_pairs(ann.mentions, window=window, tokens=ann.read("tokens", columns=["doc_id", "position", "start"]),
                           sentences=ann.sentences, documents=documents, period=period, min_count=min_count)
    parts = map_partitions(ann, ["mentions", "sentences"], _pairs_partition, engine=engine, window=window,
                           documents=documents, period=period,
                           columns={"sentences": ["doc_id", "sent_id", "paragraph_id"]})
    counted = pd.concat(parts, ignore_index=True)
    group = ["period"] if period else []
    template = count_pairs(ann.mentions.iloc[:0], window=window, documents=documents, period=period)
    if not len(counted):
        return template
    # each partition's total (units) sits on every row of its group: take it once per partition
    part_totals = pd.concat([(p.drop_duplicates(group) if group else p.iloc[:1])[group + ["total"]]
                             for p in parts if len(p)], ignore_index=True)
    joint = counted.groupby(group + ["actor_a", "actor_b"], sort=False, dropna=False)["joint"].sum().reset_index()
    marker = joint["actor_a"] == _EVERY  # (_EVERY, X): the units with X
    unit_counts = joint[marker].rename(columns={"actor_b": "actor", "joint": "count"})[group + ["actor", "count"]]
    markers = joint["actor_a"].isin([_EVERY, _TOTAL]) | joint["actor_b"].isin([_EVERY, _TOTAL])
    joint = joint[~markers & (joint["joint"] >= min_count)]
    if not len(joint):
        return template
    joint = joint.merge(unit_counts.rename(columns={"actor": "actor_a", "count": "count_a"}), on=group + ["actor_a"])
    joint = joint.merge(unit_counts.rename(columns={"actor": "actor_b", "count": "count_b"}), on=group + ["actor_b"])
    if group:
        joint = joint.merge(part_totals.groupby(group, sort=False)["total"].sum().reset_index(), on=group)
    else:
        joint["total"] = int(part_totals["total"].sum())
    joint = score_pairs(joint)
    joint = joint.sort_values(group + ["joint", "actor_a", "actor_b"],
                              ascending=[True] * len(group) + [False, True, True], kind="stable")
    for column in ("joint", "count_a", "count_b", "total"):
        joint[column] = joint[column].astype("int64")
    for column in ("actor_a", "actor_b"):
        joint[column] = joint[column].astype(str)
    joint = joint[list(template.columns)].reset_index(drop=True)
    joint.columns = template.columns
    return joint
