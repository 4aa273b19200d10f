"""Tests of toolkit.plots: each analysis has its own block of test functions."""


# -- frequency plots (notebook 02) -------------------------------------------------------------


def _frequency_tables():
    from test_frequency import make_documents, make_tokens

    from toolkit import frequency

    documents = make_documents()
    return frequency, make_tokens(documents), documents


def _close_figures():
    import matplotlib.pyplot as plt

    plt.close("all")


def test_plot_top_terms_draws_one_bar_per_term():
    import matplotlib.axes

    from toolkit import plots

    frequency, tokens, documents = _frequency_tables()
    ax = plots.plot_top_terms(frequency.count_terms(tokens), n=3)
    assert isinstance(ax, matplotlib.axes.Axes)
    # the three most frequent: gaza 3, truce 3, then in / war 2 (the first met in count order)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gaza", "truce", "in"]
    assert [p.get_width() for p in ax.patches] == [3, 3, 2]
    assert ax.get_title() == "Top 3 terms by occurrences" and ax.get_xlabel() == "occurrences"
    fig = plots.plot_top_terms(frequency.count_terms(tokens, by="source", documents=documents), n=2,
                               by="source", value="per_10k")
    titles = [a.get_title() for a in fig.axes if a.get_visible()]
    assert titles == ["source A", "source B"]
    assert fig.axes[0].get_xlabel() == "occurrences per 10,000 words"
    _close_figures()


def test_plot_trends_marks_thin_periods_and_draws_words():
    import matplotlib.figure

    from toolkit import plots

    frequency, tokens, documents = _frequency_tables()
    trend = frequency.count_trends(tokens, ["truce", "war"], documents=documents, period="M")
    fig = plots.plot_trends(trend, min_words=10)
    assert isinstance(fig, matplotlib.figure.Figure)
    top, bottom = fig.axes[:2]
    # words per month: 13, 0, 5 -> three bars; March (5 < 10 words) is thin and grey
    assert [p.get_height() for p in bottom.patches] == [13, 0, 5]
    assert bottom.patches[2].get_facecolor()[:3] == bottom.patches[1].get_facecolor()[:3]  # both grey
    assert top.get_ylabel() == "occurrences per 10,000 words"
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "truce" in labels and "thin period (< 10 words)" in labels
    _close_figures()


def test_plot_keyness_diverges_and_filters_on_p():
    from toolkit import plots

    frequency, tokens, documents = _frequency_tables()
    keys = frequency.find_keywords(tokens, {"month": "2011-01"}, documents=documents)
    ax = plots.plot_keyness(keys, n=2, max_p=None, target_label="January", reference_label="March")
    # target side: truce (keyness 2.17) then the next positive; reference side: war (most negative) last
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "truce" and labels[-1] == "war" and len(labels) == 4
    assert ax.patches[0].get_width() > 0 and ax.patches[-1].get_width() < 0
    assert ax.get_title() == "Keywords of January against March"
    # nothing in a three-article corpus is significant at p < 0.01: a message, not an error
    empty = plots.plot_keyness(keys, max_p=0.01)
    assert "no keyword" in empty.texts[0].get_text()
    _close_figures()


