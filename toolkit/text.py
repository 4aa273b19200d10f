"""Text segmentation: paragraphs, sentences and tokens of news articles, offline.

Rules (the README repeats them):

* **Paragraphs** are blocks separated by blank lines. In a document without any blank line each
  line is a paragraph (exports and tokenised corpora often keep one sentence or paragraph a line).
* **Sentences** never cross a paragraph. A sentence ends at ``.``, ``!``, ``?`` or ``...``
  (with any closing quotes or brackets) followed by whitespace and an upper-case letter, a digit
  or an opening quote. Titles and other abbreviations that precede a name or a number (``Mr.``,
  ``Gen.``, ``Lt. Col.``, ``Jan.``, ``No. 5``) and single initials (``George W. Bush``) never end
  a sentence; dotted abbreviations that can end one (``U.S.``, ``U.N.``, ``a.m.``, ``Inc.``) end
  it only when a common sentence opener follows (``... in the U.S. The ...``). The lists are
  data: ``toolkit/data/abbreviations_en.txt``.
* **Tokens** are words (letters and digits, with inner hyphens and apostrophes: ``Turkish-backed``,
  ``don't``), dotted abbreviations (``U.S.``), numbers (``1,000``, ``3.5``, ``12:30``) and single
  punctuation characters. A possessive or clitic ``'s`` / ``’s`` is a token of its own.
  ``norm`` is the lowercase form, or its lemma (simplemma) when lemmatisation is on.

Offsets (``start``, ``end``) index into the document's ``text``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError

__all__ = [
    "TextSettings",
    "split_paragraphs",
    "split_sentences",
    "tokenize",
    "load_stopwords",
    "normalize_whitespace",
    "SENTENCE_COLUMNS",
    "TOKEN_COLUMNS",
]

SENTENCE_COLUMNS = ["doc_id", "sent_id", "paragraph_id", "start", "end", "text"]
TOKEN_COLUMNS = ["doc_id", "sent_id", "position", "token", "norm", "is_stop", "is_punct", "start", "end"]


@dataclass(frozen=True)
class TextSettings:
    """Settings of the text pipeline, recorded with every annotation cache and report.

    Parameters
    ----------
    stopwords : str or None
        ``"english"`` (the list shipped in ``toolkit/data/stopwords_en.txt``), ``"nltk"`` (NLTK's
        English list, only if the user has ``nltk_data``), a path to a file with one word per line,
        or ``None`` for no stop list. Stopwords are flagged (``is_stop``), never removed.
    lemmatize : bool
        ``norm`` holds the lemma (simplemma, English) instead of the lowercase form.
    language : str
        Language code for lemmatisation.
    """

    stopwords: str | None = "english"
    lemmatize: bool = False
    language: str = "en"

    def fingerprint(self) -> str:
        """A short hash of the settings and of the stop list's content (the cache key part)."""
        words = "\n".join(sorted(load_stopwords(self.stopwords)))
        payload = repr((sorted(asdict(self).items()), words, _RULES_VERSION))
        return hashlib.sha1(payload.encode()).hexdigest()[:16]


_RULES_VERSION = "text-2"  # bump when the splitting or tokenising rules change


def _data_lines(name: str) -> list[str]:
    text = resources.files("toolkit").joinpath("data", name).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=8)
def load_stopwords(stopwords: str | None = "english") -> frozenset:
    """The stop list as a set of lowercase words.

    Parameters
    ----------
    stopwords : str or None
        ``"english"``, ``"nltk"``, a file path (one word per line, ``#`` comments), or ``None``.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> "the" in load_stopwords("english")
    True
    """
    if stopwords is None:
        return frozenset()
    if stopwords == "english":
        return frozenset(_data_lines("stopwords_en.txt"))
    if stopwords == "nltk":
        try:
            from nltk.corpus import stopwords as nltk_stopwords

            return frozenset(nltk_stopwords.words("english"))
        except LookupError:
            raise ToolkitError(None, "stopwords='nltk' needs NLTK's stopwords data (nltk_data), which "
                               "is not installed here; use stopwords='english' (shipped)") from None
    path = Path(stopwords)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ToolkitError(path, f"cannot read the stop list: {err}") from None
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.lstrip().startswith("#"))


