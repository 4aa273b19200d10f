"""Word frequencies: counts, n-grams, TF-IDF, keyness, collocations, KWIC, dispersion and trends.

Everything here reads the ``tokens`` table (one row per token: ``doc_id``, ``sent_id``,
``position``, ``token``, ``norm``, ``is_stop``, ``is_punct``, ``start``, ``end``), and the
``documents`` table when dates, metadata or the text are needed, and returns a new table. Counting
happens here; scoring is done by the pure functions of :mod:`toolkit.measures`. Where word order
does not matter (term counts, keywords, trends and dispersion of single words) a table of counts
per document and term (:func:`count_document_terms`, kept by the cache: :func:`toolkit.read_terms`)
may stand in for the tokens table, with the same results.

Conventions shared by every function:

* ``form`` names the token column counted: ``"norm"`` (lowercase, or the lemma when the text
  pipeline lemmatised) or ``"token"`` (the surface form as printed).
* Punctuation tokens are left out by default (``drop_punctuation=True``); stopwords are kept by
  default (``drop_stopwords=False``): both are options, never forced. ``drop_stopwords`` may also be
  a collection of words (compared case-insensitively with ``form``) to use instead of ``is_stop``.
* **Words** are the tokens the punctuation option keeps. ``total`` (the denominator of every
  relative frequency) is the number of words in the group; dropping stopwords removes them from
  the terms listed, never from ``total``, so a word's rate per 10,000 words is the same either way.
* Groupings (``by``) are ``None`` (the whole corpus), ``"document"`` (or ``"doc_id"``), a period
  (``"day"``, ``"week"``, ``"month"``, ``"quarter"``, ``"year"``, or the pandas codes ``"D"``,
  ``"W"``, ``"M"``, ``"Q"``, ``"Y"``; the group value is the period's first day), or any column of
  ``tokens`` or ``documents`` (``"source"``, ``"outlet"``), or a list of these.
* Queries (KWIC, collocation nodes, trends, dispersion) are words or phrases: ``"ceasefire"``,
  ``"security council"``. A phrase matches consecutive tokens; ``*`` and ``?`` are wildcards within
  a word (``"negotiat*"``). Matching ignores case by default.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import measures
from ._arrays import distinct
from .errors import CorpusError

__all__ = [
    "count_terms",
    "count_document_terms",
    "count_ngrams",
    "score_tfidf",
    "select_top_terms",
    "compare_frequencies",
    "find_keywords",
    "read_frequency_list",
    "find_collocates",
    "find_kwic",
    "locate_terms",
    "measure_dispersion",
    "count_trends",
    "read_tokens",
    "PERIODS",
]

PERIODS = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
"""Period names accepted in ``by`` and ``period``, with their pandas codes."""
_PERIOD_NAMES = {code: name for name, code in PERIODS.items()}
_PUNCT = r"^[^\w]+$"
_PER = 10_000


# ---------------------------------------------------------------------------------------------
# shared helpers (private)


def _period_code(period: str) -> str:
    code = PERIODS.get(str(period).lower(), str(period))
    code = {"ME": "M", "YE": "Y", "A": "Y", "QE": "Q"}.get(code.upper(), code.upper())
    if code not in _PERIOD_NAMES:
        raise ValueError(f"unknown period {period!r}: use one of {', '.join(PERIODS)} (or D, W, M, Q, Y)")
    return code


def _period_start(dates: pd.Series, period: str) -> pd.Series:
    """The first day of each date's period (datetime64), NaT stays NaT."""
    dates = pd.to_datetime(dates)
    return dates.dt.to_period(_period_code(period)).dt.start_time.astype("datetime64[ns]")


def _is_period(key) -> bool:
    return isinstance(key, str) and (key.lower() in PERIODS or key in _PERIOD_NAMES)


def _period_column(key: str) -> str:
    return key.lower() if key.lower() in PERIODS else _PERIOD_NAMES[key]


