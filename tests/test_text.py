"""Paragraphs, sentences and tokens of short texts written for the test (splits checked by hand)."""

import pandas as pd
import pytest

from toolkit import TextSettings, load_stopwords, split_paragraphs, split_sentences, tokenize


def sentences_of(text):
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    return split_sentences(docs)["text"].tolist()


@pytest.mark.parametrize("text, expected", [
    # titles and ranks never end a sentence
    ("Mr. Smith met Gen. Lee in Cairo. They talked.", ["Mr. Smith met Gen. Lee in Cairo.", "They talked."]),
    ("Lt. Col. Ahmed Ali spoke. Dr. Mona Zaki agreed.", ["Lt. Col. Ahmed Ali spoke.", "Dr. Mona Zaki agreed."]),
    # dotted abbreviations inside a sentence, and at its end before an opener
    ("The U.S. and U.N. envoys met. The talks failed.", ["The U.S. and U.N. envoys met.", "The talks failed."]),
    ("Troops left for the U.S. The next day, calm returned.",
     ["Troops left for the U.S.", "The next day, calm returned."]),
    ("He met U.S. Secretary Clinton.", ["He met U.S. Secretary Clinton."]),
    # months and numbers
    ("The vote is on Jan. 25. It was delayed.", ["The vote is on Jan. 25.", "It was delayed."]),
    ("Resolution No. 1973 passed. It allows strikes.", ["Resolution No. 1973 passed.", "It allows strikes."]),
    ("It rose 3.5 percent. Prices fell.", ["It rose 3.5 percent.", "Prices fell."]),
    # initials
    ("George W. Bush spoke. J. K. Rowling wrote.", ["George W. Bush spoke.", "J. K. Rowling wrote."]),
    # quotes: the closing quote stays with its sentence; a quote ending mid-sentence does not split
    ('He said: "We will fight." The army advanced.', ['He said: "We will fight."', "The army advanced."]),
    ('"Leave now!" he shouted. Nobody moved.', ['"Leave now!" he shouted.', "Nobody moved."]),
    ("Is it over? Nobody knows! Wait...", ["Is it over?", "Nobody knows!", "Wait..."]),
    ("“We are ready.” Officials agreed.", ["“We are ready.”", "Officials agreed."]),
    # datelines
    ("CAIRO, Egypt (CNN) -- Protesters gathered. Police watched.",
     ["CAIRO, Egypt (CNN) -- Protesters gathered.", "Police watched."]),
    ("BEIRUT, Feb. 5 (Reuters) - Syrian forces shelled Homs.", ["BEIRUT, Feb. 5 (Reuters) - Syrian forces shelled Homs."]),
    # lower case after a period does not start a sentence
    ("It was 5 p.m. on Monday.", ["It was 5 p.m. on Monday."]),
])
def test_sentence_splits(text, expected):
    assert sentences_of(text) == expected


def test_captions_and_paragraphs_are_their_own_sentences():
    text = ("Turkey sent troops.\n\nAn aerial view of Taftanaz, on February 13, 2020. Omar HAJ KADOUR / AFP"
            "\n\nPHOTO: Smoke rises over Idlib")
    assert sentences_of(text) == ["Turkey sent troops.", "An aerial view of Taftanaz, on February 13, 2020.",
                                  "Omar HAJ KADOUR / AFP", "PHOTO: Smoke rises over Idlib"]


def test_sentences_never_cross_paragraphs():
    assert sentences_of("A headline without a period\n\nThe story begins.") == [
        "A headline without a period", "The story begins."]


def test_hard_wrapped_lines_inside_a_paragraph_are_joined():
    text = "The army moved\ninto the city. It\nstayed.\n\nNew paragraph."
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    sentences = split_sentences(docs)
    assert sentences["text"].tolist() == ["The army moved\ninto the city.", "It\nstayed.", "New paragraph."]
    assert sentences["paragraph_id"].tolist() == [0, 0, 1]


def test_without_blank_lines_each_line_is_a_paragraph():
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["First line\nSecond line ."]})
    sentences = split_sentences(docs)
    assert sentences["text"].tolist() == ["First line", "Second line ."]
    assert sentences["paragraph_id"].tolist() == [0, 1]


def test_sentence_table_offsets_and_ids():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["One. Two.\n\nThree.", "  Four."]})
    s = split_sentences(docs)
    assert list(s.columns) == ["doc_id", "sent_id", "paragraph_id", "start", "end", "text"]
    #   "One. Two.\n\nThree.": One. = 0..4, Two. = 5..9, Three. = 11..17
    assert s[["doc_id", "sent_id", "paragraph_id", "start", "end"]].values.tolist() == [
        ["a", 0, 0, 0, 4], ["a", 1, 0, 5, 9], ["a", 2, 1, 11, 17], ["b", 0, 0, 2, 7]]
    for row in s.itertuples():
        assert docs.set_index("doc_id").loc[row.doc_id, "text"][row.start:row.end] == row.text


