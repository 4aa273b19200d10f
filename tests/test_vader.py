"""Tests for toolkit.vader: the vectorised VADER gives the reference vaderSentiment's scores.

Hand-checked sentences first (one per rule), then equality with
``vaderSentiment.SentimentIntensityAnalyzer().polarity_scores`` on 8,000 generated sentences that
exercise every rule (and its quirks), and on the shared human-rated snippets and development
corpus when they are present.
"""

import csv
import random

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

from conftest import SHARED
from toolkit.vader import VADER_PARTS, score_vader, vader_polarity

ANALYZER = SentimentIntensityAnalyzer()


def reference(texts):
    return np.array([[d[k] for k in VADER_PARTS] for d in map(ANALYZER.polarity_scores, texts)], dtype=float)


def assert_same(texts):
    fast, ref = vader_polarity(texts), reference(texts)
    bad = np.flatnonzero((fast != ref).any(axis=1))
    shown = [(texts[i], fast[i].tolist(), ref[i].tolist()) for i in bad[:5]]
    assert not len(bad), f"{len(bad)} of {len(texts)} differ, e.g. {shown}"
    return len(texts)


# -- hand-checked ---------------------------------------------------------------------------------


def test_hand_checked_rules():
    got = vader_polarity([
        "The book was good.",
        "The book was not good.",
        "The book was very good!",
        "",
        "The meeting is on Tuesday.",
    ]).tolist()
    # good = 1.9: s = 1.9 -> 1.9 / sqrt(1.9^2 + 15) = 1.9 / 4.3139 = 0.4404;
    # pos = (1.9 + 1) / (2.9 + 3 neutral words) = 0.492, neu = 3 / 5.9 = 0.508
    assert got[0] == [0.4404, 0.492, 0.508, 0.0]
    # not: 1.9 * -0.74 = -1.406 -> -1.406 / sqrt(1.977 + 15) = -0.3412; neg = 2.406 / 6.406 = 0.376
    assert got[1] == [-0.3412, 0.0, 0.624, 0.376]
    # very (booster +0.293) and "!" (+0.292): s = 2.193 + 0.292 = 2.485 -> 2.485 / sqrt(21.175) = 0.54;
    # pos = (3.193 + 0.292) / (3.485 + 4) = 0.466 ("very" counts as a neutral word)
    assert got[2] == [0.54, 0.466, 0.534, 0.0]
    # no words: all zero; words without valence: neutral 1
    assert got[3] == [0.0, 0.0, 0.0, 0.0]
    assert got[4] == [0.0, 0.0, 1.0, 0.0]


def test_but_rule_and_its_quirk():
    # "but": words before x0.5, after x1.5. good 1.9, great 3.1:
    # s = 0.95 + 4.65 = 5.6 -> 5.6 / sqrt(31.36 + 15) = 5.6 / 6.8088 = 0.8225
    assert vader_polarity(["good but great"])[0, 0] == 0.8225
    # the reference rescales the *first* word holding an equal value: in "gg but slap" (gg 1.2,
    # slap 0.6) gg becomes 0.6, then slap's 0.6 is found at gg's place, which is halved again:
    # [0.3, 0, 0.6], s = 0.9 -> 0.9 / sqrt(0.81 + 15) = 0.2263 (not [0.6, 0, 0.9] -> 0.3612);
    # pos = (1.3 + 1.6) / (2.9 + 1 neutral word) = 0.744
    assert vader_polarity(["gg but slap"]).tolist() == [[0.2263, 0.744, 0.256, 0.0]]
    assert_same(["good good but", "good but great great", "bad bad but bad", "gg but slap"])


def test_score_vader_table_and_duplicates():
    table = score_vader(pd.DataFrame({"text": ["The book was good.", None, "The book was good."]}))
    assert table.columns.tolist() == ["compound", "pos", "neu", "neg"]
    assert table["compound"].tolist() == [0.4404, 0.0, 0.4404]  # None scores as ""
    assert table.index.tolist() == [0, 1, 2]


def test_empty_input():
    assert vader_polarity([]).shape == (0, 4)
    assert score_vader(pd.DataFrame({"text": pd.Series([], dtype=str)})).shape == (0, 4)


# -- equality with the reference on generated sentences ---------------------------------------------

POSITIVE = ["good", "great", "success", "peace", "agreement", "hope", "support", "win", "happy",
            "safe", "free", "love", "best", "welcome", "helpful", "brilliant", "calm", "fair"]
NEGATIVE = ["bad", "war", "attack", "killed", "crisis", "fear", "violence", "dead", "terrible",
            "protest", "threat", "angry", "hate", "worst", "failed", "wounded", "shit", "bomb", "death"]
PLAIN = ["the", "minister", "said", "on", "Tuesday", "in", "Cairo", "talks", "forces", "of", "to",
         "a", "and", "government", "city", "people", "officials", "it", "was", "is", "for", "at",
         "U.S.", "Assad's", "2011", "that", "they", "after", "this", "so", "very", "or", "nor"]
RULE_WORDS = ["no", "not", "never", "without", "doubt", "least", "at", "very", "kind", "of", "sort",
              "but", "BUT", "But", "isn't", "don't", "cannot", "nothing", "kinda", "just", "enough",
              "so", "this", "or", "nor", "the", "bus", "stop", "kiss", "yeah", "right", "to", "die",
              "for", "beating", "heart", "bad", "ass", "badass", "uh-uh", "n't"]
