"""Counts kept beside the annotation cache, made once per shard: terms per article, lengths, text counts, n-grams.

A notebook that counts words over a large corpus would otherwise read the whole tokens table
(over 100 million rows at 100,000 articles) and count it again on every run. Here each shard of
the cache's tokens table is reduced once, the first time it is asked for (or by
:func:`make_counts`, which ``python -m toolkit report`` runs after annotating), to smaller tables
stored next to it (named for the shard, so a re-annotated document gets new counts and the old
ones are swept with its tokens; the shard's positions, :mod:`toolkit.positions`, are made with them):

* ``terms``: one row per document and term (:func:`toolkit.count_document_terms`): ``doc_id``,
  ``term``, ``count``, ``is_stop``, ``is_punct``. :func:`toolkit.count_terms` and
  :func:`toolkit.find_keywords` take it in place of the tokens table and give the same results.
* ``lengths``: one row per document: ``doc_id``, ``words`` (tokens that are not punctuation),
  ``tokens``, ``sentences`` (sentences holding a token), as :func:`toolkit.measure_documents`.
* ``bigrams`` and ``trigrams``: one row per distinct two- or three-word sequence of the shard's
  documents (within a sentence, without punctuation or stopwords, as :func:`toolkit.count_ngrams`
  with ``drop_stopwords=True``; without the near-duplicates the cache leaves out): ``first``,
  ``second`` (, ``third``), ``count``, ``doc_freq``. They are summed over the shards once into
  one list, most frequent first, which :func:`count_kept_ngrams` reads the top of (the most
  frequent n-grams of 100,000 articles in 0.1 s, where counting them from the tokens takes a
  minute and the whole tokens table in memory).

Each shard of the documents table is reduced the same way, with the cache's boilerplate list, to

* ``text_counts``: one row per document: ``doc_id``, ``chars``, ``text_words`` (alphabetic
  words, :func:`toolkit.count_words`), ``boilerplate_paragraphs`` and ``boilerplate_words`` (in
  the paragraphs left out as boilerplate): what :func:`toolkit.summarize_hygiene` counts in the
  texts, so the hygiene summary of a large corpus needs no text.

and its shards' columns other than the text are joined into one file, ``metadata``
(:meth:`toolkit.Annotations.read_metadata`: every document's dates and sources in one read
instead of one per shard, 0.1-0.3 s instead of 0.9 s for 410 shards).

They leave out the near-duplicates the cache excludes, as the cache's own tables do.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._arrays import distinct

__all__ = ["read_terms", "read_lengths", "read_text_counts", "count_kept_ngrams", "make_counts", "DERIVED_TABLES",
           "derived_shards", "kept_files"]

DERIVED_TABLES = ("terms", "lengths", "text_counts", "bigrams", "trigrams", "positions", "metadata")
"""Tables derived from the cache's shards (annotate sweeps them with their source shards)."""
_COLUMNS = ["doc_id", "sent_id", "norm", "is_stop", "is_punct"]


