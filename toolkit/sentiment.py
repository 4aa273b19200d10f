"""Sentiment: sentence scorers, tone aggregates, tone toward actors and pairs, and validation.

Scoring is per **sentence**, never per article (VADER's compound saturates on long texts).
A *scorer* is a small named object with a ``version`` and a ``score(sentences)`` method; the
registry maps names to scorers, so a new one (a model, a user's lexicon) is a small addition:

==============  ===========================================================================
``"vader"``     VADER by its authors (the ``vaderSentiment`` package): the default.
``"vader-nltk"``  NLTK's port of VADER, run on ``vaderSentiment``'s lexicon file.
``"lexicon:PATH"``  a researcher's own lexicon file (:mod:`toolkit.lexicon`).
``"minilm"``    sentence embeddings mapped to human ratings, blended with VADER (optional
                extra; :mod:`toolkit.model_sentiment`).
==============  ===========================================================================

Several scorers on one corpus are compared sentence by sentence with :func:`compare_scorers`
(a column per scorer) and :func:`find_disagreements` (the sentences they disagree on most).

Every scorer's ``score`` is on ``[-1, 1]`` with ``0`` neutral; a sentence is **negative** when its
score is ``<= -0.05`` and **positive** when ``>= +0.05`` (VADER's published thresholds), unless
the ``negative`` / ``positive`` options say otherwise.

Confidence intervals are percentile bootstrap intervals (seeded, vectorised). Sentences of one
article are not independent, so when a group spans articles the bootstrap resamples **articles**
(a cluster bootstrap) and recomputes the sentence-weighted mean and shares; within one article
it resamples sentences. A group with one resampling unit gets no interval (NaN).
"""

from __future__ import annotations

import csv
import functools
import importlib
import os
import sys

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .lexicon import (
    CATEGORY_POLARITY,
    LEXICON_TOKEN_PATTERN,
    NEGATORS,
    SCOPE_BREAKS,
    hash_lexicon,
    make_lexicon,
    match_lexicon,
    read_lexicon,
    tokenize_for_lexicon,
)

__all__ = [
    "Scorer",
    "VaderScorer",
    "NltkVaderScorer",
    "LexiconScorer",
    "register_scorer",
    "get_scorer",
    "available_scorers",
    "scorer_versions",
    "score_sentiment",
    "summarize_tone",
    "tone_by_document",
    "tone_by_period",
    "tone_by_source",
    "tone_toward_actors",
    "tone_between_actors",
    "find_tone_evidence",
    "compare_scorers",
    "find_disagreements",
    "evaluate_sentiment",
    "read_ratings",
    "DEFAULT_SCORER",
    "NEGATIVE_THRESHOLD",
    "POSITIVE_THRESHOLD",
    "SENTIMENT_COLUMNS",
    "TONE_COLUMNS",
]

DEFAULT_SCORER = "vader"
NEGATIVE_THRESHOLD = -0.05
POSITIVE_THRESHOLD = 0.05
SENTIMENT_COLUMNS = ["doc_id", "sent_id", "scorer", "score"]
TONE_COLUMNS = [
    "n_sentences", "n_documents", "mean", "mean_low", "mean_high",
    "share_negative", "share_negative_low", "share_negative_high",
    "share_positive", "share_positive_low", "share_positive_high",
]  # fmt: skip
"""The summary columns of every tone aggregate (after its group columns)."""


# -- scorers ------------------------------------------------------------------------------------


