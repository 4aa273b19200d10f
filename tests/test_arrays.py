"""Integer array helpers (toolkit._arrays)."""

import numpy as np

from toolkit._arrays import distinct


def test_distinct_is_np_unique_by_a_sort():
    assert distinct(np.array([3, 1, 3, 2, 1], dtype=np.int64)).tolist() == [1, 2, 3]
    assert distinct(np.array([], dtype=np.int64)).dtype == np.int64 and len(distinct(np.array([], dtype=np.int64))) == 0
    assert distinct(np.array([7], dtype=np.uint64)).tolist() == [7]
    assert distinct(np.array([2**63 + 5, 5, 2**63 + 5], dtype=np.uint64)).tolist() == [5, 2**63 + 5]
    values = np.random.default_rng(0).integers(-50, 50, 1000)
    assert np.array_equal(distinct(values), np.unique(values))
