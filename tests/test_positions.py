"""Positions kept beside the annotation cache (toolkit.positions): an inverted index of the words."""

import pandas as pd
import pytest

import toolkit
from conftest import write_article
from toolkit.positions import find_occurrences, index_positions


@pytest.fixture()
def ann(tmp_path):
    folder = tmp_path / "corpus"
    # a: tokens War(0) ,(1) talks(2) failed(3) .(4) | Security(5) council(6) met(7) .(8)
    write_article(folder, "000_a.txt", "date 2011-01-05\nWar, talks failed. Security council met.\n")
    # b: tokens Security(0) ,(1) council(2) talks(3) .(4): "security council" only across a comma
    write_article(folder, "001_b.txt", "date 2011-02-01\nSecurity, council talks.\n")
    settings = toolkit.AnnotationSettings(batch_chars=10, duplicates_threshold=None, boilerplate_min_docs=None)
    return toolkit.annotate(folder, tmp_path / "cache", settings=settings, actors=None, scorers=[])


def test_index_positions_sorts_the_words_and_counts_them_without_punctuation():
    tokens = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 2, "sent_id": [0, 0, 0, 0, 0, 0, 0],
                           "position": [0, 1, 2, 3, 4, 0, 1], "norm": ["war", ",", "talks", "war", ".", "talks", "!"],
                           "is_punct": [False, True, False, False, True, False, True],
                           "start": [0, 3, 5, 11, 14, 0, 5], "end": [3, 4, 10, 14, 15, 5, 6]})
    index = index_positions(tokens)
    assert index[["term", "doc_id", "position", "word", "start"]].values.tolist() == [
        ["talks", "a", 2, 1, 5], ["talks", "b", 0, 0, 0], ["war", "a", 0, 0, 0], ["war", "a", 3, 2, 11]]


def test_find_occurrences_of_words_phrases_and_wildcards(ann):
    found = find_occurrences(ann, ["talks", "security council", "coun*"])
    assert found[["query", "doc_id", "position", "word", "last_position"]].values.tolist() == [
        [0, "000_a", 2, 1, 2], [0, "001_b", 3, 2, 3],
        [1, "000_a", 5, 3, 6], [1, "001_b", 0, 0, 2],     # in b only word by word (the comma skipped)
        [2, "000_a", 6, 4, 6], [2, "001_b", 2, 1, 2]]
    by_token = find_occurrences(ann, "security council", adjacent="position")
    assert by_token["doc_id"].tolist() == ["000_a"]       # next token: the comma breaks b's
    # offsets of the whole phrase: "Security council" at 19..35 of a's text
    assert by_token[["start", "end"]].values.tolist() == [[19, 35]]
    assert find_occurrences(ann, "Talks", ignore_case=False).empty     # norms are lower case
    assert len(find_occurrences(ann, "peace")) == 0
    # each tokens shard got its positions, one per shard (two articles, two shards)
    shards = set(ann.manifest["tables"]["tokens"]["shards"])
    assert {p.name for p in (ann.path / "positions.parquet").glob("part-*")} == shards


def test_functions_take_the_cache_for_the_tokens(ann):
    tokens, documents = ann.tokens, ann.documents
    terms = ["talks", "security council", "w*"]
    pd.testing.assert_frame_equal(toolkit.locate_terms(ann, terms, documents=documents),
                                  toolkit.locate_terms(tokens, terms, documents=documents))
    located = toolkit.locate_terms(ann, terms, documents=documents)
    # a has 6 words, b 3: talks is word 1 of a and word 6 (b's third) of the corpus
    assert located[["term", "corpus_index"]].values.tolist() == [
        ["talks", 1], ["talks", 8], ["security council", 3], ["security council", 6], ["w*", 0]]
    for query in ("talks", "security council", ["war", "met"]):
        for options in ({}, {"n": 1}, {"width": 1}, {"unit": "chars", "width": 4}):
            pd.testing.assert_frame_equal(toolkit.find_kwic(ann, ann, query, **options),
                                          toolkit.find_kwic(tokens, documents, query, **options))
    lines = toolkit.find_kwic(ann, ann, "talks", width=1)
    assert lines[["left", "match", "right"]].values.tolist() == [[",", "talks", "failed"], ["council", "talks", "."]]
    pd.testing.assert_frame_equal(toolkit.count_trends(ann, terms, documents=documents),
                                  toolkit.count_trends(tokens, terms, documents=documents))
    pd.testing.assert_frame_equal(toolkit.measure_dispersion(ann, terms, by="month", documents=documents),
                                  toolkit.measure_dispersion(tokens, terms, by="month", documents=documents))
    with pytest.raises(ValueError, match="norm form"):
        toolkit.locate_terms(ann, "talks", form="token")


def test_a_word_read_once_is_kept_until_the_shards_change(ann, tmp_path, monkeypatch):
    from toolkit import positions

    reads = []
    real = positions._read_word_rows
    monkeypatch.setattr(positions, "_READ", {})
    monkeypatch.setattr(positions, "_read_word_rows", lambda *args: reads.append(args[1]) or real(*args))
    first = find_occurrences(ann, ["talks", "war"])
    again = find_occurrences(ann, ["war", "talks", "talks council"])
    assert reads == ["talks", "war", "council"]           # talks and war read from the files once
    assert again[again["query"] < 2].replace({"query": {0: 1, 1: 0}}).sort_values(
        ["query", "doc_id", "position"]).reset_index(drop=True).equals(first)
    # an article added: its tokens shard is new, so the words are read again (and found in it)
    write_article(tmp_path / "corpus", "002_c.txt", "date 2011-03-01\nTalks resumed.\n")
    settings = toolkit.AnnotationSettings(batch_chars=10, duplicates_threshold=None, boilerplate_min_docs=None)
    newer = toolkit.annotate(tmp_path / "corpus", tmp_path / "cache", settings=settings, actors=None, scorers=[])
    assert find_occurrences(newer, "talks")["doc_id"].tolist() == ["000_a", "001_b", "002_c"]
    assert reads[-1] == "talks"
    # at most _READ_ROWS rows are kept: the least recently used words go first
    monkeypatch.setattr(positions, "_READ_ROWS", 1)
    find_occurrences(newer, ["war", "talks"])
    assert [key[1] for key in positions._READ] == ["talks"]