@functools.lru_cache(maxsize=1)
def _abbreviations():
    title, maybe, section = set(), set(), None
    for line in _data_lines("abbreviations_en.txt"):
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "title":
            title.add(line)
        else:
            maybe.add(line)
    return frozenset(title), frozenset(maybe)


_OPENERS = frozenset("""A An The This That These Those There Then Thus He She It They We I You His Her
Its Their Our My Your But And Or So Yet Nor In On At As After Before During Since While When Where
If Although Though However Meanwhile Now Still Some Many Most Other Others Both Each Every No Not
One Two Three Several Such What Who Which Why How Officials Earlier Later Last Next
Also Instead Under Over From For With Without By To Among""".split())

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
_LINE = re.compile(r"\S(?:[^\n]*\S)?")  # a line without its leading and trailing whitespace
# A sentence-final mark: ``...``, ``…`` or a run of ``.!?`` (tried in that order), closing quotes
# or brackets, whitespace, then (looked at, not taken) opening quotes and the next character. The
# mark is written as its first character, then what may follow it, so that the pattern starts
# with a character set and the regex engine skips to candidates quickly (a leading group of
# alternatives makes it try every position: twice as slow); the matches are the same as those of
# (\.\.\.|…|[.!?]+)(["'”’»)\]]*)\s+(?=["'“‘«(\[]*(\S)).
_BOUNDARY = re.compile(r"""([.!?…](?:(?<=\.)\.\.|(?<=[.!?])[.!?]*|(?<=…)))(["'”’»)\]]*)\s+(?=["'“‘«(\[]*(\S))""")
_OPENING_QUOTES = "\"'“‘«(["
_FOLLOWING_WORD = re.compile(r"""["'“‘«(\[]*([\w']+)""")
_INITIAL = re.compile(r"[A-Z]\Z")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends (how lines are compared).

    >>> normalize_whitespace("  This discussion\\tis now  closed .\\n")
    'This discussion is now closed .'
    """
    return " ".join(text.split())


def _normalized_lengths(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``len(normalize_whitespace(text[a:b]))`` for each trimmed span ``(a, b)``: its length, less
    its whitespace characters, plus one for each run of them (counted with numpy)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    space = np.flatnonzero(_whitespace_table()[np.minimum(codes, 0x3001)])
    runs = space[np.concatenate(([True], np.diff(space) > 1))] if len(space) else space
    n_space = np.searchsorted(space, ends) - np.searchsorted(space, starts)
    n_runs = np.searchsorted(runs, ends) - np.searchsorted(runs, starts)
    return (ends - starts) - n_space + n_runs


def _paragraph_spans(text: str):
    """(start, end) of each non-empty paragraph, whitespace-trimmed."""
    if not _BLANK_LINE.search(text):  # each line a paragraph: its first to its last non-space
        return [match.span() for match in _LINE.finditer(text)]
    spans, pos = [], 0
    for match in _BLANK_LINE.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        lead = len(chunk) - len(chunk.lstrip())
        out.append((start + lead, start + lead + len(stripped)))
    return out


def _previous_word(text: str, start: int, end: int) -> str:
    r"""The word ending at ``end`` (after ``start``): the last run of non-space characters before
    ``end``, from after its last opening quote or bracket; empty when whitespace comes right before
    ``end``. (As the regex ``["'“‘«(\[]*([^\s"'“‘«(\[]*)\Z`` searched in ``text[start:end]``.)"""
    if end <= start or text[end - 1].isspace():
        return ""
    width = 64  # look back in growing windows: a long paragraph is not copied for each mark
    while True:
        lo = max(start, end - width)
        parts = text[lo:end].rsplit(None, 1)
        if len(parts) == 2 or lo == start:
            break
        width *= 4
    run = parts[-1]
    cut = max(run.rfind(q) for q in _OPENING_QUOTES)
    return run[cut + 1:]


def _is_boundary(text: str, pstart: int, match, titles, maybes) -> bool:
    """Whether a :data:`_BOUNDARY` match in the paragraph starting at ``pstart`` ends a sentence."""
    punct = match.group(1)
    nxt = match.group(3)
    if not (nxt.isupper() or nxt.isdigit()):
        return False
    if punct != "." or match.group(2):
        return True
    word = _previous_word(text, pstart, match.start(1))
    if not word:
        return True
    if word in titles:
        return False
    if _INITIAL.match(word):
        return False
    if word in maybes or word.lower() in maybes:
        following = _FOLLOWING_WORD.match(text, match.end())
        return bool(following and following.group(1) in _OPENERS)
    return True


def split_paragraphs(documents: pd.DataFrame, *, id_column: str = "doc_id", text_column: str = "text") -> pd.DataFrame:
    """Split documents into paragraphs.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id and a text column.
    id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per paragraph: ``doc_id``, ``paragraph_id`` (0-based within the document),
        ``start``, ``end`` (offsets into the text), ``text``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["One.\\n\\nTwo."]})
    >>> split_paragraphs(docs)[["paragraph_id", "start", "end", "text"]].values.tolist()
    [[0, 0, 4, 'One.'], [1, 6, 10, 'Two.']]
    """
    rows = []
    for doc_id, text in zip(documents[id_column], documents[text_column]):
        for pid, (start, end) in enumerate(_paragraph_spans(text)):
            rows.append((doc_id, pid, start, end, text[start:end]))
    return _frame(rows, ["doc_id", "paragraph_id", "start", "end", "text"], id_column)


def _frame(rows, columns, id_column="doc_id"):
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column in ("sent_id", "paragraph_id", "position", "start", "end"):
            frame[column] = frame[column].astype("int64")
        elif column in ("doc_id", "text", "token", "norm"):
            frame[column] = frame[column].astype(str)
    if id_column != "doc_id":
        frame = frame.rename(columns={"doc_id": id_column})
    return frame


def split_sentences(
    documents: pd.DataFrame,
    *,
    id_column: str = "doc_id",
    text_column: str = "text",
    boilerplate=None,
) -> pd.DataFrame:
    """Split documents into sentences, within paragraphs (see the module's rules).

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id and a text column.
    id_column, text_column : str
        Column names.
    boilerplate : collection of str, optional
        Whitespace-normalised lines or paragraphs (see :func:`normalize_whitespace`) to leave out:
        a paragraph whose normalised text is in it yields no sentences (its ``paragraph_id`` is
        still counted, so ids do not shift when the list changes).

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``doc_id``, ``sent_id`` (0-based within the document),
        ``paragraph_id``, ``start``, ``end`` (offsets into the document's text), ``text``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Mr. Smith met Gen. Lee. They talked."]})
    >>> split_sentences(docs)["text"].tolist()
    ['Mr. Smith met Gen. Lee.', 'They talked.']
    """
    skip = frozenset(boilerplate) if boilerplate is not None else frozenset()
    titles, maybes = _abbreviations()
    ids = documents[id_column].to_numpy(dtype=object)
    texts = documents[text_column].tolist()
    # All documents joined (one newline apart), paragraphs and boundaries in joined offsets.
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    doc_starts = np.cumsum(lengths) - lengths
    joined = "\n".join(texts)
    p_start, p_end, p_doc, p_id = [], [], [], []
    for doc, (text, base) in enumerate(zip(texts, doc_starts.tolist())):
        spans = _paragraph_spans(text)
        p_start.extend(base + a for a, _ in spans)
        p_end.extend(base + b for _, b in spans)
        p_doc.extend([doc] * len(spans))
        p_id.extend(range(len(spans)))
    p_start, p_end = np.asarray(p_start, dtype=np.int64), np.asarray(p_end, dtype=np.int64)
    p_doc, p_id = np.asarray(p_doc, dtype=np.int64), np.asarray(p_id, dtype=np.int64)
    kept = np.ones(len(p_start), dtype=bool)
    if skip and len(p_start):
        # only paragraphs as long as a boilerplate text once normalised can be one
        ask = np.flatnonzero(np.isin(_normalized_lengths(joined, p_start, p_end), list({len(t) for t in skip})))
        kept[ask] = np.fromiter((normalize_whitespace(joined[a:b]) not in skip
                                 for a, b in zip(p_start[ask].tolist(), p_end[ask].tolist())), dtype=bool, count=len(ask))
    # One pass of the boundary pattern over all the text. A match inside a paragraph is the
    # match the paragraph alone gives (paragraphs are trimmed and separated by whitespace only);
    # one that runs past a paragraph's end is not one of the paragraph's (it ends where the next
    # paragraph starts, where the paragraph alone would be scanned from).
    matches = list(_BOUNDARY.finditer(joined))
    m_start = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    m_end = np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches))
    m_para = np.searchsorted(p_start, m_start, side="right") - 1
    cut_end, next_start = [], []
    for i in np.flatnonzero((m_end < p_end[m_para]) & kept[m_para]).tolist():
        match = matches[i]
        if _is_boundary(joined, int(p_start[m_para[i]]), match, titles, maybes):
            cut_end.append(match.end(2))
            next_start.append(match.end())
    # Sentences: each kept paragraph cut at its boundaries. Every piece starts and ends with a
    # non-space character (a trimmed paragraph's ends, the mark before a cut, the character the
    # boundary looked at after one), so none is empty or needs trimming.
    starts = np.sort(np.concatenate([p_start[kept], np.asarray(next_start, dtype=np.int64)]))
    ends = np.sort(np.concatenate([p_end[kept], np.asarray(cut_end, dtype=np.int64)]))
    para = np.searchsorted(p_start, starts, side="right") - 1
    doc = p_doc[para]
    first = np.searchsorted(doc, np.arange(len(texts)))  # sentences are in document order
    base = doc_starts[doc]
    frame = pd.DataFrame({
        "doc_id": pd.array(ids[doc], dtype=str),
        "sent_id": np.arange(len(starts), dtype=np.int64) - first[doc],
        "paragraph_id": p_id[para],
        "start": starts - base,
        "end": ends - base,
        "text": pd.array([joined[a:b] for a, b in zip(starts.tolist(), ends.tolist())], dtype=str),
    })
    if id_column != "doc_id":
        frame = frame.rename(columns={"doc_id": id_column})
    return frame


