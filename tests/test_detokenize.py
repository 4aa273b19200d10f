"""Tests of toolkit.detokenize: Penn Treebank detection and exact restoration."""

import pandas as pd
import pytest

from toolkit.detokenize import detect_pretokenized, detokenize, is_pretokenized, restore_text

# (tokenised, original): each pair written by hand; the tokenised side is what the Stanford /
# Penn Treebank tokeniser makes of the original (as in Timeline17).
RESTORED = [
    # quotes, clitic, comma inside the closing quote, brackets, final stop
    ("`` We do n't want war , '' he said -LRB- Reuters -RRB- .",
     '"We don\'t want war," he said (Reuters).'),
    # possessive, currency before a digit, pound sign written as #, percent
    ("Assad 's army spent $ 350m -LRB- # 190m -RRB- , or 5 % of the budget .",
     "Assad's army spent $350m (#190m), or 5% of the budget."),
    # won't / can't split as wo n't / ca n't; semicolon; question mark
    ("They wo n't go ; they ca n't ?", "They won't go; they can't?"),
    # cannot split as can not, but "can not only" is left alone
    ("We can not accept it .", "We cannot accept it."),
    ("It can not only fly .", "It can not only fly."),
    # plural possessive / closing single quote, opening single quote, square and curly brackets
    ("The protesters ' demands -LSB- sic -RSB- were ` clear ' -LCB- 2 -RCB- .",
     "The protesters' demands [sic] were 'clear' {2}."),
    # backslash-escaped slash and asterisk, colon
    ("REUTERS\\/Bundeswehr \\* Glencore : shares fell .", "REUTERS/Bundeswehr * Glencore: shares fell."),
    # the extra full stop after a sentence-final abbreviation
    ("Ties with the U.S. .", "Ties with the U.S."),
    # nested quotes at the end of a quotation: ` ... . ' ''
    ("`` He said , ` Shoot them . ' '' \nThey fled .", "\"He said, 'Shoot them.'\"\nThey fled."),
    # upper-case clitics, other clitics
    ("EDITOR 'S NOTE : I 'm sure you 've seen it ; we 'll see , they 'd say .",
     "EDITOR'S NOTE: I'm sure you've seen it; we'll see, they'd say."),
    # apostrophe tokens that are not clitics stay: '90s, 'em, rock 'n' roll; ellipsis and dash stay
    ("In the '90s , rock 'n' roll ... find 'em -- now !", "In the '90s, rock 'n' roll ... find 'em -- now!"),
    # US$ before a number; gon na
    ("It costs US$ 5 and I 'm gon na pay .", "It costs US$5 and I'm gonna pay."),
    # one sentence a line with a space before each line break (the Timeline17 layout)
    ("First line . \nSecond line , too . \n", "First line.\nSecond line, too.\n"),
]


@pytest.mark.parametrize("tokenised, original", RESTORED)
def test_detokenize_restores_exactly(tokenised, original):
    assert detokenize(tokenised) == original


ORDINARY = [
    'Turkey\'s president said: "We won\'t leave (for now)." It cost $5, or 5%.',
    "O'Brien's band played rock 'n' roll in the '90s -- loudly... Really?",
    "He said 'hello' and left; the U.S. envoy stayed.",
    "The band 's name was misspelt once, but everything else, here, is normal.",
    "``Typewriter quotes,'' she wrote, ``are still ordinary text.''",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_detected(text):
    assert not is_pretokenized(text)


def test_restore_text_leaves_ordinary_documents_byte_for_byte():
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(ORDINARY))], "text": ORDINARY, "outlet": "X"})
    out = restore_text(docs)
    assert out["text"].tolist() == ORDINARY
    assert out["detokenized"].tolist() == [False] * len(ORDINARY)
    assert list(out.columns) == ["doc_id", "text", "outlet", "detokenized"]