def _sorted(tokens: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Tokens in document order (by document, then position); no copy when already so."""
    codes = _factorize(tokens[id_column])[0]
    position = tokens["position"].to_numpy()
    if len(tokens) < 2:
        return tokens
    ok = (np.diff(codes) >= 0) & ((np.diff(codes) > 0) | (np.diff(position) > 0))
    if ok.all():
        return tokens
    return tokens.iloc[np.lexsort((position, codes))]


def _punct_mask(tokens: pd.DataFrame) -> np.ndarray:
    if "is_punct" in tokens.columns:
        return tokens["is_punct"].to_numpy(dtype=bool)
    return tokens["token"].astype(str).str.match(_PUNCT).to_numpy(dtype=bool)


def _stop_mask(tokens: pd.DataFrame, form: str, drop_stopwords) -> np.ndarray:
    if drop_stopwords is False or drop_stopwords is None:
        return np.zeros(len(tokens), dtype=bool)
    if drop_stopwords is True:
        if "is_stop" not in tokens.columns:
            raise ValueError("tokens have no 'is_stop' column: pass drop_stopwords as a list of words")
        return tokens["is_stop"].to_numpy(dtype=bool)
    words = {str(w).lower() for w in drop_stopwords}
    codes, uniques = pd.factorize(tokens[form])
    hit = pd.Index(uniques).astype(str).str.lower().isin(words)
    return np.asarray(hit, dtype=bool)[codes] if len(codes) else np.zeros(0, dtype=bool)


def _documents_by_id(documents: pd.DataFrame | None, id_column: str) -> pd.DataFrame | None:
    if documents is None:
        return None
    if id_column in documents.columns:
        return documents.set_index(id_column, drop=False)
    return documents


def _doc_values(key, docs: pd.DataFrame, date_column: str) -> tuple[str, pd.Series]:
    """The group column name and its value for each document, for a document-level key."""
    if _is_period(key):
        if date_column not in docs.columns:
            raise ValueError(f"grouping by {key!r} needs a {date_column!r} column in documents")
        return _period_column(key), _period_start(docs[date_column], key)
    if key not in docs.columns:
        raise ValueError(f"no column {key!r} in tokens or documents (columns: {list(docs.columns)})")
    return key, docs[key]


def _group_codes(tokens: pd.DataFrame, by, documents, doc_codes, doc_uniques, *, id_column: str,
                 date_column: str):
    """One integer group code per token, the group column names, and one row of values per code.

    Groupings by document, period or document column are resolved on the (small) documents table
    and spread to the tokens through their document codes; only token columns are grouped row by row.
    """
    if by is None:
        return np.zeros(len(tokens), dtype=np.int64), [], pd.DataFrame(index=pd.RangeIndex(1))
    keys = [by] if isinstance(by, str) else list(by)
    keys = [id_column if key == "document" else key for key in keys]
    token_level = [k for k in keys if k != id_column and not _is_period(k) and k in tokens.columns]
    names, columns, docs = [], {}, None
    for key in keys:
        if key == id_column:
            names.append(id_column)
            columns[id_column] = pd.Index(doc_uniques).to_numpy()
            continue
        if key in token_level:
            names.append(key)
            continue
        if documents is None:
            raise ValueError(f"grouping by {key!r} needs the documents table (documents=...)")
        if docs is None:
            docs = _documents_by_id(documents, id_column)
            missing = pd.Index(doc_uniques).difference(docs.index)
            if len(missing):
                raise ValueError(f"{len(missing)} doc_id(s) in tokens are not in documents, e.g. {missing[0]!r}")
        name, values = _doc_values(key, docs, date_column)
        names.append(name)
        columns[name] = values.reindex(pd.Index(doc_uniques)).to_numpy()
    if not token_level:
        frame = pd.DataFrame(columns, columns=names)
        grouper = frame.groupby(names, sort=True, dropna=False)
        per_doc = grouper.ngroup().to_numpy(dtype=np.int64)
        values = grouper.size().reset_index()[names]
        return per_doc[doc_codes] if len(doc_codes) else np.zeros(0, np.int64), names, values
    frame = pd.DataFrame({name: (tokens[name].to_numpy() if name in token_level else columns[name][doc_codes])
                          for name in names})
    grouper = frame.groupby(names, sort=True, dropna=False)
    return grouper.ngroup().to_numpy(dtype=np.int64), names, grouper.size().reset_index()[names]


def _rank(frame: pd.DataFrame, group: list[str], value: str = "count") -> pd.Series:
    if group:
        ranks = frame.groupby(group, sort=False, dropna=False)[value].rank(method="min", ascending=False)
    else:
        ranks = frame[value].rank(method="min", ascending=False)
    return ranks.astype("int64")


def _count_pairs(key: np.ndarray, size: int, weights=None):
    """Distinct values of an integer key and how often each occurs (each row ``weights`` times)."""
    if size <= 20_000_000 or (size <= 100_000_000 and size <= 4 * len(key)):
        counts = np.bincount(key, weights=weights, minlength=size)
        present = np.flatnonzero(counts)
        return present, counts[present].astype(np.int64)
    if not len(key):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if weights is not None:
        order = np.argsort(key, kind="stable")
        ordered, weights = key[order], np.asarray(weights, dtype=np.int64)[order]
        first = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
        return ordered[first], np.add.reduceat(weights, first)
    ordered = np.sort(key)  # a sort reads memory in order: faster than hashing millions of distinct keys
    first = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    return ordered[first], np.diff(np.append(first, len(ordered)))


def _distinct_keys(doc_codes: np.ndarray, key: np.ndarray, *, chunk: int = 262_144) -> np.ndarray:
    """The key of each distinct (document, key) pair: a key appears once per document holding it.

    When each document's rows are together (as in the cache and in :func:`read_tokens`), the rows
    are cut at document boundaries into chunks of about ``chunk`` rows and each chunk is reduced on
    its own (a document's pairs never span chunks): the memory stays bounded at any corpus size.
    (Small chunks keep each hash table in the processor's cache: about 3 times faster than
    chunks of millions of rows.)
    """
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    size = int(key.max()) + 1
    change = np.flatnonzero(doc_codes[1:] != doc_codes[:-1]) + 1
    together = len(change) + 1 == int(np.count_nonzero(np.bincount(doc_codes)))
    if not together:  # rows of a document apart: number the documents, one pass
        local, _ = pd.factorize(doc_codes)
        return pd.unique(local.astype(np.int64) * size + key) % size
    cuts = distinct(change[np.minimum(np.searchsorted(change, np.arange(chunk, n, chunk)), len(change) - 1)]) \
        if len(change) and n > chunk else np.zeros(0, dtype=np.int64)
    bounds = np.concatenate([[0], cuts, [n]])
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b <= a:
            continue
        run = np.zeros(b - a, dtype=np.int64)  # document number within the chunk
        run[1:] = np.cumsum(doc_codes[a + 1:b] != doc_codes[a:b - 1])
        out.append(pd.unique(run * size + key[a:b]) % size)
    return np.concatenate(out)


def _top_pairs(pair, count, n_terms, top):
    """The pairs among the ``top`` most frequent of their group (ties at the cut kept)."""
    if pair[-1] < n_terms:  # one group: the count at the cut by partition
        cut = np.partition(count, max(len(count) - top, 0))[max(len(count) - top, 0)]
        return count >= cut
    g = pair // n_terms
    order = np.lexsort((-count, g))
    g_sorted, c_sorted = g[order], count[order]
    first = np.searchsorted(g_sorted, g_sorted, side="left")
    at_cut = np.minimum(first + top - 1, np.searchsorted(g_sorted, g_sorted, side="right") - 1)
    keep = np.zeros(len(pair), dtype=bool)
    keep[order] = c_sorted >= c_sorted[at_cut]
    return keep


def _counts_table(term_codes, vocab, group_codes, group_values, group_names, doc_codes,
                  total_by_group, docs_by_group, *, min_count: int, term_column: str = "term", top=None,
                  weights=None):
    """count, total, per_10k, doc_freq, n_docs, rank from parallel code arrays.

    ``weights``: how many occurrences each row stands for (rows of counts per document and term).
    """
    n_terms = max(len(vocab), 1)
    n_groups = max(len(group_values), 1)
    key = group_codes * n_terms + term_codes
    pair, count = _count_pairs(key, n_groups * n_terms, weights)
    keep = count >= min_count
    if top is not None:
        keep &= _top_pairs(pair, count, n_terms, int(top)) if len(pair) and top > 0 else False
    pair, count = pair[keep], count[keep]
    # each row's place among the pairs listed (-1: not listed), then the document frequency:
    # distinct (document, group, term) triples per (group, term), for the pairs listed only
    size = n_groups * n_terms
    if size <= 20_000_000 or (size <= 100_000_000 and size <= 4 * len(key)):
        place = np.full(size, -1, dtype=np.int64)
        place[pair] = np.arange(len(pair))
        at = place[key]
        del place
    else:
        at = pd.Index(pair).get_indexer(key)
    del key
    rows = at >= 0
    if not rows.all():
        at, doc_codes = at[rows], doc_codes[rows]
    if weights is not None:  # a counts table: each row is one document's one term, already distinct
        doc_freq = np.bincount(at, minlength=len(pair)) if len(pair) else np.zeros(0, dtype=np.int64)
    else:
        doc_freq = np.bincount(_distinct_keys(doc_codes, at), minlength=len(pair)) if len(pair) \
            else np.zeros(0, dtype=np.int64)
    return _labelled_counts(pair, count, doc_freq, n_terms, vocab, group_values, group_names, total_by_group,
                            docs_by_group, term_column=term_column)


def _labelled_counts(pair, count, doc_freq, n_terms, vocab, group_values, group_names, total_by_group,
                     docs_by_group, *, term_column: str = "term"):
    """The counts table of :func:`count_terms` from its (group, term) pair codes and their counts."""
    g, t = pair // n_terms, pair % n_terms
    # sorted by group (codes follow the sorted group values), count (descending), term: the terms'
    # order from Arrow's sort of the vocabulary (code point order, as pandas sorts strings)
    import pyarrow as pa
    import pyarrow.compute as pc

    used, t_used = np.unique(t, return_inverse=True)  # only the terms listed are labelled and ranked
    if isinstance(vocab, _Labels):
        labels = vocab.take(used)
    else:
        labels = pa.array(np.asarray(vocab, dtype=object)[used], type=pa.large_string(), from_pandas=True)
    t = t_used.reshape(-1)
    term_rank = np.empty(len(labels), dtype=np.int64)
    term_rank[pc.sort_indices(labels).to_numpy()] = np.arange(len(labels))  # nulls last
    order = np.lexsort((term_rank[t], -count, g))
    g, t, count, doc_freq = g[order], t[order], count[order], doc_freq[order]
    table = group_values.iloc[g].reset_index(drop=True) if group_names else pd.DataFrame(index=pd.RangeIndex(len(pair)))
    table[term_column] = pd.Series(labels.take(pa.array(t)).to_pandas(), dtype=str).array
    table["count"] = count.astype("int64")
    table["total"] = total_by_group[g].astype("int64")
    table["per_10k"] = measures.relative_frequency(table["count"], table["total"], per=_PER)
    table["doc_freq"] = doc_freq.astype("int64")
    table["n_docs"] = docs_by_group[g].astype("int64")
    table["rank"] = _rank(table, group_names)
    return table


class _Labels:
    """The labels of n-gram codes, joined (by Arrow) only for the codes asked for.

    Codes are either the term codes as digits in base ``width`` (``n`` digits), or numbers into
    ``parts`` (for each token of the n-gram, its term code per n-gram).
    """

    def __init__(self, words, parts=None, *, width=None, n=None):
        self.words, self.parts, self.width, self.n = words, parts, width, n

    def __len__(self):
        return self.width ** self.n if self.parts is None else len(self.parts[0])

    def take(self, codes):
        import pyarrow as pa
        import pyarrow.compute as pc

        codes = np.asarray(codes, dtype=np.int64)
        if self.parts is None:
            digits = [(codes // self.width ** (self.n - 1 - k)) % self.width for k in range(self.n)]
        else:
            digits = [part[codes] for part in self.parts]
        pieces = [self.words.take(pa.array(d)) for d in digits]
        return pc.binary_join_element_wise(*pieces, pa.scalar(" ", pa.large_string())) if len(pieces) > 1 \
            else pieces[0]


def _group_totals(group_codes, doc_codes, n_groups, weights=None):
    total = np.bincount(group_codes, weights=weights, minlength=n_groups).astype(np.int64)
    if n_groups == 1:  # one group: its documents are the distinct documents
        return total, np.array([np.count_nonzero(np.bincount(doc_codes))], dtype=np.int64)
    if len(doc_codes):  # groups of whole documents (periods, sources): count each document once
        per_doc = np.full(int(doc_codes.max()) + 1, -1, dtype=np.int64)
        per_doc[doc_codes] = group_codes
        if (per_doc[doc_codes] == group_codes).all():
            return total, np.bincount(per_doc[per_doc >= 0], minlength=n_groups)
    docs = np.bincount(_distinct_keys(doc_codes, group_codes), minlength=n_groups) if len(group_codes) \
        else np.zeros(n_groups, dtype=np.int64)
    return total, docs


def _factorize(column: pd.Series):
    """Integer codes and the distinct values (in order of first appearance, or category order)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and not column.hasnans:  # read_tokens: codes already there
        codes = column.cat.codes.to_numpy().astype(np.int64)
        categories = pd.Index(column.cat.categories)
        present = np.bincount(codes, minlength=len(categories)) > 0
        if not present.all():  # leave out categories without a row, as pd.factorize would
            codes = (np.cumsum(present) - 1)[codes]
            categories = categories[present]
        return codes, categories
    codes, uniques = pd.factorize(column)
    return codes.astype(np.int64), pd.Index(uniques)


# ---------------------------------------------------------------------------------------------
# reading a large tokens table


def _holding(table, words, form: str, ignore_case: bool):
    """The rows of a shard's documents that hold a token matching one of ``words`` (in ``form``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table[form]
    hit = np.zeros(len(table), dtype=bool)
    at = 0
    plain = [w.lower() if ignore_case else w for w in words if not set(w) & set("*?[")]
    patterns = [w for w in words if set(w) & set("*?[")]
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.dictionary_encode()
        values = pc.utf8_lower(chunk.dictionary) if ignore_case else chunk.dictionary
        matched = pc.is_in(values, value_set=pa.array(plain, values.type)).to_numpy(zero_copy_only=False)
        if patterns:  # wildcards: the vocabulary matcher the queries use
            vocabulary = _Vocabulary(pd.Index(chunk.dictionary.to_pandas(), dtype=object).astype(str))
            for word in patterns:
                matched = matched | vocabulary.hits(word, ignore_case)
        indices = chunk.indices.fill_null(0).to_numpy(zero_copy_only=False)
        hit[at:at + len(chunk)] = matched[indices] & chunk.is_valid().to_numpy(zero_copy_only=False)
        at += len(chunk)
    ids = table["doc_id"]
    if not all(pa.types.is_dictionary(chunk.type) for chunk in ids.chunks):
        ids = ids.cast(pa.large_string())
        held = pc.unique(ids.filter(pa.array(hit)))
        return table.filter(pc.is_in(ids, value_set=held))
    # read as a dictionary: the documents are found by their codes, each id string compared once
    held, at = [], 0
    for chunk in ids.chunks:
        codes = chunk.indices.to_numpy(zero_copy_only=False)
        held.append(chunk.dictionary.take(pa.array(distinct(codes[hit[at:at + len(chunk)]]))))
        at += len(chunk)
    held = pa.concat_arrays([h.cast(pa.large_string()) for h in held]) if held else pa.array([], pa.large_string())
    return _with_ids(table, held)


def _held_ids(ann, words, ignore_case: bool, excluded):
    """The ids of the documents holding one of ``words`` (in ``norm``), from the positions kept
    beside the cache (see :mod:`toolkit.positions`), or None where they cannot say: positions not
    made yet, or a word that may match punctuation (which they leave out)."""
    import pyarrow as pa

    from .positions import _positions_paths, _read_word

    if any("[" in word or not re.search(r"\w", word.replace("*", "").replace("?", "")) for word in words):
        return None
    paths = _positions_paths(ann, make=False)
    if not paths:
        return None
    ids = set()
    for word in words:
        ids.update(_read_word(paths, word, ignore_case, excluded)["doc_id"].tolist())
    return pa.array(sorted(ids), pa.large_string())


def _with_ids(table, ids):
    """The rows of a shard whose ``doc_id`` is one of ``ids`` (an Arrow string array), each
    distinct id of the shard compared once when the column is dictionary-encoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = table["doc_id"]
    if not all(pa.types.is_dictionary(chunk.type) for chunk in column.chunks):
        return table.filter(pc.is_in(column.cast(pa.large_string()), value_set=ids))
    keep, at = np.zeros(len(table), dtype=bool), 0
    for chunk in column.chunks:
        wanted = pc.is_in(chunk.dictionary.cast(pa.large_string()), value_set=ids).to_numpy(zero_copy_only=False)
        keep[at:at + len(chunk)] = wanted[chunk.indices.to_numpy(zero_copy_only=False)]
        at += len(chunk)
    return table.filter(pa.array(keep))


def _read_shard(path, columns, dictionary, drop, downcast=False, holding=None):
    """One Parquet shard, text columns dictionary-encoded, without the documents in ``drop``
    (and, with ``holding=(words, form, ignore_case)``, only the documents holding one of the words;
    ``holding`` may also be the ids of those documents, as an Arrow string array)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    by_words = holding is not None and isinstance(holding, tuple)
    read = columns if not by_words or columns is None or holding[1] in columns else [*columns, holding[1]]
    table = pq.read_table(path, columns=read, read_dictionary=dictionary)
    if drop:
        table = table.filter(pc.invert(pc.is_in(table["doc_id"].cast(pa.large_string()),
                                                value_set=pa.array(sorted(drop), pa.large_string()))))
    if by_words:
        table = _holding(table, *holding)
        if read is not columns:
            table = table.drop_columns([holding[1]])
    elif holding is not None:
        table = _with_ids(table, holding)
    if downcast:
        for i, field in enumerate(table.schema):
            if pa.types.is_int64(field.type):
                try:  # safe cast: fails (and the column stays int64) when a value does not fit
                    table = table.set_column(i, field.name, table.column(i).cast(pa.int32()))
                except (pa.ArrowInvalid, OverflowError):
                    pass
    return table


def read_tokens(cache, *, columns=None, table: str = "tokens", categorical=("doc_id", "token", "norm"),
                downcast: bool = False, holding=None, form: str = "norm", ignore_case: bool = True) -> pd.DataFrame:
    """Read the tokens table of an annotation cache compactly: only some columns, strings as categories.

    ``toolkit.Annotations(...).tokens`` turns every string into a Python-level ``str`` value and
    sorts the rows; at 100,000 articles (over 100 million tokens) that alone takes minutes and
    about 20 GB. Here the Parquet shards are read in parallel, the text columns stay
    dictionary-encoded (pandas ``category``: one integer code per row) and the shards' documents
    keep their cached order. Every function of this module accepts the result in place of the
    tokens table and gives the same result.

    Parameters
    ----------
    cache : toolkit.Annotations or path-like
        The annotation cache (near-duplicates it leaves out stay out, as with ``ann.tokens``).
    columns : list of str, optional
        The columns to read (default: all). ``doc_id`` is always read.
    table : str
        Another per-document table read the same way (``"sentences"``, ``"mentions"``, ``"sentiment"``).
    categorical : iterable of str
        Text columns read as ``category``.
    downcast : bool
        Read whole-number columns (``sent_id``, ``position``, ``start``, ``end``) as ``int32``
        where every value fits: half the memory (a column with a larger value stays ``int64``).
    holding : str or list of str, optional
        Read only the documents holding one of these words or phrases (wildcards allowed; a
        phrase by its first word): every occurrence of them, with whole documents around it, for
        :func:`find_collocates` (with ``corpus=``), or :func:`find_kwic`, :func:`locate_terms`,
        :func:`count_trends`, :func:`measure_dispersion` (with ``lengths=``), without reading the
        rest of a large corpus (those four also take the cache itself, and look the words up in
        its positions).
    form, ignore_case
        The column ``holding`` is matched against, and whether case is ignored (as in :func:`find_kwic`).

    Returns
    -------
    pandas.DataFrame
        One row per token (per row of ``table``), each document's rows together and in their
        cached order (``position``, ``sent_id``): the columns asked for.

    Examples
    --------
    >>> tokens = read_tokens(ann, columns=["doc_id", "sent_id", "position", "norm", "is_stop", "is_punct"])  # doctest: +SKIP
    >>> ceasefire = read_tokens(ann, columns=["doc_id", "sent_id", "position", "norm"], holding="ceasefire")  # doctest: +SKIP
    """
    from concurrent.futures import ThreadPoolExecutor
    import os

    import pyarrow as pa

    from .annotate import Annotations

    ann = cache if isinstance(cache, Annotations) else Annotations(cache)
    shards = ann.manifest["tables"][table]["shards"]
    wanted = None if columns is None else list(dict.fromkeys(["doc_id", *columns]))
    paths = [ann.path / f"{table}.parquet" / name for name in sorted(shards, key=lambda s: min(shards[s], default=""))]
    if not paths:
        return ann.read(table, columns=wanted)
    import pyarrow.parquet as pq

    names = pq.read_schema(paths[0]).names
    dictionary = [c for c in categorical if c in names and (wanted is None or c in wanted)]
    excluded = set() if ann.all_documents else set(ann.excluded)
    jobs = [(path, excluded.intersection(shards[path.name])) for path in paths]  # filter only shards with one
    held = None
    if holding is not None:
        if form not in names:
            raise ValueError(f"the {table} table has no {form!r} column to find {holding!r} in")
        held = ([w.split()[0] for w in _as_queries(holding)], form, ignore_case)
        ids = _held_ids(ann, held[0], ignore_case, excluded) if table == "tokens" and form == "norm" else None
        if ids is None:
            dictionary = list(dict.fromkeys([*dictionary, form]))
        else:  # the documents are known: only their shards are read, and no word is matched again
            held, wanted_ids = ids, set(ids.to_pylist())
            jobs = [job for job in jobs if not wanted_ids.isdisjoint(shards[job[0].name])] or jobs[:1]
    with ThreadPoolExecutor(max(1, min(4, os.cpu_count() or 1))) as pool:
        tables = list(pool.map(lambda job: _read_shard(job[0], wanted, dictionary, job[1], downcast, held), jobs))
    if downcast:  # a column that stayed int64 in one shard is int64 in every shard
        wide = {f.name for t in tables for f in t.schema if pa.types.is_int64(f.type)}
        tables = [t.cast(pa.schema([pa.field(f.name, pa.int64()) if f.name in wide else f for f in t.schema]))
                  for t in tables]
    frame = pa.concat_tables(tables, promote_options="default").unify_dictionaries().to_pandas()
    for column in dictionary:  # a shared vocabulary: codes of one column compare across shards
        if column in frame.columns and not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("category")
    return frame


# ---------------------------------------------------------------------------------------------
# counts


def count_terms(
    tokens: pd.DataFrame,
    *,
    by=None,
    documents: pd.DataFrame | None = None,
    form: str = "norm",
    drop_stopwords=False,
    drop_punctuation: bool = True,
    min_count: int = 1,
    top: int | None = None,
    id_column: str = "doc_id",
    date_column: str = "date",
    count_column: str = "count",
) -> pd.DataFrame:
    """Count terms, overall or per group (document, source, day, week, month, year, ...).

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token (the tokens table), or one row per document and term with a
        ``count_column`` (:func:`count_document_terms`, kept by the cache: :func:`toolkit.read_terms`):
        the same counts from a table a third the size, counted once.
    by : str or list of str, optional
        Grouping (see the module docstring); ``None`` counts the whole corpus.
    documents : pandas.DataFrame, optional
        The documents table; needed when grouping by a period or a document column.
    form : str
        Token column to count (``"norm"`` or ``"token"``).
    drop_stopwords : bool or collection of str
        Leave stopwords out of the terms listed (they still count in ``total``).
    drop_punctuation : bool
        Leave punctuation tokens out (of the terms and of ``total``).
    min_count : int
        Keep terms counted at least this often in their group.
    top : int, optional
        Keep only the ``top`` most frequent terms of each group (and those tied with the last):
        the first rows of the full table, with the same counts and ranks, without labelling,
        sorting and counting the documents of every rare term (millions of n-grams at scale).
    id_column, date_column, count_column : str
        Column names (``count_column`` is used only when ``tokens`` has it).

    Returns
    -------
    pandas.DataFrame
        One row per group and term: the group columns, ``term``, ``count``, ``total`` (words in
        the group), ``per_10k`` (count per 10,000 words), ``doc_freq`` (documents of the group
        containing the term), ``n_docs`` (documents in the group), ``rank`` (1 = most frequent in
        its group; ties share the best rank). Sorted by group, then count (descending).

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "sent_id": 0, "position": [0, 1, 2, 0],
    ...     "token": ["War", "and", "war", "Peace"], "norm": ["war", "and", "war", "peace"],
    ...     "is_stop": [False, True, False, False], "is_punct": False})
    >>> count_terms(tokens)[["term", "count", "per_10k", "doc_freq"]].values.tolist()
    [['war', 2, 5000.0, 1], ['and', 1, 2500.0, 1], ['peace', 1, 2500.0, 1]]
    """
    weights, form = _weights(tokens, count_column, form)
    if weights is not None:
        counted = _count_counted(tokens, weights, by, documents, form=form, drop_stopwords=drop_stopwords,
                                 drop_punctuation=drop_punctuation, min_count=min_count, top=top,
                                 id_column=id_column, date_column=date_column)
        if counted is not None:
            return counted
    doc_codes, doc_uniques = _factorize(tokens[id_column])
    group_codes, names, group_values = _group_codes(tokens, by, documents, doc_codes, doc_uniques,
                                                    id_column=id_column, date_column=date_column)
    word = ~_punct_mask(tokens) if drop_punctuation else np.ones(len(tokens), dtype=bool)
    total, n_docs = _group_totals(group_codes[word], doc_codes[word], len(group_values),
                                  None if weights is None else weights[word])
    keep = word & ~_stop_mask(tokens, form, drop_stopwords)
    term_codes, vocab = _factorize(tokens[form])
    return _counts_table(term_codes[keep], vocab, group_codes[keep], group_values, names,
                         doc_codes[keep], total, n_docs, min_count=min_count, top=top,
                         weights=None if weights is None else weights[keep])


def _codes_of(column: pd.Series):
    """Integer codes and the distinct values, as stored (a categorical's codes and every category)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        if not len(codes) or codes.min() >= 0:
            return codes, pd.Index(column.cat.categories)
    codes, uniques = pd.factorize(column)
    return codes, pd.Index(uniques)


_MOST_CELLS = 40_000_000
"""The most (group, term) cells counted in one array by :func:`_count_counted` (320 MB of counts)."""
_MOST_BLOCKS = 8
"""... and the most such arrays, one after the other (each one pass over the rows); past that, the
general path (a sort) is quicker."""


def _count_counted(tokens, weights, by, documents, *, form, drop_stopwords, drop_punctuation, min_count, top,
                   id_column, date_column):
    """:func:`count_terms` of a table of counts per document and term, grouped by whole documents.

    Each row is one document's one term, so a term's ``doc_freq`` in a group is its number of
    rows there, and a group of documents (a period, a source) is given to the rows through their
    document: two weighted counts over the (group, term) cells, with no sort and no table of
    distinct keys (a fifth of the time of the general path on 62 million rows). ``None`` where
    this does not apply (groups by document or by a token column, or more cells than
    ``_MOST_BLOCKS`` arrays of ``_MOST_CELLS``): the caller takes the general path.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    if any(key in ("document", id_column) or (not _is_period(key) and key in tokens.columns) for key in keys):
        return None
    doc_codes, doc_ids = _codes_of(tokens[id_column])
    term_codes, vocab = _codes_of(tokens[form])
    n_terms = max(len(vocab), 1)
    rows_of = np.bincount(doc_codes, minlength=len(doc_ids))
    present = rows_of > 0
    if keys:
        on_ids = pd.Index(doc_ids[present])
        per_doc, names, group_values = _group_codes(tokens.iloc[:0], by, documents, np.arange(len(on_ids)), on_ids,
                                                    id_column=id_column, date_column=date_column)
    else:
        per_doc, names, group_values = np.zeros(int(present.sum()), np.int64), [], pd.DataFrame(index=pd.RangeIndex(1))
    n_groups = max(len(group_values), 1)
    cells = n_groups * n_terms
    if cells > _MOST_CELLS and (cells > _MOST_CELLS * _MOST_BLOCKS or cells > 4 * len(tokens)):
        return None  # (sparse: sorting the rows is quicker than sweeping the cells)
    group_of = np.full(len(doc_ids), -1, dtype=np.int64)
    group_of[present] = per_doc
    punct = _punct_mask(tokens) if drop_punctuation else np.zeros(len(tokens), dtype=bool)
    word = ~punct
    keep = word & ~_stop_mask(tokens, form, drop_stopwords)
    # the few punctuation rows taken away, rather than copies of every word row made
    with_words = rows_of > np.bincount(doc_codes[punct], minlength=len(doc_ids))
    n_docs = np.bincount(group_of[with_words], minlength=n_groups).astype(np.int64)
    if n_groups == 1:
        total = np.array([weights.sum() - weights[punct].sum()], dtype=np.int64)
        key = term_codes[keep]
    else:
        row_group = group_of[doc_codes]
        total = (np.bincount(row_group, weights=weights, minlength=n_groups)
                 - np.bincount(row_group[punct], weights=weights[punct], minlength=n_groups)).astype(np.int64)
        key = row_group[keep] * n_terms + term_codes[keep]
        del row_group
    # the (group, term) cells counted densely, in blocks of whole groups of at most _MOST_CELLS
    # cells (months of a decade times a million terms would not fit at once): the same pairs, in
    # the same order, as one pass
    per_block = max(1, _MOST_CELLS // n_terms)
    kept_weights = weights[keep]
    pairs, counts, doc_freqs = [], [], []
    for first in range(0, n_groups, per_block):
        block_cells = min(per_block, n_groups - first) * n_terms
        if per_block >= n_groups:
            part, part_weights, offset = key, kept_weights, 0
        else:
            offset = first * n_terms
            rows = np.flatnonzero((key >= offset) & (key < offset + block_cells))
            part, part_weights = key[rows] - offset, kept_weights[rows]
            del rows
        block = np.bincount(part, weights=part_weights, minlength=block_cells)
        pair = np.flatnonzero(block)
        counts.append(block[pair].astype(np.int64))
        del block
        doc_freqs.append(np.bincount(part, minlength=block_cells)[pair].astype(np.int64))
        pairs.append(pair + offset)
        del part, part_weights
    del key, kept_weights
    pair, count, doc_freq = (np.concatenate(x) for x in (pairs, counts, doc_freqs))
    chosen = count >= min_count
    if top is not None:
        chosen &= _top_pairs(pair, count, n_terms, int(top)) if len(pair) and top > 0 else False
    return _labelled_counts(pair[chosen], count[chosen], doc_freq[chosen], n_terms, vocab, group_values, names,
                            total, n_docs)


def _weights(tokens: pd.DataFrame, count_column: str, form: str):
    """``(weights, form)``: how many occurrences each row stands for (None for a tokens table, the
    counts of a counts table), and the column to count (a counts table's ``norm`` is ``term``)."""
    if count_column not in tokens.columns:
        return None, form
    if form not in tokens.columns:
        if form not in ("norm", "term"):
            raise ValueError(f"a table of counts per document has no {form!r} column: count it from the tokens table")
        form = "term"
    return tokens[count_column].to_numpy(dtype=np.int64), form


def count_document_terms(tokens: pd.DataFrame, *, form: str = "norm", id_column: str = "doc_id") -> pd.DataFrame:
    """Count each term in each document: the tokens table reduced to one row per document and term.

    This is the document-term matrix in tidy form (tidytext's ``count(document, word)``,
    quanteda's ``dfm``). :func:`count_terms`, :func:`find_keywords`, and for single words
    :func:`count_trends` and :func:`measure_dispersion`, accept it in place of the tokens table and
    give the same results; :func:`toolkit.read_terms` keeps it beside an annotation cache (each
    tokens shard counted once, the first time it is asked for).

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token (``doc_id``, ``form``, ``is_stop``, ``is_punct``).
    form : str
        Token column counted (``"norm"`` or ``"token"``).
    id_column : str
        Document id column.

    Returns
    -------
    pandas.DataFrame
        One row per document and term: ``doc_id``, ``term``, ``count`` (occurrences in the
        document), ``is_stop``, ``is_punct`` (the flags of the term's first occurrence). Documents
        in order of first appearance, terms sorted within each document.

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "norm": ["war", ".", "war", "peace"],
    ...     "is_stop": False, "is_punct": [False, True, False, False]})
    >>> count_document_terms(tokens).values.tolist()
    [['a', '.', 1, False, True], ['a', 'war', 2, False, False], ['b', 'peace', 1, False, False]]
    """
    doc_codes, doc_uniques = _factorize(tokens[id_column])
    term_codes, vocab = _factorize(tokens[form])
    n_terms = max(len(vocab), 1)
    key = doc_codes * n_terms + term_codes
    pair, first, count = np.unique(key, return_index=True, return_counts=True)
    doc, term = pair // n_terms, pair % n_terms
    labels = np.asarray(vocab.astype(str), dtype=object)
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.argsort(labels, kind="stable")] = np.arange(len(labels))
    order = np.lexsort((rank[term], doc))
    doc, term, count, first = doc[order], term[order], count[order], first[order]

    def flag(name):
        if name in tokens.columns:
            return tokens[name].to_numpy(dtype=bool)[first]
        return np.zeros(len(first), dtype=bool) if name == "is_stop" else _punct_mask(tokens)[first]

    return pd.DataFrame({
        id_column: pd.array(np.asarray(doc_uniques.astype(str), dtype=object)[doc], dtype=str),
        "term": pd.array(labels[term], dtype=str),
        "count": count.astype("int64"),
        "is_stop": flag("is_stop"),
        "is_punct": flag("is_punct"),
    })


def _frequent_starts(term_codes, starts, n, top, min_count, n_terms):
    """The n-gram starts that can hold one of the ``top`` most frequent n-grams (all of their occurrences).

    An n-gram seen ``c`` times has each of its words seen at least ``c`` times in its place, so
    with a threshold ``T`` the n-grams of words seen ``T`` times or more in their place are counted
    exactly, and every other n-gram is seen fewer than ``T`` times. When ``top`` of the n-grams
    kept reach ``T``, no n-gram left out can be among the top (nor tied with the last): the top
    list is exact. Otherwise ``T`` is lowered to the ``top``-th count found (one more pass) or,
    when fewer than ``top`` are found, divided by 8. A large corpus's top 20 bigrams come from a
    few hundred frequent words: a small share of its millions of distinct bigrams is counted.
    """
    if top <= 0 or n_terms ** n >= 2 ** 62:
        return starts
    words = [term_codes[starts + k] for k in range(n)]
    counts = [np.bincount(w, minlength=n_terms) for w in words]
    ranked = np.sort(counts[0])[::-1]
    threshold = max(int(min_count), int(ranked[min(len(ranked) - 1, 20 * top)]), 1)
    while True:
        keep = np.ones(len(starts), dtype=bool)
        for w, c in zip(words, counts):
            keep &= c[w] >= threshold
        gram = words[0][keep]
        for w in words[1:]:
            gram = gram * n_terms + w[keep]
        found = np.unique(gram, return_counts=True)[1] if len(gram) else np.zeros(0, dtype=np.int64)
        if threshold <= max(int(min_count), 1):
            return starts[keep]  # every n-gram that min_count lets through is kept
        if len(found) >= top:
            at_cut = int(np.partition(found, len(found) - top)[len(found) - top])
            if at_cut >= threshold:
                return starts[keep]
            threshold = max(at_cut, int(min_count), 1)
        else:
            threshold = max(threshold // 8, int(min_count), 1)


def _top_of_frequent_words(counted, corpus: pd.DataFrame, top: int, min_count: int) -> pd.DataFrame:
    """The ``top`` most frequent n-grams (ties kept), exact, counting only n-grams of frequent words.

    ``counted(words)`` gives the counts table (one group, sorted by count, descending) of the
    n-grams made of ``words`` only (all n-grams when None); ``corpus``, each word's count
    (``term``, ``count``). The bound of :func:`_frequent_starts`: an n-gram seen ``c`` times has
    each of its words seen at least ``c`` times, so with a threshold ``T`` the n-grams of words
    seen ``T`` times or more are counted exactly and every other one is seen fewer than ``T``
    times. When ``top`` of those counted reach ``T``, no other n-gram can be in the list or tied
    with its last; otherwise ``T`` is lowered (to the ``top``-th count found, or divided by 8).
    """
    floor = max(int(min_count), 1)
    word_counts = corpus.groupby("term", observed=True)["count"].sum()
    ranked = np.sort(word_counts.to_numpy())[::-1]
    threshold = max(floor, int(ranked[min(len(ranked) - 1, 20 * int(top))]) if len(ranked) else floor)
    while True:
        exact = threshold <= floor
        table = counted(None if exact else set(word_counts.index[word_counts.to_numpy() >= threshold].astype(str)))
        if exact:
            break
        if len(table) >= top:
            at_cut = int(table["count"].iloc[top - 1])
            if at_cut >= threshold:
                break
            threshold = max(at_cut, floor)
        else:
            threshold = max(threshold // 8, floor)
    return _first_rows(table, top)


def _first_rows(table: pd.DataFrame, top: int) -> pd.DataFrame:
    """The ``top`` first rows of each group of a counts table (sorted by group, then count), ties kept."""
    if not len(table):
        return table
    group = list(table.columns[:list(table.columns).index("term")])
    cut = table.groupby(group, sort=False)["count"].transform(lambda c: c.iloc[min(len(c), top) - 1]) \
        if group else table["count"].iloc[min(len(table), top) - 1]
    return table[table["count"] >= cut].reset_index(drop=True)


def count_ngrams(
    tokens: pd.DataFrame,
    n: int = 2,
    *,
    by=None,
    documents: pd.DataFrame | None = None,
    form: str = "norm",
    drop_stopwords=False,
    drop_punctuation: bool = True,
    min_count: int = 1,
    top: int | None = None,
    id_column: str = "doc_id",
    date_column: str = "date",
) -> pd.DataFrame:
    """Count n-grams (runs of ``n`` consecutive tokens) that never cross a sentence boundary.

    An n-gram is ``n`` tokens in a row within one sentence. With ``drop_punctuation`` an n-gram
    that contains punctuation is not counted (``"Syria , Turkey"`` gives no ``"syria turkey"``);
    with ``drop_stopwords`` one that contains a stopword is not counted. Relative frequencies are
    per 10,000 words of the group, as in :func:`count_terms`.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token.
    n : int
        2 for bigrams, 3 for trigrams (any n >= 1 works).
    by, documents, form, drop_stopwords, drop_punctuation, min_count, top
        As in :func:`count_terms`.

    Returns
    -------
    pandas.DataFrame
        One row per group and n-gram: the group columns, ``term`` (the tokens joined by single
        spaces), ``count``, ``total`` (words in the group), ``per_10k``, ``doc_freq``, ``n_docs``,
        ``rank``.

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": "a", "sent_id": [0, 0, 0, 1, 1], "position": range(5),
    ...     "token": ["Gaza", "truce", ".", "Gaza", "truce"], "norm": ["gaza", "truce", ".", "gaza", "truce"],
    ...     "is_stop": False, "is_punct": [False, False, True, False, False]})
    >>> count_ngrams(tokens, 2)[["term", "count"]].values.tolist()
    [['gaza truce', 2]]
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    ordered = _sorted(tokens, id_column)
    punct = _punct_mask(ordered)
    stop = _stop_mask(ordered, form, drop_stopwords)
    doc_codes, doc_uniques = _factorize(ordered[id_column])
    group_codes, names, group_values = _group_codes(ordered, by, documents, doc_codes, doc_uniques,
                                                    id_column=id_column, date_column=date_column)
    sent = ordered["sent_id"].to_numpy(dtype=np.int64)
    term_codes, vocab = _factorize(ordered[form])
    is_word = ~punct if drop_punctuation else np.ones(len(ordered), dtype=bool)
    total, n_docs = _group_totals(group_codes[is_word], doc_codes[is_word], len(group_values))
    m = len(ordered) - n + 1
    starts = np.zeros(0, dtype=np.int64)
    if m > 0:
        valid = np.ones(m, dtype=bool)
        bad = (punct if drop_punctuation else np.zeros(len(ordered), bool)) | stop
        for k in range(n):
            valid &= ~bad[k:k + m]
            if k:
                valid &= (doc_codes[k:k + m] == doc_codes[:m]) & (sent[k:k + m] == sent[:m])
        starts = np.flatnonzero(valid)
    if top is not None and by is None and len(starts):
        starts = _frequent_starts(term_codes, starts, n, int(top), min_count, len(vocab))
    import pyarrow as pa

    words = pa.array(np.asarray(vocab, dtype=object), type=pa.large_string(), from_pandas=True)
    width = max(len(vocab), 1)
    if max(len(group_values), 1) * width ** n < 2 ** 62:
        # the n-gram's code is its term codes as digits in base len(vocab): no table of n-grams
        gram = term_codes[starts]
        for k in range(1, n):
            gram = gram * width + term_codes[starts + k]
        labels = _Labels(words, width=width, n=n)
    else:
        # one code per distinct n-gram, built a token at a time (never overflows)
        gram = term_codes[starts]
        for k in range(1, n):
            gram, _ = pd.factorize(gram * len(vocab) + term_codes[starts + k])
            gram = gram.astype(np.int64)
        first = np.zeros(int(gram.max()) + 1 if len(gram) else 0, dtype=np.int64)
        first[gram[::-1]] = starts[::-1]  # a start position of each distinct n-gram
        labels = _Labels(words, parts=[term_codes[first + k] for k in range(n)])
    return _counts_table(gram, labels, group_codes[starts], group_values, names,
                         doc_codes[starts], total, n_docs, min_count=min_count, top=top)


def score_tfidf(counts: pd.DataFrame, *, by="doc_id", term: str = "term", count: str = "count",
                total: str = "total", corpus: pd.DataFrame | None = None) -> pd.DataFrame:
    """TF-IDF of each term in each group of a counts table (documents, periods, sources, ...).

    ``tf = count / total`` (the term's share of the group's words) and ``idf = ln(N / n_t)``, with
    ``N`` the number of groups and ``n_t`` the number of groups containing the term (Sparck Jones
    1972; Salton & Buckley 1988). A term found in every group scores 0. Count with ``min_count=1``
    first, or the group frequencies come out too small.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per group and term, as returned by :func:`count_terms` with ``by=...``.
    by : str or list of str
        The group columns.
    term, count, total : str
        Column names.
    corpus : pandas.DataFrame, optional
        The counts of the whole corpus (:func:`count_terms` with ``by=None``) when ``counts`` holds
        only some documents (``by="document"``): its ``doc_freq`` and ``n_docs`` give ``n_t`` and
        ``N``, so a few articles are scored without counting every article's terms.

    Returns
    -------
    pandas.DataFrame
        The counts with ``tf``, ``group_freq`` (groups containing the term), ``n_groups``, ``idf``
        and ``tfidf`` added, sorted by group and ``tfidf`` (descending), with ``tfidf_rank``.

    Examples
    --------
    >>> counts = pd.DataFrame({"doc_id": ["a", "a", "b"], "term": ["war", "gaza", "war"],
    ...                        "count": [1, 1, 2], "total": [2, 2, 2]})
    >>> score_tfidf(counts)[["doc_id", "term", "tfidf"]].round(4).values.tolist()
    [['a', 'gaza', 0.3466], ['a', 'war', 0.0], ['b', 'war', 0.0]]
    """
    group = [by] if isinstance(by, str) else list(by)
    out = counts.copy()
    if corpus is not None:
        n_groups = int(corpus["n_docs"].iloc[0]) if len(corpus) else 0
        group_freq = corpus.set_index(term)["doc_freq"]
    else:
        present = out[out[count] > 0]
        n_groups = len(present[group].drop_duplicates())
        group_freq = present.groupby(term)[group[0]].size() if len(group) == 1 else \
            present.drop_duplicates(group + [term]).groupby(term).size()
    out["tf"] = out[count] / out[total]
    out["group_freq"] = out[term].map(group_freq).fillna(0).astype("int64")
    out["n_groups"] = n_groups
    with np.errstate(divide="ignore"):
        out["idf"] = np.log(n_groups / out["group_freq"].to_numpy(dtype=float))
    out["tfidf"] = out["tf"] * out["idf"]
    out = out.sort_values(group + ["tfidf", term], ascending=[True] * len(group) + [False, True],
                          kind="stable").reset_index(drop=True)
    out["tfidf_rank"] = _rank(out, group, "tfidf")
    return out


def select_top_terms(table: pd.DataFrame, n: int = 10, *, by=None, sort: str = "count",
                     ascending: bool = False) -> pd.DataFrame:
    """The ``n`` first rows of each group by a column (``count``, ``tfidf``, ``g2``, ...).

    Parameters
    ----------
    table : pandas.DataFrame
        Any table of this module.
    n : int
        Rows kept per group.
    by : str or list of str, optional
        Group columns; ``None`` for the whole table.
    sort : str
        Column to sort by; ``ascending`` its direction.

    Returns
    -------
    pandas.DataFrame
        The same columns, at most ``n`` rows per group, groups in order.

    Examples
    --------
    >>> t = pd.DataFrame({"g": [1, 1, 2], "term": ["a", "b", "c"], "count": [1, 3, 2]})
    >>> select_top_terms(t, 1, by="g")["term"].tolist()
    ['b', 'c']
    """
    group = [] if by is None else ([by] if isinstance(by, str) else list(by))
    ordered = table.sort_values(group + [sort], ascending=[True] * len(group) + [ascending], kind="stable")
    if group:
        ordered = ordered.groupby(group, sort=False, dropna=False).head(n)
    else:
        ordered = ordered.head(n)
    return ordered.reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# keyness


def compare_frequencies(
    target: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    term: str = "term",
    count: str = "count",
    target_total: int | None = None,
    reference_total: int | None = None,
    min_count: int = 1,
    sort: str = "keyness",
) -> pd.DataFrame:
    """Keyness of every term of a target frequency list against a reference list.

    For each term the 2x2 table is (count in target, count in reference, other words in target,
    other words in reference) and the scores are: G2 (Dunning 1993; Rayson & Garside 2000) with its
    p-value, Pearson's chi-square with its p-value, log ratio (Hardie 2014) as the effect size, and
    %DIFF (Gabrielatos & Marchi 2012). ``keyness`` is G2 signed by the direction: positive for
    terms relatively more frequent in the target, negative for those more frequent in the reference.

    Parameters
    ----------
    target, reference : pandas.DataFrame
        Frequency lists: one row per term, with ``term`` and ``count`` columns (and optionally a
        ``total`` column: the corpus size, taken from its first row).
    term, count : str
        Column names (the same in both lists).
    target_total, reference_total : int, optional
        Corpus sizes in words. Default: the ``total`` column, else the sum of the counts (right only
        when the list is complete, not a top-N list).
    min_count : int
        Keep terms whose count in target and reference together is at least this.
    sort : str
        Column to sort by, descending (``"keyness"``, ``"g2"``, ``"log_ratio"``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``target_count``, ``target_total``, ``reference_count``,
        ``reference_total``, ``target_per_10k``, ``reference_per_10k``, ``g2``, ``p_g2``, ``chi2``,
        ``p_chi2``, ``log_ratio``, ``pct_diff``, ``keyness``.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["peace", "war"], "count": [10, 990]})
    >>> r = pd.DataFrame({"term": ["peace", "war"], "count": [5, 1995]})
    >>> compare_frequencies(t, r).head(1)[["term", "log_ratio", "pct_diff"]].values.tolist()
    [['peace', 2.0, 300.0]]
    """
    def totals(frame, given):
        if given is not None:
            return int(given)
        if "total" in frame.columns and len(frame):
            return int(frame["total"].iloc[0])
        return int(frame[count].sum())

    c, d = totals(target, target_total), totals(reference, reference_total)
    a_side = target.groupby(term)[count].sum() if target[term].duplicated().any() else target.set_index(term)[count]
    b_side = reference.groupby(term)[count].sum() if reference[term].duplicated().any() else reference.set_index(term)[count]
    table = pd.concat([a_side.rename("target_count"), b_side.rename("reference_count")], axis=1)
    table = table.fillna(0).astype("int64")
    table.index.name = "term"
    table = table.reset_index()
    table = table[table["target_count"] + table["reference_count"] >= max(min_count, 1)]
    a, b = table["target_count"], table["reference_count"]
    table.insert(2, "target_total", c)
    table["reference_total"] = d
    table = table[["term", "target_count", "target_total", "reference_count", "reference_total"]].copy()
    cells = measures.cells_from_frequencies(a, c, b, d)
    table["target_per_10k"] = measures.relative_frequency(a, c, per=_PER)
    table["reference_per_10k"] = measures.relative_frequency(b, d, per=_PER)
    table["g2"] = measures.log_likelihood(*cells)
    table["p_g2"] = measures.p_value(table["g2"])
    table["chi2"] = measures.chi_square(*cells)
    table["p_chi2"] = measures.p_value(table["chi2"])
    table["log_ratio"] = measures.log_ratio(a, c, b, d)
    table["pct_diff"] = measures.percent_difference(a, c, b, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        leans_to_target = (a / c).fillna(0) >= (b / d).fillna(0)
    table["keyness"] = np.where(leans_to_target, table["g2"], -table["g2"])
    if term != "term":
        table = table.rename(columns={"term": term})
    return table.sort_values([sort, term], ascending=[False, True], kind="stable").reset_index(drop=True)


def _select_documents(documents: pd.DataFrame | None, selection, *, id_column: str, date_column: str) -> pd.Index:
    """doc_ids picked by a selection: ids, a boolean mask over documents, or {column: value(s)}."""
    if isinstance(selection, Mapping):
        if documents is None:
            raise ValueError("selecting documents by column needs the documents table (documents=...)")
        mask = np.ones(len(documents), dtype=bool)
        for key, wanted in selection.items():
            values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
            if _is_period(key):
                code = _period_code(key)
                periods = documents[date_column].dt.to_period(code)
                mask &= periods.isin([pd.Period(v, freq=code) for v in values]).to_numpy()
            else:
                if key not in documents.columns:
                    raise ValueError(f"no column {key!r} in documents")
                mask &= documents[key].isin(values).to_numpy()
        return pd.Index(documents.loc[mask, id_column])
    if isinstance(selection, (pd.Series, np.ndarray)) and np.asarray(selection).dtype == bool:
        if documents is None or len(selection) != len(documents):
            raise ValueError("a boolean selection must be aligned with the documents table")
        return pd.Index(documents.loc[np.asarray(selection), id_column])
    if isinstance(selection, str):
        selection = [selection]
    return pd.Index(list(selection))


def find_keywords(
    tokens: pd.DataFrame,
    target,
    *,
    reference=None,
    documents: pd.DataFrame | None = None,
    form: str = "norm",
    drop_stopwords=False,
    drop_punctuation: bool = True,
    min_count: int = 1,
    sort: str = "keyness",
    id_column: str = "doc_id",
    date_column: str = "date",
    count_column: str = "count",
) -> pd.DataFrame:
    """Keywords of a target subcorpus against a reference: a period, an outlet, or the whole corpus.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token, or one row per document and term with a ``count_column`` (as in
        :func:`count_terms`).
    target : selection
        The target documents: a list of doc_ids, a boolean mask aligned with ``documents``, or a
        mapping such as ``{"month": "2011-02"}``, ``{"outlet": "Reuters"}`` or ``{"year": [2011,
        2012]}`` (needs ``documents``).
    reference : selection or pandas.DataFrame, optional
        ``None``: every other document in ``tokens``. A selection as for ``target``. Or an external
        frequency list (a table with ``term``, ``count`` and optionally ``total`` columns, e.g.
        from :func:`read_frequency_list`): then ``target`` may also be ``"all"`` for the whole
        corpus.
    documents : pandas.DataFrame, optional
        The documents table, needed for mappings and masks.
    form, drop_stopwords, drop_punctuation
        As in :func:`count_terms` (an external list is compared in the same ``form``).
    min_count : int
        Keep terms counted at least this often in target and reference together.
    sort : str
        Column to sort by, descending.
    id_column, date_column, count_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per term, as :func:`compare_frequencies`: both sides' counts and totals, rates per
        10,000 words, ``g2``, ``p_g2``, ``chi2``, ``p_chi2``, ``log_ratio``, ``pct_diff``,
        ``keyness`` (G2, negative when the term leans to the reference).

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": 0, "position": [0, 1, 0, 1],
    ...     "token": ["truce", "talks", "war", "talks"], "norm": ["truce", "talks", "war", "talks"],
    ...     "is_stop": False, "is_punct": False})
    >>> find_keywords(tokens, ["a"])[["term", "target_count", "reference_count"]].values.tolist()[0]
    ['truce', 1, 0]
    """
    # the terms of each side counted on codes: no copy of the tokens of either side
    weights, form = _weights(tokens, count_column, form)
    doc_codes, doc_uniques = _codes_of(tokens[id_column])  # a category without rows counts nothing
    term_codes, vocab = _codes_of(tokens[form])
    word = ~_punct_mask(tokens) if drop_punctuation else np.ones(len(tokens), dtype=bool)
    listed = word & ~_stop_mask(tokens, form, drop_stopwords)
    terms = pd.array(np.asarray(vocab, dtype=object), dtype=str)

    def side(selected_docs):
        rows = selected_docs[doc_codes]
        chosen = listed & rows
        counts = np.bincount(term_codes[chosen], weights=None if weights is None else weights[chosen],
                             minlength=len(vocab)).astype(np.int64)
        present = np.flatnonzero(counts)
        table = pd.DataFrame({"term": terms[present], "count": counts[present]})
        total = np.count_nonzero(word & rows) if weights is None else weights[word & rows].sum()
        return table, int(total)

    def chosen(selection):
        picked = _select_documents(documents, selection, id_column=id_column, date_column=date_column)
        return np.asarray(doc_uniques.isin(picked), dtype=bool)

    if isinstance(reference, pd.DataFrame):
        everything = isinstance(target, str) and target == "all"
        target_counts, target_total = side(np.ones(len(doc_uniques), dtype=bool) if everything else chosen(target))
        return compare_frequencies(target_counts, reference, target_total=target_total, min_count=min_count,
                                   sort=sort)
    in_target = chosen(target)
    target_counts, target_total = side(in_target)
    reference_counts, reference_total = side(~in_target if reference is None else chosen(reference))
    return compare_frequencies(target_counts, reference_counts, target_total=target_total,
                               reference_total=reference_total, min_count=min_count, sort=sort)


def read_frequency_list(path, *, term_column: str = "term", count_column: str = "count",
                        total: int | None = None, lowercase: bool = True) -> pd.DataFrame:
    """Read a reference frequency list (CSV or tab-separated) to compare a corpus against.

    Parameters
    ----------
    path : path-like
        A ``.csv`` or ``.tsv``/``.txt`` (tab-separated) file with a term column and a count column.
    term_column, count_column : str
        Their names.
    total : int, optional
        The size of the reference corpus in words. Needed when the list is truncated (a top-5,000
        list of a 100-million-word corpus); by default the sum of the counts.
    lowercase : bool
        Lowercase the terms and add up counts that then coincide (to compare with ``norm``).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``count``, ``total``.

    Raises
    ------
    CorpusError
        When the file cannot be read, lacks a column, or has counts that are not whole numbers >= 0.
    """
    path = Path(path)
    sep = "\t" if path.suffix.lower() in (".tsv", ".txt", ".tab") else ","
    try:
        frame = pd.read_csv(path, sep=sep, dtype={term_column: str}, keep_default_na=False)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise CorpusError(path, f"cannot read the frequency list: {err}") from None
    for column in (term_column, count_column):
        if column not in frame.columns:
            raise CorpusError(path, f"frequency list has no {column!r} column (columns: {list(frame.columns)})")
    counts = pd.to_numeric(frame[count_column], errors="coerce")
    bad = counts.isna() | (counts < 0) | (counts != counts.round())
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise CorpusError(path, f"count {frame[count_column].iloc[line - 2]!r} is not a whole number >= 0", line=line)
    terms = frame[term_column].astype(str).str.strip()
    if lowercase:
        terms = terms.str.lower()
    out = pd.DataFrame({"term": terms, "count": counts.astype("int64")}).groupby("term", sort=False)["count"].sum()
    out = out.reset_index()
    list_total = int(out["count"].sum())
    if total is not None and total < list_total:
        raise CorpusError(path, f"total {total:,} is smaller than the counts in the list ({list_total:,})")
    out["term"] = out["term"].astype(str)
    out["total"] = int(total if total is not None else list_total)
    return out.sort_values(["count", "term"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# matching words and phrases


def _reading_order(rows, doc_code, primary_doc, position):
    """``rows`` sorted by document (``primary_doc`` of its code), then position.

    When each document's rows are already together and in position order (the cache's order), the
    documents are reordered as blocks (linear time) instead of sorting every row.
    """
    if len(rows) < 2:
        return rows
    dc, q = doc_code[rows], position[rows]
    change = np.flatnonzero(dc[1:] != dc[:-1]) + 1
    step = np.diff(q)
    inside = np.ones(len(rows) - 1, dtype=bool)
    inside[change - 1] = False
    if (step[inside] > 0).all():
        starts = np.concatenate([[0], change])
        run_doc = dc[starts]
        run_key = primary_doc[run_doc]
        if len(distinct(run_doc)) == len(run_doc) and len(distinct(run_key)) == len(run_key):
            order = np.argsort(run_key, kind="stable")
            if (np.diff(order) > 0).all():
                return rows
            lengths = np.diff(np.concatenate([starts, [len(rows)]]))[order]
            shift = starts[order] - (np.cumsum(lengths) - lengths)
            return rows[np.repeat(shift, lengths) + np.arange(len(rows))]
    p = primary_doc[dc]
    if not ((np.diff(p) > 0) | ((np.diff(p) == 0) & (step > 0))).all():
        rows = rows[np.lexsort((q, p))]
    return rows


class _Vocabulary:
    """The distinct terms of a column, matched against a word (case, ``*`` and ``?`` wildcards)."""

    def __init__(self, vocab: pd.Index):
        self.vocab = vocab
        self._lower = None

    def hits(self, word: str, ignore_case: bool) -> np.ndarray:
        """One boolean per term: does it match ``word``."""
        vocab = self.vocab
        if ignore_case:
            if self._lower is None:
                self._lower = vocab.str.lower()
            vocab, word = self._lower, word.lower()
        if "*" in word or "?" in word:
            pattern = re.compile(fnmatch.translate(word), re.DOTALL)
            return np.fromiter((bool(pattern.match(v)) for v in vocab), dtype=bool, count=len(vocab))
        return np.asarray(vocab == word, dtype=bool)


class _Stream:
    """Tokens as arrays in reading order (document by document), with integer codes for matching.

    Only arrays are kept: ``rows`` (row numbers into the tokens table), ``doc`` (a running number
    per document, increasing), ``doc_code``/``doc_ids`` (the document of each token), ``sent``,
    ``codes`` (the ``form`` of each token as a code into ``vocab``); ``term_counts`` (each term's
    count over the words of every document) and ``stop_terms`` (terms that are stopwords somewhere,
    with ``stop``).

    With ``queries``, only the documents holding the first word of a query are kept in the stream
    (every match lies in one of them): ``total`` and ``doc_words`` still count every document, and
    :meth:`corpus_index` gives a match's place in the stream of all documents.
    """

    def __init__(self, tokens: pd.DataFrame, *, form: str, id_column: str, keep=None, doc_rank=None,
                 queries=None, ignore_case: bool = True, stop=None):
        doc_code, self.doc_ids = _factorize(tokens[id_column])
        codes, vocab = _factorize(tokens[form])
        # every document's words, before the stream keeps only some: each term's count, stopword terms
        words = codes if keep is None else codes[keep]
        self.term_counts = np.bincount(words, minlength=len(vocab))
        self.stop_terms = None
        if stop is not None:
            self.stop_terms = np.zeros(len(vocab), dtype=bool)
            self.stop_terms[codes[stop if keep is None else stop & keep]] = True
        del words
        self.vocab = vocab.astype(str)
        self._matcher = None
        n_docs = len(self.doc_ids)
        primary_doc = np.arange(n_docs, dtype=np.int64) if doc_rank is None else np.asarray(doc_rank, dtype=np.int64)
        self.doc_words = np.bincount(doc_code if keep is None else doc_code[keep], minlength=n_docs)
        self.total = int(self.doc_words.sum())
        self._offset = None
        if queries is not None and len(tokens) and len(distinct(primary_doc)) == n_docs:
            first = np.zeros(len(self.vocab), dtype=bool)
            for query in queries:
                words = str(query).split()
                if words:
                    first |= self._vocab_hits(words[0], ignore_case)
            wanted = np.zeros(n_docs, dtype=bool)
            hit = first[codes] if keep is None else first[codes] & keep
            wanted[doc_code[hit]] = True
            del hit
            if not wanted.all():
                order = np.argsort(primary_doc, kind="stable")
                self._offset = np.zeros(n_docs, dtype=np.int64)
                self._offset[order] = np.cumsum(self.doc_words[order]) - self.doc_words[order]
                keep = wanted[doc_code] if keep is None else keep & wanted[doc_code]
        rows = np.arange(len(tokens), dtype=np.int64) if keep is None else np.flatnonzero(keep)
        rows = _reading_order(rows, doc_code, primary_doc, tokens["position"].to_numpy())
        self.rows = rows
        self.doc_code = doc_code[rows]
        change = np.flatnonzero(np.diff(self.doc_code)) + 1
        run = np.zeros(len(rows), dtype=np.int64)
        run[change] = 1
        self.doc = np.cumsum(run)
        self.sent = tokens["sent_id"].to_numpy()[rows].astype(np.int64) if "sent_id" in tokens.columns \
            else np.zeros(len(rows), np.int64)
        self.codes = codes[rows]

    def corpus_index(self, found: np.ndarray) -> np.ndarray:
        """The place of stream positions in the stream of every document (they differ with ``queries``)."""
        if self._offset is None:
            return found
        first = np.searchsorted(self.doc, self.doc[found], side="left")
        return self._offset[self.doc_code[found]] + (found - first)

    def __len__(self):
        return len(self.codes)

    def column(self, tokens: pd.DataFrame, name: str, index=None) -> np.ndarray:
        """A tokens column for stream positions ``index`` (all when None)."""
        rows = self.rows if index is None else self.rows[index]
        return tokens[name].to_numpy()[rows] if len(rows) else tokens[name].to_numpy()[:0]

    def _vocab_hits(self, word: str, ignore_case: bool) -> np.ndarray:
        if self._matcher is None:
            self._matcher = _Vocabulary(self.vocab)
        return self._matcher.hits(word, ignore_case)

    def find(self, query: str, *, ignore_case: bool = True):
        """Start indices of the matches of a word or phrase, and its length in tokens."""
        words = str(query).split()
        if not words:
            raise ValueError("empty query")
        k = len(words)
        m = len(self) - k + 1
        if m <= 0:
            return np.zeros(0, dtype=np.int64), k
        valid = np.ones(m, dtype=bool)
        for i, word in enumerate(words):
            hit = self._vocab_hits(word, ignore_case)[self.codes]
            valid &= hit[i:i + m]
            if i:
                valid &= self.doc[i:i + m] == self.doc[:m]
        return np.flatnonzero(valid), k

    def find_all(self, queries, *, ignore_case: bool = True):
        """Matches of several queries: (start index, length, query number), in reading order."""
        starts, lengths, which = [], [], []
        for number, query in enumerate(queries):
            found, k = self.find(query, ignore_case=ignore_case)
            starts.append(found)
            lengths.append(np.full(len(found), k, dtype=np.int64))
            which.append(np.full(len(found), number, dtype=np.int64))
        if not starts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(starts), np.concatenate(lengths), np.concatenate(which)


def _as_queries(terms) -> list[str]:
    if isinstance(terms, str):
        terms = [t.strip() for t in terms.split(",")] if "," in terms else [terms]
    return [str(t).strip() for t in terms if str(t).strip()]


# ---------------------------------------------------------------------------------------------
# collocations


def find_collocates(
    tokens: pd.DataFrame,
    node,
    *,
    window: int | str = 5,
    cross_sentences: bool = False,
    form: str = "norm",
    drop_stopwords=False,
    drop_punctuation: bool = True,
    min_count: int = 3,
    repelled: bool = False,
    sort: str = "g2",
    ignore_case: bool = True,
    corpus: pd.DataFrame | None = None,
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Words that occur near a node word or phrase more often than chance (collocates).

    The windows are the ``window`` words left and right of each occurrence of the node (or, with
    ``window="sentence"``, the rest of its sentence), within the node's sentence unless
    ``cross_sentences``. A word position inside several overlapping windows counts once, and the
    node's own tokens are not part of any window. The 2x2 table per word follows Evert (2008) for
    surface co-occurrence: ``o11`` = occurrences of the word inside the windows, ``r1`` = words
    inside the windows, ``c1`` = the word's frequency in the corpus, ``n`` = words in the corpus.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token.
    node : str or list of str
        A word or phrase (``"ceasefire"``, ``"security council"``, ``"negotiat*"``), or several
        alternatives (``["ceasefire", "cease-fire", "truce"]``).
    window : int or "sentence"
        Words on each side, or the whole sentence.
    cross_sentences : bool
        Let ±N windows run into the neighbouring sentences.
    form, drop_punctuation
        As in :func:`count_terms`; punctuation tokens are removed before windows are measured, so
        ±5 means five words.
    drop_stopwords : bool or collection of str
        Leave stopwords out of the list of collocates (they still fill window slots).
    min_count : int
        Keep collocates seen at least this often inside the windows.
    repelled : bool
        Also keep words seen *less* often near the node than expected by chance.
    sort : str
        Column to sort by, descending.
    ignore_case : bool
        Match the node case-insensitively.
    corpus : pandas.DataFrame, optional
        The whole corpus's term counts (:func:`count_terms` without ``by``: ``term``, ``count``,
        ``total``), for ``c1`` and ``n`` when ``tokens`` holds only some documents (every one
        holding the node: :func:`read_tokens` with ``holding=node``). Each collocate listed must
        be in it: count it with the same ``form``, punctuation and stopword settings.

    Returns
    -------
    pandas.DataFrame
        One row per collocate: ``collocate``, ``count`` (o11), ``left``, ``right`` (of which to the
        left / right of the node), ``window_total`` (r1), ``collocate_total`` (c1), ``corpus_total``
        (n), ``expected`` (r1 * c1 / n), ``pmi``, ``npmi``, ``g2``, ``p_g2``, ``t_score``, ``dice``,
        ``log_ratio`` (rate inside the windows against the rate outside). ``attrs["node_count"]``
        holds the number of node occurrences.

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": "a", "sent_id": 0, "position": range(6),
    ...     "token": "the fragile ceasefire held in gaza".split(),
    ...     "norm": "the fragile ceasefire held in gaza".split(), "is_stop": False, "is_punct": False})
    >>> find_collocates(tokens, "ceasefire", window=1, min_count=1)["collocate"].tolist()
    ['fragile', 'held']
    """
    keep = ~_punct_mask(tokens) if drop_punctuation else None
    queries = _as_queries(node)
    stop = _stop_mask(tokens, form, drop_stopwords) if drop_stopwords is not False and drop_stopwords is not None \
        else None
    # the stream holds only the documents with the node; n and c1 count every document
    stream = _Stream(tokens, form=form, id_column=id_column, keep=keep, queries=queries, ignore_case=ignore_case,
                     stop=stop)
    del stop
    m = len(stream)
    n = stream.total
    starts, lengths, _ = stream.find_all(queries, ignore_case=ignore_case)
    ends = starts + lengths  # exclusive
    node_mask = np.zeros(m + 1, dtype=np.int64)
    np.add.at(node_mask, starts, 1)
    np.add.at(node_mask, ends, -1)
    in_node = np.cumsum(node_mask)[:m] > 0
    if window == "sentence":
        # every position of the node's sentence
        key = stream.doc * (stream.sent.max() + 1 if m else 1) + stream.sent
        change = np.flatnonzero(np.diff(key)) + 1
        first = np.concatenate([[0], change]) if m else np.zeros(0, np.int64)
        last = np.concatenate([change, [m]]) if m else np.zeros(0, np.int64)
        which = np.searchsorted(first, starts, side="right") - 1
        lo, hi = first[which], last[which]
        sizes = hi - lo
        index = np.repeat(lo, sizes) + (np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes))
        side_left = index < np.repeat(starts, sizes)
    else:
        width = int(window)
        if width < 1:
            raise ValueError("window must be >= 1 or 'sentence'")
        offsets_left = np.arange(-width, 0)
        offsets_right = np.arange(0, width)
        left = starts[:, None] + offsets_left[None, :]
        right = ends[:, None] + offsets_right[None, :]
        anchor_left = np.repeat(starts, width)
        anchor_right = np.repeat(ends - 1, width)
        index = np.concatenate([left.ravel(), right.ravel()])
        anchor = np.concatenate([anchor_left, anchor_right])
        side_left = np.concatenate([np.ones(left.size, bool), np.zeros(right.size, bool)])
        ok = (index >= 0) & (index < m)
        index, anchor, side_left = index[ok], anchor[ok], side_left[ok]
        same = stream.doc[index] == stream.doc[anchor]
        if not cross_sentences:
            same &= stream.sent[index] == stream.sent[anchor]
        index, side_left = index[same], side_left[same]
    keep = ~in_node[index]
    index, side_left = index[keep], side_left[keep]
    index, first_seen = np.unique(index, return_index=True)
    side_left = side_left[first_seen]
    r1 = len(index)
    n_terms = len(stream.vocab)
    o11 = np.bincount(stream.codes[index], minlength=n_terms)
    o11_left = np.bincount(stream.codes[index[side_left]], minlength=n_terms)
    c1 = stream.term_counts
    if corpus is not None:  # the tokens are some documents: c1 and n from the whole corpus's counts
        totals = corpus.groupby("term", sort=False, observed=True)["count"].sum()
        c1 = totals.reindex(stream.vocab).to_numpy(dtype=float, na_value=np.nan)
        n = int(corpus["total"].iloc[0]) if len(corpus) else n
    table = pd.DataFrame({
        "collocate": stream.vocab.to_numpy(),
        "count": o11, "left": o11_left, "right": o11 - o11_left,
        "window_total": r1, "collocate_total": c1, "corpus_total": n,
    })
    if stream.stop_terms is not None:
        table = table[~stream.stop_terms]
    table = table[table["count"] >= max(min_count, 1)].copy()
    missing = table["collocate_total"].isna()
    if missing.any():
        raise ValueError(f"{table['collocate'][missing].iloc[0]!r} is near the node but not in corpus=: count the "
                         "corpus with the same form, punctuation and stopword settings")
    o, r, c = table["count"], table["window_total"], table["collocate_total"]
    table["expected"] = measures.expected_count(r, c, n)
    if not repelled:
        table = table[table["count"] > table["expected"]].copy()
        o, r, c = table["count"], table["window_total"], table["collocate_total"]
    table["pmi"] = measures.pmi(o, r, c, n)
    table["npmi"] = measures.npmi(o, r, c, n)
    table["g2"] = measures.log_likelihood(*measures.cells_from_margins(o, r, c, n))
    table["p_g2"] = measures.p_value(table["g2"])
    table["t_score"] = measures.t_score(o, r, c, n)
    table["dice"] = measures.dice(o, r, c, n)
    table["log_ratio"] = measures.log_ratio(o, r, c - o, n - r)
    table = table.astype({"count": "int64", "left": "int64", "right": "int64", "window_total": "int64",
                          "collocate_total": "int64", "corpus_total": "int64"})
    table["collocate"] = table["collocate"].astype(str)
    table = table.sort_values([sort, "collocate"], ascending=[False, True], kind="stable").reset_index(drop=True)
    table.attrs["node"] = ", ".join(queries)
    table.attrs["node_count"] = int(len(starts))
    return table