_TOKEN = re.compile(
    r"""(?:[^\W\d_]\.){2,}(?![^\W\d_])      # dotted abbreviations: U.S. e.g.
      | (?>\d+(?:[.,:/]\d+)*%?)(?![-‐–][^\W\d_])  # numbers: 1,000 3.5 12:30 50% (not 48-hour)
      | [^\W_]+(?:(?:[-‐–]|['’](?![sS]\b))[^\W_]+)*  # words, inner hyphens and apostrophes
      | ['’][sS]\b                         # possessive or clitic 's, a token of its own
      | \S                                  # any other character: punctuation, symbols
    """,
    re.VERBOSE,
)
_PUNCT = re.compile(r"^[^\w]+$")


@functools.lru_cache(maxsize=500_000)
def _lemma(word: str, language: str) -> str:
    import simplemma

    return simplemma.lemmatize(word, lang=language).lower()


_SPLIT = re.compile("(" + _TOKEN.pattern + ")", re.VERBOSE)


@functools.lru_cache(maxsize=1)
def _whitespace_table() -> np.ndarray:
    """Which code points below U+3001 are whitespace (``str.isspace``, the same as regex ``\\s``)."""
    return np.array([chr(c).isspace() for c in range(0x3001)] + [False], dtype=bool)


def _runs(joined: str, table: np.ndarray, beyond=None):
    """The runs of characters of ``joined`` that ``table`` marks: ``(starts, ends, runs)``, their
    offsets in characters and the runs themselves as an Arrow string array, without a Python string
    per run (the code points are classified with numpy; the runs' UTF-8 bytes and offsets are
    handed to Arrow).

    ``table[c]`` says whether code point ``c`` belongs to a run (at least 128 entries; the last one
    stands for every code point from there on), unless ``beyond`` is given: a function of one
    character, asked once for each distinct one at or past the last entry. A space (32) never
    belongs to a run. A lone surrogate in a run raises ``UnicodeError``.
    """
    import pyarrow as pa

    if joined.isascii():  # one byte a character: offsets in bytes are offsets in characters
        data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        inside = table[:128][data]
        starts, ends = _edges(inside)
        byte_starts, byte_ends = starts, ends
    else:
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        inside = table[np.minimum(codes, len(table) - 1)]
        if beyond is not None:
            high = np.flatnonzero(codes >= len(table) - 1)
            if len(high):  # (CJK, ...): each distinct code point asked once
                distinct, inverse = np.unique(codes[high], return_inverse=True)
                inside[high] = np.array([beyond(chr(c)) for c in distinct.tolist()], dtype=bool)[inverse]
        starts, ends = _edges(inside)
        # every other character becomes one space byte, which no character of a run contains in UTF-8
        data = np.frombuffer(np.where(inside, codes, np.uint32(32)).tobytes().decode("utf-32-le").encode("utf-8"),
                             dtype=np.uint8)
        inside = data != 32
        byte_starts, byte_ends = _edges(inside)
    offsets = np.concatenate(([0], np.cumsum(byte_ends - byte_starts))).astype(np.int64)
    runs = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(data[inside].tobytes()))
    return starts, ends, runs


