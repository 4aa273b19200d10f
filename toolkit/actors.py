"""Actor dictionaries: loading and validating them, finding actor mentions, proposing new actors.

An actor dictionary is a YAML file that researchers edit (``corpus/actors.yml`` ships with the
toolkit)::

    actors:
      - id: TUR
        name: Turkey
        type: country            # country | person | organisation | group | ..., or your own
        aliases: [Turkey, Turkish, Turks, Ankara]
      - id: ERDOGAN
        name: Recep Tayyip Erdogan
        type: person
        member_of: TUR           # optional: lets a person roll up to a state
        aliases: [Erdogan, Tayyip Erdogan, Recep Tayyip Erdogan]

``member_of`` may also be a list, and each entry may carry a role and dates (an extension: the
simple form above stays valid)::

        member_of:
          - {id: EGY, role: President of Egypt, from: 1981-10-14, until: 2011-02-11}
          - MB

It is read with PyYAML's safe composer (no Python objects are ever constructed) and every scalar is
taken as the text written, so ``NO`` stays ``"NO"`` rather than becoming ``False``. Problems raise
:class:`~toolkit.errors.DictionaryError` naming the file and the line: a duplicate id, an alias
claimed by two actors, an unknown ``member_of``, an empty alias, a cycle of memberships, a bad date.

Matching rules (the README repeats them; ``tests/test_actors.py`` tests each):

* An alias with a capital letter matches that capitalisation only (``US`` never matches ``us``);
  an all-lowercase alias matches any capitalisation (``rebels`` matches ``Rebels``).
* Whole words only: the characters before and after a match are not letters, digits or ``_``
  (``US`` never matches inside ``USA``). Hyphens and apostrophes are not word characters, so
  possessives (``Turkey's``, ``Ankara’s``, the tokenised ``Assad 's``) and hyphenated compounds
  (``Turkish-backed``, ``Turkish-Syrian border``, ``US-made``) match.
* A space in an alias matches any run of whitespace; a straight apostrophe matches a curly one.
* At any position the longest alias wins (``Syrian government forces`` before ``Syrian``), and
  matches never overlap; scanning goes left to right.

All aliases are compiled into one regular expression shaped as a trie (common prefixes shared),
run once over all sentence texts joined together, so matching runs at several million words per
second (``bench/bench_mentions.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._arrays import distinct
from .errors import DictionaryError

__all__ = [
    "ActorDictionary",
    "load_actors",
    "parse_actors",
    "find_mentions",
    "roll_up_mentions",
    "count_mentions",
    "find_candidates",
    "MENTION_COLUMNS",
]

MENTION_COLUMNS = ["doc_id", "sent_id", "actor", "alias", "start", "end"]

_NULL_TAG = "tag:yaml.org,2002:null"
_CORE_KEYS = {"id", "name", "type", "aliases", "member_of"}
_MEMBER_KEYS = {"id", "role", "from", "until"}
_MAX_BYTES = 100_000_000  # largest dictionary file read
_SEPARATOR = "\x00"  # joins sentence texts: neither a word character nor whitespace


class ActorDictionary(NamedTuple):
    """A loaded actor dictionary: three tables and where they came from.

    Attributes
    ----------
    actors : pandas.DataFrame
        One row per actor: ``actor`` (the id), ``name``, ``type``, ``line`` (1-based line of its
        entry in the file), plus any other keys the entries carry (``description``, ...).
    aliases : pandas.DataFrame
        One row per alias: ``actor``, ``alias``, ``case_sensitive`` (bool: the alias has a capital
        letter), ``line``.
    memberships : pandas.DataFrame
        One row per ``member_of`` entry: ``actor``, ``member_of``, ``role`` (may be empty),
        ``start``, ``end`` (datetime64, ``NaT`` when unbounded), ``line``; in the order written.
    ignored : pandas.DataFrame
        One row per phrase of the top-level ``ignore:`` list: ``alias``, ``case_sensitive``,
        ``line``. These match like aliases (so they win when longer) and are then dropped:
        ``Latin America`` keeps ``America`` from being read as the United States.
    file : str
        The file it was read from (``"<text>"`` for a string).
    fingerprint : str
        A hash of the three tables' content (not of comments or layout).
    """

    actors: pd.DataFrame
    aliases: pd.DataFrame
    memberships: pd.DataFrame
    ignored: pd.DataFrame
    file: str
    fingerprint: str


# ---------------------------------------------------------------------------------------------
# loading


def _line(node) -> int:
    return node.start_mark.line + 1


def _is_null(node) -> bool:
    import yaml  # imported where used (cheap once loaded): import toolkit stays light
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG and node.value in ("", "~", "null", "Null", "NULL")


def _scalar(node, what, file) -> str:
    import yaml  # imported where used (cheap once loaded): import toolkit stays light
    if not isinstance(node, yaml.ScalarNode):
        raise DictionaryError(file, f"{what} must be a single value, not a list or mapping", line=_line(node))
    if _is_null(node):
        return ""
    return str(node.value)


def _mapping(node, what, file) -> dict:
    """A mapping node as {key: (key_node, value_node)}, refusing duplicate keys."""
    import yaml  # imported where used (cheap once loaded): import toolkit stays light
    if not isinstance(node, yaml.MappingNode):
        raise DictionaryError(file, f"{what} must be a mapping (key: value lines)", line=_line(node))
    out = {}
    for key_node, value_node in node.value:
        key = _scalar(key_node, "a key", file)
        if key in out:
            raise DictionaryError(file, f"{what} has the key {key!r} twice (first on line {_line(out[key][0])})",
                                  line=_line(key_node))
        out[key] = (key_node, value_node)
    return out


def _sequence(node, what, file) -> list:
    """A sequence node's items; a single scalar counts as a list of one."""
    import yaml  # imported where used (cheap once loaded): import toolkit stays light
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.ScalarNode):
        return [] if _is_null(node) else [node]
    raise DictionaryError(file, f"{what} must be a list", line=_line(node))


