"""Plots: seaborn and networkx figures of the toolkit's tables, data first.

Every function takes a table first (already aggregated: never millions of rows), returns the
matplotlib ``Axes`` (or ``Figure``) it drew on, and titles and labels it so that the figure says
what it shows. Each analysis has its own block below.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    # -- overview
    "plot_articles_over_time",
    "plot_lengths",
    # -- frequency
    "plot_top_terms",
    "plot_trends",
    "plot_keyness",
    "plot_dispersion",
    # -- actors
    "plot_cooccurrence_heatmap",
    "plot_actor_network",
    # -- sentiment
    "plot_tone_over_time",
    "plot_tone_by_group",
    "plot_dyad_tone",
]


def _plt():
    """matplotlib.pyplot, imported on first use (it and seaborn cost ~0.5 s; ``import toolkit`` must not)."""
    import matplotlib.pyplot as plt

    return plt


def _sns():
    """seaborn, imported on first use (see :func:`_plt`)."""
    import seaborn as sns

    return sns


def _axes(ax, size=(9, 3.5)):
    if ax is None:
        _, ax = _plt().subplots(figsize=size, layout="constrained")
    return ax


# ---------------------------------------------------------------------------------------------
# overview (notebook 01)


def plot_articles_over_time(counts: pd.DataFrame, *, by: str | None = None, value: str = "articles",
                            period_label: str = "month", ax=None):
    """Bars of articles (or words) per period, stacked by a group when given.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per period (and group): ``period``, ``articles``, ``words`` (see
        :func:`toolkit.count_documents`).
    by : str, optional
        A group column (``source``) to stack by.
    value : {"articles", "words"}
        What to plot.
    period_label : str
        How to call the period on the axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if by is None:
        table = counts.set_index("period")[[value]]
    else:
        table = counts.pivot_table(index="period", columns=by, values=value, aggfunc="sum", fill_value=0)
    labels = [f"{p:%Y-%m-%d}" if period_label in ("day", "week") else f"{p:%Y-%m}" for p in table.index]
    table.index = labels
    table.plot.bar(stacked=True, ax=ax, width=0.85, legend=by is not None, color=None if by else "#4c72b0")
    step = max(1, len(labels) // 24)
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=90)
    ax.set_xlabel(period_label)
    ax.set_ylabel(f"{value} per {period_label}")
    ax.set_title(f"{value.capitalize()} per {period_label}" + (f", by {by}" if by else ""))
    if by is not None:
        ax.legend(title=by, fontsize="small", frameon=False)
    _sns().despine(ax=ax)
    return ax