def _edges(inside: np.ndarray):
    """(start, end) of each run of ``True`` in a boolean array, as two arrays."""
    edges = np.flatnonzero(np.diff(np.concatenate(([False], inside, [False])).view(np.int8)))
    return edges[0::2], edges[1::2]


_LAST_CHUNKS: list = []  # [(joined, result)]: the tokenizer and VADER chunk the same sentences of a batch


def _chunks(joined: str):
    """The runs of non-whitespace characters of ``joined``: ``(starts, ends, codes, distinct)``,
    ``codes`` indexing the distinct runs in order of first appearance (``distinct``, an object
    array), like ``_factorize_strings(joined.split())`` (see :func:`_runs`).

    The last result is kept (callers only read it): annotate's tokenizer and VADER scorer both
    chunk a batch's sentences, the second time for the price of comparing two strings.
    """
    if _LAST_CHUNKS and _LAST_CHUNKS[0][0] == joined:
        return _LAST_CHUNKS[0][1]
    starts, ends, chunks = _runs(joined, ~_whitespace_table())
    result = (starts, ends) + _dictionary(chunks)
    for array in result:
        array.flags.writeable = False
    _LAST_CHUNKS[:] = [(joined, result)]
    return result


def _dictionary(strings) -> tuple:
    """(codes, distinct values as an object array) of an Arrow string array, in order of first appearance."""
    encoded = strings.dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return codes, np.array(encoded.dictionary.to_pylist(), dtype=object)


