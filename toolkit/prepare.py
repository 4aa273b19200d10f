"""Preparing a corpus for annotation: read only new and changed files, restore them, summarise them.

:func:`toolkit.annotate` does not hold a corpus in memory, and does not reread it on every run.
It keeps a **file index** in the cache (the ``files`` table: one row per article file, with its
size and modification time, what reading it gave, and a summary of the restored text), and on the
next run it reads only the files whose size or modification time changed (as ``git`` and
``make`` do, including git's guard for "racy" files written in the same instant as the index:
those are always read again). Reading happens in **pass 1**, batch by batch on all cores: each
batch of files is parsed exactly as :func:`toolkit.read_corpus` parses it, its text restored
(:func:`toolkit.restore_text`), and summarised for the corpus-wide hygiene:

* the content hash of the document as read (:func:`toolkit.annotate` hashes; report stamps use
  them), of its text (to find exact duplicates), and
* the 64-bit hash of each paragraph (:func:`toolkit.boilerplate.hash_paragraphs`), from which
  boilerplate (paragraphs recurring in many articles) is counted without their text.

The restored documents of a batch go to a staging file in the cache folder that pass 2 reads
back; the parent process holds only the summaries. Then, in the parent, the files are accepted
in name order as :func:`toolkit.read_corpus` accepts them (duplicate ids, exact duplicates,
metadata rows naming no article), so the documents and problems equal ``read_corpus``'s.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._arrays import distinct
from .corpus import (DEFAULT_MAX_BYTES, _accept_articles, _stem, _check_metadata, _clash_names, _documents_frame, _find_metadata, _first_texts,
                     _list_folder, _problems_frame, _read_article_file, hash_text, read_corpus, read_metadata)

__all__ = ["Prepared", "prepare_corpus", "FILE_COLUMNS"]

FILE_COLUMNS = ["file", "size", "mtime_ns", "problem", "detail", "warnings", "doc_id", "date", "text_hash",
                "row_hash", "chars", "detokenized", "paragraphs"]
STAGE_BYTES = 64_000_000
"""Above this many bytes of files to read, restored documents go to staging files, not memory."""
RACY_NS = 2_000_000_000
"""Files modified this close to (or after) the previous scan are read again whatever their stat says."""


@dataclass
class Prepared:
    """What pass 1 found: the documents in table order, their summaries and where their text is.

    Attributes
    ----------
    index : pandas.DataFrame
        One row per loaded document, in documents-table order (by id): ``doc_id``, ``file``,
        ``date``, ``row_hash`` (the document as read: text, date, metadata), ``text_hash``,
        ``chars`` (restored text), ``detokenized``, ``paragraphs`` (unique paragraph hashes).
    problems : pandas.DataFrame
        As :func:`toolkit.read_corpus` reports them.
    files : pandas.DataFrame
        The new file index (``FILE_COLUMNS``), to store in the cache.
    staged : dict of str to object
        For the documents read in this run: doc id -> where pass 2 finds its restored row (a
        staging Parquet file, or a DataFrame).
    groups : pandas.Series or None
        The ``by`` column of the boilerplate settings, per doc id.
    read : int
        Files (or records) read in this run.
    stage_dir : pathlib.Path or None
        The staging folder of this run (deleted by :meth:`cleanup`).
    """

    index: pd.DataFrame
    problems: pd.DataFrame
    files: pd.DataFrame
    staged: dict = field(default_factory=dict)
    groups: object = None
    read: int = 0
    stage_dir: Path | None = None

    def cleanup(self):
        """Delete the staging files."""
        if self.stage_dir is not None:
            shutil.rmtree(self.stage_dir, ignore_errors=True)


def _stage_dir(out: Path) -> Path:
    return out / f"_stage-{os.getpid()}"


def sweep_stages(out: Path):
    """Delete staging folders a killed run left behind (call with the cache lock held)."""
    for path in Path(out).glob("_stage-*"):
        shutil.rmtree(path, ignore_errors=True)


def _summarise(docs: pd.DataFrame, detokenize: str):
    """Restore a batch's documents and summarise each: hashes, restored length, paragraph hashes."""
    from .annotate import _hash_rows
    from .boilerplate import hash_paragraph_sets
    from .detokenize import restore_text

    row_hashes = _hash_rows(docs)
    text_hashes = [hash_text(t) for t in docs["text"]]
    restored = restore_text(docs, when=detokenize)
    texts = restored["text"].tolist()
    paragraphs = hash_paragraph_sets(texts)
    summary = pd.DataFrame({
        "doc_id": restored["doc_id"].to_numpy(),
        "row_hash": row_hashes,
        "text_hash": text_hashes,
        "chars": np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts)),
        "detokenized": restored["detokenized"].to_numpy(dtype=bool),
        "paragraphs": paragraphs,
    })
    return restored, summary


