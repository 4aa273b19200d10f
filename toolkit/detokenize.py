"""Pre-tokenised text: detecting Penn Treebank tokenisation and restoring ordinary text.

Research datasets often ship text that was tokenised before it reached us (Timeline17 does):
``Assad 's forces`` for *Assad's forces*, ``do n't`` for *don't*, ``-LRB- Reuters -RRB-`` for
*(Reuters)*, ````` `` ````` and ``''`` for double quotes, a space before every comma and full stop,
and ``\\/`` / ``\\*`` for slashes and asterisks (Stanford PTBTokenizer escapes). Word counts,
sentence splitting and sentiment lexicons all expect ordinary text, so :func:`restore_text` undoes
this, one document at a time.

Detection (per document, from fast literal counts; see :func:`detect_pretokenized`): a document
is pre-tokenised when it shows at least ``min_signals`` Treebank signals (*markers*: bracket
tokens ``-LRB-`` ... ``-RCB-``, ````` `` `````, `` ''``, backslash escapes; *spaced*: `` ,``,
`` ?``, `` .``, `` n't``, `` 's`` with a space before) **and** its spaced commas, question marks and
clitics are at least as many as *attached* ones (``word,`` ``why?`` ``don't`` ``Syria's``). Ordinary text with a stray
``Assad 's`` or typewriter quotes therefore stays untouched, byte for byte.

Restoration rules, applied in this order to a pre-tokenised document only:

1. ``\\/`` -> ``/`` and ``\\*`` -> ``*``; ``-LRB- -RRB- -LSB- -RSB- -LCB- -RCB-`` -> ``( ) [ ] { }``.
2. Split words are joined again: ``can not`` -> ``cannot`` (not before ``only``), ``gon na``,
   ``wan na``, ``got ta``, ``lem me``, ``gim me``.
3. The extra full stop after a sentence-final abbreviation goes: ``the U.S. .`` -> ``the U.S.``.
4. No space before closing tokens: ``, . ; : ? !`` (and runs such as ``?!``, but not the
   ellipsis ``...``), ``%``, ``)`` ``]`` ``}``, ``''``, a lone ``'`` (closing quote or plural
   possessive: ``protesters ' demands`` -> ``protesters' demands``), and the clitics ``n't 's 're
   've 'll 'd 'm`` (any case).
5. No space after opening tokens: ````` `` `````, ````` ` `````, ``( [ {``, and ``$``, ``US$``
   or ``#`` before a digit (``$ 350m`` -> ``$350m``).
6. ````` `` ````` and ``''`` become ``"``; ````` ` ````` becomes ``'`` (``' ''``, a single quote
   closing inside a double one, becomes ``'"``).
7. Spaces at the end of a line are removed. Line breaks stay where they are.

Dashes (``--``), ellipses (``...``), other apostrophe tokens (``'90s``, ``'em``, ``rock 'n'
roll``) and straight quotes ``"`` are left as they are.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "restore_text",
    "detect_pretokenized",
    "detokenize",
    "is_pretokenized",
    "DETOKENIZE_RULES_VERSION",
    "DETECTION_COLUMNS",
]

DETOKENIZE_RULES_VERSION = "detokenize-1"
"""Changes whenever detection or restoration rules change (part of the annotation cache key)."""

DETECTION_COLUMNS = ["doc_id", "markers", "spaced", "attached", "pretokenized"]

_MARKERS = ("-LRB-", "-RRB-", "-LSB-", "-RSB-", "-LCB-", "-RCB-", "``", " ''", "\\/", "\\*")
_WHEN = ("auto", "always", "never")

_BRACKETS = (("-LRB-", "("), ("-RRB-", ")"), ("-LSB-", "["), ("-RSB-", "]"), ("-LCB-", "{"), ("-RCB-", "}"))
_JOINED_WORDS = frozenset({("can", "not"), ("gon", "na"), ("wan", "na"), ("got", "ta"), ("lem", "me"), ("gim", "me")})
_SPLIT_PAIRS = tuple(f"{first} {second}" for first, second in sorted(_JOINED_WORDS))
# Each pattern starts with a literal or a rare character, so that the regex engine can skip ahead
# quickly (a leading look-behind or group makes it try every position: 3-10 times slower); the
# conditions on the characters before a match are checked in the replacement functions.
_SECOND_WORD = re.compile(r" (not|na|ta|me|NOT|NA|TA|ME)\b")
_ABBREVIATION_STOP = re.compile(r"\. \.(?=\s|$)")
_CLOSING = re.compile(
    r" (?=[,.;:?!%)\]}'nN])(?=(?:(?!\.\.\.(?:\s|$))[,.;:?!]+|%|[)\]}]|''|'|(?i:n't|'s|'re|'ve|'ll|'d|'m))(?:\s|$))"
)
_OPENING = re.compile(r"([`(\[{]`?) ")
_OPENERS = frozenset({"``", "`", "(", "[", "{"})
_CURRENCY = re.compile(r"([$#]) (?=\d)")
_CURRENCY_PREFIX = re.compile(r"[A-Z]{0,3}\Z")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _join_words(match) -> str:
    """``can not`` -> ``cannot`` (and gon na, wan na, got ta, lem me, gim me); else unchanged."""
    text, start, second = match.string, match.start(), match.group(1)
    first = text[max(start - 3, 0):start]
    if start < 3 or (start > 3 and _is_word_char(text[start - 4])):
        return match.group()
    if (first.lower(), second.lower()) not in _JOINED_WORDS:
        return match.group()
    end = match.end()
    if second.lower() == "not" and text[end:end + 5] == " only" and not _is_word_char(text[end + 5:end + 6] or " "):
        return match.group()
    return second


def _drop_abbreviation_stop(match) -> str:
    start = match.start()
    return "." if start and _is_word_char(match.string[start - 1]) else match.group()


def _join_opening(match) -> str:
    start, token = match.start(), match.group(1)
    if token in _OPENERS and (start == 0 or match.string[start - 1].isspace()):
        return token
    return match.group()


def _join_currency(match) -> str:
    text, start, symbol = match.string, match.start(), match.group(1)
    token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    prefix = text[token_start:start].lstrip("([{`'\"")
    if prefix == "" or (symbol == "$" and _CURRENCY_PREFIX.match(prefix)):
        return symbol
    return match.group()


def _signals(text: str) -> tuple[int, int, int]:
    """(markers, spaced, attached) counts of one text, from literal substring counts."""
    return (_markers(text),) + _spacing(text)


def _markers(text: str) -> int:
    """Treebank marker tokens in one text (literal substring counts)."""
    count = text.count
    return sum(count(m) for m in _MARKERS)


def _spacing(text: str) -> tuple[int, int]:
    """(spaced, attached) counts of one text, from literal substring counts."""
    count = text.count
    spaced_comma, spaced_question = count(" ,"), count(" ?")
    spaced_nt, spaced_s = count(" n't"), count(" 's")
    spaced = spaced_comma + spaced_question + count(" .") + spaced_nt + spaced_s
    attached = (count(",") - spaced_comma) + (count("?") - spaced_question) + (count("n't") - spaced_nt) \
        + (count("'s") - spaced_s)
    return spaced, attached


def is_pretokenized(text: str, *, min_signals: int = 2) -> bool:
    """Whether one text looks Penn-Treebank tokenised (see the module's detection rule).

    >>> is_pretokenized("Assad 's forces do n't stop , he said .")
    True
    >>> is_pretokenized("Assad's forces don't stop, he said.")
    False
    """
    spaced, attached = _spacing(text)
    if spaced < attached:
        return False
    # the markers matter only when the spaced signals alone are too few (counted last)
    return spaced >= min_signals or _markers(text) + spaced >= min_signals


def detokenize(text: str) -> str:
    """Restore ordinary text from Penn-Treebank-tokenised text (the module's rules 1-7).

    The text is restored whether or not it looks tokenised; :func:`restore_text` decides that.

    >>> detokenize("`` We do n't want war , '' he said -LRB- Reuters -RRB- .")
    '"We don\\'t want war," he said (Reuters).'
    """
    if "\\" in text:
        text = text.replace("\\/", "/").replace("\\*", "*")
    for token, char in _BRACKETS:
        text = text.replace(token, char)
    lowered = text.lower()  # (literal scans for the split words are quicker than the pattern's)
    if any(pair in lowered for pair in _SPLIT_PAIRS):
        text = _SECOND_WORD.sub(_join_words, text)
    text = _ABBREVIATION_STOP.sub(_drop_abbreviation_stop, text)
    text = _CLOSING.sub("", text)
    text = _OPENING.sub(_join_opening, text)
    if "$ " in text or "# " in text:  # (two literal scans are quicker than the pattern's)
        text = _CURRENCY.sub(_join_currency, text)
    # "' ''" (a single quote closing inside a double one) is now three quotes: ' then "
    text = text.replace("``", '"').replace("'''", "'\"").replace("''", '"').replace("`", "'")
    # spaces and tabs at the end of each line (and of the text) go
    return "\n".join([line.rstrip(" \t") for line in text.split("\n")])


def detect_pretokenized(
    documents: pd.DataFrame,
    *,
    id_column: str = "doc_id",
    text_column: str = "text",
    min_signals: int = 2,
) -> pd.DataFrame:
    """Count the Treebank signals of each document and decide whether it is pre-tokenised.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id and a text column.
    id_column, text_column : str
        Column names.
    min_signals : int
        Fewest signals (``markers + spaced``) for a document to count as pre-tokenised.

    Returns
    -------
    pandas.DataFrame
        One row per document: ``doc_id``; ``markers`` (bracket tokens, ````` `` `````, `` ''``,
        ``\\/``, ``\\*``); ``spaced`` (`` ,``, `` ?``, `` .``, `` n't``, `` 's`` with a space
        before); ``attached`` (``,``, ``?``, ``n't``, ``'s`` without a space before; full stops are not counted
        because of abbreviations); ``pretokenized`` (bool).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["I do n't know , he said .", "I don't know, he said."]})
    >>> detect_pretokenized(docs).values.tolist()
    [['a', 0, 3, 0, True], ['b', 0, 0, 2, False]]
    """
    rows = [_signals(text) for text in documents[text_column]]
    table = pd.DataFrame(rows, columns=["markers", "spaced", "attached"], dtype="int64")
    table.insert(0, id_column, documents[id_column].to_numpy())
    table["pretokenized"] = ((table["markers"] + table["spaced"]) >= min_signals) & (table["spaced"] >= table["attached"])
    return table


def restore_text(
    documents: pd.DataFrame,
    *,
    text_column: str = "text",
    flag_column: str = "detokenized",
    when: str = "auto",
    min_signals: int = 2,
) -> pd.DataFrame:
    """Restore ordinary text in the documents that were tokenised before they reached us.

    A pure per-document function: each document's result depends on its own text only, so it
    can run inside the annotation pipeline batch by batch, before sentence splitting (all
    offsets then index into the restored ``text``).

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with a text column. Not modified.
    text_column : str
        The column to restore.
    flag_column : str
        The boolean column added (or replaced): ``True`` where the text was restored.
    when : {"auto", "always", "never"}
        ``"auto"``: restore documents that :func:`is_pretokenized` detects; ``"always"``: restore
        every document; ``"never"``: restore none (the flag is all ``False``).
    min_signals : int
        Detection threshold (see :func:`detect_pretokenized`).

    Returns
    -------
    pandas.DataFrame
        A new documents table, one row per document, all columns kept; ``text`` restored where
        flagged (other texts unchanged byte for byte) and ``detokenized`` (bool).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"],
    ...                      "text": ["Syria 's army , he said .", "Syria's army, he said."]})
    >>> restore_text(docs)[["text", "detokenized"]].values.tolist()
    [["Syria's army, he said.", True], ["Syria's army, he said.", False]]
    """
    if when not in _WHEN:
        raise ValueError(f"when must be one of {_WHEN}, got {when!r}")
    texts = documents[text_column].tolist()
    if when == "never":
        flags = [False] * len(texts)
    elif when == "always":
        flags = [True] * len(texts)
    else:
        flags = [is_pretokenized(text, min_signals=min_signals) for text in texts]
    out = documents.copy()
    if any(flags):
        restored = [detokenize(text) if flag else text for text, flag in zip(texts, flags)]
        out[text_column] = pd.Series(restored, index=documents.index, dtype=documents[text_column].dtype)
    out[flag_column] = pd.Series(flags, index=documents.index, dtype=bool)
    return out
