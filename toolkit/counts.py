"""Counts kept beside the annotation cache, made once per shard: terms per article, lengths, text counts.

A notebook that counts words over a large corpus would otherwise read the whole tokens table
(over 100 million rows at 100,000 articles) and count it again on every run. Here each shard of
the cache's tokens table is reduced once, the first time it is asked for, to two small tables
stored next to it (same shard name, so a re-annotated document gets new counts and the old ones
are swept with its tokens):

* ``terms``: one row per document and term (:func:`toolkit.count_document_terms`): ``doc_id``,
  ``term``, ``count``, ``is_stop``, ``is_punct``. :func:`toolkit.count_terms` and
  :func:`toolkit.find_keywords` take it in place of the tokens table and give the same results.
* ``lengths``: one row per document: ``doc_id``, ``words`` (tokens that are not punctuation),
  ``tokens``, ``sentences`` (sentences holding a token), as :func:`toolkit.measure_documents`.

Each shard of the documents table is reduced the same way, with the cache's boilerplate list, to

* ``text_counts``: one row per document: ``doc_id``, ``chars``, ``text_words`` (alphabetic
  words, :func:`toolkit.count_words`), ``boilerplate_paragraphs`` and ``boilerplate_words`` (in
  the paragraphs left out as boilerplate): what :func:`toolkit.summarize_hygiene` counts in the
  texts, so the hygiene summary of a large corpus needs no text.

They leave out the near-duplicates the cache excludes, as the cache's own tables do.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["read_terms", "read_lengths", "read_text_counts", "DERIVED_TABLES", "derived_shards", "kept_files"]

DERIVED_TABLES = ("terms", "lengths", "text_counts")
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
    n_sentences = np.bincount(np.unique(codes.astype(np.int64) * width + sent) // width, minlength=n)
    return pd.DataFrame({"doc_id": pd.array(np.asarray(ids, dtype=object), dtype=str),
                         "words": (n_tokens - n_punct).astype("int64"), "tokens": n_tokens.astype("int64"),
                         "sentences": n_sentences.astype("int64")})


def _derive(out: Path, shard: str):
    """Count one tokens shard into its ``terms`` and ``lengths`` shards (written atomically)."""
    import pyarrow.parquet as pq

    from .annotate import _write_parquet
    from .frequency import count_document_terms

    targets = {name: out / f"{name}.parquet" / shard for name in ("terms", "lengths")}
    if all(p.is_file() for p in targets.values()):
        return
    tokens = pq.read_table(out / "tokens.parquet" / shard, columns=_COLUMNS).to_pandas()
    frames = {"terms": count_document_terms(tokens), "lengths": _lengths(tokens)}
    for name, path in targets.items():
        path.parent.mkdir(exist_ok=True)
        if not path.is_file():
            _write_parquet(frames[name], path)


def derived_shards(tables: dict, name: str) -> dict:
    """``{derived shard: (source shard, its documents)}`` of derived table ``name`` in a manifest's tables.

    ``terms`` and ``lengths`` shards carry their tokens shard's name; a ``text_counts`` shard's
    name also covers the boilerplate list it was counted with (a new list, new counts).
    """
    if name == "text_counts":
        shards = tables.get("documents", {}).get("shards", {})
        listed = "".join(sorted(tables.get("boilerplate", {}).get("shards", {})))
        return {f"part-{_digest(shard, listed)}.parquet": (shard, docs) for shard, docs in shards.items()}
    return {shard: (shard, docs) for shard, docs in tables.get("tokens", {}).get("shards", {}).items()}


def _in_order(shards: dict) -> list:
    """Derived shard names in document order (by each shard's first document id)."""
    return sorted(shards, key=lambda s: min(shards[s][1], default=""))


def _joined_name(names: list) -> str:
    """The file holding derived shards ``names`` joined (see :func:`_read`)."""
    return f"all-{_digest(*names)}.parquet"


def kept_files(tables: dict, name: str) -> set:
    """The files of derived table ``name`` that a manifest's tables keep: its shards and their join."""
    shards = derived_shards(tables, name)
    return set(shards) | ({_joined_name(_in_order(shards))} if shards else set())


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

    The first read after the cache changed also writes the shards joined into one file
    (``<name>.parquet/all-<digest of the shard names>.parquet``, one vocabulary instead of one per
    shard: a fifth of the reading time for 400 shards); later reads take that file. annotate
    sweeps it as soon as any shard changes.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from .annotate import Annotations, _write_parquet
    from .frequency import _read_shard

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    shards = derived_shards(ann.manifest["tables"], name)
    names = _in_order(shards)
    excluded = set() if ann.all_documents else set(ann.excluded)
    if not names:
        return pd.DataFrame()
    joined = ann.path / f"{name}.parquet" / _joined_name(names)
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
            derive = lambda shard: _derive(ann.path, shard)  # noqa: E731
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(derive, names))
            tables = list(pool.map(lambda shard: _read_shard(ann.path / f"{name}.parquet" / shard, None,
                                                             list(categorical), ()), names))
        table = pa.concat_tables(tables, promote_options="default").unify_dictionaries()
        if len(names) > 1:
            with contextlib.suppress(OSError):  # only a shortcut: a full disk leaves the shards to read
                _write_parquet(None, joined, _table_bytes(table))
    if excluded:
        ids = table["doc_id"]
        keep = pc.invert(pc.is_in(ids.cast(pa.large_string()) if pa.types.is_dictionary(ids.type) else ids,
                                  value_set=pa.array(sorted(excluded), pa.large_string())))
        table = table.filter(keep)
    frame = table.to_pandas()
    for column in categorical:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    return frame


def _table_bytes(table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", compression_level=1, row_group_size=4_000_000)
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
