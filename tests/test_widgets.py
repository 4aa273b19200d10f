"""Tests of toolkit.widgets: each analysis has its own block of test functions."""


# -- frequency explorer (notebook 02) ----------------------------------------------------------


def _frequency_explorer(**options):
    from test_frequency import make_documents, make_tokens

    from toolkit import widgets

    documents = make_documents()
    return widgets.FrequencyExplorer(make_tokens(documents), documents, **options)


def test_frequency_explorer_default_and_callback():
    explorer = _frequency_explorer(terms="truce", period="month", width=1)
    # default: truce per month, 3 in January (13 words), none after
    assert explorer.trends["count"].tolist() == [3, 0, 0]
    assert explorer.kwic["match"].tolist() == ["truce", "truce", "truce"] and explorer.kwic_total == 3
    assert explorer.figure is not None
    # typing new terms in the box runs the callback
    explorer.terms_box.value = "war"
    assert set(explorer.trends["term"]) == {"war"}
    # one token either side: d3 "War in Gaza. War again."
    assert explorer.kwic[["left", "match", "right"]].values.tolist() == [["", "War", "in"], [".", "War", "again"]]
    # picking a period runs it too: one year, 2011, with 18 words and war 2
    explorer.period_box.value = "Y"
    assert explorer.trends[["count", "words"]].values.tolist() == [[2, 18]]
    # and the same from code
    explorer.update(terms=["in gaza", "talks"], period="M")
    assert explorer.trends.groupby("term", sort=False)["count"].sum().to_dict() == {"in gaza": 2, "talks": 1}
    assert explorer.terms_box.value == "in gaza, talks" and explorer.period_box.value == "M"


def test_frequency_explorer_shows_trends_already_counted_first():
    from test_frequency import make_documents, make_tokens

    from toolkit.frequency import count_trends

    documents = make_documents()
    tokens = make_tokens(documents)
    counted = count_trends(tokens, "truce", documents=documents, period="M")
    from toolkit import widgets

    explorer = widgets.FrequencyExplorer(tokens, documents, terms="truce", period="M", trends=counted)
    assert explorer.trends is counted                      # the first view: not counted again
    assert explorer.trends["count"].tolist() == [3, 0, 0]
    explorer.update(terms="war")                          # later views count
    assert set(explorer.trends["term"]) == {"war"}


def _record_displays(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **kw: shown.extend(objects))
    return shown


def test_frequency_explorer_empty_terms_and_static_view(monkeypatch):
    import matplotlib.figure
    import pandas as pd

    explorer = _frequency_explorer(terms="truce", max_lines=2)
    assert len(explorer.kwic) == 2 and explorer.kwic_total == 3
    explorer.update(terms="")
    assert explorer.figure is None and "Type one or more" in explorer.message
    explorer.update(terms="truce")
    shown = _record_displays(monkeypatch)
    explorer.show_static()
    # a note, then a plain figure and a plain table (no widget)
    assert [type(o).__name__ for o in shown] == ["Markdown", "Figure", "DataFrame"]
    assert "Static view" in shown[0].data and isinstance(shown[1], matplotlib.figure.Figure)
    assert isinstance(shown[2], pd.DataFrame) and shown[2]["match"].tolist() == ["truce", "truce"]


def test_explore_frequencies_shows_static_view_first(monkeypatch):
    from test_frequency import make_documents, make_tokens

    from toolkit import widgets

    shown = _record_displays(monkeypatch)
    documents = make_documents()
    explorer = widgets.explore_frequencies(make_tokens(documents), documents, terms="gaza", columns=["source"])
    assert [type(o).__name__ for o in shown][-3:] == ["Markdown", "Figure", "DataFrame"]
    assert list(explorer.kwic.columns) == ["doc_id", "date", "source", "left", "match", "right"]


# -- actor explorer (notebook 03) --------------------------------------------------------------


def _actor_explorer(**options):
    from test_cooccurrence import DOCUMENTS, MENTIONS, SENTENCES

    from toolkit.cooccurrence import count_pairs
    from toolkit.widgets import ActorExplorer

    pairs = count_pairs(MENTIONS, sentences=SENTENCES)
    return ActorExplorer(pairs, MENTIONS, SENTENCES, DOCUMENTS, **options)


def test_actor_explorer_default_and_callbacks():
    explorer = _actor_explorer(measure="joint")
    # default: the actor with most partners, B (A and C); partners by joint: A (2), then C (1)
    assert explorer.actor_box.value == "B"
    assert explorer.partners[["partner", "joint"]].values.tolist() == [["A", 2], ["C", 1]]
    # evidence with the strongest partner A: d1 s0 and d2 s0, with date, file and outlet
    assert explorer.partner_box.value == "A"
    assert explorer.evidence[["doc_id", "outlet", "text"]].values.tolist() == [
        ["d1", "X", "A met B."], ["d2", "Y", "A, B and A."]]
    assert explorer.figure is not None
    # picking an actor runs the callback: C has one partner, B, in d1 s2
    explorer.actor_box.value = "C"
    assert explorer.partners["partner"].tolist() == ["B"]
    assert explorer.evidence["text"].tolist() == ["B saw C."]
    # picking a partner, and the same from code
    explorer.update(actor="B")
    explorer.partner_box.value = "C"
    assert explorer.evidence["text"].tolist() == ["B saw C."]
    assert explorer.update(partner="A").evidence["doc_id"].tolist() == ["d1", "d2"]
    assert "B" in explorer.message and "2 partners" in explorer.message


