"""Near-duplicate articles: clusters of nearly identical texts, and keeping one per cluster.

The same wire story runs in several outlets, or in several updated versions; a crawler stores the
same page twice with a different sidebar. Counted twice, such articles double their words, their
co-occurrences and their tone. :func:`find_duplicates` finds clusters of articles whose texts are
nearly the same; :func:`drop_near_duplicates` keeps one article per cluster.

Similarity is the Jaccard resemblance of two articles' sets of word shingles (every run of
``shingle_size`` consecutive words, lowercased; words are runs of letters and digits): the share
of shingles the two have in common (Broder 1997, *On the resemblance and containment of
documents*). Finding the pairs is MinHash with locality-sensitive hashing (signatures made with
datasketch's ``affine32`` permutations and banded as datasketch's ``MinHashLSH`` bands them, both computed for a
whole batch of articles at once with numpy), banded so that a pair at the threshold is found with
probability 99.5% or more (:func:`choose_bands`); every candidate pair whose MinHash estimate is
not far below the threshold (:func:`candidate_pairs`) is then checked exactly, so the
``similarity`` reported and the threshold applied are exact Jaccard values, not estimates.
A cluster is a connected group of pairs at or above the threshold; its first member is the
earliest article (by date, then by its row in the documents table).
"""

from __future__ import annotations

import functools
import re
from concurrent.futures import ProcessPoolExecutor

import multiprocessing as mp
import numpy as np
import pandas as pd

from ._arrays import distinct

__all__ = [
    "find_duplicates",
    "drop_near_duplicates",
    "shingle_hashes",
    "minhash_signatures",
    "choose_bands",
    "candidate_pairs",
    "cluster_duplicates",
    "DUPLICATE_COLUMNS",
    "DUPLICATES_VERSION",
]

DUPLICATE_COLUMNS = ["cluster", "doc_id", "similarity", "first"]
DUPLICATES_VERSION = "duplicates-1"
"""Changes whenever shingling or clustering changes (part of the cache key of the duplicates table)."""

_WORD = re.compile(r"[^\W_]+")
_POLY = np.uint64(0x100000001B3)  # odd multiplier of the rolling shingle hash (FNV-1 64-bit prime)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(33), np.uint64(0xC4CEB9FE1A85EC53), np.uint64(33))


def _fmix(values: np.ndarray, constants) -> np.ndarray:
    """MurmurHash3 finaliser (the bijection datasketch's affine schemes apply first)."""
    s1, m1, s2, m2, s3 = constants
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


@functools.lru_cache(maxsize=1)
def _alnum_table() -> np.ndarray:
    """Which code points below U+3000 are letters or digits (``str.isalnum``, the regex ``[^\\W_]``)."""
    return np.array([chr(c).isalnum() for c in range(0x3000)], dtype=bool)


def _words(texts):
    """The lowercase words (runs of letters and digits) of all texts, one after the other, as an
    Arrow string array, and how many each text has.

    The same words as ``[w for t in texts for w in _WORD.findall(t.lower())]``, without a regular
    expression (which tries every position) and without a Python string per word (see
    ``toolkit.text._runs``).

    >>> words, counts = _words(["Ab, c9!", "", "x_y"])
    >>> words.to_pylist(), counts.tolist()
    (['ab', 'c9', 'x', 'y'], [2, 0, 2])
    """
    from .text import _runs

    lowered = [text.lower() for text in texts]
    lengths = np.fromiter(map(len, lowered), dtype=np.int64, count=len(lowered)) + 1
    text_starts = np.cumsum(lengths) - lengths
    starts, _, words = _runs("\n".join(lowered), _alnum_table(), beyond=str.isalnum)
    counts = np.bincount(np.searchsorted(text_starts, starts, side="right") - 1, minlength=len(lowered))
    return words, counts.astype(np.int64)


def _hash_words(words) -> np.ndarray:
    """``pandas.util.hash_array`` of the words (an Arrow string array), each distinct word hashed once."""
    from .text import _dictionary

    codes, distinct = _dictionary(words)
    return pd.util.hash_array(distinct, categorize=False)[codes]