def test_restore_text_restores_only_tokenised_documents_and_does_not_mutate():
    docs = pd.DataFrame({
        "doc_id": ["tok", "plain"],
        "text": ["Syria 's army , he said , moved .", "Syria's army, he said, moved."],
    })
    before = docs.copy()
    out = restore_text(docs)
    assert out["text"].tolist() == ["Syria's army, he said, moved.", "Syria's army, he said, moved."]
    assert out["detokenized"].tolist() == [True, False]
    pd.testing.assert_frame_equal(docs, before)


def test_restore_text_when_never_and_always():
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["Fine , thanks ."]})
    never = restore_text(docs, when="never")
    assert never["text"].tolist() == ["Fine , thanks ."] and never["detokenized"].tolist() == [False]
    # "always" restores even without enough signals: one spaced comma only
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["Fine , thanks"]})
    assert restore_text(docs)["detokenized"].tolist() == [False]        # 1 signal < min_signals 2
    assert restore_text(docs, when="always")["text"].tolist() == ["Fine, thanks"]
    with pytest.raises(ValueError):
        restore_text(docs, when="sometimes")


def test_restore_text_is_per_document():
    # The same document restores the same way alone or in a batch (the pipeline runs batches).
    texts = ["Assad 's men , he said .", "Plain text, here.", "`` Yes , '' she said ."]
    docs = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": texts})
    together = restore_text(docs)["text"].tolist()
    alone = [restore_text(docs.iloc[[i]])["text"].iloc[0] for i in range(3)]
    assert together == alone == ["Assad's men, he said.", "Plain text, here.", '"Yes," she said.']


def test_detect_pretokenized_counts():
    docs = pd.DataFrame({"doc_id": ["ptb", "plain", "mixed"], "text": [
        "-LRB- Reuters -RRB- `` Assad 's men do n't stop , '' he said .",
        "Assad's men don't stop, he said.",
        "Assad 's men don't stop, he said, and left.",
    ]})
    table = detect_pretokenized(docs)
    # ptb: markers -LRB- -RRB- `` and " ''" = 4; spaced " ,", " .", " n't", " 's" = 4; attached 0
    # plain: markers 0; spaced 0; attached "," + "n't" + "'s" = 3
    # mixed: spaced " 's" = 1; attached 2 commas + "n't" = 3 -> not pre-tokenised
    assert table.values.tolist() == [
        ["ptb", 4, 4, 0, True],
        ["plain", 0, 0, 3, False],
        ["mixed", 0, 1, 3, False],
    ]


def test_empty_documents_table():
    docs = pd.DataFrame({"doc_id": pd.Series(dtype=str), "text": pd.Series(dtype=str)})
    out = restore_text(docs)
    assert len(out) == 0 and "detokenized" in out.columns


def test_detection_needs_the_markers_only_when_spaced_signals_are_too_few():
    # "-LRB- x -RRB-": 2 markers, nothing spaced or attached: 0 >= 0 and 2 + 0 >= 2
    assert is_pretokenized("-LRB- x -RRB-")
    assert not is_pretokenized("-LRB- x -RRB-", min_signals=3)
    # " , ," : 2 spaced commas, 0 attached: decided without markers
    assert is_pretokenized("a , b , c")
    # "a , b, c, d": 1 spaced < 2 attached: not tokenised, however many markers
    assert not is_pretokenized("`` a , b, c, d -LRB- -RRB-")


def test_line_ends_and_split_words_in_any_case():
    # spaces and tabs before each line break and at the end go, in any mix
    assert detokenize("a . \t \nb ,\t\nc  ") == "a.\nb,\nc"
    # split words join whatever their case; "can not only" stays
    assert detokenize("We CAN NOT go . You Gon Na see") == "We CANNOT go. You Gon Na see"
    assert detokenize("We can not only wait") == "We can not only wait"
    # currency only where "$ " or "# " is followed by a digit
    assert detokenize("US$ 5 and # 1 but $ x") == "US$5 and #1 but $ x"
