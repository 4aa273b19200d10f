"""VADER sentiment, vectorised: the same scores as vaderSentiment, many times faster.

Hutto & Gilbert's VADER (ICWSM 2014) as implemented by the reference package ``vaderSentiment``
(3.3.2), re-implemented over whole arrays of sentences at once: the word-level rules (lexicon
valence, ``no``, capitals, boosters and dampeners within three words, negation, ``never so``,
``without doubt``, idioms, ``least``) run as numpy operations over every word of every sentence,
with each distinct word looked up once; only the final per-sentence arithmetic (sums, the
``but`` rule, rounding) runs in Python, and only for sentences that contain a lexicon word.

The lexicon, booster list, negations, idioms and constants are read from the ``vaderSentiment``
package itself, so the two cannot drift apart. The scores are **identical** to
``SentimentIntensityAnalyzer().polarity_scores(text)`` (``compound``, ``pos``, ``neu``, ``neg``,
rounded as it rounds them): the float operations are the reference's, in its order, and
``tests/test_vader.py`` compares both on thousands of sentences. Texts containing one of the
package's emoji characters are handed to the reference implementation unchanged (its emoji
replacement is a character loop, and such texts are rare in news).
"""

from __future__ import annotations

import functools
import string
import sys

import numpy as np
import pandas as pd

from ._arrays import distinct

__all__ = ["score_vader", "vader_polarity", "VADER_PARTS"]

VADER_PARTS = ("compound", "pos", "neu", "neg")
"""The columns of :func:`score_vader`, in the order :func:`vader_polarity` returns them."""

_SIMPLE_SUM = sys.version_info < (3, 12)  # builtin sum() is plain left-to-right addition before 3.12


@functools.cache
def _reference():
    """The reference module and analyzer (its lexicon, emoji table and constants)."""
    from vaderSentiment import vaderSentiment as ref

    return ref, ref.SentimentIntensityAnalyzer()


@functools.cache
def _emoji_chars() -> frozenset:
    _, analyzer = _reference()
    # the reference replaces emojis character by character: only one-character keys can match
    return frozenset(e for e in analyzer.emojis if len(e) == 1)


def vader_polarity(texts) -> np.ndarray:
    """VADER's ``polarity_scores`` of many texts at once.

    Parameters
    ----------
    texts : sequence of str
        The texts (sentences), in any number.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), 4)``: ``compound, pos, neu, neg`` per text, exactly as
        ``vaderSentiment.SentimentIntensityAnalyzer().polarity_scores`` returns them.

    Examples
    --------
    >>> vader_polarity(["The talks were a great success.", "No deal."]).tolist()
    [[0.8316, 0.661, 0.339, 0.0], [-0.296, 0.0, 0.312, 0.688]]
    """
    texts = [t if isinstance(t, str) else "" if t is None else str(t) for t in texts]
    n_texts = len(texts)
    out = np.zeros((n_texts, 4), dtype=np.float64)
    if not n_texts:
        return out
    ref, analyzer = _reference()
    emojis = _emoji_chars()
    special = [i for i, t in enumerate(texts) if not t.isascii() and not emojis.isdisjoint(t)]
    if not special:
        return _polarity_plain(texts)
    for i in special:
        d = analyzer.polarity_scores(texts[i])
        out[i] = (d["compound"], d["pos"], d["neu"], d["neg"])
    plain = np.ones(n_texts, dtype=bool)
    plain[special] = False
    idx = np.flatnonzero(plain)
    out[idx] = _polarity_plain([texts[i] for i in idx])
    return out


# bits of the per-word flags
_LEX, _BOOST, _NEG, _UPPER = 1, 2, 4, 8


@functools.cache
def _rules():
    """The reference's word lists as lookup tables, and ids for the words its rules name."""
    ref, analyzer = _reference()
    named = ["no", "kind", "of", "least", "at", "very", "never", "so", "this", "without", "doubt",
             "or", "nor", "but"]
    special = {k: v for k, v in ref.SPECIAL_CASES.items() if " " in k}
    boost_phrases = {k: v for k, v in ref.BOOSTER_DICT.items() if " " in k}
    for key in [*special, *boost_phrases]:
        named.extend(w for w in key.split(" ") if w not in named)
    ids = {w: i + 1 for i, w in enumerate(named)}  # 0: any other word

    def as_ids(table):
        return {tuple(ids[w] for w in k.split(" ")): v for k, v in table.items() if "" not in k.split(" ")}

    return {
        "lexicon": analyzer.lexicon,
        "boosters": ref.BOOSTER_DICT,
        "negate": frozenset(ref.NEGATE),
        "ids": ids,
        "special": as_ids(special),
        "boost_phrases": as_ids(boost_phrases),
        "N_SCALAR": ref.N_SCALAR,
        "C_INCR": ref.C_INCR,
    }