def shingle_hashes(texts, *, shingle_size: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Hash every word shingle of each text (64-bit; vectorised over all the texts).

    Parameters
    ----------
    texts : sequence of str
    shingle_size : int
        Words per shingle. A text with fewer words (but at least one) has one shingle, of all
        its words; a text without words has none.

    Returns
    -------
    (numpy.ndarray of uint64, numpy.ndarray of int64)
        The shingle hashes of all texts one after the other (duplicates within a text kept),
        and the offsets: text ``i``'s hashes are ``hashes[offsets[i]:offsets[i + 1]]``.

    Examples
    --------
    >>> hashes, offsets = shingle_hashes(["a b c", "A b, c!", "x"], shingle_size=2)
    >>> offsets.tolist(), bool(hashes[0] == hashes[2]), bool(hashes[0] == hashes[1])
    ([0, 2, 4, 5], True, False)
    """
    if shingle_size < 1:
        raise ValueError("shingle_size must be at least 1")
    words, lengths = _words(texts)
    word_starts = np.concatenate(([0], np.cumsum(lengths)))
    if not len(words):
        return np.empty(0, dtype=np.uint64), np.zeros(len(texts) + 1, dtype=np.int64)
    w = _hash_words(words)
    total = len(w)
    k = shingle_size
    # rolling[m - 1][g] is the hash of the m words starting at global word position g
    rolling = [w]
    for m in range(2, k + 1):
        previous = rolling[-1]
        rolling.append(previous[: total - m + 1] * _POLY + w[m - 1:])
    counts = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    offsets = np.concatenate(([0], np.cumsum(counts)))
    hashes = np.empty(int(offsets[-1]), dtype=np.uint64)
    long = np.flatnonzero(lengths >= k)
    if len(long):
        per_doc = counts[long]
        within = np.arange(int(per_doc.sum())) - np.repeat(np.cumsum(per_doc) - per_doc, per_doc)
        hashes[np.repeat(offsets[long], per_doc) + within] = rolling[k - 1][np.repeat(word_starts[long], per_doc) + within]
    for i in np.flatnonzero((lengths > 0) & (lengths < k)):
        hashes[offsets[i]] = rolling[lengths[i] - 1][word_starts[i]]
    return _fmix(hashes, _FMIX64), offsets


def _permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's ``MinHash(num_perm, seed, scheme="affine32").permutations``, without importing
    datasketch (0.5 s): odd multipliers ``a`` and offsets ``b`` drawn from ``RandomState(seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def minhash_signatures(hashes: np.ndarray, offsets: np.ndarray, *, num_perm: int = 128, seed: int = 1,
                       permutations=None) -> np.ndarray:
    """MinHash signatures of many sets at once, equal to datasketch's ``affine32`` MinHash.

    Each set's 64-bit hashes are folded to 32 bits (their high half), then treated exactly as
    ``datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=identity).update_batch``
    would treat them.

    Parameters
    ----------
    hashes, offsets : numpy.ndarray
        As returned by :func:`shingle_hashes`.
    num_perm, seed : int
        Number of permutations and their seed (as in datasketch).
    permutations : numpy.ndarray, optional
        datasketch's ``MinHash.permutations`` array (computed from ``num_perm`` and ``seed`` if
        not given).

    Returns
    -------
    numpy.ndarray of uint32, shape (number of sets, num_perm)
        One row per set; an empty set's row is all ``2**32 - 1`` (datasketch's empty value).
    """
    a, b = permutations if permutations is not None else _permutations(num_perm, seed)
    n_sets = len(offsets) - 1
    signatures = np.full((n_sets, len(a)), np.iinfo(np.uint32).max, dtype=np.uint32)
    sizes = np.diff(offsets)
    nonempty = np.flatnonzero(sizes > 0)
    if not len(nonempty):
        return signatures
    hv = _fmix((hashes >> np.uint64(32)).astype(np.uint32), _FMIX32)
    starts = offsets[:-1][nonempty]
    # Empty sets occupy no positions, so the starts of the non-empty ones are strictly increasing.
    # One permutation at a time over contiguous arrays (a 2-D block with reduceat along axis 0
    # measured 10-20 times slower). uint32 arithmetic wraps: that is the mod 2**32 of affine32.
    for p in range(len(a)):
        signatures[nonempty, p] = np.minimum.reduceat(hv * a[p] + b[p], starts)
    return signatures


def choose_bands(threshold: float, num_perm: int, *, recall: float = 0.995) -> tuple[int, int]:
    """LSH banding: ``(bands, rows)`` with the most rows per band such that a pair exactly at the
    threshold becomes a candidate with probability at least ``recall``.

    A pair of Jaccard similarity ``s`` shares at least one of ``b`` bands of ``r`` rows with
    probability ``1 - (1 - s**r)**b`` (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
    ch. 3.4), higher for every ``s`` above the threshold. More rows per band means fewer
    dissimilar candidates to verify.

    >>> choose_bands(0.8, 128)
    (21, 6)
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if bands < 2:
            break
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            best = (bands, rows)
    return best


