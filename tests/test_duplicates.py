"""Tests of toolkit.duplicates: near-duplicate clusters and keeping one per cluster."""

import numpy as np
import pandas as pd
import pytest
from datasketch import MinHash

from toolkit.duplicates import (
    choose_bands,
    drop_near_duplicates,
    find_duplicates,
    minhash_signatures,
    shingle_hashes,
)

# Ten distinct words; with 2-word shingles a text of n distinct words has n - 1 shingles.
A = "Protesters gathered in Tahrir Square on Friday demanding Mubarak resign"
# B: A with its last word changed. Shingles of A: 9; of B: 9; shared: the first 8 (up to
# "demanding Mubarak"); union 9 + 9 - 8 = 10; Jaccard 8 / 10 = 0.8.
B = "Protesters gathered in Tahrir Square on Friday demanding Mubarak leave"
# C: A's first five words, then five others. Shared with A (and with B): 4 shingles
# ("protesters gathered" ... "tahrir square"); union 9 + 9 - 4 = 14; Jaccard 4 / 14 = 0.2857.
C = "Protesters gathered in Tahrir Square as police fired tear gas"


@pytest.fixture
def docs():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c"],
        # b was published first, so it is its cluster's first member
        "date": pd.to_datetime(["2011-02-02", "2011-02-01", "2011-02-03"]),
        "text": [A, B + " Mubarak", C],  # b ends "... leave Mubarak": 10 shingles, 8 shared with A
    })


def test_pair_above_and_below_the_threshold():
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [A, B, C]})
    found = find_duplicates(docs, threshold=0.8, shingle_size=2, date_column=None)
    # a-b: 0.8 >= 0.8, a cluster; c: 0.2857 < 0.8, alone (not listed)
    assert found.values.tolist() == [[0, "a", 1.0, True], [0, "b", 0.8, False]]
    # just above 0.8 the pair is no longer a near-duplicate
    assert len(find_duplicates(docs, threshold=0.81, shingle_size=2, date_column=None)) == 0
    # at 0.25, c joins: similarity to the first member a is 4 / 14
    found = find_duplicates(docs, threshold=0.25, shingle_size=2, date_column=None)
    assert found["doc_id"].tolist() == ["a", "b", "c"]
    assert found["similarity"].tolist() == pytest.approx([1.0, 0.8, 4 / 14])


def test_first_member_is_the_earliest(docs):
    found = find_duplicates(docs, threshold=0.7, shingle_size=2)
    # b (2011-02-01) is first; a: A has 9 shingles, b has 10 ("leave mubarak" added),
    # shared 8, union 9 + 10 - 8 = 11: 8 / 11
    assert found[["cluster", "doc_id", "first"]].values.tolist() == [[0, "b", True], [0, "a", False]]
    assert found["similarity"].tolist() == pytest.approx([1.0, 8 / 11])


def test_keep_one_per_cluster(docs):
    found = find_duplicates(docs, threshold=0.7, shingle_size=2)
    assert drop_near_duplicates(docs, found)["doc_id"].tolist() == ["b", "c"]              # first published
    assert drop_near_duplicates(docs, found, keep="longest")["doc_id"].tolist() == ["b", "c"]  # b is longer
    shorter_b = docs.assign(text=[A, B[:-5], C])
    found = find_duplicates(shorter_b, threshold=0.6, shingle_size=2)
    # b is now "... demanding Mubarak" (8 shingles, all in A): Jaccard 8 / 9; a is the longer text
    assert found["similarity"].tolist() == pytest.approx([1.0, 8 / 9])
    assert drop_near_duplicates(shorter_b, found, keep="longest")["doc_id"].tolist() == ["a", "c"]
    with pytest.raises(ValueError):
        drop_near_duplicates(docs, found, keep="last")


def test_shared_boilerplate_does_not_make_articles_alike():
    footer = "We welcome comments on our articles for a limited period after their publication."
    docs = pd.DataFrame({"doc_id": ["x", "y"], "text": [
        "Rebels took Brega.\n" + footer, "Oil prices rose.\n" + footer]})
    # 5-word shingles: the footer's 13 words give 9 shingles shared by both; each article adds
    # 3 shingles of its own crossing the line break (words are read across lines):
    # x: 3 + 13 = 16 words, 12 shingles; y: the same; Jaccard 9 / (12 + 12 - 9) = 9 / 15 = 0.6
    found = find_duplicates(docs, threshold=0.6)
    assert found["similarity"].tolist() == pytest.approx([1.0, 9 / 15])
    assert len(find_duplicates(docs, threshold=0.6, boilerplate=[footer])) == 0


def test_documents_without_words_are_never_matched():
    docs = pd.DataFrame({"doc_id": ["p", "q", "r"], "text": ["...", "--", "Words here."]})
    assert len(find_duplicates(docs)) == 0


def test_small_inputs():
    one = pd.DataFrame({"doc_id": ["a"], "text": [A]})
    found = find_duplicates(one)
    assert list(found.columns) == ["cluster", "doc_id", "similarity", "first"] and len(found) == 0
    assert drop_near_duplicates(one, found)["doc_id"].tolist() == ["a"]
    with pytest.raises(ValueError):
        find_duplicates(one, threshold=0)


