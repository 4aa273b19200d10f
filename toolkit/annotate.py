"""Annotation: running the per-document stages over a corpus into a Parquet cache.

``annotate`` reads a corpus, runs the per-document stages (sentences, tokens, and when asked
mentions and sentiment) over batches of documents, and writes one Parquet dataset per table
under ``out/``::

    out/manifest.json          what the cache holds: settings, document hashes, shard files
    out/documents.parquet/     part-<key>.parquet files, one per batch of documents
    out/problems.parquet/      the problems found while reading
    out/sentences.parquet/ ... tokens, mentions, sentiment
    out/signatures.parquet/    each document's MinHash signature (near-duplicates)
    out/boilerplate.parquet/, duplicates.parquet/   what corpus hygiene found
    out/files.parquet/         the file index: each file's size, modification time and summary

Reading is incremental (:mod:`toolkit.prepare`): only files whose size or modification time
changed since the last run are read (pass 1, on all cores); boilerplate and near-duplicates are
found from per-document summaries (paragraph hashes, signatures) kept in the cache; pass 2
annotates the documents whose content, boilerplate or settings changed.

Each shard's name is a hash of the settings behind its table and of its documents' content, so a
rerun with the same corpus and settings reuses every shard, and a changed or added article is
annotated on its own (its old shard is rewritten without it). Shards are written to a temporary
name and renamed into place; the manifest is replaced atomically last, and files it does not
list are ignored and later deleted. A run that is killed therefore leaves the previous complete
cache (or none) readable, never a half-written one. Read tables with :func:`read_table` or
:class:`Annotations`, which read exactly the shards the manifest lists.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import __version__
from ._arrays import distinct
from .engines import LocalEngine, get_engine
from .errors import CacheError, ToolkitError
from .text import TextSettings, _token_table, split_sentences, tokenize

__all__ = [
    "AnnotationSettings",
    "Annotations",
    "annotate",
    "annotate_batch",
    "clean_corpus",
    "read_table",
    "default_cache_dir",
    "TABLES",
]

TABLES = ("documents", "problems", "boilerplate", "duplicates", "sentences", "tokens", "mentions", "sentiment",
          "signatures", "files")
CORPUS_TABLES = ("problems", "boilerplate", "duplicates", "files")  # not one row per document
_FORMAT = 2
_TOKENS_FORMAT = "dictionary-strings"   # tokens written from dictionaries (strings read back as string)
_SHINGLES, _PERMUTATIONS = 5, 128   # near-duplicate signatures (toolkit.find_duplicates' defaults)


@dataclass(frozen=True)
class AnnotationSettings:
    """Everything that decides the content of the cache (recorded in it and on reports).

    Parameters
    ----------
    text : TextSettings
        Stop list, lemmatisation, language.
    actors : str or None
        Path to an actor dictionary (YAML); ``None``: no mentions table.
    scorers : tuple of str
        Sentiment scorers to run (``()``: no sentiment table).
    detokenize : {"auto", "always", "never"}
        Restore ordinary text in pre-tokenised documents (:func:`toolkit.restore_text`).
    boilerplate_min_docs : int or None
        Paragraphs recurring in at least this many articles are boilerplate and yield no
        sentences (:func:`toolkit.find_boilerplate`); ``None``: keep everything.
    boilerplate_min_share : float
        ... and in at least this share of the articles of their group.
    boilerplate_by : str or None
        Count recurring paragraphs within each value of this column (``outlet``).
    duplicates_threshold : float or None
        Jaccard similarity above which articles are near-duplicates
        (:func:`toolkit.find_duplicates`); ``None``: do not look for them.
    duplicates_keep : {"first", "longest"} or None
        Which article of a near-duplicate cluster the tables show; ``None``: all of them. The
        others stay in the cache (``Annotations(..., all_documents=True)`` shows them).
    batch_chars : int
        Target size of a batch (and of a cache shard), in characters of text.
    """

    text: TextSettings = field(default_factory=TextSettings)
    actors: str | None = None
    scorers: tuple = ()
    detokenize: str = "auto"
    boilerplate_min_docs: int | None = 20
    boilerplate_min_share: float = 0.0
    boilerplate_by: str | None = None
    duplicates_threshold: float | None = 0.8
    duplicates_keep: str | None = "first"
    batch_chars: int = 2_000_000

    def describe(self) -> dict:
        """The settings as plain values (for the manifest and report stamps)."""
        return {
            "stopwords": self.text.stopwords,
            "lemmatize": self.text.lemmatize,
            "language": self.text.language,
            "actors": self.actors,
            "scorers": list(self.scorers),
            "detokenize": self.detokenize,
            "boilerplate_min_docs": self.boilerplate_min_docs,
            "boilerplate_min_share": self.boilerplate_min_share,
            "boilerplate_by": self.boilerplate_by,
            "duplicates_threshold": self.duplicates_threshold,
            "duplicates_keep": self.duplicates_keep,
            "rules": _rule_versions(),
        }


def _rule_versions() -> str:
    from .detokenize import DETOKENIZE_RULES_VERSION
    from .duplicates import DUPLICATES_VERSION
    from .text import _RULES_VERSION

    return ", ".join((_RULES_VERSION, DETOKENIZE_RULES_VERSION, DUPLICATES_VERSION))


def _sha(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _file_hash(path) -> str:
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:16]


@dataclass(frozen=True)
class _Plan:
    """The resolved per-run configuration shipped to workers (picklable)."""

    settings: AnnotationSettings
    fingerprints: dict
    dictionary: object = None
    boilerplate: frozenset = frozenset()


def _fingerprints(settings: AnnotationSettings, dictionary_hash: str | None, scorer_versions) -> dict:
    # The boilerplate list is not part of the key: each document's hash covers the boilerplate
    # paragraphs found in it, so a list that grows re-annotates only the documents it touches.
    sentences = _sha("sentences", _text_rules_version())
    prints = {
        "documents": _sha("documents", _FORMAT),
        "sentences": sentences,
        "tokens": _sha("tokens", sentences, settings.text.fingerprint(), _TOKENS_FORMAT),
    }
    if settings.actors is not None:
        prints["mentions"] = _sha("mentions", sentences, dictionary_hash)
    if settings.scorers:
        prints["sentiment"] = _sha("sentiment", sentences, tuple(scorer_versions))
    if settings.duplicates_threshold is not None:
        from .duplicates import DUPLICATES_VERSION

        prints["signatures"] = _sha("signatures", DUPLICATES_VERSION, _SHINGLES, _PERMUTATIONS, 1)
    return prints


def _text_rules_version():
    from . import text

    return text._RULES_VERSION


def annotate_batch(documents: pd.DataFrame, plan: _Plan, tables=None, *, tokens_as_arrow: bool = False) -> dict:
    """Run the per-document stages on one batch of documents.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document (``doc_id``, ``text``, ...).
    plan : _Plan
        Settings and loaded resources (actor dictionary).
    tables : collection of str, optional
        The tables wanted; all the plan's tables by default.
    tokens_as_arrow : bool
        Give ``tokens`` as the Arrow table the cache writes, its ``doc_id``, ``token`` and
        ``norm`` dictionary-encoded (no string per token: 0.2 s less on timeline17).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``sentences``, ``tokens`` and, when configured, ``mentions`` and ``sentiment``.
    """
    wanted = set(tables or plan.fingerprints)
    out = {}
    sentences = split_sentences(documents, boilerplate=plan.boilerplate)
    if "sentences" in wanted:
        out["sentences"] = sentences
    if "tokens" in wanted:
        out["tokens"] = (_token_table if tokens_as_arrow else tokenize)(sentences, settings=plan.settings.text)
    if "mentions" in wanted and plan.dictionary is not None:
        from .actors import find_mentions

        out["mentions"] = find_mentions(sentences, plan.dictionary)
    if "sentiment" in wanted and plan.settings.scorers:
        from .sentiment import score_sentiment

        out["sentiment"] = score_sentiment(sentences, scorers=plan.settings.scorers)
    return out


def _warm_up(plan: _Plan) -> None:
    """Set up what a worker's first batch would (the actor pattern, VADER's lexicon): a batch of
    one short document, its tables dropped."""
    text = "The minister said on Monday that the talks in Geneva had not failed. Rebels welcomed it!"
    annotate_batch(pd.DataFrame({"doc_id": ["warm-up"], "text": [text]}), plan)


def _write_options(table: pa.Table) -> dict:
    """How shards are written: zstd; dictionaries for short strings (not article texts); whole
    numbers delta-encoded (offsets and positions grow steadily: a third smaller and quicker to
    write than dictionaries of them); statistics only for ``doc_id`` (what readers select on).

    A table with dictionary-encoded strings (the tokens, see :func:`annotate_batch`) is written
    from its dictionaries, without its Arrow schema: the schema would make readers' columns
    categorical, and the file's own types read back as plain strings. (Every other table keeps
    its schema, which carries pandas' types, such as the nullable integers of ``problems``.)
    """
    strings = [f.name for f in table.schema
               if pa.types.is_string(f.type) or pa.types.is_large_string(f.type) or pa.types.is_dictionary(f.type)]
    ints = [f.name for f in table.schema if pa.types.is_integer(f.type)]
    encoded = any(pa.types.is_dictionary(f.type) for f in table.schema)
    return dict(compression="zstd", use_dictionary=[c for c in strings if c != "text"],
                column_encoding={c: "DELTA_BINARY_PACKED" for c in ints},
                write_statistics=[c for c in ("doc_id",) if c in table.schema.names], store_schema=not encoded)


def _arrow(frame) -> pa.Table:
    """A shard's Arrow table: a DataFrame converted (without its index), an Arrow table as it is."""
    return frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)