def plot_lengths(lengths: pd.DataFrame, *, column: str = "words", ax=None):
    """Histogram of article lengths (log scale when they span two orders of magnitude).

    Parameters
    ----------
    lengths : pandas.DataFrame
        One row per document with a ``words`` column (see :func:`toolkit.measure_documents`).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    values = lengths[column]
    wide = bool(len(values) > 1 and values.min() > 0 and values.max() / max(values.min(), 1) > 100)
    _sns().histplot(x=values, ax=ax, log_scale=wide, bins=min(40, max(len(values), 1)), color="#4c72b0")
    ax.set_xlabel(f"{column} per article" + (" (log scale)" if wide else ""))
    ax.set_ylabel("articles")
    ax.set_title(f"Article length in {column} (median {values.median():,.0f})" if len(values) else "No articles")
    _sns().despine(ax=ax)
    return ax


# ---------------------------------------------------------------------------------------------
# frequency (notebook 02): top terms, trends, keyness, dispersion

_VALUE_LABELS = {
    "count": "occurrences",
    "per_10k": "occurrences per 10,000 words",
    "tfidf": "TF-IDF",
    "doc_freq": "articles containing the term",
    "log_ratio": "log ratio (each step = twice as frequent)",
    "keyness": "keyness (signed log-likelihood G2)",
    "g2": "log-likelihood G2",
    "pct_diff": "%DIFF",
}


def _value_label(value: str) -> str:
    return _VALUE_LABELS.get(value, value.replace("_", " "))


def _empty(ax, message: str):
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])
    _sns().despine(ax=ax, left=True, bottom=True)
    return ax


def plot_top_terms(counts: pd.DataFrame, *, n: int = 20, value: str = "count", by: str | None = None,
                   term: str = "term", title: str | None = None, col_wrap: int = 3, ax=None):
    """Horizontal bars of the most frequent (or highest-scoring) terms, per group when asked.

    Parameters
    ----------
    counts : pandas.DataFrame
        One row per (group and) term, e.g. from :func:`toolkit.count_terms` or
        :func:`toolkit.score_tfidf`.
    n : int
        Terms shown (per group).
    value : str
        Column the bars show: ``"count"``, ``"per_10k"``, ``"tfidf"``, ...
    by : str, optional
        A group column (``"month"``, ``"source"``): one panel per group, at most 12 panels.
    title : str, optional
        Figure title; a descriptive one by default.

    Returns
    -------
    matplotlib.axes.Axes (one panel) or matplotlib.figure.Figure (one panel per group)
    """
    label = _value_label(value)
    if by is None:
        ax = _axes(ax, size=(7, max(2.5, 0.28 * min(n, max(len(counts), 1)) + 1)))
        top = counts.nlargest(n, value, keep="first")
        if top.empty:
            return _empty(ax, "no terms to show")
        _sns().barplot(data=top, y=term, x=value, ax=ax, color="#4c72b0", orient="h")
        ax.set_xlabel(label)
        ax.set_ylabel("")
        ax.set_title(title or f"Top {len(top)} terms by {label}")
        _sns().despine(ax=ax)
        return ax
    groups = list(pd.unique(counts[by]))[:12]
    cols = min(col_wrap, max(len(groups), 1))
    rows = max(1, -(-len(groups) // cols))
    fig, axes = _plt().subplots(rows, cols, figsize=(4.2 * cols, max(2.5, 0.25 * n + 1) * rows),
                             layout="constrained", squeeze=False)
    for panel, group in zip(axes.flat, groups):
        top = counts[counts[by] == group].nlargest(n, value, keep="first")
        _sns().barplot(data=top, y=term, x=value, ax=panel, color="#4c72b0", orient="h")
        name = f"{group:%Y-%m}" if isinstance(group, pd.Timestamp) else str(group)
        panel.set_title(f"{by} {name}", fontsize="medium")
        panel.set_xlabel(label)
        panel.set_ylabel("")
        _sns().despine(ax=panel)
    for panel in list(axes.flat)[len(groups):]:
        panel.set_visible(False)
    fig.suptitle(title or f"Top {n} terms by {label}, per {by}")
    return fig


def plot_trends(trends: pd.DataFrame, *, value: str = "per_10k", min_words: int | None = None,
                period_label: str = "month", title: str | None = None):
    """Relative frequency of terms over time, above the number of words each period holds.

    Periods holding fewer than ``min_words`` words are drawn as hollow markers on a grey band, so a
    rate computed on a thin period does not pass for a peak; periods without articles leave a gap.

    Parameters
    ----------
    trends : pandas.DataFrame
        One row per period and term, from :func:`toolkit.count_trends` (``period``, ``term``,
        ``count``, ``words``, ``per_10k``; an optional split column shown as line style).
    value : str
        ``"per_10k"`` (default) or ``"count"``.
    min_words : int, optional
        Threshold for a thin period; default: a fifth of the median words per non-empty period.
    period_label : str
        How to name the period on the axes.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: the trend lines (top) and words per period (bottom).
    """
    fig, (top, bottom) = _plt().subplots(2, 1, figsize=(10, 5.5), sharex=True, layout="constrained",
                                      gridspec_kw={"height_ratios": [3, 1]})
    if trends.empty or not (trends["words"] > 0).any():
        _empty(top, "no articles in any period")
        _empty(bottom, "")
        fig.suptitle(title or "Term frequency over time")
        return fig
    known = {"period", "term", "count", "words", "documents", "per_10k"}
    split = next((c for c in trends.columns if c not in known), None)
    words = trends.groupby("period", as_index=False)["words"].sum() if split else \
        trends.drop_duplicates("period")[["period", "words"]]
    filled = words.loc[words["words"] > 0, "words"]
    if min_words is None:
        min_words = int(filled.median() / 5) if len(filled) else 0
    thin = words.loc[(words["words"] > 0) & (words["words"] < min_words), "period"]
    periods = pd.DatetimeIndex(words["period"]).sort_values()
    step = (periods[1:] - periods[:-1]).min() if len(periods) > 1 else pd.Timedelta(days=30)
    width = step * 0.8
    for start in thin:
        top.axvspan(start - width / 2, start + width / 2, color="0.92", zorder=0)
    data = trends.copy()
    data[value] = data[value].where(data["words"] > 0)
    _sns().lineplot(data=data, x="period", y=value, hue="term", style=split, marker="o", ax=top,
                 estimator=None, sort=True)
    thin_points = data[data["period"].isin(thin)]
    if len(thin_points):
        top.scatter(thin_points["period"], thin_points[value], s=40, facecolors="white",
                    edgecolors="0.3", zorder=3, label=f"thin period (< {min_words:,} words)")
    top.set_ylabel(_value_label(value))
    top.set_xlabel("")
    top.legend(fontsize="small", frameon=False)
    top.set_title(title or f"Term frequency per {period_label}")
    colors = ["0.75" if w < min_words else "#4c72b0" for w in words["words"]]
    bottom.bar(words["period"], words["words"], width=width, color=colors)
    bottom.set_ylabel(f"words per\n{period_label}")
    bottom.set_xlabel(period_label)
    _sns().despine(fig=fig)
    return fig


def plot_keyness(keywords: pd.DataFrame, *, n: int = 15, value: str = "log_ratio", rank_by: str = "keyness",
                 max_p: float | None = 0.01, target_label: str = "target", reference_label: str = "reference",
                 term: str = "term", title: str | None = None, ax=None):
    """Diverging bars: the ``n`` strongest keywords of the target (right) and of the reference (left).

    Parameters
    ----------
    keywords : pandas.DataFrame
        From :func:`toolkit.find_keywords` or :func:`toolkit.compare_frequencies`.
    n : int
        Bars on each side.
    value : str
        Bar length: ``"log_ratio"`` (effect size, default), ``"keyness"`` (signed G2) or ``"pct_diff"``.
    rank_by : str
        Column choosing the terms (signed; the largest are the target's, the smallest the reference's).
    max_p : float or None
        Keep terms whose G2 p-value is below this (None keeps all).
    target_label, reference_label : str
        Names of the two sides, used in the title and legend.

    Returns
    -------
    matplotlib.axes.Axes
    """
    table = keywords
    if max_p is not None and "p_g2" in table.columns:
        table = table[table["p_g2"] < max_p]
    positive = table[table[rank_by] > 0].nlargest(n, rank_by)
    negative = table[table[rank_by] < 0].nsmallest(n, rank_by)
    shown = pd.concat([positive, negative.iloc[::-1]])
    ax = _axes(ax, size=(8, max(2.5, 0.26 * len(shown) + 1.2)))
    if shown.empty:
        return _empty(ax, "no keyword passes the significance filter")
    values = shown[value].replace([float("inf"), float("-inf")], float("nan"))
    colors = ["#c44e52" if v > 0 else "#4c72b0" for v in shown[rank_by]]
    ax.barh(range(len(shown)), values.fillna(0), color=colors)
    ax.set_yticks(range(len(shown)), shown[term])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel(_value_label(value) + f": right = more in {target_label}, left = more in {reference_label}")
    note = f" (G2 p < {max_p:g})" if max_p is not None else ""
    ax.set_title(title or f"Keywords of {target_label} against {reference_label}{note}")
    _sns().despine(ax=ax)
    return ax


def plot_dispersion(hits: pd.DataFrame, *, x: str = "corpus_position", terms=None, title: str | None = None, ax=None):
    """Dispersion plot: one row per term, one tick per occurrence, across the corpus or over time.

    Parameters
    ----------
    hits : pandas.DataFrame
        From :func:`toolkit.locate_terms` (``term``, ``corpus_position``, ``date``, ...).
    x : str
        ``"corpus_position"`` (the corpus read as one text, 0 to 1, documents in date order) or
        ``"date"``.
    terms : list of str, optional
        Rows to show, in order (terms without occurrences get an empty row); default: those in hits.

    Returns
    -------
    matplotlib.axes.Axes
    """
    terms = list(pd.unique(hits["term"])) if terms is None else list(terms)
    ax = _axes(ax, size=(10, 0.45 * max(len(terms), 1) + 1.3))
    if not terms:
        return _empty(ax, "no terms")
    positions = [hits.loc[hits["term"] == t, x].to_numpy() for t in terms]
    ax.eventplot(positions, lineoffsets=range(len(terms)), linelengths=0.7, linewidths=0.6, colors="#4c72b0")
    ax.set_yticks(range(len(terms)), [f"{t} ({len(p):,})" for t, p in zip(terms, positions)])
    ax.invert_yaxis()
    if x == "corpus_position":
        ax.set_xlim(0, 1)
        ax.set_xlabel("position in the corpus (articles in date order; 0 = first word, 1 = last)")
    else:
        ax.set_xlabel(x)
    ax.set_title(title or "Where each term occurs (one tick per occurrence)")
    _sns().despine(ax=ax, left=True)
    return ax


# ---------------------------------------------------------------------------------------------
# actors (notebook 03): co-occurrence heatmap, network drawing

_MEASURE_LABELS = {
    "joint": "units with both actors",
    "npmi": "NPMI (-1 never together, 0 chance, 1 always together)",
    "pmi": "PMI (bits above chance)",
    "log_likelihood": "log-likelihood G2",
    "dice": "Dice coefficient",
    "jaccard": "Jaccard coefficient",
}


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _actor_names(actors):
    if actors is None:
        return {}
    table = getattr(actors, "actors", actors)
    return dict(zip(table["actor"], table["name"]))


def plot_cooccurrence_heatmap(pairs: pd.DataFrame, *, value: str = "npmi", top: int = 20, actors=None,
                              title: str | None = None, ax=None):
    """Heatmap of a measure between the most frequent actors (a symmetric actor-by-actor matrix).

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`toolkit.count_pairs` (one period).
    value : str
        The measure shown (``npmi``, ``joint``, ``pmi``, ``log_likelihood``, ``dice``, ``jaccard``).
    top : int
        How many actors (those mentioned in most units).
    actors : ActorDictionary or pandas.DataFrame, optional
        For readable names on the axes.
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Empty cells: pairs never seen together (or below the minimum count).
    """
    import numpy as np

    counts = pd.concat([pairs[["actor_a", "count_a"]].set_axis(["actor", "count"], axis=1),
                        pairs[["actor_b", "count_b"]].set_axis(["actor", "count"], axis=1)])
    order = counts.groupby("actor")["count"].max().sort_values(ascending=False, kind="stable").head(top).index.tolist()
    size = max(len(order), 2)
    ax = _axes(ax, size=(min(3 + 0.45 * size, 14), min(2.5 + 0.4 * size, 13)))
    if len(order) < 2:
        return _empty(ax, "fewer than two actors co-occur: no matrix to show")
    names = _actor_names(actors)
    keep = pairs[pairs["actor_a"].isin(order) & pairs["actor_b"].isin(order)]
    matrix = pd.DataFrame(np.nan, index=order, columns=order)
    for a, b, v in zip(keep["actor_a"], keep["actor_b"], keep[value]):
        matrix.loc[a, b] = v
        matrix.loc[b, a] = v
    labels = [_short(str(names.get(a, a)), 32) for a in order]
    matrix.index, matrix.columns = labels, labels
    diverging = value in ("npmi", "pmi")
    limit = np.nanmax(np.abs(matrix.to_numpy())) if matrix.notna().any().any() else 1.0
    _sns().heatmap(matrix, ax=ax, cmap="vlag" if diverging else "rocket_r", center=0 if diverging else None,
                vmin=-limit if diverging else None, vmax=limit if diverging else None,
                annot=len(order) <= 12, fmt=".2f" if value != "joint" else ".0f",
                linewidths=0.5, linecolor="white", square=True,
                cbar_kws={"label": _MEASURE_LABELS.get(value, value), "shrink": 0.7})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title or f"Actor co-occurrence: {_MEASURE_LABELS.get(value, value)} (top {len(order)} actors)")
    return ax


def plot_actor_network(graph, *, top: int = 40, weight: str = "weight", label: str = "name",
                       highlight: str | None = None, seed: int = 0, title: str | None = None, ax=None):
    """A readable drawing of an actor network: the strongest nodes, sized by mentions, coloured by community.

    Parameters
    ----------
    graph : networkx.Graph
        From :func:`toolkit.build_graph` (positive weights).
    top : int
        Draw at most this many nodes (the largest weighted degree), with the edges among them.
    weight : str
        Edge attribute for the layout and line widths.
    label : str
        Node attribute for labels (``name`` or ``actor`` for ids).
    highlight : str, optional
        An actor drawn with a thick outline (the centre of an ego network).
    seed : int
        Layout seed (the same seed gives the same picture).
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import networkx as nx
    import numpy as np

    from .cooccurrence import find_communities

    ax = _axes(ax, size=(10, 8))
    if graph.number_of_edges() == 0:
        return _empty(ax, "no pairs of actors to draw (too few co-occurrences)")
    strength = dict(graph.degree(weight=weight))
    nodes = sorted(graph.nodes, key=lambda n: (-strength[n], n))[:top]
    if highlight is not None and highlight in graph and highlight not in nodes:
        nodes = nodes[:-1] + [highlight]
    sub = graph.subgraph(nodes).copy()
    sub.remove_nodes_from([n for n in list(sub.nodes) if sub.degree(n) == 0 and n != highlight])
    weights = np.array([d.get(weight, 1.0) for _, _, d in sub.edges(data=True)], dtype=float)
    top_weight = weights.max() if len(weights) and weights.max() > 0 else 1.0
    for _, _, d in sub.edges(data=True):
        d["_layout"] = max(float(d.get(weight, 1.0)) / top_weight, 0.01)
    pos = nx.spring_layout(sub, weight="_layout", seed=seed, k=1.8 / max(len(sub), 1) ** 0.5, iterations=200)
    community = find_communities(sub, weight="_layout").set_index("actor")["community"]
    palette = _sns().color_palette("tab10", 10)
    colours = [palette[int(community.get(n, 0)) % 10] for n in sub.nodes]
    counts = np.array([sub.nodes[n].get("count", 1) or 1 for n in sub.nodes], dtype=float)
    sizes = 120 + 1800 * np.sqrt(counts / counts.max())
    widths = [0.4 + 4.0 * d["_layout"] for _, _, d in sub.edges(data=True)]
    nx.draw_networkx_edges(sub, pos, ax=ax, width=widths, alpha=0.35, edge_color="0.35")
    nx.draw_networkx_nodes(sub, pos, ax=ax, node_size=sizes, node_color=colours, alpha=0.9,
                           linewidths=[3.0 if n == highlight else 0.5 for n in sub.nodes], edgecolors="0.15")
    labels = {n: _short(str(sub.nodes[n].get(label, n)), 26) for n in sub.nodes}
    nx.draw_networkx_labels(sub, pos, labels=labels, ax=ax, font_size=8,
                            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5})
    measure = graph.graph.get("weight", weight) if weight == "weight" else weight
    ax.set_title(title or f"Actor network: {len(sub)} actors, {sub.number_of_edges()} pairs "
                          f"(node size: mentions; colour: community; line width: {measure})")
    ax.margins(0.08)
    ax.set_axis_off()
    return ax


