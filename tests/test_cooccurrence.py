"""Tests of toolkit.cooccurrence on a small hand-made corpus: each window, each measure, periods,
graphs, exports, changes between periods, evidence. Counts are worked out by hand in comments."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from scipy import stats

from toolkit.cooccurrence import (
    build_graph,
    compare_periods,
    count_pairs,
    describe_graph,
    export_graph,
    find_communities,
    find_evidence,
    graphs_by_period,
    list_partners,
)

# Two articles. d1 has two paragraphs of two sentences, d2 one paragraph of two sentences;
# d3 has no sentences at all (an empty article) but is in the documents table.
#   d1 s0 (p0): A B        d1 s1 (p0): A        d1 s2 (p1): B C      d1 s3 (p1): -
#   d2 s0 (p0): A B A      d2 s1 (p0): C
SENTENCES = pd.DataFrame({
    "doc_id": ["d1"] * 4 + ["d2"] * 2,
    "sent_id": [0, 1, 2, 3, 0, 1],
    "paragraph_id": [0, 0, 1, 1, 0, 0],
    "text": ["A met B.", "A left.", "B saw C.", "Nothing.", "A, B and A.", "C."],
})
MENTIONS = pd.DataFrame({
    "doc_id": ["d1", "d1", "d1", "d1", "d1", "d2", "d2", "d2", "d2"],
    "sent_id": [0, 0, 1, 2, 2, 0, 0, 0, 1],
    "actor": ["A", "B", "A", "B", "C", "A", "B", "A", "C"],
    "alias": ["A", "B", "A", "B", "C", "A", "B", "A", "C"],
    "start": [0, 6, 9, 18, 24, 0, 3, 9, 12],
    "end": [1, 7, 10, 19, 25, 1, 4, 10, 13],
})
DOCUMENTS = pd.DataFrame({
    "doc_id": ["d1", "d2", "d3"],
    "date": pd.to_datetime(["2020-01-15", "2020-02-03", "2020-02-20"]),
    "file": ["d1.txt", "d2.txt", "d3.txt"],
    "outlet": ["X", "Y", "Y"],
})


def table(pairs, *columns):
    return pairs[["actor_a", "actor_b", *columns]].values.tolist()


def test_sentence_window_counts_and_every_measure():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES)
    # sentences with A: d1s0, d1s1, d2s0 = 3; with B: d1s0, d1s2, d2s0 = 3; with C: d1s2, d2s1 = 2
    # A+B: d1s0, d2s0 = 2; B+C: d1s2 = 1; A+C never together. Total: 6 sentences.
    assert table(pairs, "joint", "count_a", "count_b", "total") == [["A", "B", 2, 3, 3, 6], ["B", "C", 1, 3, 2, 6]]
    ab = pairs.iloc[0]
    assert ab["expected"] == pytest.approx(1.5)                  # 3 * 3 / 6
    assert ab["pmi"] == pytest.approx(math.log2(4 / 3))          # log2(2 * 6 / (3 * 3)) = 0.4150
    assert ab["npmi"] == pytest.approx(math.log2(4 / 3) / math.log2(3))  # / -log2(2 / 6) = 0.2619
    # cells 2, 1, 1, 2, each expected 1.5: G2 = 2 * (2 * 2 ln(2/1.5) + 2 * 1 ln(1/1.5)) = 0.6796
    g2 = 2 * (4 * math.log(2 / 1.5) + 2 * math.log(1 / 1.5))
    assert ab["log_likelihood"] == pytest.approx(g2) and g2 == pytest.approx(0.6796, abs=1e-4)
    assert ab["p_value"] == pytest.approx(stats.chi2.sf(g2, 1))
    assert ab["jaccard"] == pytest.approx(0.5)                   # 2 / (3 + 3 - 2)
    assert ab["dice"] == pytest.approx(2 / 3)                    # 2 * 2 / (3 + 3)
    bc = pairs.iloc[1]
    assert bc["pmi"] == pytest.approx(0.0)                       # log2(1 * 6 / (3 * 2)) = log2(1)
    assert bc["npmi"] == pytest.approx(0.0)


def test_total_without_sentences_counts_only_units_with_mentions():
    # sentences with at least one mention: d1s0, d1s1, d1s2, d2s0, d2s1 = 5
    assert count_pairs(MENTIONS)["total"].unique().tolist() == [5]


def test_minimum_support():
    assert table(count_pairs(MENTIONS, sentences=SENTENCES, min_count=2), "joint") == [["A", "B", 2]]


def test_paragraph_window():
    pairs = count_pairs(MENTIONS, window="paragraph", sentences=SENTENCES)
    # paragraphs: d1p0 {A, B}, d1p1 {B, C}, d2p0 {A, B, C}; total 3
    # A: 2, B: 3, C: 2; A+B: d1p0, d2p0 = 2; B+C: d1p1, d2p0 = 2; A+C: d2p0 = 1
    assert table(pairs, "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 2, 3, 3], ["B", "C", 2, 3, 2, 3], ["A", "C", 1, 2, 2, 3]]
    with pytest.raises(ValueError, match="sentences"):
        count_pairs(MENTIONS, window="paragraph")


def test_document_window_counts_articles_without_mentions_in_the_total():
    pairs = count_pairs(MENTIONS, window="document", sentences=SENTENCES, documents=DOCUMENTS)
    # d1 {A, B, C}, d2 {A, B, C}, d3 {} : every pair in 2 of 3 articles
    assert table(pairs, "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 2, 2, 3], ["A", "C", 2, 2, 2, 3], ["B", "C", 2, 2, 2, 3]]


# Token window: one article of 20 tokens "t0 t1 ... " at 3 characters each (token i at 3i..3i+2),
# and a second article where a C stands at position 0.
TOKENS = pd.DataFrame({
    "doc_id": ["e1"] * 20 + ["e2"] * 5,
    "sent_id": [0] * 10 + [1] * 10 + [0] * 5,
    "position": list(range(20)) + list(range(5)),
    "start": [3 * i for i in range(20)] + [3 * i for i in range(5)],
    "end": [3 * i + 2 for i in range(20)] + [3 * i + 2 for i in range(5)],
})
# A at token 0, B at 2, C at 7, A at 10 (next sentence), B spanning tokens 11-12; e2: C at 0
TOKEN_MENTIONS = pd.DataFrame({
    "doc_id": ["e1"] * 5 + ["e2"],
    "sent_id": [0, 0, 0, 1, 1, 0],
    "actor": ["A", "B", "C", "A", "B", "C"],
    "alias": ["A", "B", "C", "A", "B", "C"],
    "start": [0, 6, 21, 30, 33, 0],
    "end": [2, 8, 23, 32, 38, 2],
})


def test_token_window_of_two():
    pairs = count_pairs(TOKEN_MENTIONS, window=2, tokens=TOKENS)
    # neighbourhoods (each mention with the actors within 2 tokens):
    #   A@0 {A, B@2}   B@2 {B, A@0}   C@7 {C}   A@10 {A, B@11}   B@11-12 {B, A@10}   e2 C@0 {C}
    # total 6; A in 4, B in 4, C in 2; A+B in 4
    assert table(pairs, "joint", "count_a", "count_b", "total") == [["A", "B", 4, 4, 4, 6]]


def test_token_window_of_three_crosses_sentences_not_articles():
    pairs = count_pairs(TOKEN_MENTIONS, window=3, tokens=TOKENS)
    # now C@7 and A@10 are 3 apart (across the sentence boundary):
    #   A@0 {A, B}  B@2 {A, B}  C@7 {C, A}  A@10 {A, B, C}  B@11-12 {A, B}  e2 C@0 {C} (nothing in e1)
    # A in 5, B in 4, C in 3; A+B: 4; A+C: C@7, A@10 = 2; B+C: A@10 = 1; total 6
    assert table(pairs, "joint", "count_a", "count_b", "total") == [
        ["A", "B", 4, 5, 4, 6], ["A", "C", 2, 5, 3, 6], ["B", "C", 1, 4, 3, 6]]
    assert count_pairs(TOKEN_MENTIONS, window="3", tokens=TOKENS).equals(pairs)
    with pytest.raises(ValueError, match="tokens"):
        count_pairs(TOKEN_MENTIONS, window=3)


def test_by_period():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS, period="M")
    # January (d1): 4 sentences; A in s0, s1 = 2; B in s0, s2 = 2; C in s2 = 1; A+B 1, B+C 1
    # February (d2): 2 sentences; A, B, C in 1 each; A+B 1
    assert pairs[["period", "actor_a", "actor_b", "joint", "count_a", "count_b", "total"]].values.tolist() == [
        [pd.Timestamp("2020-01-01"), "A", "B", 1, 2, 2, 4],
        [pd.Timestamp("2020-01-01"), "B", "C", 1, 2, 1, 4],
        [pd.Timestamp("2020-02-01"), "A", "B", 1, 1, 1, 2],
    ]
    with pytest.raises(ValueError, match="documents"):
        count_pairs(MENTIONS, period="M")
    # no pair reaches a joint count of 2 within one month: an empty table, with its columns
    none = count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS, period="M", min_count=2)
    assert none.empty and list(none.columns)[:3] == ["period", "actor_a", "actor_b"]


def test_empty_mentions_give_an_empty_table_with_the_columns():
    pairs = count_pairs(MENTIONS.iloc[:0], sentences=SENTENCES)
    assert pairs.empty and "npmi" in pairs.columns
    with pytest.raises(ValueError, match="window"):
        count_pairs(MENTIONS, window="page")


def test_list_partners():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES)
    partners = list_partners(pairs, "B", by="joint")
    # B's partners: A (joint 2), C (joint 1); count_a is always B's count (3)
    assert partners[["actor", "partner", "joint", "count_a", "count_b"]].values.tolist() == [
        ["B", "A", 2, 3, 3], ["B", "C", 1, 3, 2]]


# --------------------------------------------------------------------------- graphs


def test_graph_weights_nodes_and_the_positive_rule():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES)
    graph = build_graph(pairs, weight="npmi")
    # B-C has NPMI 0 (exactly chance): left out with positive=True
    assert sorted(graph.edges) == [("A", "B")]
    assert graph.edges["A", "B"]["weight"] == pytest.approx(0.2619, abs=1e-4)
    assert graph.edges["A", "B"]["joint"] == 2
    assert graph.nodes["A"]["count"] == 3
    full = build_graph(pairs, weight="joint", actors=pd.DataFrame({"actor": ["A"], "name": ["Alpha"], "type": ["x"]}))
    assert sorted(full.edges) == [("A", "B"), ("B", "C")]
    assert full.nodes["A"]["name"] == "Alpha" and full.nodes["C"]["name"] == "C"
    assert len(build_graph(pairs, weight="joint", min_count=2).edges) == 1
    with pytest.raises(ValueError, match="periods"):
        build_graph(count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS, period="M"))


def test_centrality_and_communities():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES)
    described = describe_graph(build_graph(pairs, weight="joint"))
    # path A -2- B -1- C: B has 2 partners, strength 2 + 1 = 3, and lies on the one path A..C
    # (betweenness 1 / 1 pair = 1.0); A strength 2, C strength 1
    assert described[["actor", "degree", "strength", "betweenness"]].values.tolist() == [
        ["B", 2, 3.0, 1.0], ["A", 1, 2.0, 0.0], ["C", 1, 1.0, 0.0]]
    assert described["degree_centrality"].tolist() == [1.0, 0.5, 0.5]  # degree / (3 - 1)
    two = nx.Graph([("A", "B", {"weight": 1}), ("B", "C", {"weight": 1}), ("A", "C", {"weight": 1}),
                    ("D", "E", {"weight": 1}), ("C", "D", {"weight": 0.1})])
    assert find_communities(two).values.tolist() == [["A", 0], ["B", 0], ["C", 0], ["D", 1], ["E", 1]]


def test_export_formats(tmp_path):
    graph = build_graph(count_pairs(MENTIONS, sentences=SENTENCES), weight="joint")
    back = nx.read_graphml(export_graph(graph, tmp_path / "g.graphml"))
    assert back.edges["A", "B"]["weight"] == 2 and back.edges["B", "C"]["joint"] == 1
    back = nx.read_gexf(export_graph(graph, tmp_path / "g.gexf"))
    assert sorted(back.edges) == [("A", "B"), ("B", "C")]
    edges = pd.read_csv(export_graph(graph, tmp_path / "g.csv"))
    assert edges[["source", "target", "weight"]].values.tolist() == [["A", "B", 2], ["B", "C", 1]]
    assert pd.read_csv(tmp_path / "g.nodes.csv")["actor"].tolist() == ["A", "B", "C"]
    with pytest.raises(ValueError, match="format"):
        export_graph(graph, tmp_path / "g.png")


# --------------------------------------------------------------------------- time


def test_graphs_by_period_and_changes_between_periods():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS, period="M")
    graphs = graphs_by_period(pairs, weight="joint")
    assert list(graphs) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")]
    assert sorted(graphs[pd.Timestamp("2020-02-01")].edges) == [("A", "B")]
    changes = compare_periods(pairs)
    # Jan -> Feb: B-C (1 -> absent) vanished; A-B (1 -> 1) unchanged
    assert changes[["actor_a", "actor_b", "before", "status"]].values.tolist() == [
        ["B", "C", 1.0, "vanished"], ["A", "B", 1.0, "unchanged"]]
    assert changes["after"].isna().tolist() == [True, False]


def test_compare_periods_statuses():
    jan, feb, mar = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"])
    pairs = pd.DataFrame({
        "period": [jan, jan, jan, feb, feb, feb, mar],
        "actor_a": ["A", "A", "B", "A", "A", "C", "A"],
        "actor_b": ["B", "C", "C", "B", "C", "D", "B"],
        "joint": [2, 5, 1, 6, 3, 2, 6],
    })
    changes = compare_periods(pairs, min_count=2)
    # Jan->Feb (B-C has joint 1 < 2: absent): C-D appeared; A-B 2 -> 6 strengthened (+4);
    #   A-C 5 -> 3 weakened (-2). Feb->Mar: A-C and C-D vanished; A-B 6 -> 6 unchanged.
    got = changes[["period_before", "actor_a", "actor_b", "status", "change"]]
    assert got.fillna(0).values.tolist() == [
        [jan, "C", "D", "appeared", 0], [jan, "A", "B", "strengthened", 4.0], [jan, "A", "C", "weakened", -2.0],
        [feb, "A", "C", "vanished", 0], [feb, "C", "D", "vanished", 0], [feb, "A", "B", "unchanged", 0.0]]
    chosen = compare_periods(pairs, before=jan, after=mar, min_count=2)
    # Jan -> Mar: A-B 2 -> 6 strengthened, A-C vanished
    assert chosen[["actor_a", "actor_b", "status"]].values.tolist() == [["A", "C", "vanished"], ["A", "B", "strengthened"]]
    assert compare_periods(pairs, min_count=2, min_change=5)["status"].tolist()[:3] == ["appeared", "unchanged", "unchanged"]


# --------------------------------------------------------------------------- evidence


def test_evidence_sentences_with_date_and_article():
    evidence = find_evidence(MENTIONS, SENTENCES, "A", "B", documents=DOCUMENTS,
                             document_columns=("date", "file", "outlet"))
    # A and B share d1 s0 and d2 s0
    assert evidence[["doc_id", "file", "outlet", "sent_id", "text"]].values.tolist() == [
        ["d1", "d1.txt", "X", 0, "A met B."], ["d2", "d2.txt", "Y", 0, "A, B and A."]]
    assert evidence["date"].tolist() == [pd.Timestamp("2020-01-15"), pd.Timestamp("2020-02-03")]
    assert evidence[["alias_a", "alias_b"]].values.tolist() == [["A", "B"], ["A", "B"]]
    assert find_evidence(MENTIONS, SENTENCES, "A", "C").empty
    assert len(find_evidence(MENTIONS, SENTENCES, "B", "A", limit=1)) == 1


def test_evidence_for_paragraph_and_token_windows():
    # A and C share only paragraph d2p0: A in s0, C in s1 -> the passage spans both sentences
    evidence = find_evidence(MENTIONS, SENTENCES, "A", "C", window="paragraph")
    assert evidence[["doc_id", "sent_id", "sent_id_end", "text"]].values.tolist() == [["d2", 0, 1, "A, B and A. C."]]
    sentences = pd.DataFrame({"doc_id": ["e1", "e1", "e2"], "sent_id": [0, 1, 0], "paragraph_id": [0, 0, 0],
                              "text": ["first sentence", "second sentence", "other"]})
    near = find_evidence(TOKEN_MENTIONS, sentences, "C", "A", window=3, tokens=TOKENS)
    # C@7 and A@10 are 3 tokens apart across sentences 0 and 1
    assert near[["doc_id", "sent_id", "sent_id_end", "text"]].values.tolist() == [
        ["e1", 0, 1, "first sentence second sentence"]]
    assert find_evidence(TOKEN_MENTIONS, sentences, "C", "A", window=2, tokens=TOKENS).empty


# --------------------------------------------------------------------------- unusual tables, large-corpus paths
# count_pairs counts on integer keys; tables it cannot key that way (a sentence twice, a mention in
# a sentence the table lacks for a paragraph window, a mention without actor) go through joins.
# Either way the counts are the ones worked out by hand above.


def test_rows_in_any_order_give_the_same_counts():
    sentences, mentions = SENTENCES.iloc[::-1], MENTIONS.iloc[::-1]
    # as in test_sentence_window_counts_and_every_measure and test_paragraph_window
    assert table(count_pairs(mentions, sentences=sentences), "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 3, 3, 6], ["B", "C", 1, 3, 2, 6]]
    assert table(count_pairs(mentions, window="paragraph", sentences=sentences), "joint", "count_a", "total") == [
        ["A", "B", 2, 2, 3], ["B", "C", 2, 3, 3], ["A", "C", 1, 2, 3]]
    # tokens in reverse order: as in test_token_window_of_two
    pairs = count_pairs(TOKEN_MENTIONS.iloc[::-1], window=2, tokens=TOKENS.iloc[::-1])
    assert table(pairs, "joint", "count_a", "count_b", "total") == [["A", "B", 4, 4, 4, 6]]


def test_categorical_columns_are_counted_like_strings():
    mentions = MENTIONS.astype({"doc_id": "category", "actor": "category"})
    # categories in another order than the ids: pairs still have actor_a < actor_b by id
    mentions["actor"] = mentions["actor"].cat.reorder_categories(["C", "B", "A"])
    assert table(count_pairs(mentions, sentences=SENTENCES), "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 3, 3, 6], ["B", "C", 1, 3, 2, 6]]


def test_a_sentence_twice_is_one_unit():
    sentences = pd.concat([SENTENCES, SENTENCES.iloc[[2]]], ignore_index=True)  # d1 s2 (p1) again
    # still 6 sentences and 3 paragraphs: the counts of the two tests above
    assert table(count_pairs(MENTIONS, sentences=sentences), "joint", "total") == [["A", "B", 2, 6], ["B", "C", 1, 6]]
    assert table(count_pairs(MENTIONS, window="paragraph", sentences=sentences), "joint", "count_a", "total") == [
        ["A", "B", 2, 2, 3], ["B", "C", 2, 3, 3], ["A", "C", 1, 2, 3]]


def test_mentions_in_sentences_the_table_lacks_are_units_of_their_own():
    sentences = SENTENCES.drop(index=1)  # without d1 s1 (p0), where A is mentioned
    # sentence window: 5 sentences in the table + d1 s1 from the mentions = 6; counts as before
    assert table(count_pairs(MENTIONS, sentences=sentences), "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 3, 3, 6], ["B", "C", 1, 3, 2, 6]]
    # paragraph window: A's mention in d1 s1 has no paragraph, so it is a unit apart:
    # d1p0 {A, B}, d1p1 {B, C}, d2p0 {A, B, C}, d1 s1 {A}: total 4; A in 3, B in 3, C in 2
    # A+B: d1p0, d2p0 = 2; B+C: d1p1, d2p0 = 2; A+C: d2p0 = 1
    pairs = count_pairs(MENTIONS, window="paragraph", sentences=sentences)
    assert table(pairs, "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 3, 3, 4], ["B", "C", 2, 3, 2, 4], ["A", "C", 1, 3, 2, 4]]


def test_a_mention_without_actor_is_in_no_pair_but_its_sentence_is_a_unit():
    mentions = pd.concat([MENTIONS, pd.DataFrame({"doc_id": ["d1"], "sent_id": [3], "actor": [None], "alias": ["?"],
                                                  "start": [30], "end": [31]})], ignore_index=True)
    # without the sentences table the units are the sentences with a mention: 5 + d1 s3 = 6
    assert table(count_pairs(mentions), "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 3, 3, 6], ["B", "C", 1, 3, 2, 6]]


def test_articles_without_a_date_are_left_out_of_a_period_table():
    pairs = count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS[DOCUMENTS["doc_id"] != "d2"], period="M")
    # d2 (February) has no date: only January (d1) is counted, as in test_by_period
    assert pairs[["period", "actor_a", "actor_b", "joint", "count_a", "count_b", "total"]].values.tolist() == [
        [pd.Timestamp("2020-01-01"), "A", "B", 1, 2, 2, 4], [pd.Timestamp("2020-01-01"), "B", "C", 1, 2, 1, 4]]


def test_counting_in_chunks_and_without_a_dense_array(monkeypatch):
    from toolkit import cooccurrence

    # one pair made at a time, and pairs counted by sorting instead of in a period x actor x actor array
    monkeypatch.setattr(cooccurrence, "_PAIR_CHUNK", 1)
    monkeypatch.setattr(cooccurrence, "_DENSE_CELLS", 0)
    # as in test_paragraph_window (d2p0 holds three actors: three pairs) and test_by_period
    assert table(count_pairs(MENTIONS, window="paragraph", sentences=SENTENCES), "joint", "count_a", "count_b", "total") == [
        ["A", "B", 2, 2, 3, 3], ["B", "C", 2, 3, 2, 3], ["A", "C", 1, 2, 2, 3]]
    pairs = count_pairs(MENTIONS, sentences=SENTENCES, documents=DOCUMENTS, period="M")
    assert pairs[["period", "actor_a", "actor_b", "joint", "total"]].values.tolist() == [
        [pd.Timestamp("2020-01-01"), "A", "B", 1, 4], [pd.Timestamp("2020-01-01"), "B", "C", 1, 4],
        [pd.Timestamp("2020-02-01"), "A", "B", 1, 2]]


def test_evidence_from_articles_the_sentences_lack_has_no_text():
    evidence = find_evidence(MENTIONS, SENTENCES[SENTENCES["doc_id"] == "d1"], "A", "B")
    # A and B share d1 s0 and d2 s0; d2's sentences are not given
    assert evidence[["doc_id", "sent_id", "text"]].values.tolist() == [["d1", 0, "A met B."], ["d2", 0, ""]]
    # sentences in any order: the passage over d2 s0-s1 still reads in sentence order
    evidence = find_evidence(MENTIONS, SENTENCES.iloc[::-1], "A", "C", window="paragraph")
    assert evidence["text"].tolist() == ["A, B and A. C."]