def _split_words(texts):
    """Whitespace words of all texts: (sentence of each word, word codes, distinct words).

    The words of ``t.split()`` for each text, cut out of all texts at once (numpy and Arrow, no
    Python string per word; see ``toolkit.text._chunks``), each distinct word once.
    """
    from .text import _chunks

    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    text_starts = np.cumsum(lengths) - lengths
    starts, _, codes, uniques = _chunks("\n".join(texts))
    sent = np.searchsorted(text_starts, starts, side="right") - 1
    return sent, codes, uniques




def _word_facts(w: str, rules) -> tuple:
    """What the reference's rules need to know of one whitespace word (see :func:`_polarity_plain`)."""
    s = w.strip(string.punctuation)
    item = w if len(s) <= 2 else s
    low = item.lower()
    f = _UPPER if item.isupper() else 0
    v = rules["lexicon"].get(low)
    if v is not None:
        f |= _LEX
    b = rules["boosters"].get(low)
    if b is not None:
        f |= _BOOST
    low2 = low.lower()  # the reference's negated() lowercases again
    if low2 in rules["negate"] or "n't" in low2:
        f |= _NEG
    return f, (v if v is not None else 0.0), (b if b is not None else 0.0), rules["ids"].get(low, 0)


@functools.cache
def _rule_arrays():
    """The lexicon, boosters, negations and named words as Arrow arrays (keys) and numpy values."""
    import pyarrow as pa

    rules = _rules()
    lexicon, boosters = rules["lexicon"], rules["boosters"]
    return {
        "lexicon": (pa.array(list(lexicon), type=pa.large_string()), np.array(list(lexicon.values()), dtype=np.float64)),
        "boosters": (pa.array(list(boosters), type=pa.large_string()), np.array(list(boosters.values()), dtype=np.float64)),
        "negate": pa.array(sorted(rules["negate"]), type=pa.large_string()),
        "ids": (pa.array(list(rules["ids"]), type=pa.large_string()), np.array(list(rules["ids"].values()), dtype=np.int16)),
    }


def _looked_up(keys, table):
    """(found, value) of each key in ``table`` (Arrow keys, numpy values)."""
    import pyarrow.compute as pc

    where = pc.index_in(keys, value_set=table[0]).to_numpy(zero_copy_only=False)
    found = ~np.isnan(where) if where.dtype.kind == "f" else np.ones(len(where), dtype=bool)
    values = np.zeros(len(where), dtype=table[1].dtype)
    values[found] = table[1][where[found].astype(np.int64)]
    return found, values