def _write_parquet(frame, path: Path, payload: bytes | None = None):
    """Write a shard (a DataFrame or Arrow table, or ``payload``: Parquet bytes) under a temporary
    name and rename it into place."""
    tmp = path.with_name(f"_tmp-{os.getpid()}-{path.name}")
    try:
        if payload is not None:
            tmp.write_bytes(payload)
        else:
            table = _arrow(frame)
            pq.write_table(table, tmp, **_write_options(table))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _parquet_bytes(frame) -> bytes:
    sink = pa.BufferOutputStream()
    table = _arrow(frame)
    pq.write_table(table, sink, **_write_options(table))
    return sink.getvalue().to_pybytes()


def _read_shard(path, columns=None) -> pa.Table:
    """One Parquet file as an Arrow table, read directly (``pq.read_table`` goes through Arrow's
    dataset layer: 0.5-1 ms more a file, 0.3 s on a table of 410 shards); a column it lacks is an
    error, as there."""
    with pq.ParquetFile(path) as file:
        table = file.read(columns=columns)
    missing = [c for c in columns or () if c not in table.column_names]
    if missing:
        raise pa.ArrowInvalid(f"no column {missing[0]!r} in {path}")
    return table


def _load_sources(sources, columns=None) -> pd.DataFrame:
    """The documents rows of a batch: ``[(frame or Parquet path, ids)]``, sorted by id."""
    frames = []
    for where, ids in sources:
        if isinstance(where, pd.DataFrame):
            frame = where if columns is None else where[columns]
        else:
            frame = _read_shard(where, columns).to_pandas()
        ids = ids if isinstance(ids, (set, frozenset, dict)) else set(ids)
        keep = [d in ids for d in frame["doc_id"].tolist()]   # (pandas' isin boxes each id as an Arrow scalar)
        frames.append(frame if all(keep) else frame[keep])
    batch = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return batch.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _signatures(documents: pd.DataFrame, boilerplate, with_boilerplate=None) -> pd.DataFrame:
    """One row per document: ``doc_id``, ``shingles`` (count), ``signature`` (MinHash, 128 x uint32 bytes).

    ``with_boilerplate``: the ids of the documents that hold a boilerplate paragraph (the others
    are compared as they are, without splitting them into paragraphs); all by default.
    """
    from .duplicates import _permutations, _strip_boilerplate, minhash_signatures, shingle_hashes

    if with_boilerplate is None:
        texts = _strip_boilerplate(documents, boilerplate, "doc_id", "text")
    else:
        texts = documents["text"].tolist()
        rows = np.flatnonzero(documents["doc_id"].isin(with_boilerplate).to_numpy())
        if len(rows):
            stripped = _strip_boilerplate(documents.iloc[rows], boilerplate, "doc_id", "text")
            for row, text in zip(rows, stripped):
                texts[row] = text
    hashes, offsets = shingle_hashes(texts, shingle_size=_SHINGLES)
    signatures = minhash_signatures(hashes, offsets, permutations=_permutations(_PERMUTATIONS, 1))
    return pd.DataFrame({
        "doc_id": documents["doc_id"].to_numpy(),
        "shingles": np.diff(offsets).astype("int64"),
        "signature": [row.tobytes() for row in signatures],
    })