def _split_tokens(texts, offsets):
    """Tokens of many strings at once, as arrays.

    Returns ``(which, token_codes, token_uniques, starts, ends)``: the index of the string each
    token comes from, its code into the distinct token strings, and its offsets (``offsets[i]``
    plus the position in string ``i``).

    A token never contains whitespace and the token pattern looks at most one character ahead
    (where whitespace and the end of a string behave alike), so a text's tokens are the tokens of
    its whitespace-separated chunks. Each distinct chunk is tokenised once with the regular
    expression; the occurrences are then expanded with numpy.
    """
    joined = "\n".join(texts)
    chunk_start, chunk_end, codes, uniques = _chunks(joined)
    # tokenise each distinct chunk once: one regular-expression pass over them all, joined
    # (as in the texts, a newline between two chunks separates their tokens)
    lengths_u = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques)) + 1
    chunk_start_u = np.cumsum(lengths_u) - lengths_u
    parts = _SPLIT.split("\n".join(uniques))
    part_len = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    tok_text = parts[1::2]
    tok_len = part_len[1::2]
    tok_start = np.cumsum(part_len)[1::2] - tok_len
    owner = np.searchsorted(chunk_start_u, tok_start, side="right") - 1
    n_tok = np.bincount(owner, minlength=len(uniques)).astype(np.int64)
    rel_start = tok_start - chunk_start_u[owner]
    tok_codes_u, tok_uniques = _factorize_strings(tok_text)
    # which string each chunk falls in: strings start at cumulative length + one separator each
    text_lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    text_starts = np.cumsum(text_lengths) - text_lengths
    which_c = np.searchsorted(text_starts, chunk_start, side="right") - 1
    start_c = chunk_start + (np.asarray(offsets, dtype=np.int64)[which_c] - text_starts[which_c])
    # expand: every occurrence of a chunk gets its chunk's tokens
    per_chunk = n_tok[codes]
    n = int(per_chunk.sum())
    source = np.arange(n) + np.repeat(np.cumsum(n_tok)[codes] - np.cumsum(per_chunk), per_chunk)
    starts = np.repeat(start_c, per_chunk) + rel_start[source]
    return np.repeat(which_c, per_chunk), tok_codes_u[source], tok_uniques, starts, starts + tok_len[source]


def _factorize_strings(values: list):
    """(codes, distinct values) of a list of strings, in order of first appearance (via Arrow)."""
    import pyarrow as pa

    return _dictionary(pa.array(values, type=pa.large_string()))