class Scorer:
    """The interface of a sentence scorer (subclass it to add one).

    Attributes
    ----------
    name : str
        The value of the ``scorer`` column in the sentiment table.
    version : str
        Changes whenever the scores could change (package versions, lexicon hash, settings):
        it is part of the annotation cache key.
    parts : tuple of str
        The scorer's own columns besides ``score`` (VADER: ``compound, pos, neu, neg``).

    A scorer must be picklable (``annotate`` ships it to worker processes) and deterministic;
    keep heavy state (a model, an analyzer) in a module-level cache, not on the instance.
    """

    name: str = ""
    version: str = ""
    parts: tuple = ()

    def score(self, sentences: pd.DataFrame, *, text_column: str = "text") -> pd.DataFrame:
        """Score each sentence.

        Parameters
        ----------
        sentences : pandas.DataFrame
            One row per sentence with a text column.
        text_column : str

        Returns
        -------
        pandas.DataFrame
            One row per input row, in the same order (index 0..n-1): ``score`` (float on
            ``[-1, 1]``, 0 neutral) and the columns in ``parts``.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, version={self.version!r})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and (self.name, self.version) == (other.name, other.version)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name, self.version))


def _texts(sentences: pd.DataFrame, text_column: str) -> np.ndarray:
    col = sentences[text_column]
    return col.astype(object).where(col.notna(), "").to_numpy()


def _score_unique(texts: np.ndarray, polarity_scores, keys) -> np.ndarray:
    """Apply a per-text function once per distinct text (news repeats boilerplate lines)."""
    codes, uniques = pd.factorize(texts)
    values = np.array([[d[k] for k in keys] for d in map(polarity_scores, uniques)], dtype="float64")
    return values.reshape(len(uniques), len(keys))[codes]


def _vader_frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"score": values[:, 0], "compound": values[:, 0], "pos": values[:, 1],
                         "neu": values[:, 2], "neg": values[:, 3]})


@functools.cache
def _vader_analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _vader_lexicon_path() -> str:
    import vaderSentiment

    return os.path.join(os.path.dirname(vaderSentiment.__file__), "vader_lexicon.txt")


@functools.cache
def _nltk_analyzer():
    # NLTK refuses lexicon paths outside its data roots: put vaderSentiment's folder on the path
    # and name the file with a ``file:`` URL. Never nltk.download (no network).
    import nltk.data
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    path = _vader_lexicon_path()
    folder = os.path.dirname(path)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="file:" + path)


class VaderScorer(Scorer):
    """VADER by Hutto & Gilbert (ICWSM 2014): the scores of the reference ``vaderSentiment``.

    ``score`` is VADER's ``compound``; parts ``compound, pos, neu, neg`` as the package returns
    them (rounded to 4 and 3 decimals). Computed by :mod:`toolkit.vader`, a vectorised
    re-implementation that gives the package's exact values (tested against it) several times
    faster, with the package's own lexicon and rules. Identical texts are scored once.

    >>> VaderScorer().score(pd.DataFrame({"text": ["The talks were a great success."]})).score.tolist()
    [0.8316]
    """

    name = "vader"
    parts = ("compound", "pos", "neu", "neg")

    @property
    def version(self) -> str:
        from importlib import metadata  # here, not at the top: ~6-20 ms that import toolkit need not pay

        return f"vaderSentiment=={metadata.version('vaderSentiment')};toolkit-vader-vectorised/1;toolkit-sentence/1"

    def score(self, sentences, *, text_column="text"):
        from .vader import vader_polarity

        # every sentence, repeats too (the vectorised path scores each distinct word once anyway):
        # the whitespace words of the same texts the tokenizer just cut are then reused
        return _vader_frame(vader_polarity(_texts(sentences, text_column).tolist()))


class NltkVaderScorer(Scorer):
    """NLTK's port of VADER (``nltk.sentiment.vader``), on the lexicon file of ``vaderSentiment``.

    The lexicon is always the one ``vaderSentiment`` ships, even where ``nltk_data`` is
    installed, so the scores do not depend on what a machine happens to have. The port tokenises
    differently (it drops one-character tokens, handles "no" and idioms differently): it agrees with
    ``vaderSentiment`` on about 96% of news sentences and is about 2.7 times slower.

    >>> NltkVaderScorer().score(pd.DataFrame({"text": ["The talks were a great success."]})).score.tolist()
    [0.8316]
    """

    name = "vader-nltk"
    parts = ("compound", "pos", "neu", "neg")

    @property
    def version(self) -> str:
        from importlib import metadata

        return (f"nltk=={metadata.version('nltk')};lexicon=vaderSentiment=={metadata.version('vaderSentiment')}"
                ";toolkit-sentence/1")

    def score(self, sentences, *, text_column="text"):
        a = _nltk_analyzer()
        return _vader_frame(_score_unique(_texts(sentences, text_column), a.polarity_scores, ("compound", "pos", "neu", "neg")))


class LexiconScorer(Scorer):
    """A researcher's lexicon as a scorer: matches per sentence, with negation.

    ``score = (positive - negative) / (positive + negative)``, 0 when the sentence has no
    polarity match, where ``positive`` / ``negative`` are the summed weights of the matches
    counting for / against (a negated match counts for the opposite side). Parts:
    ``positive, negative, n_matches, n_tokens`` and ``n_<category>`` for each category that is not
    a polarity name (non-negated matches only).

    Parameters
    ----------
    lexicon : str, path-like or pandas.DataFrame
        A lexicon file (:func:`toolkit.lexicon.read_lexicon`) or table.
    name : str, optional
        Default ``"lexicon:<file stem>"`` (``"lexicon"`` for a table).
    negators : iterable of str
    negation_window : int
        See :func:`toolkit.lexicon.match_lexicon`.

    >>> s = LexiconScorer(pd.DataFrame({"pattern": ["good", "bad"], "polarity": [1, -1]}))
    >>> s.score(pd.DataFrame({"text": ["Good, not bad."]})).score.tolist()
    [1.0]
    """

    def __init__(self, lexicon, *, name: str | None = None, negators=NEGATORS, negation_window: int = 3):
        if isinstance(lexicon, pd.DataFrame):
            self.lexicon = make_lexicon(lexicon)
            default = "lexicon"
        else:
            self.lexicon = read_lexicon(lexicon)
            default = "lexicon:" + os.path.splitext(os.path.basename(str(lexicon)))[0]
        self.name = name or default
        self.negators = tuple(sorted({w.lower() for w in negators}))
        self.negation_window = int(negation_window)
        cats = sorted(set(self.lexicon["category"]) - set(CATEGORY_POLARITY) - {""})
        self._categories = cats
        self.parts = ("positive", "negative", "n_matches", "n_tokens") + tuple(f"n_{c}" for c in cats)

    @property
    def version(self) -> str:
        import hashlib

        neg = hashlib.sha1("\n".join(self.negators).encode()).hexdigest()[:8]
        return (f"lexicon={hash_lexicon(self.lexicon)};negators={neg};window={self.negation_window}"
                f";tokens={LEXICON_TOKEN_PATTERN};toolkit-lexicon/1")

    def score(self, sentences, *, text_column="text"):
        frame = pd.DataFrame({"doc_id": np.zeros(len(sentences), dtype=np.int64),
                              "sent_id": np.arange(len(sentences), dtype=np.int64),
                              "text": _texts(sentences, text_column)})
        tokens = tokenize_for_lexicon(frame)
        words = tokens[~tokens["norm"].isin(list(SCOPE_BREAKS))]
        matches = match_lexicon(tokens, self.lexicon, negators=self.negators, negation_window=self.negation_window)
        n = len(sentences)
        row = matches["sent_id"].to_numpy()
        value = matches["value"].to_numpy()
        pos = np.bincount(row, weights=np.where(value > 0, value, 0.0), minlength=n)
        neg = np.bincount(row, weights=np.where(value < 0, -value, 0.0), minlength=n)
        total = pos + neg
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(total > 0, (pos - neg) / np.where(total > 0, total, 1.0), 0.0)
        out = pd.DataFrame({
            "score": score, "positive": pos, "negative": neg,
            "n_matches": np.bincount(row, minlength=n).astype("int64"),
            "n_tokens": np.bincount(words["sent_id"].to_numpy(), minlength=n).astype("int64"),
        })
        for c in self._categories:
            hit = (matches["category"].to_numpy() == c) & ~matches["negated"].to_numpy()
            out[f"n_{c}"] = np.bincount(row[hit], minlength=n).astype("int64")
        return out


_REGISTRY: dict = {}


def register_scorer(name: str, factory, *, replace: bool = False) -> None:
    """Make a scorer available by name (for ``score_sentiment``, ``annotate`` and the notebooks).

    Parameters
    ----------
    name : str
    factory : callable or str
        A zero-argument callable returning a :class:`Scorer`, or ``"module:attribute"`` naming one,
        imported only when the scorer is first asked for (so an optional extra costs nothing until
        used).
    replace : bool
        Allow replacing an existing name.

    >>> register_scorer("vader-again", VaderScorer)
    >>> get_scorer("vader-again").name
    'vader'
    """
    if name in _REGISTRY and not replace:
        raise ValueError(f"a scorer named {name!r} is already registered")
    _REGISTRY[name] = factory


register_scorer("vader", VaderScorer)
register_scorer("vader-nltk", NltkVaderScorer)


@functools.lru_cache(maxsize=64)
def _build(name: str) -> Scorer:
    if name.startswith("lexicon:"):
        return LexiconScorer(name[len("lexicon:"):])
    if name not in _REGISTRY:
        raise ToolkitError(None, f"unknown sentiment scorer {name!r}; available: "
                                 f"{', '.join(sorted(_REGISTRY))} or lexicon:PATH")
    factory = _REGISTRY[name]
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        try:
            factory = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise ToolkitError(None, f"scorer {name!r} needs an optional extra that is not installed ({exc})") from None
    return factory()


def get_scorer(spec) -> Scorer:
    """The scorer named by ``spec`` (a registered name, ``"lexicon:PATH"``), or ``spec`` itself.

    >>> get_scorer("vader").name
    'vader'
    """
    if isinstance(spec, Scorer):
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"a scorer is a name or a Scorer, not {type(spec).__name__}")
    return _build(spec)


def available_scorers() -> pd.DataFrame:
    """The registered scorer names (plus ``lexicon:PATH`` for any lexicon file).

    Returns
    -------
    pandas.DataFrame
        One row per registered scorer: ``name``, ``default`` (bool).
    """
    names = sorted(_REGISTRY)
    return pd.DataFrame({"name": names, "default": [n == DEFAULT_SCORER for n in names]})


def _as_list(scorers) -> list:
    if scorers is None:
        scorers = (DEFAULT_SCORER,)
    if isinstance(scorers, (str, Scorer)):
        scorers = (scorers,)
    return [get_scorer(s) for s in scorers]


def scorer_versions(scorers=(DEFAULT_SCORER,)) -> tuple:
    """``"name=version"`` of each scorer, in order: the sentiment part of a cache key.

    >>> scorer_versions(["vader"])[0].startswith("vader=vaderSentiment==")
    True
    """
    return tuple(f"{s.name}={s.version}" for s in _as_list(scorers))


def score_sentiment(sentences: pd.DataFrame, *, scorers=(DEFAULT_SCORER,), text_column: str = "text",
                    id_columns=("doc_id", "sent_id")) -> pd.DataFrame:
    """Score every sentence with each scorer: the ``sentiment`` table.

    A pure, deterministic function of the sentences and the scorers (``annotate`` calls it once
    per batch of documents).

    Parameters
    ----------
    sentences : pandas.DataFrame
        One row per sentence: ``doc_id``, ``sent_id``, ``text``.
    scorers : sequence of (str or Scorer)
        Default ``("vader",)``; see :func:`get_scorer`.
    text_column : str
    id_columns : sequence of str

    Returns
    -------
    pandas.DataFrame
        One row per sentence and scorer: ``doc_id``, ``sent_id``, ``scorer``, ``score``, then the
        scorers' parts (VADER: ``compound, pos, neu, neg``; NaN where a scorer lacks a part).
        Rows in scorer order, then sentence order.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1],
    ...                   "text": ["Troops attacked the town.", "The talks were a great success."]})
    >>> score_sentiment(s)[["sent_id", "scorer", "score"]].values.tolist()
    [[0, 'vader', -0.4588], [1, 'vader', 0.8316]]
    """
    ids = list(id_columns)
    frames = []
    for scorer in _as_list(scorers):
        scored = scorer.score(sentences, text_column=text_column)
        if len(scored) != len(sentences):
            raise ValueError(f"scorer {scorer.name!r} returned {len(scored)} rows for {len(sentences)} sentences")
        head = pd.DataFrame({c: sentences[c].to_numpy() for c in ids})
        head["scorer"] = pd.array([scorer.name] * len(sentences), dtype="str")
        frames.append(pd.concat([head, scored.reset_index(drop=True)], axis=1))
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    for c in ids:
        out[c] = out[c].astype(sentences[c].dtype)
    out["score"] = out["score"].astype("float64")
    return out


# -- aggregates ---------------------------------------------------------------------------------


def _halves(raw: np.ndarray) -> np.ndarray:
    """64-bit outputs as 32-bit draws, low half first."""
    halves = raw.view(np.uint32)
    return halves if sys.byteorder == "little" else halves.reshape(-1, 2)[:, ::-1].ravel()


class _Stream:
    """The stream of ``default_rng(seed).integers(0, 2**32, dtype=np.uint32)`` draws, read or skipped.

    Each 64-bit output of the generator gives two 32-bit draws (low half first), as numpy's
    buffered ``integers`` hands them out, so a stretch of the stream nobody needs is jumped over
    (``advance``: logarithmic time) instead of drawn: a group's draws do not depend on which
    other groups get an interval.
    """

    def __init__(self, seed):
        self.bits = np.random.default_rng(seed).bit_generator
        self.spare = None  # the high half of the last 64-bit output, when not used yet

    def read(self, k: int) -> np.ndarray:
        head = []
        if k and self.spare is not None:
            head, k, self.spare = [self.spare], k - 1, None
        raw = _halves(self.bits.random_raw((k + 1) // 2)) if k else np.empty(0, np.uint32)
        if k % 2:
            self.spare, raw = raw[-1:].copy(), raw[:k]
        return np.concatenate(head + [raw]) if head else raw

    def skip(self, k: int) -> None:
        if k and self.spare is not None:
            k, self.spare = k - 1, None
        if k // 2:
            self.bits.advance(int(k) // 2)
        if k % 2:
            self.spare = _halves(self.bits.random_raw(1))[1:].copy()


def _replicates(bits, sizes, offsets, groups, score, packed, width, n_column):
    """(nb, len(groups), 3) statistics of one block of draws: ``bits`` (nb, units of ``groups``).

    ``packed``: per unit, negative + positive sentences << ``width`` (+ sentences << 2 ``width``
    when ``n_column`` is ``"packed"``), so one gather and one sum give the counts; ``n_column``
    ``None``: units of one sentence each, else an array of sentences per unit."""
    slot_group = np.repeat(groups, sizes[groups])
    starts = np.cumsum(sizes[groups]) - sizes[groups]
    # a uniform integer below the group's size from 32 random bits: (r * size) >> 32 (bias < size / 2**32)
    one = len(groups) == 1  # one group: a scalar size and offset (no per-slot arrays)
    # (np.take, not fancy indexing: the same values in half the time)
    draw = np.multiply(bits, np.uint64(sizes[groups[0]]) if one else np.take(sizes, slot_group).astype(np.uint64),
                       dtype=np.uint64)
    draw >>= np.uint64(32)
    draw = draw.view(np.int64)
    draw += offsets[groups[0]] if one else np.take(offsets, slot_group)
    s = np.add.reduceat(np.take(score, draw), starts, axis=1)
    code = np.add.reduceat(np.take(packed, draw), starts, axis=1)
    mask = (1 << width) - 1
    neg, pos = code & mask, (code >> width) & mask
    if n_column is None:  # sentence units: one sentence each
        n = np.broadcast_to(sizes[groups].astype(np.float64), s.shape)
    elif isinstance(n_column, str):
        n = code >> (2 * width)
    else:
        n = np.add.reduceat(np.take(n_column, draw), starts, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.stack([s / n, neg / n, pos / n], axis=-1)


def _bootstrap(group_codes, values, n_groups, *, n_boot, level, seed, budget=2_000_000, wanted=None):
    """Percentile intervals of ratio estimators, resampling units within groups.

    ``values`` is (U, 4): per unit sum of scores, sentences, negative and positive sentences;
    units sorted by group. Returns (G, 3, 2): low/high for mean, share_negative, share_positive.
    Replicates are drawn in blocks of at most ``budget`` resampled units, so memory stays bounded.
    ``wanted`` (bool, G): compute these groups only (the others NaN); their draws, and so their
    intervals, are the same as when every group is computed (the stretches of the random stream
    the others would use are skipped).
    """
    out = np.full((n_groups, 3, 2), np.nan)
    if n_boot <= 0 or n_groups == 0:
        return out
    wanted = np.ones(n_groups, dtype=bool) if wanted is None else np.asarray(wanted, dtype=bool)
    stream = _Stream(seed)
    sizes = np.bincount(group_codes, minlength=n_groups)
    offsets = np.cumsum(sizes) - sizes
    alpha = (1 - level) / 2
    score = np.ascontiguousarray(values[:, 0])
    counts = values[:, 1:].astype(np.int64)
    single = bool((counts[:, 0] == 1).all())  # sentence units: only the score and its class vary
    # the counts of a unit in one integer, in fields wide enough for any group's resampled sums
    top = np.zeros(n_groups, dtype=np.int64)
    if len(counts):
        np.maximum.at(top, group_codes, counts[:, 0])
    width = max(1, int((sizes * top).max(initial=0)).bit_length())
    if width > 31:
        raise ValueError("a group of over 2**31 sentences: too large for the bootstrap")
    packed = counts[:, 1] + (counts[:, 2] << width)
    if single:
        n_column = None
    elif 3 * width <= 63:
        packed, n_column = packed + (counts[:, 0] << (2 * width)), "packed"
    else:
        n_column = np.ascontiguousarray(counts[:, 0])  # int64: summing gathered int16 into int64 took longer
    g = 0
    while g < n_groups:
        # a chunk of whole groups with at most `budget` resampled units per replicate block
        h, units = g, 0
        while h < n_groups and (h == g or (units + sizes[h]) * min(n_boot, 100) <= budget):
            units += sizes[h]
            h += 1
        chunk = np.arange(g, h)
        block = max(1, budget // max(units, 1))
        mine = chunk[wanted[chunk]]
        g = h
        if not len(mine):
            stream.skip(n_boot * units)
            continue
        # the wanted groups' columns of each replicate row: runs of adjacent groups
        col_start = np.cumsum(sizes[chunk]) - sizes[chunk]
        runs = []
        for i in np.flatnonzero(wanted[chunk]):
            a, b = int(col_start[i]), int(col_start[i] + sizes[chunk[i]])
            if runs and runs[-1][1] == a:
                runs[-1][1] = b
            else:
                runs.append([a, b])
        every = len(mine) == len(chunk)
        # a row's few unwanted draws are cheaper drawn than skipped (a jump costs microseconds)
        some = not every and units <= 2048 * len(runs)
        columns = np.concatenate([np.arange(a, b) for a, b in runs]) if some else None
        reps = []
        for b0 in range(0, n_boot, block):
            nb = min(block, n_boot - b0)
            if every:
                bits = stream.read(nb * units).reshape(nb, units)
            elif some:
                bits = stream.read(nb * units).reshape(nb, units)[:, columns]
            else:
                rows = []
                for _ in range(nb):
                    at = 0
                    for a, b in runs:
                        stream.skip(a - at)
                        rows.append(stream.read(b - a))
                        at = b
                    stream.skip(units - at)
                bits = np.concatenate(rows).reshape(nb, -1)
            reps.append(_replicates(bits, sizes, offsets, mine, score, packed, width, n_column))
        stats = np.concatenate(reps, axis=0)
        q = np.quantile(stats, [alpha, 1 - alpha], axis=0)  # (2, groups, 3)
        out[mine] = np.moveaxis(q, 0, -1)
    out[sizes < 2] = np.nan
    return out


def summarize_tone(table: pd.DataFrame, *, by=(), score_column: str = "score", cluster_column: str | None = "doc_id",
                   negative: float = NEGATIVE_THRESHOLD, positive: float = POSITIVE_THRESHOLD,
                   n_boot: int = 1000, level: float = 0.95, seed: int = 0,
                   intervals: int | None = None) -> pd.DataFrame:
    """Mean sentence score and shares of negative / positive sentences per group, with intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per scored sentence, with ``score_column``, the ``by`` columns and (for the
        cluster bootstrap) ``cluster_column``. Rows with a missing score are left out.
    by : str or sequence of str
        Group columns (``()``: one row for the whole table).
    score_column : str
    cluster_column : str or None
        Resampling unit of the bootstrap (default ``"doc_id"``: articles); ``None`` resamples
        sentences.
    negative, positive : float
        A sentence is negative when ``score <= negative``, positive when ``score >= positive``.
    n_boot : int
        Bootstrap replicates (0: no intervals).
    level : float
        Confidence level of the percentile intervals.
    seed : int
        Seed of the random generator: the same input and seed give the same intervals.
    intervals : int, optional
        Compute the intervals of the ``intervals`` groups with the most sentences only (and of
        any group tied with the last of them); the other groups get NaN intervals. The intervals
        computed are exactly those computed without this option (the same draws), at a fraction
        of the cost when a table shows only its largest groups. ``None``: every group.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, then ``TONE_COLUMNS``: ``n_sentences``,
        ``n_documents`` (distinct ``cluster_column`` values; equals ``n_sentences`` without one),
        ``mean``, ``mean_low``, ``mean_high``, ``share_negative`` (+ ``_low``/``_high``),
        ``share_positive`` (+ ``_low``/``_high``). Sorted by the group columns.

    Examples
    --------
    >>> t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "score": [-0.5, 0.0, 0.5, 1.0]})
    >>> r = summarize_tone(t, n_boot=0)
    >>> r[["n_sentences", "n_documents", "mean", "share_negative", "share_positive"]].values.tolist()
    [[4.0, 2.0, 0.25, 0.25, 0.5]]
    """
    by = [by] if isinstance(by, str) else list(by)
    score = table[score_column].to_numpy(dtype="float64")
    scored = ~np.isnan(score)
    data = table if scored.all() else table[scored]
    score = score[scored]
    if not len(data):
        return _empty_tone(data, by)
    # groups and units (articles) as integer codes in the order groupby(sort=True) gives them
    group_code, n_groups, group_first = _group_codes(data, by)
    if cluster_column is not None:
        unit_raw, n_units = _sorted_codes(data[cluster_column])
    else:
        unit_raw, n_units = np.arange(len(data), dtype=np.int64), len(data)
    unit_code, n_unit_rows, _ = _compact(group_code * n_units + unit_raw, n_groups * n_units)
    unit_group = np.zeros(n_unit_rows, dtype=np.int64)
    unit_group[unit_code] = group_code
    negative_rows, positive_rows = (score <= negative).astype("float64"), (score >= positive).astype("float64")
    values = np.column_stack([np.bincount(unit_code, weights=w, minlength=n_unit_rows)
                              for w in (score, None, negative_rows, positive_rows)])  # float64
    totals = np.column_stack([np.bincount(unit_group, weights=values[:, i], minlength=n_groups) for i in range(4)])
    n = totals[:, 1]
    wanted = None
    if intervals is not None and intervals < n_groups:
        wanted = n >= (np.sort(n)[::-1][intervals - 1] if intervals > 0 else np.inf)
    ci = _bootstrap(unit_group, values, n_groups, n_boot=n_boot, level=level, seed=seed, wanted=wanted)
    # the group values of each group's first row (taken before converting: a column of strings
    # turns into Python objects only for the rows kept)
    out = (pd.DataFrame({c: data[c].take(group_first).to_numpy() for c in by}) if by
           else pd.DataFrame(index=pd.RangeIndex(1)))
    out["n_sentences"] = n.astype("int64")
    out["n_documents"] = np.bincount(unit_group, minlength=n_groups).astype("int64")
    for i, name in enumerate(["mean", "share_negative", "share_positive"]):
        out[name] = totals[:, (0, 2, 3)[i]] / n
        out[f"{name}_low"] = ci[:, i, 0]
        out[f"{name}_high"] = ci[:, i, 1]
    if cluster_column is None:
        out["n_documents"] = out["n_sentences"]
    return out[by + TONE_COLUMNS].reset_index(drop=True)


def _group_codes(data: pd.DataFrame, by: list):
    """Each row's group of the ``by`` columns as dense codes in sorted order of the values (as
    groupby(sort=True) orders them), their number, and each group's first row."""
    group_raw, n_raw = np.zeros(len(data), dtype=np.int64), 1
    for column in by:
        codes, size = _sorted_codes(data[column])
        group_raw = group_raw * size + codes
        n_raw *= size
    return _compact(group_raw, n_raw)


