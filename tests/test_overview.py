"""Corpus overview tables, checked by hand on a tiny corpus."""

import pandas as pd

from toolkit import count_documents, describe_corpus, find_source_column, measure_documents, summarize_by


DOCS = pd.DataFrame({
    "doc_id": ["a", "b", "c"],
    "date": pd.to_datetime(["2020-01-05", "2020-01-20", "2020-03-01"]),
    "text": ["x", "y", "z"],
    "outlet": ["BBC", "CNN", None],
})
# a: 3 words + 1 punct in 2 sentences; b: 2 words; c: none at all
TOKENS = pd.DataFrame({"doc_id": ["a"] * 4 + ["b"] * 2,
                       "is_punct": [False, False, False, True, False, False]})
SENTENCES = pd.DataFrame({"doc_id": ["a", "a", "b"]})


def test_measure_documents_keeps_every_document():
    lengths = measure_documents(DOCS, TOKENS, SENTENCES)
    assert lengths[["doc_id", "words", "tokens", "sentences"]].values.tolist() == [
        ["a", 3, 4, 2], ["b", 2, 2, 1], ["c", 0, 0, 0]]
    assert "text" not in lengths


def test_count_documents_by_month_and_source():
    lengths = measure_documents(DOCS, TOKENS)
    by_month = count_documents(lengths, period="M")
    # January: a and b (3 + 2 words); March: c (0 words); February has no articles and no row
    assert by_month["period"].dt.strftime("%Y-%m").tolist() == ["2020-01", "2020-03"]
    assert by_month[["articles", "words"]].values.tolist() == [[2, 5], [1, 0]]
    by_source = count_documents(lengths, period="Y", by="outlet")
    assert by_source[["outlet", "articles", "words"]].values.tolist() == [
        ["(unknown)", 1, 0], ["BBC", 1, 3], ["CNN", 1, 2]]


def test_describe_and_summarize():
    lengths = measure_documents(DOCS, TOKENS, SENTENCES)
    summary = describe_corpus(lengths, source_column="outlet").set_index("measure")["value"]
    assert summary["articles"] == "3"
    assert summary["words"] == "5"
    assert summary["first date"] == "2020-01-05" and summary["last date"] == "2020-03-01"
    assert summary["months covered"] == "2"
    assert summary["sentences"] == "3"
    assert summary["sources"] == "2"
    table = summarize_by(lengths, "outlet")
    assert table[["outlet", "articles", "words"]].values.tolist() == [
        ["(unknown)", 1, 0], ["BBC", 1, 3], ["CNN", 1, 2]]


def test_find_source_column():
    assert find_source_column(DOCS) == "outlet"
    assert find_source_column(DOCS.assign(source=["x", None, None])) == "source"
    assert find_source_column(DOCS.drop(columns="outlet")) is None
