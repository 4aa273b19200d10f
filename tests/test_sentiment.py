"""Tests for toolkit.sentiment: scorers, aggregates with intervals, tone toward actors, evaluate."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.lexicon import example_lexicon_path
from toolkit.sentiment import (
    TONE_COLUMNS,
    LexiconScorer,
    NltkVaderScorer,
    Scorer,
    VaderScorer,
    compare_scorers,
    evaluate_sentiment,
    find_disagreements,
    find_tone_evidence,
    get_scorer,
    read_ratings,
    register_scorer,
    score_sentiment,
    scorer_versions,
    summarize_tone,
    tone_between_actors,
    tone_by_document,
    tone_by_period,
    tone_by_source,
    tone_toward_actors,
)

POSITIVE = "The book was good."
NEGATIVE = "The attack was bad."
NEGATED = "The book was not good."
NEUTRAL = "The meeting is on Tuesday."


def sentences(*texts, doc_id="d"):
    return pd.DataFrame({"doc_id": doc_id, "sent_id": range(len(texts)), "paragraph_id": 0,
                         "start": 0, "end": 0, "text": list(texts)})


# -- VADER, both implementations -----------------------------------------------------------------


@pytest.mark.parametrize("scorer", ["vader", "vader-nltk"])
def test_vader_hand_checked(scorer):
    t = score_sentiment(sentences(POSITIVE, NEGATIVE, NEGATED, NEUTRAL), scorers=[scorer])
    assert t.columns.tolist() == ["doc_id", "sent_id", "scorer", "score", "compound", "pos", "neu", "neg"]
    assert (t.scorer == scorer).all() and t.sent_id.tolist() == [0, 1, 2, 3]
    assert (t.score == t.compound).all()
    # VADER: compound = s / sqrt(s^2 + 15), s the sum of word valences (lexicon: good 1.9,
    # attack -2.1, bad -2.5); pos/neg = (|valence| + 1 per word) / (that + neutral words)
    # positive: s = 1.9 -> 1.9/sqrt(18.61) = 0.4404; pos = 2.9/(2.9 + 3) = 0.492
    assert t.loc[0, ["compound", "pos", "neu", "neg"]].tolist() == [0.4404, 0.492, 0.508, 0.0]
    # negative: s = -2.1 - 2.5 = -4.6 -> -4.6/sqrt(36.16) = -0.7650; neg = (3.1 + 3.5)/(6.6 + 2) = 0.767
    assert t.loc[1, ["compound", "pos", "neu", "neg"]].tolist() == [-0.765, 0.0, 0.233, 0.767]
    # negated: 'not' scales good by -0.74: s = -1.406 -> -1.406/sqrt(16.977) = -0.3412;
    # neg = 2.406/(2.406 + 4) = 0.376
    assert t.loc[2, ["compound", "pos", "neu", "neg"]].tolist() == [-0.3412, 0.0, 0.624, 0.376]
    # neutral: no lexicon word
    assert t.loc[3, ["compound", "pos", "neu", "neg"]].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_vader_matches_the_package_and_nltk_port_differs_in_parts_only_here():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    text = "A truce is a good thing, but it is fragile."
    ref = SentimentIntensityAnalyzer().polarity_scores(text)
    t = score_sentiment(sentences(text), scorers=["vader", "vader-nltk"])
    assert t.loc[0, ["compound", "pos", "neu", "neg"]].tolist() == [ref["compound"], ref["pos"], ref["neu"], ref["neg"]]
    # NLTK's port drops one-character tokens ('A', 'a'): same compound, 9 not 11 neutral-counting words
    assert t.loc[1, "compound"] == ref["compound"] == 0.2382
    assert t.loc[1, "neu"] == 0.782 and ref["neu"] == 0.822


def test_duplicates_scored_once_missing_text_is_neutral():
    s = sentences(POSITIVE, POSITIVE, None)
    t = score_sentiment(s)
    assert t.score.tolist() == [0.4404, 0.4404, 0.0]


def test_empty_sentences_give_empty_table_with_columns():
    t = score_sentiment(sentences().astype({"sent_id": "int64"}), scorers=["vader", "lexicon:" + str(example_lexicon_path())])
    assert t.empty
    assert t.columns.tolist()[:8] == ["doc_id", "sent_id", "scorer", "score", "compound", "pos", "neu", "neg"]


# -- the dictionary scorer ----------------------------------------------------------------------


def test_lexicon_scorer_hand_checked():
    s = sentences("The talks were good.", "They abandoned the town.", "The plan is not good.", NEUTRAL,
                  "Not good, but great.", "The army and troops fear an attack.", "They have no fear.")
    t = score_sentiment(s, scorers=[LexiconScorer(example_lexicon_path())])
    assert (t.scorer == "lexicon:example_lexicon").all()
    assert t.columns.tolist()[3:] == ["score", "positive", "negative", "n_matches", "n_tokens", "n_fear", "n_military"]
    r = t.set_index("sent_id")
    # score = (positive - negative) / (positive + negative)
    assert r.loc[0, ["score", "positive", "negative", "n_matches", "n_tokens"]].tolist() == [1, 1, 0, 1, 4]  # good +1
    assert r.loc[1, ["score", "positive", "negative"]].tolist() == [-1, 0, 1]  # abandon* -1
    assert r.loc[2, ["score", "positive", "negative"]].tolist() == [-1, 0, 1]  # not good: +1 counted as -1
    assert r.loc[3, ["score", "positive", "negative", "n_matches"]].tolist() == [0, 0, 0, 0]  # neutral
    # not good (-1), the comma ends the negation, great* (+2): (2 - 1) / (2 + 1) = 1/3
    assert r.loc[4, "score"] == pytest.approx(1 / 3)
    # army, troops (military); fear* (-1, fear); attack* (-1): negative 2, score -1
    assert r.loc[5, ["score", "negative", "n_fear", "n_military"]].tolist() == [-1, 2, 1, 2]
    # 'no fear': fear* negated, counts +1, and not as fear
    assert r.loc[6, ["score", "positive", "n_fear"]].tolist() == [1, 1, 0]


def test_lexicon_scorer_by_name_and_version(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("pattern,polarity\ngood,1\n", encoding="utf-8")
    s = get_scorer(f"lexicon:{p}")
    assert s.name == "lexicon:mine"
    v1 = s.version
    p.write_text("pattern,polarity\ngood,2\n", encoding="utf-8")
    assert LexiconScorer(p).version != v1  # a changed lexicon changes the cache key
    assert LexiconScorer(p, negation_window=0).version != LexiconScorer(p).version


# -- the interface, registry and picklability ---------------------------------------------------


class Length(Scorer):
    """A toy scorer written for the test: score = 1 for texts of 5+ characters, parts: n_chars."""

    name = "length"
    version = "1"
    parts = ("n_chars",)

    def score(self, sentences, *, text_column="text"):
        n = sentences[text_column].str.len().to_numpy()
        return pd.DataFrame({"score": (n >= 5).astype(float), "n_chars": n})


def test_a_new_scorer_is_a_small_addition():
    register_scorer("length-test", Length, replace=True)
    t = score_sentiment(sentences("abc", "abcdef"), scorers=["vader", "length-test"])
    assert t.scorer.tolist() == ["vader", "vader", "length", "length"]
    assert t.score.tolist()[2:] == [0.0, 1.0]
    assert t.n_chars.tolist()[2:] == [3, 6] and t.n_chars.isna().tolist()[:2] == [True, True]
    with pytest.raises(ValueError, match="already registered"):
        register_scorer("length-test", Length)


def test_lazy_registration_of_optional_extras():
    register_scorer("not-installed", "toolkit_missing_extra.scorer:Model", replace=True)
    with pytest.raises(ToolkitError, match="optional extra"):
        get_scorer("not-installed")
    with pytest.raises(ToolkitError, match="unknown sentiment scorer 'nope'"):
        get_scorer("nope")


def test_versions_are_stable_strings_and_scorers_pickle():
    v = scorer_versions(["vader", "vader-nltk"])
    assert v == scorer_versions(("vader", "vader-nltk"))
    assert v[0].startswith("vader=vaderSentiment==3.3.2;") and v[1].startswith("vader-nltk=nltk==")
    for s in [VaderScorer(), NltkVaderScorer(), LexiconScorer(example_lexicon_path())]:
        back = pickle.loads(pickle.dumps(s))
        assert back == s and back.version == s.version
    assert pickle.loads(pickle.dumps(score_sentiment))  # a module-level function


# -- aggregates and intervals -------------------------------------------------------------------


def make_tone_tables():
    """Tiny sentiment, mentions, sentences and documents tables (also used by test_plots/test_widgets).

    Scores: doc a -0.5, 0.0 (mean -0.25); doc b 0.5, 1.0, 0.0, 0.5 (mean 0.5); doc c -1.0.
    Mentions: Russia in a/0, a/1 (twice), b/0; Turkey in a/0, b/0, c/0.
    Dates: a 2011-03-02 (BBC), b 2011-03-30 (Reuters), c 2011-04-01 (BBC).
    """
    sentiment = pd.DataFrame({
        "doc_id": ["a", "a", "b", "b", "b", "b", "c"],
        "sent_id": [0, 1, 0, 1, 2, 3, 0],
        "scorer": "vader",
        "score": [-0.5, 0.0, 0.5, 1.0, 0.0, 0.5, -1.0],
    })
    rows = [("a", 0, "Russia"), ("a", 1, "Russia"), ("a", 1, "Russia"), ("b", 0, "Russia"),
            ("a", 0, "Turkey"), ("b", 0, "Turkey"), ("c", 0, "Turkey")]
    mentions = pd.DataFrame([(d, s, a, a, 0, len(a)) for d, s, a in rows],
                            columns=["doc_id", "sent_id", "actor", "alias", "start", "end"])
    sentences = pd.DataFrame({"doc_id": sentiment.doc_id, "sent_id": sentiment.sent_id,
                              "text": [f"s{i}" for i in range(7)]})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"],
                              "date": pd.to_datetime(["2011-03-02", "2011-03-30", "2011-04-01"]),
                              "source": ["BBC", "Reuters", "BBC"]})
    return sentiment, mentions, sentences, documents


@pytest.fixture
def tiny():
    return make_tone_tables()[0]


def test_summary_point_estimates(tiny):
    r = summarize_tone(tiny, n_boot=0).iloc[0]
    assert r.n_sentences == 7 and r.n_documents == 3
    assert r["mean"] == pytest.approx(0.5 / 7)  # (-0.5 + 0 + 0.5 + 1 + 0 + 0.5 - 1) / 7
    assert r.share_negative == pytest.approx(2 / 7)  # -0.5, -1.0 are <= -0.05
    assert r.share_positive == pytest.approx(3 / 7)  # 0.5, 1.0, 0.5 are >= 0.05
    assert np.isnan(r.mean_low)  # n_boot=0: no intervals
    r2 = summarize_tone(tiny, n_boot=0, negative=-0.75, positive=0.75).iloc[0]
    assert (r2.share_negative, r2.share_positive) == (1 / 7, 1 / 7)  # only -1.0 and 1.0


def test_cluster_bootstrap_interval_by_hand():
    # two articles: a (sentences -1, -1), b (1, 1). Resampling 2 articles gives {a,a} (mean -1,
    # p = 1/4), {a,b} (0, p = 1/2), {b,b} (1, p = 1/4): the 2.5% and 97.5% quantiles are -1 and 1
    t = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "score": [-1.0, -1.0, 1.0, 1.0]})
    r = summarize_tone(t, n_boot=2000).iloc[0]
    assert (r.mean_low, r["mean"], r.mean_high) == (-1.0, 0.0, 1.0)
    assert (r.share_negative_low, r.share_negative_high) == (0.0, 1.0)


def test_intervals_of_the_largest_groups_only_are_those_of_a_full_run():
    # group x: articles a (-1, -1) and b (1): resampling 2 articles gives {a,a} mean -1 (p 1/4),
    # {a,b} (-2 + 1) / 3 = -1/3 (p 1/2), {b,b} 1 (p 1/4): the 2.5% and 97.5% quantiles are -1 and 1.
    # group y: articles c (0.5) and d (0.5): every replicate 0.5. group z: e (0.2), f (0.2), g (0.2).
    t = pd.DataFrame({"g": ["x", "x", "x", "y", "y", "z", "z", "z"],
                      "doc_id": ["a", "a", "b", "c", "d", "e", "f", "g"],
                      "score": [-1.0, -1.0, 1.0, 0.5, 0.5, 0.2, 0.2, 0.2]})
    full = summarize_tone(t, by="g", n_boot=1000).set_index("g")
    assert (full.loc["x", "mean_low"], full.loc["x", "mean_high"]) == (-1.0, 1.0)
    assert full.loc["y", ["mean_low", "mean_high"]].tolist() == pytest.approx([0.5, 0.5])
    # intervals=1: the groups with the most sentences (x and z tie at 3) get theirs, y gets NaN
    top = summarize_tone(t, by="g", n_boot=1000, intervals=1).set_index("g")
    assert np.isnan(top.loc["y", "mean_low"]) and np.isnan(top.loc["y", "share_positive_high"])
    pd.testing.assert_frame_equal(top.loc[["x", "z"]], full.loc[["x", "z"]])  # the very same draws
    assert top.loc["y", "mean"] == 0.5 and top.loc["y", "n_documents"] == 2  # point estimates kept
    pd.testing.assert_frame_equal(summarize_tone(t, by="g", n_boot=1000, intervals=3), full.reset_index())
    assert summarize_tone(t, by="g", n_boot=1000, intervals=0)["mean_low"].isna().all()


def test_the_random_stream_is_read_and_skipped_as_numpy_draws_it():
    from toolkit.sentiment import _Stream

    # default_rng(7).integers(0, 2**32, dtype=uint32) draws, positions 0..19: read 3, skip 5 (an odd
    # jump, across a 64-bit output), read 1, skip 4, read 7
    reference = np.random.default_rng(7).integers(0, 2**32, size=20, dtype=np.uint32)
    stream = _Stream(7)
    got = [stream.read(3)]
    stream.skip(5)
    got.append(stream.read(1))
    stream.skip(4)
    got.append(stream.read(7))
    assert np.concatenate(got).tolist() == reference[[0, 1, 2, 8, 13, 14, 15, 16, 17, 18, 19]].tolist()


def test_bootstrap_of_some_groups_takes_their_draws_of_a_full_run():
    from toolkit.sentiment import _bootstrap

    # group 0: articles of 3 sentences summing to -3 and of 2 summing to -2: every resample has
    # mean -1. group 1: three articles, one of 2**22 sentences (the counts then do not fit in one
    # integer and are summed apart). Blocks of at most 7 resampled units: several per group.
    values = np.array([[-3.0, 3, 3, 0], [-2.0, 2, 2, 0], [1.0, 2**22, 1, 1], [0.0, 1, 0, 0], [-1.0, 1, 1, 0]])
    codes = np.array([0, 0, 1, 1, 1])
    full = _bootstrap(codes, values, 2, n_boot=50, level=0.9, seed=3, budget=7)
    assert full[0, 0].tolist() == [-1.0, -1.0]
    # a resample's mean in group 1 lies between -1 (the last article thrice) and 2**-22 (the first thrice)
    assert -1.0 <= full[1, 0, 0] <= full[1, 0, 1] <= 2.0**-22
    for wanted in ([False, True], [True, False]):
        only = _bootstrap(codes, values, 2, n_boot=50, level=0.9, seed=3, budget=7, wanted=wanted)
        assert np.array_equal(only[wanted], full[wanted]) and np.isnan(only[~np.array(wanted)]).all()


def test_single_unit_gets_no_interval_and_constant_scores_a_zero_width_one(tiny):
    r = summarize_tone(tiny, by="doc_id", n_boot=500).set_index("doc_id")
    assert np.isnan(r.loc["c", "mean_low"])  # one article: nothing to resample
    t = pd.DataFrame({"doc_id": ["a", "b", "c"], "score": [0.3, 0.3, 0.3]})
    r = summarize_tone(t, n_boot=100).iloc[0]
    assert r.mean_low == pytest.approx(0.3) and r.mean_high == pytest.approx(0.3)


def test_intervals_seeded_order_free_and_contain_estimate(tiny):
    a = summarize_tone(tiny, by="scorer", n_boot=300, seed=1)
    b = summarize_tone(tiny.sample(frac=1, random_state=3), by="scorer", n_boot=300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    r = a.iloc[0]
    assert r.mean_low <= r["mean"] <= r.mean_high
    assert a.columns.tolist() == ["scorer"] + TONE_COLUMNS


def test_sentence_bootstrap_within_a_document(tiny):
    r = tone_by_document(tiny, n_boot=1000).set_index("doc_id")
    assert r.loc["a", "mean"] == -0.25 and r.loc["b", "mean"] == 0.5 and r.loc["c", "n_sentences"] == 1
    # doc a has sentences -0.5, 0.0: resamples {-.5,-.5} (p 1/4), mixed (1/2), {0,0} (1/4)
    assert (r.loc["a", "mean_low"], r.loc["a", "mean_high"]) == (-0.5, 0.0)
    assert (r.n_documents == 1).all()


def test_by_period_and_source(tiny):
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "date": pd.to_datetime(["2011-03-02", "2011-03-30", "2011-04-01"]),
                         "outlet": ["BBC", "Reuters", None]})
    p = tone_by_period(tiny, docs, n_boot=0)
    assert p.period.tolist() == [pd.Timestamp("2011-03-01"), pd.Timestamp("2011-04-01")]
    assert p["mean"].tolist() == pytest.approx([1.5 / 6, -1.0])  # a + b: (-0.5 + 0 + 2) / 6
    assert p.n_documents.tolist() == [2, 1]
    s = tone_by_source(tiny, docs, source_column="outlet", n_boot=0).set_index("source")
    assert s.loc["(none)", "mean"] == -1.0 and s.loc["BBC", "n_sentences"] == 2
    with pytest.raises(ToolkitError, match="no 'source' column"):
        tone_by_source(tiny, docs)


# -- tone toward actors and pairs ----------------------------------------------------------------


@pytest.fixture
def mentions():
    # hand-made mentions (schema of toolkit.actors): Russia in a/0, a/1 (twice), b/0; Turkey in a/0, b/0, c/0
    return make_tone_tables()[1]


def test_tone_toward_actors(tiny, mentions):
    t = tone_toward_actors(tiny, mentions, n_boot=0).set_index("actor")
    # Russia: a/0 -0.5, a/1 0.0 (mentioned twice, counted once), b/0 0.5 -> mean 0, 3 sentences, 2 articles
    assert t.loc["Russia", ["n_sentences", "n_documents", "mean"]].tolist() == [3, 2, 0.0]
    # Turkey: a/0 -0.5, b/0 0.5, c/0 -1.0 -> mean -1/3
    assert t.loc["Turkey", "mean"] == pytest.approx(-1 / 3)
    # baseline: all 7 sentences, mean 0.5/7
    assert t.loc["Turkey", "baseline_mean"] == pytest.approx(0.5 / 7)
    assert t.loc["Turkey", "difference"] == pytest.approx(-1 / 3 - 0.5 / 7)
    assert t.loc["Russia", "baseline_n_sentences"] == 7


def test_tone_toward_actors_over_time(tiny, mentions):
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "date": pd.to_datetime(["2011-03-02", "2011-03-30", "2011-04-01"])})
    t = tone_toward_actors(tiny, mentions, documents=docs, period="M", actors=["Turkey"], n_boot=0)
    assert t.actor.tolist() == ["Turkey", "Turkey"]
    # March: a/0 -0.5 and b/0 0.5 -> 0; baseline March = (-0.5 + 0 + 0.5 + 1 + 0 + 0.5)/6 = 0.25
    assert t[["n_sentences", "mean", "baseline_mean", "difference"]].values.tolist()[0] == [2, 0.0, 0.25, -0.25]
    # April: c/0 -1.0, baseline -1.0
    assert t[["n_sentences", "mean", "difference"]].values.tolist()[1] == [1, -1.0, 0.0]


def test_dyadic_tone(tiny, mentions):
    d = tone_between_actors(tiny, mentions, n_boot=0)
    # Russia and Turkey share a/0 (-0.5) and b/0 (0.5): mean 0 over 2 sentences in 2 articles
    assert d[["actor_a", "actor_b", "n_sentences", "n_documents", "mean"]].values.tolist() == [["Russia", "Turkey", 2, 2, 0.0]]
    assert tone_between_actors(tiny, mentions, pairs=[("Turkey", "Russia")], n_boot=0).n_sentences.tolist() == [2]
    assert tone_between_actors(tiny, mentions, pairs=[("Turkey", "Iran")], n_boot=0).empty


def test_evidence(tiny, mentions):
    s = pd.DataFrame({"doc_id": tiny.doc_id, "sent_id": tiny.sent_id, "text": [f"s{i}" for i in range(7)]})
    e = find_tone_evidence(tiny, s, mentions=mentions, actor="Turkey", n=5)
    # Turkey's sentences: a/0 -0.5, b/0 0.5, c/0 -1.0
    assert e[["side", "rank", "doc_id", "score"]].values.tolist() == [
        ["negative", 1, "c", -1.0], ["negative", 2, "a", -0.5], ["positive", 1, "b", 0.5]]
    pair = find_tone_evidence(tiny, s, mentions=mentions, pair=("Russia", "Turkey"), n=1)
    assert pair.text.tolist() == ["s0", "s2"]
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "date": pd.to_datetime(["2011-03-02", "2011-03-30", "2011-04-01"])})
    april = find_tone_evidence(tiny, s, documents=docs, period="2011-04")
    assert april[["side", "doc_id", "date"]].values.tolist() == [["negative", "c", pd.Timestamp("2011-04-01")]]
    # most positive overall: b/1 (1.0), then ties at 0.5 broken by doc_id, sent_id: b/0, b/3
    top = find_tone_evidence(tiny, s, n=3)
    assert top[top.side == "positive"].text.tolist() == ["s3", "s2", "s5"]


class _Cache:
    """Stands in for toolkit.Annotations: ``read("sentences", columns=, ids=)``, recording the ids read."""

    def __init__(self, sentences):
        self.sentences, self.asked = sentences, []

    def read(self, name, *, columns=None, ids=None):
        assert name == "sentences"
        self.asked.append(sorted(ids))
        rows = self.sentences[self.sentences["doc_id"].isin(list(ids))]
        return rows[columns].astype({"doc_id": "str"}).reset_index(drop=True)


def test_evidence_reads_only_the_listed_articles_texts_from_a_cache(tiny, mentions):
    s = pd.DataFrame({"doc_id": tiny.doc_id, "sent_id": tiny.sent_id, "text": [f"s{i}" for i in range(7)]})
    cache = _Cache(s)
    e = find_tone_evidence(tiny, cache, mentions=mentions, actor="Russia", n=1)
    # Russia's sentences: a/0 -0.5, a/1 0.0, b/0 0.5: the most negative a/0 (s0), the most positive b/0 (s2)
    assert e[["side", "doc_id", "sent_id", "text"]].values.tolist() == [["negative", "a", 0, "s0"],
                                                                         ["positive", "b", 0, "s2"]]
    assert cache.asked == [["a", "b"]]  # article c's sentences are not read
    pd.testing.assert_frame_equal(e, find_tone_evidence(tiny, s, mentions=mentions, actor="Russia", n=1))
    # doc_id as categories (as toolkit.read_tokens gives it): kept as the sentiment table types it
    cat = tiny.astype({"doc_id": "category"})
    e = find_tone_evidence(cat, _Cache(s), n=1)
    assert e["doc_id"].dtype == cat["doc_id"].dtype and e.text.tolist() == ["s6", "s3"]  # c/0 -1.0, b/1 1.0
    with pytest.raises(TypeError, match="annotation cache"):
        find_tone_evidence(tiny, object(), n=1)


# -- comparing scorers ---------------------------------------------------------------------------


def test_compare_scorers_and_disagreements():
    vader, _, texts, documents = make_tone_tables()
    # a second scorer on the same sentences, except c/0 (not scored by it)
    other = vader.iloc[:6].assign(scorer="minilm", score=[-0.4, 0.1, 0.5, 0.2, -0.3, 0.5])
    both = pd.concat([vader, other], ignore_index=True)
    before = both.copy()
    wide = compare_scorers(both, texts, documents)
    assert wide.columns.tolist() == ["doc_id", "sent_id", "date", "vader", "minilm", "text"]
    assert wide[["doc_id", "sent_id"]].values.tolist() == [["a", 0], ["a", 1], ["b", 0], ["b", 1], ["b", 2],
                                                           ["b", 3], ["c", 0]]
    assert wide["vader"].tolist() == [-0.5, 0.0, 0.5, 1.0, 0.0, 0.5, -1.0]
    assert wide["minilm"].tolist()[:6] == [-0.4, 0.1, 0.5, 0.2, -0.3, 0.5] and np.isnan(wide["minilm"].iloc[6])
    assert wide["text"].tolist() == [f"s{i}" for i in range(7)] and wide["date"].iloc[6] == pd.Timestamp("2011-04-01")
    swapped = compare_scorers(both, scorers=["minilm", "vader"])
    assert swapped.columns.tolist() == ["doc_id", "sent_id", "minilm", "vader"]
    # vader - minilm: a/0 -0.1, a/1 -0.1, b/0 0.0, b/1 1.0 - 0.2 = 0.8, b/2 0.0 - (-0.3) = 0.3, b/3 0.0;
    # c/0 has no minilm score. Largest |difference|: b/1 0.8, b/2 0.3, then a/0 and a/1 tie at 0.1 (ids order)
    d = find_disagreements(both, texts, documents, n=3)
    assert d.columns.tolist() == ["rank", "doc_id", "sent_id", "date", "vader", "minilm", "difference", "text"]
    assert d[["rank", "doc_id", "sent_id", "difference", "text"]].values.tolist() == [
        [1, "b", 1, 0.8, "s3"], [2, "b", 2, 0.3, "s4"], [3, "a", 0, -0.1, "s0"]]
    assert d["date"].tolist() == [pd.Timestamp("2011-03-30")] * 2 + [pd.Timestamp("2011-03-02")]
    # the other way round: minilm - vader, the same sentences with the opposite sign
    flipped = find_disagreements(both, scorers=("minilm", "vader"), n=2)
    assert flipped["difference"].tolist() == [-0.8, -0.3] and flipped.columns[-1] == "difference"
    assert len(find_disagreements(both, n=100)) == 6  # every sentence scored by both
    # with the annotation cache in place of the sentences: the texts of b and a only are read
    cache = _Cache(texts)
    via_cache = find_disagreements(both, cache, documents, n=3)
    assert via_cache[["rank", "doc_id", "sent_id", "text"]].values.tolist() == [
        [1, "b", 1, "s3"], [2, "b", 2, "s4"], [3, "a", 0, "s0"]]
    assert cache.asked == [["a", "b"]] and via_cache.columns.tolist() == d.columns.tolist()
    pd.testing.assert_frame_equal(both, before)  # inputs untouched
    with pytest.raises(ValueError, match=r"two scorers.*the table has \['vader'\]"):
        find_disagreements(vader)
    with pytest.raises(ValueError, match="two scorers"):
        find_disagreements(both, scorers=("vader", "lexicon:x.csv"))


# -- validation ---------------------------------------------------------------------------------


def test_evaluate_hand_checked():
    t = pd.DataFrame({"score": [1.0, 2.0, 3.0], "human_mean": [1.0, 2.0, 4.0]})
    r = evaluate_sentiment(t).iloc[0]
    # x - mean = (-1, 0, 1), y - mean = (-4/3, -1/3, 5/3): r = 3 / sqrt(2 * 14/3) = 0.98198
    assert r.pearson_r == pytest.approx(3 / math.sqrt(28 / 3))
    assert r.spearman_r == pytest.approx(1.0)
    # classes (thresholds +-0.05 for both): scores -1 0 1 1 0; ratings -1 0 1 -1 0
    t = pd.DataFrame({"score": [-0.5, 0.0, 0.6, 0.7, 0.01], "human_mean": [-2.0, 0.0, 1.5, -1.0, 0.04],
                      "scorer": "x"})
    r = evaluate_sentiment(t, by="scorer").iloc[0]
    assert r.scorer == "x" and r.n == 5 and r.accuracy == 4 / 5
    # negative: tp 1, predicted 1, true 2 -> 2/3; neutral: 2*2/(2+2) = 1; positive: 2*1/(2+1) = 2/3
    assert (r.f1_negative, r.f1_neutral, r.f1_positive) == pytest.approx((2 / 3, 1.0, 2 / 3))
    assert r.f1_macro == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert r.f1_weighted == pytest.approx((2 / 3 * 2 + 1 * 2 + 2 / 3 * 1) / 5)
    # rating thresholds -2.5 / +0.5: ratings -2.0 and -1.0 become neutral -> classes 0 0 1 0 0;
    # agreement with scores -1 0 1 1 0 on rows 2, 3, 5 -> 3/5
    assert evaluate_sentiment(t, rating_negative=-2.5, rating_positive=0.5).accuracy.iloc[0] == 3 / 5


def test_read_ratings(tmp_path):
    p = tmp_path / "r.tsv"
    p.write_text('1_1\t2.5\tI "love" it\n7\t-1.0\tmeh\t\n'.replace("\t\n", "\n"), encoding="utf-8")
    r = read_ratings(p)
    assert r.id.tolist() == ["1_1", "7"] and r.human_mean.tolist() == [2.5, -1.0]
    assert r.text.tolist() == ['I "love" it', "meh"]  # quotes kept: no quoting in this format


def test_first_occurrences_of_sentence_actor_keys():
    import numpy as np

    from toolkit.sentiment import _first_occurrences

    key = np.array([5, 3, 5, 1, 3, 3, 7], dtype=np.int64)
    assert _first_occurrences(key).tolist() == [True, True, False, True, False, False, True]
    rng = np.random.default_rng(0)
    many = rng.integers(0, 50, 1000)
    assert (_first_occurrences(many) == ~pd.Series(many).duplicated().to_numpy()).all()
    assert _first_occurrences(np.zeros(0, dtype=np.int64)).tolist() == []


def test_baseline_counts_the_scored_sentences_of_each_scorer():
    from toolkit.sentiment import _baseline

    data = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "scorer": ["vader", "vader", "vader", "minilm", "vader"],
                         "score": [-0.5, np.nan, 1.0, 0.25, 0.0]})
    base = _baseline(data, ["scorer"])
    # minilm: 0.25 alone; vader: -0.5, 1.0, 0.0 (the missing score left out) -> 0.5 / 3
    assert base["scorer"].tolist() == ["minilm", "vader"]
    assert base["baseline_n_sentences"].tolist() == [1, 3]
    assert base["baseline_mean"].tolist() == pytest.approx([0.25, 0.5 / 3])
    whole = _baseline(data, [])
    assert whole[["baseline_n_sentences", "baseline_mean"]].values.tolist()[0] == pytest.approx([4, 0.75 / 4])