# ---------------------------------------------------------------------------------------------
# concordance, dispersion, trends


def _clean(texts: pd.Series) -> pd.Series:
    return texts.str.replace(r"\s+", " ", regex=True)


def find_kwic(
    tokens: pd.DataFrame,
    documents: pd.DataFrame,
    query,
    *,
    width: int = 8,
    unit: str = "tokens",
    form: str = "norm",
    ignore_case: bool = True,
    columns: Iterable[str] = (),
    n: int | None = None,
    id_column: str = "doc_id",
    date_column: str = "date",
    text_column: str = "text",
) -> pd.DataFrame:
    """Concordance (keyword in context) of a word or phrase, cut from the documents' text.

    Left and right contexts are the article text itself (``documents.text`` sliced at the tokens'
    offsets, whitespace shown as single spaces), so a line reads as the article does.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token (with ``start``/``end`` offsets).
    documents : pandas.DataFrame or toolkit.Annotations
        The documents table (``doc_id``, ``date``, ``text``); or the annotation cache, from which
        only the texts of the lines cut are read (with ``n``, a few articles of a large corpus).
    query : str or list of str
        A word or phrase, wildcards allowed, or several alternatives.
    width : int
        Context on each side: tokens (``unit="tokens"``, punctuation included) or characters
        (``unit="chars"``).
    form : str
        Token column the query is matched against.
    ignore_case : bool
        Match case-insensitively.
    columns : iterable of str
        Extra document columns to carry (``"outlet"``, ``"source"``, ...).
    n : int, optional
        Cut only the first ``n`` lines (in date order) from the text: a common word has hundreds
        of thousands of lines in a large corpus, and a page shows a few. ``attrs["total"]`` holds
        the number of matches either way.

    Returns
    -------
    pandas.DataFrame
        One row per match (the first ``n``), in date order: ``doc_id``, ``date``, the extra
        columns, ``sent_id``, ``position`` (of the first matched token), ``start``, ``end``
        (offsets of the match), ``left``, ``match``, ``right``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "date": pd.to_datetime(["2020-02-15"]),
    ...                      "text": ["The truce held. Talks resumed."]})
    >>> tokens = pd.DataFrame({"doc_id": "a", "sent_id": [0, 0, 0, 0, 1, 1, 1], "position": range(7),
    ...     "token": ["The", "truce", "held", ".", "Talks", "resumed", "."],
    ...     "start": [0, 4, 10, 14, 16, 22, 29], "end": [3, 9, 14, 15, 21, 29, 30]})
    >>> tokens["norm"] = tokens["token"].str.lower()
    >>> find_kwic(tokens, docs, "truce", width=2)[["left", "match", "right"]].values.tolist()
    [['The', 'truce', 'held.']]
    """
    columns = list(columns)
    cache = None
    if _is_cache(documents):  # an annotation cache: the texts of the lines shown only
        cache, documents = documents, documents.read_metadata()
    queries = _as_queries(query)
    if _is_cache(tokens):
        out, total = _kwic_in_cache(tokens, documents, queries, width=width, unit=unit, form=form,
                                    ignore_case=ignore_case, columns=columns, n=n, id_column=id_column,
                                    date_column=date_column)
        if cache is None and text_column not in documents.columns:  # the texts from the cache given as tokens
            cache = tokens
        return _cut_lines(out, total, cache, documents, id_column=id_column, text_column=text_column)
    stream = _Stream(tokens, form=form, id_column=id_column, queries=queries, ignore_case=ignore_case)
    first, lengths, _ = stream.find_all(queries, ignore_case=ignore_case)
    order = np.argsort(first, kind="stable")
    first, last = first[order], (first + lengths - 1)[order]
    tstart = stream.column(tokens, "start").astype(np.int64)
    tend = stream.column(tokens, "end").astype(np.int64)
    docs = _documents_by_id(documents, id_column)
    doc_ids = np.asarray(stream.doc_ids, dtype=object)[stream.doc_code[first]]
    out = pd.DataFrame({id_column: pd.array(doc_ids, dtype=str)})
    out[date_column] = docs[date_column].reindex(doc_ids).to_numpy() if date_column in docs.columns else pd.NaT
    for column in columns:
        out[column] = docs[column].reindex(doc_ids).to_numpy()
    out["sent_id"] = stream.sent[first]
    out["position"] = stream.column(tokens, "position", first)
    out["start"], out["end"] = tstart[first], tend[last]
    if unit == "tokens":
        # width tokens either side, clipped to the match's document
        doc_first = np.searchsorted(stream.doc, stream.doc[first], side="left")
        doc_last = np.searchsorted(stream.doc, stream.doc[first], side="right") - 1
        left_start = tstart[np.maximum(first - width, doc_first)]
        right_end = tend[np.minimum(last + width, doc_last)]
    elif unit in ("chars", "characters"):
        left_start = np.maximum(out["start"].to_numpy() - width, 0)
        right_end = out["end"].to_numpy() + width
    else:
        raise ValueError("unit must be 'tokens' or 'chars'")
    total = len(out)
    sort = [c for c in (date_column, id_column, "position") if c in out.columns]
    out = out.assign(_left=np.asarray(left_start, dtype=np.int64), _right=np.asarray(right_end, dtype=np.int64))
    out = out.sort_values(sort, kind="stable").reset_index(drop=True)
    if n is not None:
        out = out.head(max(int(n), 0))
    return _cut_lines(out, total, cache, documents, id_column=id_column, text_column=text_column)


