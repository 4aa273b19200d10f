"""Sentiment lexicons: a researcher's word list read into a table and matched against tokens.

A lexicon maps **patterns** (a word such as ``good``, a wildcard such as ``abandon*`` or
``colo?r``, or a phrase such as ``not a good*``) to a **polarity** (a number: ``+1``/``-1``, or
weights such as AFINN's ``-5..+5``) and/or a **category** (``fear``, ``economy``, ...).
Matching is case-insensitive and is a join of the tokens' vocabulary to the lexicon table, never a
loop over a dict.

Files (``read_lexicon``):

* **Delimited text** (``.csv``, ``.tsv``, ``.txt``): a header row naming a ``pattern`` column
  (or ``word`` / ``term``) and a ``polarity`` column (or ``value`` / ``score``), a ``category``
  column (or ``key``), or both. Tab-separated when the header has a tab, else comma-separated.
  Blank lines and lines starting with ``#`` are skipped.
* **YAML** (``.yml``, ``.yaml``): a mapping from category to a list of patterns, the layout of a
  quanteda dictionary (``quanteda::as.yaml(data_dictionary_LSD2015)``).

The four category names of the Lexicoder Sentiment Dictionary carry a polarity by themselves:
``positive`` and ``neg_negative`` (a negated negative word, "not bad") count ``+1``;
``negative`` and ``neg_positive`` ("not good") count ``-1``, as quanteda.sentiment sets them.

Matching rules (``match_lexicon``), stated once here:

1. A pattern's words match consecutive tokens of one sentence; ``*`` stands for any run of
   characters and ``?`` for one, within a token.
2. A match inside a longer match is dropped: "not good" matched by a ``not good*`` entry is not
   also a ``good`` match (longest match wins, as quanteda's ``nested_scope = "dictionary"``).
   Matches that overlap without one containing the other are both kept.
3. When several entries match the same tokens with the same category, the most specific one counts
   (the most literal characters; then the first in the file), so ``good`` and ``goo*`` never
   count one word twice.
4. **Negation**: a match whose entry has no negator of its own and that is preceded, within
   ``negation_window`` tokens of its sentence and with no clause punctuation (``. , ; : ! ?``)
   in between, by a negator (``not``, ``no``, ``never``, any ``...n't`` ...) is *negated*: its
   polarity counts with the opposite sign ("not good" counts against "good", as LSD2015's negated
   entries do). ``negation_window=0`` turns this off.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._arrays import distinct
from .errors import LexiconError

__all__ = [
    "read_lexicon",
    "make_lexicon",
    "match_lexicon",
    "tokenize_for_lexicon",
    "hash_lexicon",
    "example_lexicon_path",
    "NEGATORS",
    "LEXICON_COLUMNS",
    "CATEGORY_POLARITY",
    "LEXICON_TOKEN_PATTERN",
    "SCOPE_BREAKS",
]

LEXICON_COLUMNS = ["pattern", "category", "polarity", "line"]

CATEGORY_POLARITY = {"positive": 1.0, "negative": -1.0, "neg_positive": -1.0, "neg_negative": 1.0}
"""Categories whose name is a polarity (the Lexicoder Sentiment Dictionary's four keys)."""

NEGATORS = (
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "without",
    "cannot", "hardly", "barely", "scarcely", "seldom", "rarely", "lack", "lacks", "lacked",
)  # fmt: skip
"""Words that negate the polarity of a following match; any token ending in ``n't`` does too."""

LEXICON_TOKEN_PATTERN = r"\w+(?:[-'’]\w+)*|[.,;:!?]"
"""Tokens for lexicon matching: runs of letters/digits with inner hyphens and apostrophes
(``well-being``, ``don't``; the Penn-Treebank clitic ``n't`` stays one token), lowercased, and
clause punctuation (which ends a negation's scope and never matches a pattern)."""

SCOPE_BREAKS = frozenset(".,;:!?")
"""Tokens that end the scope of a negator."""

_TOKEN = re.compile(LEXICON_TOKEN_PATTERN)
_PATTERN_WORD = re.compile(r"[\w*?]+(?:[-'’][\w*?]+)*")
_PATTERN_ALIASES = ("pattern", "word", "term")
_MAX_BYTES = 100_000_000  # largest lexicon file read
_POLARITY_ALIASES = ("polarity", "value", "score")
_CATEGORY_ALIASES = ("category", "key")


def example_lexicon_path() -> Path:
    """Path of the small example lexicon shipped with the toolkit (``toolkit/data``).

    >>> example_lexicon_path().name
    'example_lexicon.csv'
    """
    return Path(__file__).parent / "data" / "example_lexicon.csv"


# -- reading ------------------------------------------------------------------------------------


def read_lexicon(path) -> pd.DataFrame:
    """Read a lexicon file into a lexicon table.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` / ``.tsv`` / ``.txt`` file with a header row, or a ``.yml`` / ``.yaml`` file
        mapping categories to lists of patterns (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per entry: ``pattern`` (lowercase, single spaces), ``category`` (str, ``""`` when
        none), ``polarity`` (float, NaN when the entry has a category only), ``line`` (1-based line
        in the file).

    Raises
    ------
    LexiconError
        Naming the file and line: a missing file, a missing ``pattern`` column, an empty pattern,
        a polarity that is not a number, an entry with neither polarity nor category, a pattern
        that matches every word, the same pattern given two polarities, or no entries at all.

    Examples
    --------
    >>> lex = read_lexicon(example_lexicon_path())
    >>> lex.loc[lex.pattern == "abandon*", ["pattern", "polarity"]].values.tolist()
    [['abandon*', -1.0]]
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:  # the largest real lexicons are a few MB; never read a huge file whole
            raise LexiconError(path, f"too large for a lexicon: {size:,} bytes, more than {_MAX_BYTES:,}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LexiconError(path, "no such lexicon file") from None
    except OSError as exc:
        raise LexiconError(path, f"cannot read the lexicon file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LexiconError(path, f"not UTF-8 (byte {raw[exc.start]:#04x})", line=line) from None
    if path.suffix.lower() in (".yml", ".yaml"):
        rows = _read_yaml(text, path)
    else:
        rows = _read_delimited(text, path)
    return make_lexicon(pd.DataFrame(rows, columns=LEXICON_COLUMNS), source=path)


def _read_delimited(text: str, path: Path) -> list:
    lines = text.splitlines()
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        raise LexiconError(path, "empty lexicon: no header and no entries")
    header_line, header = numbered[0]
    sep = "\t" if "\t" in header else ","
    reader = csv.reader(io.StringIO("\n".join(ln for _, ln in numbered)), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error as exc:  # e.g. a field longer than csv's limit of 131,072 characters
        line = numbered[min(max(reader.line_num, 1), len(numbered)) - 1][0]
        raise LexiconError(path, f"not a {'tab' if sep == chr(9) else 'comma'}-separated table ({exc})", line=line) from None
    names = [h.strip().lower() for h in records[0]]

    def find(aliases):
        return next((names.index(a) for a in aliases if a in names), None)

    i_pat, i_pol, i_cat = find(_PATTERN_ALIASES), find(_POLARITY_ALIASES), find(_CATEGORY_ALIASES)
    if i_pat is None:
        raise LexiconError(
            path,
            f"header has no 'pattern' column (found {', '.join(repr(n) for n in names)}); "
            "the first line must name the columns, e.g. 'pattern,polarity'",
            line=header_line,
        )
    if i_pol is None and i_cat is None:
        raise LexiconError(path, "header has neither a 'polarity' nor a 'category' column", line=header_line)
    rows = []
    for (line, _), rec in zip(numbered[1:], records[1:]):
        if len(rec) != len(names):
            raise LexiconError(path, f"expected {len(names)} fields ({sep!r}-separated), found {len(rec)}", line=line)
        polarity = np.nan
        if i_pol is not None and rec[i_pol].strip():
            try:
                polarity = float(rec[i_pol])
            except ValueError:
                raise LexiconError(path, f"polarity {rec[i_pol].strip()!r} is not a number", line=line) from None
            if not np.isfinite(polarity):
                raise LexiconError(path, f"polarity {rec[i_pol].strip()!r} is not a finite number", line=line)
        category = rec[i_cat].strip() if i_cat is not None else ""
        rows.append((rec[i_pat], category, polarity, line))
    return rows


def _read_yaml(text: str, path: Path) -> list:
    import yaml  # imported here, not at the top: PyYAML costs ~12 ms and import toolkit stays light
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C: fast, nesting bounded
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise LexiconError(path, f"not valid YAML ({getattr(exc, 'problem', None) or exc})", line=line) from None
    except RecursionError:  # the pure-Python composer recurses into nested nodes
        raise LexiconError(path, "not valid YAML (lists or mappings nested too deeply)") from None
    if root is None:
        raise LexiconError(path, "empty lexicon: no categories")
    if not isinstance(root, yaml.MappingNode):
        raise LexiconError(path, "expected a mapping of categories to lists of patterns", line=root.start_mark.line + 1)
    rows = []
    # quanteda's nested keys (parent.child), walked with an explicit stack; each mapping once, so
    # a YAML alias cannot loop (``a: &a {b: *a}``) or multiply entries (a "billion laughs")
    seen, stack = {id(root)}, [(iter(root.value), "")]
    while stack:
        pairs, prefix = stack[-1]
        pair = next(pairs, None)
        if pair is None:
            stack.pop()
            continue
        key, value = pair
        if not isinstance(key, yaml.ScalarNode):
            raise LexiconError(path, "a category name must be text, not a list or mapping", line=key.start_mark.line + 1)
        name = f"{prefix}{key.value}"
        if isinstance(value, yaml.MappingNode):
            if id(value) in seen:
                raise LexiconError(path, f"category {name!r} repeats a group of categories through a YAML alias",
                                   line=value.start_mark.line + 1)
            seen.add(id(value))
            stack.append((iter(value.value), name + "."))
            continue
        items = value.value if isinstance(value, yaml.SequenceNode) else [value]
        for item in items:
            if not isinstance(item, yaml.ScalarNode):
                raise LexiconError(path, f"category {name!r}: expected patterns (text), found a list or mapping",
                                   line=item.start_mark.line + 1)
            rows.append((item.value, name, np.nan, item.start_mark.line + 1))
    return rows


def make_lexicon(table: pd.DataFrame, *, source=None, pattern_column: str = "pattern",
                 polarity_column: str = "polarity", category_column: str = "category") -> pd.DataFrame:
    """Validate and normalise a lexicon given as a table (what ``read_lexicon`` returns).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per entry with a pattern column and a polarity column, a category column or both.
    source : str or path-like, optional
        Named in errors (default ``"<table>"``).
    pattern_column, polarity_column, category_column : str
        Column names in ``table``. An optional ``line`` column is kept for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per distinct entry: ``pattern``, ``category``, ``polarity``, ``line``; exact
        duplicates are dropped. Categories named in ``CATEGORY_POLARITY`` get that polarity when
        the entry has none.

    Examples
    --------
    >>> make_lexicon(pd.DataFrame({"pattern": ["Good", "bad"], "polarity": [1, -1]})).pattern.tolist()
    ['good', 'bad']
    """
    source = "<table>" if source is None else source
    if pattern_column not in table.columns:
        raise LexiconError(source, f"no {pattern_column!r} column")
    n = len(table)
    out = pd.DataFrame({
        "pattern": table[pattern_column].astype(object),
        "category": table[category_column] if category_column in table.columns else [""] * n,
        "polarity": pd.to_numeric(table[polarity_column], errors="coerce") if polarity_column in table.columns else np.nan,
        "line": table["line"] if "line" in table.columns else np.arange(1, n + 1),
    }).reset_index(drop=True)
    out["category"] = out["category"].fillna("").astype(str).str.strip()
    out["line"] = out["line"].astype("int64")
    out["polarity"] = out["polarity"].astype("float64")
    patterns = []
    for pattern, line in zip(out["pattern"], out["line"]):
        if not isinstance(pattern, str) or not pattern.strip():
            raise LexiconError(source, "empty pattern", line=int(line))
        words = _PATTERN_WORD.findall(pattern.lower())
        if not words:
            raise LexiconError(source, f"pattern {pattern!r} has no word characters", line=int(line))
        if any(w.strip("*?") == "" for w in words):
            raise LexiconError(source, f"pattern {pattern!r} has a word that matches every word", line=int(line))
        patterns.append(" ".join(words))
    out["pattern"] = pd.Series(patterns, dtype="str")
    implied = out["category"].map(CATEGORY_POLARITY)
    out["polarity"] = out["polarity"].fillna(implied)
    missing = out["polarity"].isna() & (out["category"] == "")
    if missing.any():
        raise LexiconError(source, "entry has neither a polarity nor a category", line=int(out.loc[missing, "line"].iloc[0]))
    out = out.drop_duplicates(["pattern", "category", "polarity"]).reset_index(drop=True)
    clash = out[out.duplicated(["pattern", "category"], keep=False)]
    if len(clash):
        first = clash.iloc[0]
        lines = clash.loc[clash.pattern == first.pattern, "line"].tolist()
        raise LexiconError(source, f"pattern {first.pattern!r} is given different polarities on lines "
                                   f"{', '.join(map(str, lines))}", line=int(lines[-1]))
    if out.empty:
        raise LexiconError(source, "empty lexicon: no entries")
    return out[LEXICON_COLUMNS]


def hash_lexicon(lexicon: pd.DataFrame) -> str:
    """A content hash of a lexicon table (16 hex digits): equal for equal entries, in any order.

    >>> a = make_lexicon(pd.DataFrame({"pattern": ["good", "bad"], "polarity": [1, -1]}))
    >>> hash_lexicon(a) == hash_lexicon(a.iloc[::-1])
    True
    """
    rows = sorted(f"{p}\t{c}\t{v!r}" for p, c, v in zip(lexicon["pattern"], lexicon["category"], lexicon["polarity"]))
    return hashlib.sha1("\n".join(rows).encode("utf-8")).hexdigest()[:16]


# -- matching -----------------------------------------------------------------------------------


def tokenize_for_lexicon(sentences: pd.DataFrame, *, text_column: str = "text",
                         id_columns=("doc_id", "sent_id")) -> pd.DataFrame:
    """Lowercase word tokens of each sentence, as lexicon matching sees them.

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence with the id columns and a text column.
    text_column : str
    id_columns : sequence of str
        Columns copied to each token (default ``doc_id``, ``sent_id``).

    Returns
    -------
    pandas.DataFrame
        One row per token: the id columns, ``row`` (the sentence's 0-based row number in
        ``sentences``), ``position`` (0-based within the sentence) and ``norm`` (lowercase token,
        ``LEXICON_TOKEN_PATTERN``: words and clause punctuation).

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "text": ["It was n't Well-Being."]})
    >>> tokenize_for_lexicon(s).norm.tolist()
    ['it', 'was', "n't", 'well-being', '.']
    """
    ids = list(id_columns)
    texts = sentences[text_column].astype(object).where(sentences[text_column].notna(), "")
    found = [_TOKEN.findall(t.lower()) for t in texts]
    lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
    rows = np.repeat(np.arange(len(found), dtype=np.int64), lengths)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(lengths.sum(), dtype=np.int64) - np.repeat(starts, lengths)
    out = {c: sentences[c].to_numpy()[rows] for c in ids}
    out.update(row=rows, position=position, norm=pd.array([w for f in found for w in f], dtype="str"))
    return pd.DataFrame(out)


def _pattern_words(lexicon: pd.DataFrame) -> pd.DataFrame:
    """One row per (entry, word): entry, k (0-based word index), word, kind (literal/prefix/glob)."""
    split = lexicon["pattern"].str.split(" ")
    lengths = split.str.len().to_numpy()
    entry = np.repeat(np.arange(len(lexicon)), lengths)
    k = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    words = pd.Series([w for ws in split for w in ws], dtype="str")
    has_q = words.str.contains("?", regex=False)
    star = words.str.count(r"\*")
    kind = np.where(~has_q & (star == 0), "literal",
                    np.where(~has_q & (star == 1) & words.str.endswith("*"), "prefix", "glob"))
    return pd.DataFrame({"entry": entry, "k": k, "word": words, "kind": kind})


def _expand(words: pd.DataFrame, vocab: np.ndarray) -> pd.DataFrame:
    """Concrete vocabulary types matched by each pattern word: entry, k, norm."""
    parts = []
    lit = words[words.kind == "literal"]
    if len(lit):
        hit = lit[lit.word.isin(vocab)]
        parts.append(pd.DataFrame({"entry": hit.entry.to_numpy(), "k": hit.k.to_numpy(), "norm": hit.word.to_numpy()}))
    pre = words[words.kind == "prefix"]
    if len(pre) and len(vocab):
        prefix = pre.word.str[:-1].to_numpy(dtype=object)
        lo = np.searchsorted(vocab, prefix, side="left")
        hi = np.searchsorted(vocab, np.array([p + "\U0010ffff" for p in prefix], dtype=object), side="left")
        counts = hi - lo
        idx = np.repeat(lo, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
        parts.append(pd.DataFrame({"entry": np.repeat(pre.entry.to_numpy(), counts),
                                   "k": np.repeat(pre.k.to_numpy(), counts), "norm": vocab[idx]}))
    glob = words[words.kind == "glob"]
    if len(glob) and len(vocab):  # rare: a loop over these patterns only, each vectorised over the vocabulary
        vs = pd.Series(vocab, dtype="str")
        for e, k, w in zip(glob.entry, glob.k, glob.word):
            rx = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in w)
            m = vocab[vs.str.fullmatch(rx).to_numpy()]
            parts.append(pd.DataFrame({"entry": np.full(len(m), e), "k": np.full(len(m), k), "norm": m}))
    if not parts:
        return pd.DataFrame({"entry": np.array([], dtype=np.int64), "k": np.array([], dtype=np.int64),
                             "norm": np.array([], dtype=object)})
    out = pd.concat(parts, ignore_index=True)
    out["norm"] = out["norm"].astype(object)
    return out


def match_lexicon(tokens: pd.DataFrame, lexicon: pd.DataFrame, *, norm_column: str = "norm",
                  id_columns=("doc_id", "sent_id"), position_column: str = "position",
                  negators=NEGATORS, negation_window: int = 3) -> pd.DataFrame:
    """Find the lexicon's entries in a tokens table, by joining the vocabulary to the lexicon.

    Parameters
    ----------
    tokens : pandas.DataFrame
        One row per token: the id columns (a sentence is one combination of them), a position
        column (consecutive within a sentence or a document) and a lowercase ``norm`` column,
        e.g. from :func:`tokenize_for_lexicon` or ``toolkit.tokenize`` (without lemmatisation).
    lexicon : pandas.DataFrame
        From :func:`read_lexicon` or :func:`make_lexicon`.
    norm_column, position_column : str
    id_columns : sequence of str
    negators : iterable of str
        Words that negate a following match (tokens ending in ``n't`` always do).
    negation_window : int
        How many tokens before a match are searched for a negator (stopping at clause
        punctuation); 0 turns negation off.

    Returns
    -------
    pandas.DataFrame
        One row per match (after the module's rules 2 and 3): the id columns, ``position``
        (first token), ``n_tokens``, ``pattern``, ``category``, ``polarity`` (the entry's),
        ``negated`` (bool) and ``value`` (``polarity``, sign flipped when negated; NaN for
        category-only entries). Sorted by the id columns and position.

    Examples
    --------
    >>> lex = make_lexicon(pd.DataFrame({"pattern": ["good", "abandon*"], "polarity": [1, -1]}))
    >>> s = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "text": ["Not good: they abandoned it."]})
    >>> match_lexicon(tokenize_for_lexicon(s), lex)[["pattern", "negated", "value"]].values.tolist()
    [['good', True, -1.0], ['abandon*', False, -1.0]]
    """
    ids = list(id_columns)
    columns = ids + ["position", "n_tokens", "pattern", "category", "polarity", "negated", "value"]
    negators = frozenset(w.lower() for w in negators)
    tok = tokens[ids + [position_column, norm_column]].sort_values(ids + [position_column], kind="stable")
    norm = tok[norm_column].astype(object).fillna("").to_numpy()
    sent = tok.groupby(ids, sort=False, dropna=False).ngroup().to_numpy() if len(tok) else np.array([], dtype=np.int64)
    n = len(norm)
    vocab = distinct(norm.astype(str)).astype(object) if n else np.array([], dtype=object)
    words = _pattern_words(lexicon)
    n_words = words.groupby("entry").size().reindex(range(len(lexicon)), fill_value=0).to_numpy()
    expanded = _expand(words, vocab)
    # candidates: tokens whose type matches an entry's first word
    first = expanded[expanded.k == 0][["entry", "norm"]]
    cand = pd.DataFrame({"tok": np.arange(n), "norm": norm}).merge(first, on="norm")[["tok", "entry"]]
    for k in range(1, int(n_words.max(initial=1))):
        longer = n_words[cand.entry.to_numpy()] > k
        keep, test = cand[~longer], cand[longer]
        target = test.tok.to_numpy() + k
        ok = target < n
        ok[ok] = sent[target[ok]] == sent[test.tok.to_numpy()[ok]]
        test = test[ok].assign(norm=norm[target[ok]])
        allowed = expanded[expanded.k == k][["entry", "norm"]].drop_duplicates()
        test = test.merge(allowed, on=["entry", "norm"])[["tok", "entry"]]
        cand = pd.concat([keep, test], ignore_index=True)
    if cand.empty:
        out = tokens.iloc[:0][ids].copy()
        for c, dt in zip(columns[len(ids):], ["int64", "int64", "str", "str", "float64", "bool", "float64"]):
            out[c] = pd.Series(dtype=dt)
        return out[columns]
    entry = cand.entry.to_numpy()
    cand = cand.assign(length=n_words[entry], sent=sent[cand.tok.to_numpy()],
                       category=lexicon["category"].to_numpy()[entry],
                       literal=lexicon["pattern"].str.replace(r"[*? ]", "", regex=True).str.len().to_numpy()[entry])
    cand["end"] = cand.tok + cand.length - 1
    # rule 2: drop a match contained in a longer match of the same sentence
    longer = cand[cand.length > 1][["sent", "tok", "end", "length"]].drop_duplicates()
    if len(longer):
        pairs = cand.reset_index().merge(longer, on="sent", suffixes=("", "_l"))
        inside = pairs[(pairs.tok_l <= pairs.tok) & (pairs.end_l >= pairs.end) & (pairs.length_l > pairs.length)]
        cand = cand.drop(index=inside["index"].unique())
    # rule 3: one entry per span and category, the most specific
    cand = cand.sort_values(["tok", "length", "category", "literal", "entry"], ascending=[True, True, True, False, True])
    cand = cand.drop_duplicates(["tok", "length", "category"])
    # rule 4: negation
    is_negator = np.fromiter((w in negators or w.endswith("n't") for w in norm), dtype=bool, count=n)
    is_break = np.isin(norm, list(SCOPE_BREAKS))
    start = cand.tok.to_numpy()
    negated = np.zeros(len(cand), dtype=bool)
    open_ = np.ones(len(cand), dtype=bool)  # no scope break met yet, walking back from the match
    for w in range(1, max(int(negation_window), 0) + 1):
        prev = start - w
        ok = open_ & (prev >= 0)
        ok[ok] = sent[prev[ok]] == sent[start[ok]]
        open_ &= ok
        open_[ok] &= ~is_break[prev[ok]]
        ok &= open_
        negated[ok] |= is_negator[prev[ok]]
    if negated.any():  # entries that carry their own negator ("not good*") are never negated again
        own = np.zeros(len(lexicon), dtype=bool)
        neg_words = words[words.word.isin(negators) | words.word.str.endswith("n't")]
        own[neg_words.entry.unique()] = True
        negated &= ~own[cand.entry.to_numpy()]
    entry = cand.entry.to_numpy()
    polarity = lexicon["polarity"].to_numpy()[entry]
    first_rows = tok.iloc[start]
    out = pd.DataFrame({c: first_rows[c].to_numpy() for c in ids})
    out["position"] = first_rows[position_column].to_numpy().astype("int64")
    out["n_tokens"] = cand.length.to_numpy().astype("int64")
    out["pattern"] = pd.array(lexicon["pattern"].to_numpy()[entry], dtype="str")
    out["category"] = pd.array(lexicon["category"].to_numpy()[entry], dtype="str")
    out["polarity"] = polarity.astype("float64")
    out["negated"] = negated
    out["value"] = np.where(negated, -polarity, polarity)
    return out.sort_values(ids + ["position", "n_tokens"], kind="stable").reset_index(drop=True)[columns]
