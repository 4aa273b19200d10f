"""Tests of toolkit.hygiene: the summary of what corpus hygiene found and changed."""

import numpy as np
import pandas as pd

from toolkit.hygiene import summarize_hygiene

FOOTER = "This discussion is now closed."  # 5 words


def _docs():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "detokenized": [True, True, False, False],
        "text": [
            "Rebels took Brega.\n" + FOOTER,          # 3 + 5 = 8 words
            "Rebels took Brega again.\n" + FOOTER,    # 4 + 5 = 9 words
            "Oil prices rose.\n" + FOOTER,            # 3 + 5 = 8 words
            "Talks failed.",                          # 2 words
        ],
    })


def test_summary_of_all_three_steps():
    dups = pd.DataFrame({"cluster": [0, 0], "doc_id": ["a", "b"], "similarity": [1.0, 0.9], "first": [True, False]})
    table = summarize_hygiene(_docs(), boilerplate=[FOOTER], duplicates=dups)
    values = {(row.step, row.measure): (row.value, row.share) for row in table.itertuples()}
    assert values[("corpus", "documents")][0] == 4
    assert values[("corpus", "words")][0] == 27                                 # 8 + 9 + 8 + 2
    assert values[("detokenize", "documents restored")] == (2, 0.5)             # 2 of 4
    assert values[("boilerplate", "boilerplate paragraphs")][0] == 1
    assert values[("boilerplate", "documents with boilerplate")] == (3, 0.75)   # a, b, c
    assert values[("boilerplate", "words removed")] == (15, 15 / 27)            # 3 footers x 5
    assert values[("duplicates", "clusters")][0] == 1
    assert values[("duplicates", "documents in clusters")] == (2, 0.5)
    assert values[("duplicates", "documents merged (keep first)")] == (1, 0.25)  # b dropped
    assert values[("duplicates", "words in merged documents")] == (9, 9 / 27)
    assert list(table.columns) == ["step", "measure", "value", "share"]
    assert table["value"].dtype == "int64"


def test_steps_not_run_are_left_out():
    docs = _docs().drop(columns="detokenized")
    table = summarize_hygiene(docs)
    assert table["step"].tolist() == ["corpus", "corpus"]
    dups = pd.DataFrame({"cluster": [0, 0], "doc_id": ["a", "b"], "similarity": [1.0, 0.9], "first": [True, False]})
    table = summarize_hygiene(docs, duplicates=dups, keep=None)
    assert table["measure"].tolist() == ["documents", "words", "clusters", "documents in clusters"]


def test_keep_longest_merges_the_shorter():
    dups = pd.DataFrame({"cluster": [0, 0], "doc_id": ["a", "b"], "similarity": [1.0, 0.9], "first": [True, False]})
    table = summarize_hygiene(_docs(), duplicates=dups, keep="longest")
    row = table[table["measure"] == "words in merged documents"].iloc[0]
    assert row["value"] == 8                      # b is longer, so a (8 words) is merged


def test_empty_corpus():
    docs = pd.DataFrame({"doc_id": pd.Series(dtype=str), "text": pd.Series(dtype=str)})
    table = summarize_hygiene(docs, boilerplate=[FOOTER])
    assert table["value"].tolist() == [0, 0, 1, 0, 0]
    assert np.isnan(table["share"]).all()


def test_boilerplate_and_words_counted_as_locate_boilerplate_and_count_words_do():
    # the fast path (Arrow's string kernels) against the reference functions, on awkward whitespace:
    # blank lines with tabs, CRLF, no-break and thin spaces, a footer written with other spacing
    from toolkit.boilerplate import count_words, locate_boilerplate
    from toolkit.hygiene import _boilerplate_paragraphs, _count_letters

    texts = ["Rebels took Brega.\n \t\nThis  discussion\u00a0is now closed.\n\nMore.",
             "One line.\r\nThis discussion is now\u2009closed.\r\n",
             "\n\n   This discussion is now closed.   \n",
             "Café owners said ½ of 2 ² streets é Ⅻ, naïve_words x1y.",
             "", "This discussion is now closed. Not a paragraph of its own."]
    docs = pd.DataFrame({"doc_id": list("abcdef"), "text": texts})
    assert _count_letters(texts).tolist() == count_words(texts).tolist()
    rows, found = _boilerplate_paragraphs(texts, frozenset([FOOTER]))
    expected = locate_boilerplate(docs, [FOOTER])
    assert sorted(zip(docs["doc_id"].to_numpy()[rows], found)) == sorted(zip(expected["doc_id"], expected["text"]))
    assert sorted(docs["doc_id"].to_numpy()[rows]) == ["a", "b", "c"]  # f: the footer is not a paragraph there
