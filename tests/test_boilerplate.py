"""Tests of toolkit.boilerplate: recurring paragraphs, found and located."""

import pandas as pd
import pytest

from toolkit.boilerplate import boilerplate_texts, count_words, find_boilerplate, locate_boilerplate
from toolkit.text import split_sentences

FOOTER = "Views expressed in the comments do not represent those of Reuters."


@pytest.fixture
def docs():
    # Four one-line-per-paragraph articles. The footer is in r1, r2, r3 (r3 with extra spaces and
    # twice); "Are you in Syria?" is in b1 and r3; the rest is unique.
    return pd.DataFrame({
        "doc_id": ["r1", "r2", "r3", "b1"],
        "outlet": ["Reuters", "Reuters", "Reuters", "BBC"],
        "text": [
            "Rebels took Brega on Monday.\n" + FOOTER,
            "Oil prices rose.\nTraders were nervous.\n" + FOOTER,
            "Views  expressed in the comments do not\trepresent those of Reuters.\nAre you in Syria?\n" + FOOTER,
            "Are you in Syria?\nSend us your pictures.",
        ],
    })


def test_footer_shared_by_several_articles(docs):
    table = find_boilerplate(docs, min_docs=3)
    # footer: r1, r2, r3 = 3 documents (counted once in r3 although it occurs twice there);
    # words: Views expressed in the comments do not represent those of Reuters = 11
    assert table.values.tolist() == [[FOOTER, 3, 11, "r1"]]
    assert list(table.columns) == ["text", "n_docs", "n_words", "example"]


def test_threshold_is_settable(docs):
    table = find_boilerplate(docs, min_docs=2)
    # footer in 3 documents, "Are you in Syria?" in 2 (r3, b1): both reach 2
    assert table[["text", "n_docs"]].values.tolist() == [[FOOTER, 3], ["Are you in Syria?", 2]]
    assert len(find_boilerplate(docs, min_docs=4)) == 0
    # min_share: footer 3/4 = 0.75 of the documents, the question 2/4 = 0.5
    assert find_boilerplate(docs, min_docs=2, min_share=0.6)["text"].tolist() == [FOOTER]


def test_by_source(docs):
    table = find_boilerplate(docs, min_docs=2, by="outlet")
    # within Reuters (3 articles) the footer is in 3; "Are you in Syria?" is in 1 Reuters and
    # 1 BBC article, so in no group twice
    assert table.values.tolist() == [[FOOTER, 3, 11, "r1", "Reuters"]]
    # share within the group: BBC has 1 article, so with min_docs=1 and min_share=1 every BBC
    # paragraph qualifies (1/1), and only the footer among Reuters paragraphs (3/3)
    table = find_boilerplate(docs, min_docs=1, min_share=1.0, by="outlet")
    assert sorted(map(tuple, table[["outlet", "text"]].values.tolist())) == [
        ("BBC", "Are you in Syria?"), ("BBC", "Send us your pictures."), ("Reuters", FOOTER)]


def test_locate_gives_offsets_into_the_text(docs):
    found = locate_boilerplate(docs, find_boilerplate(docs, min_docs=3))
    assert found["doc_id"].tolist() == ["r1", "r2", "r3", "r3"]
    # r1: "Rebels took Brega on Monday." is 28 characters, then the newline: the footer starts at 29
    assert found[["paragraph_id", "start"]].values.tolist()[0] == [1, 29]
    for row in found.itertuples():
        text = docs.set_index("doc_id").loc[row.doc_id, "text"]
        assert text[row.start:row.end] == row.text


def test_split_sentences_skips_the_boilerplate_and_keeps_offsets(docs):
    table = find_boilerplate(docs, min_docs=3)
    sentences = split_sentences(docs, boilerplate=boilerplate_texts(table))
    assert "Reuters" not in " ".join(sentences["text"])
    r2 = sentences[sentences["doc_id"] == "r2"]
    assert r2["text"].tolist() == ["Oil prices rose.", "Traders were nervous."]
    # documents.text is unchanged, so offsets still index into it
    assert docs.loc[1, "text"][r2["start"].iloc[1]:r2["end"].iloc[1]] == "Traders were nervous."


def test_boilerplate_texts_normalises_whitespace():
    assert boilerplate_texts(["  a\tb  c ", "d"]) == frozenset({"a b c", "d"})
    assert boilerplate_texts(None) == frozenset()
    assert boilerplate_texts(pd.DataFrame({"text": ["x  y"]})) == frozenset({"x y"})


def test_count_words():
    # "It's 5 o'clock, U.S. time" -> It, s, o, clock, U, S, time = 7 letter runs
    assert count_words(["It's 5 o'clock, U.S. time", ""]).tolist() == [7, 0]


def test_small_and_empty_corpora():
    one = pd.DataFrame({"doc_id": ["a"], "text": ["Only one article."]})
    assert len(find_boilerplate(one)) == 0
    empty = pd.DataFrame({"doc_id": pd.Series(dtype=str), "text": pd.Series(dtype=str)})
    assert list(find_boilerplate(empty).columns) == ["text", "n_docs", "n_words", "example"]
    assert len(locate_boilerplate(empty, ["x"])) == 0


def test_unknown_group_column(docs):
    with pytest.raises(KeyError):
        find_boilerplate(docs, by="source")


def test_hash_paragraph_sets_equal_the_hashes_of_each_text():
    import numpy as np

    from toolkit.boilerplate import hash_paragraph_sets, hash_paragraphs

    texts = ["Reply  now.\nOil rose.\nReply now.", "", " \n ", "Oil\u00a0rose.\n\nA\tb\n c"]
    got = hash_paragraph_sets(texts)
    # text 0: "Reply  now." and "Reply now." are one paragraph once normalised: 2 distinct;
    # texts 1 and 2 have no paragraph; text 3 has blank-line blocks "Oil rose." and "A b c"
    expected = [hash_paragraphs(["Reply now.", "Oil rose."]), [], [], hash_paragraphs(["Oil rose.", "A b c"])]
    assert [sorted(g.tolist()) for g in got] == [sorted(int(h) for h in e) for e in expected]
    assert all(g.dtype == np.uint64 for g in got)
    assert got[0][0] < got[0][1] and got[3][0] < got[3][1]  # sorted, as np.unique gives them