def _is_cache(table) -> bool:
    """Whether a table argument is an annotation cache (toolkit.Annotations) rather than a DataFrame."""
    return hasattr(table, "read_metadata")


def _kwic_in_cache(ann, documents, queries, *, width, unit, form, ignore_case, columns, n, id_column, date_column):
    """find_kwic's lines (before the text is cut) from the positions kept beside a cache."""
    from .positions import find_occurrences

    if form != "norm":
        raise ValueError("the positions kept beside the cache are of the norm form: pass the tokens table")
    found = find_occurrences(ann, queries, ignore_case=ignore_case, adjacent="position")
    docs = _documents_by_id(documents, id_column)
    doc_ids = found["doc_id"].to_numpy(dtype=object)
    out = pd.DataFrame({id_column: pd.array(doc_ids, dtype=str)})
    out[date_column] = docs[date_column].reindex(doc_ids).to_numpy() if date_column in docs.columns else pd.NaT
    for column in columns:
        out[column] = docs[column].reindex(doc_ids).to_numpy()
    for column in ("sent_id", "position", "start", "end"):
        out[column] = found[column].to_numpy(dtype=np.int64)
    out["_last"] = found["last_position"].to_numpy(dtype=np.int64)
    total = len(out)
    sort = [c for c in (date_column, id_column, "position") if c in out.columns]
    out = out.sort_values(sort, kind="stable").reset_index(drop=True)
    if n is not None:
        out = out.head(max(int(n), 0))
    last = out.pop("_last").to_numpy()
    if unit in ("chars", "characters"):
        out["_left"] = np.maximum(out["start"].to_numpy() - width, 0)
        out["_right"] = out["end"].to_numpy() + width
    elif unit == "tokens":  # width tokens either side, clipped to the document: its tokens' offsets
        shown = sorted(set(out[id_column].astype(str)))
        spans = ann.read("tokens", columns=[id_column, "position", "start", "end"], ids=shown) if shown else \
            pd.DataFrame({id_column: [], "position": [], "start": [], "end": []})
        spans = spans.sort_values([id_column, "position"], kind="stable")
        listed, first_row, n_tokens = np.unique(spans[id_column].to_numpy(dtype=str), return_index=True,
                                                return_counts=True)
        which = np.searchsorted(listed, out[id_column].to_numpy(dtype=str))
        at, count = first_row[which], n_tokens[which]
        position = out["position"].to_numpy(dtype=np.int64)
        out["_left"] = spans["start"].to_numpy(dtype=np.int64)[at + np.maximum(position - width, 0)]
        out["_right"] = spans["end"].to_numpy(dtype=np.int64)[at + np.minimum(last + width, count - 1)]
    else:
        raise ValueError("unit must be 'tokens' or 'chars'")
    return out, total