def _facts_of(uniques, rules):
    """:func:`_word_facts` of each distinct word as arrays ``(flags, lexicon valence, booster
    value, rule word id)``: ASCII words with Arrow's string kernels (their stripping, case and
    lowercasing are Python's for ASCII), the others one by one as the reference treats them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(uniques)
    words = pa.array(uniques, type=pa.large_string())
    stripped = pc.utf8_trim(words, characters=string.punctuation)
    item = pc.if_else(pc.less_equal(pc.utf8_length(stripped), 2), words, stripped)
    low = pc.ascii_lower(item)
    arrays = _rule_arrays()
    flags = np.where(pc.ascii_is_upper(item).to_numpy(zero_copy_only=False), _UPPER, 0).astype(np.uint8)
    in_lexicon, lex_val = _looked_up(low, arrays["lexicon"])
    is_booster, boost_val = _looked_up(low, arrays["boosters"])
    negated = (pc.is_in(low, value_set=arrays["negate"]).to_numpy(zero_copy_only=False)
               | pc.match_substring(low, "n't").to_numpy(zero_copy_only=False))
    _, word_id = _looked_up(low, arrays["ids"])
    flags |= np.where(in_lexicon, _LEX, 0).astype(np.uint8)
    flags |= np.where(is_booster, _BOOST, 0).astype(np.uint8)
    flags |= np.where(negated, _NEG, 0).astype(np.uint8)
    other = np.flatnonzero(~pc.string_is_ascii(words).to_numpy(zero_copy_only=False)) if n else []
    for i in other.tolist() if len(other) else []:  # (str.lower and isupper beyond ASCII: Python's)
        f, v, b, w = _word_facts(uniques[i], rules)
        flags[i], lex_val[i], boost_val[i], word_id[i] = f, v, b, w
    return flags, lex_val, boost_val, word_id


def _polarity_plain(texts) -> np.ndarray:
    """Scores of texts without emoji characters (the vectorised path)."""
    rules = _rules()
    n_texts = len(texts)
    out = np.zeros((n_texts, 4), dtype=np.float64)
    sent, codes, uniques = _split_words(texts)
    n_tokens = len(codes)
    if n_tokens == 0:
        return out
    lengths = np.bincount(sent, minlength=n_texts)
    starts = np.cumsum(lengths) - lengths

    # -- each distinct word once: strip punctuation (unless <= 2 characters remain), lowercase,
    # look up lexicon, boosters, negations, capitals, and the words the rules name
    ids = rules["ids"]
    flags, lex_val, boost_val, word_id = _facts_of(uniques, rules)

    tf = flags[codes]  # per word
    tw = word_id[codes]
    n_upper = np.bincount(sent, weights=(tf & _UPPER) > 0, minlength=n_texts)
    cap_s = (lengths - n_upper > 0) & (lengths - n_upper < lengths)  # some, not all, in capitals

    # -- the words that get a valence: lexicon words that are not boosters, nor "kind" before "of"
    t = np.flatnonzero((tf & (_LEX | _BOOST)) == _LEX)
    ts = sent[t]
    jt = t - starts[ts]
    nt = lengths[ts]
    if ids["kind"] and len(t):
        nxt = np.minimum(t + 1, n_tokens - 1)
        kind_of = (tw[t] == ids["kind"]) & (jt < nt - 1) & (tw[nxt] == ids["of"])
        keep = ~kind_of
        t, ts, jt, nt = t[keep], ts[keep], jt[keep], nt[keep]
    sentiments = np.zeros(n_tokens)
    if len(t):
        sentiments[t] = _valences(t, jt, nt, cap_s[ts], codes, tf, tw, lex_val, boost_val, rules)

    # -- per sentence: the "but" rule, sums, punctuation emphasis, normalisation, rounding
    nonzero = np.flatnonzero(sentiments != 0)
    count = np.bincount(sent[nonzero], minlength=n_texts)
    out[(lengths > 0) & (count == 0), 2] = 1.0  # words but no valence: neutral
    todo = np.flatnonzero(count)
    if not len(todo):
        return out
    nz_val = sentiments[nonzero]
    but = ids["but"]
    buts = np.flatnonzero(tw == but)
    if len(buts):
        first_but = np.full(n_texts, -1)
        first_but[sent[buts][::-1]] = buts[::-1] - starts[sent[buts][::-1]]  # the first "but" wins
        nz_val = _but_rule(nz_val, nonzero, sent, starts, count, first_but)
    cnt = count[todo]
    group_start = np.cumsum(cnt) - cnt
    rank = np.arange(len(nz_val)) - np.repeat(group_start, cnt)
    sum_s = _sequential_sum(nz_val, rank, cnt)
    if not _SIMPLE_SUM:  # builtin sum() compensates from 3.12: use it where that can matter
        listed = nz_val.tolist()
        for r in np.flatnonzero(cnt > 2):
            a = group_start[r]
            sum_s[r] = float(sum(listed[a:a + cnt[r]]))
    pos_sum = _sequential_sum(np.where(nz_val > 0, nz_val + 1, 0.0), rank, cnt)
    neg_sum = _sequential_sum(np.where(nz_val < 0, nz_val - 1, 0.0), rank, cnt)
    neu_count = (lengths[todo] - cnt).astype(np.float64)
    # punctuation emphasis: "!" (up to 4) and "?" (2 or 3, or more)
    sel = [texts[i] for i in todo]
    ep = np.minimum(np.fromiter((s.count("!") for s in sel), dtype=np.int64, count=len(sel)), 4)
    qm = np.fromiter((s.count("?") for s in sel), dtype=np.int64, count=len(sel))
    punct = ep * 0.292 + np.where(qm > 1, np.where(qm <= 3, qm * 0.18, 0.96), 0.0)
    sum_s = np.where(sum_s > 0, sum_s + punct, np.where(sum_s < 0, sum_s - punct, sum_s))
    compound = np.clip(sum_s / np.sqrt(sum_s * sum_s + 15), -1.0, 1.0)
    abs_neg = np.abs(neg_sum)
    pos_sum2 = np.where(pos_sum > abs_neg, pos_sum + punct, pos_sum)
    neg_sum2 = np.where(pos_sum < abs_neg, neg_sum - punct, neg_sum)
    total = pos_sum2 + np.abs(neg_sum2) + neu_count
    out[todo, 0] = _round(compound, 4)
    out[todo, 1] = _round(np.abs(pos_sum2 / total), 3)
    out[todo, 2] = _round(np.abs(neu_count / total), 3)
    out[todo, 3] = _round(np.abs(neg_sum2 / total), 3)
    return out


def _valences(t, jt, nt, capt, codes, tf, tw, lex_val, boost_val, rules):
    """The reference's ``sentiment_valence`` for the lexicon words ``t``, all at once."""
    N_SCALAR, C_INCR, ids = rules["N_SCALAR"], rules["C_INCR"], rules["ids"]
    n_tokens = len(codes)

    def before(a, k, fill):  # a at the k-th word before, within the sentence
        return np.where(jt >= k, a[np.maximum(t - k, 0)], fill)

    f = [tf[t]] + [before(tf, k, 0) for k in (1, 2, 3)]
    w = [tw[t]] + [before(tw, k, 0) for k in (1, 2, 3)]
    has_next = jt < nt - 1
    nxt = np.minimum(t + 1, n_tokens - 1)
    next_lex = has_next & ((tf[nxt] & _LEX) > 0)

    def was(k, word):
        i = ids.get(word, -1)
        return w[k] == i

    lv = lex_val[codes[t]]
    val = lv.copy()
    # "no" before a lexicon word has no valence of its own; "no" up to 3 words before negates
    val = np.where(was(0, "no") & has_next & next_lex, 0.0, val)
    after_no = ((jt > 0) & was(1, "no")) | ((jt > 1) & was(2, "no")) | \
               ((jt > 2) & was(3, "no") & (was(1, "or") | was(1, "nor")))
    val = np.where(after_no, lv * N_SCALAR, val)
    # capitals, when some but not all words are in capitals
    val = np.where(((f[0] & _UPPER) > 0) & capt, np.where(val > 0, val + C_INCR, val - C_INCR), val)
    for k in (1, 2, 3):
        ok = (jt >= k) & ((f[k] & _LEX) == 0)
        # scalar_inc_dec of the k-th word before, on the current valence
        boost = (f[k] & _BOOST) > 0
        bv = np.where(boost, boost_val[codes[np.maximum(t - k, 0)]], 0.0)
        s = np.where(boost, np.where(val < 0, -bv, bv), 0.0)
        s = np.where(boost & ((f[k] & _UPPER) > 0) & capt, np.where(val > 0, s + C_INCR, s - C_INCR), s)
        if k == 2:
            s = np.where(s != 0, s * 0.95, s)
        elif k == 3:
            s = np.where(s != 0, s * 0.9, s)
        val = np.where(ok, val + s, val)
        # _negation_check
        neg = (f[k] & _NEG) > 0
        if k == 1:
            val = np.where(ok & neg, val * N_SCALAR, val)
        elif k == 2:
            never_so = was(2, "never") & (was(1, "so") | was(1, "this"))
            without_doubt = was(2, "without") & was(1, "doubt")
            val = np.where(ok & never_so, val * 1.25, np.where(ok & ~never_so & ~without_doubt & neg, val * N_SCALAR, val))
        else:
            never_so = (was(3, "never") & (was(2, "so") | was(2, "this"))) | was(1, "so") | was(1, "this")
            without_doubt = was(3, "without") & (was(2, "doubt") | was(1, "doubt"))
            val = np.where(ok & never_so, val * 1.25, np.where(ok & ~never_so & ~without_doubt & neg, val * N_SCALAR, val))
            if ok.any() and (rules["special"] or rules["boost_phrases"]):
                val = _idioms(val, ok, t, jt, nt, tw, rules)
    # _least_check
    least1 = ((f[1] & _LEX) == 0) & was(1, "least")
    first = (jt > 1) & least1
    val = np.where(first & ~was(2, "at") & ~was(2, "very"), val * N_SCALAR, val)
    val = np.where(~first & (jt > 0) & least1, val * N_SCALAR, val)
    return val