# ---------------------------------------------------------------------------------------------
# sentiment (notebook 04): tone over time, tone by group (sources, actors, pairs), dyad matrix

_TONE_LABELS = {
    "mean": "mean sentence score (-1 .. +1)",
    "share_negative": "share of negative sentences",
    "share_positive": "share of positive sentences",
    "difference": "mean score minus the corpus baseline",
}


def _tone_names(actors):
    if actors is None:
        return {}
    table = getattr(actors, "actors", actors)
    if isinstance(table, dict):
        return dict(table)
    return dict(zip(table["actor"], table["name"]))


def _tone_label(row, group, names):
    if group == "pair":
        return f"{names.get(row['actor_a'], row['actor_a'])} + {names.get(row['actor_b'], row['actor_b'])}"
    value = row[group]
    return str(names.get(value, value))


def _with_gaps(frame: pd.DataFrame, x: str, step) -> pd.DataFrame:
    """Insert an all-NaN row between points further apart than 1.5 steps (lines break there)."""
    if len(frame) < 2 or step is None:
        return frame
    xs = pd.to_datetime(frame[x])
    gap = xs.diff() > 1.5 * step
    if not gap.any():
        return frame
    holes = pd.DataFrame({x: (xs[gap] - xs.diff()[gap] / 2).to_numpy()})
    out = pd.concat([frame.assign(**{x: xs}), holes], ignore_index=True)
    return out.sort_values(x, kind="stable").reset_index(drop=True)