def _cut_lines(out, total, cache, documents, *, id_column, text_column):
    """Cut each line's left context, match and right context from its article's text (read from
    ``cache`` when given, else taken from ``documents``)."""
    # each document's text fetched once; slices cut per line shown
    doc_ids = out[id_column].to_numpy(dtype=object)
    unique_docs, which = np.unique(doc_ids.astype(str), return_inverse=True) if len(doc_ids) else (np.array([], dtype=object), np.zeros(0, np.int64))
    if cache is not None and len(unique_docs):
        texts = cache.read("documents", columns=[id_column, text_column], ids=list(unique_docs))
        texts = texts.set_index(id_column)[text_column].reindex(unique_docs).tolist()
    elif cache is None:
        texts = _documents_by_id(documents, id_column)[text_column].reindex(unique_docs).tolist()
    else:
        texts = []
    starts_, ends_ = out["start"].to_numpy(), out["end"].to_numpy()
    left_start, right_end = out.pop("_left").to_numpy(), out.pop("_right").to_numpy()
    left = [texts[w][a:b] for w, a, b in zip(which, left_start, starts_)]
    match = [texts[w][a:b] for w, a, b in zip(which, starts_, ends_)]
    right = [texts[w][a:b] for w, a, b in zip(which, ends_, right_end)]
    out["left"] = _clean(pd.Series(left, dtype=str)).str.strip().to_numpy()
    out["match"] = _clean(pd.Series(match, dtype=str)).to_numpy()
    out["right"] = _clean(pd.Series(right, dtype=str)).str.strip().to_numpy()
    for column in ("left", "match", "right"):
        out[column] = out[column].astype(str)
    out.attrs["total"] = total
    return out


