"""Word frequencies on a three-article corpus written for the test; every number counted by hand.

The corpus (punctuation tokens are not words):

    d1  2011-01-10  source A  "Gaza truce holds. The truce is fragile."   7 words, 2 sentences
    d2  2011-01-20  source B  "Talks on a truce in Gaza."                 6 words, 1 sentence
    d3  2011-03-05  source A  "War in Gaza. War again."                   5 words, 2 sentences
                                                                          18 words in all
Word counts: gaza 3 (d1 d2 d3), truce 3 (d1 d1 d2), war 2 (d3 d3), in 2 (d2 d3), and once each:
holds the is fragile talks on a again. Stopwords here: the, is, a, on, in.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.association import BigramAssocMeasures as NLTK

from toolkit import errors
from toolkit import frequency as f

STOP = {"the", "is", "a", "on", "in"}


def make_documents():
    return pd.DataFrame({
        "doc_id": ["d1", "d2", "d3"],
        "date": pd.to_datetime(["2011-01-10", "2011-01-20", "2011-03-05"]).astype("datetime64[ns]"),
        "text": ["Gaza truce holds. The truce is fragile.", "Talks on a truce in Gaza.", "War in Gaza. War again."],
        "file": ["d1.txt", "d2.txt", "d3.txt"],
        "source": ["A", "B", "A"],
    })


def make_tokens(documents):
    """Tokens of the schema, cut by a plain regex; a sentence ends after each '.'."""
    rows = []
    for doc_id, text in zip(documents["doc_id"], documents["text"]):
        sent = 0
        for position, match in enumerate(re.finditer(r"\w+|[^\w\s]", text)):
            word = match.group()
            rows.append((doc_id, sent, position, word, word.lower(), word.lower() in STOP,
                         not word.isalnum(), match.start(), match.end()))
            if word == ".":
                sent += 1
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "position", "token", "norm", "is_stop", "is_punct",
                                       "start", "end"])


@pytest.fixture
def documents():
    return make_documents()


@pytest.fixture
def tokens(documents):
    return make_tokens(documents)


def row(table, **where):
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= (table[key] == value).to_numpy()
    assert mask.sum() == 1, where
    return table[mask].iloc[0]


# -- counts ------------------------------------------------------------------------------------


def test_count_terms_whole_corpus(tokens):
    counts = f.count_terms(tokens)
    gaza = row(counts, term="gaza")
    assert (gaza["count"], gaza["total"], gaza["doc_freq"], gaza["n_docs"]) == (3, 18, 3, 3)
    assert gaza["per_10k"] == pytest.approx(3 / 18 * 10_000)  # 1666.67
    truce = row(counts, term="truce")
    assert (truce["count"], truce["doc_freq"]) == (3, 2)  # twice in d1, once in d2
    # ranks: gaza and truce tie at 1; war and in tie at 3; the eight singletons share rank 5
    assert row(counts, term="truce")["rank"] == 1 and row(counts, term="war")["rank"] == 3
    assert row(counts, term="again")["rank"] == 5
    assert counts["count"].sum() == 18 and len(counts) == 12
    assert "." not in set(counts["term"])


def test_count_terms_does_not_mutate_and_keeps_punctuation_on_request(tokens):
    before = tokens.copy()
    counts = f.count_terms(tokens, drop_punctuation=False)
    pd.testing.assert_frame_equal(tokens, before)
    # 5 full stops (2 + 1 + 2) among 18 + 5 = 23 tokens: 5 / 23 * 10,000 = 2173.91
    stop = row(counts, term=".")
    assert (stop["count"], stop["total"]) == (5, 23)
    assert stop["per_10k"] == pytest.approx(2173.913, abs=1e-3)


def test_dropping_stopwords_keeps_the_total(tokens):
    counts = f.count_terms(tokens, drop_stopwords=True)
    assert not set(counts["term"]) & STOP
    # truce: still 3 of 18 words
    assert row(counts, term="truce")["per_10k"] == pytest.approx(3 / 18 * 10_000)
    # a user list instead of is_stop, compared case-insensitively
    counts = f.count_terms(tokens, drop_stopwords=["GAZA"])
    assert "gaza" not in set(counts["term"]) and "the" in set(counts["term"])


def test_count_terms_surface_forms(tokens):
    counts = f.count_terms(tokens, form="token")
    # "War" twice (capitalised, sentence-initial), "The" once, "the" never
    assert row(counts, term="War")["count"] == 2
    assert "the" not in set(counts["term"]) and row(counts, term="The")["count"] == 1


def test_count_terms_by_month_source_and_document(tokens, documents):
    months = f.count_terms(tokens, by="month", documents=documents)
    january = row(months, month=pd.Timestamp("2011-01-01"), term="truce")
    # d1 + d2 = 7 + 6 = 13 words; truce 3 -> 3 / 13 * 10,000 = 2307.69
    assert (january["count"], january["total"], january["n_docs"]) == (3, 13, 2)
    assert january["per_10k"] == pytest.approx(2307.6923, abs=1e-3)
    march = row(months, month=pd.Timestamp("2011-03-01"), term="war")
    # d3: 5 words, war 2 -> 4000 per 10k
    assert (march["count"], march["total"], march["per_10k"]) == (2, 5, 4000.0)
    sources = f.count_terms(tokens, by="source", documents=documents)
    # source A = d1 + d3 = 7 + 5 = 12 words; gaza once in each -> count 2, doc_freq 2
    a_gaza = row(sources, source="A", term="gaza")
    assert (a_gaza["count"], a_gaza["total"], a_gaza["doc_freq"]) == (2, 12, 2)
    per_doc = f.count_terms(tokens, by="document")
    assert row(per_doc, doc_id="d1", term="truce")[["count", "total"]].tolist() == [2, 7]
    both = f.count_terms(tokens, by=["source", "year"], documents=documents)
    assert row(both, source="B", year=pd.Timestamp("2011-01-01"), term="talks")["total"] == 6


def test_count_terms_of_counts_per_document_by_whole_documents():
    # a (January, X): war 2, "." 1; b (January, Y): war 1, peace 1; c (February, X): "." only
    counts = pd.DataFrame({"doc_id": pd.Categorical(["a", "a", "b", "b", "c"]),
                           "term": pd.Categorical([".", "war", "peace", "war", "."]),
                           "count": [1, 2, 1, 1, 1], "is_stop": False,
                           "is_punct": [True, False, False, False, True]})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
                              "date": pd.to_datetime(["2011-01-03", "2011-01-20", "2011-02-01"])})
    months = f.count_terms(counts, by="month", documents=documents)
    # January: war 2 + 1 = 3 in 2 articles; 4 words; February has no word, so no row
    assert months[["term", "count", "total", "doc_freq", "n_docs"]].values.tolist() == [
        ["war", 3, 4, 2, 2], ["peace", 1, 4, 1, 2]]
    outlets = f.count_terms(counts, by="outlet", documents=documents)
    assert outlets[["outlet", "term", "count", "total", "n_docs"]].values.tolist() == [
        ["X", "war", 2, 2, 1], ["Y", "peace", 1, 2, 1], ["Y", "war", 1, 2, 1]]
    # punctuation kept: 6 tokens in 3 articles ("." in a and c)
    whole = f.count_terms(counts, drop_punctuation=False)
    assert whole[["term", "count", "total", "doc_freq", "n_docs"]].values.tolist() == [
        ["war", 3, 6, 2, 3], [".", 2, 6, 2, 3], ["peace", 1, 6, 1, 3]]
    # the same tables as the general path (the counts of each group's rows, one by one)
    tokens = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b", "c"], "norm": [".", "war", "war", "peace", "war", "."],
                           "is_stop": False, "is_punct": [True, False, False, False, False, True]})
    for options in ({"by": "month"}, {"by": ["year", "outlet"], "top": 1}, {"drop_punctuation": False},
                    {"min_count": 2}, {"drop_stopwords": ["war"]}):
        pd.testing.assert_frame_equal(f.count_terms(counts, documents=documents, **options),
                                      f.count_terms(tokens, documents=documents, **options))


def test_count_terms_of_counts_per_document_in_blocks_of_groups(monkeypatch):
    # 3 terms (".", peace, war) in 3 months: 9 cells; 3 cells an array puts each month in a block
    counts = pd.DataFrame({"doc_id": pd.Categorical(["a", "a", "b", "b", "c", "c"]),
                           "term": pd.Categorical([".", "war", "peace", "war", "war", "peace"]),
                           "count": [1, 2, 1, 1, 4, 2], "is_stop": False,
                           "is_punct": [True, False, False, False, False, False]})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "X"],
                              "date": pd.to_datetime(["2011-01-03", "2011-02-20", "2011-03-01"])})
    whole = f.count_terms(counts, by="month", documents=documents)
    for most_cells, most_blocks in ((3, 8), (6, 8), (3, 2)):   # blocks of 1 or 2 months; too many blocks
        monkeypatch.setattr(f, "_MOST_CELLS", most_cells)
        monkeypatch.setattr(f, "_MOST_BLOCKS", most_blocks)
        pd.testing.assert_frame_equal(f.count_terms(counts, by="month", documents=documents), whole)
    # January: war 2 of 2 words; February: peace 1, war 1 of 2; March: war 4, peace 2 of 6
    assert whole[["term", "count", "total", "doc_freq"]].values.tolist() == [
        ["war", 2, 2, 1], ["peace", 1, 2, 1], ["war", 1, 2, 1], ["war", 4, 6, 1], ["peace", 2, 6, 1]]


def test_grouping_needs_documents(tokens):
    with pytest.raises(ValueError, match="documents"):
        f.count_terms(tokens, by="month")


def test_min_count(tokens):
    assert set(f.count_terms(tokens, min_count=2)["term"]) == {"gaza", "truce", "war", "in"}


# -- n-grams -----------------------------------------------------------------------------------


def test_bigrams_never_cross_a_sentence_or_punctuation(tokens):
    bigrams = f.count_ngrams(tokens, 2)
    # d1: gaza truce, truce holds | the truce, truce is, is fragile
    # d2: talks on, on a, a truce, truce in, in gaza   d3: war in, in gaza | war again
    assert dict(zip(bigrams["term"], bigrams["count"])) == {
        "in gaza": 2, "gaza truce": 1, "truce holds": 1, "the truce": 1, "truce is": 1, "is fragile": 1,
        "talks on": 1, "on a": 1, "a truce": 1, "truce in": 1, "war in": 1, "war again": 1}
    # "holds the" and "gaza war" would cross a full stop
    assert row(bigrams, term="in gaza")["doc_freq"] == 2
    assert row(bigrams, term="in gaza")["per_10k"] == pytest.approx(2 / 18 * 10_000)


def test_trigrams_and_stopword_filter(tokens):
    trigrams = f.count_ngrams(tokens, 3)
    assert sorted(trigrams["term"]) == sorted([
        "gaza truce holds", "the truce is", "truce is fragile", "talks on a", "on a truce", "a truce in",
        "truce in gaza", "war in gaza"])
    clean = f.count_ngrams(tokens, 2, drop_stopwords=True)
    assert sorted(clean["term"]) == ["gaza truce", "truce holds", "war again"]


def test_ngrams_by_month(tokens, documents):
    bigrams = f.count_ngrams(tokens, 2, by="month", documents=documents)
    # "in gaza": once in January (d2), once in March (d3)
    assert bigrams.loc[bigrams["term"] == "in gaza", "count"].tolist() == [1, 1]


# -- TF-IDF ------------------------------------------------------------------------------------


def test_tfidf_per_document(tokens):
    scores = f.score_tfidf(f.count_terms(tokens, by="document"), by="doc_id")
    # N = 3 documents. truce in d1: tf = 2/7, df = 2 -> idf = ln(3/2) = 0.405465; 2/7 * 0.405465 = 0.115847
    assert row(scores, doc_id="d1", term="truce")["tfidf"] == pytest.approx(0.115847, abs=1e-6)
    # holds in d1: 1/7 * ln 3 = 0.142857 * 1.098612 = 0.156945
    assert row(scores, doc_id="d1", term="holds")["tfidf"] == pytest.approx(0.156945, abs=1e-6)
    # gaza is in every document: idf = ln(3/3) = 0
    assert row(scores, doc_id="d2", term="gaza")["tfidf"] == 0.0
    # war in d3: 2/5 * ln 3 = 0.439445, the top term of d3
    top = f.select_top_terms(scores, 1, by="doc_id", sort="tfidf")
    assert row(top, doc_id="d3")["term"] == "war"
    assert row(top, doc_id="d3")["tfidf"] == pytest.approx(0.439445, abs=1e-6)


def test_tfidf_per_month(tokens, documents):
    scores = f.score_tfidf(f.count_terms(tokens, by="month", documents=documents), by="month")
    # two months with words; truce only in January: tf = 3/13, idf = ln(2/1) = 0.693147 -> 0.159957
    assert row(scores, month=pd.Timestamp("2011-01-01"), term="truce")["tfidf"] == pytest.approx(0.159957, abs=1e-6)


# -- keyness -----------------------------------------------------------------------------------


def test_keyness_of_a_month_against_the_rest_by_hand(tokens, documents):
    keys = f.find_keywords(tokens, {"month": "2011-01"}, documents=documents)
    truce = row(keys, term="truce")
    # target: January, 13 words, truce 3; reference: March, 5 words, truce 0
    assert truce[["target_count", "target_total", "reference_count", "reference_total"]].tolist() == [3, 13, 0, 5]
    # cells (3, 0, 10, 5), n = 18: E11 = 3*13/18 = 2.166667, E21 = 15*13/18 = 10.833333, E22 = 15*5/18 = 4.166667
    # G2 = 2 * (3 ln(3/2.166667) + 10 ln(10/10.833333) + 5 ln(5/4.166667))
    #    = 2 * (0.976265 - 0.800427 + 0.911608) = 2 * 1.087446 = 2.174892
    assert truce["g2"] == pytest.approx(2.174892, abs=1e-5)
    # chi2 = n (ad - bc)^2 / (r1 r2 k1 k2) = 18 * (3*5 - 0*10)^2 / (3 * 15 * 13 * 5) = 4050 / 2925 = 1.384615
    assert truce["chi2"] == pytest.approx(1.384615, abs=1e-6)
    # log ratio with the zero replaced by 0.5: log2((3/13) / (0.5/5)) = log2(2.307692) = 1.206451
    assert truce["log_ratio"] == pytest.approx(1.206451, abs=1e-6)
    assert truce["pct_diff"] == math.inf and truce["keyness"] == truce["g2"]
    gaza = row(keys, term="gaza")
    # 2/13 against 1/5: log2(0.153846 / 0.2) = log2(0.769231) = -0.378512; %DIFF = -23.0769
    assert gaza["log_ratio"] == pytest.approx(-0.378512, abs=1e-6)
    assert gaza["pct_diff"] == pytest.approx(-23.076923, abs=1e-5)
    assert gaza["keyness"] < 0  # leans to the reference
    assert keys.iloc[0]["term"] == "truce"  # the strongest target keyword comes first
    assert row(keys, term="war")["keyness"] < 0


def test_keyness_selections_agree(tokens, documents):
    by_ids = f.find_keywords(tokens, ["d1", "d2"])
    by_mask = f.find_keywords(tokens, documents["doc_id"].isin(["d1", "d2"]), documents=documents)
    pd.testing.assert_frame_equal(by_ids, by_mask)
    outlet = f.find_keywords(tokens, {"source": "B"}, reference={"source": "A"}, documents=documents)
    # B = d2 (6 words), A = d1 + d3 (12 words); talks 1 vs 0
    assert row(outlet, term="talks")[["target_count", "target_total", "reference_count", "reference_total"]].tolist() \
        == [1, 6, 0, 12]


def test_keyness_against_an_external_frequency_list(tokens, tmp_path):
    path = tmp_path / "reference.csv"
    path.write_text("word,freq\nTruce,1\nwar,9\nGaza,10\ngaza,5\n")
    reference = f.read_frequency_list(path, term_column="word", count_column="freq", total=1000)
    # lowercased and added up: gaza 15
    assert dict(zip(reference["term"], reference["count"])) == {"gaza": 15, "war": 9, "truce": 1}
    keys = f.find_keywords(tokens, "all", reference=reference)
    truce = row(keys, term="truce")
    assert truce[["target_count", "target_total", "reference_count", "reference_total"]].tolist() == [3, 18, 1, 1000]
    # log2((3/18) / (1/1000)) = log2(166.6667) = 7.380822
    assert truce["log_ratio"] == pytest.approx(7.380822, abs=1e-6)


def test_read_frequency_list_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("term,count\nwar,ten\n")
    with pytest.raises(errors.ToolkitError, match=r"bad.csv:2: count 'ten'"):
        f.read_frequency_list(bad)
    with pytest.raises(errors.ToolkitError, match="no 'count' column"):
        bad.write_text("term,n\nwar,1\n")
        f.read_frequency_list(bad)


# -- collocations ------------------------------------------------------------------------------


def test_collocates_within_one_word_by_hand(tokens):
    coll = f.find_collocates(tokens, "truce", window=1, min_count=1)
    # nodes: d1 word 1 (sentence 0), d1 word 4 (sentence 1), d2 word 3
    # windows: gaza|holds, the|is, a|in -> r1 = 6 words; n = 18
    assert coll.attrs["node_count"] == 3
    assert set(coll["window_total"]) == {6} and set(coll["corpus_total"]) == {18}
    holds = row(coll, collocate="holds")
    # holds: o11 = 1, c1 = 1: E11 = 6 * 1 / 18 = 0.333; PMI = log2(1 * 18 / (6 * 1)) = log2(3) = 1.584963
    assert holds[["count", "left", "right", "collocate_total"]].tolist() == [1, 0, 1, 1]
    assert holds["pmi"] == pytest.approx(1.584963, abs=1e-6)
    # NPMI = log2(3) / -log2(1/18) = 1.584963 / 4.169925 = 0.380094
    assert holds["npmi"] == pytest.approx(0.380094, abs=1e-6)
    # in: o11 = 1, c1 = 2 -> PMI = log2(18 / 12) = 0.584963
    assert row(coll, collocate="in")["pmi"] == pytest.approx(0.584963, abs=1e-6)
    # gaza: o11 = 1 = E11 = 6 * 3 / 18: no attraction, so not listed unless repelled=True
    assert "gaza" not in set(coll["collocate"])
    assert row(f.find_collocates(tokens, "truce", window=1, min_count=1, repelled=True), collocate="gaza")["pmi"] == 0
    for _, r in coll.iterrows():
        args = (r["count"], (r["window_total"], r["collocate_total"]), r["corpus_total"])
        assert r["pmi"] == pytest.approx(NLTK.pmi(*args))
        assert r["g2"] == pytest.approx(NLTK.likelihood_ratio(*args), abs=1e-9)
        assert r["t_score"] == pytest.approx(NLTK.student_t(*args))
        assert r["dice"] == pytest.approx(NLTK.dice(*args))


def test_collocate_windows_stay_in_the_sentence_unless_asked(tokens):
    # "the" opens d1's second sentence: its left neighbour "holds" is across the full stop
    inside = f.find_collocates(tokens, "the", window=1, min_count=1, repelled=True)
    assert set(inside["collocate"]) == {"truce"}
    across = f.find_collocates(tokens, "the", window=1, min_count=1, repelled=True, cross_sentences=True)
    assert set(across["collocate"]) == {"holds", "truce"}


def test_collocates_in_the_sentence_and_of_a_phrase(tokens):
    sentence = f.find_collocates(tokens, "truce", window="sentence", min_count=1, repelled=True)
    # d1 s0: gaza holds; d1 s1: the is fragile; d2: talks on a in gaza -> r1 = 2 + 3 + 5 = 10
    assert set(sentence["window_total"]) == {10}
    assert row(sentence, collocate="gaza")["count"] == 2
    phrase = f.find_collocates(tokens, "in gaza", window=1, min_count=1, repelled=True)
    # d2: truce | (sentence ends);  d3: war | (next "war" is in the next sentence)
    assert phrase.attrs["node_count"] == 2
    assert dict(zip(phrase["collocate"], phrase["count"])) == {"truce": 1, "war": 1}
    stop = f.find_collocates(tokens, "truce", window=1, min_count=1, drop_stopwords=True)
    assert set(stop["collocate"]) == {"holds"}  # the, is, a, in are stopwords; gaza is not attracted
    assert set(stop["window_total"]) == {6}  # stopwords still fill window slots


# -- KWIC, dispersion, trends ------------------------------------------------------------------


def test_kwic_cuts_contexts_from_the_text(tokens, documents):
    lines = f.find_kwic(tokens, documents, "truce", width=2, columns=["source"])
    assert lines[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["d1", "Gaza", "truce", "holds."],         # 1 token to the left (document start), 2 to the right
        ["d1", ". The", "truce", "is fragile"],    # width counts the full stop as a token
        ["d2", "on a", "truce", "in Gaza"],
    ]
    assert lines["date"].tolist() == [pd.Timestamp("2011-01-10")] * 2 + [pd.Timestamp("2011-01-20")]
    assert lines["source"].tolist() == ["A", "A", "B"]
    first = lines.iloc[0]
    assert documents.loc[0, "text"][first["start"]:first["end"]] == "truce"


def test_kwic_cuts_only_the_first_n_lines_and_counts_them_all(tokens, documents):
    lines = f.find_kwic(tokens, documents, "truce", width=2, n=2)
    # the first 2 of the 3 lines above, in date order; all 3 counted
    assert lines[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["d1", "Gaza", "truce", "holds."], ["d1", ". The", "truce", "is fragile"]]
    assert lines.attrs["total"] == 3
    assert f.find_kwic(tokens, documents, "truce").attrs["total"] == 3
    assert len(f.find_kwic(tokens, documents, "truce", n=0)) == 0


def test_kwic_phrases_wildcards_and_characters(tokens, documents):
    phrase = f.find_kwic(tokens, documents, "in gaza", width=2)
    assert phrase[["left", "match", "right"]].values.tolist() == [["a truce", "in Gaza", "."], ["War", "in Gaza", ". War"]]
    chars = f.find_kwic(tokens, documents, "fragile", width=4, unit="chars")
    assert chars[["left", "match", "right"]].values.tolist() == [["is", "fragile", "."]]  # " is " stripped
    wild = f.find_kwic(tokens, documents, "tr*")
    assert wild["match"].tolist() == ["truce", "truce", "truce"]
    case = f.find_kwic(tokens, documents, "WAR", form="token")
    assert len(case) == 2 and len(f.find_kwic(tokens, documents, "WAR", form="token", ignore_case=False)) == 0


def test_dispersion_by_hand(tokens, documents):
    hits = f.locate_terms(tokens, "war", documents=documents)
    # corpus in date order: d1 words 0-6, d2 7-12, d3 13-17; war is d3's words 0 and 3 -> 13 and 16 of 0..17
    assert hits["corpus_index"].tolist() == [13, 16]
    assert hits["corpus_position"].tolist() == pytest.approx([13 / 17, 16 / 17])
    assert hits["date"].tolist() == [pd.Timestamp("2011-03-05")] * 2
    table = f.measure_dispersion(tokens, ["truce", "war", "peace"])
    truce = row(table, term="truce")
    # parts d1 d2 d3: sizes 7 6 5 of 18; truce 2 1 0 of 3
    # DP = 0.5 * (|2/3 - 7/18| + |1/3 - 6/18| + |0 - 5/18|) = 0.5 * (0.277778 + 0 + 0.277778) = 0.277778
    assert truce[["count", "parts", "range"]].tolist() == [3, 3, 2]
    assert truce["dp"] == pytest.approx(0.277778, abs=1e-6)
    # war: all in d3: DP = 0.5 * (7/18 + 6/18 + |1 - 5/18|) = 0.5 * (0.388889 + 0.333333 + 0.722222) = 0.722222
    assert row(table, term="war")["dp"] == pytest.approx(0.722222, abs=1e-6)
    assert row(table, term="peace")["count"] == 0 and np.isnan(row(table, term="peace")["dp"])


def test_trends_show_empty_and_thin_periods(tokens, documents):
    trend = f.count_trends(tokens, ["truce", "war"], documents=documents, period="month")
    truce = trend[trend["term"] == "truce"]
    assert truce["period"].tolist() == [pd.Timestamp(p) for p in ("2011-01-01", "2011-02-01", "2011-03-01")]
    assert truce["count"].tolist() == [3, 0, 0]
    assert truce["words"].tolist() == [13, 0, 5] and truce["documents"].tolist() == [2, 0, 1]
    # 3 / 13 * 10,000 = 2307.69; February has no words: missing, not zero
    assert truce["per_10k"].iloc[0] == pytest.approx(2307.6923, abs=1e-3)
    assert np.isnan(truce["per_10k"].iloc[1]) and truce["per_10k"].iloc[2] == 0.0
    war = trend[trend["term"] == "war"]
    assert war["per_10k"].iloc[2] == 4000.0  # 2 / 5 * 10,000
    by_source = f.count_trends(tokens, "gaza", documents=documents, period="Y", by="source")
    # 2011: A = d1 + d3 = 12 words, gaza 2; B = d2 = 6 words, gaza 1
    assert by_source[["source", "count", "words"]].values.tolist() == [["A", 2, 12], ["B", 1, 6]]


def test_empty_results_keep_their_columns(tokens, documents):
    assert len(f.find_kwic(tokens, documents, "peace")) == 0
    assert list(f.find_kwic(tokens, documents, "peace").columns)[-3:] == ["left", "match", "right"]
    coll = f.find_collocates(tokens, "peace")
    assert len(coll) == 0 and coll.attrs["node_count"] == 0 and "pmi" in coll.columns
    single = tokens[tokens["doc_id"] == "d2"]
    keys = f.find_keywords(single, ["d2"])  # nothing to compare with: reference total 0
    assert set(keys["reference_total"]) == {0}


def _as_compact(tokens):
    """The tokens as read_tokens returns them: text columns as categories, an unused category too."""
    out = tokens.drop(columns=["token"]).copy()
    out["doc_id"] = pd.Categorical(out["doc_id"], categories=["d1", "d2", "d3", "gone"])
    out["norm"] = out["norm"].astype("category")
    return out


def test_categorical_tokens_give_the_same_results(tokens, documents):
    compact = _as_compact(tokens)
    same = [
        (lambda t: f.count_terms(t, drop_stopwords=True)),
        (lambda t: f.count_terms(t, by="month", documents=documents)),
        (lambda t: f.count_terms(t, by="document", drop_stopwords=True)),
        (lambda t: f.count_ngrams(t, 2)),
        (lambda t: f.find_keywords(t, {"source": "A"}, documents=documents)),
        (lambda t: f.find_collocates(t, "truce", window=2, min_count=1)),
        (lambda t: f.find_kwic(t, documents, "gaza", width=2)),
        (lambda t: f.locate_terms(t, ["gaza", "war"], documents=documents)),
        (lambda t: f.measure_dispersion(t, ["gaza", "war"])),
        (lambda t: f.count_trends(t, ["truce"], documents=documents)),
    ]
    for call in same:
        pd.testing.assert_frame_equal(call(compact), call(tokens.drop(columns=["token"])), check_dtype=False,
                                      check_categorical=False)


def test_read_tokens_equals_the_cached_table(small_corpus, tmp_path):
    import toolkit

    ann = toolkit.annotate(small_corpus, tmp_path / "cache", scorers=None, workers=1)
    full = ann.tokens
    compact = f.read_tokens(ann, columns=["sent_id", "position", "norm", "is_punct"])
    assert list(compact.columns) == ["doc_id", "sent_id", "position", "norm", "is_punct"]
    assert isinstance(compact["norm"].dtype, pd.CategoricalDtype)
    assert len(compact) == len(full)
    for column in compact.columns:
        assert compact[column].astype(full[column].dtype).tolist() == full[column].tolist()
    sentences = f.read_tokens(ann, table="sentences", columns=["sent_id", "start", "end"])
    assert sentences[["doc_id", "sent_id"]].astype({"doc_id": str}).values.tolist() == \
        ann.sentences[["doc_id", "sent_id"]].values.tolist()
    small = f.read_tokens(ann, columns=["sent_id", "position", "start", "end", "norm"], downcast=True)
    assert {str(small[c].dtype) for c in ["sent_id", "position", "start", "end"]} == {"int32"}
    assert small["position"].tolist() == full["position"].tolist()


def test_kwic_reads_only_the_texts_it_shows_from_a_cache(small_corpus, tmp_path):
    import toolkit

    ann = toolkit.annotate(small_corpus, tmp_path / "cache", scorers=None, workers=1)
    tokens = f.read_tokens(ann)
    expected = f.find_kwic(tokens, ann.documents, "russia")
    lines = f.find_kwic(tokens, ann, "russia")               # the cache instead of the documents
    pd.testing.assert_frame_equal(lines, expected)
    assert lines["doc_id"].tolist() == ["001_a", "002_b"] and lines.attrs["total"] == 2
    read = []
    original = type(ann).read
    ann.read = lambda name, **kw: read.append((name, kw.get("ids"))) or original(ann, name, **kw)
    first = f.find_kwic(tokens, ann, "russia", n=1)
    assert first["match"].tolist() == ["Russia"] and first.attrs["total"] == 2
    assert read[-1] == ("documents", ["001_a"])       # the text of the one article shown, nothing more
    assert len(f.find_kwic(tokens, ann, "peace")) == 0   # no match: no text read


def test_scores_with_corpus_frequencies_equal_scores_of_every_document(tokens):
    every = f.score_tfidf(f.count_terms(tokens, by="document"))
    corpus = f.count_terms(tokens)  # doc_freq: gaza 3 documents, truce 2, ...; n_docs 3
    some = f.score_tfidf(f.count_terms(tokens[tokens["doc_id"] == "d2"], by="document"), corpus=corpus)
    # d2 "truce": tf 1/6, idf ln(3/2)
    assert some.loc[some["term"] == "truce", "tfidf"].item() == pytest.approx(1 / 6 * math.log(3 / 2))
    pd.testing.assert_frame_equal(some, every[every["doc_id"] == "d2"].reset_index(drop=True))


def test_matching_keeps_only_documents_with_the_query_and_counts_every_document(tokens, documents):
    # "truce" is in d1 and d2 only: d3 (5 words) is left out of the stream but still counted
    hits = f.locate_terms(tokens, "truce", documents=documents)
    # d1: gaza 0, truce 1, holds 2, the 3, truce 4 (7 words); d2: talks 7, on 8, a 9, truce 10
    assert hits["corpus_index"].tolist() == [1, 4, 10]
    assert hits.attrs["corpus_total"] == 18
    collocates = f.find_collocates(tokens, "truce", window=1, min_count=1, repelled=True)
    assert set(collocates["corpus_total"]) == {18}
    assert collocates.set_index("collocate").loc["gaza", "collocate_total"] == 3  # d3's gaza counted too
    trends = f.count_trends(tokens, "truce", documents=documents)
    assert trends["words"].tolist() == [13, 0, 5]  # January d1 + d2 = 7 + 6; March d3 = 5


def test_top_keeps_the_first_rows_of_the_full_table_with_ties(tokens, documents):
    full = f.count_terms(tokens)
    # counts: gaza 3, truce 3, then war 2 and in 2: top=3 keeps the tie at the cut (4 rows)
    top = f.count_terms(tokens, top=3)
    assert top["term"].tolist() == ["gaza", "truce", "in", "war"]
    pd.testing.assert_frame_equal(top, full.head(4))
    by_doc = f.count_terms(tokens, by="document", top=1)
    every = f.count_terms(tokens, by="document")
    # d1: truce 2; d2: six words once each (all tied); d3: war 2
    assert by_doc.groupby("doc_id").size().tolist() == [1, 6, 1]
    pd.testing.assert_frame_equal(by_doc, every[every["rank"] == 1].reset_index(drop=True))
    bigrams = f.count_ngrams(tokens, 2, top=1)
    assert bigrams["term"].tolist() == ["in gaza"]  # in d2 and d3; every other bigram once
    pd.testing.assert_frame_equal(bigrams, f.count_ngrams(tokens, 2).head(len(bigrams)))


def test_some_documents_with_the_whole_corpus_counts_give_the_same_tables(tokens, documents):
    # d3 holds no "truce": with d1 and d2 alone, c1 and n come from corpus=, places and periods from lengths=
    some = tokens[tokens["doc_id"] != "d3"]
    corpus = f.count_terms(tokens)                      # gaza 3 (one in d3), total 18 words
    lengths = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "words": [7, 6, 5], "tokens": [9, 7, 7]})
    expected = f.find_collocates(tokens, "truce", window=1, min_count=1, repelled=True)
    collocates = f.find_collocates(some, "truce", window=1, min_count=1, repelled=True, corpus=corpus)
    pd.testing.assert_frame_equal(collocates, expected)
    assert row(collocates, collocate="gaza")["collocate_total"] == 3 and set(collocates["corpus_total"]) == {18}
    hits = f.locate_terms(some, "truce", documents=documents, lengths=lengths)
    pd.testing.assert_frame_equal(hits, f.locate_terms(tokens, "truce", documents=documents))
    assert hits["corpus_index"].tolist() == [1, 4, 10] and hits.attrs["corpus_total"] == 18
    trends = f.count_trends(some, "truce", documents=documents, lengths=lengths)
    pd.testing.assert_frame_equal(trends, f.count_trends(tokens, "truce", documents=documents))
    assert trends["words"].tolist() == [13, 0, 5]       # March: d3's 5 words, from lengths
    spread = f.measure_dispersion(some, "truce", lengths=lengths)
    pd.testing.assert_frame_equal(spread, f.measure_dispersion(tokens, "truce"))
    assert spread[["parts", "range"]].values.tolist() == [[3, 2]]
    with pytest.raises(ValueError, match="'truce' is near the node but not in corpus="):
        f.find_collocates(tokens, "gaza", window=1, min_count=1, repelled=True, corpus=corpus[corpus["term"] != "truce"])


def test_read_tokens_of_the_documents_holding_some_words(small_corpus, tmp_path):
    import toolkit

    ann = toolkit.annotate(small_corpus, tmp_path / "cache", scorers=None, workers=1)
    full = f.read_tokens(ann, columns=["sent_id", "position", "norm"])
    held = f.read_tokens(ann, columns=["sent_id", "position"], holding=["russia"])
    assert list(held.columns) == ["doc_id", "sent_id", "position"]        # norm matched, not returned
    holding = sorted(set(full.loc[full["norm"] == "russia", "doc_id"].astype(str)))
    assert holding == ["001_a", "002_b"]
    assert sorted(set(held["doc_id"].astype(str))) == holding
    assert len(held) == full["doc_id"].astype(str).isin(holding).sum()    # whole documents
    assert sorted(set(f.read_tokens(ann, columns=["norm"], holding="RUSS*")["doc_id"].astype(str))) == holding
    assert f.read_tokens(ann, columns=["norm"], holding="peace").empty


def test_read_tokens_holding_words_the_same_with_the_positions_kept(small_corpus, tmp_path, monkeypatch):
    import toolkit
    from toolkit import positions

    ann = toolkit.annotate(small_corpus, tmp_path / "cache", scorers=None, workers=1)
    queries = (["russia"], "RUSS*", "peace", "russia talks", ["nato", "."], ".")
    columns = ["doc_id", "sent_id", "position", "norm", "is_punct"]
    before = [f.read_tokens(ann, columns=columns, holding=q) for q in queries]   # no positions yet: word by word
    assert not (ann.path / "positions.parquet").exists()
    toolkit.make_counts(ann)
    looked_up = []
    monkeypatch.setattr(positions, "_READ", {})
    monkeypatch.setattr(positions, "_read_word_rows", lambda *a, r=positions._read_word_rows: looked_up.append(a[1]) or r(*a))
    for query, expected in zip(queries, before):
        pd.testing.assert_frame_equal(f.read_tokens(ann, columns=columns, holding=query), expected)
    # the positions named the documents of the words (russia once); a query with "." (punctuation, not
    # kept there) was matched in the tokens
    assert looked_up == ["russia", "RUSS*", "peace"]
    assert sorted(set(before[0]["doc_id"].astype(str))) == ["001_a", "002_b"] and before[2].empty