DECOR = ["!", "!!", "!!!!!", "?", "??", "???", "????", ".", ",", ";", ":)", ":D", ":(", "(", ")",
         '"', "''", "``", "-", "--", "...", "'s", "😁", "💘", "©", "®", "☺"]
SEPARATORS = [" ", " ", " ", " ", " ", "  ", "\t", "\n", "\xa0", "\u2003"]


def _word(rng):
    pool = rng.choice([POSITIVE, NEGATIVE, PLAIN, PLAIN, RULE_WORDS, list(BOOSTER_DICT), NEGATE])
    word = rng.choice(pool)
    shape = rng.random()
    if shape < 0.08:
        word = word.upper()
    elif shape < 0.14:
        word = word.capitalize()
    if rng.random() < 0.12:  # punctuation glued on (stripped by VADER unless little is left)
        word = rng.choice(['"', "(", "'", "*"]) * rng.randint(0, 1) + word + rng.choice([",", ".", "!", "?", '"', ")", "'s", "..."])
    return word


def generate_sentences(n, seed=0):
    """News-like and social-media-like sentences that exercise every VADER rule."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [_word(rng) for _ in range(rng.randint(0, 28))]
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(0, len(words)), rng.choice(DECOR))
        if rng.random() < 0.1 and words:  # repeated values around "but" (the reference's quirk)
            w = rng.choice(POSITIVE + NEGATIVE)
            words += [w, w, "but", w, rng.choice(["very", "so"]), w]
        if rng.random() < 0.05:
            words = [w.upper() for w in words]
        text = "".join(w + rng.choice(SEPARATORS) for w in words)
        if rng.random() < 0.3:
            text = text.strip()
        out.append(text)
    return out


def test_equal_to_reference_on_generated_sentences():
    texts = generate_sentences(8000)
    assert len(set(texts)) > 7900
    assert assert_same(texts) == 8000


def test_equal_to_reference_one_text_at_a_time():
    texts = generate_sentences(200, seed=1)
    fast = np.vstack([vader_polarity([t]) for t in texts])
    assert np.array_equal(fast, reference(texts))


# -- equality on real text, when the development data is present -----------------------------------


@pytest.mark.skipif(not (SHARED / "sentiment").is_dir(), reason="no shared human-rated snippets")
def test_equal_to_reference_on_shared_snippets():
    n = 0
    for path in sorted((SHARED / "sentiment").glob("*.tsv")):
        table = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)
        n += assert_same(table["text"].tolist())
    assert n > 18000  # 3,708 product reviews + 10,605 movie reviews + 4,200 tweets = 18,513


@pytest.mark.skipif(not (SHARED / "corpora" / "timeline17_mideast").is_dir(), reason="no development corpus")
def test_equal_to_reference_on_news_sentences():
    from toolkit.corpus import read_corpus
    from toolkit.text import split_sentences

    folder = SHARED / "corpora" / "timeline17_mideast"
    files = sorted(p.name for p in folder.glob("*.txt"))[::20]  # every 20th article: ~100
    docs = read_corpus(folder).documents
    docs = docs[docs["file"].isin(files)]
    texts = list(dict.fromkeys(split_sentences(docs)["text"]))
    assert assert_same(texts) > 4000


def test_word_facts_one_by_one_and_all_at_once():
    import numpy as np

    from toolkit import vader

    rules = vader._rules()
    # "GREAT!": stripped to "GREAT" (more than 2 characters left), capitals (8) + lexicon (1),
    # valence 3.1 in vader_lexicon.txt; "very": a booster (2), B_INCR 0.293, a rule word;
    # "don't": a negation (4); ":)": stripped to "" so kept whole, lexicon 2.0
    assert vader._word_facts("GREAT!", rules) == (9, 3.1, 0.0, 0)
    assert vader._word_facts("very", rules) == (2, 0.0, 0.293, rules["ids"]["very"])
    assert vader._word_facts("don't", rules) == (4, 0.0, 0.0, 0)
    assert vader._word_facts(":)", rules) == (1, 2.0, 0.0, 0)
    # all at once (Arrow for ASCII words, Python for the others): the same facts, word for word;
    # "ÉNORME" is upper case beyond ASCII (8), "İyi" lowercases to three characters in Python
    words = ["GREAT!", "very", "don't", ":)", "Ok", "no", "NEVER", "'", "", "ÉNORME", "İyi", "café", "hates",
             "kind", "--", "A", "cannot"]
    flags, lex, boost, ids = vader._facts_of(np.array(words, dtype=object), rules)
    assert [(int(f), float(v), float(b), int(i)) for f, v, b, i in zip(flags, lex, boost, ids)] == \
        [vader._word_facts(w, rules) for w in words]
    assert flags[:4].tolist() == [9, 2, 4, 1] and int(flags[words.index("ÉNORME")]) == 8
    texts = ["The talks were a great success.", "No deal."]
    assert vader_polarity(texts).tolist() == [[0.8316, 0.661, 0.339, 0.0], [-0.296, 0.0, 0.312, 0.688]]