def _counted_matches(counts: pd.DataFrame, queries, *, form: str, ignore_case: bool, keep: np.ndarray):
    """Rows of a counts table (one per document and term) matching each single-word query,
    among the rows ``keep`` marks (the words, without punctuation).

    Returns ``(rows, which)``: row numbers and the query number of each. A phrase cannot be
    matched in counts per document (its words' order is gone): a ValueError says so.
    """
    phrases = [q for q in queries if len(str(q).split()) > 1]
    if phrases:
        raise ValueError(f"{phrases[0]!r} is a phrase: count it from the tokens table (a table of counts per "
                         "document and term has lost the words' order)")
    codes, vocab = _factorize(counts[form])
    finder = _Vocabulary(vocab.astype(str))
    rows, which = [], []
    for number, query in enumerate(queries):
        hit = np.flatnonzero(finder.hits(str(query).strip(), ignore_case)[codes] & keep)
        rows.append(hit)
        which.append(np.full(len(hit), number, dtype=np.int64))
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(which)


def _hits(tokens, terms, *, documents, form, ignore_case, id_column, date_column):
    """A words-only stream in corpus order (documents by date) and the matches of each term."""
    keep = ~_punct_mask(tokens)
    doc_rank = None
    doc_uniques = _factorize(tokens[id_column])[1]  # in the order of _Stream's document codes
    if documents is not None and date_column in documents.columns:
        order = documents[[id_column, date_column]].sort_values([date_column, id_column], kind="stable")
        rank = pd.Series(np.arange(len(order)), index=pd.Index(order[id_column]))
        doc_rank = rank.reindex(doc_uniques).fillna(len(order)).to_numpy(dtype=np.int64)
    else:
        doc_rank = np.argsort(np.argsort(doc_uniques.astype(str).to_numpy(), kind="stable"), kind="stable")
    queries = _as_queries(terms)
    stream = _Stream(tokens, form=form, id_column=id_column, keep=keep, doc_rank=doc_rank, queries=queries,
                     ignore_case=ignore_case)
    found, _, which = stream.find_all(queries, ignore_case=ignore_case)
    return stream, queries, found, which