def _date(node, what, file):
    text = _scalar(node, what, file).strip()
    if not text:
        return pd.NaT
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise DictionaryError(file, f"{what} {text!r} is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)",
                              line=_line(node))
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise DictionaryError(file, f"{what} {text!r} is not a valid date", line=_line(node)) from None


def parse_actors(text: str, *, file: str = "<text>") -> ActorDictionary:
    """Parse and validate an actor dictionary from YAML text.

    Parameters
    ----------
    text : str
        The YAML document (see the module docstring for the format).
    file : str
        Name used in error messages.

    Returns
    -------
    ActorDictionary
        ``actors`` (one row per actor), ``aliases`` (one row per alias), ``memberships`` (one row
        per ``member_of`` entry); see :class:`ActorDictionary` for the columns.

    Raises
    ------
    DictionaryError
        Naming the file and line: invalid YAML, a missing or duplicate id, an empty alias, an alias
        claimed by two actors, an unknown or circular ``member_of``, an invalid date.

    Examples
    --------
    >>> d = parse_actors("actors:\\n  - id: TUR\\n    aliases: [Turkey, turks]\\n")
    >>> d.aliases[["actor", "alias", "case_sensitive"]].values.tolist()
    [['TUR', 'Turkey', True], ['TUR', 'turks', False]]
    """
    import yaml  # imported here, not at the top: PyYAML costs ~12 ms and import toolkit stays light
    file = str(file)
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # C: fast, nesting bounded
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "syntax error"
        raise DictionaryError(file, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as err:
        raise DictionaryError(file, f"not valid YAML: {err}") from None
    except RecursionError:  # PyYAML composes nested nodes recursively
        raise DictionaryError(file, "not valid YAML: lists or mappings nested too deeply") from None
    except UnicodeEncodeError as err:  # a str holding half a character (only from Python callers)
        raise DictionaryError(file, f"not valid text: a lone surrogate at character {err.start}") from None
    if root is None:
        raise DictionaryError(file, "empty actor dictionary (expected 'actors:' and a list of actors)")
    if isinstance(root, yaml.MappingNode):
        top = _mapping(root, "the file", file)
        if "actors" not in top:
            raise DictionaryError(file, "no 'actors:' list at the top of the file", line=_line(root))
        entries = _sequence(top["actors"][1], "'actors'", file)
        unknown = set(top) - {"actors", "ignore"}
        if unknown:
            key = sorted(unknown)[0]
            raise DictionaryError(file, f"unknown top-level key {key!r} (use 'actors' and 'ignore')",
                                  line=_line(top[key][0]))
        ignore_nodes = _sequence(top["ignore"][1], "'ignore'", file) if "ignore" in top else []
    elif isinstance(root, yaml.SequenceNode):
        entries, ignore_nodes = list(root.value), []
    else:
        raise DictionaryError(file, "expected 'actors:' and a list of actors", line=_line(root))

    actors, aliases, memberships = [], [], []
    seen_ids: dict[str, int] = {}
    for entry in entries:
        fields = _mapping(entry, "an actor entry", file)
        line = _line(entry)
        if "id" not in fields:
            raise DictionaryError(file, "actor entry without an 'id'", line=line)
        actor = _scalar(fields["id"][1], "'id'", file).strip()
        if not actor:
            raise DictionaryError(file, "empty actor id", line=_line(fields["id"][1]))
        if actor in seen_ids:
            raise DictionaryError(file, f"duplicate id {actor!r} (first defined on line {seen_ids[actor]})",
                                  line=_line(fields["id"][1]))
        seen_ids[actor] = _line(fields["id"][1])
        name = _scalar(fields["name"][1], "'name'", file).strip() if "name" in fields else ""
        kind = _scalar(fields["type"][1], "'type'", file).strip() if "type" in fields else ""
        row = {"actor": actor, "name": name or actor, "type": kind, "line": line}
        for key, (key_node, value_node) in fields.items():
            if key not in _CORE_KEYS:
                row[key] = _scalar(value_node, f"{key!r}", file)
        actors.append(row)

        if "aliases" in fields:
            alias_nodes = _sequence(fields["aliases"][1], "'aliases'", file)
        else:  # no aliases given: the name is the alias
            alias_nodes = [fields["name"][1]] if "name" in fields else []
        for node in alias_nodes:
            alias = " ".join(_scalar(node, "an alias", file).split()).replace("’", "'")
            if not alias:
                raise DictionaryError(file, f"empty alias in actor {actor!r}", line=_line(node))
            aliases.append({"actor": actor, "alias": alias, "case_sensitive": alias != alias.lower(),
                            "line": _line(node)})

        if "member_of" in fields:
            node = fields["member_of"][1]
            for node in ([node] if isinstance(node, yaml.MappingNode) else _sequence(node, "'member_of'", file)):
                if isinstance(node, yaml.MappingNode):
                    parts = _mapping(node, "a 'member_of' entry", file)
                    unknown = set(parts) - _MEMBER_KEYS
                    if unknown:
                        raise DictionaryError(file, f"unknown key {sorted(unknown)[0]!r} in 'member_of' "
                                              f"(use id, role, from, until)", line=_line(node))
                    if "id" not in parts:
                        raise DictionaryError(file, "'member_of' entry without an 'id'", line=_line(node))
                    target = _scalar(parts["id"][1], "'id'", file).strip()
                    role = _scalar(parts["role"][1], "'role'", file).strip() if "role" in parts else ""
                    start = _date(parts["from"][1], "'from'", file) if "from" in parts else pd.NaT
                    end = _date(parts["until"][1], "'until'", file) if "until" in parts else pd.NaT
                    if pd.notna(start) and pd.notna(end) and start > end:
                        raise DictionaryError(file, f"'from' {start.date()} is after 'until' {end.date()}",
                                              line=_line(node))
                else:
                    target, role, start, end = _scalar(node, "'member_of'", file).strip(), "", pd.NaT, pd.NaT
                if not target:
                    raise DictionaryError(file, f"empty 'member_of' in actor {actor!r}", line=_line(node))
                memberships.append({"actor": actor, "member_of": target, "role": role,
                                    "start": start, "end": end, "line": _line(node)})

    for node in ignore_nodes:
        alias = " ".join(_scalar(node, "an ignored phrase", file).split()).replace("’", "'")
        if not alias:
            raise DictionaryError(file, "empty phrase in 'ignore'", line=_line(node))
        aliases.append({"actor": "", "alias": alias, "case_sensitive": alias != alias.lower(), "line": _line(node)})

    _check_aliases(aliases, file)
    _check_memberships(memberships, seen_ids, file)
    ignored = [row for row in aliases if row["actor"] == ""]
    aliases = [row for row in aliases if row["actor"] != ""]
    return _dictionary(actors, aliases, memberships, ignored, file)


def _check_aliases(aliases, file):
    """Refuse an alias that two actors could both match: the same text, or the same up to case
    when one of them is all-lowercase (and so matches any case). Repeats within one actor are
    harmless and dropped."""
    by_exact: dict[str, dict] = {}
    by_lower: dict[str, list] = {}
    keep = []
    for row in aliases:
        alias, lower = row["alias"], row["alias"].lower()
        if row["case_sensitive"]:
            rivals = [by_exact.get(alias)] + [r for r in by_lower.get(lower, []) if not r["case_sensitive"]]
        else:
            rivals = list(by_lower.get(lower, []))
        rivals = [r for r in rivals if r is not None]
        if any(r["alias"] == alias and r["actor"] == row["actor"] for r in rivals):
            continue
        for rival in rivals:
            if rival["actor"] != row["actor"]:
                mine = f"of {row['actor']!r}" if row["actor"] else "in 'ignore'"
                theirs = f"by {rival['actor']!r}" if rival["actor"] else "by 'ignore'"
                raise DictionaryError(
                    file, f"alias {alias!r} {mine} is already claimed {theirs} "
                    f"(as {rival['alias']!r} on line {rival['line']})", line=row["line"])
        by_exact[alias] = row
        by_lower.setdefault(lower, []).append(row)
        keep.append(row)
    aliases[:] = keep


def _check_memberships(memberships, ids, file):
    parents: dict[str, list] = {}
    for row in memberships:
        if row["member_of"] not in ids:
            raise DictionaryError(file, f"unknown member_of {row['member_of']!r} in actor {row['actor']!r} "
                                  f"(no actor has that id)", line=row["line"])
        if row["member_of"] == row["actor"]:
            raise DictionaryError(file, f"actor {row['actor']!r} is a member of itself", line=row["line"])
        parents.setdefault(row["actor"], []).append(row)
    # cycles: depth-first search over the membership graph (with its own stack: chains of any
    # length, no recursion limit)
    state: dict[str, int] = {}
    for root in parents:
        if root in state:
            continue
        state[root] = 1
        path, stack = [root], [iter(parents.get(root, []))]
        while stack:
            row = next(stack[-1], None)
            if row is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target = row["member_of"]
            if state.get(target) == 1:
                cycle = " -> ".join(path[path.index(target):] + [target])
                raise DictionaryError(file, f"circular member_of: {cycle}", line=row["line"])
            if target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(parents.get(target, [])))


