"""Corpus hygiene summary: what detokenising, boilerplate and near-duplicate removal found and changed.

One small table for the corpus overview notebook and for report stamps, so that a reader sees how
much of the corpus the cleaning touched: documents restored from pre-tokenised text, words left
out as boilerplate, articles merged as near-duplicates.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from .boilerplate import boilerplate_texts, count_words

# the characters of str.isspace(): the same whitespace in Arrow's (RE2) patterns as in str.split()
_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
           "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES) + "]"
# a paragraph whose whitespace is not already single spaces (only those are normalised)
_UNEVEN = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACES if c != " ") + "]| {2}"


@functools.lru_cache(maxsize=1)
def _letter_table() -> np.ndarray:
    """For each code point, whether count_words's pattern [^\\W\\d_] matches it (isalnum, not a decimal)."""
    return np.fromiter((chr(c).isalnum() and not chr(c).isdecimal() for c in range(0x110000)), dtype=bool,
                       count=0x110000)


def _count_letters(texts, *, batch: int = 2000) -> np.ndarray:
    """count_words of each text (runs of letters), counted on code points with numpy, batch by batch."""
    from concurrent.futures import ThreadPoolExecutor

    table = _letter_table()

    def count(chunk):
        joined = "\x00".join(chunk)  # a separator that is not a letter: runs never span texts
        letter = table[np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
        first = letter.copy()
        first[1:] &= ~letter[:-1]  # the first letter of each run
        seen = np.concatenate([[0], np.cumsum(first, dtype=np.int64)])
        ends = np.cumsum(np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk)) + 1) - 1
        starts = ends - np.fromiter(map(len, chunk), dtype=np.int64, count=len(chunk))
        return seen[ends] - seen[starts]

    texts = list(texts)
    chunks = [texts[i:i + batch] for i in range(0, len(texts), batch)]
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    with ThreadPoolExecutor(2) as pool:
        return np.concatenate(list(pool.map(count, chunks))).astype(np.int64)