def _write_stage(frame: pd.DataFrame, path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression="zstd")


def _folder_job(job):
    """Pass 1 for a batch of article files: parse, restore, summarise, stage the restored rows."""
    entries, options, meta, detokenize, stage = job
    results, rows = [], []
    for path, name in entries:
        parsed, problem = _read_article_file(path, name, **options)
        if parsed is None:
            results.append((name, None, problem))
            continue
        date, text, warnings = parsed
        results.append((name, (date, None, warnings), None))
        rows.append((_stem(name), date, text, name))
    summary = None
    if rows:
        docs = _documents_frame(rows)
        if meta is not None:
            docs = docs.merge(meta, on="doc_id", how="left")
        restored, summary = _summarise(docs, detokenize)
        summary["file"] = docs["file"].to_numpy()
        summary["date"] = docs["date"].to_numpy()
        # a.TXT and a.txt: only the first (by name) can be loaded, and only it is staged; which
        # one the corpus loads is decided later, over all batches (they are in name order)
        restored = restored[~restored["doc_id"].duplicated()]
        if stage is not None:
            _write_stage(restored, stage)
            restored = None
    else:
        restored = None
    return results, summary, restored


def _frame_job(job):
    docs, detokenize = job
    restored, summary = _summarise(docs, detokenize)
    summary["file"] = docs["file"].to_numpy()
    summary["date"] = docs["date"].to_numpy()
    return restored, summary