def test_plot_dispersion_one_row_per_term():
    from toolkit import plots

    frequency, tokens, documents = _frequency_tables()
    hits = frequency.locate_terms(tokens, ["truce", "war", "peace"], documents=documents)
    ax = plots.plot_dispersion(hits, terms=["truce", "war", "peace"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["truce (3)", "war (2)", "peace (0)"]
    assert ax.get_xlim() == (0.0, 1.0)
    _close_figures()


# -- actor plots (notebook 03) -----------------------------------------------------------------


def _actor_pairs():
    from test_cooccurrence import MENTIONS, SENTENCES

    from toolkit.cooccurrence import count_pairs

    return count_pairs(MENTIONS, sentences=SENTENCES)


def test_plot_cooccurrence_heatmap_is_a_symmetric_matrix_with_names():
    import numpy as np
    import pandas as pd

    from toolkit import plots

    pairs = _actor_pairs()
    names = pd.DataFrame({"actor": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]})
    ax = plots.plot_cooccurrence_heatmap(pairs, value="joint", actors=names)
    # actors by units mentioning them: A 3, B 3, C 2 (ties by id); cells: A-B 2, B-C 1, A-C empty
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Alpha", "Beta", "Gamma"]
    values = ax.collections[0].get_array().reshape(3, 3)
    assert values[0, 1] == values[1, 0] == 2 and values[1, 2] == values[2, 1] == 1
    assert np.ma.is_masked(values[0, 2])
    assert "units with both actors" in ax.get_title()
    empty = plots.plot_cooccurrence_heatmap(pairs.iloc[:0])
    assert "fewer than two actors" in empty.texts[0].get_text()
    _close_figures()


def test_plot_actor_network_draws_the_nodes_and_edges():
    import networkx as nx

    from toolkit import plots
    from toolkit.cooccurrence import build_graph

    graph = build_graph(_actor_pairs(), weight="joint")
    ax = plots.plot_actor_network(graph, label="actor", highlight="B")
    # 3 nodes (one PathCollection), 2 edges (one LineCollection), 3 labels
    assert len(ax.collections[1].get_offsets()) == 3
    assert len(ax.collections[0].get_segments()) == 2
    assert sorted(t.get_text() for t in ax.texts) == ["A", "B", "C"]
    assert "line width: joint" in ax.get_title()
    top = plots.plot_actor_network(graph, top=2)
    # the two strongest nodes: B (2 + 1) and A (2)
    assert sorted(t.get_text() for t in top.texts) == ["A", "B"]
    assert "no pairs" in plots.plot_actor_network(nx.Graph()).texts[0].get_text()
    _close_figures()


# -- sentiment plots (notebook 04) -------------------------------------------------------------


def _tone_tables():
    from test_sentiment import make_tone_tables

    return make_tone_tables()


def test_plot_tone_over_time_one_line_per_group_with_band():
    import matplotlib.pyplot as plt

    from toolkit import plots, sentiment

    scores, mentions, _, documents = _tone_tables()
    tone = sentiment.tone_toward_actors(scores, mentions, documents=documents, period="M", n_boot=200)
    ax = plots.plot_tone_over_time(tone, by="actor", actors={"Russia": "Russian Federation"})
    # two actors, one solid line each (Russia has only March), and one dashed baseline for both
    solid = [line for line in ax.get_lines() if line.get_linestyle() == "-" and line.get_label()[0] != "_"]
    assert sorted(line.get_label() for line in solid) == ["Russian Federation", "Turkey"]
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    # baseline: March (-0.5 + 0 + 0.5 + 1 + 0 + 0.5) / 6 = 0.25, April -1.0
    assert len(dashed) == 1 and list(dashed[0].get_ydata()) == [0.25, -1.0]
    assert "dashed: all sentences" in ax.get_title()
    shares = plots.plot_tone_over_time(tone[tone.actor == "Turkey"], value="shares")
    # Turkey: March a/0 -0.5, b/0 0.5 -> 1/2 negative, 1/2 positive; April c/0 -1.0 -> 1 negative
    lines = {line.get_label(): list(line.get_ydata()) for line in shares.get_lines()}
    assert lines["negative"] == [0.5, 1.0] and lines["positive"] == [0.5, 0.0]
    empty = plots.plot_tone_over_time(tone, min_sentences=100)
    assert "no scored sentences" in empty.texts[0].get_text()
    plt.close("all")


def test_plot_tone_over_time_breaks_lines_across_empty_periods():
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from toolkit import plots

    tone = pd.DataFrame({"period": pd.to_datetime(["2011-01-01", "2011-02-01", "2011-06-01"]),
                         "mean": [0.1, 0.2, 0.3], "n_sentences": [5, 5, 5]})
    ax = plots.plot_tone_over_time(tone, baseline=False)
    y = list(ax.get_lines()[0].get_ydata())
    # January -> February is one step (31 days); February -> June (120 days) is more than 1.5 steps
    assert y[:2] == [0.1, 0.2] and np.isnan(y[2]) and y[3] == 0.3
    plt.close("all")


def test_plot_tone_by_group_labels_carry_the_counts():
    import matplotlib.pyplot as plt

    from toolkit import plots, sentiment

    scores, mentions, _, documents = _tone_tables()
    by_source = sentiment.tone_by_source(scores, documents, n_boot=0)
    ax = plots.plot_tone_by_group(by_source, group="source")
    # sorted by mean: BBC (a, c: -1.5/3 = -0.5) below Reuters (b: 2/4 = 0.5)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["BBC  (n = 3)", "Reuters  (n = 4)"]
    pairs = sentiment.tone_between_actors(scores, mentions, n_boot=0)
    ax = plots.plot_tone_by_group(pairs, group="pair")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Russia + Turkey  (n = 2)"]
    assert "no source" in plots.plot_tone_by_group(by_source, min_sentences=9).texts[0].get_text()
    plt.close("all")


def test_plot_dyad_tone_matrix_cells_and_blank_when_thin():
    import matplotlib.pyplot as plt

    from toolkit import plots, sentiment

    scores, mentions, _, _ = _tone_tables()
    extra = mentions.iloc[[6]].assign(actor="Iran")  # Iran with Turkey in c/0 only: 1 sentence
    import pandas as pd

    dyads = sentiment.tone_between_actors(scores, pd.concat([mentions, extra]), n_boot=0)
    ax = plots.plot_dyad_tone(dyads, min_sentences=1)
    # three actors; Russia + Turkey: mean 0.00 over 2 sentences; Iran + Turkey: -1.00 over 1
    cells = sorted(t.get_text() for t in ax.texts)
    assert cells == ["+0.00\n2", "+0.00\n2", "-1.00\n1", "-1.00\n1"]
    thin = plots.plot_dyad_tone(dyads, min_sentences=3)
    assert "no pair of actors" in thin.texts[0].get_text()
    plt.close("all")