def _boilerplate_paragraphs(texts, skip: frozenset):
    """(document number, paragraph text) of each paragraph that is boilerplate, as
    :func:`toolkit.locate_boilerplate` finds them (paragraphs as :func:`toolkit.split_paragraphs`
    cuts them, compared after whitespace normalisation), computed with Arrow's string kernels."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(texts, type=pa.large_string())
    blank = pc.match_substring_regex(array, r"\n[ \t\f\v]*\n").to_numpy(zero_copy_only=False)
    rows, found = [], []
    skip_set = pa.array(sorted(skip), type=pa.large_string())
    for mask, split in ((blank, lambda a: pc.split_pattern_regex(a, r"\n[ \t\f\v]*\n")),
                        (~blank, lambda a: pc.split_pattern(a, "\n"))):
        index = np.flatnonzero(mask)
        if not len(index):
            continue
        parts = split(array.take(pa.array(index)))
        parent = index[pc.list_parent_indices(parts).to_numpy()]
        paragraphs = pc.utf8_trim(pc.list_flatten(parts), characters=_SPACES)
        hit = pc.is_in(paragraphs, value_set=skip_set).to_numpy(zero_copy_only=False)
        uneven = np.flatnonzero(pc.match_substring_regex(paragraphs, _UNEVEN).to_numpy(zero_copy_only=False))
        if len(uneven):  # whitespace normalised where it is not single spaces already
            normal = pc.replace_substring_regex(paragraphs.take(pa.array(uneven)), _SPACE_CLASS + "+", " ")
            hit[uneven] = pc.is_in(normal, value_set=skip_set).to_numpy(zero_copy_only=False)
        hit &= pc.utf8_length(paragraphs).to_numpy(zero_copy_only=False) > 0
        rows.append(parent[hit])
        found.extend(paragraphs.filter(pa.array(hit)).to_pylist())
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    return rows, found

__all__ = ["summarize_hygiene", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["step", "measure", "value", "share"]


def summarize_hygiene(
    documents: pd.DataFrame,
    *,
    boilerplate=None,
    duplicates: pd.DataFrame | None = None,
    keep: str | None = "first",
    flag_column: str = "detokenized",
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Summarize what corpus hygiene found and what it changed.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, as analysed: after :func:`toolkit.restore_text` when that is on
        (its ``detokenized`` flag column is then counted). Instead of the ``text`` column it may
        hold the counts of :func:`toolkit.read_text_counts` (``chars``, ``text_words``,
        ``boilerplate_paragraphs``, ``boilerplate_words``, counted once per article from an
        annotation cache with its boilerplate list): the same summary without the texts.
    boilerplate : pandas.DataFrame or collection of str, optional
        The boilerplate table of :func:`toolkit.find_boilerplate` (or its texts).
    duplicates : pandas.DataFrame, optional
        The table of :func:`toolkit.find_duplicates`.
    keep : {"first", "longest"} or None
        How analyses keep one article per cluster (see :func:`toolkit.drop_near_duplicates`);
        ``None``: duplicates are kept in analyses (only found, not merged).
    flag_column, id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``step`` (``corpus``, ``detokenize``, ``boilerplate``,
        ``duplicates``), ``measure``, ``value`` (a count), ``share`` (of the corpus's documents or
        words, as the measure says; missing where no share applies). Words are alphabetic words
        (:func:`toolkit.count_words`). Steps that were not run are left out.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "detokenized": [True, False],
    ...                      "text": ["Rebels advanced.\\nComments are closed.", "Talks failed."]})
    >>> summary = summarize_hygiene(docs, boilerplate=["Comments are closed."]).round(3)
    >>> summary[summary["step"] != "corpus"].values.tolist()    # words: 5 + 2 = 7; removed 3/7
    [['detokenize', 'documents restored', 1, 0.5], ['boilerplate', 'boilerplate paragraphs', 1, nan], ['boilerplate', 'documents with boilerplate', 1, 0.5], ['boilerplate', 'words removed', 3, 0.429]]
    """
    n_docs = len(documents)
    counted = text_column not in documents.columns and "text_words" in documents.columns
    texts = None if counted else documents[text_column].tolist()
    words = documents["text_words"].to_numpy(dtype=np.int64) if counted else _count_letters(texts)
    n_words = int(words.sum())
    rows = [("corpus", "documents", n_docs, np.nan), ("corpus", "words", n_words, np.nan)]

    def share(part, whole):
        return part / whole if whole else np.nan

    if flag_column in documents.columns:
        restored = int(documents[flag_column].sum())
        rows.append(("detokenize", "documents restored", restored, share(restored, n_docs)))
    if boilerplate is not None:
        skip = boilerplate_texts(boilerplate)
        if counted:  # counted once per document (toolkit.read_text_counts), with the cache's list
            removed = int(documents["boilerplate_words"].sum()) if skip else 0
            touched = int((documents["boilerplate_paragraphs"] > 0).sum()) if skip else 0
        else:
            at, found = _boilerplate_paragraphs(texts, skip) if skip else (np.zeros(0, dtype=np.int64), [])
            removed = int(count_words(found).sum())
            touched = len(set(documents[id_column].to_numpy()[at].tolist()))
        rows += [
            ("boilerplate", "boilerplate paragraphs", len(skip), np.nan),
            ("boilerplate", "documents with boilerplate", touched, share(touched, n_docs)),
            ("boilerplate", "words removed", removed, share(removed, n_words)),
        ]
    if duplicates is not None:
        in_clusters = duplicates[id_column].nunique()
        rows += [
            ("duplicates", "clusters", duplicates["cluster"].nunique(), np.nan),
            ("duplicates", "documents in clusters", in_clusters, share(in_clusters, n_docs)),
        ]
        if keep is not None:
            from .duplicates import _dropped_ids

            if keep not in ("first", "longest"):
                raise ValueError("keep must be 'first' or 'longest'")
            chars = documents["chars"] if counted else documents[text_column].str.len()
            lengths = dict(zip(documents[id_column], chars)) if keep == "longest" else {}
            gone = _dropped_ids(duplicates, lengths, keep=keep, id_column=id_column) if len(duplicates) else set()
            dropped = documents[id_column].isin(gone).to_numpy()
            merged, merged_words = int(dropped.sum()), int(words[dropped].sum())
            rows += [
                ("duplicates", f"documents merged (keep {keep})", merged, share(merged, n_docs)),
                ("duplicates", "words in merged documents", merged_words, share(merged_words, n_words)),
            ]
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    table["value"] = table["value"].astype("int64")
    table["share"] = table["share"].astype("float64")
    return table