def _sorted_codes(column: pd.Series):
    """Integer codes of a column in sorted order of its values (missing values last), and their number."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        rank = _category_rank(categories)
        codes = column.cat.codes.to_numpy()
        out = np.where(codes < 0, len(categories), rank[np.maximum(codes, 0)])
        return out.astype(np.int64), len(categories) + 1
    codes, uniques = pd.factorize(column, sort=True)
    codes = codes.astype(np.int64)
    codes[codes < 0] = len(uniques)
    return codes, len(uniques) + 1


_RANKS: dict = {}  # id(categories) -> (weak reference, rank): the articles' ids are sorted once, not per table


def _category_rank(categories: pd.Index) -> np.ndarray:
    """The place of each category in sorted order (categories are immutable: remembered per object)."""
    import weakref

    held = _RANKS.get(id(categories))
    if held is not None and held[0]() is categories:
        return held[1]
    rank = np.empty(len(categories), dtype=np.int64)
    rank[np.argsort(np.asarray(categories.astype(str) if categories.dtype == object else categories),
                    kind="stable")] = np.arange(len(categories))
    for key in [k for k, (ref, _) in _RANKS.items() if ref() is None]:
        del _RANKS[key]
    try:
        _RANKS[id(categories)] = (weakref.ref(categories), rank)
    except TypeError:  # an index type without weak references: not remembered
        pass
    return rank


def _compact(key: np.ndarray, size: int):
    """Dense codes 0..k-1 of an integer key in sorted order, k, and each code's first row."""
    if size <= 50_000_000:
        present = np.bincount(key, minlength=size) > 0
        dense = np.cumsum(present) - 1
        code = dense[key]
        k = int(present.sum())
    else:
        uniques, code = np.unique(key, return_inverse=True)
        code = code.reshape(-1)
        k = len(uniques)
    first = np.zeros(k, dtype=np.int64)
    first[code[::-1]] = np.arange(len(key) - 1, -1, -1)
    return code, k, first