def _word_offsets(lengths: pd.DataFrame, documents, *, id_column: str, date_column: str):
    """Each document's first word's place in the corpus read in date order (then ``doc_id``), and the words in all."""
    words = lengths.set_index(id_column)["words"]
    if documents is not None and date_column in documents.columns:
        dated = documents.sort_values([date_column, id_column], kind="stable")[id_column]
        ids = pd.Index(dated).append(words.index.difference(dated).sort_values())
    else:
        ids = words.index.sort_values()
    words = words.reindex(ids, fill_value=0).to_numpy(dtype=np.int64)
    return pd.Series(np.cumsum(words) - words, index=ids), int(words.sum())


def locate_terms(
    tokens: pd.DataFrame,
    terms,
    *,
    documents: pd.DataFrame | None = None,
    lengths: pd.DataFrame | None = None,
    form: str = "norm",
    ignore_case: bool = True,
    id_column: str = "doc_id",
    date_column: str = "date",
) -> pd.DataFrame:
    """Where each term falls: one row per occurrence, with its place in the corpus and in time.

    The corpus is read as one long text, documents in date order (then by ``doc_id``), so
    ``corpus_position`` (0 = first word, 1 = last) shows clusters the way a dispersion plot does.

    Parameters
    ----------
    tokens : pandas.DataFrame or toolkit.Annotations
        One row per token; or the annotation cache, whose positions (kept beside it,
        :func:`toolkit.find_occurrences`) give the occurrences without reading the tokens.
    terms : str or list of str
        Words or phrases (wildcards allowed).
    documents : pandas.DataFrame, optional
        For the date order and the ``date`` column; without it documents run in ``doc_id`` order.
    lengths : pandas.DataFrame, optional
        Words per document of the whole corpus (:func:`toolkit.read_lengths`: ``doc_id``,
        ``words``), when ``tokens`` holds only some documents (every one holding a term:
        :func:`read_tokens` with ``holding=terms``): places are counted over every document.
    form, ignore_case
        As in :func:`find_kwic`.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence: ``term`` (the query), ``doc_id``, ``date`` (when documents are
        given), ``sent_id``, ``position``, ``corpus_index`` (word number in the whole corpus,
        punctuation excluded), ``corpus_position`` (the same from 0 to 1). ``attrs["corpus_total"]``
        holds the number of words.

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": "a", "sent_id": 0, "position": range(5),
    ...     "token": ["war", "x", "x", "x", "war"], "norm": ["war", "x", "x", "x", "war"], "is_punct": False})
    >>> locate_terms(tokens, "war")["corpus_position"].tolist()
    [0.0, 1.0]
    """
    if _is_cache(tokens):  # the positions kept beside the cache: each occurrence's word in its document
        from .counts import read_lengths
        from .positions import find_occurrences

        if form != "norm":
            raise ValueError("the positions kept beside the cache are of the norm form: pass the tokens table")
        queries = _as_queries(terms)
        found = find_occurrences(tokens, queries, ignore_case=ignore_case, adjacent="word")
        lengths = read_lengths(tokens, documents=documents) if lengths is None else lengths
        hit_ids = found[id_column].to_numpy(dtype=object)
        which, in_doc = found["query"].to_numpy(dtype=np.int64), found["word"].to_numpy(dtype=np.int64)
        sent, position = found["sent_id"].to_numpy(dtype=np.int64), found["position"].to_numpy(dtype=np.int64)
    else:
        stream, queries, found, which = _hits(tokens, terms, documents=documents, form=form, ignore_case=ignore_case,
                                              id_column=id_column, date_column=date_column)
        n = stream.total
        order = np.lexsort((found, which))
        found, which = found[order], which[order]
        index = stream.corpus_index(found)
        hit_ids = np.asarray(stream.doc_ids, dtype=object)[stream.doc_code[found]]
        in_doc = found - np.searchsorted(stream.doc, stream.doc[found], side="left")
        sent, position = stream.sent[found], stream.column(tokens, "position", found).astype(np.int64)
    if lengths is not None:  # each document's first word placed among every document's words
        offset, n = _word_offsets(lengths, documents, id_column=id_column, date_column=date_column)
        start = offset.reindex(hit_ids)
        if start.isna().any():
            raise ValueError(f"{start.index[start.isna()][0]!r} has tokens but no row in lengths")
        index = start.to_numpy(dtype=np.int64) + in_doc
        order = np.lexsort((index, which))  # by term, then in corpus order
        index, which, hit_ids, sent, position = index[order], which[order], hit_ids[order], sent[order], position[order]
    out = pd.DataFrame({
        "term": pd.array(np.asarray(queries, dtype=object)[which], dtype=str),
        id_column: pd.array(hit_ids, dtype=str),
        "sent_id": sent,
        "position": position,
        "corpus_index": index,
        "corpus_position": index / max(n - 1, 1),
    })
    if documents is not None and date_column in documents.columns:
        docs = _documents_by_id(documents, id_column)
        out.insert(2, date_column, docs[date_column].reindex(out[id_column].to_numpy()).to_numpy())
    out.attrs["corpus_total"] = int(n)
    return out