def _lengths(tokens: pd.DataFrame) -> pd.DataFrame:
    """One row per document of a tokens shard: doc_id, words, tokens, sentences."""
    codes, ids = pd.factorize(tokens["doc_id"])
    n = len(ids)
    n_tokens = np.bincount(codes, minlength=n)
    n_punct = np.bincount(codes[tokens["is_punct"].to_numpy(dtype=bool)], minlength=n)
    sent = tokens["sent_id"].to_numpy(dtype=np.int64)
    width = int(sent.max()) + 1 if len(sent) else 1
    n_sentences = np.bincount(distinct(codes.astype(np.int64) * width + sent) // width, minlength=n)
    return pd.DataFrame({"doc_id": pd.array(np.asarray(ids, dtype=object), dtype=str),
                         "words": (n_tokens - n_punct).astype("int64"), "tokens": n_tokens.astype("int64"),
                         "sentences": n_sentences.astype("int64")})


_NGRAM_WORDS = ("first", "second", "third")
_NGRAM_TABLES = {"bigrams": 2, "trigrams": 3}


def _ngrams(tokens: pd.DataFrame, n: int) -> pd.DataFrame:
    """One row per distinct n-gram (no punctuation, no stopword) of a tokens shard: its words, count, doc_freq."""
    from .frequency import count_ngrams

    counted = count_ngrams(tokens, n, drop_stopwords=True)
    words = counted["term"].str.split(" ", n=n - 1, expand=True) if len(counted) else \
        pd.DataFrame(columns=range(n), dtype=str)
    frame = pd.DataFrame({name: pd.array(words[k].to_numpy(dtype=object), dtype=str)
                          for k, name in enumerate(_NGRAM_WORDS[:n])})
    frame["count"] = counted["count"].to_numpy(dtype=np.int64)
    frame["doc_freq"] = counted["doc_freq"].to_numpy(dtype=np.int64)
    return frame


def _derived_frame(name: str, tokens: pd.DataFrame) -> pd.DataFrame:
    from .frequency import count_document_terms

    if name == "terms":
        return count_document_terms(tokens)
    return _lengths(tokens) if name == "lengths" else _ngrams(tokens, _NGRAM_TABLES[name])


def _derive(out: Path, source: str, targets: dict, drop=()):
    """Count tokens shard ``source`` into the derived shards ``targets`` (``{table: file name}``) that
    are missing, written atomically; the n-gram tables without the documents ``drop``."""
    import pyarrow.parquet as pq

    from .annotate import _write_parquet

    paths = {name: out / f"{name}.parquet" / file for name, file in targets.items()}
    missing = {name: path for name, path in paths.items() if not path.is_file()}
    if not missing:
        return
    columns = _COLUMNS + (["position"] if set(missing) & {*_NGRAM_TABLES, "positions"} else []) \
        + (["start", "end"] if "positions" in missing else [])
    tokens = pq.read_table(out / "tokens.parquet" / source, columns=columns).to_pandas()
    for name, path in missing.items():
        kept = tokens[~tokens["doc_id"].isin(drop)] if drop and name in _NGRAM_TABLES else tokens
        path.parent.mkdir(exist_ok=True)
        if name == "positions":
            from .positions import index_positions, write_positions

            write_positions(index_positions(kept), path)
        else:
            _write_parquet(_derived_frame(name, kept), path)


def derived_shards(manifest: dict, name: str) -> dict:
    """``{derived shard: (source shard, its documents)}`` of derived table ``name`` of a cache's manifest.

    ``terms`` and ``lengths`` shards carry their tokens shard's name; a ``text_counts`` shard's
    name also covers the boilerplate list it was counted with (a new list, new counts); a
    ``bigrams`` or ``trigrams`` shard's name, the near-duplicates it leaves out (its rows are
    summed over the shard's documents).
    """
    tables = manifest.get("tables", {})
    if name in _NGRAM_TABLES:
        excluded = set(manifest.get("excluded", []))
        shards = tables.get("tokens", {}).get("shards", {})
        named = {}
        for shard, docs in shards.items():
            left_out = sorted(excluded.intersection(docs))
            named[f"part-{_digest(shard, *left_out)}.parquet" if left_out else shard] = (shard, docs)
        return named
    if name == "metadata":  # only joined (see _read_metadata): the documents shards themselves
        return {shard: (shard, docs) for shard, docs in tables.get("documents", {}).get("shards", {}).items()}
    if name == "text_counts":
        shards = tables.get("documents", {}).get("shards", {})
        listed = "".join(sorted(tables.get("boilerplate", {}).get("shards", {})))
        return {f"part-{_digest(shard, listed)}.parquet": (shard, docs) for shard, docs in shards.items()}
    return {shard: (shard, docs) for shard, docs in tables.get("tokens", {}).get("shards", {}).items()}


def _in_order(shards: dict) -> list:
    """Derived shard names in document order (by each shard's first document id)."""
    return sorted(shards, key=lambda s: min(shards[s][1], default=""))


def _joined_name(names: list, left_out=()) -> str:
    """The file holding derived shards ``names`` joined, without the documents ``left_out`` (see :func:`_read`)."""
    return f"all-{_digest(*names, *(['without', *sorted(left_out)] if left_out else []))}.parquet"


def _left_out(manifest: dict, name: str, shards: dict) -> list:
    """The near-duplicates the join of derived table ``name`` leaves out (n-gram shards do already;
    the metadata keeps every document, and read_metadata leaves them out as the cache's tables do)."""
    if name in _NGRAM_TABLES or name == "metadata":
        return []
    excluded = set(manifest.get("excluded", []))
    return sorted({doc for _, docs in shards.values() for doc in docs} & excluded) if excluded else []


def kept_files(manifest: dict, name: str) -> set:
    """The files of derived table ``name`` that a cache's manifest keeps: its shards and their join."""
    shards = derived_shards(manifest, name)
    return set(shards) | ({_joined_name(_in_order(shards), _left_out(manifest, name, shards))} if shards else set())


def _digest(*parts) -> str:
    import hashlib

    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def _text_counts(documents: pd.DataFrame, skip: frozenset) -> pd.DataFrame:
    """One row per document of a documents shard: doc_id, chars, text_words, boilerplate_paragraphs/_words."""
    from .boilerplate import count_words
    from .hygiene import _boilerplate_paragraphs, _count_letters

    texts = documents["text"].tolist()
    n = len(texts)
    at, found = _boilerplate_paragraphs(texts, skip) if skip and n else (np.zeros(0, dtype=np.int64), [])
    return pd.DataFrame({
        "doc_id": documents["doc_id"].to_numpy(),
        "chars": documents["text"].str.len().to_numpy(dtype=np.int64),
        "text_words": _count_letters(texts) if n else np.zeros(0, dtype=np.int64),
        "boilerplate_paragraphs": np.bincount(at, minlength=n).astype("int64"),
        "boilerplate_words": np.bincount(at, weights=count_words(found), minlength=n).astype("int64"),
    })


def _derive_text_counts(out: Path, source: str, target: str, skip: frozenset):
    import pyarrow.parquet as pq

    from .annotate import _write_parquet

    path = out / "text_counts.parquet" / target
    if path.is_file():
        return
    documents = pq.read_table(out / "documents.parquet" / source, columns=["doc_id", "text"]).to_pandas()
    path.parent.mkdir(exist_ok=True)
    _write_parquet(_text_counts(documents, skip), path)


def _read(cache, name: str, categorical=()) -> pd.DataFrame:
    """Derived table ``name`` of a cache: its shards made where missing, then read as one table.

    The first read after the cache changed also writes the shards joined into one file, without
    the near-duplicates the cache leaves out (``<name>.parquet/all-<digest of the shard names and
    those documents>.parquet``, one vocabulary instead of one per shard: a fifth of the reading
    time for 400 shards, and no filter); later reads take that file. annotate sweeps it as soon
    as any shard or the near-duplicates change.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .annotate import Annotations, _write_parquet
    from .frequency import _read_shard

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    shards = derived_shards(ann.manifest, name)
    names = _in_order(shards)
    left_out = [] if ann.all_documents else _left_out(ann.manifest, name, shards)
    if not names:
        return pd.DataFrame()
    joined = ann.path / f"{name}.parquet" / _joined_name(names, left_out)
    table = None
    if joined.is_file():
        try:
            table = pq.read_table(joined, read_dictionary=list(categorical))
        except (pa.ArrowException, OSError):  # a damaged file is made again from the shards
            table = None
    if table is None:
        workers = max(1, min(4, os.cpu_count() or 1))
        if name == "text_counts":
            from .boilerplate import boilerplate_texts

            skip = boilerplate_texts(ann.boilerplate) if ann.has("boilerplate") else frozenset()
            derive = lambda shard: _derive_text_counts(ann.path, shards[shard][0], shard, skip)  # noqa: E731
        else:
            derive = lambda shard: _derive(ann.path, shard, {"terms": shard, "lengths": shard})  # noqa: E731
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(derive, names))
            tables = list(pool.map(lambda shard: _read_shard(ann.path / f"{name}.parquet" / shard, None,
                                                             list(categorical), ()), names))
        table = pa.concat_tables(tables, promote_options="default").unify_dictionaries()
        if left_out:
            ids, dropped = table["doc_id"], pa.array(left_out, pa.string())
            if pa.types.is_dictionary(ids.type):  # each distinct id looked up once, spread by the codes
                keep = pa.array(np.concatenate([
                    ~pc.is_in(chunk.dictionary, value_set=dropped).to_numpy(zero_copy_only=False)[
                        chunk.indices.to_numpy(zero_copy_only=False)] for chunk in ids.chunks] or [np.zeros(0, bool)]))
            else:
                keep = pc.invert(pc.is_in(ids, value_set=dropped.cast(ids.type)))
            table = table.filter(keep)
        if len(names) > 1 or left_out:
            with contextlib.suppress(OSError):  # only a shortcut: a full disk leaves the shards to read
                _write_parquet(None, joined, _table_bytes(table))
    frame = table.to_pandas()
    for column in categorical:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    return frame


def _read_metadata(ann) -> pd.DataFrame:
    """Every row of a cache's documents table but the text (near-duplicates included), in id order.

    The first read after the cache changed joins the shards' columns into one file,
    ``metadata.parquet/all-<digest of the shard names>.parquet`` (swept by annotate with the
    other joins); later reads take that file. A cache folder that cannot be written to is read
    from its shards each time.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .annotate import _write_parquet, read_table

    shards = derived_shards(ann.manifest, "metadata")
    joined = ann.path / "metadata.parquet" / _joined_name(_in_order(shards))
    if joined.is_file():
        try:
            return pq.read_table(joined).to_pandas()
        except (pa.ArrowException, OSError):  # a damaged file is made again from the shards
            pass
    first = ann.path / "documents.parquet" / next(iter(shards))
    names = [n for n in pq.read_schema(first).names if n != "text"]
    frame = read_table(ann.path, "documents", columns=names, manifest=ann.manifest)
    with contextlib.suppress(OSError):  # only a shortcut
        joined.parent.mkdir(exist_ok=True)
        _write_parquet(frame, joined)
    return frame


def _table_bytes(table, row_group_size: int = 4_000_000) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", compression_level=1, row_group_size=row_group_size)
    return sink.getvalue().to_pybytes()


def read_terms(cache) -> pd.DataFrame:
    """Each document's term counts from an annotation cache (counted once per shard, then kept).

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache.

    Returns
    -------
    pandas.DataFrame
        One row per document and term (``norm`` form; punctuation included and flagged):
        ``doc_id`` and ``term`` (categories), ``count``, ``is_stop``, ``is_punct``. Pass it to
        :func:`toolkit.count_terms` or :func:`toolkit.find_keywords` in place of the tokens table.

    Examples
    --------
    >>> terms = read_terms(ann)                                          # doctest: +SKIP
    >>> toolkit.count_terms(terms, by="month", documents=ann.documents)  # doctest: +SKIP
    """
    return _read(cache, "terms", categorical=("doc_id", "term"))


def _shard_ngrams(path: Path, n: int) -> "pa.Table":
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=[*_NGRAM_WORDS[:n], "count", "doc_freq"], read_dictionary=list(_NGRAM_WORDS[:n]))


