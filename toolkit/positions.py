"""Positions kept beside the annotation cache: where each word occurs, looked up by the word.

A concordance line, a dispersion tick or a trend of a few words needs their occurrences only, but
finding them in a tokens table means reading all of it (over 100 million rows at 100,000
articles). Here each shard of the cache's tokens is turned once, the first time it is asked for,
into an inverted index stored next to it (``positions``, the shard's name, swept with it): one row
per word (token that is not punctuation), sorted by the word and written in small row groups with
the word's range in each, so that reading one word's rows skips the rest of the file:

``term`` (the ``norm`` form), ``doc_id``, ``sent_id``, ``position`` (among the document's tokens),
``word`` (among the document's words, punctuation left out), ``start``, ``end``.

:func:`find_occurrences` looks words and phrases up in it; :func:`toolkit.find_kwic`,
:func:`toolkit.locate_terms`, :func:`toolkit.count_trends`, :func:`toolkit.measure_dispersion` and
the frequency explorer take the cache in place of the tokens and use it (the same tables as from
the tokens, row for row).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["find_occurrences"]

_ROW_GROUP = 16_384
_COLUMNS = ["term", "doc_id", "sent_id", "position", "word", "start", "end"]


def index_positions(tokens: pd.DataFrame) -> pd.DataFrame:
    """A tokens shard's words sorted by word: the ``positions`` table (see the module docstring)."""
    punct = tokens["is_punct"].to_numpy(dtype=bool)
    codes = pd.factorize(tokens["doc_id"])[0]
    words = np.cumsum(~punct) - 1  # running count of words, then made relative to each document
    first = np.zeros(len(codes), dtype=np.int64)
    if len(codes):
        change = np.flatnonzero(np.diff(codes)) + 1
        starts = np.concatenate([[0], change])
        before = np.concatenate([[0], np.cumsum(~punct)[starts[1:] - 1]])
        first = np.repeat(before, np.diff(np.concatenate([starts, [len(codes)]])))
    kept = tokens.loc[~punct, ["norm", "doc_id", "sent_id", "position", "start", "end"]].assign(
        word=(words - first)[~punct].astype(np.int64))
    # sorted by word (code point order), each word's rows in document and position order
    codes, vocabulary = pd.factorize(kept["norm"])
    rank = np.empty(len(vocabulary), dtype=np.int64)
    rank[np.argsort(np.asarray(vocabulary, dtype=str), kind="stable")] = np.arange(len(vocabulary))
    order = np.argsort(rank[codes], kind="stable")
    frame = kept.iloc[order].rename(columns={"norm": "term"})[_COLUMNS].reset_index(drop=True)
    return frame.astype({c: np.int64 for c in ("sent_id", "position", "word", "start", "end")})