def _even_batches(items, sizes, limit, parts: int = 1) -> list:
    """Consecutive batches of about equal size, none much over ``limit``, as many as a multiple of ``parts``.

    With ``parts`` workers, batches of one size let them finish together (cutting at ``limit``
    leaves a small last batch, and one worker idles while another finishes a full one). Pass 2
    annotates each pass-1 batch as one job (its rows are together), so both passes are even.
    """
    sizes = np.asarray(sizes, dtype=np.float64)
    total = float(sizes.sum())
    if not len(sizes) or total <= 0:
        return [list(items)] if len(sizes) else []
    n = max(1, int(np.ceil(total / limit)))
    n = int(np.ceil(n / parts)) * parts
    cuts = np.searchsorted(np.cumsum(sizes), total * np.arange(1, n) / n, side="left") + 1
    bounds = distinct(np.concatenate([[0], np.minimum(cuts, len(sizes)), [len(sizes)]]))
    items = list(items)
    return [items[a:b] for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def _batches_by_size(items, sizes, limit):
    batch, total = [], 0
    for item, size in zip(items, sizes):
        batch.append(item)
        total += size
        if total >= limit:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def prepare_corpus(source, out, *, old_files=None, scanned_at=None, detokenize="auto", by=None,
                   engine=None, batch_chars=2_000_000, reread=(), known_stats=None, **read_options) -> Prepared:
    """Pass 1 of annotate: read what changed since the cached file index, restore and summarise it.

    Parameters
    ----------
    source : path-like
        A corpus folder, or a CSV / JSON Lines export (an export is read whole when it changed).
    out : path-like
        The cache folder (staging files go into it).
    old_files : pandas.DataFrame, optional
        The previous file index (``FILE_COLUMNS``); its rows are reused for unchanged files.
    scanned_at : int, optional
        When the previous index was made (ns since the epoch): racy files are read again.
    detokenize : {"auto", "always", "never"}
        Restoring pre-tokenised text.
    by : str, optional
        The metadata column boilerplate is counted within.
    engine : toolkit.engines.LocalEngine, optional
        Where the batches run.
    batch_chars : int
        Bytes of files per batch.
    reread : collection of str
        File names to read even if unchanged (their text is needed and not in the cache).
    known_stats : dict, optional
        ``(size, mtime_ns)`` by file name, taken just before (so files are not stat-ed twice).
    **read_options
        As for :func:`toolkit.read_corpus`.

    Returns
    -------
    Prepared
    """
    from .engines import LocalEngine

    engine = engine or LocalEngine(1)
    source, out = Path(source), Path(out)
    if not source.is_dir():
        return _prepare_export(source, detokenize=detokenize, by=by, engine=engine, **read_options)
    options = {"max_bytes": read_options.get("max_bytes", DEFAULT_MAX_BYTES),
               "encoding_errors": read_options.get("encoding_errors", "fallback")}
    if options["encoding_errors"] not in ("fallback", "strict"):
        raise ValueError("encoding_errors must be 'fallback' or 'strict'")
    articles, problems = _list_folder(source, max_files=read_options.get("max_files", 2_000_000))
    metadata = read_options.get("metadata") or _find_metadata(source)
    meta = read_metadata(metadata) if metadata is not None else None
    joined = None
    if meta is not None:  # renamed as read_corpus renames them
        joined = meta.rename(columns=_clash_names([c for c in meta.columns if c != "doc_id"],
                                                  ("doc_id", "date", "text", "file")))
    old = {}
    if old_files is not None and len(old_files):
        old = {f: row for f, row in zip(old_files["file"], old_files.itertuples(index=False))}
    stats, todo = {}, []
    racy_after = (scanned_at or 0) - RACY_NS
    for entry in articles:
        stat = (known_stats or {}).get(entry.name)
        if stat is None:
            try:
                st = entry.stat()
                stat = (st.st_size, st.st_mtime_ns)
            except OSError:
                stat = (-1, -1)
        stat = tuple(stat)
        stats[entry.name] = stat
        prior = old.get(entry.name)
        if (prior is None or (prior.size, prior.mtime_ns) != stat or stat[1] >= racy_after or stat[0] < 0
                or entry.name in reread):
            todo.append(entry)
    stage_dir = _stage_dir(out)
    located, summaries, fresh = {}, [], {}
    if todo:
        sizes = [max(stats[e.name][0], 1) for e in todo]
        parts = engine.workers_for(len(todo), sum(sizes))
        batches = _even_batches([(e.path, e.name) for e in todo], sizes, batch_chars, parts)
        workers = engine.workers_for(len(batches), sum(sizes))
        stage = sum(sizes) > STAGE_BYTES   # small corpora stay in memory
        if stage:
            stage_dir.mkdir(exist_ok=True)
        jobs = []
        rows_of = {}   # metadata rows by id, so that each batch takes its own (not a scan per batch)
        if joined is not None:
            for row, doc_id in enumerate(joined["doc_id"]):
                rows_of.setdefault(doc_id, row)
        for i, batch in enumerate(batches):
            sub = None
            if joined is not None:
                wanted = sorted({rows_of[s] for s in (_stem(name) for _, name in batch) if s in rows_of})
                sub = joined.iloc[wanted]
            jobs.append((batch, options, sub, detokenize, stage_dir / f"{i}.parquet" if stage else None))
        for i, (results, summary, restored) in enumerate(engine.run(_folder_job, jobs, workers=workers)):
            for name, parsed, problem in results:
                fresh[name] = (parsed, problem)
            if summary is not None:
                summaries.append(summary)
                where = restored if restored is not None else jobs[i][4]
                for file in summary["file"].tolist():
                    located[file] = where
    summary = pd.concat(summaries, ignore_index=True) if summaries else None
    by_file = {}
    if summary is not None:
        by_file = dict(zip(summary["file"].tolist(), summary.itertuples(index=False)))

    results, records = [], []
    for entry in articles:
        name = entry.name
        size, mtime = stats[name]
        if name in fresh:
            parsed, problem = fresh[name]
            row = by_file.get(name)
            results.append((name, parsed, problem))
            records.append(_record(name, size, mtime, problem, parsed, row))
        else:
            prior = old[name]
            if isinstance(prior.problem, str) and prior.problem:
                problem = {"file": name, "line": None, "problem": prior.problem, "detail": prior.detail, "severity": "error"}
                results.append((name, None, problem))
            else:
                warnings = [tuple(w.split("\t", 1)) for w in prior.warnings.split("\n") if w] if prior.warnings else []
                results.append((name, (prior.date, None, warnings), None))
            records.append(prior._asdict())
    files = pd.DataFrame.from_records(records, columns=FILE_COLUMNS) if records else _empty_files()
    accepted = _accept_articles(results, problems)          # (doc_id, date, None, file), name order
    loaded = files.set_index("file").loc[[r[3] for r in accepted]].reset_index() if accepted else _empty_files()
    order = np.argsort(loaded["doc_id"].to_numpy(dtype=object), kind="stable")   # as _documents_frame sorts
    loaded = loaded.iloc[order].reset_index(drop=True)
    if len(loaded):
        keep = _first_texts(loaded["file"], loaded["text_hash"], problems)
        loaded = loaded[keep].reset_index(drop=True)
    if meta is not None:
        _check_metadata(meta, loaded["doc_id"], Path(metadata).name, problems)
    groups = None
    if by is not None:
        if joined is None or by not in joined.columns:
            raise KeyError(f"no column {by!r} in the documents table")
        groups = loaded["doc_id"].map(joined.set_index("doc_id")[by])
        groups.index = loaded["doc_id"].to_numpy()
    staged = {d: located[f] for d, f in zip(loaded["doc_id"].tolist(), loaded["file"].tolist()) if f in located}
    index = loaded.drop(columns=["size", "mtime_ns", "problem", "detail", "warnings"])
    index["paragraphs"] = [np.frombuffer(b, dtype=np.uint64) for b in index["paragraphs"]]
    index["date"] = pd.to_datetime(index["date"]).astype("datetime64[ns]")
    return Prepared(index, _problems_frame(problems), files, staged, groups, len(todo), stage_dir)


def _record(name, size, mtime, problem, parsed, row) -> dict:
    record = dict.fromkeys(FILE_COLUMNS)
    record.update(file=name, size=size, mtime_ns=mtime)
    if problem is not None:
        record.update(problem=problem["problem"], detail=problem["detail"])
        return record
    date, _, warnings = parsed
    record.update(warnings="\n".join(f"{k}\t{d}" for k, d in warnings), date=pd.Timestamp(date),
                  doc_id=row.doc_id, text_hash=row.text_hash, row_hash=row.row_hash, chars=row.chars,
                  detokenized=row.detokenized, paragraphs=row.paragraphs.tobytes())
    return record


def _empty_files() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FILE_COLUMNS})


