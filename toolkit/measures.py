"""Association and keyness measures: small pure functions of contingency counts.

Counting happens elsewhere (:mod:`toolkit.frequency`); every function here takes counts and
returns scores, element-wise, for plain numbers, numpy arrays or pandas Series alike (a Series
in gives a Series out, with the same index). Nothing here reads a table or loops over rows.

Two ways of handing in the counts are used, each the natural one for its family of measures.

*Comparing two corpora* (keyness: a target against a reference) takes the frequency of a term
and the size of each corpus::

    a = count in target      c = target total      (a / c = relative frequency in the target)
    b = count in reference   d = reference total

*Association of two events* (collocation: a word inside the windows around a node) takes the
joint frequency and the margins, as NLTK's ``BigramAssocMeasures`` do (Evert 2008 notation)::

    o11 = joint count        r1 = row margin (e.g. tokens inside the node's windows)
                             c1 = column margin (e.g. the word's corpus frequency)
                             n  = sample size (e.g. corpus size)

The significance tests (G2, chi-square) are defined on the four cells of the 2x2 table;
:func:`cells_from_frequencies` and :func:`cells_from_margins` turn either form into cells::

                  event 2     not event 2
    event 1     |  o11     |   o12     |  = r1
    not event 1 |  o21     |   o22     |
                   = c1                   n = o11 + o12 + o21 + o22

Sources
-------
- Dunning, T. (1993). Accurate methods for the statistics of surprise and coincidence.
  *Computational Linguistics* 19(1), 61-74. (log-likelihood G2)
- Rayson, P. & Garside, R. (2000). Comparing corpora using frequency profiling. *Workshop on
  Comparing Corpora*, ACL. (G2 as a keyness statistic)
- Pearson, K. (1900); Manning, C. & Schuetze, H. (1999). *Foundations of Statistical NLP*, 5.3.3.
  (chi-square; 5.3.1 t-test; 5.4 PMI)
- Church, K., Gale, W., Hanks, P. & Hindle, D. (1991). Using statistics in lexical analysis.
  In *Lexical Acquisition*. (t-score, (O - E) / sqrt(O))
- Church, K. & Hanks, P. (1990). Word association norms, mutual information, and lexicography.
  *Computational Linguistics* 16(1). (PMI)
- Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction.
  *Proceedings of GSCL*, 31-40. (NPMI)
- Dice, L. R. (1945). Measures of the amount of ecologic association between species.
  *Ecology* 26(3). (Dice); Jaccard, P. (1912). The distribution of the flora in the alpine zone.
  *New Phytologist* 11(2). (Jaccard)
- Hardie, A. (2014). Log Ratio - an informal introduction. ESRC Centre for Corpus Approaches to
  Social Science (CASS), Lancaster University. (log ratio)
- Gabrielatos, C. & Marchi, A. (2012). Keyness: Appropriate metrics and practical issues.
  *CADS International Conference*, Bologna. (%DIFF)
- Gries, S. Th. (2008). Dispersions and adjusted frequencies in corpora. *International Journal
  of Corpus Linguistics* 13(4), 403-437. (DP, deviation of proportions)
- Evert, S. (2008). Corpora and collocations. In Luedeling & Kyto (eds.), *Corpus Linguistics:
  An International Handbook*, article 58. (contingency tables for surface co-occurrence)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "cells_from_frequencies",
    "cells_from_margins",
    "expected_count",
    "log_likelihood",
    "chi_square",
    "p_value",
    "log_ratio",
    "percent_difference",
    "relative_frequency",
    "pmi",
    "npmi",
    "t_score",
    "dice",
    "jaccard",
    "deviation_of_proportions",
]


def _arrays(*values):
    """Values as float arrays, plus a function that wraps a result like the first Series given."""
    template = next((v for v in values if isinstance(v, pd.Series)), None)
    arrays = [np.asarray(v, dtype=float) for v in values]

    def wrap(result):
        if template is not None:
            return pd.Series(np.broadcast_to(result, template.shape), index=template.index)
        result = np.asarray(result, dtype=float)
        return float(result) if result.ndim == 0 else result

    return arrays, wrap


def cells_from_frequencies(a, c, b, d):
    """The 2x2 table of a keyness comparison from the frequencies and corpus sizes.

    Parameters
    ----------
    a, c : number or array
        Count of the term in the target, and the target's total (words).
    b, d : number or array
        Count of the term in the reference, and the reference's total.

    Returns
    -------
    tuple of (o11, o12, o21, o22)
        ``(a, b, c - a, d - b)``: rows are "this term" / "any other word", columns are target /
        reference.

    Examples
    --------
    >>> cells_from_frequencies(10, 1000, 5, 2000)
    (10, 5, 990, 1995)
    """
    return a, b, c - a, d - b


def cells_from_margins(o11, r1, c1, n):
    """The 2x2 table of an association from the joint count and the margins.

    Parameters
    ----------
    o11 : number or array
        Joint count.
    r1, c1 : number or array
        Row margin (first event) and column margin (second event).
    n : number or array
        Sample size.

    Returns
    -------
    tuple of (o11, o12, o21, o22)
        ``(o11, r1 - o11, c1 - o11, n - r1 - c1 + o11)`` (Evert 2008).

    Examples
    --------
    >>> cells_from_margins(2, 10, 4, 100)
    (2, 8, 2, 88)
    """
    return o11, r1 - o11, c1 - o11, n - r1 - c1 + o11


def expected_count(r1, c1, n):
    """Expected joint count under independence, ``E11 = r1 * c1 / n``.

    Examples
    --------
    >>> expected_count(10, 4, 100)
    0.4
    """
    (r1, c1, n), wrap = _arrays(r1, c1, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(r1 * c1 / n)


def _expected_cells(o11, o12, o21, o22):
    n = o11 + o12 + o21 + o22
    r1, r2 = o11 + o12, o21 + o22
    k1, k2 = o11 + o21, o12 + o22
    with np.errstate(divide="ignore", invalid="ignore"):
        return r1 * k1 / n, r1 * k2 / n, r2 * k1 / n, r2 * k2 / n


def log_likelihood(o11, o12, o21, o22):
    """Log-likelihood ratio G2 of a 2x2 table (Dunning 1993).

    ``G2 = 2 * sum(O * ln(O / E))`` over the four cells, with ``E`` the counts expected under
    independence from the margins; a cell with ``O = 0`` contributes 0. Asymptotically chi-square
    distributed with one degree of freedom (3.84 for p < 0.05, 6.63 for p < 0.01, 10.83 for
    p < 0.001). Equals NLTK's ``BigramAssocMeasures.likelihood_ratio`` on the same table.

    Note: Rayson & Garside's keyness wizard sums over the two frequency cells only; that version
    is slightly smaller and coincides with this one when the term is rare in both corpora.

    Parameters
    ----------
    o11, o12, o21, o22 : number or array
        The four observed cells (see the module docstring).

    Returns
    -------
    float or array or Series
        G2 (always >= 0).

    Examples
    --------
    >>> round(log_likelihood(10, 5, 990, 1995), 4)
    6.9692
    """
    (o11, o12, o21, o22), wrap = _arrays(o11, o12, o21, o22)
    expected = _expected_cells(o11, o12, o21, o22)
    total = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        for obs, exp in zip((o11, o12, o21, o22), expected):
            total = total + np.where(obs > 0, obs * np.log(obs / exp), 0.0)
    return wrap(2.0 * total)


def chi_square(o11, o12, o21, o22, *, yates: bool = False):
    """Pearson's chi-square of a 2x2 table (Pearson 1900; Manning & Schuetze 1999, 5.3.3).

    ``X2 = n * (o11 * o22 - o12 * o21)**2 / (r1 * r2 * k1 * k2)``; with ``yates=True`` Yates's
    continuity correction subtracts ``n / 2`` from ``|o11 * o22 - o12 * o21|`` first (clipped at
    0). Without the correction it equals NLTK's ``BigramAssocMeasures.chi_sq``.

    Parameters
    ----------
    o11, o12, o21, o22 : number or array
        The four observed cells.
    yates : bool
        Apply Yates's continuity correction.

    Returns
    -------
    float or array or Series
        X2 (>= 0); NaN when a margin is 0.

    Examples
    --------
    >>> round(chi_square(10, 5, 990, 1995), 4)
    7.5377
    """
    (o11, o12, o21, o22), wrap = _arrays(o11, o12, o21, o22)
    n = o11 + o12 + o21 + o22
    diff = np.abs(o11 * o22 - o12 * o21)
    if yates:
        diff = np.maximum(diff - n / 2.0, 0.0)
    denominator = (o11 + o12) * (o21 + o22) * (o11 + o21) * (o12 + o22)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(n * diff**2 / denominator)


def p_value(statistic, *, df: int = 1):
    """Upper-tail p-value of a chi-square distributed statistic (G2 or X2), one degree of freedom.

    Examples
    --------
    >>> round(p_value(3.841458820694124), 6)
    0.05
    """
    from scipy import stats  # imported here: scipy.stats costs ~0.5 s, most callers never need it

    (statistic,), wrap = _arrays(statistic)
    return wrap(stats.chi2.sf(statistic, df))


def relative_frequency(count, total, *, per: float = 10_000):
    """Relative frequency: ``count / total * per`` (per 10,000 words by default).

    Examples
    --------
    >>> relative_frequency(3, 1500)
    20.0
    """
    (count, total), wrap = _arrays(count, total)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(count / total * per)


def log_ratio(a, c, b, d, *, zero: float = 0.5):
    """Log ratio: the binary log of the ratio of relative frequencies (Hardie 2014).

    ``log2((a / c) / (b / d))``. Each point is a doubling: 1 means twice as frequent in the target,
    -1 half as frequent. An effect size, to be read next to a significance test. Following Hardie,
    a zero frequency is replaced by ``zero`` (0.5) so that the ratio stays finite.

    Parameters
    ----------
    a, c : number or array
        Count in the target and target total.
    b, d : number or array
        Count in the reference and reference total.
    zero : float
        What a zero count is replaced with.

    Returns
    -------
    float or array or Series

    Examples
    --------
    >>> log_ratio(10, 1000, 5, 2000)   # 1% against 0.25%: 4 times = 2 doublings
    2.0
    """
    (a, c, b, d), wrap = _arrays(a, c, b, d)
    a = np.where(a == 0, zero, a)
    b = np.where(b == 0, zero, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(np.log2((a / c) / (b / d)))


def percent_difference(a, c, b, d):
    """%DIFF: how much more (or less) frequent in the target, in percent (Gabrielatos & Marchi 2012).

    ``(a/c - b/d) / (b/d) * 100``. 100 means twice as frequent, -50 half as frequent. When the
    term is absent from the reference the result is ``inf`` (Gabrielatos & Marchi substitute
    1e-18 for the zero, which gives an enormous finite number saying the same).

    Examples
    --------
    >>> percent_difference(10, 1000, 5, 2000)
    300.0
    """
    (a, c, b, d), wrap = _arrays(a, c, b, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        target, reference = a / c, b / d
        result = np.where(reference > 0, (target - reference) / reference * 100.0,
                          np.where(target > 0, np.inf, np.nan))
    return wrap(result)


def pmi(o11, r1, c1, n):
    """Pointwise mutual information, in bits (Church & Hanks 1990; Manning & Schuetze 5.4).

    ``log2(o11 * n / (r1 * c1))``: how many times more often the pair occurs than chance would
    have it, on a doubling scale. Unreliable for rare pairs (use a minimum count). Equals NLTK's
    ``BigramAssocMeasures.pmi``. ``-inf`` when ``o11`` is 0.

    Examples
    --------
    >>> pmi(2, 10, 4, 80)   # 2 * 80 / 40 = 4 times chance
    2.0
    """
    (o11, r1, c1, n), wrap = _arrays(o11, r1, c1, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(np.log2(o11 * n / (r1 * c1)))


def npmi(o11, r1, c1, n):
    """Normalised PMI in [-1, 1] (Bouma 2009).

    ``pmi / -log2(o11 / n)``: 1 when the two always occur together, 0 when independent, -1 when
    they never co-occur (``o11 = 0``).

    Examples
    --------
    >>> round(npmi(2, 10, 4, 80), 4)   # 2 / -log2(2 / 80) = 2 / 5.3219
    0.3758
    """
    (o11, r1, c1, n), wrap = _arrays(o11, r1, c1, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.log2(o11 * n / (r1 * c1)) / -np.log2(o11 / n)
        value = np.where(o11 == 0, -1.0, value)
    return wrap(value)


def t_score(o11, r1, c1, n):
    """t-score (Church et al. 1991): ``(o11 - E11) / sqrt(o11)``, with ``E11 = r1 * c1 / n``.

    Favours frequent pairs; about 2 or more is the usual bar. Equals NLTK's
    ``BigramAssocMeasures.student_t`` (up to its 1e-20 guard against division by zero).

    Examples
    --------
    >>> t_score(4, 10, 4, 80)   # (4 - 0.5) / 2
    1.75
    """
    (o11, r1, c1, n), wrap = _arrays(o11, r1, c1, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap((o11 - r1 * c1 / n) / np.sqrt(o11))


def dice(o11, r1, c1, n=None):
    """Dice coefficient (Dice 1945): ``2 * o11 / (r1 + c1)``, in [0, 1].

    ``n`` is accepted (and ignored) so every association measure takes the same arguments.
    Equals NLTK's ``BigramAssocMeasures.dice``.

    Examples
    --------
    >>> dice(2, 10, 6)
    0.25
    """
    (o11, r1, c1), wrap = _arrays(o11, r1, c1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(2.0 * o11 / (r1 + c1))


def jaccard(o11, r1, c1, n=None):
    """Jaccard coefficient (Jaccard 1912): ``o11 / (r1 + c1 - o11)``, in [0, 1].

    Equals NLTK's ``BigramAssocMeasures.jaccard``.

    Examples
    --------
    >>> round(jaccard(2, 10, 6), 4)   # 2 / 14
    0.1429
    """
    (o11, r1, c1), wrap = _arrays(o11, r1, c1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return wrap(o11 / (r1 + c1 - o11))


def deviation_of_proportions(counts, sizes):
    """Gries's DP, deviation of proportions (Gries 2008): how unevenly a word spreads over parts.

    ``DP = 0.5 * sum_i |v_i - s_i|``, with ``v_i`` the share of the word's occurrences in part
    ``i`` and ``s_i`` the share of the corpus's words in part ``i``. 0 when the word is spread
    exactly like the text, approaching 1 when all of it sits in one small part. Not a contingency
    measure: it reads one row of counts per word against the parts' sizes.

    Parameters
    ----------
    counts : array, shape (parts,) or (words, parts)
        Occurrences of each word in each part.
    sizes : array, shape (parts,)
        Words in each part.

    Returns
    -------
    float or array (one value per word; NaN for a word never seen)

    Examples
    --------
    >>> deviation_of_proportions([3, 0], [50, 50])   # all in one half: 0.5 * (|1 - .5| + |0 - .5|)
    0.5
    """
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    share = sizes / sizes.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = counts / counts.sum(axis=-1, keepdims=True)
    result = 0.5 * np.abs(spread - share).sum(axis=-1)
    result = np.where(counts.sum(axis=-1) > 0, result, np.nan)
    return float(result) if result.ndim == 0 else result
