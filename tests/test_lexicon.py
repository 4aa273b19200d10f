"""Tests for toolkit.lexicon: reading lexicon files, matching (wildcards, phrases, negation)."""

import pickle

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import LexiconError, ToolkitError
from toolkit.lexicon import (
    example_lexicon_path,
    hash_lexicon,
    make_lexicon,
    match_lexicon,
    read_lexicon,
    tokenize_for_lexicon,
)


def sentences(*texts):
    return pd.DataFrame({"doc_id": "d", "sent_id": range(len(texts)), "text": list(texts)})


def matches(lexicon, *texts, **kw):
    return match_lexicon(tokenize_for_lexicon(sentences(*texts)), lexicon, **kw)


@pytest.fixture(scope="module")
def example():
    return read_lexicon(example_lexicon_path())


# -- reading ------------------------------------------------------------------------------------


def test_example_lexicon_reads(example):
    # 15 entries in the file (comment lines and the header are skipped)
    assert len(example) == 15
    assert list(example.columns) == ["pattern", "category", "polarity", "line"]
    row = example[example.pattern == "abandon*"].iloc[0]
    assert (row.polarity, row.category, row.line) == (-1.0, "", 10)  # line 10: 2 comment lines, the header, 6 entries before it
    army = example[example.pattern == "army"].iloc[0]
    assert np.isnan(army.polarity) and army.category == "military"  # category only
    assert example[example.pattern == "threat*"].iloc[0].category == "fear"


def test_read_tsv_with_aliases_and_comments(tmp_path):
    p = tmp_path / "afinn.tsv"
    p.write_text("# AFINN-style weights\nword\tvalue\nAbandon\t-2\n\nbreathtaking\t5\n", encoding="utf-8")
    lex = read_lexicon(p)
    assert lex.pattern.tolist() == ["abandon", "breathtaking"]  # lowercased
    assert lex.polarity.tolist() == [-2.0, 5.0]
    assert lex.line.tolist() == [3, 5]


def test_read_yaml_lsd_layout(tmp_path):
    p = tmp_path / "lsd.yml"
    p.write_text("positive:\n  - good*\nnegative:\n  - bad\nneg_positive:\n  - not good*\n"
                 "neg_negative:\n  - not bad\nemotion:\n  fear:\n    - afraid\n", encoding="utf-8")
    lex = read_lexicon(p).set_index("pattern")
    # the four LSD categories carry their polarity: neg_positive counts -1, neg_negative +1
    assert lex.loc["good*", "polarity"] == 1.0 and lex.loc["bad", "polarity"] == -1.0
    assert lex.loc["not good*", "polarity"] == -1.0 and lex.loc["not bad", "polarity"] == 1.0
    assert lex.loc["afraid", "category"] == "emotion.fear"  # nested keys flattened
    assert lex.loc["not bad", "line"] == 8


@pytest.mark.parametrize("content, problem, line", [
    ("word,category\n", "empty lexicon", None),
    ("term\ngood\n", "neither a 'polarity' nor a 'category'", 1),
    ("text,polarity\ngood,1\n", "no 'pattern' column", 1),
    ("pattern,polarity\ngood,1\nbad,minus one\n", "'minus one' is not a number", 3),
    ("pattern,polarity\ngood,1\n,1\n", "empty pattern", 3),
    ("pattern,polarity\ngood,1,extra\n", "expected 2 fields", 2),
    ("pattern,polarity,category\ngood,,\n", "neither a polarity nor a category", 2),
    ("pattern,polarity\n*,1\n", "matches every word", 2),
    ("pattern,polarity\ngood,1\nbad,-1\nGood,2\n", "different polarities on lines 2, 4", 4),
])
def test_reader_errors_name_file_and_line(tmp_path, content, problem, line):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        read_lexicon(p)
    assert isinstance(err.value, ToolkitError)
    assert problem in str(err.value)
    assert err.value.file == str(p)
    assert err.value.line == line