def _idioms(val, ok, t, jt, nt, tw, rules):
    """The reference's ``_special_idioms_check`` for the words where it runs (``ok``)."""
    n_tokens = len(tw)

    def at(offset):
        valid = (jt + offset >= 0) & (jt + offset <= nt - 1)
        return np.where(valid, tw[np.clip(t + offset, 0, n_tokens - 1)], -1)

    w = {o: at(o) for o in (-3, -2, -1, 0, 1, 2)}

    def lookup(table, offsets):
        """The table's value for the words at ``offsets`` (NaN where they are no key)."""
        res = np.full(len(t), np.nan)
        for key, value in table.items():
            if len(key) == len(offsets):
                hit = np.ones(len(t), dtype=bool)
                for i, o in zip(key, offsets):
                    hit &= w[o] == i
                res = np.where(hit, value, res)
        return res

    special = rules["special"]
    # the first of these sequences that is a special case sets the valence
    found = np.zeros(len(t), dtype=bool)
    for offsets in [(-1, 0), (-2, -1, 0), (-2, -1), (-3, -2, -1), (-3, -2)]:
        v = lookup(special, offsets)
        hit = ok & ~found & ~np.isnan(v)
        val = np.where(hit, v, val)
        found |= hit
    # then the special cases starting at the word (each overrides)
    for offsets in [(0, 1), (0, 1, 2)]:
        v = lookup(special, offsets)
        val = np.where(ok & ~np.isnan(v), v, val)
    # booster/dampener n-grams before the word ("kind of", "sort of", "just enough")
    for offsets in [(-3, -2, -1), (-3, -2), (-2, -1)]:
        v = lookup(rules["boost_phrases"], offsets)
        val = np.where(ok & ~np.isnan(v), val + np.nan_to_num(v), val)
    return val


