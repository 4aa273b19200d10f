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