def _run_batch(job):
    """Engine job: annotate a batch and write one shard per table (or return the shards' bytes).

    Returns ``{table: (shard name, {doc_id: hash}, rows, Parquet bytes or None)}``.
    """
    out, sources, hashes, plan, todo, write, with_boilerplate = job
    batch = _load_sources(sources)
    batch = batch.assign(_hash=batch["doc_id"].map(hashes))
    wanted = {t for t, ids in todo.items() if ids}
    tables = annotate_batch(batch, plan, tables=wanted - {"signatures"}, tokens_as_arrow=True)
    tables["documents"] = batch
    if "signatures" in wanted:
        tables["signatures"] = _signatures(batch, plan.boilerplate, with_boilerplate)
    written = {}
    for name, ids in todo.items():
        if not ids:
            continue
        frame = tables[name]
        partial = len(ids) != len(batch)
        if isinstance(frame, pa.Table):   # the tokens, dictionary-encoded
            if partial:
                frame = frame.filter(pc.is_in(frame["doc_id"], value_set=pa.array(sorted(ids), pa.large_string())))
        else:
            frame = frame[frame["doc_id"].isin(ids)] if partial else frame
            frame = frame.drop(columns=["_hash"], errors="ignore").reset_index(drop=True)
        key = _sha(plan.fingerprints[name], sorted((d, h) for d, h in zip(batch["doc_id"], batch["_hash"]) if d in ids))
        shard = f"part-{key}.parquet"
        folder = Path(out) / f"{name}.parquet"
        payload = None
        if write:
            _write_parquet(frame, folder / shard)
        else:
            payload = _parquet_bytes(frame)
        written[name] = (shard, {d: hashes[d] for d in ids}, len(frame), payload)
    return written


def default_cache_dir(corpus) -> Path:
    """Where annotations of a corpus go when no folder is given.

    ``$TOOLKIT_CACHE/<folder name>-<hash of its absolute path>``, with ``TOOLKIT_CACHE`` defaulting
    to ``.cache/annotations`` in the current directory's repository root (or the current directory).
    """
    corpus = Path(corpus).resolve()
    root = os.environ.get("TOOLKIT_CACHE")
    if root is None:
        here = Path.cwd().resolve()
        repo = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
        root = repo / ".cache" / "annotations"
    return Path(root) / f"{corpus.name}-{_sha(str(corpus))[:8]}"


def _read_manifest(out: Path):
    path = out / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("format") != _FORMAT or not manifest.get("complete"):
        return None
    return manifest


@contextlib.contextmanager
def _lock(out: Path, *, wait: float):
    path = out / ".lock"
    handle = open(path, "a+")
    try:
        started = time.monotonic()
        deadline = started + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise CacheError(out, f"another annotate run holds the cache lock; gave up after {wait:.0f} s") from None
                if not told and time.monotonic() - started >= 0.5:  # not for another run's quick check
                    print(f"waiting: another annotate run is writing {out}", flush=True)
                    told = True
                time.sleep(0.2)
        yield
    finally:
        handle.close()


def _stat_source(source: Path) -> dict:
    """Size and modification time of every entry of a corpus folder (by name), or of an export."""
    if not source.is_dir():
        return {str(source): _stat(source)}
    try:
        return {entry.name: _stat(entry) for entry in os.scandir(source)}
    except OSError:
        return {}


def _stat(path):
    try:
        st = os.stat(path)   # a path or an os.DirEntry (follows links)
        return (st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def _hash_rows(documents: pd.DataFrame) -> list:
    """A content hash per document over all its columns (text, date, metadata)."""
    if not len(documents):
        return []
    hashed = pd.util.hash_pandas_object(documents, index=False).to_numpy()
    return [f"{h:016x}" for h in hashed]


def _progress(iterable, total, enabled, desc):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="batch", leave=False)


def _boilerplate_texts(table: pd.DataFrame) -> frozenset:
    from .boilerplate import boilerplate_texts

    return boilerplate_texts(table) if len(table) else frozenset()


def _restore_job(job):
    from .detokenize import restore_text

    documents, when = job
    return restore_text(documents, when=when)


def clean_corpus(documents: pd.DataFrame, settings: AnnotationSettings | None = None, *, workers: int = 1):
    """Corpus hygiene as annotate applies it: restore, find boilerplate and near-duplicates.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, as read (see :func:`toolkit.read_corpus`).
    settings : AnnotationSettings, optional
        ``detokenize``, ``boilerplate_*`` and ``duplicates_*`` decide what is done.
    workers : int
        Processes for the per-document parts (restoring text, near-duplicate signatures) of a
        large corpus; the result does not depend on it.

    Returns
    -------
    (pandas.DataFrame, dict of str to pandas.DataFrame, set of str)
        The documents with restored ``text`` and a ``detokenized`` flag; the ``boilerplate`` and
        ``duplicates`` tables (see :func:`toolkit.find_boilerplate`, :func:`toolkit.find_duplicates`);
        the ids that keeping one article per near-duplicate cluster leaves out of the analyses.
    """
    from .boilerplate import find_boilerplate
    from .detokenize import restore_text
    from .duplicates import drop_near_duplicates, find_duplicates

    settings = settings or AnnotationSettings()
    parallel = workers > 1 and len(documents) >= 2000
    if parallel:  # restoring is per document: in slices, on the cores
        bounds = np.linspace(0, len(documents), 4 * workers + 1).astype(int)
        jobs = [(documents.iloc[a:b], settings.detokenize) for a, b in zip(bounds[:-1], bounds[1:])]
        documents = pd.concat(LocalEngine(workers).run(_restore_job, jobs))
    else:
        documents = restore_text(documents, when=settings.detokenize)
    if settings.boilerplate_min_docs and len(documents):
        boilerplate = find_boilerplate(documents, min_docs=settings.boilerplate_min_docs,
                                       min_share=settings.boilerplate_min_share, by=settings.boilerplate_by)
    else:
        boilerplate = find_boilerplate(documents.iloc[:0])
    if settings.duplicates_threshold is not None and len(documents) > 1:
        duplicates = find_duplicates(documents, threshold=settings.duplicates_threshold,
                                     boilerplate=boilerplate if len(boilerplate) else None,
                                     workers=workers if parallel else 1)
    else:
        duplicates = find_duplicates(documents.iloc[:0])
    excluded = set()
    if settings.duplicates_keep and len(duplicates):
        kept = drop_near_duplicates(documents, duplicates, keep=settings.duplicates_keep)
        excluded = set(documents["doc_id"]) - set(kept["doc_id"])
    return documents, {"boilerplate": boilerplate, "duplicates": duplicates}, excluded