def measure_dispersion(
    tokens: pd.DataFrame,
    terms,
    *,
    by="doc_id",
    documents: pd.DataFrame | None = None,
    lengths: pd.DataFrame | None = None,
    form: str = "norm",
    ignore_case: bool = True,
    id_column: str = "doc_id",
    date_column: str = "date",
    count_column: str = "count",
) -> pd.DataFrame:
    """How evenly each term spreads over the parts of the corpus (documents, months, sources).

    ``DP`` is Gries's deviation of proportions (Gries 2008): half the sum, over the parts, of
    ``|share of the term's occurrences in the part - share of the corpus's words in the part|``:
    0 when the term is spread exactly like the words, near 1 when it is packed into one small part.
    ``range`` is the number of parts where it occurs (Juilland-style range).

    Parameters
    ----------
    tokens : pandas.DataFrame or toolkit.Annotations
        One row per token; or, for single words, one row per document and term with a
        ``count_column`` (:func:`toolkit.read_terms`): the same table, without a pass over the
        tokens; or the annotation cache, whose positions (:func:`toolkit.find_occurrences`) give
        the occurrences of words and phrases without reading the tokens.
    terms : str or list of str
        Words or phrases.
    by : str or list of str
        The parts (as ``by`` in :func:`count_terms`): ``"doc_id"`` by default, or ``"month"``, ...
    documents : pandas.DataFrame, optional
        Needed for periods and document columns.
    lengths : pandas.DataFrame, optional
        Words and tokens per document of the whole corpus (:func:`toolkit.read_lengths`), when a
        tokens table holds only some documents (every one holding a term: :func:`read_tokens`
        with ``holding=terms``): the parts and their sizes are those of every document.
    form, ignore_case, id_column, date_column, count_column
        As in :func:`find_kwic` and :func:`count_terms`.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``count``, ``per_10k``, ``parts`` (number of parts),
        ``range`` (parts containing the term), ``range_share`` (range / parts), ``dp``.

    Examples
    --------
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "sent_id": 0, "position": [0, 1, 0, 1],
    ...     "token": ["war", "x", "x", "x"], "norm": ["war", "x", "x", "x"], "is_punct": False})
    >>> measure_dispersion(tokens, "war")[["term", "range", "dp"]].values.tolist()
    [['war', 1, 0.5]]
    """
    if _is_cache(tokens):  # the occurrences from the positions kept beside the cache, the parts from its lengths
        from .counts import read_lengths
        from .positions import find_occurrences

        if form != "norm":
            raise ValueError("the positions kept beside the cache are of the norm form: pass the tokens table")
        queries = _as_queries(terms)
        found = find_occurrences(tokens, queries, ignore_case=ignore_case, adjacent="word")
        lengths = read_lengths(tokens, documents=documents) if lengths is None else lengths
        which, times = found["query"].to_numpy(dtype=np.int64), np.ones(len(found))
        n_parts, sizes, part = _parts_of(lengths, found[id_column].to_numpy(dtype=object), by=by, documents=documents,
                                         id_column=id_column, date_column=date_column)
        return _dispersion_table(queries, which, part, times, n_parts, sizes)
    weights, form = _weights(tokens, count_column, form)
    words = ~_punct_mask(tokens)
    doc_codes, doc_uniques = _factorize(tokens[id_column])
    codes, _, values = _group_codes(tokens, by, documents, doc_codes, doc_uniques, id_column=id_column,
                                    date_column=date_column)
    n_parts = len(values)
    if weights is None:
        stream, queries, found, which = _hits(tokens, terms, documents=None, form=form, ignore_case=ignore_case,
                                              id_column=id_column, date_column=date_column)
        sizes = np.bincount(codes[words], minlength=n_parts).astype(float)
        part = codes[stream.rows][found]  # the part of each match
        times = np.ones(len(found))
        if lengths is not None:  # some documents: the parts and their sizes from every document with tokens
            n_parts, sizes, part = _parts_of(lengths, np.asarray(stream.doc_ids, dtype=object)[stream.doc_code[found]],
                                             by=by, documents=documents, id_column=id_column, date_column=date_column)
    else:  # counts per document and term: each matching row adds its count to its part
        queries = _as_queries(terms)
        rows, which = _counted_matches(tokens, queries, form=form, ignore_case=ignore_case, keep=words)
        sizes = np.bincount(codes[words], weights=weights[words], minlength=n_parts).astype(float)
        part, times = codes[rows], weights[rows].astype(float)
    return _dispersion_table(queries, which, part, times, n_parts, sizes)


def _parts_of(lengths: pd.DataFrame, match_ids, *, by, documents, id_column: str, date_column: str):
    """The parts of every document with tokens (``lengths``), their sizes in words, and the part of each match."""
    every = lengths[lengths["tokens"] > 0] if "tokens" in lengths.columns else lengths
    every_codes, every_ids = _factorize(every[id_column].astype(str))
    codes, _, values = _group_codes(every, by, documents, every_codes, every_ids, id_column=id_column,
                                    date_column=date_column)
    sizes = np.bincount(codes, weights=every["words"].to_numpy(dtype=float), minlength=len(values))
    at = pd.Index(every_ids).get_indexer(match_ids)
    if (at < 0).any():
        raise ValueError("a document with tokens has no row in lengths")
    return len(values), sizes, codes[at]


def _dispersion_table(queries, which, part, times, n_parts: int, sizes) -> pd.DataFrame:
    """measure_dispersion's table from each match's query and part."""
    matrix = np.zeros((len(queries), n_parts))
    np.add.at(matrix, (which, part), times)
    total = float(sizes.sum())
    table = pd.DataFrame({"term": pd.array(queries, dtype=str)})
    table["count"] = matrix.sum(axis=1).astype("int64")
    table["per_10k"] = measures.relative_frequency(table["count"], total, per=_PER)
    table["parts"] = n_parts
    table["range"] = (matrix > 0).sum(axis=1).astype("int64")
    table["range_share"] = table["range"] / table["parts"]
    table["dp"] = measures.deviation_of_proportions(matrix, sizes)
    return table


def count_trends(
    tokens: pd.DataFrame,
    terms,
    *,
    documents: pd.DataFrame,
    period: str = "M",
    by: str | None = None,
    lengths: pd.DataFrame | None = None,
    form: str = "norm",
    ignore_case: bool = True,
    drop_punctuation: bool = True,
    id_column: str = "doc_id",
    date_column: str = "date",
    count_column: str = "count",
) -> pd.DataFrame:
    """How often each term is used per period, with the words each period holds.

    Every period from the first to the last date appears, also periods without any article
    (``words`` 0, ``per_10k`` missing), so gaps and thin periods show as such: read ``per_10k``
    next to ``words``; a rate computed on a few hundred words is noise, not a peak.

    Parameters
    ----------
    tokens : pandas.DataFrame or toolkit.Annotations
        One row per token; or, for single words, one row per document and term with a
        ``count_column`` (:func:`toolkit.read_terms`): the same table, without a pass over the
        tokens; or the annotation cache, whose positions (:func:`toolkit.find_occurrences`) give
        the occurrences of words and phrases without reading the tokens.
    terms : str or list of str
        Words or phrases (wildcards allowed); a comma-separated string is split.
    documents : pandas.DataFrame
        The documents table (for dates).
    period : str
        ``"day"``, ``"week"``, ``"month"``, ``"quarter"``, ``"year"`` (or ``D``, ``W``, ``M``, ``Q``,
        ``Y``).
    by : str, optional
        A document column to split each trend by (``"outlet"``).
    lengths : pandas.DataFrame, optional
        Words per document of the whole corpus (:func:`toolkit.read_lengths`: ``doc_id``,
        ``words``), when ``tokens`` holds only some documents (every one holding a term:
        :func:`read_tokens` with ``holding=terms``): ``words`` and ``documents`` per period count
        every document.
    form, ignore_case, drop_punctuation
        As in :func:`find_kwic` and :func:`count_terms`.
    id_column, date_column, count_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per period (and ``by`` value) and term: ``period`` (the first day), ``term``,
        ``count``, ``words`` (words in the period), ``documents`` (articles in the period),
        ``per_10k``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "date": pd.to_datetime(["2011-01-05", "2011-03-01"])})
    >>> tokens = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": 0, "position": [0, 1, 0],
    ...     "token": ["war", "x", "war"], "norm": ["war", "x", "war"], "is_punct": False})
    >>> count_trends(tokens, "war", documents=docs)[["count", "words", "per_10k"]].values.tolist()
    [[1.0, 2.0, 5000.0], [0.0, 0.0, nan], [1.0, 1.0, 10000.0]]
    """
    code = _period_code(period)
    docs = _documents_by_id(documents, id_column)
    queries = _as_queries(terms)
    if _is_cache(tokens):  # the occurrences from the positions kept beside the cache, the words from its lengths
        from .counts import read_lengths
        from .positions import find_occurrences

        if form != "norm":
            raise ValueError("the positions kept beside the cache are of the norm form: pass the tokens table")
        found = find_occurrences(tokens, queries, ignore_case=ignore_case,
                                 adjacent="word" if drop_punctuation else "position")
        hit_doc, doc_uniques = _factorize(found[id_column].astype(str))
        which, hit_count = found["query"].to_numpy(dtype=np.int64), np.ones(len(found), dtype=np.int64)
        lengths = read_lengths(tokens, documents=documents) if lengths is None else lengths
    else:
        keep = ~_punct_mask(tokens) if drop_punctuation else None
        weights, form = _weights(tokens, count_column, form)
        if weights is None:
            stream = _Stream(tokens, form=form, id_column=id_column, keep=keep, queries=queries,
                             ignore_case=ignore_case)
            doc_uniques, doc_words = pd.Index(stream.doc_ids), stream.doc_words
            found, _, which = stream.find_all(queries, ignore_case=ignore_case)
            hit_doc, hit_count = stream.doc_code[found], np.ones(len(found), dtype=np.int64)
        else:  # counts per document and term (single words)
            doc_codes, doc_uniques = _factorize(tokens[id_column])
            keep = np.ones(len(tokens), dtype=bool) if keep is None else keep
            doc_words = np.bincount(doc_codes[keep], weights=weights[keep], minlength=len(doc_uniques)).astype(np.int64)
            rows, which = _counted_matches(tokens, queries, form=form, ignore_case=ignore_case, keep=keep)
            hit_doc, hit_count = doc_codes[rows], weights[rows]
            doc_uniques = pd.Index(doc_uniques.astype(str))
    if lengths is not None:  # some documents (or none): the words of every document, the hits placed among them
        every = pd.Index(lengths[id_column].astype(str))
        hit_doc = every.get_indexer(np.asarray(doc_uniques.astype(str), dtype=object)[hit_doc])
        if (hit_doc < 0).any():
            raise ValueError("a document with tokens has no row in lengths")
        doc_uniques = every
        doc_words = lengths["words" if drop_punctuation else "tokens"].to_numpy(dtype=np.int64)
    missing = doc_uniques.difference(docs.index)
    if len(missing):
        raise ValueError(f"{len(missing)} doc_id(s) in tokens are not in documents, e.g. {missing[0]!r}")
    split = [] if by is None else [by]
    doc_keys = pd.DataFrame({"period": _period_start(docs[date_column], code).reindex(doc_uniques).to_numpy()})
    if by is not None:
        doc_keys[by] = docs[by].reindex(doc_uniques).to_numpy()
    # words and documents per period (and split), over every document with tokens
    per_doc = doc_keys.assign(words=doc_words, documents=(doc_words > 0).astype(np.int64))
    base = per_doc.groupby(["period"] + split, dropna=False)[["words", "documents"]].sum()
    # the full calendar of periods, empty ones included
    dates = docs[date_column].dropna()
    if len(dates):
        calendar = pd.period_range(dates.min(), dates.max(), freq=code).start_time.astype("datetime64[ns]")
    else:
        calendar = pd.DatetimeIndex([], dtype="datetime64[ns]")
    if by is not None:
        full = pd.MultiIndex.from_product([calendar, pd.Index(docs[by].dropna().unique())], names=["period", by])
    else:
        full = pd.Index(calendar, name="period")
    base = base.reindex(full, fill_value=0)
    hits = doc_keys.iloc[hit_doc].reset_index(drop=True).assign(query=which, count=hit_count)
    frames = []
    for number, query in enumerate(queries):
        counted = hits[hits["query"] == number].groupby(["period"] + split, dropna=False)["count"].sum()
        frame = base.copy()
        frame["count"] = counted.reindex(full, fill_value=0).to_numpy()
        frame.insert(0, "term", query)
        frames.append(frame.reset_index())
    columns = ["period"] + split + ["term", "count", "words", "documents"]
    if not frames:
        return pd.DataFrame(columns=columns + ["per_10k"])
    out = pd.concat(frames, ignore_index=True)[columns]
    out["term"] = out["term"].astype(str)
    out = out.astype({"count": "int64", "words": "int64", "documents": "int64"})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_10k"] = np.where(out["words"] > 0, out["count"] / out["words"] * _PER, np.nan)
    return out