def _sum_ngram_shards(paths: list, n: int) -> "pa.Table":
    """The n-grams of derived shards ``paths`` summed: ``term``, ``count``, ``doc_freq``, most frequent first.

    Shards hold disjoint documents, so both counts add up. The words are summed as codes of one
    vocabulary (Arrow unifies the shards' dictionaries), each distinct n-gram labelled once; ties
    are in code point order of the term, as :func:`toolkit.count_ngrams` sorts them.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.compute as pc

    names = list(_NGRAM_WORDS[:n])
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        tables = list(pool.map(lambda path: _shard_ngrams(path, n), paths))
    tables = [t for t in tables if t.num_rows]
    if not tables:
        return pa.table({"term": pa.array([], pa.string()), "count": pa.array([], pa.int64()),
                         "doc_freq": pa.array([], pa.int64())})
    table = pa.concat_tables(tables, promote_options="default").unify_dictionaries()
    key, size, words, vocabularies = None, 1, [], []
    for name in names:  # the n-gram's words as one integer key (renumbered if it could overflow)
        vocabulary = table[name].chunks[0].dictionary  # each column's chunks share one, unified
        codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in table[name].chunks])
        if key is not None and size * len(vocabulary) >= 2 ** 62:
            key, uniques = pd.factorize(key, sort=False)
            key, size = key.astype(np.int64), len(uniques)
        key = codes.astype(np.int64) if key is None else key * len(vocabulary) + codes
        size *= max(len(vocabulary), 1)
        words.append(codes)
        vocabularies.append(vocabulary)
    number, ids = pd.factorize(key, sort=False)  # numbered in order of first appearance: so are their first rows
    first = np.flatnonzero(np.concatenate([[True], number[1:] > np.maximum.accumulate(number)[:-1]]))
    count = np.bincount(number, weights=np.concatenate([c.to_numpy() for c in table["count"].chunks]),
                        minlength=len(ids)).astype(np.int64)
    doc_freq = np.bincount(number, weights=np.concatenate([c.to_numpy() for c in table["doc_freq"].chunks]),
                           minlength=len(ids)).astype(np.int64)
    parts = [vocabulary.take(pa.array(codes[first])).cast(pa.large_string())
             for vocabulary, codes in zip(vocabularies, words)]
    term = pc.binary_join_element_wise(*parts, pa.scalar(" ", pa.large_string()))
    term_rank = np.empty(len(term), dtype=np.int64)
    term_rank[pc.sort_indices(term).to_numpy()] = np.arange(len(term))
    order = np.argsort((count.max() - count) * len(term) + term_rank, kind="stable") if len(term) \
        else np.zeros(0, dtype=np.int64)  # by count (descending), then term
    return pa.table({"term": term.take(pa.array(order)).cast(pa.string()), "count": count[order],
                     "doc_freq": doc_freq[order]})


_SUMMED_ROWS = 65_536
"""Rows per row group of the summed n-grams: the least read for a top list."""


def _summed_ngrams(ann, name: str) -> Path:
    """The file of the kept n-grams ``name`` summed over the cache's shards, made when missing.

    Named for the shards summed (``all-<digest>.parquet``, as :func:`_read` names a joined
    table; annotate sweeps it when any shard changes), most frequent first in row groups of 64k:
    the top of the list is its first row group.
    """
    from .annotate import _write_parquet

    shards = derived_shards(ann.manifest, name)
    path = ann.path / f"{name}.parquet" / _joined_name(_in_order(shards))
    if path.is_file():
        return path
    paths = [ann.path / f"{name}.parquet" / file for file in _in_order(shards)]
    if not all(shard.is_file() for shard in paths):
        make_counts(ann)  # what is missing, on all cores (and then this sum)
        if path.is_file():
            return path
    table = _sum_ngram_shards(paths, _NGRAM_TABLES[name])
    path.parent.mkdir(exist_ok=True)
    _write_parquet(None, path, _table_bytes(table, _SUMMED_ROWS))
    return path


def _first_ngrams(path: Path, top: int | None, min_count: int) -> pd.DataFrame:
    """The rows of a summed n-gram file (most frequent first) that can be among the ``top`` (ties
    at the cut included) and are seen ``min_count`` times: only the row groups holding them are read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    pieces, rows = [], 0
    for group in range(file.num_row_groups):
        piece = file.read_row_group(group)
        pieces.append(piece)
        rows += piece.num_rows
        last = piece["count"][-1].as_py() if piece.num_rows else 0
        if last < min_count:
            break
        if top is not None and rows > top:
            cut = pa.concat_tables(pieces)["count"][top - 1].as_py() if top > 0 else None
            if cut is None or last < cut:
                break
    table = pa.concat_tables(pieces) if pieces else file.schema_arrow.empty_table()
    frame = table.to_pandas()
    return frame[frame["count"] >= max(min_count, 1)]