def _scorer_names(scorers) -> tuple:
    """Scorers as a tuple of names; also from text (``papermill -p scorers "vader,minilm"``)."""
    if isinstance(scorers, str):
        text = scorers.strip()
        if text.startswith(("[", "(")):
            import ast

            try:
                return tuple(str(s) for s in ast.literal_eval(text))
            except (ValueError, SyntaxError):
                raise ToolkitError(None, f"scorers {scorers!r}: not a list of scorer names") from None
        return tuple(name.strip() for name in text.split(",") if name.strip())
    return tuple(scorers)


def annotate(
    source,
    out=None,
    *,
    settings: AnnotationSettings | None = None,
    actors=None,
    scorers=None,
    workers: int | None = None,
    engine=None,
    scheduler=None,
    progress: bool = False,
    lock_wait: float = 600.0,
    **read_options,
) -> "Annotations":
    """Annotate a corpus into a Parquet cache, reusing what is already there.

    Parameters
    ----------
    source : path-like
        A corpus folder or export (see :func:`toolkit.read_corpus`).
    out : path-like, optional
        The cache folder; :func:`default_cache_dir` of the corpus by default.
    settings : AnnotationSettings, optional
        Text settings, actors, scorers; ``actors`` and ``scorers`` below override its fields.
    actors : path-like, optional
        An actor dictionary: adds the ``mentions`` table.
    scorers : sequence of str, optional
        Sentiment scorers: adds the ``sentiment`` table.
    workers : int, optional
        Processes to use; all cores by default (one for small corpora).
    engine : {"local", "dask"} or toolkit.engines.Engine, optional
        Where the batches run (:mod:`toolkit.engines`): this machine (the default, also
        ``TOOLKIT_ENGINE``) or a Dask cluster. The tables are the same either way.
    scheduler : str or dask.distributed.Client, optional
        With ``engine="dask"``: the scheduler address (default ``TOOLKIT_SCHEDULER``, else a
        local Dask cluster).
    progress : bool
        Show a progress bar.
    lock_wait : float
        Seconds to wait for another run on the same cache before giving up.
    **read_options
        Passed to :func:`toolkit.read_corpus` (``metadata``, ``date_column``, ...); the fields of
        :class:`AnnotationSettings` (``boilerplate_min_docs``, ``duplicates_threshold``, ...) are
        accepted too and override ``settings``. Any other name is a TypeError (never ignored).

    Returns
    -------
    Annotations
        The cache, with its tables as attributes (``documents``, ``sentences``, ``tokens``, ...).

    Raises
    ------
    CacheError
        When the cache cannot be written (read-only, disk full), is locked, or a corpus file
        changed during the run. The previous complete cache stays readable.
    """
    settings = settings or AnnotationSettings()
    read_options, chosen = _split_options(read_options)
    if chosen:
        settings = replace(settings, **chosen)
    if actors is not None:
        settings = replace(settings, actors=str(actors))
    if scorers is not None:
        settings = replace(settings, scorers=_scorer_names(scorers))
    source = Path(source)
    out = Path(out) if out is not None else default_cache_dir(source)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CacheError(out, f"cannot create the cache folder: {err.strerror or err}") from None

    versions = []
    if settings.scorers:
        from .sentiment import scorer_versions

        versions = scorer_versions(settings.scorers)
    index_key = _index_key(source, settings, read_options)
    run_key = _run_key(index_key, settings, versions)
    checked = _checked_cache(out, run_key)
    if checked is not None:  # a report checked this cache just before its notebooks started
        return checked
    listed = _stat_source(source)         # before reading: a file rewritten while it is read is caught too
    cached = _reuse(out, run_key, source, listed, lock_wait)
    if cached is not None:  # no file changed since the last run, and no setting: nothing to do
        return cached
    engine = get_engine(engine, workers=workers, scheduler=scheduler)
    local = engine if isinstance(engine, LocalEngine) else LocalEngine(workers)

    dictionary, dictionary_hash = None, None
    if settings.actors is not None:
        from .actors import load_actors

        dictionary = load_actors(settings.actors)
        dictionary_hash = dictionary.fingerprint   # content, not comments or layout
    plan = _Plan(settings, _fingerprints(settings, dictionary_hash, versions), dictionary)

    with local:   # both passes share the worker processes
        try:
            with _lock(out, wait=lock_wait):
                from .prepare import prepare_corpus, scan_stamp, sweep_stages

                sweep_stages(out)
                old = _read_manifest(out) or {"tables": {}}
                old_files, scanned_at = None, None
                if old.get("index_key") == index_key and "files" in old["tables"] and _shards_present(out, old):
                    old_files, scanned_at = read_table(out, "files", manifest=old), old.get("scanned_at")
                scanned = scan_stamp()
                racy = _racy_hashes(source, listed, scanned)
                options = dict(detokenize=settings.detokenize, by=settings.boilerplate_by, engine=local,
                               batch_chars=settings.batch_chars, known_stats=listed, **read_options)
                prepared = prepare_corpus(source, out, old_files=old_files, scanned_at=scanned_at, **options)
                lost = {f for d, f, h in zip(*(prepared.index[c].tolist() for c in ("doc_id", "file", "row_hash")))
                        if d not in prepared.staged and (old.get("rows") or {}).get(d) != h}
                if lost:   # unchanged, but its text is in no shard (a.txt, once hidden by a.TXT): read it
                    prepared.cleanup()
                    prepared = prepare_corpus(source, out, old_files=old_files, scanned_at=scanned_at, reread=lost, **options)
                if engine is local:   # the workers set up pass 2 while this process plans it
                    local.warm(_warm_up, plan)
                try:
                    manifest = _update(out, source, prepared, old, plan, engine, progress,
                                       keys={"run_key": run_key, "index_key": index_key, "scanned_at": scanned,
                                             "scan": listed})
                finally:
                    prepared.cleanup()
        except OSError as err:
            raise CacheError(out, f"cannot write the cache: {err.strerror or err}") from None

    # the files read in this run must not have changed since they were listed (a file not read
    # that changes now differs from the index next time, and is read then)
    if source.is_dir():
        staged = set(prepared.staged)
        read = [f for d, f in zip(prepared.index["doc_id"].tolist(), prepared.index["file"].tolist()) if d in staged]
        folder = str(source)
        changed = sorted(f for f in read if listed.get(f) != _stat(os.path.join(folder, f)))
    else:
        changed = [str(source)] if listed.get(str(source)) != _stat(source) else []
    if changed:
        raise CacheError(source / changed[0] if source.is_dir() else source,
                         f"changed while it was being annotated ({len(changed)} file(s)); run annotate again")
    return Annotations(out, manifest=manifest)