def _dictionary(actors, aliases, memberships, ignored, file) -> ActorDictionary:
    actor_frame = pd.DataFrame(actors)
    if actor_frame.empty:
        actor_frame = pd.DataFrame(columns=["actor", "name", "type", "line"])
    base = ["actor", "name", "type", "line"]
    extra = [c for c in actor_frame.columns if c not in base]
    actor_frame = actor_frame[base + extra]
    for column in ["actor", "name", "type"] + extra:
        actor_frame[column] = actor_frame[column].fillna("").astype(str)
    actor_frame["line"] = actor_frame["line"].astype("int64")

    alias_frame = pd.DataFrame(aliases, columns=["actor", "alias", "case_sensitive", "line"])
    alias_frame = alias_frame.astype({"actor": str, "alias": str, "case_sensitive": bool, "line": "int64"})

    member_frame = pd.DataFrame(memberships, columns=["actor", "member_of", "role", "start", "end", "line"])
    member_frame = member_frame.astype({"actor": str, "member_of": str, "role": str, "line": "int64",
                                        "start": "datetime64[ns]", "end": "datetime64[ns]"})

    ignored_frame = pd.DataFrame(ignored, columns=["alias", "case_sensitive", "line"])
    ignored_frame = ignored_frame.astype({"alias": str, "case_sensitive": bool, "line": "int64"})

    content = json.dumps([actor_frame.drop(columns="line").values.tolist(),
                          alias_frame.drop(columns="line").values.tolist(),
                          member_frame.drop(columns="line").astype(str).values.tolist(),
                          ignored_frame.drop(columns="line").values.tolist()], default=str)
    fingerprint = hashlib.sha1(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return ActorDictionary(actor_frame, alias_frame, member_frame, ignored_frame, file, fingerprint)


def load_actors(source) -> ActorDictionary:
    """Load and validate an actor dictionary from a YAML file.

    Parameters
    ----------
    source : path-like or ActorDictionary
        The file (UTF-8). An already loaded dictionary is returned as it is.

    Returns
    -------
    ActorDictionary
        ``actors`` (one row per actor: ``actor``, ``name``, ``type``, ``line``, extra keys),
        ``aliases`` (one row per alias: ``actor``, ``alias``, ``case_sensitive``, ``line``),
        ``memberships`` (one row per ``member_of`` entry: ``actor``, ``member_of``, ``role``,
        ``start``, ``end``, ``line``).

    Raises
    ------
    DictionaryError
        When the file cannot be read or is not a valid dictionary (naming the line).

    Examples
    --------
    >>> d = load_actors("corpus/actors.yml")                     # doctest: +SKIP
    >>> d.actors.set_index("actor").loc["TUR", "name"]           # doctest: +SKIP
    'Turkey'
    """
    if isinstance(source, ActorDictionary):
        return source
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:  # the largest real dictionaries are a few MB; never read a huge file whole
            raise DictionaryError(path, f"too large for an actor dictionary: {size:,} bytes, more than {_MAX_BYTES:,}")
        raw = path.read_bytes()
    except OSError as err:
        raise DictionaryError(path, f"cannot read the actor dictionary: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DictionaryError(path, f"not UTF-8 (invalid byte at offset {err.start})") from None
    return parse_actors(text, file=str(path))


# ---------------------------------------------------------------------------------------------
# matching


class _Matcher(NamedTuple):
    pattern: re.Pattern
    exact: dict      # case-sensitive alias -> (actor, alias)
    folded: dict     # lowercase alias -> (actor, alias), for all-lowercase aliases


_MATCHERS: dict[str, _Matcher] = {}
_WORD = re.compile(r"\w")
_WS = re.compile(r"\s+")


def _edge_pattern(key: str, chars: set) -> str:
    if key == " ":
        return r"\s+"
    if key == "'":
        return "['’]"
    if len(chars) == 1:
        return re.escape(next(iter(chars)))
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _trie_pattern(aliases) -> str:
    """One regular expression for all aliases, shaped as a trie over their lowercase letters.

    An edge allows the exact letter of case-sensitive aliases and both cases for lowercase ones;
    where aliases differ only in case the pattern may over-match, and :func:`_lookup` checks.
    Optional tails are greedy, so the longest alias is tried first at every position.
    """
    root: dict = {}
    for alias, sensitive in aliases:
        node = root
        for ch in alias:
            low = ch.lower()
            key = low if len(low) == 1 else ch
            child = node.setdefault(key, [set(), {}])
            if sensitive or ch.lower() == ch.upper():
                child[0].add(ch)
            else:
                child[0].update({ch.lower(), ch.upper()})
            node = child[1]
        node[""] = None

    def emit(node) -> str:
        branches = [_edge_pattern(key, chars) + emit(sub) for key, (chars, sub) in sorted(
            ((k, v) for k, v in node.items() if k != ""))]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return r"(?<!\w)" + emit(root) + r"(?!\w)"


def _matcher(dictionary: ActorDictionary) -> _Matcher:
    cached = _MATCHERS.get(dictionary.fingerprint)
    if cached is not None:
        return cached
    table = pd.concat([dictionary.aliases[["actor", "alias", "case_sensitive"]],
                       dictionary.ignored[["alias", "case_sensitive"]].assign(actor="")], ignore_index=True)
    exact, folded = {}, {}
    for actor, alias, sensitive in zip(table["actor"], table["alias"], table["case_sensitive"]):
        (exact if sensitive else folded)[alias if sensitive else alias.lower()] = (actor, alias)
    pairs = list(zip(table["alias"], table["case_sensitive"]))
    pattern = re.compile(_trie_pattern(pairs)) if pairs else re.compile(r"(?!x)x")
    matcher = _Matcher(pattern, exact, folded)
    if len(_MATCHERS) > 16:
        _MATCHERS.clear()
    _MATCHERS[dictionary.fingerprint] = matcher
    return matcher


def _lookup(matcher: _Matcher, text: str):
    hit = matcher.exact.get(text)
    if hit is not None:
        return hit
    hit = matcher.folded.get(text.lower())
    if hit is not None:
        return hit
    norm = _WS.sub(" ", text).replace("’", "'")
    if norm != text:
        return matcher.exact.get(norm) or matcher.folded.get(norm.lower())
    return None


def _scan(matcher: _Matcher, text: str):
    """(start, end, actor, alias) of every match in ``text``: leftmost, longest, not overlapping."""
    starts, ends, actors, aliases = [], [], [], []
    search = matcher.pattern.search
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            break
        s, e = m.span()
        hit = _lookup(matcher, m.group())
        if hit is None:
            # the pattern over-matched (case): the longest valid alias that is a prefix, if any
            for cut in range(e - 1, s, -1):
                if _WORD.match(text, cut) is None and not text[cut - 1].isspace():
                    hit = _lookup(matcher, text[s:cut])
                    if hit is not None:
                        e = cut
                        break
            if hit is None:
                pos = s + 1
                continue
        pos = e
        if not hit[0]:
            continue  # an ignored phrase: it takes the text, then is dropped
        starts.append(s)
        ends.append(e)
        actors.append(hit[0])
        aliases.append(hit[1])
    return starts, ends, actors, aliases


def _empty_mentions(id_column="doc_id") -> pd.DataFrame:
    return pd.DataFrame({
        id_column: pd.Series([], dtype=str), "sent_id": pd.Series([], dtype="int64"),
        "actor": pd.Series([], dtype=str), "alias": pd.Series([], dtype=str),
        "start": pd.Series([], dtype="int64"), "end": pd.Series([], dtype="int64"),
    })


def find_mentions(
    sentences: pd.DataFrame,
    dictionary,
    *,
    roll_up: bool = False,
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Find the actors a dictionary names in each sentence.

    A pure, deterministic function of the sentences and the dictionary (safe to run per batch in
    worker processes). See the module docstring for the matching rules.

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence: ``doc_id``, ``sent_id``, ``start`` (offset of the sentence in the
        document text), ``text``.
    dictionary : ActorDictionary or path-like
        A loaded dictionary (:func:`load_actors`) or the path of one.
    roll_up : bool
        Replace each actor by the actor it is a ``member_of`` (see :func:`roll_up_mentions`);
        a ``date`` column in ``sentences``, when present, decides date-bounded memberships.
    id_column, text_column : str
        Column names in ``sentences``.

    Returns
    -------
    pandas.DataFrame
        One row per mention, in document order: ``doc_id``, ``sent_id``, ``actor`` (the id),
        ``alias`` (the dictionary alias that matched), ``start``, ``end`` (offsets into the
        document text: the sentence's ``start`` plus the offset within its text). With
        ``roll_up``, also ``mentioned`` (the actor before rolling up).

    Examples
    --------
    >>> d = parse_actors("actors:\\n- id: TUR\\n  aliases: [Turkey, Ankara]\\n- id: USA\\n  aliases: [US]\\n")
    >>> s = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "start": [10],
    ...                   "text": ["Ankara’s US-made jets, not USA or us, Turkey's."]})
    >>> find_mentions(s, d)[["actor", "alias", "start", "end"]].values.tolist()
    [['TUR', 'Ankara', 10, 16], ['USA', 'US', 19, 21], ['TUR', 'Turkey', 48, 54]]
    """
    dictionary = load_actors(dictionary)
    matcher = _matcher(dictionary)
    if len(sentences) == 0:
        return _empty_mentions(id_column)
    texts = sentences[text_column].tolist()
    joined = _SEPARATOR.join(texts)
    starts, ends, actors, aliases = _scan(matcher, joined)
    if not starts:
        mentions = _empty_mentions(id_column)
    else:
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        offsets = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        row = np.searchsorted(offsets, starts, side="right") - 1
        base = sentences["start"].to_numpy(dtype=np.int64)[row] - offsets[row]
        mentions = pd.DataFrame({
            id_column: pd.array(sentences[id_column].to_numpy(dtype=object)[row], dtype=str),
            "sent_id": sentences["sent_id"].to_numpy(dtype=np.int64)[row],
            "actor": pd.array(actors, dtype=str),
            "alias": pd.array(aliases, dtype=str),
            "start": starts + base,
            "end": ends + base,
        })
    if roll_up:
        dates = None
        if "date" in sentences.columns:
            dates = sentences[[id_column, "date"]].drop_duplicates(id_column)
        mentions = roll_up_mentions(mentions, dictionary, documents=dates, id_column=id_column)
    return mentions


def roll_up_mentions(
    mentions: pd.DataFrame,
    dictionary,
    *,
    documents: pd.DataFrame | None = None,
    id_column: str = "doc_id",
    date_column: str = "date",
) -> pd.DataFrame:
    """Replace each mentioned actor by the actor it is a ``member_of`` (a person by their state).

    Memberships are followed to the top (a minister to a government to a state). When an actor
    has several memberships, the first one written that holds on the article's date is used; an
    actor with no membership holding on that date stays itself (Mubarak in 2012 stays Mubarak).
    Without ``documents`` (no dates), every membership is taken to hold.

    Parameters
    ----------
    mentions : pandas.DataFrame
        One row per mention (as from :func:`find_mentions`).
    dictionary : ActorDictionary or path-like
        The dictionary whose ``memberships`` table is used.
    documents : pandas.DataFrame, optional
        One row per document with ``doc_id`` and ``date``, for date-bounded memberships.
    id_column, date_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        The mentions, same rows and order, with ``actor`` rolled up and a new column
        ``mentioned`` (the actor as found in the text).

    Examples
    --------
    >>> d = parse_actors("actors:\\n- id: TUR\\n  aliases: [Turkey]\\n- id: ERD\\n  member_of: TUR\\n  aliases: [Erdogan]\\n")
    >>> m = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "actor": ["ERD"], "alias": ["Erdogan"], "start": [0], "end": [7]})
    >>> roll_up_mentions(m, d)[["actor", "mentioned"]].values.tolist()
    [['TUR', 'ERD']]
    """
    dictionary = load_actors(dictionary)
    out = mentions.copy()
    out["mentioned"] = out["actor"]
    members = dictionary.memberships
    if members.empty or out.empty:
        return out
    if documents is not None:
        dates = documents.drop_duplicates(id_column).set_index(id_column)[date_column]
        when = pd.to_datetime(out[id_column].map(dates)).to_numpy(dtype="datetime64[ns]")
    else:
        when = np.full(len(out), np.datetime64("NaT"), dtype="datetime64[ns]")
    members = members.reset_index(drop=True)
    members["order"] = np.arange(len(members))
    current = out["actor"].to_numpy(dtype=object).copy()
    # each round moves every mention one level up; depth is bounded (no cycles, checked at load)
    for _ in range(len(dictionary.actors)):
        frame = pd.DataFrame({"row": np.arange(len(out)), "actor": current, "when": when})
        joined = frame.merge(members, on="actor", how="inner")
        if joined.empty:
            break
        if documents is not None:
            ok = ((joined["start"].isna() | joined["when"].isna() | (joined["when"] >= joined["start"]))
                  & (joined["end"].isna() | joined["when"].isna() | (joined["when"] <= joined["end"])))
            joined = joined[ok]
        if joined.empty:
            break
        first = joined.sort_values(["row", "order"]).drop_duplicates("row")
        current[first["row"].to_numpy()] = first["member_of"].to_numpy(dtype=object)
    out["actor"] = pd.array(current, dtype=str)
    return out


def count_mentions(
    mentions: pd.DataFrame,
    dictionary=None,
    *,
    documents: pd.DataFrame | None = None,
    period: str | None = None,
    id_column: str = "doc_id",
    date_column: str = "date",
) -> pd.DataFrame:
    """How often each actor is mentioned: mentions, sentences and articles.

    Parameters
    ----------
    mentions : pandas.DataFrame
        One row per mention.
    dictionary : ActorDictionary or path-like, optional
        Adds each actor's ``name`` and ``type``.
    documents : pandas.DataFrame, optional
        One row per article with ``date``; needed for ``period``.
    period : str, optional
        ``"M"``, ``"W"``, ``"Q"``, ``"Y"``...: count per period (a first column ``period``, the
        period's start date).
    id_column, date_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per actor (per period): ``actor``, ``name``, ``type`` (with a dictionary),
        ``mentions``, ``sentences`` (sentences mentioning it), ``documents`` (articles); most
        mentioned first.

    Examples
    --------
    >>> m = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 0, 3], "actor": ["TUR", "TUR", "TUR"]})
    >>> count_mentions(m)[["actor", "mentions", "sentences", "documents"]].values.tolist()
    [['TUR', 3, 2, 2]]
    """
    if period and documents is None:
        raise ValueError("counting by period needs the documents table (documents=...) for the dates")
    group = ["period", "actor"] if period else ["actor"]
    out = _count_by_codes(mentions, documents, period, id_column=id_column, date_column=date_column)
    if out is None:  # missing values, or too many keys for one integer: pandas' groupby
        frame = mentions[[id_column, "sent_id", "actor"]].copy()
        if period:
            dates = documents.drop_duplicates(id_column).set_index(id_column)[date_column]
            frame["period"] = pd.to_datetime(frame[id_column].map(dates)).dt.to_period(period).dt.start_time
        grouped = frame.groupby(group)
        out = pd.DataFrame({
            "mentions": grouped.size(),
            "sentences": frame.drop_duplicates(group + [id_column, "sent_id"]).groupby(group).size(),
            "documents": grouped[id_column].nunique(),
        }).reset_index()
    for column in ("mentions", "sentences", "documents"):
        out[column] = out[column].astype("int64")
    out["actor"] = out["actor"].astype(str)
    if dictionary is not None:
        info = load_actors(dictionary).actors.set_index("actor")
        out.insert(len(group), "name", out["actor"].map(info["name"]).fillna(out["actor"]).astype(str))
        out.insert(len(group) + 1, "type", out["actor"].map(info["type"]).fillna("").astype(str))
    order = (["period"] if period else []) + ["mentions", "actor"]
    ascending = ([True] if period else []) + [False, True]
    return out.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def _count_by_codes(mentions, documents, period, *, id_column, date_column):
    """count_mentions' counts per (period and) actor on integer codes: mentions, distinct sentences
    and distinct articles (5 million mentions: 0.5 s instead of 1.9 s for pandas' groupby of the
    strings). ``None`` where a key is missing or the keys do not fit one integer."""
    ids, sent, actors = mentions[id_column], mentions["sent_id"], mentions["actor"]
    if ids.isna().any() or actors.isna().any() or sent.isna().any():
        return None
    doc_codes, doc_values = pd.factorize(ids)
    actor_codes, actor_values = pd.factorize(actors)
    sent = sent.to_numpy(dtype=np.int64)
    n_docs, n_actors = max(len(doc_values), 1), max(len(actor_values), 1)
    group = actor_codes.astype(np.int64)
    periods = None
    if period:
        dates = documents.drop_duplicates(id_column).set_index(id_column)[date_column]
        starts = pd.to_datetime(pd.Series(doc_values, dtype=object).map(dates)).dt.to_period(period).dt.start_time
        if starts.isna().any():
            return None
        period_codes, periods = pd.factorize(starts)
        group = period_codes[doc_codes].astype(np.int64) * n_actors + group
    n_groups = n_actors * (len(periods) if periods is not None else 1)
    width = int(sent.max()) + 1 if len(sent) and sent.min() >= 0 else 0
    if not width or n_groups * n_docs * width >= 2**62:
        return None
    in_doc = group * n_docs + doc_codes
    mentions_per = np.bincount(group, minlength=n_groups)
    documents_per = np.bincount(distinct(in_doc) // n_docs, minlength=n_groups)
    sentences_per = np.bincount(distinct(in_doc * width + sent) // (n_docs * width), minlength=n_groups)
    present = np.flatnonzero(mentions_per)
    out = pd.DataFrame({"actor": np.asarray(actor_values, dtype=object)[present % n_actors]})
    if periods is not None:
        out.insert(0, "period", pd.DatetimeIndex(periods)[present // n_actors])
    out["mentions"], out["sentences"] = mentions_per[present], sentences_per[present]
    out["documents"] = documents_per[present]
    return out


# ---------------------------------------------------------------------------------------------
# candidates

_PARTICLES = "of|al|el|bin|ibn|bint|abu|de|du|da|di|la|le|van|von|der"
_CAP_WORD = r"(?:(?:al|el|ad|as|ash|an|ar|at|az)-)?[A-Z]\w*(?:['’](?![sS]\b)[a-z]\w*|[-'’][A-Z]\w*)*"
_PHRASE = re.compile(rf"(?<![\w'’-]){_CAP_WORD}(?: (?:(?:{_PARTICLES}) )?{_CAP_WORD})*")
# words that open a phrase only because they open a sentence (compared as written, capitalised)
_LEADING = frozenset(w.capitalize() for w in """
a an the this that these those there here it its he she his her him they them their we our i my
you your but and or so yet if when while as at in on of for from by with to into after before
since during however meanwhile although though also then now still later earlier last next
mr mrs ms dr sir many some most several all both each every other another such no not one two
what which who whom whose where why how said says according
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december
""".split())
_PARTICLE_SET = frozenset(_PARTICLES.split("|"))
_CANDIDATE_COLUMNS = ["candidate", "count", "documents", "example", "doc_id", "sent_id"]


def _empty_candidates(id_column="doc_id") -> pd.DataFrame:
    return pd.DataFrame({(id_column if c == "doc_id" else c):
                         pd.Series([], dtype="int64" if c in ("count", "documents", "sent_id") else str)
                         for c in _CANDIDATE_COLUMNS})


def find_candidates(
    sentences: pd.DataFrame,
    dictionary=None,
    *,
    mentions: pd.DataFrame | None = None,
    min_count: int = 3,
    top: int | None = 50,
    max_sentences: int | None = 200_000,
    seed: int = 0,
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Propose new actors: frequent proper-noun phrases that no alias of the dictionary covers.

    A proper-noun phrase is a run of capitalised words, which may be joined by name particles
    (``of``, ``al``, ``bin``, ``de``, ...) and may carry an Arabic article (``al-Assad``).
    Leading function words, days and months are dropped (``However Damascus`` -> ``Damascus``).
    An occurrence is *covered* when it overlaps a mention. A one-word phrase is only proposed when
    the word is seldom written in lowercase (fewer lowercase than capitalised occurrences), which
    keeps out ordinary words that open a sentence. Acronyms (``NTV``) are proposed too.

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence: ``doc_id``, ``sent_id``, ``start``, ``text``.
    dictionary : ActorDictionary or path-like, optional
        The dictionary whose aliases count as covered (used when ``mentions`` is not given).
    mentions : pandas.DataFrame, optional
        The mentions already found in these sentences (saves matching again).
    min_count : int
        Least number of uncovered occurrences to propose a phrase.
    top : int or None
        How many to return (all when ``None``).
    max_sentences : int or None
        Read at most this many sentences: above it, a random sample of that many (drawn with
        ``seed``, kept in table order), so the work stays bounded on a large corpus; the counts are
        then counts in the sample, and ``attrs["sampled"]`` holds (sentences read, sentences
        given). ``None`` reads every sentence.
    seed : int
        Seed of the sample: the same sentences and seed give the same candidates.
    id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per proposed phrase, most frequent first: ``candidate``, ``count`` (uncovered
        occurrences), ``documents`` (articles it occurs in), ``example`` (the text of the first
        sentence it occurs in), ``doc_id``, ``sent_id`` (where that sentence is).
        ``attrs["sampled"]`` is ``None`` when every sentence was read.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "start": [0, 30],
    ...                   "text": ["Fuat Oktay met the Turks.", "Then Fuat Oktay left."]})
    >>> d = parse_actors("actors:\\n- id: TUR\\n  aliases: [Turks]\\n")
    >>> find_candidates(s, d, min_count=2)[["candidate", "count", "documents"]].values.tolist()
    [['Fuat Oktay', 2, 1]]
    """
    sampled = None
    if max_sentences is not None and len(sentences) > max_sentences:
        rows = np.sort(np.random.default_rng(seed).choice(len(sentences), size=max_sentences, replace=False))
        sampled = (int(max_sentences), int(len(sentences)))
        sentences = sentences.iloc[rows]
        if mentions is not None and len(mentions):  # the mentions of the sampled sentences
            keys = sentences[[id_column, "sent_id"]].drop_duplicates()
            mentions = mentions.merge(keys.astype({id_column: mentions[id_column].dtype}), on=[id_column, "sent_id"])
    result = _find_candidates(sentences, dictionary, mentions=mentions, min_count=min_count, top=top,
                              id_column=id_column, text_column=text_column)
    result.attrs["sampled"] = sampled
    return result