def _shingle_sets(texts, shingle_size):
    hashes, offsets = shingle_hashes(texts, shingle_size=shingle_size)
    return [distinct(hashes[offsets[i]:offsets[i + 1]]) for i in range(len(texts))]


def _jaccard(left: np.ndarray, right: np.ndarray) -> float:
    if not len(left) and not len(right):
        return 1.0
    common = len(np.intersect1d(left, right, assume_unique=True))
    return common / (len(left) + len(right) - common)


def _signature_job(args):
    texts, shingle_size, permutations = args
    hashes, offsets = shingle_hashes(texts, shingle_size=shingle_size)
    return minhash_signatures(hashes, offsets, permutations=permutations), np.diff(offsets)


def _strip_boilerplate(documents, boilerplate, id_column, text_column):
    from .boilerplate import boilerplate_texts
    from .text import _paragraph_spans, normalize_whitespace

    skip = boilerplate_texts(boilerplate)
    texts = documents[text_column].tolist()
    if not skip:
        return texts
    # each text's paragraphs (as split_paragraphs cuts them) that are not boilerplate, one a line
    return ["\n".join(para for para in (text[a:b] for a, b in _paragraph_spans(text))
                      if normalize_whitespace(para) not in skip) for text in texts]


def _empty_duplicates(id_column):
    return pd.DataFrame({
        "cluster": pd.Series(dtype="int64"),
        id_column: pd.Series(dtype=str),
        "similarity": pd.Series(dtype="float64"),
        "first": pd.Series(dtype=bool),
    })