def _split_options(options: dict) -> tuple:
    """``(reading options, settings fields)`` of annotate's keyword options; a TypeError names any other."""
    import inspect
    from dataclasses import fields

    from .corpus import read_corpus

    readable = set(inspect.signature(read_corpus).parameters) - {"source"}
    settable = {f.name for f in fields(AnnotationSettings)} - {"actors", "scorers"}
    unknown = sorted(set(options) - readable - settable)
    if unknown:
        raise TypeError(f"annotate() got an unexpected keyword argument {unknown[0]!r} (reading options: "
                        f"{', '.join(sorted(readable))}; settings: {', '.join(sorted(settable))})")
    return ({k: v for k, v in options.items() if k in readable},
            {k: v for k, v in options.items() if k in settable})


def _bytes_hash(path) -> str | None:
    try:
        return _file_hash(path)
    except OSError:
        return None


def _index_key(source: Path, settings: AnnotationSettings, read_options: dict) -> str:
    """What the file index depends on besides the files: reading options, metadata, restoring rules."""
    from .corpus import _find_metadata

    metadata = read_options.get("metadata")
    if metadata is None and source.is_dir():
        metadata = _find_metadata(source)
    return _sha("index", _FORMAT, __version__, str(source.resolve()), _read_options_key(read_options),
                settings.detokenize, _rule_versions(), str(metadata), metadata and _bytes_hash(metadata))


def _read_options_key(read_options: dict) -> list:
    """The reading options that differ from :func:`toolkit.read_corpus`'s defaults (so that the
    command line, which passes every option, and a notebook, which passes none, share a cache)."""
    import inspect

    from .corpus import read_corpus

    defaults = {name: p.default for name, p in inspect.signature(read_corpus).parameters.items()
                if p.default is not inspect.Parameter.empty}
    return sorted((k, str(v)) for k, v in read_options.items() if k not in defaults or defaults[k] != v)


def _run_key(index_key: str, settings: AnnotationSettings, scorer_versions) -> str:
    """A hash of every setting a cache's content depends on (the files are compared by their stat).

    The settings (stop list content, hygiene, rule versions), the reading options and metadata,
    the actor dictionary's bytes and the scorers' versions. Equal keys and unchanged files mean
    the cache holds exactly what annotate would write, so a rerun returns it without reading.
    """
    actors = _bytes_hash(settings.actors) if settings.actors is not None else None
    return _sha("run", index_key, settings.describe(), settings.text.fingerprint(), settings.actors, actors,
                tuple(scorer_versions))


def _entry_path(source: Path, name: str) -> Path:
    return source / name if source.is_dir() else Path(name)


def _racy_hashes(source: Path, listed: dict, scanned: int) -> dict:
    """Content hashes of the files modified just before the scan (their stat alone proves nothing)."""
    from .prepare import RACY_NS

    return {name: _bytes_hash(_entry_path(source, name)) for name, stat in listed.items()
            if stat is not None and stat[1] >= scanned - RACY_NS}


_CHECKED: dict = {}
"""Caches that ``python -m toolkit report`` brought up to date just before starting a notebook:
``{cache folder: (manifest file signature, run key)}``, set in the notebook's kernel. The
notebook's own :func:`annotate` with the same settings then takes the cache as it is, without
listing the corpus again (0.6 s at 100,000 articles): every notebook of a report reads the corpus
as the report found it when it started, even if articles arrive meanwhile."""


def _checked_cache(out: Path, run_key: str):
    """The cache as a report checked it (see :data:`_CHECKED`), if the manifest is still that one."""
    try:
        seen = _CHECKED.get(str(out.resolve()))
    except OSError:
        return None
    if seen is None or seen != (_file_signature(out / "manifest.json"), run_key):
        return None
    manifest = _read_manifest(out)
    if manifest is None or manifest.get("run_key") != run_key or not _shards_present(out, manifest):
        return None
    return Annotations(out, manifest=manifest)


def _reuse(out: Path, run_key: str, source: Path, listed: dict, lock_wait: float):
    """The cache as it is, when no file and no setting changed since it was written (else None).

    Files are compared by size and modification time; a file modified within ``RACY_NS`` of the
    previous scan is compared by content (it may have changed again in the same instant).
    """
    def current(manifest):
        if manifest is None or manifest.get("run_key") != run_key:
            return False
        scan = manifest.get("scan") or {}
        if len(scan) != len(listed):
            return False
        racy = manifest.get("racy") or {}
        for name, stat in listed.items():
            seen = scan.get(name)
            if stat is None or seen is None or tuple(seen) != tuple(stat):
                return False
            if name in racy and _bytes_hash(_entry_path(source, name)) != racy[name]:
                return False
        return True

    seen = _file_signature(out / "manifest.json")
    old = _read_manifest(out)
    if not current(old):
        return None
    try:
        with _lock(out, wait=lock_wait):
            if seen is None or _file_signature(out / "manifest.json") != seen:  # rewritten since (0.5 s at 100,000 articles)
                old = _read_manifest(out)
            if not current(old) or not _shards_present(out, old):
                return None
            if old.get("annotated") or old.get("read"):  # record that this run read and annotated nothing
                old = {**old, "annotated": 0, "read": 0}
                _write_manifest(out, old)
            _sweep(out, old)  # what a killed run left behind
            from .prepare import sweep_stages

            sweep_stages(out)
    except OSError as err:
        if err.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise CacheError(out, f"cannot write the cache: {err.strerror or err}") from None
        if not _shards_present(out, old):  # read-only: a complete, up-to-date cache reads as it is
            return None
    return Annotations(out, manifest=old)


def _file_signature(path: Path):
    """(inode, modification time, size) of a file, or None: a manifest is replaced, never rewritten in place."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _write_manifest(out: Path, manifest: dict):
    tmp = out / "_tmp-manifest.json"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest))   # dumps: the C encoder (dump encodes in Python)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, out / "manifest.json")


def _shards_present(out: Path, manifest: dict) -> bool:
    return all((out / f"{name}.parquet" / shard).is_file()
               for name, entry in manifest["tables"].items() for shard in entry["shards"])


def _source_key(where):
    """Documents staged in memory are grouped by frame, the others by file."""
    return id(where) if isinstance(where, pd.DataFrame) else str(where)


class _Rows:
    """Where each document's restored row is: staged by this run, or in a documents shard."""

    def __init__(self, out: Path, staged: dict, shards: dict):
        self.out, self.staged = out, staged
        self.shard_of = {d: shard for shard, docs in shards.items() for d in docs}

    def where(self, doc_id):
        if doc_id in self.staged:
            return self.staged[doc_id]
        shard = self.shard_of.get(doc_id)
        return None if shard is None else self.out / "documents.parquet" / shard

    def read(self, ids, columns=("doc_id", "text")) -> pd.DataFrame:
        groups = {}
        for d in ids:
            where = self.where(d)
            groups.setdefault(_source_key(where), (where, set()))[1].add(d)
        frames = [_load_sources([(where, wanted)], list(columns)) for where, wanted in groups.values() if where is not None]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"doc_id": [], "text": []})