def count_kept_ngrams(cache, n: int = 2, *, top: int | None = None, min_count: int = 1) -> pd.DataFrame:
    """The corpus's n-grams without stopwords, from the counts kept beside an annotation cache.

    The same table as ``toolkit.count_ngrams(tokens, n, drop_stopwords=True, top=top,
    min_count=min_count)`` on the cache's tokens, row for row, without reading them: each tokens
    shard's two- and three-word sequences are counted once and kept (``bigrams``, ``trigrams``);
    the first call after the cache changed sums them over the shards into one table, most
    frequent first, and keeps it too. Later calls read only the rows they list: the top 20
    n-grams of 100,000 articles in a fraction of a second.

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache.
    n : int
        2 or 3.
    top : int, optional
        Keep the ``top`` most frequent n-grams (and those tied with the last).
    min_count : int
        Keep n-grams seen at least this often.

    Returns
    -------
    pandas.DataFrame
        One row per n-gram, most frequent first: ``term`` (the words joined by single spaces),
        ``count``, ``total`` (words in the corpus), ``per_10k``, ``doc_freq``, ``n_docs``, ``rank``.

    Examples
    --------
    >>> count_kept_ngrams(ann, 2, top=20)  # doctest: +SKIP
    """
    from .annotate import Annotations
    from .engines import _combine_counts
    from .frequency import _first_rows

    if n not in (2, 3):
        raise ValueError("the kept n-grams are of two or three words: count others with toolkit.count_ngrams")
    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    if ann.all_documents and ann.excluded:  # the kept counts leave the near-duplicates out: count the tokens
        from .engines import count_ngrams_by_partition

        return count_ngrams_by_partition(ann, n, drop_stopwords=True, top=top, min_count=min_count)
    lengths = _read(ann, "lengths")
    words = lengths["words"].to_numpy(dtype=np.int64) if len(lengths) else np.zeros(0, dtype=np.int64)
    sizes = pd.DataFrame({"total": [int(words.sum())], "n_docs": [int(np.count_nonzero(words))]})
    listed = _first_ngrams(_summed_ngrams(ann, "bigrams" if n == 2 else "trigrams"), top, min_count)
    table = _combine_counts([(listed, sizes)], min_count=min_count)
    if top is None:
        return table
    return _first_rows(table, int(top)) if top > 0 else table.iloc[:0]