def test_actor_explorer_without_pairs_and_static_view(monkeypatch):
    import matplotlib.figure
    import pandas as pd

    explorer = _actor_explorer(actor="A")
    shown = _record_displays(monkeypatch)
    explorer.show_static()
    # a note, then the partners table, the ego network figure and the evidence table
    assert [type(o).__name__ for o in shown] == ["Markdown", "DataFrame", "Figure", "DataFrame"]
    assert isinstance(shown[2], matplotlib.figure.Figure) and shown[1]["partner"].tolist() == ["B"]
    assert "Static view" in shown[0].data

    from test_cooccurrence import MENTIONS, SENTENCES

    from toolkit.cooccurrence import count_pairs
    from toolkit.widgets import explore_actors

    shown.clear()
    empty = explore_actors(count_pairs(MENTIONS.iloc[:0]), MENTIONS.iloc[:0], SENTENCES)
    assert empty.figure is None and "nothing to explore" in empty.message
    assert [type(o).__name__ for o in shown] == ["Markdown"]
    assert isinstance(empty.partners, pd.DataFrame) and empty.partners.empty


# -- sentiment explorer (notebook 04) ----------------------------------------------------------


def _sentiment_explorer(**options):
    from test_sentiment import make_tone_tables

    from toolkit.widgets import SentimentExplorer

    return SentimentExplorer(*make_tone_tables(), n_boot=0, **options)


def test_sentiment_explorer_default_and_callbacks():
    explorer = _sentiment_explorer()
    # default: the actor in most scored sentences; Russia and Turkey both have 3, Russia first by name
    assert explorer.actor_box.value == "Russia" and explorer.partner_box.value is None
    # Russia: a/0 -0.5, a/1 0.0, b/0 0.5 -> mean 0 over 3 sentences; all in March
    assert explorer.summary[["n_sentences", "mean"]].values.tolist() == [[3, 0.0]]
    assert explorer.tone["period"].tolist() == [__import__("pandas").Timestamp("2011-03-01")]
    assert explorer.evidence[["side", "doc_id", "sent_id"]].values.tolist() == [["negative", "a", 0], ["positive", "b", 0]]
    assert "3 sentences naming Russia in 2 articles" in explorer.message
    # picking an actor in the dropdown runs the callback: Turkey -1/3 over 3 sentences
    explorer.actor_box.value = "Turkey"
    assert explorer.summary["n_sentences"].tolist() == [3]
    assert abs(explorer.summary["mean"].iloc[0] + 1 / 3) < 1e-12
    assert [v for _, v in explorer.partner_box.options] == [None, "Russia"]
    # picking a partner: the pair's sentences a/0 and b/0, mean 0
    explorer.partner_box.value = "Russia"
    assert explorer.summary[["actor_a", "actor_b", "n_sentences", "mean"]].values.tolist() == [["Russia", "Turkey", 2, 0.0]]
    assert "naming both Turkey and Russia" in explorer.message
    # and from code
    explorer.update(actor="Russia")
    assert explorer.partner_box.value is None and explorer.summary["actor"].tolist() == ["Russia"]


def test_sentiment_explorer_static_view_and_no_actors(monkeypatch):
    import pandas as pd

    from test_sentiment import make_tone_tables

    from toolkit import widgets

    shown = _record_displays(monkeypatch)
    sentiment, mentions, sentences, documents = make_tone_tables()
    explorer = widgets.explore_sentiment(sentiment, mentions, sentences, documents, actor="Turkey", n_boot=0)
    assert [type(o).__name__ for o in shown][-3:] == ["Markdown", "Figure", "DataFrame"]
    assert "actor: Turkey" in shown[-3].data
    assert shown[-1]["doc_id"].tolist() == ["c", "a", "b"]  # -1.0, -0.5 negative; 0.5 positive
    empty = widgets.SentimentExplorer(sentiment, mentions.iloc[:0], sentences, documents, n_boot=0)
    assert empty.figure is None and "nothing to show" in empty.message
    assert isinstance(empty.evidence, pd.DataFrame)


def test_sentiment_explorer_reads_evidence_texts_from_a_cache():
    from test_sentiment import _Cache, make_tone_tables

    from toolkit.widgets import SentimentExplorer

    sentiment, mentions, sentences, documents = make_tone_tables()
    cache = _Cache(sentences)
    explorer = SentimentExplorer(sentiment, mentions, cache, documents, actor="Turkey", n_boot=0)
    # Turkey's sentences: c/0 -1.0 (s6), a/0 -0.5 (s0) negative; b/0 0.5 (s2) positive
    assert explorer.evidence["text"].tolist() == ["s6", "s0", "s2"]
    assert cache.asked == [["a", "b", "c"]]
    explorer.update(actor="Turkey", partner="Russia")  # the pair's a/0 (s0) and b/0 (s2): a and b read
    assert explorer.evidence["text"].tolist() == ["s0", "s2"] and cache.asked[-1] == ["a", "b"]
