"""Association and keyness measures, checked against arithmetic done by hand and against NLTK."""

import math

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.association import BigramAssocMeasures as NLTK

from toolkit import measures as m

# A 2x2 table worked by hand:
#                 col 1   col 2
#   row 1    |    10   |   20   |  r1 = 30
#   row 2    |    30   |   40   |  r2 = 70
#                k1 = 40  k2 = 60   n = 100
# Expected under independence: E11 = 30*40/100 = 12, E12 = 30*60/100 = 18,
#                              E21 = 70*40/100 = 28, E22 = 70*60/100 = 42.
TABLE = (10, 20, 30, 40)


def test_chi_square_of_a_2x2_table_by_hand():
    # (10-12)^2/12 + (20-18)^2/18 + (30-28)^2/28 + (40-42)^2/42
    # = 4/12 + 4/18 + 4/28 + 4/42 = 0.333333 + 0.222222 + 0.142857 + 0.095238 = 0.793651
    assert m.chi_square(*TABLE) == pytest.approx(0.793651, abs=1e-6)
    # Yates: n * (|ad - bc| - n/2)^2 / (r1 r2 k1 k2) = 100 * (200 - 50)^2 / (30*70*40*60)
    #      = 2,250,000 / 5,040,000 = 0.446429
    assert m.chi_square(*TABLE, yates=True) == pytest.approx(0.446429, abs=1e-6)


def test_log_likelihood_of_a_2x2_table_by_hand():
    # 2 * (10 ln(10/12) + 20 ln(20/18) + 30 ln(30/28) + 40 ln(40/42))
    # = 2 * (10*-0.182322 + 20*0.105361 + 30*0.068993 + 40*-0.048790)
    # = 2 * (-1.823216 + 2.107210 + 2.069786 - 1.951607) = 2 * 0.402174 = 0.804348
    assert m.log_likelihood(*TABLE) == pytest.approx(0.804348, abs=1e-6)


def test_a_zero_cell_contributes_nothing_to_g2():
    # cells (5, 0, 5, 10): n = 20, r1 = 5, r2 = 15, k1 = 10, k2 = 10
    # E11 = 5*10/20 = 2.5, E21 = 15*10/20 = 7.5, E22 = 7.5; the O12 = 0 cell adds 0
    # 2 * (5 ln 2 + 5 ln(5/7.5) + 10 ln(10/7.5)) = 2 * (3.465736 - 2.027326 + 2.876821) = 8.630462
    assert m.log_likelihood(5, 0, 5, 10) == pytest.approx(8.630462, abs=1e-5)


def test_p_values_of_the_chi_square_critical_values():
    # 3.841459 and 6.634897 are the 95th and 99th percentiles of chi-square with 1 df
    assert m.p_value(3.841459) == pytest.approx(0.05, abs=1e-6)
    assert m.p_value(6.634897) == pytest.approx(0.01, abs=1e-6)


def test_keyness_cells_and_effect_sizes_by_hand():
    # "peace": 10 times in a 1,000-word target, 5 times in a 2,000-word reference
    assert m.cells_from_frequencies(10, 1000, 5, 2000) == (10, 5, 990, 1995)
    # relative frequencies: 10/1000 = 1%, 5/2000 = 0.25% -> 4 times -> log2(4) = 2
    assert m.log_ratio(10, 1000, 5, 2000) == pytest.approx(2.0)
    # %DIFF = (0.01 - 0.0025) / 0.0025 * 100 = 300
    assert m.percent_difference(10, 1000, 5, 2000) == pytest.approx(300.0)
    # the other way round: log2(1/4) = -2; (0.0025 - 0.01) / 0.01 * 100 = -75
    assert m.log_ratio(5, 2000, 10, 1000) == pytest.approx(-2.0)
    assert m.percent_difference(5, 2000, 10, 1000) == pytest.approx(-75.0)
    # G2 of cells (10, 5, 990, 1995): n = 3000, E = (5, 10, 995, 1990)
    # 2 * (10 ln 2 + 5 ln 0.5 + 990 ln(990/995) + 1995 ln(1995/1990))
    # = 2 * (6.931472 - 3.465736 - 4.987416 + 5.006276) = 2 * 3.484596 = 6.969192
    assert m.log_likelihood(*m.cells_from_frequencies(10, 1000, 5, 2000)) == pytest.approx(6.969192, abs=1e-6)


def test_log_ratio_replaces_a_zero_with_a_half_and_pct_diff_goes_infinite():
    # 4 in 1000 against 0 in 1000: log2((4/1000) / (0.5/1000)) = log2(8) = 3
    assert m.log_ratio(4, 1000, 0, 1000) == pytest.approx(3.0)
    assert m.percent_difference(4, 1000, 0, 1000) == math.inf