def plot_tone_over_time(tone: pd.DataFrame, *, value: str = "mean", by: str | None = None, baseline: bool = True,
                        actors=None, period_label: str = "month", min_sentences: int = 1,
                        title: str | None = None, ax=None):
    """Tone per period as lines with their confidence band (one line per group when ``by``).

    Parameters
    ----------
    tone : pandas.DataFrame
        One row per period (and group): ``period``, ``value`` with ``<value>_low`` /
        ``<value>_high``, ``n_sentences`` (from :func:`toolkit.tone_by_period`,
        :func:`toolkit.tone_by_source` with a period, or :func:`toolkit.tone_toward_actors`).
    value : {"mean", "share_negative", "share_positive", "shares"}
        ``"shares"`` draws the shares of negative and positive sentences together (no ``by``).
    by : str, optional
        Group column: one line each (``"source"``, ``"actor"``, ``"scorer"``).
    baseline : bool
        Draw ``baseline_mean`` (grey, dashed) when the table has it and ``value`` is ``"mean"``.
    actors : ActorDictionary, DataFrame (actor, name) or dict, optional
        Readable names for actor ids.
    period_label : str
    min_sentences : int
        Periods with fewer sentences are left out (thin estimates).
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Markers are sized by the number of sentences behind each point; lines break across
        periods without data.
    """
    ax = _axes(ax)
    data = tone[tone["n_sentences"] >= min_sentences].sort_values("period")
    if data.empty:
        return _empty(ax, "no scored sentences to show")
    names = _tone_names(actors)
    if value == "shares":
        by = "kind"
        data = pd.concat([
            data.assign(kind=side, value=data[f"share_{side}"], value_low=data[f"share_{side}_low"],
                        value_high=data[f"share_{side}_high"])
            for side in ("negative", "positive")])
        column, label = "value", "share of sentences"
        palette = ["#b2182b", "#2166ac"]
    else:
        column, label = value, _TONE_LABELS.get(value, value.replace("_", " "))
        palette = None
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    palette = palette or _sns().color_palette(n_colors=max(len(groups), 1))
    periods = pd.Series(sorted(pd.to_datetime(data["period"]).unique()))
    step = periods.diff().dropna()
    step = step[step > pd.Timedelta(0)].min() if len(step) else None
    size_scale = 120 / max(float(data["n_sentences"].max()), 1.0)
    for color, (key, g) in zip(palette, groups):
        name = None if key is None else str(names.get(key, key))
        x = pd.to_datetime(g["period"])
        ax.scatter(x, g[column], s=12 + g["n_sentences"] * size_scale, color=color, alpha=0.8, zorder=3)
        line = _with_gaps(g, "period", step)
        ax.plot(line["period"], line[column], color=color, label=name, linewidth=1.5)
        low, high = f"{column}_low", f"{column}_high"
        if low in line.columns and line[low].notna().any():
            ax.fill_between(line["period"], line[low].astype(float), line[high].astype(float), color=color,
                            alpha=0.18, linewidth=0)
    drawn_baseline = baseline and value == "mean" and "baseline_mean" in data.columns
    if drawn_baseline:
        base = data.groupby("period", as_index=False)["baseline_mean"].first()
        base = _with_gaps(base, "period", step)
        ax.plot(base["period"], base["baseline_mean"], color="0.35", linestyle="--", linewidth=1,
                label="all sentences" if by is not None else None)
    if value == "mean":
        ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set_ylabel(label)
    ax.set_xlabel(period_label)
    if by is not None:
        ax.legend(title=None if value == "shares" else by, frameon=False, fontsize="small", loc="best")
    extra = " (dashed: all sentences)" if drawn_baseline else ""
    ax.set_title(title or f"Tone per {period_label}: {label}, 95% band{extra}")
    _sns().despine(ax=ax)
    return ax