def test_boilerplate_paragraphs_are_left_out_and_ids_do_not_shift():
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["Story.\nThis discussion is now  closed .\nMore story."]})
    s = split_sentences(docs, boilerplate={"This discussion is now closed ."})
    assert s["text"].tolist() == ["Story.", "More story."]
    assert s["paragraph_id"].tolist() == [0, 2]


def test_paragraphs():
    docs = pd.DataFrame({"doc_id": ["a"], "text": ["One.\n\n\n  Two.\n \nThree."]})
    p = split_paragraphs(docs)
    assert p[["paragraph_id", "start", "end", "text"]].values.tolist() == [
        [0, 0, 4, "One."], [1, 9, 13, "Two."], [2, 16, 22, "Three."]]


def tokens_of(text, **settings):
    docs = pd.DataFrame({"doc_id": ["d"], "text": [text]})
    return tokenize(split_sentences(docs), settings=TextSettings(**settings))


def test_tokens_and_offsets():
    text = "Turkey's Turkish-backed forces, U.S.-made arms: 1,000 troops don't stay."
    t = tokens_of(text)
    assert t["token"].tolist() == ["Turkey", "'s", "Turkish-backed", "forces", ",", "U.S.", "-", "made", "arms",
                                   ":", "1,000", "troops", "don't", "stay", "."]
    assert t["position"].tolist() == list(range(15))
    for row in t.itertuples():
        assert text[row.start:row.end] == row.token
    assert t.loc[0, ["start", "end"]].tolist() == [0, 6]
    assert t.loc[1, ["start", "end"]].tolist() == [6, 8]


def test_number_compounds_are_one_token():
    assert tokens_of("A 48-hour truce, 2-1 vote and 3.5 percent in 2011-02.")["token"].tolist() == [
        "A", "48-hour", "truce", ",", "2", "-", "1", "vote", "and", "3.5", "percent", "in", "2011", "-", "02", "."]


def test_curly_possessive_and_tokenised_possessive():
    assert tokens_of("Ankara’s move, Assad 's men")["token"].tolist() == [
        "Ankara", "’s", "move", ",", "Assad", "'s", "men"]


def test_norm_stop_and_punct_flags():
    t = tokens_of("The Army moved .")
    assert t["norm"].tolist() == ["the", "army", "moved", "."]
    assert t["is_stop"].tolist() == [True, False, False, False]
    assert t["is_punct"].tolist() == [False, False, False, True]


def test_lemmas_when_asked():
    t = tokens_of("Soldiers were killed.", lemmatize=True)
    assert t["norm"].tolist() == ["soldier", "be", "kill", "."]


def test_no_stop_list():
    assert not tokens_of("The army.", stopwords=None)["is_stop"].any()


def test_own_stop_list(tmp_path):
    path = tmp_path / "stop.txt"
    path.write_text("# mine\narmy\n")
    assert tokens_of("The army.", stopwords=str(path))["is_stop"].tolist() == [False, True, False]


def test_positions_run_across_sentences_of_a_document():
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["One two. Three.", "Four."]})
    t = tokenize(split_sentences(docs))
    assert t[["doc_id", "sent_id", "position", "token"]].values.tolist() == [
        ["a", 0, 0, "One"], ["a", 0, 1, "two"], ["a", 0, 2, "."], ["a", 1, 3, "Three"], ["a", 1, 4, "."],
        ["b", 0, 0, "Four"], ["b", 0, 1, "."]]


def test_positions_count_per_document_when_its_sentences_are_not_together():
    sentences = pd.DataFrame({"doc_id": ["a", "b", "a"], "sent_id": [0, 0, 1], "start": [0, 0, 5],
                              "text": ["One.", "Two three.", "Four."]})
    assert tokenize(sentences)[["doc_id", "position", "token"]].values.tolist() == [
        ["a", 0, "One"], ["a", 1, "."], ["b", 0, "Two"], ["b", 1, "three"], ["b", 2, "."],
        ["a", 2, "Four"], ["a", 3, "."]]


def test_the_cache_form_of_the_tokens_holds_each_distinct_string_once():
    import pyarrow as pa

    from toolkit.text import _token_table

    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["The war. The war!", "War."]})
    table = _token_table(split_sentences(docs))
    assert table.column("doc_id").chunk(0).dictionary.to_pylist() == ["a", "b"]
    assert table.column("token").chunk(0).dictionary.to_pylist() == ["The", "war", ".", "!", "War"]
    assert table.column("norm").chunk(0).dictionary.to_pylist() == ["the", "war", ".", "!"]
    assert table.column("norm").chunk(0).indices.to_pylist() == [0, 1, 2, 0, 1, 3, 1, 2]
    assert pa.types.is_large_string(table.schema.field("token").type.value_type)
    frame = tokenize(split_sentences(docs))   # the same rows, each string its own value
    assert frame["norm"].tolist() == ["the", "war", ".", "the", "war", "!", "war", "."]
    assert str(frame["token"].dtype) == "str" and frame.columns.tolist() == table.column_names