def _find_boilerplate_hashes(prepared, settings: AnnotationSettings, old_table, rows: _Rows):
    """Boilerplate from the documents' paragraph hashes: the table and the set of hashes."""
    from .boilerplate import _empty_table, _finish_table, hash_paragraphs
    from .text import _paragraph_spans, normalize_whitespace

    by = settings.boilerplate_by
    empty = _empty_table(by)
    index = prepared.index
    if not settings.boilerplate_min_docs or not len(index):
        return empty, np.empty(0, dtype=np.uint64)
    lengths = np.fromiter((len(p) for p in index["paragraphs"]), dtype=np.int64, count=len(index))
    flat = np.concatenate([np.asarray(p, dtype=np.uint64) for p in index["paragraphs"]] or [np.empty(0, np.uint64)])
    units = pd.DataFrame({"hash": flat, "row": np.repeat(np.arange(len(index)), lengths)})
    keys = ["hash"]
    if by is not None:
        group = prepared.groups.reindex(index["doc_id"]).to_numpy()
        units[by] = group[units["row"].to_numpy()]
        keys = [by, "hash"]
    if by is None:   # numpy: rows ascend along flat, so a hash's first index is its first document
        hashes, first, n_docs = np.unique(flat, return_index=True, return_counts=True)
        counted = pd.DataFrame({"hash": hashes, "n_docs": n_docs, "first": units["row"].to_numpy()[first]})
    else:
        counted = units.groupby(keys, sort=False, dropna=False).agg(n_docs=("row", "size"), first=("row", "min")).reset_index()
    if by is None:
        group_size = np.full(len(counted), len(index))
    else:
        sizes = pd.Series(group).value_counts(dropna=False)
        group_size = counted[by].map(sizes).to_numpy()
    keep = (counted["n_docs"] >= settings.boilerplate_min_docs) & (counted["n_docs"] >= settings.boilerplate_min_share * group_size)
    table = counted[keep].copy()
    if not len(table):
        return empty, np.empty(0, dtype=np.uint64)
    known = {}
    if old_table is not None and len(old_table):
        texts = old_table["text"].tolist()
        known = dict(zip(hash_paragraphs(texts).tolist(), texts))
    missing = {h: int(r) for h, r in zip(table["hash"].tolist(), table["first"]) if h not in known}
    if missing:
        ids = {index["doc_id"].iat[r] for r in missing.values()}
        for text in rows.read(ids)["text"]:
            units_text = [normalize_whitespace(text[a:b]) for a, b in _paragraph_spans(text)]
            for h, unit in zip(hash_paragraphs(units_text).tolist(), units_text):
                if h in missing:
                    known[h] = unit
    table["text"] = table["hash"].map(known)
    table["example"] = index["doc_id"].to_numpy()[table["first"].to_numpy()]
    table = _finish_table(table, by).astype({"text": str, "example": str})
    return table, distinct(counted.loc[keep, "hash"].to_numpy(dtype=np.uint64))


def _find_duplicate_clusters(index, settings, manifest_tables, rows: _Rows, boilerplate, old_pairs: dict, out: Path):
    """Near-duplicates from the cached signatures; candidate pairs verified exactly (cached by hash)."""
    from .duplicates import _dropped_ids, _empty_duplicates, _jaccard, _shingle_sets, _strip_boilerplate
    from .duplicates import candidate_pairs, cluster_duplicates

    if settings.duplicates_threshold is None or len(index) < 2:
        return _empty_duplicates("doc_id"), set(), {}
    signatures = read_table(out, "signatures", manifest={"complete": True, "format": _FORMAT, "tables": manifest_tables})
    signatures = signatures.set_index("doc_id").reindex(index["doc_id"])
    sizes = signatures["shingles"].fillna(0).to_numpy(dtype=np.int64)
    blank = bytes(4 * _PERMUTATIONS)
    sig = np.frombuffer(b"".join(b if isinstance(b, bytes) else blank for b in signatures["signature"]),
                        dtype=np.uint32).reshape(len(index), _PERMUTATIONS)
    threshold = settings.duplicates_threshold
    pairs = candidate_pairs(sig, sizes, threshold=threshold)
    ids = index["doc_id"].to_numpy(dtype=object)
    hashes = index["_hash"].tolist()
    used, sets = {}, {}

    def load(needed):
        needed = [i for i in needed if i not in sets]
        if needed:
            frame = rows.read({ids[i] for i in needed}).set_index("doc_id").reindex(ids[needed]).reset_index()
            texts = _strip_boilerplate(frame, boilerplate, "doc_id", "text")
            sets.update(zip(needed, _shingle_sets(texts, _SHINGLES)))

    def key(i, j):
        return f"{hashes[i]}:{hashes[j]}"

    load(sorted({int(i) for pair in pairs for i in pair if key(*pair) not in old_pairs}))

    def similarity(i, j):
        k = key(i, j)
        if k not in used:
            if k in old_pairs:
                used[k] = old_pairs[k]
            else:
                load([i, j])
                used[k] = _jaccard(sets[i], sets[j])
        return used[k]

    table = cluster_duplicates(ids, pairs, similarity, threshold=threshold, dates=index["date"].to_numpy())
    excluded = set()
    if settings.duplicates_keep:
        excluded = _dropped_ids(table, dict(zip(index["doc_id"], index["chars"])), keep=settings.duplicates_keep)
    return table, excluded, used