def _make_job(job):
    kind, args = job
    return _derive(*args) if kind == "tokens" else _derive_text_counts(*args)


def make_counts(cache, *, workers: int | None = None) -> int:
    """Make every count kept beside a cache that is still missing, on all cores, in one read per shard.

    Then the n-grams are summed over the shards (:func:`count_kept_ngrams`), if not already.

    The counts are otherwise made by the first function that asks for them, in the notebook that
    calls it; ``python -m toolkit report`` makes them first, with the annotation, so that a large
    corpus's first report does not wait on them one notebook at a time.

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache.
    workers : int, optional
        Processes (default: one per core when there are many shards).

    Returns
    -------
    int
        The number of shards counted.

    Examples
    --------
    >>> make_counts(ann)  # doctest: +SKIP
    """
    from .annotate import Annotations
    from .engines import LocalEngine

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    manifest, out = ann.manifest, ann.path
    excluded = set(manifest.get("excluded", []))
    grams = {source: name for name, (source, _) in derived_shards(manifest, "bigrams").items()}
    jobs = []
    for shard, docs in manifest["tables"].get("tokens", {}).get("shards", {}).items():
        targets = {"terms": shard, "lengths": shard, "positions": shard,
                   "bigrams": grams[shard], "trigrams": grams[shard]}
        if not all((out / f"{name}.parquet" / file).is_file() for name, file in targets.items()):
            jobs.append(("tokens", (out, shard, targets, excluded.intersection(docs))))
    if "documents" in manifest["tables"]:
        from .boilerplate import boilerplate_texts

        skip = boilerplate_texts(ann.boilerplate) if ann.has("boilerplate") else frozenset()
        for target, (source, _) in derived_shards(manifest, "text_counts").items():
            if not (out / "text_counts.parquet" / target).is_file():
                jobs.append(("documents", (out, source, target, skip)))
    many = len(jobs) > 4  # a few shards: in this process (starting processes would cost more)
    LocalEngine(workers).run(_make_job, jobs, workers=workers or ((os.cpu_count() or 1) if many else 1))
    for name in _NGRAM_TABLES:  # the n-grams summed over the shards (count_kept_ngrams reads their top)
        _summed_ngrams(ann, name)
    return len(jobs)