def test_empty_input_gives_empty_tables_with_columns():
    docs = pd.DataFrame({"doc_id": pd.Series([], dtype=str), "text": pd.Series([], dtype=str)})
    s = split_sentences(docs)
    t = tokenize(s)
    assert s.empty and list(s.columns) == ["doc_id", "sent_id", "paragraph_id", "start", "end", "text"]
    assert t.empty and list(t.columns) == ["doc_id", "sent_id", "position", "token", "norm", "is_stop",
                                           "is_punct", "start", "end"]


def test_settings_fingerprint_changes_with_settings():
    assert TextSettings().fingerprint() == TextSettings().fingerprint()
    assert TextSettings().fingerprint() != TextSettings(lemmatize=True).fingerprint()
    assert "the" in load_stopwords("english") and "army" not in load_stopwords("english")


# -- the batch machinery behind split_sentences and tokenize (checked by hand)

def test_lines_as_paragraphs_are_trimmed_and_blank_lines_skipped():
    from toolkit.text import _paragraph_spans

    # "\n \t\n" (7-11) is a blank line: "One." 2-6 before it, "Two." 11-15 after it
    assert _paragraph_spans("  One. \n \t\nTwo.") == [(2, 6), (11, 15)]
    # no blank line: each line, from its first to its last non-space (\r, \x0b are whitespace):
    # " a b \r" is 0-6 -> "a b" 1-4; "c\x0b" 7-9 -> "c" 7-8; "d " 10-12 -> "d" 10-11
    assert _paragraph_spans(" a b \r\nc\x0b\nd ") == [(1, 4), (7, 8), (10, 11)]
    # "\n   \n" (9-14) is a blank line: "a b \r\nc" 1-8 before it, "d" 14-15 after it
    assert _paragraph_spans(" a b \r\nc\x0b\n   \nd") == [(1, 8), (14, 15)]
    assert _paragraph_spans("") == []


def test_normalized_lengths_count_each_whitespace_run_once():
    import numpy as np

    from toolkit.text import _normalized_lengths

    text = "a  b\tc\u3000\u3000d|xy"
    # text[0:9] "a  b\tc\u3000\u3000d" -> "a b c d": 4 letters + 3 runs = 7; "xy" -> 2; "b" -> 1
    got = _normalized_lengths(text, np.array([0, 10, 3]), np.array([9, 12, 4]))
    assert got.tolist() == [7, 2, 1]


def test_previous_word_after_the_last_opening_quote():
    from toolkit.text import _previous_word

    text = 'He met ("Gen. Lee'
    assert _previous_word(text, 0, 12) == "Gen"        # '("Gen' -> after the '"'
    assert _previous_word(text, 0, 7) == ""            # "He met " ends with a space
    assert _previous_word(text, 3, 6) == "met"         # text[3:6] is "met"
    assert _previous_word(text, 3, 5) == "me"          # text[3:5] is "me"
    assert _previous_word(text, 5, 5) == ""


def test_boundaries_found_over_many_documents_at_once():
    # a mark at a paragraph's end is not a boundary inside it; "..." and "…" and "?!" are marks
    docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Wait... Go.\n\nYes?! No… Fine.", "One. Two."]})
    got = split_sentences(docs)
    assert got["text"].tolist() == ["Wait...", "Go.", "Yes?!", "No…", "Fine.", "One.", "Two."]
    assert got["sent_id"].tolist() == [0, 1, 2, 3, 4, 0, 1]
    assert got["paragraph_id"].tolist() == [0, 0, 1, 1, 1, 0, 0]
    # offsets: "Wait..." 0-7, "Go." 8-11, "Yes?!" 13-18, "No…" 19-22, "Fine." 23-28; "Two." 5-9
    assert got["start"].tolist() == [0, 8, 13, 19, 23, 0, 5]
    assert got["end"].tolist() == [7, 11, 18, 22, 28, 4, 9]


def test_chunks_ascii_and_other_text_alike():
    from toolkit.text import _chunks

    for text, spaces in (("ab  c\nab", "ascii"), ("ab\u00a0 c\u3000ab é", "not ascii")):
        starts, ends, codes, distinct = _chunks(text)
        words = [text[a:b] for a, b in zip(starts, ends)]
        assert words == text.split(), spaces
        assert [distinct[c] for c in codes] == words
        assert distinct.tolist() == list(dict.fromkeys(words))  # first appearance order
    starts, ends, codes, distinct = _chunks("ab\u00a0 c\u3000ab é")
    # "ab" 0-2, "c" 4-5, "ab" 6-8, "é" 9-10; codes: ab=0, c=1, é=2
    assert starts.tolist() == [0, 4, 6, 9] and ends.tolist() == [2, 5, 8, 10]
    assert codes.tolist() == [0, 1, 0, 2]