def _update(out, source, prepared, old, plan, engine, progress, *, keys):
    from .prepare import _batches_by_size

    settings = plan.settings
    index = prepared.index
    old_tables = old.get("tables", {})
    doc_ids, row_hashes = index["doc_id"].tolist(), index["row_hash"].tolist()   # (lists: quick to loop over)
    # a cached documents row is this document's only if it was read from the same content
    same = {d for d, h in zip(doc_ids, row_hashes) if (old.get("rows") or {}).get(d) == h}
    rows = _Rows(out, prepared.staged, {shard: [d for d in docs if d in same]
                                        for shard, docs in old_tables.get("documents", {}).get("shards", {}).items()})
    old_boilerplate = None
    if "boilerplate" in old_tables and _shards_present(out, {"tables": {"boilerplate": old_tables["boilerplate"]}}):
        old_boilerplate = read_table(out, "boilerplate", manifest=old)
    boilerplate, boiler_hashes = _find_boilerplate_hashes(prepared, settings, old_boilerplate, rows)
    plan = replace(plan, boilerplate=_boilerplate_texts(boilerplate))
    prep = _sha(settings.detokenize, _rule_versions())
    skipped = [[] for _ in range(len(index))]
    if len(boiler_hashes):   # the boilerplate paragraphs in each document (its hash covers them)
        lengths = np.fromiter((len(p) for p in index["paragraphs"]), dtype=np.int64, count=len(index))
        flat = np.concatenate(list(index["paragraphs"]) or [np.empty(0, np.uint64)])
        rows_of = np.repeat(np.arange(len(index)), lengths)
        hit = np.isin(flat, boiler_hashes)
        for row, value in zip(rows_of[hit].tolist(), flat[hit].tolist()):
            skipped[row].append(value)
    doc_hashes = [_sha(row_hash, prep, sorted(s)) for row_hash, s in zip(row_hashes, skipped)]
    with_boilerplate = {d for d, s in zip(doc_ids, skipped) if s}
    index = index.assign(_hash=doc_hashes)
    current = dict(zip(doc_ids, doc_hashes))

    new_tables, todo = {}, {}
    for name, fingerprint in plan.fingerprints.items():
        entry = old_tables.get(name)
        keep, covered = {}, set()
        rewrite = []
        if entry and entry.get("fingerprint") == fingerprint:
            for shard, docs in entry["shards"].items():
                if not (out / f"{name}.parquet" / shard).is_file():
                    continue
                valid = {d: h for d, h in docs.items() if current.get(d) == h}
                if len(valid) == len(docs):
                    keep[shard] = docs
                    covered.update(docs)
                elif valid:
                    rewrite.append((shard, valid))
                    covered.update(valid)
        for shard, valid in rewrite:  # drop stale documents from a shard, without re-annotating
            table = _read_shard(out / f"{name}.parquet" / shard)   # (its types and pandas metadata kept)
            table = table.filter(pc.is_in(table["doc_id"], value_set=pa.array(sorted(valid), table["doc_id"].type)))
            key = _sha(fingerprint, sorted(valid.items()))
            new_shard = f"part-{key}.parquet"
            (out / f"{name}.parquet").mkdir(exist_ok=True)
            _write_parquet(table, out / f"{name}.parquet" / new_shard)
            keep[new_shard] = valid
        new_tables[name] = {"fingerprint": fingerprint, "shards": keep}
        todo[name] = set(current) - covered
        (out / f"{name}.parquet").mkdir(exist_ok=True)

    needed = set().union(*todo.values()) if todo else set()
    work = index[np.fromiter((d in needed for d in doc_ids), dtype=bool, count=len(doc_ids))]
    # one job per source of rows (a staging file, or an old documents shard), split by size
    groups = {}
    for doc_id, chars in zip(work["doc_id"].tolist(), work["chars"].tolist()):
        where = rows.where(doc_id)
        if where is None:
            raise CacheError(out, f"the cache lost the text of {doc_id!r}; delete the cache folder and run again")
        groups.setdefault(_source_key(where), (where, []))[1].append((doc_id, int(chars)))
    write = engine.writes_locally
    shared = engine.share(plan) if groups else plan
    jobs = []
    for where, members in groups.values():
        for chunk in _batches_by_size(members, [chars for _, chars in members], settings.batch_chars):
            ids = {d for d, _ in chunk}
            source_rows = where if write or isinstance(where, pd.DataFrame) else _load_sources([(where, ids)])
            jobs.append((str(out), [(source_rows, ids)], {d: current[d] for d in ids}, shared,
                         {t: ids & wanted for t, wanted in todo.items()}, write, ids & with_boilerplate))
    bar = (lambda it, total: _progress(it, total, True, "annotate")) if progress else None
    if isinstance(engine, LocalEngine):
        workers = engine.workers_for(len(jobs), int(work["chars"].sum()) if len(jobs) else 0)
        results = engine.run(_run_batch, jobs, progress=bar, workers=workers)
    else:
        results = engine.run(_run_batch, jobs, progress=bar)
    for written in results:
        for name, (shard, docs, _, payload) in written.items():
            if payload is not None:
                _write_parquet(None, out / f"{name}.parquet" / shard, payload)
            new_tables[name]["shards"][shard] = docs
    # every document now has its row in a documents shard (near-duplicate checks read them back)
    rows.shard_of.update({d: shard for shard, docs in new_tables["documents"]["shards"].items() for d in docs})

    duplicates, excluded, pairs = _find_duplicate_clusters(index, settings, new_tables, rows, plan.boilerplate,
                                                           old.get("pairs", {}), out)
    corpus_tables = {"problems": prepared.problems, "boilerplate": boilerplate, "duplicates": duplicates}
    if len(prepared.files):
        corpus_tables["files"] = prepared.files
    for name, table in corpus_tables.items():  # corpus-level tables: one shard each
        shard = f"part-{_sha(name, _frame_digest(table))}.parquet"
        (out / f"{name}.parquet").mkdir(exist_ok=True)
        _write_parquet(table.reset_index(drop=True), out / f"{name}.parquet" / shard)
        new_tables[name] = {"fingerprint": "", "shards": {shard: {}}}

    from .report import _facts

    facts = _facts(doc_ids, index["date"], row_hashes, prepared.problems)   # for report stamps
    manifest = {
        "format": _FORMAT,
        "complete": True,
        "toolkit_version": __version__,
        "source": str(Path(source).resolve()),
        "settings": settings.describe(),
        "annotated": len(work),
        "read": prepared.read,
        "documents": len(index),
        "excluded": sorted(excluded),
        "corpus_facts": facts,
        "pairs": pairs,
        "rows": dict(zip(doc_ids, row_hashes)),
        **keys,
        "tables": new_tables,
    }
    _write_manifest(out, manifest)
    _sweep(out, manifest)
    return manifest


def _frame_digest(table: pd.DataFrame) -> str:
    """A content hash of a corpus-level table (its shard name)."""
    if not len(table):
        return _sha(list(table.columns))
    try:
        values = pd.util.hash_pandas_object(table, index=False).to_numpy()
    except TypeError:   # unhashable cells
        values = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy()
    return _sha(list(table.columns), hashlib.sha1(values.tobytes()).hexdigest())