def find_duplicates(
    documents: pd.DataFrame,
    *,
    threshold: float = 0.8,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    boilerplate=None,
    id_column: str = "doc_id",
    text_column: str = "text",
    date_column: str | None = "date",
    workers: int = 1,
    batch_docs: int = 1000,
) -> pd.DataFrame:
    """Find clusters of near-duplicate articles.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, with an id, a text and (optionally) a date column.
    threshold : float
        Least Jaccard similarity of two articles' shingle sets for them to be near-duplicates
        (0 to 1). The default 0.8 joins reprints and lightly edited updates of a story, not
        follow-ups that reuse some background paragraphs.
    shingle_size : int
        Words per shingle.
    num_perm, seed : int
        MinHash permutations and their seed (more permutations: fewer missed pairs, slower).
    boilerplate : pandas.DataFrame or collection of str, optional
        Boilerplate paragraphs (see :func:`toolkit.find_boilerplate`) to leave out before
        comparing, so that shared page furniture does not make short articles look alike.
    id_column, text_column : str
        Column names.
    date_column : str or None
        Orders each cluster: its first member is the earliest article (ties: table order).
        ``None`` or a missing column: table order only.
    workers : int
        Processes for the signatures (large corpora; 1 runs in this process).
    batch_docs : int
        Documents per batch of signatures.

    Returns
    -------
    pandas.DataFrame
        One row per document that has at least one near-duplicate: ``cluster`` (0-based, in the
        order of the clusters' first members), ``doc_id``, ``similarity`` (exact Jaccard
        similarity to the cluster's first member; 1.0 for the first member itself), ``first``
        (bool, the cluster's first member). Documents without words are never matched.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"],
    ...     "date": pd.to_datetime(["2011-02-02", "2011-02-01", "2011-02-01"]),
    ...     "text": ["Protesters filled Tahrir Square again on Friday",
    ...              "Protesters filled Tahrir Square again on Friday.",
    ...              "Oil prices rose sharply in Asian trading"]})
    >>> find_duplicates(docs, shingle_size=2).values.tolist()
    [[0, 'b', 1.0, True], [0, 'a', 1.0, False]]
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    n = len(documents)
    if n < 2:
        return _empty_duplicates(id_column)
    texts = _strip_boilerplate(documents, boilerplate, id_column, text_column)
    permutations = _permutations(num_perm, seed)
    jobs = [(texts[i:i + batch_docs], shingle_size, permutations) for i in range(0, n, batch_docs)]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=mp.get_context("fork")) as pool:
            results = list(pool.map(_signature_job, jobs))
    else:
        results = [_signature_job(job) for job in jobs]
    signatures = np.concatenate([r[0] for r in results])
    sizes = np.concatenate([r[1] for r in results])

    pairs = candidate_pairs(signatures, sizes, threshold=threshold)
    involved = sorted({int(d) for d in pairs.ravel()})
    sets = dict(zip(involved, _shingle_sets([texts[i] for i in involved], shingle_size)))
    dates = documents[date_column] if date_column is not None and date_column in documents.columns else None
    return cluster_duplicates(documents[id_column], pairs, lambda i, j: _jaccard(sets[i], sets[j]),
                              threshold=threshold, dates=dates, id_column=id_column)


def candidate_pairs(signatures: np.ndarray, sizes: np.ndarray, *, threshold: float = 0.8,
                    margin: float | None = 0.25) -> np.ndarray:
    """Pairs of sets whose MinHash signatures agree on a whole LSH band (candidates to verify).

    The banding is :func:`choose_bands`'s; a band is the signature's values ``b*r .. (b+1)*r``,
    as in datasketch's ``MinHashLSH``, and two sets are candidates when any band is equal, which
    is what querying such an index returns. Computed for all sets at once with numpy (sorting
    each band's rows), so it takes milliseconds for 100,000 sets.

    Candidates whose MinHash estimate of the Jaccard similarity (the share of equal signature
    values) is below ``threshold - margin`` are dropped before the exact check: with 128
    permutations a pair at the threshold is estimated that low with probability at most
    ``exp(-2 * 128 * margin**2)`` (Hoeffding's inequality; 1.1e-7 for 0.25), far below the 0.5%
    the banding already misses, while many dissimilar candidates (reworded copies of one story)
    need no exact check. ``margin=None`` keeps every candidate.

    Parameters
    ----------
    signatures : numpy.ndarray of uint32, shape (sets, num_perm)
        From :func:`minhash_signatures`.
    sizes : numpy.ndarray
        Shingles per set; sets without any are never candidates.
    threshold : float
        The Jaccard threshold the banding is chosen for.
    margin : float or None
        Drop candidates whose MinHash estimate is below ``threshold - margin`` (``None``: keep all).

    Returns
    -------
    numpy.ndarray of int64, shape (pairs, 2)
        Row numbers ``(i, j)`` with ``i < j``, sorted.

    Examples
    --------
    >>> sigs = np.array([[1] * 128, [1] * 128, [2] * 128], dtype=np.uint32)
    >>> candidate_pairs(sigs, np.array([3, 3, 3])).tolist()
    [[0, 1]]
    """
    signatures = np.ascontiguousarray(signatures, dtype=np.uint32)
    rows_in = np.flatnonzero(np.asarray(sizes) > 0)
    if len(rows_in) < 2:
        return np.empty((0, 2), dtype=np.int64)
    bands, rows = choose_bands(threshold, signatures.shape[1])
    found = []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[rows_in, band * rows:(band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            continue
        # runs of equal keys: every pair within a run is a candidate
        edges = np.flatnonzero(np.diff(np.concatenate(([False], same, [False])).astype(np.int8)))
        for first, last in zip(edges[::2], edges[1::2]):   # run covers order[first .. last]
            members = np.sort(rows_in[order[first:last + 1]])
            i, j = np.triu_indices(len(members), 1)
            found.append(np.stack([members[i], members[j]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.unique(np.concatenate(found).astype(np.int64), axis=0)
    if margin is not None and len(pairs):
        estimate = np.empty(len(pairs))
        for start in range(0, len(pairs), 65536):     # bounded memory: 64k pairs x num_perm at a time
            chunk = pairs[start:start + 65536]
            estimate[start:start + 65536] = (signatures[chunk[:, 0]] == signatures[chunk[:, 1]]).mean(axis=1)
        pairs = pairs[estimate >= threshold - margin]
    return pairs


def _components(edges, members) -> np.ndarray:
    """Connected components (union-find): a label per member, the smallest member of its component."""
    parent = {int(m): int(m) for m in members}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.array([root(int(m)) for m in members], dtype=np.int64)


def cluster_duplicates(ids, pairs, similarity, *, threshold: float = 0.8, dates=None,
                       id_column: str = "doc_id") -> pd.DataFrame:
    """Clusters of near-duplicates from candidate pairs, each checked exactly (:func:`find_duplicates`'s last step).

    Parameters
    ----------
    ids : sequence of str
        Document ids, in table order (row numbers in ``pairs`` index it).
    pairs : numpy.ndarray of int, shape (pairs, 2)
        Candidate pairs (:func:`candidate_pairs`).
    similarity : callable
        ``similarity(i, j)``: the exact Jaccard similarity of rows ``i < j``.
    threshold : float
        Pairs at or above it are near-duplicates; a cluster is a connected group of them.
    dates : sequence, optional
        Dates per row: a cluster's first member is its earliest article (ties: table order).
    id_column : str
        Name of the id column of the result.

    Returns
    -------
    pandas.DataFrame
        As :func:`find_duplicates`: one row per document in a cluster: ``cluster``, ``doc_id``,
        ``similarity`` (to the cluster's first member), ``first``.

    Examples
    --------
    >>> sim = {(0, 1): 0.9, (1, 2): 0.5}
    >>> cluster_duplicates(["a", "b", "c"], np.array([[0, 1], [1, 2]]), lambda i, j: sim[i, j]).values.tolist()
    [[0, 'a', 1.0, True], [0, 'b', 0.9, False]]
    """
    edges = [(int(i), int(j)) for i, j in pairs if similarity(int(i), int(j)) >= threshold]
    if not edges:
        return _empty_duplicates(id_column)
    ids = np.asarray(ids, dtype=object)
    rows, cols = np.array(edges).T
    members = distinct(np.concatenate([rows, cols]))
    frame = pd.DataFrame({"row": members, "label": _components(edges, members)})
    if dates is not None:
        frame["date"] = np.asarray(dates)[members]
        frame = frame.sort_values(["date", "row"], kind="stable", na_position="last")
    else:
        frame = frame.sort_values("row", kind="stable")
    frame["first"] = ~frame["label"].duplicated()
    firsts = frame.loc[frame["first"], ["label", "row"]]
    frame["cluster"] = frame["label"].map(pd.Series(np.arange(len(firsts)), index=firsts["label"].to_numpy()))
    first_row = frame["label"].map(pd.Series(firsts["row"].to_numpy(), index=firsts["label"].to_numpy()))
    frame["similarity"] = [1.0 if r == f else similarity(min(r, f), max(r, f)) for r, f in zip(frame["row"], first_row)]
    frame = frame.sort_values(["cluster", "first"], ascending=[True, False], kind="stable")
    out = pd.DataFrame({
        "cluster": frame["cluster"].to_numpy(dtype="int64"),
        id_column: ids[frame["row"].to_numpy()],
        "similarity": frame["similarity"].to_numpy(dtype="float64"),
        "first": frame["first"].to_numpy(dtype=bool),
    })
    out[id_column] = out[id_column].astype(str)
    return out


def drop_near_duplicates(
    documents: pd.DataFrame,
    duplicates: pd.DataFrame,
    *,
    keep: str = "first",
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Keep one article per near-duplicate cluster.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document. Not modified.
    duplicates : pandas.DataFrame
        The table of :func:`find_duplicates`.
    keep : {"first", "longest"}
        Which article of each cluster stays: the first published (keeps the date of first
        coverage, for time series), or the longest text (keeps the most words; ties: the
        earlier one).
    id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        The documents table without the other members of each cluster (same columns, same order).

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["Short.", "Longer text.", "Other."]})
    >>> dups = pd.DataFrame({"cluster": [0, 0], "doc_id": ["a", "b"], "similarity": [1.0, 0.9],
    ...                      "first": [True, False]})
    >>> drop_near_duplicates(docs, dups)["doc_id"].tolist()
    ['a', 'c']
    >>> drop_near_duplicates(docs, dups, keep="longest")["doc_id"].tolist()
    ['b', 'c']
    """
    if keep not in ("first", "longest"):
        raise ValueError("keep must be 'first' or 'longest'")
    if not len(duplicates):
        return documents.reset_index(drop=True)
    lengths = dict(zip(documents[id_column], documents[text_column].str.len())) if keep == "longest" else {}
    dropped = _dropped_ids(duplicates, lengths, keep=keep, id_column=id_column)
    return documents[~documents[id_column].isin(dropped)].reset_index(drop=True)


def _dropped_ids(duplicates: pd.DataFrame, lengths: dict, *, keep: str, id_column: str = "doc_id") -> set:
    """The ids keeping one article per cluster leaves out (``lengths``: text length per id)."""
    if not len(duplicates):
        return set()
    if keep == "first":
        kept = set(duplicates.loc[duplicates["first"], id_column])
    else:
        ranked = duplicates.assign(_length=duplicates[id_column].map(lengths).fillna(-1),
                                   _order=np.arange(len(duplicates)))
        ranked = ranked.sort_values(["cluster", "_length", "_order"], ascending=[True, False, True], kind="stable")
        kept = set(ranked.drop_duplicates("cluster")[id_column])
    return set(duplicates[id_column]) - kept