def _prepare_export(source: Path, *, detokenize, by, engine, **read_options) -> Prepared:
    """An export is one file: read it whole (as read_corpus does) and summarise its documents."""
    corpus = read_corpus(source, **read_options)
    documents = corpus.documents
    if by is not None and by not in documents.columns:
        raise KeyError(f"no column {by!r} in the documents table")
    from .annotate import _hash_rows

    row_hashes = _hash_rows(documents)
    bounds = list(_batches_by_size(range(len(documents)), documents["text"].str.len().to_numpy(), 2_000_000))
    jobs = [(documents.iloc[b[0]:b[-1] + 1], detokenize) for b in bounds]
    staged, summaries = {}, []
    workers = engine.workers_for(len(jobs), int(documents["text"].str.len().sum()) if len(documents) else 0)
    for restored, summary in engine.run(_frame_job, jobs, workers=workers):
        summaries.append(summary)
        for doc_id in summary["doc_id"]:
            staged[doc_id] = restored
    if summaries:
        index = pd.concat(summaries, ignore_index=True)
        index["row_hash"] = row_hashes        # over the whole table, as read_corpus's callers hash it
    else:
        index = pd.DataFrame(columns=["doc_id", "row_hash", "text_hash", "chars", "detokenized", "paragraphs", "file", "date"])
    groups = None
    if by is not None:
        groups = pd.Series(documents[by].to_numpy(), index=documents["doc_id"].to_numpy())
    return Prepared(index, corpus.problems, _empty_files(), staged, groups, len(documents), None)


def scan_stamp() -> int:
    """Now, in ns since the epoch (recorded with the index; see ``RACY_NS``)."""
    return time.time_ns()