def _find_candidates(sentences, dictionary, *, mentions, min_count, top, id_column, text_column):
    if len(sentences) == 0:
        return _empty_candidates(id_column)
    if mentions is None:
        mentions = find_mentions(sentences, dictionary, id_column=id_column, text_column=text_column) \
            if dictionary is not None else _empty_mentions(id_column)
    texts = sentences[text_column].tolist()
    joined = _SEPARATOR.join(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    offsets = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])

    phrases, spans = [], []
    for m in _PHRASE.finditer(joined):
        words = m.group().split(" ")
        start = m.start()
        while words and (words[0] in _LEADING or words[0] in _PARTICLE_SET):
            start += len(words[0]) + 1
            words = words[1:]
        while words and words[-1] in _PARTICLE_SET:
            words = words[:-1]
        if not words:
            continue
        phrase = " ".join(words)
        phrases.append(phrase)
        spans.append((start, start + len(phrase)))
    if not phrases:
        return _empty_candidates(id_column)
    spans = np.asarray(spans, dtype=np.int64)
    row = np.searchsorted(offsets, spans[:, 0], side="right") - 1
    frame = pd.DataFrame({"candidate": phrases, "row": row,
                          "start": spans[:, 0] - offsets[row] + sentences["start"].to_numpy(np.int64)[row]})
    frame["end"] = frame["start"] + frame["candidate"].str.len()
    frame[id_column] = sentences[id_column].to_numpy(dtype=object)[row]
    frame["sent_id"] = sentences["sent_id"].to_numpy(dtype=np.int64)[row]

    # covered: overlaps a mention in the same sentence
    if len(mentions):
        pairs = frame.reset_index().merge(mentions[[id_column, "sent_id", "start", "end"]],
                                          on=[id_column, "sent_id"], suffixes=("", "_m"))
        overlap = (pairs["start"] < pairs["end_m"]) & (pairs["start_m"] < pairs["end"])
        frame = frame.drop(index=pairs.loc[overlap, "index"].unique())

    # one-word phrases must be rarer in lowercase than capitalised across the corpus
    single = frame["candidate"].str.fullmatch(r"[\w'’-]+")
    if single.any():
        lower_counts = pd.Series(re.findall(r"(?<![\w-])[a-z][\w]*", joined)).value_counts()
        caps = frame.loc[single, "candidate"].value_counts()
        lowered = pd.Series({w: lower_counts.get(w.lower(), 0) for w in caps.index}, dtype="int64")
        common = set(lowered[lowered >= caps.reindex(lowered.index)].index)
        frame = frame[~(frame["candidate"].isin(common) & single)]

    grouped = frame.groupby("candidate", sort=False)
    result = pd.DataFrame({
        "count": grouped.size(),
        "documents": grouped[id_column].nunique(),
        "row": grouped["row"].first(),
    }).reset_index()
    result = result[result["count"] >= min_count]
    result = result.sort_values(["count", "candidate"], ascending=[False, True], kind="stable")
    if top is not None:
        result = result.head(top)
    rows = result["row"].to_numpy()
    result = pd.DataFrame({
        "candidate": pd.array(result["candidate"].to_numpy(dtype=object), dtype=str),
        "count": result["count"].to_numpy(dtype="int64"),
        "documents": result["documents"].to_numpy(dtype="int64"),
        "example": pd.array(np.asarray(texts, dtype=object)[rows] if len(rows) else [], dtype=str),
        id_column: pd.array(sentences[id_column].to_numpy(dtype=object)[rows], dtype=str),
        "sent_id": sentences["sent_id"].to_numpy(dtype=np.int64)[rows],
    })
    return result.reset_index(drop=True)