def _empty_tone(data, by):
    """summarize_tone's table for no scored sentence (the group columns typed as groupby gives them)."""
    out = pd.DataFrame({c: data[c].to_numpy() for c in by}) if by else pd.DataFrame(index=pd.RangeIndex(0))
    for column in TONE_COLUMNS:
        out[column] = np.array([], dtype="int64" if column in ("n_sentences", "n_documents") else "float64")
    return out[by + TONE_COLUMNS].reset_index(drop=True)


def _scorer_filter(sentiment: pd.DataFrame, scorer) -> pd.DataFrame:
    if scorer is None:
        return sentiment
    name = scorer if isinstance(scorer, str) else scorer.name
    return sentiment[sentiment["scorer"] == name]


def _group(sentiment, extra):
    return (["scorer"] if "scorer" in sentiment.columns else []) + list(extra)


def _lookup(ids: pd.Series, index: pd.Index) -> np.ndarray:
    """The place of each id in ``index`` (-1 when missing); category codes looked up once per category."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        places = np.append(index.get_indexer(ids.cat.categories), -1)
        codes = ids.cat.codes.to_numpy()
        return places[np.where(codes < 0, len(places) - 1, codes)]
    return index.get_indexer(ids)


def _take(values: pd.Series, places: np.ndarray) -> np.ndarray:
    """``values`` at ``places``, missing (NaN, NaT) where a place is -1 (as a left join gives)."""
    padded = pd.concat([values.reset_index(drop=True), pd.Series([None], dtype=values.dtype)], ignore_index=True)
    return padded.to_numpy()[np.where(places < 0, len(values), places)]


def _sentence_keys(left: pd.DataFrame, right: pd.DataFrame):
    """One integer per (doc_id, sent_id) of both tables, equal for the same sentence (-1: an article
    ``right`` does not hold): joins on integers instead of strings.

    Each article gets a range as long as its largest ``sent_id`` (in either table) plus one, so the
    keys run from 0 to about the number of sentences: a table of flags can stand for a set of them.
    """
    docs = pd.Index(pd.unique(right["doc_id"].to_numpy()) if not isinstance(right["doc_id"].dtype, pd.CategoricalDtype)
                    else right["doc_id"].cat.categories)
    places = [_lookup(frame["doc_id"], docs).astype(np.int64) for frame in (left, right)]
    sents = [frame["sent_id"].to_numpy(dtype=np.int64) for frame in (left, right)]
    longest = np.full(len(docs), -1, dtype=np.int64)
    for place, sent in zip(places, sents):
        found = place >= 0
        np.maximum.at(longest, place[found], sent[found])
    offset = np.append(np.cumsum(longest + 1) - (longest + 1), 0)  # (the last entry: no article)
    return [np.where(place < 0, -1, offset[place] + sent) for place, sent in zip(places, sents)]


def _join_sentences(data: pd.DataFrame, other: pd.DataFrame, columns) -> pd.DataFrame:
    """``data.merge(other[["doc_id", "sent_id", *columns]], on=["doc_id", "sent_id"])``, on integer keys.

    Only the rows of ``data`` whose sentence ``other`` holds are joined (a filter on the keys
    first: a few actors' sentences are a small part of all)."""
    left, right = _sentence_keys(data, other)
    right_side = other[list(columns)].reset_index(drop=True).assign(_key=right)
    right_side = right_side[right >= 0]
    hit = (left >= 0) & _isin(left, right[right >= 0])
    kept = data.reset_index(drop=True)[hit].reset_index(drop=True)
    joined = kept.assign(_key=left[hit]).merge(right_side, on="_key")
    return joined.drop(columns="_key")


def _isin(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.isin`` for integer keys: a hash table of a few ``wanted``, a binary search in many."""
    if not len(wanted) or not len(values):
        return np.zeros(len(values), dtype=bool)
    low, high = min(values.min(), wanted.min()), max(values.max(), wanted.max())
    if low >= -1 and high < 4 * (len(values) + len(wanted)) + 2**20:  # small keys: a table of flags
        flags = np.zeros(int(high) + 2, dtype=bool)  # the last one stands for -1 (never wanted)
        flags[wanted[wanted >= 0]] = True
        return flags[values]
    if len(wanted) < 100_000:
        return pd.Index(pd.unique(wanted)).get_indexer(values) >= 0
    ordered = np.sort(wanted)
    return ordered[np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)] == values


def _with_period(table, documents, period, *, id_column="doc_id", date_column="date"):
    dates = documents[[id_column, date_column]].drop_duplicates(id_column)
    if date_column in table.columns or "period" in table.columns:
        merged = table.merge(dates, on=id_column, how="left")
        merged["period"] = pd.to_datetime(merged[date_column]).dt.to_period(period).dt.start_time
        return merged
    # a left join on the articles: each article's date and period looked up once, then spread
    places = _lookup(table[id_column], pd.Index(dates[id_column]))
    starts = pd.to_datetime(dates[date_column]).dt.to_period(period).dt.start_time
    merged = table.reset_index(drop=True).copy()
    merged[date_column] = _take(dates[date_column], places)
    merged["period"] = _take(starts, places)
    return merged


def tone_by_document(sentiment: pd.DataFrame, *, scorer=None, documents: pd.DataFrame | None = None,
                     **options) -> pd.DataFrame:
    """Tone of each article: mean sentence score and shares, intervals over its sentences.

    The intervals cost ``n_boot`` draws per sentence (about 3.5 s for 117,000 sentences at the
    default 1,000 on one core here); pass ``n_boot=0`` when only the point estimates are needed.

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The sentiment table (one row per sentence and scorer).
    scorer : str, optional
        Keep one scorer's rows (default: all, grouped by ``scorer``).
    documents : pandas.DataFrame, optional
        The documents table: every article in it gets a row, those without a scored sentence
        with ``n_sentences`` 0 and missing scores (nothing is lost from a per-article table).
    **options
        ``negative``, ``positive``, ``n_boot``, ``level``, ``seed`` (see :func:`summarize_tone`).

    Returns
    -------
    pandas.DataFrame
        One row per scorer and article: ``scorer``, ``doc_id``, then ``TONE_COLUMNS``
        (``n_documents`` is 1).
    """
    data = _scorer_filter(sentiment, scorer)
    out = summarize_tone(data, by=_group(data, ["doc_id"]), cluster_column=None, **options)
    out["n_documents"] = 1
    if documents is not None:  # articles with no scored sentence: a row of zeros and NaN
        keys = pd.DataFrame({"doc_id": documents["doc_id"].drop_duplicates().to_numpy()})
        if "scorer" in out.columns:
            names = pd.unique(data["scorer"]) if len(data) else ([scorer if isinstance(scorer, str) else scorer.name]
                                                                  if scorer is not None else [])
            keys = pd.DataFrame({"scorer": pd.Series(names, dtype=out["scorer"].dtype)}).merge(keys, how="cross")
        keys["doc_id"] = keys["doc_id"].astype(out["doc_id"].dtype)
        out = keys.merge(out, on=list(keys.columns), how="left")
        out["n_sentences"] = out["n_sentences"].fillna(0).astype("int64")
        out["n_documents"] = 1
    return out


def tone_by_period(sentiment: pd.DataFrame, documents: pd.DataFrame, *, period: str = "M", scorer=None,
                   date_column: str = "date", **options) -> pd.DataFrame:
    """Tone per period (month by default): articles resampled for the intervals.

    Parameters
    ----------
    sentiment : pandas.DataFrame
    documents : pandas.DataFrame
        One row per article with ``doc_id`` and ``date_column``.
    period : str
        A pandas period alias: ``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``.
    scorer : str, optional
    date_column : str
    **options
        See :func:`summarize_tone`.

    Returns
    -------
    pandas.DataFrame
        One row per scorer and period: ``scorer``, ``period`` (the period's first day), then
        ``TONE_COLUMNS``.
    """
    data = _with_period(_scorer_filter(sentiment, scorer), documents, period, date_column=date_column)
    return summarize_tone(data, by=_group(data, ["period"]), **options)


def tone_by_source(sentiment: pd.DataFrame, documents: pd.DataFrame, *, source_column: str = "source",
                   scorer=None, period: str | None = None, date_column: str = "date", **options) -> pd.DataFrame:
    """Tone per source (outlet), optionally per period too.

    Parameters
    ----------
    sentiment, documents : pandas.DataFrame
    source_column : str
        The documents' source column (``"source"``, ``"outlet"``, ...). Articles without a
        source are grouped under ``"(none)"``.
    scorer : str, optional
    period : str, optional
        Also group by period (see :func:`tone_by_period`).
    **options
        See :func:`summarize_tone`.

    Returns
    -------
    pandas.DataFrame
        One row per scorer, source (and period): ``scorer``, ``source``, (``period``), then
        ``TONE_COLUMNS``.
    """
    if source_column not in documents.columns:
        raise ToolkitError(None, f"the documents have no {source_column!r} column "
                                 f"(columns: {', '.join(map(str, documents.columns))})")
    data = _scorer_filter(sentiment, scorer)
    src = documents[["doc_id", source_column]].drop_duplicates("doc_id").rename(columns={source_column: "source"})
    src["source"] = src["source"].astype(object).where(src["source"].notna(), "(none)").astype("str")
    if "source" in data.columns:
        data = data.merge(src, on="doc_id", how="left")
        data["source"] = data["source"].fillna("(none)")
    else:  # each article's source looked up once, spread as categories (not a string per sentence)
        places = _lookup(data["doc_id"], pd.Index(src["doc_id"]))
        names = pd.Categorical(pd.concat([src["source"], pd.Series(["(none)"], dtype="str")], ignore_index=True))
        codes = names.codes[np.where(places < 0, len(src), places)]
        data = data.reset_index(drop=True).assign(source=pd.Categorical.from_codes(codes, dtype=names.dtype))
    extra = ["source"]
    if period is not None:
        data = _with_period(data, documents, period, date_column=date_column)
        extra.append("period")
    return summarize_tone(data, by=_group(data, extra), **options)


def _slim(data: pd.DataFrame, extra, options) -> pd.DataFrame:
    """The columns summarize_tone reads (a join copies every column of every row it keeps)."""
    wanted = {"scorer", "doc_id", "sent_id", options.get("score_column", "score"),
              options.get("cluster_column", "doc_id"), *extra}
    return data[[c for c in data.columns if c in wanted]]


def _sentence_actors(mentions: pd.DataFrame, actors=None) -> pd.DataFrame:
    """One row per sentence and actor named in it (the first mention's row), of ``actors`` only."""
    m = mentions[["doc_id", "sent_id", "actor"]]
    if actors is not None:  # first the actors asked for (a mention's duplicates name the same actor)
        m = m[m["actor"].isin(list(actors))]
    if not len(m):
        return m
    # duplicates found on one integer per row (sentence and actor) rather than on three columns
    docs = _codes(m["doc_id"])
    names = _codes(m["actor"])
    sent = m["sent_id"].to_numpy()
    width = int(sent.max()) + 1 if np.issubdtype(sent.dtype, np.integer) and sent.min() >= 0 else 0
    if not width or (int(docs.max()) + 1) * width * (int(names.max()) + 1) >= 2**62:
        return m.drop_duplicates()
    key = (docs * width + sent.astype(np.int64)) * (int(names.max()) + 1) + names
    return m[_first_occurrences(key)]


def _first_occurrences(key: np.ndarray) -> np.ndarray:
    """Whether each integer is the first of its value (``~pd.Series(key).duplicated()``), by a
    stable sort: mentions come in sentence order, so the sort finds runs already in place (5
    million keys: 0.07 s instead of 0.5 s for a hash table)."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    first = np.ones(len(key), dtype=bool)
    first[order[1:]] = ordered[1:] != ordered[:-1]
    return first


def _codes(column: pd.Series) -> np.ndarray:
    """Integer codes of a column, equal for equal values (missing values one code)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        return np.where(codes < 0, len(column.cat.categories), codes)
    return pd.factorize(column, use_na_sentinel=False)[0].astype(np.int64)


def _baseline(data: pd.DataFrame, keys: list, score_column: str = "score") -> pd.DataFrame:
    """Scored sentences and their mean score per group of ``keys`` (all of them: one row), as
    :func:`summarize_tone` counts them, without its resampling units: two weighted counts over
    every sentence of the corpus (5.6 million at 100,000 articles: about 0.2 s instead of 0.5-1.4 s)."""
    score = data[score_column].to_numpy(dtype="float64")
    scored = ~np.isnan(score)
    if not scored.all():
        data, score = data[scored], score[scored]
    group_code, n_groups, group_first = _group_codes(data, keys)
    out = (pd.DataFrame({c: data[c].take(group_first).to_numpy() for c in keys}) if keys
           else pd.DataFrame(index=pd.RangeIndex(1 if len(data) else 0)))
    n = np.bincount(group_code, minlength=n_groups)[:len(out)]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["baseline_mean"] = np.bincount(group_code, weights=score, minlength=n_groups)[:len(out)] / n
    out.insert(len(keys), "baseline_n_sentences", n.astype("int64"))
    return out


def _with_baseline(tone, data, by_extra, options):
    """Add the baseline (all sentences of the same scorer and period) and the difference."""
    keys = _group(data, by_extra)
    base = _baseline(data, keys, options.get("score_column", "score"))
    out = tone.merge(base, on=keys, how="left") if keys else tone.assign(**base.iloc[0].to_dict())
    out["difference"] = out["mean"] - out["baseline_mean"]
    return out


def tone_toward_actors(sentiment: pd.DataFrame, mentions: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                       period: str | None = None, actors=None, scorer=None, date_column: str = "date",
                       **options) -> pd.DataFrame:
    """Tone of the sentences that mention each actor, against the corpus baseline.

    A sentence mentioning an actor twice counts once. The baseline is the mean of all scored
    sentences (of the same period, when ``period`` is given); ``difference = mean - baseline``.

    Parameters
    ----------
    sentiment : pandas.DataFrame
        One row per sentence and scorer.
    mentions : pandas.DataFrame
        One row per mention: ``doc_id``, ``sent_id``, ``actor`` (``alias``, ``start``, ``end``).
    documents : pandas.DataFrame, optional
        Needed with ``period``: ``doc_id`` and ``date_column``.
    period : str, optional
        Also group by period (``"M"``, ``"Q"``, ``"Y"``, ...).
    actors : sequence of str, optional
        Keep these actors only.
    scorer : str, optional
    **options
        See :func:`summarize_tone` (articles are resampled for the intervals); ``intervals=N``
        computes the intervals of the N actors (or actor and period rows) with the most sentences
        only, the very ones a full run gives: a table of the main actors costs a fraction.

    Returns
    -------
    pandas.DataFrame
        One row per scorer, actor (and period): ``scorer``, ``actor``, (``period``), then
        ``TONE_COLUMNS``, ``baseline_n_sentences``, ``baseline_mean``, ``difference``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a", "b"], "sent_id": [0, 1, 0], "scorer": "vader",
    ...                   "score": [-0.75, 0.5, 0.25]})
    >>> m = pd.DataFrame({"doc_id": ["a"], "sent_id": [0], "actor": ["Russia"]})
    >>> tone_toward_actors(s, m, n_boot=0)[["actor", "n_sentences", "mean", "difference"]].values.tolist()
    [['Russia', 1, -0.75, -0.75]]
    """
    data = _scorer_filter(sentiment, scorer)
    extra = []
    if period is not None:
        if documents is None:
            raise ValueError("tone by period needs the documents table (for the dates)")
        data = _with_period(data, documents, period, date_column=date_column)
        extra = ["period"]
    joined = _join_sentences(_slim(data, extra, options), _sentence_actors(mentions, actors), ["actor"])
    tone = summarize_tone(joined, by=_group(data, ["actor"] + extra), **options)
    return _with_baseline(tone, data, extra, options)


def tone_between_actors(sentiment: pd.DataFrame, mentions: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                        period: str | None = None, actors=None, pairs=None, scorer=None,
                        date_column: str = "date", **options) -> pd.DataFrame:
    """Dyadic tone: the sentences in which two actors co-occur, per pair.

    Parameters
    ----------
    sentiment, mentions, documents, period, actors, scorer, date_column
        As :func:`tone_toward_actors`.
    pairs : sequence of (str, str), optional
        Keep these pairs only (in either order).
    **options
        See :func:`summarize_tone` (``intervals=N``: the intervals of the N pairs with the most
        sentences only, as :func:`tone_toward_actors`).

    Returns
    -------
    pandas.DataFrame
        One row per scorer, pair (and period): ``scorer``, ``actor_a``, ``actor_b``
        (``actor_a < actor_b``), (``period``), then ``TONE_COLUMNS``, ``baseline_n_sentences``,
        ``baseline_mean``, ``difference``.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [0, 1], "scorer": "vader", "score": [-0.6, 0.2]})
    >>> m = pd.DataFrame({"doc_id": ["a", "a", "a"], "sent_id": [0, 0, 1], "actor": ["Turkey", "Russia", "Turkey"]})
    >>> tone_between_actors(s, m, n_boot=0)[["actor_a", "actor_b", "n_sentences", "mean"]].values.tolist()
    [['Russia', 'Turkey', 1, -0.6]]
    """
    data = _scorer_filter(sentiment, scorer)
    extra = []
    if period is not None:
        if documents is None:
            raise ValueError("tone by period needs the documents table (for the dates)")
        data = _with_period(data, documents, period, date_column=date_column)
        extra = ["period"]
    m = _sentence_actors(mentions, actors)
    if pairs is not None:  # only the actors of the pairs can make them
        m = m[m["actor"].isin({a for p in pairs for a in p})]
    key = _sentence_keys(m, m)[0]
    m = m.reset_index(drop=True).assign(_key=key)
    dyads = m.merge(m[["_key", "actor"]], on="_key", suffixes=("_a", "_b")).drop(columns="_key")
    dyads = dyads[dyads["actor_a"] < dyads["actor_b"]]
    if pairs is not None:
        wanted = pd.DataFrame([sorted(p) for p in pairs], columns=["actor_a", "actor_b"]).drop_duplicates()
        dyads = dyads.merge(wanted, on=["actor_a", "actor_b"])
    joined = _join_sentences(_slim(data, extra, options), dyads, ["actor_a", "actor_b"])
    tone = summarize_tone(joined, by=_group(data, ["actor_a", "actor_b"] + extra), **options)
    return _with_baseline(tone, data, extra, options)


def find_tone_evidence(sentiment: pd.DataFrame, sentences: pd.DataFrame, *, mentions: pd.DataFrame | None = None,
                       actor: str | None = None, pair=None, documents: pd.DataFrame | None = None,
                       period=None, scorer=None, n: int = 5, date_column: str = "date") -> pd.DataFrame:
    """The most negative and most positive sentences for an actor, a pair and/or a period.

    Parameters
    ----------
    sentiment : pandas.DataFrame
    sentences : pandas.DataFrame or toolkit.Annotations
        One row per sentence (``doc_id``, ``sent_id``, ``text``), or the annotation cache: then
        only the texts of the articles listed are read (at 100,000 articles, reading every
        sentence's text costs seconds and gigabytes).
    mentions : pandas.DataFrame, optional
        Needed with ``actor`` or ``pair``.
    actor : str, optional
        Sentences mentioning this actor.
    pair : (str, str), optional
        Sentences mentioning both actors.
    documents : pandas.DataFrame, optional
        Adds ``date`` (and is needed with ``period``).
    period : str or pandas.Period, optional
        Sentences of articles dated within it: ``"2011-03"`` (a month), ``"2011"``, ``"2011Q2"``.
    scorer : str, optional
        Default: the first scorer in the table.
    n : int
        Sentences on each side.

    Returns
    -------
    pandas.DataFrame
        Up to ``2 n`` rows: ``side`` (``"negative"``/``"positive"``), ``rank`` (1 = most extreme),
        ``doc_id``, ``sent_id``, (``date``), ``scorer``, ``score``, ``text``. A sentence is listed
        on a side only if its score is on that side of 0; ties are broken by ``doc_id``,
        ``sent_id``.
    """
    if scorer is None and len(sentiment):
        scorer = sentiment["scorer"].iloc[0]
    data = _scorer_filter(sentiment, scorer)[["doc_id", "sent_id", "scorer", "score"]]
    wanted = [a for a in ([actor] if actor is not None else []) + (list(pair) if pair is not None else [])]
    if wanted:
        if mentions is None:
            raise ValueError("evidence for an actor or a pair needs the mentions table")
        m = _sentence_actors(mentions, wanted)
        hits = m.groupby(["doc_id", "sent_id"])["actor"].nunique()
        keep = hits[hits == len(set(wanted))].reset_index()[["doc_id", "sent_id"]]
        rows, kept = _sentence_keys(data, keep)  # an inner join on unique sentences: a filter
        data = data[(rows >= 0) & _isin(rows, kept)].reset_index(drop=True)
    if documents is not None:
        dates = documents[["doc_id", date_column]].drop_duplicates("doc_id")
        data = data.reset_index(drop=True).assign(
            **{date_column: _take(dates[date_column], _lookup(data["doc_id"], pd.Index(dates["doc_id"])))})
        if date_column != "date":
            data = data.rename(columns={date_column: "date"})
    if period is not None:
        if documents is None:
            raise ValueError("evidence for a period needs the documents table (for the dates)")
        p = period if isinstance(period, pd.Period) else pd.Period(str(period))
        dates = pd.to_datetime(data["date"])
        data = data[(dates >= p.start_time) & (dates <= p.end_time)]
    # the n most extreme on each side (ties by doc_id, sent_id): only the rows at or beyond the
    # n-th score are sorted, and only the rows listed get their text
    score = data["score"].to_numpy(dtype="float64")
    sides = []
    for side, mask, sign in (("negative", score < 0, 1.0), ("positive", score > 0, -1.0)):
        values = sign * score[mask]
        if n <= 0 or not len(values):
            sides.append(data.iloc[:0].assign(side=side))
            continue
        bound = np.partition(values, min(n, len(values)) - 1)[min(n, len(values)) - 1]
        near = data[mask][values <= bound].sort_values(["doc_id", "sent_id"], kind="stable")
        sides.append(near.sort_values("score", ascending=sign > 0, kind="stable").head(n).assign(side=side))
    out = pd.concat(sides, ignore_index=True)
    out = out.merge(_listed_texts(sentences, out["doc_id"]), on=["doc_id", "sent_id"], how="left")
    out["rank"] = out.groupby("side").cumcount() + 1
    cols = ["side", "rank", "doc_id", "sent_id"] + (["date"] if "date" in out.columns else []) + ["scorer", "score", "text"]
    return out[cols]


def _listed_texts(sentences, doc_ids, text_column: str = "text") -> pd.DataFrame:
    """``doc_id, sent_id, text`` of the sentences of the articles ``doc_ids`` (to join to a few rows).

    ``sentences`` is the sentences table, or the annotation cache (``toolkit.Annotations``): then
    only the shards holding those articles are read, not the text of every sentence."""
    docs = pd.unique(doc_ids.astype(object) if isinstance(doc_ids.dtype, pd.CategoricalDtype) else doc_ids)
    if isinstance(sentences, pd.DataFrame):
        return sentences[sentences["doc_id"].isin(docs)][["doc_id", "sent_id", text_column]]
    if not hasattr(sentences, "read"):
        raise TypeError(f"sentences: a table or an annotation cache, not {type(sentences).__name__}")
    columns = ["doc_id", "sent_id", text_column]
    listed = (sentences.read("sentences", columns=columns, ids=[str(d) for d in docs])[columns] if len(docs)
              else pd.DataFrame({c: pd.Series([], dtype=d) for c, d in zip(columns, ["str", "int64", "str"])}))
    if listed["doc_id"].dtype != doc_ids.dtype:  # the ids typed as the rows they join
        listed["doc_id"] = (pd.Categorical(listed["doc_id"], dtype=doc_ids.dtype)
                            if isinstance(doc_ids.dtype, pd.CategoricalDtype) else listed["doc_id"].astype(doc_ids.dtype))
    return listed


# -- comparing scorers --------------------------------------------------------------------------


def compare_scorers(sentiment: pd.DataFrame, sentences: pd.DataFrame | None = None,
                    documents: pd.DataFrame | None = None, *, scorers=None, score_column: str = "score",
                    text_column: str = "text", date_column: str = "date") -> pd.DataFrame:
    """The scores of several scorers side by side, one column per scorer.

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The sentiment table (one row per sentence and scorer).
    sentences : pandas.DataFrame, optional
        One row per sentence (``doc_id``, ``sent_id``, ``text``): adds the ``text``.
    documents : pandas.DataFrame, optional
        One row per article (``doc_id``, ``date_column``): adds ``date``.
    scorers : sequence of str, optional
        The scorers, in the order of their columns; by default every scorer in the table, in
        order of appearance.
    score_column, text_column, date_column : str

    Returns
    -------
    pandas.DataFrame
        One row per sentence scored by at least one of the scorers, sorted by ``doc_id``,
        ``sent_id``: ``doc_id``, ``sent_id``, (``date``), one float column per scorer named after
        it (NaN where that scorer did not score the sentence), (``text``).

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": "a", "sent_id": [0, 1, 0, 1], "scorer": ["vader"] * 2 + ["minilm"] * 2,
    ...                   "score": [0.0, -0.5, 0.1, -0.7]})
    >>> compare_scorers(s).values.tolist()
    [['a', 0, 0.0, 0.1], ['a', 1, -0.5, -0.7]]
    """
    names = list(pd.unique(sentiment["scorer"])) if scorers is None else [
        s if isinstance(s, str) else s.name for s in ([scorers] if isinstance(scorers, str) else scorers)]
    data = sentiment[sentiment["scorer"].isin(names)]
    wide = data.pivot(index=["doc_id", "sent_id"], columns="scorer", values=score_column)
    wide = wide.reindex(columns=names).astype("float64").reset_index()
    wide.columns.name = None
    if documents is not None:
        dates = documents[["doc_id", date_column]].drop_duplicates("doc_id").rename(columns={date_column: "date"})
        wide = wide.merge(dates, on="doc_id", how="left")
        wide = wide[["doc_id", "sent_id", "date"] + names]
    if sentences is not None:
        texts = sentences[["doc_id", "sent_id", text_column]].rename(columns={text_column: "text"})
        wide = wide.merge(texts, on=["doc_id", "sent_id"], how="left")
    return wide


def find_disagreements(sentiment: pd.DataFrame, sentences: pd.DataFrame | None = None,
                       documents: pd.DataFrame | None = None, *, scorers=None, n: int = 10,
                       score_column: str = "score", text_column: str = "text",
                       date_column: str = "date") -> pd.DataFrame:
    """The sentences on which two scorers disagree most (largest absolute score difference).

    Parameters
    ----------
    sentiment : pandas.DataFrame
        The sentiment table with at least two scorers.
    sentences, documents : pandas.DataFrame, optional
        Add ``text`` and ``date`` (see :func:`compare_scorers`). ``sentences`` may be the
        annotation cache (``toolkit.Annotations``): then only the listed sentences' articles are read.
    scorers : (str, str), optional
        The two scorers compared; by default the first two in the table.
    n : int
        Sentences listed.
    score_column, text_column, date_column : str

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows, one per sentence scored by both, largest ``|difference|`` first (ties
        by ``doc_id``, ``sent_id``): ``rank`` (1 = largest), ``doc_id``, ``sent_id``, (``date``),
        a column per scorer, ``difference`` (first scorer minus second), (``text``).

    Raises
    ------
    ValueError
        When the table does not hold two scorers to compare.

    Examples
    --------
    >>> s = pd.DataFrame({"doc_id": "a", "sent_id": [0, 1, 0, 1], "scorer": ["vader"] * 2 + ["minilm"] * 2,
    ...                   "score": [0.0, -0.5, 0.1, -0.2]})
    >>> find_disagreements(s, n=1)[["sent_id", "difference"]].values.tolist()
    [[1.0, -0.3]]
    """
    present = list(pd.unique(sentiment["scorer"]))
    pair = present[:2] if scorers is None else [s if isinstance(s, str) else s.name for s in scorers]
    if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= set(present):
        raise ValueError(f"find_disagreements compares two scorers of the table; asked for {pair}, "
                         f"the table has {present}")
    table = sentences is None or isinstance(sentences, pd.DataFrame)
    wide = compare_scorers(sentiment, sentences if table else None, documents, scorers=pair,
                           score_column=score_column, text_column=text_column, date_column=date_column)
    wide = wide[wide[pair[0]].notna() & wide[pair[1]].notna()]
    wide.insert(wide.columns.get_loc(pair[1]) + 1, "difference", (wide[pair[0]] - wide[pair[1]]).round(6))
    order = wide["difference"].abs().sort_values(ascending=False, kind="stable").index  # rows sorted by id
    out = wide.loc[order].head(n).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    if not table:  # the annotation cache: the texts of the rows listed only
        texts = _listed_texts(sentences, out["doc_id"], text_column).rename(columns={text_column: "text"})
        out = out.merge(texts, on=["doc_id", "sent_id"], how="left")
    return out


# -- validation ---------------------------------------------------------------------------------


def read_ratings(path) -> pd.DataFrame:
    """Read human-rated snippets (tab-separated ``id``, ``human_mean``, ``text``; no quoting).

    The format of the VADER paper's ground-truth files (Hutto & Gilbert 2014).

    Returns
    -------
    pandas.DataFrame
        One row per snippet: ``id`` (str), ``human_mean`` (float, -4..+4), ``text``.
    """
    try:
        table = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, header=None, names=["id", "human_mean", "text"],
                            dtype={"id": "str", "text": "str"}, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ToolkitError(path, f"cannot read ratings ({exc})") from None
    if table["id"].iloc[0:1].str.lower().eq("id").all():  # a header row
        table = table.iloc[1:]
    table["human_mean"] = pd.to_numeric(table["human_mean"], errors="coerce")
    return table.reset_index(drop=True)


def _classes(x, negative, positive):
    return np.where(x <= negative, -1, np.where(x >= positive, 1, 0))


def evaluate_sentiment(table: pd.DataFrame, *, by=(), score_column: str = "score", rating_column: str = "human_mean",
                       negative: float = NEGATIVE_THRESHOLD, positive: float = POSITIVE_THRESHOLD,
                       rating_negative: float = NEGATIVE_THRESHOLD, rating_positive: float = POSITIVE_THRESHOLD,
                       ) -> pd.DataFrame:
    """Agreement of scores with human ratings: Pearson and Spearman r, three-class F1.

    Three classes (negative / neutral / positive): a score is negative when ``<= negative`` and
    positive when ``>= positive``; a human rating is negative when ``<= rating_negative`` and
    positive when ``>= rating_positive``. All four default to ±0.05, which reproduces the VADER
    paper's F1 on its ground-truth sets to within 0.02 (``f1_weighted``: 0.945 / 0.589 / 0.626
    measured for tweets / movie / product reviews, 0.96 / 0.61 / 0.63 published).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per rated text with a score column and a rating column.
    by : str or sequence of str
        Evaluate per group (e.g. ``"scorer"``).
    score_column, rating_column : str
    negative, positive, rating_negative, rating_positive : float

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n``, ``pearson_r``, ``spearman_r``,
        ``accuracy``, ``f1_negative``, ``f1_neutral``, ``f1_positive``, ``f1_macro`` (mean of the
        three), ``f1_weighted`` (weighted by the human class sizes).

    Examples
    --------
    >>> t = pd.DataFrame({"score": [-0.5, 0.0, 0.6, 0.7], "human_mean": [-2.0, 0.0, 1.5, -1.0]})
    >>> evaluate_sentiment(t)[["n", "accuracy", "f1_neutral"]].values.tolist()
    [[4.0, 0.75, 1.0]]
    """
    from scipy import stats

    by = [by] if isinstance(by, str) else list(by)
    groups = table.groupby(by, sort=True) if by else [((), table)]
    rows = []
    for key, g in groups:
        g = g[g[score_column].notna() & g[rating_column].notna()]
        s = g[score_column].to_numpy(dtype="float64")
        h = g[rating_column].to_numpy(dtype="float64")
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        row["n"] = len(g)
        ok = len(g) > 1 and np.std(s) > 0 and np.std(h) > 0
        row["pearson_r"] = float(stats.pearsonr(s, h)[0]) if ok else np.nan
        row["spearman_r"] = float(stats.spearmanr(s, h)[0]) if ok else np.nan
        ps, hs = _classes(s, negative, positive), _classes(h, rating_negative, rating_positive)
        row["accuracy"] = float(np.mean(ps == hs)) if len(g) else np.nan
        f1s, support = [], []
        for c, name in [(-1, "negative"), (0, "neutral"), (1, "positive")]:
            tp = np.sum((ps == c) & (hs == c))
            denom = np.sum(ps == c) + np.sum(hs == c)
            f1 = 2 * tp / denom if denom else np.nan
            row[f"f1_{name}"] = float(f1)
            f1s.append(f1)
            support.append(np.sum(hs == c))
        f1s, support = np.array(f1s), np.array(support)
        row["f1_macro"] = float(np.nanmean(f1s)) if np.isfinite(f1s).any() else np.nan
        row["f1_weighted"] = float(np.nansum(f1s * support) / support.sum()) if support.sum() else np.nan
        rows.append(row)
    cols = by + ["n", "pearson_r", "spearman_r", "accuracy", "f1_negative", "f1_neutral", "f1_positive",
                 "f1_macro", "f1_weighted"]
    return pd.DataFrame(rows, columns=cols)