def test_relative_frequency_per_10k():
    # 3 / 1500 * 10,000 = 20
    assert m.relative_frequency(3, 1500) == pytest.approx(20.0)
    assert m.relative_frequency(3, 1500, per=100) == pytest.approx(0.2)


def test_association_measures_by_hand():
    # o11 = 2 joint, r1 = 10, c1 = 4, n = 80: E11 = 10 * 4 / 80 = 0.5
    assert m.expected_count(10, 4, 80) == pytest.approx(0.5)
    assert m.cells_from_margins(2, 10, 4, 80) == (2, 8, 2, 68)
    # PMI = log2(2 * 80 / (10 * 4)) = log2(4) = 2
    assert m.pmi(2, 10, 4, 80) == pytest.approx(2.0)
    # NPMI = 2 / -log2(2/80) = 2 / log2(40) = 2 / 5.321928 = 0.375804
    assert m.npmi(2, 10, 4, 80) == pytest.approx(0.375804, abs=1e-6)
    # t = (2 - 0.5) / sqrt(2) = 1.5 / 1.414214 = 1.060660
    assert m.t_score(2, 10, 4, 80) == pytest.approx(1.060660, abs=1e-6)
    # Dice = 2 * 2 / (10 + 4) = 0.285714; Jaccard = 2 / (10 + 4 - 2) = 0.166667
    assert m.dice(2, 10, 4, 80) == pytest.approx(0.285714, abs=1e-6)
    assert m.jaccard(2, 10, 4, 80) == pytest.approx(0.166667, abs=1e-6)


def test_npmi_bounds():
    # always together: o11 = r1 = c1 = 5 of 100: pmi = log2(100/5) = -log2(5/100) -> NPMI = 1
    assert m.npmi(5, 5, 5, 100) == pytest.approx(1.0)
    # independent: o11 = E11 = 10 * 20 / 100 = 2 -> pmi = 0 -> NPMI = 0
    assert m.npmi(2, 10, 20, 100) == pytest.approx(0.0)
    # never together -> -1 (Bouma 2009)
    assert m.npmi(0, 10, 20, 100) == -1.0


# Margins (o11, r1, c1, n) of a few tables, including a perfect and an independent one.
MARGINS = [(2, 10, 4, 80), (10, 30, 40, 100), (1, 1, 1, 10), (3, 50, 7, 1000), (2, 10, 20, 100), (17, 240, 31, 52_000)]


@pytest.mark.parametrize("o11,r1,c1,n", MARGINS)
def test_measures_equal_nltk_bigram_assoc_measures(o11, r1, c1, n):
    args = (o11, (r1, c1), n)
    cells = m.cells_from_margins(o11, r1, c1, n)
    assert m.pmi(o11, r1, c1, n) == pytest.approx(NLTK.pmi(*args))
    assert m.log_likelihood(*cells) == pytest.approx(NLTK.likelihood_ratio(*args), abs=1e-9)
    assert m.chi_square(*cells) == pytest.approx(NLTK.chi_sq(*args), abs=1e-9)
    assert m.t_score(o11, r1, c1, n) == pytest.approx(NLTK.student_t(*args))
    assert m.dice(o11, r1, c1, n) == pytest.approx(NLTK.dice(*args))
    assert m.jaccard(o11, r1, c1, n) == pytest.approx(NLTK.jaccard(*args))


def test_measures_are_vectorised_and_keep_a_series_index():
    o11 = pd.Series([2, 10], index=["peace", "war"])
    r1 = pd.Series([10, 30], index=["peace", "war"])
    c1 = pd.Series([4, 40], index=["peace", "war"])
    scores = m.pmi(o11, r1, c1, 80)
    assert isinstance(scores, pd.Series) and list(scores.index) == ["peace", "war"]
    # peace: log2(2*80/40) = 2; war: log2(10*80/1200) = log2(0.666667) = -0.584963
    assert scores.tolist() == pytest.approx([2.0, -0.584963], abs=1e-6)
    arrays = m.log_ratio(np.array([10, 5]), 1000, np.array([5, 10]), 2000)
    assert isinstance(arrays, np.ndarray)
    # 10/1000 vs 5/2000 -> log2(4) = 2; 5/1000 vs 10/2000 -> log2(1) = 0
    assert arrays.tolist() == pytest.approx([2.0, 0.0])
    assert isinstance(m.log_likelihood(1, 2, 3, 4), float)