def write_positions(frame: pd.DataFrame, path):
    """Write a ``positions`` shard: small row groups with statistics on ``term`` (atomic, as other shards)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .annotate import _write_parquet

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", use_dictionary=["term", "doc_id"], row_group_size=_ROW_GROUP,
                   column_encoding={c: "DELTA_BINARY_PACKED" for c in ("sent_id", "position", "word", "start", "end")},
                   write_statistics=["term"])
    _write_parquet(None, path, sink.getvalue().to_pybytes())


def _word_range(word: str, ignore_case: bool):
    """``(low, high, one_by_one)``: the terms ``word`` can match lie in ``low <= term < high``
    (``high`` None: exactly ``low``; ``low`` None: anywhere), and whether the rows in that range
    must still be matched one by one (a wildcard)."""
    word = word.lower() if ignore_case else word  # norms are lower case
    cut = min([i for i, ch in enumerate(word) if ch in "*?["] or [len(word)])
    if cut == len(word):
        return word, None, False
    prefix = word[:cut]
    if not prefix:
        return None, None, True
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1), True


_FOOTERS: dict = {}  # positions shard path -> (Parquet metadata, each row group's smallest and largest term)


def _footer(path):
    """A positions shard's metadata and its row groups' term ranges, parsed once per process (the
    shards are named by their content: a path holds the same file)."""
    import pyarrow.parquet as pq

    key = str(path)
    found = _FOOTERS.get(key)
    if found is None:
        metadata = pq.ParquetFile(path).metadata
        column = metadata.schema.names.index("term")
        stats = [metadata.row_group(i).column(column).statistics for i in range(metadata.num_row_groups)]
        ranges = [(s.min, s.max) for s in stats] if all(s is not None and s.has_min_max for s in stats) else None
        found = _FOOTERS[key] = (metadata, ranges)
    return found


_READ: dict = {}  # (shard paths, word, ignore_case) -> rows, most recently used last
_READ_ROWS = 5_000_000  # rows kept at most (about 0.5 GB with their id strings); the least recently used words go first


def _read_word(paths, word: str, ignore_case: bool, excluded) -> pd.DataFrame:
    """The rows of ``positions`` shards ``paths`` whose term matches ``word`` (as the tokens' queries match).

    A word read once is kept for the next call (a notebook looks its words up for the concordance,
    the dispersion plot, the trends and the explorer): the shards are named by their content, so
    the same names hold the same rows.
    """
    key = (tuple(str(path) for path in paths), word, ignore_case)
    frame = _READ.pop(key, None)
    if frame is None:
        frame = _read_word_rows(paths, word, ignore_case)
    _READ[key] = frame
    while len(_READ) > 1 and sum(len(f) for f in _READ.values()) > _READ_ROWS:
        del _READ[next(iter(_READ))]
    if excluded and len(frame):
        frame = frame[~frame["doc_id"].isin(excluded)]
    return frame.reset_index(drop=True)


def _read_word_rows(paths, word: str, ignore_case: bool) -> pd.DataFrame:
    """:func:`_read_word` from the files, all documents."""
    from concurrent.futures import ThreadPoolExecutor
    import os

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .frequency import _Vocabulary

    low, high, one_by_one = _word_range(word, ignore_case)

    def read(path):
        # only the row groups whose terms can match (their ranges are kept per shard), then the rows
        metadata, ranges = _footer(path)
        groups = list(range(metadata.num_row_groups))
        if low is not None and ranges is not None:
            groups = [g for g in groups if (ranges[g][0] <= low <= ranges[g][1] if high is None
                                            else ranges[g][1] >= low and ranges[g][0] < high)]
        table = pq.ParquetFile(path, metadata=metadata).read_row_groups(groups)
        if low is not None:
            term = table["term"]
            table = table.filter(pc.equal(term, low) if high is None
                                 else pc.and_(pc.greater_equal(term, low), pc.less(term, high)))
        if one_by_one and table.num_rows:
            terms = pd.Index(pc.unique(table["term"]).to_pylist(), dtype=object)
            matched = terms[_Vocabulary(terms).hits(word, ignore_case)]
            table = table.filter(pc.is_in(table["term"], value_set=pa.array(list(matched), pa.string())))
        return table

    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        tables = [t for t in pool.map(read, paths) if t.num_rows]
    if not tables:
        return pd.DataFrame({c: pd.Series([], dtype=object if c in ("term", "doc_id") else np.int64) for c in _COLUMNS})
    frame = pa.concat_tables(tables).to_pandas()
    frame["doc_id"] = frame["doc_id"].astype(object)
    return frame


def _positions_paths(ann, *, make: bool = True):
    """The cache's ``positions`` shards, made where missing (with the other counts of their tokens
    shard); with ``make=False``, None when some are missing."""
    from .counts import _in_order, derived_shards, make_counts

    paths = [ann.path / "positions.parquet" / name for name in _in_order(derived_shards(ann.manifest, "positions"))]
    if not all(path.is_file() for path in paths):
        if not make:
            return None
        make_counts(ann)
    return paths


def find_occurrences(cache, queries, *, ignore_case: bool = True, adjacent: str = "word") -> pd.DataFrame:
    """Every occurrence of some words or phrases, looked up in the positions kept beside a cache.

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache (near-duplicates it leaves out stay out).
    queries : str or list of str
        Words or phrases (wildcards ``*``, ``?`` allowed; a comma-separated string is split);
        matched against the ``norm`` form (punctuation is not indexed).
    ignore_case : bool
        Match case-insensitively.
    adjacent : str
        What makes a phrase's words consecutive: ``"word"`` (next word, punctuation between them
        skipped, as :func:`toolkit.locate_terms` counts) or ``"position"`` (next token, as
        :func:`toolkit.find_kwic` matches).

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, by query (in the order given), document and place: ``query``
        (its number), ``doc_id``, ``sent_id``, ``position`` and ``word`` (of the first word),
        ``last_position`` (of the last), ``start``, ``end`` (offsets of the whole occurrence).

    Examples
    --------
    >>> find_occurrences(ann, ["ceasefire", "security council"])  # doctest: +SKIP
    """
    from .annotate import Annotations
    from .frequency import _as_queries

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    paths = _positions_paths(ann)
    excluded = set() if ann.all_documents else set(ann.excluded)
    looked_up = {}
    frames = []
    for number, query in enumerate(_as_queries(queries)):
        words = str(query).split()
        parts = []
        for word in words:
            if word not in looked_up:
                looked_up[word] = _read_word(paths, word, ignore_case, excluded)
            parts.append(looked_up[word])
        found = parts[0][["doc_id", "sent_id", "position", "word", "start", "end"]].copy()
        found["last_position"] = found["position"]
        for k, part in enumerate(parts[1:], start=1):  # each next word k places on, in the same document
            step = pd.DataFrame({"doc_id": part["doc_id"], "_at": part[adjacent], "_position": part["position"],
                                 "_end": part["end"]})
            found["_at"] = found[adjacent] + k
            found = found.merge(step, on=["doc_id", "_at"], how="inner")
            found["last_position"], found["end"] = found.pop("_position"), found.pop("_end")
            found = found.drop(columns="_at")
        found.insert(0, "query", number)
        frames.append(found)
    columns = ["query", "doc_id", "sent_id", "position", "word", "last_position", "start", "end"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)[columns]
    out = out.sort_values(["query", "doc_id", "position"], kind="stable").reset_index(drop=True)
    for column in columns[2:]:
        out[column] = out[column].astype(np.int64)
    out["query"] = out["query"].astype(np.int64)
    return out
