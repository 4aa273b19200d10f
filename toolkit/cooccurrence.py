"""Actor co-occurrence: pairs within a window, their association, networks, change over time, evidence.

Counting (from a ``mentions`` table, see :func:`toolkit.actors.find_mentions`) is kept apart from
scoring (the pure measures in :mod:`toolkit.measures`). A *window* turns the text into units, and
two actors co-occur in a unit when both are mentioned in it:

* ``"sentence"``, ``"paragraph"``, ``"document"``: each sentence / paragraph / article is a unit.
  Pass the ``sentences`` table (and ``documents`` for articles without any sentence) so that the
  total counts every unit, including those without any mention; without it the total is the
  number of units that mention at least one actor (and the measures describe that population).
* an integer ``N`` (``±N`` tokens): each mention is a unit, together with every actor mentioned
  within ``N`` tokens of it (in the same article, across sentences); needs the ``tokens`` table.
  The total is the number of mentions. One mention of A four tokens from one of B gives two units
  holding both (A's and B's): the joint count counts neighbourhoods, not encounters.

For each pair the 2x2 table is ``joint`` (units with both), ``count_a``, ``count_b`` (units with
each) and ``total`` (units), in Evert's (2008) notation ``o11 = joint, r1 = count_a,
c1 = count_b, n = total``; from it come PMI, NPMI, log-likelihood G2 with its p-value, Jaccard
and Dice (sources in :mod:`toolkit.measures`). G2 is large for pairs seen together much *less*
often than chance too: compare ``joint`` with ``expected``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from . import measures
from .errors import ToolkitError

if TYPE_CHECKING:  # networkx is imported where a graph is built or read (``import toolkit`` stays light)
    import networkx as nx

__all__ = [
    "count_pairs",
    "score_pairs",
    "list_partners",
    "build_graph",
    "describe_graph",
    "find_communities",
    "export_graph",
    "graphs_by_period",
    "compare_periods",
    "find_evidence",
    "PAIR_COLUMNS",
]

PAIR_COLUMNS = ["actor_a", "actor_b", "joint", "count_a", "count_b", "total", "expected",
                "pmi", "npmi", "log_likelihood", "p_value", "jaccard", "dice"]
_WINDOWS = ("sentence", "paragraph", "document")


# ---------------------------------------------------------------------------------------------
# units


def _check_window(window):
    if isinstance(window, (int, np.integer)) and not isinstance(window, bool):
        if window < 0:
            raise ValueError(f"a token window must be >= 0, not {window}")
        return int(window)
    if isinstance(window, str) and window.isdigit():
        return int(window)
    if window not in _WINDOWS:
        raise ValueError(f"window must be one of {_WINDOWS} or a number of tokens, not {window!r}")
    return window


def _token_spans(mentions, tokens, id_column):
    """First and last token position of each mention (tokens of the same document), and the
    code of its article."""
    if tokens is None:
        raise ValueError("a window of N tokens needs the tokens table (tokens=...)")
    (code, tok_codes), _ = _codes(mentions[id_column], tokens[id_column], missing_ok=True)
    starts = tokens["start"].to_numpy(np.int64)
    big = int(max(starts.max(initial=0), mentions["end"].max() if len(mentions) else 0)) + 2
    keys = tok_codes * big + starts
    positions = tokens["position"].to_numpy(np.int64)
    if len(keys) > 1 and not (keys[1:] >= keys[:-1]).all():  # tokens as read are in order: no sort
        order = np.argsort(keys, kind="stable")
        keys, positions, tok_codes = keys[order], positions[order], tok_codes[order]
    first = np.searchsorted(keys, code * big + mentions["start"].to_numpy(np.int64), side="right") - 1
    last = np.searchsorted(keys, code * big + mentions["end"].to_numpy(np.int64) - 1, side="right") - 1
    ok = (first >= 0) & (tok_codes[np.clip(first, 0, None)] == code) if len(keys) else np.zeros(len(code), bool)
    if not ok.all():
        raise ValueError("some mentions fall outside the tokens given (are tokens and mentions of the same documents?)")
    return positions[first], positions[np.maximum(last, first)], code


def _neighbours(mentions, tokens, n, id_column):
    """For each mention (anchor), the indices of all mentions within n tokens (itself included).

    Returns (anchor, other) index arrays into ``mentions`` (in the given row order).
    """
    first, last, code = _token_spans(mentions, tokens, id_column)
    order = np.lexsort((first, code))
    code, first, last = code[order], first[order], last[order]
    big = int(last.max() if len(last) else 0) + n + 2
    key_first = code * big + first
    key_last = code * big + last  # mentions do not overlap, so this is sorted too
    lo = np.searchsorted(key_last, code * big + np.maximum(first - n, 0), side="left")
    hi = np.searchsorted(key_first, code * big + last + n, side="right")
    counts = hi - lo
    anchor = np.repeat(np.arange(len(order)), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    other = np.repeat(lo, counts) + step
    return order[anchor], order[other]


def _incidence(mentions, window, *, sentences, tokens, documents, id_column, actor_column):
    """Units and the actors in each, by joins on the key columns (the general case).

    :func:`_units_by_codes` counts the same units on integer keys; this is what it falls back to
    when the tables are unusual (missing values, repeated sentences, mentions in sentences the
    sentences table does not hold for a paragraph window).

    Returns
    -------
    (incidence, units)
        ``incidence``: one row per unit and actor (``unit``, ``doc_id``, ``actor``);
        ``units``: one row per unit of the corpus (``unit``, ``doc_id``), for the totals.
    """
    m = mentions[[id_column, "sent_id", actor_column, "start", "end"]].reset_index(drop=True)
    m = m.rename(columns={actor_column: "actor", id_column: "doc_id"})
    if isinstance(window, int):
        anchor, other = _neighbours(m, tokens.rename(columns={id_column: "doc_id"}) if tokens is not None else None,
                                    window, "doc_id")
        inc = pd.DataFrame({"unit": anchor, "doc_id": m["doc_id"].to_numpy(object)[anchor],
                            "actor": m["actor"].to_numpy(object)[other]})
        units = pd.DataFrame({"unit": np.arange(len(m)), "doc_id": m["doc_id"].to_numpy(object)})
        return inc.drop_duplicates(["unit", "actor"]), units

    sents = None
    if sentences is not None:
        sents = sentences.rename(columns={id_column: "doc_id"})
    if window == "sentence":
        keys = ["doc_id", "sent_id"]
        all_units = sents[keys] if sents is not None else m[keys]
    elif window == "paragraph":
        if sents is None:
            raise ValueError("the paragraph window needs the sentences table (sentences=...) for paragraph_id")
        m = m.merge(sents[["doc_id", "sent_id", "paragraph_id"]], on=["doc_id", "sent_id"], how="left")
        keys = ["doc_id", "paragraph_id"]
        all_units = sents[keys]
    else:
        keys = ["doc_id"]
        parts = [m[keys]]
        if sents is not None:
            parts.append(sents[keys])
        if documents is not None:
            parts.append(documents[[id_column]].rename(columns={id_column: "doc_id"}))
        all_units = pd.concat(parts, ignore_index=True) if sents is not None or documents is not None else m[keys]
    units = all_units.drop_duplicates().reset_index(drop=True)
    units["unit"] = np.arange(len(units))
    inc = m.merge(units, on=keys, how="left")
    missing = inc["unit"].isna()
    if missing.any():  # mentions in units the sentences table does not have: add them
        extra = inc.loc[missing, keys].drop_duplicates().reset_index(drop=True)
        extra["unit"] = np.arange(len(units), len(units) + len(extra))
        units = pd.concat([units, extra], ignore_index=True)
        inc = m.merge(units, on=keys, how="left")
    inc = inc[["unit", "doc_id", "actor"]].drop_duplicates(["unit", "actor"])
    inc["unit"] = inc["unit"].astype(np.int64)
    return inc, units[["unit", "doc_id"]]


class _Units(NamedTuple):
    """The units of co-occurrence and the actors in them, as integer keys (what count_pairs counts).

    ``entry_unit``, ``entry_actor``: one row per mention (a token window: per mention and each
    mention within reach), the key of its unit and the code of the actor; repeats allowed.
    ``units``: the sorted, distinct keys of the units the tables know of (sentences, paragraphs,
    articles; counting adds the units of mentions not among them). A key divided by ``width``
    is the code of its article; ``docs`` holds the article ids by code, ``actors`` the actor ids
    sorted, so that code order is id order.
    """

    entry_unit: np.ndarray
    entry_actor: np.ndarray
    units: np.ndarray
    width: int
    docs: pd.Index
    actors: pd.Index


def _plain_index(values) -> pd.Index:
    values = pd.Index(values)
    return pd.Index(np.asarray(values, dtype=object)) if isinstance(values.dtype, pd.CategoricalDtype) else values


def _codes(*columns, missing_ok: bool = False):
    """Shared integer codes for the values of several columns: ([codes, ...], uniques by code).

    ``None`` when a value is missing (unless ``missing_ok``: then it is a value like the others).
    """
    out, uniques = [], None
    for column in columns:
        codes, values = pd.factorize(column, use_na_sentinel=not missing_ok)
        if (codes < 0).any():
            return None
        values = _plain_index(values)
        codes = codes.astype(np.int64)
        if uniques is None:
            uniques = values
            out.append(codes)
            continue
        where = uniques.get_indexer(values)
        new = where < 0
        if new.any():
            where[new] = len(uniques) + np.arange(int(new.sum()))
            uniques = uniques.append(values[new])
        out.append(where.astype(np.int64)[codes] if len(codes) else codes)
    return out, uniques


def _actor_codes(column, *, missing_ok: bool = False):
    """Codes of the actors in id order ((codes, sorted ids)); a missing actor gets -1 with
    ``missing_ok``, else ``None``; ``None`` too when the ids cannot be ordered."""
    codes, values = pd.factorize(column)
    if (codes < 0).any() and not missing_ok:
        return None
    values = _plain_index(values)
    try:
        sorter = values.argsort(kind="stable")
        actors = values.take(sorter)
        if len(actors) > 1 and not (actors[1:] > actors[:-1]).all():
            return None
    except TypeError:
        return None
    rank = np.empty(len(values), np.int64)
    rank[sorter] = np.arange(len(values))
    if not len(values):
        return codes.astype(np.int64), actors
    if missing_ok and (codes < 0).any():
        return np.where(codes < 0, -1, rank[np.maximum(codes, 0)]), actors
    return rank[codes], actors


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    if len(keys) < 2 or (keys[1:] > keys[:-1]).all():
        return keys
    keys = np.sort(keys, kind="stable")
    return keys[_starts(keys)]


def _ints(column) -> np.ndarray | None:
    """A whole-number column as int64, or None (missing values, fractions, negative numbers)."""
    try:
        values = column.to_numpy(np.int64)
    except (TypeError, ValueError):
        return None
    if len(values) and values.min() < 0:
        return None
    return values


def _units_by_codes(mentions, window, *, sentences, tokens, documents, id_column, actor_column) -> _Units | None:
    """The units of :func:`_incidence` on integer keys (article codes times a width plus the
    sentence, paragraph or mention number) instead of joins on strings. ``None`` where the tables
    are unusual (see :func:`_incidence`)."""
    coded = _actor_codes(mentions[actor_column])
    if coded is None:
        return None
    entry_actor, actors = coded
    m_sent = _ints(mentions["sent_id"])
    if m_sent is None:
        return None
    if isinstance(window, int):
        shared = _codes(mentions[id_column])
        if shared is None:
            return None
        (m_doc,), docs = shared
        m = mentions[[id_column, "start", "end"]].reset_index(drop=True)
        anchor, other = _neighbours(m, tokens, window, id_column)
        width = max(len(m), 1)
        return _Units(m_doc[anchor] * width + anchor, entry_actor[other],
                      np.sort(m_doc * width + np.arange(len(m))), width, docs, actors)
    parts = [mentions[id_column]]
    if sentences is not None:
        parts.append(sentences[id_column])
    if window == "document" and documents is not None:
        parts.append(documents[id_column])
    shared = _codes(*parts)
    if shared is None:
        return None
    (m_doc, *other_docs), docs = shared
    if window == "document":
        units = _sorted_unique(np.concatenate(other_docs)) if other_docs else np.empty(0, np.int64)
        return _Units(m_doc, entry_actor, units, 1, docs, actors)
    s_doc = other_docs[0] if sentences is not None else np.empty(0, np.int64)
    s_sent = _ints(sentences["sent_id"]) if sentences is not None else np.empty(0, np.int64)
    if s_sent is None:
        return None
    width = int(max(s_sent.max(initial=0), m_sent.max(initial=0))) + 1
    s_key = s_doc * width + s_sent
    m_key = m_doc * width + m_sent
    if window == "sentence":
        return _Units(m_key, entry_actor, _sorted_unique(s_key), width, docs, actors)
    if sentences is None:
        return None
    s_para = _ints(sentences["paragraph_id"])
    if s_para is None:
        return None
    if len(s_key) > 1 and not (s_key[1:] > s_key[:-1]).all():
        sorter = np.argsort(s_key, kind="stable")
        s_key, s_para, s_doc = s_key[sorter], s_para[sorter], s_doc[sorter]
        if (s_key[1:] == s_key[:-1]).any():  # a sentence twice: the joins decide
            return None
    at = np.searchsorted(s_key, m_key)
    if len(m_key) and (len(s_key) == 0 or at.max() >= len(s_key) or (s_key[at] != m_key).any()):
        return None  # a mention in a sentence the table does not hold: the joins decide
    p_width = int(s_para.max(initial=0)) + 1
    return _Units(m_doc * p_width + s_para[at], entry_actor,
                  _sorted_unique(s_doc * p_width + s_para), p_width, docs, actors)


def _units_by_joins(mentions, window, *, sentences, tokens, documents, id_column, actor_column) -> _Units:
    """:func:`_incidence`'s units as a :class:`_Units`."""
    inc, units = _incidence(mentions, window, sentences=sentences, tokens=tokens, documents=documents,
                            id_column=id_column, actor_column=actor_column)
    (unit_doc,), docs = _codes(units["doc_id"], missing_ok=True)
    width = max(len(units), 1)
    unit_key = unit_doc * width + units["unit"].to_numpy(np.int64)
    entry_actor, actors = _actor_codes(inc["actor"], missing_ok=True)
    known = entry_actor >= 0  # a missing actor is in no pair and has no count; its unit still counts
    at = inc["unit"].to_numpy(np.int64)[known]
    lookup = np.empty(len(units), np.int64)
    lookup[units["unit"].to_numpy(np.int64)] = unit_key
    return _Units(lookup[at], entry_actor[known], np.sort(unit_key), width, docs, actors)