def _but_rule(nz_val, nonzero, sent, starts, count, first_but):
    """The reference's ``_but_check`` (with its quirks), on the non-zero valences.

    The reference walks the sentence and, for each value, rescales the *first* word holding an
    equal value (x0.5 before the first "but", x1.5 after). Zero values never change, so walking
    only the non-zero values in order gives the same result.
    """
    nz_sent = sent[nonzero]
    nz_pos = nonzero - starts[nz_sent]
    has = first_but[nz_sent] >= 0
    if not has.any():
        return nz_val
    nz_val = nz_val.copy()
    group_start = np.cumsum(count) - count
    for i in distinct(nz_sent[has]):
        a, b = group_start[i], group_start[i] + count[i]
        vals = nz_val[a:b].tolist()
        pos = nz_pos[a:b].tolist()
        bi = first_but[i]
        for k in range(len(vals)):
            v = vals[k]
            m = vals.index(v)
            if pos[m] < bi:
                vals[m] = v * 0.5
            elif pos[m] > bi:
                vals[m] = v * 1.5
        nz_val[a:b] = vals
    return nz_val


def _round(x: np.ndarray, digits: int) -> np.ndarray:
    """Python's ``round(x, digits)`` of each value (numpy's rounding, checked near ties)."""
    r = np.round(x, digits)
    y = x * 10.0 ** digits
    near = np.flatnonzero(np.abs(y - np.floor(y) - 0.5) < 1e-6)
    for i in near:
        r[i] = round(float(x[i]), digits)
    return r


def _sequential_sum(values, rank, count):
    """Per group, ``((0 + v0) + v1) + ...`` in order (as a Python loop adds them), vectorised.

    ``values`` are grouped contiguously; ``rank`` is each value's index within its group and
    ``count`` the size of each group.
    """
    total = np.zeros(len(count))
    if not len(values):
        return total
    group = np.repeat(np.arange(len(count)), count)
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(int(count.max()) + 1))
    for r in range(int(count.max())):
        at = order[bounds[r]:bounds[r + 1]]
        total[group[at]] += values[at]
    return total


def score_vader(sentences: pd.DataFrame, *, text_column: str = "text") -> pd.DataFrame:
    """Score each sentence with VADER (the same values as ``vaderSentiment``).

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence with a text column.
    text_column : str
        The column holding the text.

    Returns
    -------
    pandas.DataFrame
        One row per input row, same order, index 0..n-1: ``compound``, ``pos``, ``neu``, ``neg``.

    Examples
    --------
    >>> score_vader(pd.DataFrame({"text": ["The talks were a great success."]})).values.tolist()
    [[0.8316, 0.661, 0.339, 0.0]]
    """
    col = sentences[text_column]
    texts = col.astype(object).where(col.notna(), "").tolist()
    codes, uniques = pd.factorize(np.array(texts, dtype=object), use_na_sentinel=False)
    values = vader_polarity(list(uniques))[codes] if len(texts) else np.zeros((0, 4))
    return pd.DataFrame(values, columns=list(VADER_PARTS))