def test_reader_errors_missing_file_bad_encoding_bad_yaml(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file"):
        read_lexicon(tmp_path / "missing.csv")
    p = tmp_path / "latin.csv"
    p.write_bytes(b"pattern,polarity\ncaf\xe9,1\n")
    with pytest.raises(LexiconError, match="not UTF-8") as err:
        read_lexicon(p)
    assert err.value.line == 2
    y = tmp_path / "bad.yml"
    y.write_text("positive:\n  - good\n  - [nested, list]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="expected patterns") as err:
        read_lexicon(y)
    assert err.value.line == 3
    y.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="mapping of categories"):
        read_lexicon(y)


def test_exact_duplicates_dropped_and_hash_is_order_free():
    lex = make_lexicon(pd.DataFrame({"pattern": ["good", "good", "bad"], "polarity": [1, 1, -1]}))
    assert lex.pattern.tolist() == ["good", "bad"]
    assert hash_lexicon(lex) == hash_lexicon(lex.iloc[::-1])
    other = make_lexicon(pd.DataFrame({"pattern": ["good", "bad"], "polarity": [1, -2]}))
    assert hash_lexicon(lex) != hash_lexicon(other)


# -- matching -----------------------------------------------------------------------------------


def test_tokens_keep_clitics_hyphens_and_clause_punctuation():
    tok = tokenize_for_lexicon(sentences("They do n't support well-being, Mr. Smith's plan!"))
    assert tok.norm.tolist() == ["they", "do", "n't", "support", "well-being", ",", "mr", ".", "smith's", "plan", "!"]
    assert tok.position.tolist() == list(range(11))


def test_wildcards(example):
    m = matches(example, "They abandoned the abandonment plan.", "An offense, an offence, an offensive.")
    assert m[m.sent_id == 0].pattern.tolist() == ["abandon*", "abandon*"]  # abandon* -> abandoned, abandonment
    # offen?e: exactly one character between 'offen' and 'e': offense, offence; not offensive
    assert m[m.sent_id == 1].pattern.tolist() == ["offen?e", "offen?e"]
    assert m[m.sent_id == 1].position.tolist() == [1, 4]


def test_negation_flips_polarity(example):
    m = matches(example, "The plan is not good.", "It is good.", "We don't support it.", "Not good, but great.")
    rows = {(r.sent_id, r.pattern): (r.negated, r.value) for r in m.itertuples()}
    assert rows[(0, "good")] == (True, -1.0)  # 'not' one token before: +1 counts as -1
    assert rows[(1, "good")] == (False, 1.0)
    assert rows[(2, "support*")] == (True, -1.0)  # "don't" ends in n't
    # the comma ends the negation's scope: 'great' is not negated (+2); 'good' is (-1)
    assert rows[(3, "good")] == (True, -1.0) and rows[(3, "great*")] == (False, 2.0)


def test_negation_window():
    lex = make_lexicon(pd.DataFrame({"pattern": ["good"], "polarity": [1]}))
    text = "not at all very good"  # 'not' is 4 tokens before 'good'
    assert matches(lex, text).negated.tolist() == [False]  # default window 3
    assert matches(lex, text, negation_window=4).negated.tolist() == [True]
    assert matches(lex, "not good", negation_window=0).negated.tolist() == [False]


def test_phrase_longest_match_and_no_double_negation(example):
    m = matches(example, "It was not a good idea.")
    # 'not a good idea' (-1) contains 'good': the shorter match is dropped, and the phrase, which
    # carries its own 'not', is not negated again
    assert m[["pattern", "negated", "value"]].values.tolist() == [["not a good idea", False, -1.0]]
    assert m.position.tolist() == [2] and m.n_tokens.tolist() == [4]


def test_phrase_does_not_cross_sentences_or_punctuation():
    lex = make_lexicon(pd.DataFrame({"pattern": ["cease fire"], "polarity": [1]}))
    assert len(matches(lex, "They agreed to cease fire.")) == 1
    assert len(matches(lex, "They cease", "fire.")) == 0  # two sentences
    assert len(matches(lex, "They cease, fire.")) == 0


def test_most_specific_entry_counts_once():
    lex = make_lexicon(pd.DataFrame({"pattern": ["goo*", "good", "good"], "polarity": [-1, 1, np.nan],
                                     "category": ["", "", "virtue"]}))
    m = matches(lex, "good")
    # 'good' and 'goo*' both match the same token with the same (empty) category: 'good' (4 literal
    # characters) beats 'goo*' (3); the 'virtue' category entry counts separately
    assert sorted(m.pattern + "/" + m.category) == ["good/", "good/virtue"]


def test_match_with_document_positions_and_empty_result(example):
    tokens = pd.DataFrame({"doc_id": ["a"] * 4, "sent_id": [0, 0, 1, 1], "position": [0, 1, 2, 3],
                           "norm": ["not", "good", "great", "day"]})
    m = match_lexicon(tokens, example)
    assert m[["sent_id", "position", "value"]].values.tolist() == [[0, 1, -1.0], [1, 2, 2.0]]
    empty = matches(example, "Nothing to see here.")
    assert empty.empty and list(empty.columns) == ["doc_id", "sent_id", "position", "n_tokens", "pattern",
                                                   "category", "polarity", "negated", "value"]


def test_lexicon_is_picklable(example):
    assert pickle.loads(pickle.dumps(example)).equals(example)
