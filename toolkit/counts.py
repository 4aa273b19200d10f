"""Counts kept beside the annotation cache: terms per document and document lengths, counted once.

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

Both leave out the near-duplicates the cache excludes, as the cache's own tables do.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["read_terms", "read_lengths", "DERIVED_TABLES"]

DERIVED_TABLES = ("terms", "lengths")
"""Tables derived from the tokens table's shards (annotate sweeps them with the tokens)."""
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

    targets = {name: out / f"{name}.parquet" / shard for name in DERIVED_TABLES}
    if all(p.is_file() for p in targets.values()):
        return
    tokens = pq.read_table(out / "tokens.parquet" / shard, columns=_COLUMNS).to_pandas()
    frames = {"terms": count_document_terms(tokens), "lengths": _lengths(tokens)}
    for name, path in targets.items():
        path.parent.mkdir(exist_ok=True)
        if not path.is_file():
            _write_parquet(frames[name], path)


def _read(cache, name: str, categorical=()) -> pd.DataFrame:
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa

    from .annotate import Annotations
    from .frequency import _read_shard

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    shards = ann.manifest["tables"]["tokens"]["shards"]
    names = sorted(shards, key=lambda s: min(shards[s], default=""))
    excluded = set() if ann.all_documents else set(ann.excluded)
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda shard: _derive(ann.path, shard), names))
        tables = list(pool.map(lambda shard: _read_shard(ann.path / f"{name}.parquet" / shard, None,
                                                         list(categorical), excluded.intersection(shards[shard])),
                               names))
    if not tables:
        return pd.DataFrame()
    frame = pa.concat_tables(tables, promote_options="default").unify_dictionaries().to_pandas()
    for column in categorical:
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    return frame


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
    from .annotate import Annotations

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    if documents is None:
        documents = ann.read_metadata()
    counts = _read(ann, "lengths").set_index("doc_id")
    out = documents.drop(columns=["text"], errors="ignore").join(counts, on="doc_id")
    for column in ("words", "tokens", "sentences"):
        out[column] = out[column].fillna(0).astype("int64")
    return out