def read_lengths(cache, *, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each document's length in words, tokens and sentences, from an annotation cache.

    The same table as :func:`toolkit.measure_documents` on the cache's documents, tokens and
    sentences, without reading the tokens: the counts are made once per shard and kept.

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache.
    documents : pandas.DataFrame, optional
        The documents table to join the lengths to (by default the cache's, without ``text``).

    Returns
    -------
    pandas.DataFrame
        One row per document, in the documents' order: the documents' columns except ``text``,
        then ``words`` (non-punctuation tokens), ``tokens``, ``sentences`` (0 for a document
        without tokens).

    Examples
    --------
    >>> lengths = read_lengths(ann)           # doctest: +SKIP
    >>> lengths[["doc_id", "date", "words"]]  # doctest: +SKIP
    """
    return _per_document(cache, "lengths", documents)


def _per_document(cache, name: str, documents) -> pd.DataFrame:
    """Derived table ``name`` (one row per document) joined to the documents; counts 0 where missing."""
    from .annotate import Annotations

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    if documents is None:
        documents = ann.read_metadata()
    counts = _read(ann, name).set_index("doc_id")
    out = documents.drop(columns=["text"], errors="ignore").join(counts, on="doc_id")
    for column in counts.columns:
        out[column] = out[column].fillna(0).astype("int64")
    return out


def read_text_counts(cache, *, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """What the hygiene summary counts in each text, from an annotation cache (counted once, then kept).

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache (open it with ``all_documents=True`` to include the near-duplicates
        analyses leave out, as the hygiene summary does).
    documents : pandas.DataFrame, optional
        The documents table to join the counts to (by default the cache's, without ``text``).

    Returns
    -------
    pandas.DataFrame
        One row per document, in the documents' order: the documents' columns except ``text``,
        then ``chars`` (characters of the text), ``text_words`` (alphabetic words,
        :func:`toolkit.count_words`), ``boilerplate_paragraphs`` and ``boilerplate_words`` (in the
        paragraphs of the cache's boilerplate list). :func:`toolkit.summarize_hygiene` accepts it
        in place of the documents with their texts.

    Examples
    --------
    >>> everything = toolkit.Annotations(ann.path, all_documents=True)          # doctest: +SKIP
    >>> toolkit.summarize_hygiene(read_text_counts(everything), boilerplate=ann.boilerplate)  # doctest: +SKIP
    """
    return _per_document(cache, "text_counts", documents)