def _encoded_column(uniques, codes):
    """An Arrow dictionary array (int32 codes into ``uniques``, large strings): a text column
    without a string per row."""
    import pyarrow as pa

    values = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)), values)


def _str_column(column) -> pd.api.extensions.ExtensionArray:
    """A ``str`` column from a chunked Arrow dictionary array (an Arrow ``take``, no Python loop)."""
    import pyarrow as pa

    chunks = [chunk.dictionary.take(chunk.indices) for chunk in column.chunks]
    return pd.array(pa.chunked_array(chunks, type=pa.large_string()), dtype=str)


def tokenize(
    sentences: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    settings: TextSettings | None = None,
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Split sentences into tokens with offsets, a normalised form and flags.

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence, as returned by :func:`split_sentences`.
    documents : pandas.DataFrame, optional
        The documents the sentences come from. Not needed: sentence texts and offsets suffice.
    settings : TextSettings, optional
        Stop list and lemmatisation; the defaults when omitted.
    id_column, text_column : str
        Column names in ``sentences``.

    Returns
    -------
    pandas.DataFrame
        One row per token: ``doc_id``, ``sent_id``, ``position`` (0-based within the document),
        ``token`` (surface form), ``norm`` (lowercase or lemma), ``is_stop``, ``is_punct``,
        ``start``, ``end`` (offsets into the document's text).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a"], "text": ["Turkey's army moved."]})
    >>> tokenize(split_sentences(docs))["token"].tolist()
    ['Turkey', "'s", 'army', 'moved', '.']
    """
    table = _token_table(sentences, settings=settings, id_column=id_column, text_column=text_column)
    return pd.DataFrame({name: _str_column(column) if name in (id_column, "token", "norm") else column.to_numpy()
                         for name, column in zip(table.column_names, table.columns)})


def _token_table(sentences: pd.DataFrame, *, settings: TextSettings | None = None, id_column: str = "doc_id",
                 text_column: str = "text"):
    """:func:`tokenize`'s table as an Arrow table whose three text columns are dictionary arrays
    (each distinct id, token and norm stored once): how the annotation cache writes it, without
    the 2.8 M strings per column of timeline17 that the DataFrame holds."""
    import pyarrow as pa

    settings = settings or TextSettings()
    texts = sentences[text_column].tolist()
    which, codes, uniques, starts, ends = _split_tokens(texts, sentences["start"].to_numpy())
    doc_codes, doc_uniques = pd.factorize(sentences[id_column].to_numpy(dtype=object), use_na_sentinel=False)
    token_doc = doc_codes[which]
    # position: 0-based within the document (tokens arrive in document order)
    if len(token_doc) and (np.diff(token_doc) >= 0).all():  # each document's tokens together
        first = np.searchsorted(token_doc, np.arange(len(doc_uniques)))
        position = np.arange(len(token_doc), dtype="int64") - first[token_doc]
    else:
        position = pd.Series(token_doc).groupby(token_doc, sort=False).cumcount().to_numpy(dtype="int64")
    # norm, stop and punctuation flags: computed once per distinct token, then spread
    distinct = pd.Series(pd.array(np.asarray(uniques, dtype=object), dtype=str))
    lower = distinct.str.lower()
    if settings.lemmatize:
        lemmas = {w: _lemma(w, settings.language) for w in pd.unique(lower)}
        norm = lower.map(lemmas).astype(str)
    else:
        norm = lower
    norm_codes, norm_uniques = pd.factorize(norm.to_numpy(dtype=object), use_na_sentinel=False)
    stop = load_stopwords(settings.stopwords)
    is_stop = lower.isin(stop).to_numpy(dtype=bool) if stop else np.zeros(len(distinct), bool)
    is_punct = distinct.str.match(r"^[^\w]+$").to_numpy(dtype=bool)
    return pa.table({
        id_column: _encoded_column(doc_uniques, token_doc),
        "sent_id": sentences["sent_id"].to_numpy(dtype="int64")[which],
        "position": position,
        "token": _encoded_column(uniques, codes),
        "norm": _encoded_column(norm_uniques, norm_codes[codes]),
        "is_stop": is_stop[codes],
        "is_punct": is_punct[codes],
        "start": np.asarray(starts, dtype="int64"),
        "end": np.asarray(ends, dtype="int64"),
    })