def test_shingles():
    hashes, offsets = shingle_hashes(["a b c", "A b, c!", "x", "", "b c d"], shingle_size=2)
    # "a b c" -> [a b], [b c]; the second text has the same words after lowercasing; "x" has one
    # shingle of its single word; "" none; "b c d" -> [b c], [c d]
    assert offsets.tolist() == [0, 2, 4, 5, 5, 7]
    assert hashes[0:2].tolist() == hashes[2:4].tolist()
    assert hashes[1] == hashes[5]                        # [b c] in the first and last text
    assert len(set(hashes.tolist())) == 4                # [a b], [b c], [x], [c d]


def test_signatures_equal_datasketch():
    hashes, offsets = shingle_hashes(["the quick brown fox jumps over the lazy dog", "", "one two"],
                                     shingle_size=3)
    signatures = minhash_signatures(hashes, offsets, num_perm=32, seed=7)
    for i in range(3):
        sketch = MinHash(num_perm=32, seed=7, scheme="affine32", hashfunc=lambda x: x)
        sketch.update_batch([int(h >> np.uint64(32)) for h in hashes[offsets[i]:offsets[i + 1]]])
        assert np.array_equal(signatures[i], sketch.hashvalues)


def test_choose_bands():
    # 0.8 ** 6 = 0.262; 1 - (1 - 0.262) ** 21 = 0.9983 >= 0.995, while 7 rows (18 bands) give
    # 1 - (1 - 0.8 ** 7) ** 18 = 0.986 < 0.995
    assert choose_bands(0.8, 128) == (21, 6)


def test_workers_give_the_same_result(docs):
    one = find_duplicates(docs, threshold=0.7, shingle_size=2)
    two = find_duplicates(docs, threshold=0.7, shingle_size=2, workers=2, batch_docs=1)
    pd.testing.assert_frame_equal(one, two)


def test_candidate_pairs_equal_datasketch_lsh_queries():
    # 60 random signatures, rows 10-19 copies of rows 0-9 with some values changed (so that
    # some, not all, share a band): the numpy banding must return exactly the pairs that
    # datasketch's MinHashLSH returns when every signature is queried.
    from datasketch import MinHash, MinHashLSH

    from toolkit.duplicates import candidate_pairs, choose_bands

    rng = np.random.default_rng(7)
    sigs = rng.integers(0, 2**32 - 1, size=(60, 128), dtype=np.uint32)
    for k in range(10):
        sigs[10 + k] = sigs[k]
        changed = rng.choice(128, size=int(rng.integers(5, 120)), replace=False)
        sigs[10 + k, changed] = rng.integers(0, 2**32 - 1, size=len(changed), dtype=np.uint32)
    sigs[30] = sigs[31] = sigs[32] = sigs[0]          # a group of four with equal signatures
    sigs[41, :6] = sigs[40, :6]                        # one equal band, 6 of 128 values: estimate 0.047
    sizes = np.ones(60, dtype=int)
    sizes[32] = 0                                      # an empty set is never a candidate
    lsh = MinHashLSH(num_perm=128, params=choose_bands(0.8, 128))
    sketches = {i: MinHash(num_perm=128, hashvalues=sigs[i], scheme="affine32") for i in range(60) if sizes[i]}
    for i, sketch in sketches.items():
        lsh.insert(i, sketch)
    expected = sorted({(i, j) for i, s in sketches.items() for j in lsh.query(s) if j > i})
    assert [tuple(p) for p in candidate_pairs(sigs, sizes, margin=None).tolist()] == expected
    assert {(0, 30), (0, 31), (30, 31)} <= set(expected) and not any(32 in p for p in expected)
    # with the default margin, candidates whose estimate (share of equal values) is below
    # 0.8 - 0.25 = 0.55 are dropped: row 10+k keeps 128 - changed[k] of row k's values
    estimate = {p: float((sigs[p[0]] == sigs[p[1]]).mean()) for p in expected}
    kept = [tuple(p) for p in candidate_pairs(sigs, sizes).tolist()]
    assert kept == [p for p in expected if estimate[p] >= 0.55]
    assert (0, 30) in kept and (40, 41) in expected and (40, 41) not in kept


def test_words_as_the_word_pattern_finds_them():
    from toolkit.duplicates import _words

    # runs of letters and digits, lowercased; "_" and punctuation separate; one count per text
    words, counts = _words(["Ab, c9!", "", "x_y"])
    assert words.to_pylist() == ["ab", "c9", "x", "y"] and counts.tolist() == [2, 0, 2]
    # not ASCII: "Ça" and "Été" lowercased, "中文" (beyond the table) is a word, "\u00a0" and "’" are not
    words, counts = _words(["Ça\u00a0va’Été", "中文 1,5"])
    assert words.to_pylist() == ["ça", "va", "été", "中文", "1", "5"] and counts.tolist() == [3, 3]


def test_strip_boilerplate_keeps_the_other_paragraphs_one_a_line():
    from toolkit.duplicates import _strip_boilerplate

    docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
                         "text": ["Rebels advanced.\nReply  now.\nOil rose.", "Reply now.", ""]})
    # "Reply  now." normalises to the boilerplate "Reply now."; a document of boilerplate only, or
    # without paragraphs, becomes empty
    assert _strip_boilerplate(docs, ["Reply now."], "doc_id", "text") == ["Rebels advanced.\nOil rose.", "", ""]