def _periods(doc_ids, documents, period, id_column, date_column):
    """The start of the period of each article of ``doc_ids`` (distinct ids; NaT: no date)."""
    if documents is None:
        raise ValueError("counting by period needs the documents table (documents=...) for the dates")
    table = documents.drop_duplicates(id_column)
    at = pd.Index(table[id_column]).get_indexer(pd.Index(doc_ids))
    when = pd.to_datetime(pd.Series(table[date_column].array.take(at, allow_fill=True)))
    return when.dt.to_period(period).dt.start_time.to_numpy()


_PAIR_CHUNK = 1 << 23  # pairs made at once (memory stays bounded on long windows)
_DENSE_CELLS = 1 << 22  # up to this many period x actor x actor cells, pairs are counted in an array


def _starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values begins (``values`` sorted)."""
    fresh = np.empty(len(values), bool)
    if len(values):
        fresh[0] = True
        np.not_equal(values[1:], values[:-1], out=fresh[1:])
    return fresh


def _count_units(u: _Units, period_of_doc: np.ndarray, n_periods: int, min_count: int):
    """Count the units: (totals per period, units per period and actor, pairs).

    ``period_of_doc``: each article's period code (-1: no period, its units are not counted).
    The pairs are arrays ``(period, a, b, joint)`` with ``a < b`` (actor codes), in that order,
    those with ``joint >= min_count``.
    """
    n_act = max(len(u.actors), 1)
    key = u.entry_unit * n_act + u.entry_actor
    key.sort(kind="stable")  # mostly in order already: fast
    unit, actor = np.divmod(key[_starts(key)], n_act)  # each actor once per unit
    del key
    first = np.flatnonzero(_starts(unit))
    mentioned = unit[first]  # the units with a mention, and how many actors each holds
    sizes = np.diff(np.append(first, len(unit)))
    del unit
    at = np.searchsorted(u.units, mentioned)
    known = (at < len(u.units)) & (u.units[np.minimum(at, max(len(u.units) - 1, 0))] == mentioned) \
        if len(u.units) else np.zeros(len(mentioned), bool)
    n_docs = len(u.docs)
    per_doc = np.bincount(u.units // u.width, minlength=n_docs) \
        + np.bincount(mentioned[~known] // u.width, minlength=n_docs)
    counted = period_of_doc >= 0
    totals = np.bincount(period_of_doc[counted], weights=per_doc[counted], minlength=n_periods).round().astype(np.int64)

    period_of_unit = period_of_doc[mentioned // u.width]
    period = np.repeat(period_of_unit, sizes)
    ok = period >= 0
    cell = period * n_act + actor
    counts = np.bincount(cell[ok] if not ok.all() else cell, minlength=n_periods * n_act).reshape(n_periods, n_act)

    # every pair of actors of a unit holding two or more (most hold one): each entry with those after it
    multi = (sizes >= 2) & (period_of_unit >= 0)
    chosen = np.repeat(multi, sizes)
    actor, period, sizes = actor[chosen], period[chosen], sizes[multi]
    ends = np.cumsum(sizes)
    after = np.repeat(ends, sizes) - np.arange(len(actor)) - 1
    done = np.concatenate([[0], np.cumsum(after)])
    cells = n_periods * n_act * n_act
    dense = np.zeros(cells, np.int64) if cells <= _DENSE_CELLS else None
    sparse = []
    lo = 0
    while lo < len(actor):
        hi = int(np.searchsorted(done, done[lo] + _PAIR_CHUNK, side="right")) - 1
        hi = min(max(hi, lo + 1), len(actor))
        step = after[lo:hi]
        left = np.repeat(np.arange(lo, hi), step)
        right = left + 1 + np.arange(len(left)) - np.repeat(done[lo:hi] - done[lo], step)
        pair = (period[left] * n_act + actor[left]) * n_act + actor[right]
        if dense is not None:
            dense += np.bincount(pair, minlength=cells)
        else:
            pair.sort()
            starts = np.flatnonzero(_starts(pair))
            sparse.append((pair[starts], np.diff(np.append(starts, len(pair)))))
        lo = hi
    if dense is not None:
        pair = np.flatnonzero(dense)
        joint = dense[pair]
    elif sparse:
        pair = np.concatenate([p for p, _ in sparse])
        joint = np.concatenate([j for _, j in sparse])
        if len(sparse) > 1:
            order = np.argsort(pair, kind="stable")
            pair, joint = pair[order], joint[order]
            starts = np.flatnonzero(_starts(pair))
            pair, joint = pair[starts], np.add.reduceat(joint, starts)
    else:
        pair = joint = np.empty(0, np.int64)
    enough = joint >= min_count
    pair, joint = pair[enough], joint[enough]
    a_b = pair % (n_act * n_act)
    return totals, counts, (pair // (n_act * n_act), a_b // n_act, a_b % n_act, joint)


# ---------------------------------------------------------------------------------------------
# counting and scoring


def score_pairs(pairs: pd.DataFrame, *, joint: str = "joint", count_a: str = "count_a",
                count_b: str = "count_b", total: str = "total") -> pd.DataFrame:
    """Add association measures to a table of pair counts.

    Parameters
    ----------
    pairs : pandas.DataFrame
        One row per pair, with the joint count, each actor's count and the total.
    joint, count_a, count_b, total : str
        Their column names.

    Returns
    -------
    pandas.DataFrame
        The same rows with ``expected`` (``count_a * count_b / total``), ``pmi``, ``npmi``,
        ``log_likelihood`` (G2), ``p_value`` (of G2, one degree of freedom), ``jaccard``, ``dice``.

    Examples
    --------
    >>> p = pd.DataFrame({"joint": [2], "count_a": [10], "count_b": [4], "total": [80]})
    >>> score_pairs(p)[["expected", "pmi", "dice"]].round(4).values.tolist()
    [[0.5, 2.0, 0.2857]]
    """
    out = pairs.copy()
    o11, r1, c1, n = (out[c].astype(float) for c in (joint, count_a, count_b, total))
    out["expected"] = measures.expected_count(r1, c1, n)
    out["pmi"] = measures.pmi(o11, r1, c1, n)
    out["npmi"] = measures.npmi(o11, r1, c1, n)
    out["log_likelihood"] = measures.log_likelihood(*measures.cells_from_margins(o11, r1, c1, n))
    out["p_value"] = measures.p_value(out["log_likelihood"])
    out["jaccard"] = measures.jaccard(o11, r1, c1, n)
    out["dice"] = measures.dice(o11, r1, c1, n)
    return out


def count_pairs(
    mentions: pd.DataFrame,
    *,
    window="sentence",
    sentences: pd.DataFrame | None = None,
    tokens: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    period: str | None = None,
    min_count: int = 1,
    id_column: str = "doc_id",
    actor_column: str = "actor",
    date_column: str = "date",
) -> pd.DataFrame:
    """Count and score the pairs of actors that co-occur within a window.

    Parameters
    ----------
    mentions : pandas.DataFrame
        One row per mention: ``doc_id``, ``sent_id``, ``actor``, ``start``, ``end``.
    window : {"sentence", "paragraph", "document"} or int
        The unit of co-occurrence, or ``N`` for mentions within ``N`` tokens (see the module
        docstring for what is counted).
    sentences : pandas.DataFrame, optional
        One row per sentence; needed for ``"paragraph"``, and for totals that include the units
        without mentions.
    tokens : pandas.DataFrame, optional
        One row per token (``doc_id``, ``position``, ``start``); needed for a token window.
    documents : pandas.DataFrame, optional
        One row per article (``doc_id``, ``date``); needed for ``period``.
    period : str, optional
        A pandas period (``"M"`` month, ``"W"`` week, ``"Q"``, ``"Y"``): count each period apart.
    min_count : int
        Least joint count for a pair to be listed (minimum support).
    id_column, actor_column, date_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per pair (per period: a first column ``period``, the period's start date) with
        ``actor_a`` < ``actor_b``: ``joint``, ``count_a``, ``count_b``, ``total``, ``expected``,
        ``pmi``, ``npmi``, ``log_likelihood``, ``p_value``, ``jaccard``, ``dice``; the largest
        joint counts first.

    Notes
    -----
    Counted on integer keys (article codes, sentence or paragraph numbers, actor codes in id
    order) with numpy, not by joining the tables on their text columns: a few seconds for
    millions of mentions. Id columns may be text or ``category``. Tables that cannot be keyed so
    (missing values; for a paragraph window, a sentence listed twice or a mention in a sentence
    the table lacks) are counted by joins, with the same result.

    Examples
    --------
    >>> m = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 0, 1], "actor": ["A", "B", "A"],
    ...                   "start": [0, 5, 20], "end": [1, 6, 21]})
    >>> s = pd.DataFrame({"doc_id": ["d"] * 4, "sent_id": [0, 1, 2, 3]})
    >>> count_pairs(m, sentences=s)[["actor_a", "actor_b", "joint", "count_a", "count_b", "total"]].values.tolist()
    [['A', 'B', 1, 2, 1, 4]]
    """
    window = _check_window(window)
    columns = (["period"] if period else []) + PAIR_COLUMNS
    if len(mentions) == 0:
        return _empty_pairs(columns)
    options = dict(sentences=sentences, tokens=tokens, documents=documents, id_column=id_column,
                   actor_column=actor_column)
    units = _units_by_codes(mentions, window, **options)
    if units is None:
        units = _units_by_joins(mentions, window, **options)
    if period:
        starts = _periods(units.docs, documents, period, id_column, date_column)
        period_of_doc, period_values = pd.factorize(starts, sort=True)
        period_of_doc = period_of_doc.astype(np.int64)
    else:
        period_of_doc, period_values = np.zeros(len(units.docs), np.int64), None
    n_periods = len(period_values) if period else 1
    totals, counts, (p, a, b, joint) = _count_units(units, period_of_doc, n_periods, min_count)
    if not len(joint):
        return _empty_pairs(columns)
    order = np.lexsort((b, a, -joint, p))  # by period, the largest joint counts first, then the ids
    p, a, b, joint = p[order], a[order], b[order], joint[order]
    out = pd.DataFrame({"actor_a": units.actors.take(a), "actor_b": units.actors.take(b), "joint": joint,
                        "count_a": counts[p, a], "count_b": counts[p, b], "total": totals[p]})
    if period:
        out.insert(0, "period", period_values.take(p))
    out = score_pairs(out)
    for column in ("joint", "count_a", "count_b", "total"):
        out[column] = out[column].astype("int64")
    for column in ("actor_a", "actor_b"):
        out[column] = out[column].astype(str)
    return out[columns]


def _empty_pairs(columns) -> pd.DataFrame:
    dtypes = {"actor_a": str, "actor_b": str, "joint": "int64", "count_a": "int64", "count_b": "int64",
              "total": "int64", "period": "datetime64[ns]"}
    return pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, float)) for c in columns})


def list_partners(pairs: pd.DataFrame, actor: str, *, by: str = "npmi", min_count: int = 1) -> pd.DataFrame:
    """The partners of one actor, strongest first.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As from :func:`count_pairs` (without ``period``, or filtered to one period).
    actor : str
        The actor id.
    by : str
        The measure to sort by (``npmi``, ``joint``, ``log_likelihood``, ...).
    min_count : int
        Least joint count.

    Returns
    -------
    pandas.DataFrame
        One row per partner: ``actor``, ``partner``, then the pair's counts and measures (with
        ``count_a`` / ``count_b`` swapped so that ``count_a`` is always the actor's).

    Examples
    --------
    >>> p = pd.DataFrame({"actor_a": ["A", "B"], "actor_b": ["B", "C"], "joint": [3, 1],
    ...                   "count_a": [5, 4], "count_b": [4, 2], "npmi": [0.5, 0.2]})
    >>> list_partners(p, "B")[["partner", "joint", "count_a"]].values.tolist()
    [['A', 3, 4], ['C', 1, 4]]
    """
    a = pairs[pairs["actor_a"] == actor].rename(columns={"actor_a": "actor", "actor_b": "partner"})
    b = pairs[pairs["actor_b"] == actor].rename(columns={"actor_b": "actor", "actor_a": "partner",
                                                        "count_a": "count_b", "count_b": "count_a"})
    out = pd.concat([a, b], ignore_index=True)
    out = out[out["joint"] >= min_count]
    first = [c for c in ("period", "actor", "partner") if c in out.columns]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values([by, "partner"], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# networks


def _actor_table(actors):
    if actors is None:
        return None
    table = getattr(actors, "actors", actors)
    return table.drop_duplicates("actor").set_index("actor")


def build_graph(
    pairs: pd.DataFrame,
    *,
    weight: str = "joint",
    min_count: int = 1,
    positive: bool = True,
    actors=None,
) -> nx.Graph:
    """A networkx graph of actors, an edge per co-occurring pair.

    Parameters
    ----------
    pairs : pandas.DataFrame
        As from :func:`count_pairs`, for one period (filter a period table first, or use
        :func:`graphs_by_period`).
    weight : str
        The column that becomes each edge's ``weight`` (``joint``, ``npmi``, ``pmi``,
        ``log_likelihood``, ``dice``, ``jaccard``).
    min_count : int
        Least joint count for an edge.
    positive : bool
        Leave out edges whose weight is not above 0 (negative PMI: pairs rarer than chance), as
        community detection and weighted centralities need positive weights.
    actors : ActorDictionary or pandas.DataFrame, optional
        The dictionary (or its ``actors`` table): adds ``name`` and ``type`` to the nodes.

    Returns
    -------
    networkx.Graph
        Nodes: actor ids, with ``count`` (units mentioning the actor), ``name``, ``type``.
        Edges: every column of the pair (``joint``, ``npmi``, ...) plus ``weight``. The graph's
        own attribute ``weight`` names the measure the weights came from.

    Examples
    --------
    >>> p = pd.DataFrame({"actor_a": ["A"], "actor_b": ["B"], "joint": [3], "count_a": [5],
    ...                   "count_b": [4], "total": [10], "npmi": [0.4]})
    >>> g = build_graph(p, weight="npmi")
    >>> g.edges["A", "B"]["weight"], g.nodes["A"]["count"]
    (0.4, 5)
    """
    if "period" in pairs.columns and pairs["period"].nunique() > 1:
        raise ValueError("pairs cover several periods: filter one period, or use graphs_by_period")
    if weight not in pairs.columns:
        raise ValueError(f"no column {weight!r} in the pairs table (columns: {list(pairs.columns)})")
    keep = pairs[(pairs["joint"] >= min_count) & pairs[weight].notna()]
    if positive:
        keep = keep[keep[weight] > 0]
    import networkx as nx

    info = _actor_table(actors)
    graph = nx.Graph(weight=weight)
    counts = pd.concat([pairs[["actor_a", "count_a"]].set_axis(["actor", "count"], axis=1),
                        pairs[["actor_b", "count_b"]].set_axis(["actor", "count"], axis=1)])
    counts = counts.groupby("actor")["count"].max() if len(counts) else pd.Series(dtype="int64")
    nodes = pd.unique(pd.concat([keep["actor_a"], keep["actor_b"]], ignore_index=True))
    for node in sorted(nodes):
        attrs = {"count": int(counts.get(node, 0))}
        if info is not None and node in info.index:
            attrs["name"] = str(info.at[node, "name"])
            attrs["type"] = str(info.at[node, "type"])
        else:
            attrs["name"] = str(node)
            attrs["type"] = ""
        graph.add_node(str(node), **attrs)
    value_columns = [c for c in keep.columns if c not in ("actor_a", "actor_b", "period")]
    for row in keep.itertuples(index=False):
        data = {c: _plain(getattr(row, c)) for c in value_columns}
        data["weight"] = _plain(getattr(row, weight))
        graph.add_edge(str(row.actor_a), str(row.actor_b), **data)
    return graph


def _plain(value):
    """numpy scalars as Python numbers (GEXF and GraphML writers need plain types)."""
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


def find_communities(graph: nx.Graph, *, weight: str = "weight") -> pd.DataFrame:
    """Communities of a graph by greedy modularity (Clauset, Newman & Moore 2004); deterministic.

    Returns
    -------
    pandas.DataFrame
        One row per actor: ``actor``, ``community`` (0 = the largest community, then by size).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("A", "B"), ("C", "D")])
    >>> find_communities(g).values.tolist()
    [['A', 0], ['B', 0], ['C', 1], ['D', 1]]
    """
    if graph.number_of_nodes() == 0:
        return pd.DataFrame({"actor": pd.Series([], dtype=str), "community": pd.Series([], dtype="int64")})
    if graph.number_of_edges() == 0:
        groups = [{n} for n in graph.nodes]
    else:
        import networkx as nx

        groups = nx.community.greedy_modularity_communities(graph, weight=weight)
    groups = sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))
    rows = [(actor, i) for i, group in enumerate(groups) for actor in group]
    out = pd.DataFrame(rows, columns=["actor", "community"])
    out["community"] = out["community"].astype("int64")
    return out.sort_values(["community", "actor"]).reset_index(drop=True)


def _eigenvector(graph, weight) -> dict:
    """Weighted eigenvector centrality, or {} when it cannot be computed."""
    if graph.number_of_edges() == 0:
        return {}
    import networkx as nx

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if graph.number_of_nodes() < 3:  # the sparse eigen-solver needs 3 nodes or more
                return nx.eigenvector_centrality(graph, weight=weight, max_iter=1000)
            return nx.eigenvector_centrality_numpy(graph, weight=weight)
    except (nx.NetworkXException, ValueError, TypeError, ArithmeticError, np.linalg.LinAlgError):
        return {}


def describe_graph(graph: nx.Graph, *, weight: str = "weight") -> pd.DataFrame:
    """Centrality of every actor in a graph, and its community.

    Parameters
    ----------
    graph : networkx.Graph
        As from :func:`build_graph`.
    weight : str
        Edge attribute used for ``strength`` and communities.

    Returns
    -------
    pandas.DataFrame
        One row per actor, most central first: ``actor``, ``name``, ``type``, ``count``,
        ``degree`` (partners), ``strength`` (sum of edge weights), ``degree_centrality``,
        ``betweenness`` (on unweighted shortest paths), ``eigenvector`` (weighted; NaN when it
        cannot be computed), ``community``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("A", "B", {"weight": 2.0}), ("B", "C", {"weight": 1.0})])
    >>> describe_graph(g)[["actor", "degree", "strength", "betweenness"]].values.tolist()
    [['B', 2, 3.0, 1.0], ['A', 1, 2.0, 0.0], ['C', 1, 1.0, 0.0]]
    """
    nodes = sorted(graph.nodes)
    if not nodes:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in [
            ("actor", str), ("name", str), ("type", str), ("count", "int64"), ("degree", "int64"),
            ("strength", float), ("degree_centrality", float), ("betweenness", float),
            ("eigenvector", float), ("community", "int64")]})
    import networkx as nx

    between = nx.betweenness_centrality(graph, normalized=True)
    eigen = _eigenvector(graph, weight)
    central = nx.degree_centrality(graph)
    communities = find_communities(graph, weight=weight).set_index("actor")["community"]
    out = pd.DataFrame({
        "actor": nodes,
        "name": [graph.nodes[n].get("name", n) for n in nodes],
        "type": [graph.nodes[n].get("type", "") for n in nodes],
        "count": [int(graph.nodes[n].get("count", 0)) for n in nodes],
        "degree": [graph.degree(n) for n in nodes],
        "strength": [float(graph.degree(n, weight=weight)) for n in nodes],
        "degree_centrality": [central[n] for n in nodes],
        "betweenness": [between[n] for n in nodes],
        "eigenvector": [abs(eigen[n]) if n in eigen else np.nan for n in nodes],
        "community": [int(communities[n]) for n in nodes],
    })
    out = out.astype({"actor": str, "name": str, "type": str, "degree": "int64", "count": "int64"})
    return out.sort_values(["strength", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def export_graph(graph: nx.Graph, path) -> Path:
    """Write a graph for Gephi, Cytoscape or a spreadsheet; the format follows the file's suffix.

    ``.gexf`` (Gephi), ``.graphml`` (Cytoscape, yEd), ``.csv`` (one row per edge: ``source``,
    ``target`` and every edge attribute; the nodes go beside it in ``<name>.nodes.csv``).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> export_graph(nx.Graph([("A", "B")]), "/tmp/actors.graphml")   # doctest: +SKIP
    """
    import networkx as nx

    path = Path(path)
    suffix = path.suffix.lower()
    clean = nx.Graph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: _plain(v) for k, v in data.items() if v is not None})
    for a, b, data in graph.edges(data=True):
        clean.add_edge(a, b, **{k: _plain(v) for k, v in data.items()
                                if v is not None and not (isinstance(v, float) and not np.isfinite(v))})
    try:
        if suffix == ".gexf":
            nx.write_gexf(clean, path)
        elif suffix == ".graphml":
            nx.write_graphml(clean, path)
        elif suffix == ".csv":
            edges = nx.to_pandas_edgelist(clean)
            edges.to_csv(path, index=False)
            nodes = pd.DataFrame([{"actor": n, **d} for n, d in clean.nodes(data=True)])
            nodes.to_csv(path.with_name(path.stem + ".nodes.csv"), index=False)
        else:
            raise ValueError(f"unknown graph format {suffix!r}: use .gexf, .graphml or .csv")
    except OSError as err:
        raise ToolkitError(path, f"cannot write the graph: {err.strerror or err}") from None
    return path


# ---------------------------------------------------------------------------------------------
# time


def graphs_by_period(pairs: pd.DataFrame, **options) -> dict:
    """One graph per period of a period table from :func:`count_pairs` (``period=...``).

    Parameters
    ----------
    pairs : pandas.DataFrame
        Pairs with a ``period`` column.
    **options
        Passed to :func:`build_graph` (``weight``, ``min_count``, ``actors``, ...).

    Returns
    -------
    dict of pandas.Timestamp to networkx.Graph
        In time order.
    """
    if "period" not in pairs.columns:
        raise ValueError("pairs have no period column: count them with count_pairs(..., period='M')")
    return {period: build_graph(group, **options) for period, group in pairs.groupby("period", sort=True)}


def compare_periods(
    pairs: pd.DataFrame,
    *,
    measure: str = "joint",
    min_count: int = 1,
    min_change: float = 0.0,
    before=None,
    after=None,
) -> pd.DataFrame:
    """What changed in the network between periods: edges that appear, vanish, strengthen, weaken.

    An edge is present in a period when its joint count there reaches ``min_count``. By default
    every period is compared with the one before it (the periods that have pairs, in order);
    ``before`` and ``after`` compare two chosen periods.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Pairs with a ``period`` column (:func:`count_pairs` with ``period=...``).
    measure : str
        The column compared (``joint``, ``npmi``, ...).
    min_count : int
        Least joint count for an edge to be present.
    min_change : float
        Changes of at most this size count as ``unchanged``.
    before, after : date-like, optional
        Two periods to compare (both or neither).

    Returns
    -------
    pandas.DataFrame
        One row per edge present in either period of a comparison: ``period_before``,
        ``period_after``, ``actor_a``, ``actor_b``, ``joint_before``, ``joint_after``, ``before``,
        ``after`` (the measure; NaN when absent), ``change`` (after - before), ``status``
        (``appeared``, ``vanished``, ``strengthened``, ``weakened``, ``unchanged``). Sorted by
        comparison, status, then the largest changes first.

    Examples
    --------
    >>> p = pd.DataFrame({"period": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-02-01"]),
    ...                   "actor_a": ["A", "A", "B"], "actor_b": ["B", "B", "C"], "joint": [1, 3, 2]})
    >>> compare_periods(p)[["actor_a", "actor_b", "change", "status"]].values.tolist()
    [['B', 'C', nan, 'appeared'], ['A', 'B', 2.0, 'strengthened']]
    """
    if "period" not in pairs.columns:
        raise ValueError("pairs have no period column: count them with count_pairs(..., period='M')")
    present = pairs[pairs["joint"] >= min_count]
    if (before is None) != (after is None):
        raise ValueError("give both before and after, or neither")
    if before is not None:
        steps = [(pd.Timestamp(before), pd.Timestamp(after))]
    else:
        periods = sorted(pd.unique(pairs["period"]))
        steps = list(zip(periods[:-1], periods[1:]))
    columns = ["period_before", "period_after", "actor_a", "actor_b", "joint_before", "joint_after",
               "before", "after", "change", "status"]
    if not steps:
        return pd.DataFrame({c: pd.Series([], dtype=float) for c in columns})
    # every comparison at once: each row of a period joins the comparison(s) it is the before or after of
    keys = ["actor_a", "actor_b"]
    sides = []
    for side, which in (("before", 0), ("after", 1)):
        step = pd.Index([s[which] for s in steps]).get_indexer(present["period"])
        rows = present.loc[step >= 0, list(dict.fromkeys(keys + ["joint", measure]))]
        rows = rows.rename(columns={"joint": f"joint_{side}", measure: side} if measure != "joint"
                           else {"joint": f"joint_{side}"})
        if measure == "joint":
            rows[side] = rows[f"joint_{side}"]
        rows.insert(0, "_step", step[step >= 0])
        sides.append(rows)
    out = sides[0].merge(sides[1], on=["_step"] + keys, how="outer")
    step = out.pop("_step").to_numpy()
    out.insert(0, "period_after", pd.DatetimeIndex([pd.Timestamp(s[1]) for s in steps]).take(step))
    out.insert(0, "period_before", pd.DatetimeIndex([pd.Timestamp(s[0]) for s in steps]).take(step))
    for column in ("joint_before", "joint_after"):
        out[column] = out[column].fillna(0).astype("int64")
    out["before"] = out["before"].astype(float)
    out["after"] = out["after"].astype(float)
    out["change"] = out["after"] - out["before"]
    status = np.select(
        [out["before"].isna(), out["after"].isna(), out["change"] > min_change, out["change"] < -min_change],
        ["appeared", "vanished", "strengthened", "weakened"], default="unchanged")
    out["status"] = status
    rank = {"appeared": 0, "vanished": 1, "strengthened": 2, "weakened": 3, "unchanged": 4}
    out["_rank"] = out["status"].map(rank)
    out["_size"] = -out["change"].abs().fillna(out[["joint_before", "joint_after"]].max(axis=1))
    out = out.sort_values(["period_before", "_rank", "_size", "actor_a", "actor_b"], kind="stable")
    out["status"] = out["status"].astype(str)
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# evidence


def find_evidence(
    mentions: pd.DataFrame,
    sentences: pd.DataFrame,
    actor_a: str,
    actor_b: str,
    *,
    window="sentence",
    documents: pd.DataFrame | None = None,
    tokens: pd.DataFrame | None = None,
    document_columns=("date", "file"),
    limit: int | None = None,
    id_column: str = "doc_id",
    actor_column: str = "actor",
    date_column: str = "date",
) -> pd.DataFrame:
    """The passages in which two actors co-occur, with the article and its date.

    For each unit (sentence, paragraph, article or token neighbourhood) that holds both actors,
    the closest pair of their mentions is taken and the passage runs from the start of the
    sentence holding the first to the end of the sentence holding the second (one sentence for
    the sentence window).

    Parameters
    ----------
    mentions : pandas.DataFrame
        One row per mention.
    sentences : pandas.DataFrame
        One row per sentence (``doc_id``, ``sent_id``, ``paragraph_id``, ``text``).
    actor_a, actor_b : str
        The two actor ids (in either order).
    window : {"sentence", "paragraph", "document"} or int
        As in :func:`count_pairs`.
    documents : pandas.DataFrame, optional
        Adds ``document_columns`` (date, file, outlet, ...) of each article.
    tokens : pandas.DataFrame, optional
        Needed for a token window.
    document_columns : sequence of str
        Columns of ``documents`` to add (those present).
    limit : int, optional
        At most this many passages (the earliest articles first).
    id_column, actor_column, date_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per passage, by date (or article) then position: ``doc_id``, the document
        columns, ``sent_id`` (first sentence), ``sent_id_end`` (last), ``alias_a``, ``alias_b``
        (the words that named each actor), ``text``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 1], "paragraph_id": [0, 0],
    ...                   "text": ["Ankara and Moscow talked.", "Moscow agreed."]})
    >>> m = pd.DataFrame({"doc_id": ["d"] * 3, "sent_id": [0, 0, 1], "actor": ["TUR", "RUS", "RUS"],
    ...                   "alias": ["Ankara", "Moscow", "Moscow"], "start": [0, 11, 26], "end": [6, 17, 32]})
    >>> find_evidence(m, s, "RUS", "TUR")[["sent_id", "alias_a", "alias_b", "text"]].values.tolist()
    [[0, 'Moscow', 'Ankara', 'Ankara and Moscow talked.']]
    """
    window = _check_window(window)
    m = mentions.reset_index(drop=True)
    m = m[m[actor_column].isin([actor_a, actor_b])].reset_index(drop=True)
    m = m.rename(columns={id_column: "doc_id", actor_column: "actor"})
    sents = sentences.rename(columns={id_column: "doc_id"})
    a_rows = m[m["actor"] == actor_a]
    b_rows = m[m["actor"] == actor_b]
    if isinstance(window, int):
        anchor, other = _neighbours(m, tokens.rename(columns={id_column: "doc_id"}) if tokens is not None else None,
                                    window, "doc_id")
        pair = pd.DataFrame({"i": anchor, "j": other})
        pair = pair[(m["actor"].to_numpy(object)[pair["i"]] == actor_a) & (m["actor"].to_numpy(object)[pair["j"]] == actor_b)]
        cand = pd.DataFrame({"unit": np.arange(len(pair))})
        cand = pd.concat([cand, m.iloc[pair["i"].to_numpy()].add_suffix("_a").reset_index(drop=True),
                          m.iloc[pair["j"].to_numpy()].add_suffix("_b").reset_index(drop=True)], axis=1)
    else:
        if window == "sentence":
            keys = ["doc_id", "sent_id"]
        elif window == "paragraph":
            both = pd.unique(a_rows["doc_id"][a_rows["doc_id"].isin(pd.unique(b_rows["doc_id"]))])
            para = sents[["doc_id", "sent_id", "paragraph_id"]]  # of the articles naming both: the rest never pair
            para = para.iloc[np.flatnonzero(para["doc_id"].isin(both).to_numpy())]
            a_rows = a_rows.merge(para, on=["doc_id", "sent_id"], how="left")
            b_rows = b_rows.merge(para, on=["doc_id", "sent_id"], how="left")
            keys = ["doc_id", "paragraph_id"]
        else:
            keys = ["doc_id"]
        cand = a_rows.add_suffix("_a").merge(b_rows.add_suffix("_b"), left_on=[k + "_a" for k in keys],
                                            right_on=[k + "_b" for k in keys])
        cand["unit"] = cand.groupby([k + "_a" for k in keys], sort=False).ngroup()
    cand = cand[cand["start_a"] != cand["start_b"]] if actor_a == actor_b else cand
    out_columns = ["doc_id"] + [c for c in document_columns if documents is not None and c in documents.columns] \
        + ["sent_id", "sent_id_end", "alias_a", "alias_b", "text"]
    if cand.empty:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c.startswith("sent_id") else object) for c in out_columns})
    cand["distance"] = (cand["start_a"] - cand["start_b"]).abs()
    best = cand.sort_values(["unit", "distance"], kind="stable").drop_duplicates("unit")
    best = best.assign(doc_id=best["doc_id_a"],
                       sent_id=np.minimum(best["sent_id_a"], best["sent_id_b"]),
                       sent_id_end=np.maximum(best["sent_id_a"], best["sent_id_b"]))
    best = best.drop_duplicates(["doc_id", "sent_id", "sent_id_end"])
    if documents is not None:
        extra = [c for c in document_columns if c in documents.columns]
        info = documents.rename(columns={id_column: "doc_id"}).drop_duplicates("doc_id")[["doc_id"] + extra]
        best = best.merge(info, on="doc_id", how="left")
    order = ([date_column] if documents is not None and date_column in best.columns else []) + ["doc_id", "sent_id"]
    best = best.sort_values(order, kind="stable")
    if limit is not None:
        best = best.head(limit)
    best["text"] = _passages(sents, best["doc_id"], best["sent_id"], best["sent_id_end"])
    best["sent_id"] = best["sent_id"].astype("int64")
    best["sent_id_end"] = best["sent_id_end"].astype("int64")
    return best[out_columns].reset_index(drop=True)


def _passages(sentences, doc_ids, first, last) -> list:
    """The text of sentences ``first`` to ``last`` of each article (joined by spaces; "" when missing).

    Only the listed articles' rows of ``sentences`` are taken (three columns), and each passage is
    found by binary search on integer keys."""
    listed = _take_rows(sentences[["doc_id", "sent_id", "text"]],
                        np.flatnonzero(sentences["doc_id"].isin(pd.unique(doc_ids)).to_numpy()))
    sent, coded = _ints(listed["sent_id"]), _codes(listed["doc_id"], doc_ids, missing_ok=True)
    try:
        first, last = np.asarray(first, dtype=np.int64), np.asarray(last, dtype=np.int64)
    except (TypeError, ValueError):
        sent = None
    if sent is None or coded is None or (len(first) and first.min() < 0):
        return _passages_by_rows(listed, doc_ids, first, last)
    (doc, wanted), _ = coded
    width = int(max(sent.max(initial=0), last.max(initial=0))) + 1
    keys = doc * width + sent
    order = np.argsort(keys, kind="stable")
    keys, texts = keys[order], listed["text"].to_numpy(dtype=object)[order]
    lo = np.searchsorted(keys, wanted * width + first, side="left")
    hi = np.searchsorted(keys, wanted * width + last, side="right")
    return [texts[i] if j == i + 1 else " ".join(texts[i:j]) for i, j in zip(lo.tolist(), hi.tolist())]


def _passages_by_rows(listed, doc_ids, first, last) -> list:
    """:func:`_passages` by filtering rows (sentence numbers that are not whole numbers)."""
    text = listed.set_index(["doc_id", "sent_id"])["text"]
    passages = []
    for doc, a, b in zip(doc_ids, first, last):
        if a == b:
            passages.append(text.get((doc, a), ""))
        else:
            chunk = listed[(listed["doc_id"] == doc) & (listed["sent_id"] >= a) & (listed["sent_id"] <= b)]
            passages.append(" ".join(chunk.sort_values("sent_id")["text"]))
    return passages


def _take_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[rows]`` for ascending rows; a few runs of consecutive rows (an article's
    sentences) are sliced, which costs nothing, where taking rows copies long text columns."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1 if len(rows) else rows
    if len(breaks) >= 64:
        return frame.iloc[rows]
    starts = np.concatenate([[0], breaks]).astype(np.int64)
    ends = np.append(breaks, len(rows)).astype(np.int64)
    parts = [frame.iloc[rows[a]:rows[b - 1] + 1] for a, b in zip(starts.tolist(), ends.tolist())]
    return pd.concat(parts) if len(parts) > 1 else (parts[0] if parts else frame.iloc[:0])
