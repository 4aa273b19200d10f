"""Boilerplate: paragraphs that recur across many articles (footers, notices, sidebars).

News pages carry furniture scraped with the article: a product footer on every Reuters page,
comment-section notices, newsletter prompts, sidebars of other stories. Counted as text they
inflate word counts and invent co-occurrences. :func:`find_boilerplate` lists the paragraphs that
recur in at least ``min_docs`` articles (of the whole corpus or of each source) for review;
:func:`locate_boilerplate` finds where they sit in each article.

The units and their comparison are exactly those of the sentence splitter, so that the list can
be handed to it unchanged: a unit is a paragraph as :func:`toolkit.text.split_paragraphs` defines
it (blank-line blocks, or each line in a document without blank lines, as in one-sentence-a-line
corpora), compared after :func:`toolkit.text.normalize_whitespace` (the one definition both sides
use). ``split_sentences(documents, boilerplate=set(table["text"]))`` then leaves those
paragraphs out of sentences and tokens, while ``documents.text`` stays as it was, so every offset
still holds.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .text import normalize_whitespace, split_paragraphs

__all__ = [
    "find_boilerplate",
    "locate_boilerplate",
    "boilerplate_texts",
    "count_words",
    "hash_paragraphs",
    "hash_paragraph_sets",
    "BOILERPLATE_COLUMNS",
    "OCCURRENCE_COLUMNS",
]

BOILERPLATE_COLUMNS = ["text", "n_docs", "n_words", "example"]
OCCURRENCE_COLUMNS = ["doc_id", "paragraph_id", "start", "end", "text"]

_WORD = re.compile(r"[^\W\d_]+")


def count_words(texts) -> np.ndarray:
    """Alphabetic words in each text (runs of letters), the unit of the hygiene word counts.

    >>> count_words(["Views expressed do not represent those of Reuters .", "2 men , 1 dog"]).tolist()
    [8, 2]
    """
    return np.fromiter((len(_WORD.findall(text)) for text in texts), dtype=np.int64, count=len(texts))


def hash_paragraphs(texts) -> np.ndarray:
    """64-bit hashes of whitespace-normalised paragraphs (stable across processes and runs).

    How annotate counts recurring paragraphs without holding their text: two paragraphs have the
    same hash when :func:`toolkit.text.normalize_whitespace` makes them equal (a different text
    shares a hash with probability about 2**-64 per pair).

    Parameters
    ----------
    texts : sequence of str
        Paragraphs.

    Returns
    -------
    numpy.ndarray of uint64
        One hash per paragraph, in order.

    Examples
    --------
    >>> a, b, c = hash_paragraphs(["Reply  now.", "Reply now.", "Reply later."])
    >>> bool(a == b), bool(a == c)
    (True, False)
    """
    normalised = np.array([normalize_whitespace(str(text)) for text in texts], dtype=object)
    if not len(normalised):
        return np.empty(0, dtype=np.uint64)
    return pd.util.hash_array(normalised, categorize=False)


def hash_paragraph_sets(texts) -> list:
    """The distinct paragraph hashes of each text, for many texts at once.

    ``[np.unique(hash_paragraphs(paragraphs of t)) for t in texts]`` (paragraphs as
    :func:`toolkit.text.split_paragraphs` cuts them), with one hash call for all paragraphs and
    whitespace normalised only in the paragraphs that need it (found with numpy).

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of numpy.ndarray of uint64
        One sorted array per text (empty for a text without paragraphs).

    Examples
    --------
    >>> a, b = hash_paragraph_sets(["Reply  now.\\nOil rose.\\nReply now.", ""])
    >>> len(a), len(b), bool(a[0] in hash_paragraphs(["Reply now.", "Oil rose."]))
    (2, 0, True)
    """
    from .text import _paragraph_spans, _whitespace_table

    texts = [str(text) for text in texts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    bases = (np.cumsum(lengths) - lengths).tolist()
    starts, ends, counts = [], [], []
    for text, base in zip(texts, bases):
        spans = _paragraph_spans(text)
        starts.extend(base + a for a, _ in spans)
        ends.extend(base + b for _, b in spans)
        counts.append(len(spans))
    if not starts:
        return [np.empty(0, dtype=np.uint64) for _ in texts]
    joined = "\n".join(texts)
    units = [joined[a:b] for a, b in zip(starts, ends)]
    # a trimmed paragraph is already normalised when its only whitespace is single spaces
    if joined.isascii():  # one byte a character
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        space = _whitespace_table()[:128][codes]
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        space = _whitespace_table()[np.minimum(codes, 0x3001)]
    odd = np.flatnonzero(space & ((codes != 32) | np.concatenate(([False], space[:-1]))))
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    for i in np.flatnonzero(np.searchsorted(odd, ends) > np.searchsorted(odd, starts)).tolist():
        units[i] = normalize_whitespace(units[i])
    hashes = pd.util.hash_array(np.array(units, dtype=object), categorize=False)
    owner = np.repeat(np.arange(len(texts)), counts)
    order = np.lexsort((hashes, owner))
    hashes, owner = hashes[order], owner[order]
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
    hashes, owner = hashes[first], owner[first]
    return np.split(hashes, np.searchsorted(owner, np.arange(1, len(texts))))


def boilerplate_texts(boilerplate) -> frozenset:
    """The normalised paragraph texts of a boilerplate table (its ``text`` column) or collection.

    >>> sorted(boilerplate_texts(["This discussion  is now closed .", "Reply"]))
    ['Reply', 'This discussion is now closed .']
    """
    if boilerplate is None:
        return frozenset()
    if isinstance(boilerplate, pd.DataFrame):
        boilerplate = boilerplate["text"]
    return frozenset(normalize_whitespace(str(text)) for text in boilerplate)


def _units(documents, id_column, text_column, by):
    """One row per paragraph with its normalised text, once per document."""
    paragraphs = split_paragraphs(documents, id_column=id_column, text_column=text_column)
    units = pd.DataFrame({
        "doc_id": paragraphs[id_column].to_numpy(),
        "text": [normalize_whitespace(text) for text in paragraphs["text"]],
    })
    if by is not None:
        groups = dict(zip(documents[id_column], documents[by]))
        units[by] = units["doc_id"].map(groups)
    return units.drop_duplicates(["doc_id", "text"])


def find_boilerplate(
    documents: pd.DataFrame,
    *,
    min_docs: int = 20,
    min_share: float = 0.0,
    by: str | None = None,
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """List the paragraphs that recur in many articles.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id and a text column (run it on the text the sentence
        splitter will see: after :func:`toolkit.restore_text` when that is on).
    min_docs : int
        A paragraph is boilerplate when it occurs in at least this many documents (of the corpus,
        or of its group with ``by``). The default, 20, keeps wire-agency background sentences
        that a few related stories share (real content) out of the list.
    min_share : float
        ... and in at least this share of the documents of its group (0 to 1; 0: no condition).
    by : str, optional
        A metadata column (``outlet``, ``source``): count within each group instead of the whole
        corpus; the result then has that column.
    id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per recurring paragraph (per group with ``by``), most frequent first:
        ``text`` (whitespace-normalised), ``n_docs`` (documents containing it), ``n_words``
        (alphabetic words in it, see :func:`count_words`), ``example`` (the first document id
        containing it), and the ``by`` column when given.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...     "text": ["Rebels advanced.\\nComments are closed.", "Talks failed.\\nComments  are closed.",
    ...              "Oil rose."]})
    >>> find_boilerplate(docs, min_docs=2).values.tolist()
    [['Comments are closed.', 2, 3, 'a']]
    """
    if by is not None and by not in documents.columns:
        raise KeyError(f"no column {by!r} in the documents table")
    if not len(documents):
        return _empty_table(by)
    units = _units(documents, id_column, text_column, by)
    keys = ["text"] if by is None else [by, "text"]
    counted = (units.groupby(keys, sort=False, dropna=False)
               .agg(n_docs=("doc_id", "size"), example=("doc_id", "first"))
               .reset_index())
    if by is None:
        group_size = np.full(len(counted), len(documents))
    else:
        sizes = documents.groupby(by, dropna=False).size()
        group_size = counted[by].map(sizes).to_numpy()
    keep = (counted["n_docs"] >= min_docs) & (counted["n_docs"] >= min_share * group_size)
    return _finish_table(counted[keep].copy(), by)


def _empty_table(by=None) -> pd.DataFrame:
    columns = BOILERPLATE_COLUMNS + ([by] if by is not None else [])
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("n_docs", "n_words") else str) for c in columns})


def _finish_table(table: pd.DataFrame, by=None) -> pd.DataFrame:
    """The boilerplate table from its selected rows (``text``, ``n_docs``, ``example``, ``by``):
    word counts, most frequent first, the documented columns."""
    columns = BOILERPLATE_COLUMNS + ([by] if by is not None else [])
    table["n_words"] = count_words(table["text"].tolist())
    table = table.sort_values(["n_docs", "text"], ascending=[False, True], kind="stable")
    table["n_docs"] = table["n_docs"].astype("int64")
    return table[columns].reset_index(drop=True)


def locate_boilerplate(
    documents: pd.DataFrame,
    boilerplate,
    *,
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Find where boilerplate paragraphs sit in each document.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id and a text column.
    boilerplate : pandas.DataFrame or collection of str
        A :func:`find_boilerplate` table (its ``text`` column) or whitespace-normalised texts.
        Matching is corpus-wide, as in :func:`toolkit.split_sentences`, even for a table made
        with ``by``.
    id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per boilerplate paragraph in a document: ``doc_id``, ``paragraph_id`` (as in
        :func:`toolkit.split_paragraphs`), ``start``, ``end`` (offsets into the document's text),
        ``text`` (as written in the document).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Rebels advanced.\\nComments are closed."]})
    >>> locate_boilerplate(docs, ["Comments are closed."]).values.tolist()
    [['a', 1, 17, 37, 'Comments are closed.']]
    """
    skip = boilerplate_texts(boilerplate)
    paragraphs = split_paragraphs(documents, id_column=id_column, text_column=text_column)
    if not skip or not len(paragraphs):
        return paragraphs.iloc[0:0].rename(columns={id_column: "doc_id"})[OCCURRENCE_COLUMNS].reset_index(drop=True)
    hit = np.fromiter((normalize_whitespace(text) in skip for text in paragraphs["text"]),
                      dtype=bool, count=len(paragraphs))
    found = paragraphs[hit].rename(columns={id_column: "doc_id"})
    return found[OCCURRENCE_COLUMNS].reset_index(drop=True)