def plot_tone_by_group(tone: pd.DataFrame, *, group: str = "source", value: str = "mean", actors=None,
                       top: int = 20, min_sentences: int = 1, title: str | None = None, ax=None):
    """One point with its confidence interval per group, labelled with the sentences behind it.

    Parameters
    ----------
    tone : pandas.DataFrame
        One row per group: the group column(s), ``value``, ``<value>_low``/``_high``,
        ``n_sentences`` (and ``baseline_mean``, drawn as a dashed line, for actors and pairs).
    group : str
        ``"source"``, ``"actor"``, ``"scorer"``, or ``"pair"`` (uses ``actor_a`` and ``actor_b``).
    value : {"mean", "share_negative", "share_positive", "difference"}
    actors : ActorDictionary, DataFrame or dict, optional
        Readable names for actor ids.
    top : int
        Show the groups with most sentences, at most this many.
    min_sentences : int
        Leave out groups with fewer sentences.
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import numpy as np

    data = tone[tone["n_sentences"] >= min_sentences]
    data = data.sort_values("n_sentences", ascending=False, kind="stable").head(top)
    data = data.sort_values(value, kind="stable")
    ax = _axes(ax, size=(8, 1.2 + 0.35 * max(len(data), 2)))
    if data.empty:
        return _empty(ax, f"no {group} with at least {min_sentences} scored sentence(s)")
    names = _tone_names(actors)
    labels = [f"{_tone_label(row, group, names)}  (n = {int(row['n_sentences']):,})" for _, row in data.iterrows()]
    y = np.arange(len(data))
    v = data[value].to_numpy(dtype=float)
    low = data.get(f"{value}_low", pd.Series(np.nan, index=data.index)).to_numpy(dtype=float)
    high = data.get(f"{value}_high", pd.Series(np.nan, index=data.index)).to_numpy(dtype=float)
    err = np.vstack([np.where(np.isnan(low), 0, v - low), np.where(np.isnan(high), 0, high - v)])
    colors = ["#b2182b" if x < 0 else "#2166ac" for x in v]
    ax.errorbar(v, y, xerr=err, fmt="none", ecolor="0.5", elinewidth=1, capsize=2)
    ax.scatter(v, y, c=colors, s=36, zorder=3)
    ax.set_yticks(y, labels)
    if value in ("mean", "difference"):
        ax.axvline(0, color="0.6", linewidth=0.8)
    if value == "mean" and "baseline_mean" in data.columns and data["baseline_mean"].nunique() == 1:
        ax.axvline(data["baseline_mean"].iloc[0], color="0.3", linestyle="--", linewidth=1,
                   label="all sentences")
        ax.legend(frameon=False, fontsize="small", loc="lower right")
    ax.set_xlabel(_TONE_LABELS.get(value, value.replace("_", " ")))
    what = "pair" if group == "pair" else group
    ax.set_title(title or f"Tone by {what}: {_TONE_LABELS.get(value, value)} with 95% interval")
    _sns().despine(ax=ax)
    return ax


def plot_dyad_tone(dyads: pd.DataFrame, *, value: str = "mean", actors=None, top: int = 12, min_sentences: int = 3,
                   title: str | None = None, ax=None):
    """Actor-by-actor heatmap of the tone of the sentences where both appear, with their counts.

    Parameters
    ----------
    dyads : pandas.DataFrame
        From :func:`toolkit.tone_between_actors` (one scorer, no period): ``actor_a``,
        ``actor_b``, ``value``, ``n_sentences``.
    value : {"mean", "difference", "share_negative", "share_positive"}
    actors : ActorDictionary, DataFrame or dict, optional
    top : int
        Actors in most co-occurring sentences, at most this many.
    min_sentences : int
        Cells with fewer sentences are left blank.
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Each cell is annotated with the value and the number of sentences.
    """
    import numpy as np

    data = dyads[dyads["n_sentences"] >= min_sentences]
    weight = pd.concat([data[["actor_a", "n_sentences"]].set_axis(["actor", "n"], axis=1),
                        data[["actor_b", "n_sentences"]].set_axis(["actor", "n"], axis=1)])
    order = weight.groupby("actor")["n"].sum().sort_values(ascending=False, kind="stable").head(top).index.tolist()
    size = max(len(order), 2)
    ax = _axes(ax, size=(min(3.5 + 0.6 * size, 14), min(2.5 + 0.5 * size, 13)))
    if len(order) < 2:
        return _empty(ax, f"no pair of actors shares {min_sentences} or more scored sentences")
    names = _tone_names(actors)
    matrix = pd.DataFrame(np.nan, index=order, columns=order)
    counts = pd.DataFrame("", index=order, columns=order)
    keep = data[data["actor_a"].isin(order) & data["actor_b"].isin(order)]
    for a, b, v, n in zip(keep["actor_a"], keep["actor_b"], keep[value], keep["n_sentences"]):
        matrix.loc[a, b] = matrix.loc[b, a] = v
        counts.loc[a, b] = counts.loc[b, a] = f"{v:+.2f}\n{int(n)}"
    labels = [names.get(a, a) for a in order]
    matrix.index = matrix.columns = labels
    limit = float(np.nanmax(np.abs(matrix.to_numpy()))) if matrix.notna().any().any() else 1.0
    diverging = value in ("mean", "difference")
    _sns().heatmap(matrix, ax=ax, cmap="RdBu" if diverging else "rocket_r", center=0 if diverging else None,
                vmin=-limit if diverging else None, vmax=limit if diverging else None,
                annot=counts.to_numpy() if len(order) <= 12 else False, fmt="", annot_kws={"fontsize": 7},
                linewidths=0.5, linecolor="white", square=True,
                cbar_kws={"label": _TONE_LABELS.get(value, value), "shrink": 0.7})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title or f"Tone of sentences naming both actors (cell: value, sentences; blank: < {min_sentences})")
    return ax