def _sweep(out: Path, manifest: dict):
    """Delete shard files the manifest does not list (superseded, or left by a killed run).

    The counts derived from the cache's shards (:mod:`toolkit.counts`) go with their shard. They
    are written without the cache lock (by notebooks, on first read), so a temporary file of a
    process still running is left alone: only a dead process's is a leftover.
    """
    from .counts import DERIVED_TABLES, kept_files

    tables = manifest["tables"]
    for name in TABLES + DERIVED_TABLES:
        folder = out / f"{name}.parquet"
        if not folder.is_dir():
            continue
        listed = kept_files(manifest, name) if name in DERIVED_TABLES else set(tables.get(name, {}).get("shards", {}))
        for path in folder.iterdir():
            if path.name not in listed and not _written_by_a_live_process(path.name):
                with contextlib.suppress(OSError):
                    path.unlink()


def _written_by_a_live_process(name: str) -> bool:
    """Whether ``name`` is a temporary file (``_tmp-<pid>-...``, :func:`_write_parquet`) of a running process."""
    if not name.startswith("_tmp-"):
        return False
    pid = name[5:].split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:   # exists, owned by another user
        return True
    return True


def read_table(out, name: str, *, columns=None, manifest=None, ids=None) -> pd.DataFrame:
    """Read one table of an annotation cache, exactly the shards its manifest lists.

    Parameters
    ----------
    out : path-like
        The cache folder written by :func:`annotate`.
    name : str
        ``documents``, ``problems``, ``sentences``, ``tokens``, ``mentions`` or ``sentiment``.
    columns : list of str, optional
        Read only these columns.
    ids : collection of str, optional
        Read only these documents' rows (only the shards that hold them are opened).

    Returns
    -------
    pandas.DataFrame
        The table (see the README for its columns), rows in document order.

    Raises
    ------
    CacheError
        When the cache is missing or incomplete, or does not hold the table.
    """
    out = Path(out)
    manifest = manifest or _read_manifest(out)
    if manifest is None:
        raise CacheError(out, "no complete annotation cache here; run `python -m toolkit annotate`")
    entry = manifest["tables"].get(name)
    if entry is None:
        raise CacheError(out, f"the cache has no {name!r} table (annotate with the option that makes it)")
    shards = entry["shards"]
    if ids is not None:
        ids = set(ids)
        shards = {shard: docs for shard, docs in shards.items() if not ids.isdisjoint(docs)}
    paths = [out / f"{name}.parquet" / shard for shard in shards]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise CacheError(missing[0], "a shard listed in the manifest is missing; run annotate again")
    if not paths:
        return pd.DataFrame()
    try:
        if len(paths) > 8:  # many shards: read in parallel (Arrow releases the GIL)
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
                tables = list(pool.map(lambda p: _read_shard(p, columns), paths))
        else:
            tables = [_read_shard(p, columns) for p in paths]
        table = pa.concat_tables(tables, promote_options="default")
    except (pa.ArrowException, OSError) as err:
        raise CacheError(out / f"{name}.parquet", f"cannot read the cache: {err}") from None
    if ids is not None:
        import pyarrow.compute as pc

        table = table.filter(pc.is_in(table["doc_id"], value_set=pa.array(sorted(ids), table["doc_id"].type)))
    frame = table.to_pandas()
    order = [c for c in ("doc_id", "sent_id", "position", "start") if c in frame.columns]
    if name == "problems" or not order:
        return frame.reset_index(drop=True)
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


class Annotations:
    """An annotation cache: its tables as attributes, read on first use.

    Parameters
    ----------
    path : path-like
        The cache folder.

    Examples
    --------
    >>> ann = annotate("corpus", ".cache/demo")           # doctest: +SKIP
    >>> ann.sentences.head()                              # doctest: +SKIP
    """

    def __init__(self, path, *, manifest=None, all_documents: bool = False):
        self.path = Path(path)
        self.all_documents = all_documents
        self._metadata = None  # read_metadata's table, read once
        self.manifest = manifest or _read_manifest(self.path)
        if self.manifest is None:
            raise CacheError(self.path, "no complete annotation cache here; run `python -m toolkit annotate`")

    def __repr__(self):
        tables = ", ".join(self.manifest["tables"])
        return f"Annotations({str(self.path)!r}: {self.manifest['documents']} documents; {tables})"

    @property
    def settings(self) -> dict:
        """The settings the cache was made with."""
        return self.manifest["settings"]

    def has(self, name: str) -> bool:
        """Whether the cache holds table ``name``."""
        return name in self.manifest["tables"]

    @property
    def excluded(self) -> list:
        """Ids of the near-duplicates left out of the tables (unless ``all_documents``)."""
        return list(self.manifest.get("excluded", []))

    def read(self, name: str, *, columns=None, ids=None) -> pd.DataFrame:
        """Read table ``name`` (optionally only some columns, or only some documents' rows).

        Per-document tables leave out the near-duplicates that keeping one article per cluster
        excludes, unless the cache was opened with ``all_documents=True``. ``ids`` reads only
        the shards holding those documents (the texts of a few articles, say).
        """
        table = read_table(self.path, name, columns=columns, manifest=self.manifest, ids=ids)
        if self.excluded and not self.all_documents and name not in CORPUS_TABLES and "doc_id" in table:
            table = table[~table["doc_id"].isin(self.excluded)].reset_index(drop=True)
        return table

    def read_metadata(self) -> pd.DataFrame:
        """The documents table without the texts: one row per document, every column but ``text``.

        Reads a small part of the cache (the texts are most of it): for counts, dates and sources.
        The columns are joined into one file beside the cache on first use, and read once per
        ``Annotations`` (each call returns a copy), so functions handed the cache in place of the
        documents table do not read them again.
        """
        if not self.manifest["tables"]["documents"]["shards"]:
            return self.documents.drop(columns=["text"], errors="ignore")
        if self._metadata is None:
            from .counts import _read_metadata

            self._metadata = _read_metadata(self)
        frame = self._metadata
        if self.excluded and not self.all_documents:
            frame = frame[~frame["doc_id"].isin(self.excluded)].reset_index(drop=True)
        return frame.copy()

    @cached_property
    def boilerplate(self) -> pd.DataFrame:
        return self.read("boilerplate")

    @cached_property
    def duplicates(self) -> pd.DataFrame:
        return self.read("duplicates")

    @cached_property
    def documents(self) -> pd.DataFrame:
        return self.read("documents")

    @cached_property
    def problems(self) -> pd.DataFrame:
        return self.read("problems")

    @cached_property
    def sentences(self) -> pd.DataFrame:
        return self.read("sentences")

    @cached_property
    def tokens(self) -> pd.DataFrame:
        return self.read("tokens")

    @cached_property
    def mentions(self) -> pd.DataFrame:
        return self.read("mentions")

    @cached_property
    def sentiment(self) -> pd.DataFrame:
        return self.read("sentiment")
