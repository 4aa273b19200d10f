"""Widgets: ipywidgets explorers over the toolkit's tables, each with a static view of its default.

An explorer computes with the toolkit's functions and draws with :mod:`toolkit.plots`; its
callback is a plain method (``update``) that tests and scripts can call without a browser. Every
explorer also displays a static view of its default state (a figure and a table as ordinary
outputs), so a rendered report is complete for a reader without a running kernel. Each analysis
has its own block below.
"""

from __future__ import annotations

from html import escape as _escape  # names and terms come from user files: shown as text

import pandas as pd

__all__ = [
    # -- frequency
    "FrequencyExplorer",
    "explore_frequencies",
    # -- actors
    "ActorExplorer",
    "explore_actors",
    # -- sentiment
    "SentimentExplorer",
    "explore_sentiment",
]


# ---------------------------------------------------------------------------------------------
# frequency (notebook 02): type terms, pick a period -> trend plot and KWIC table

_PERIOD_CHOICES = [("day", "D"), ("week", "W"), ("month", "M"), ("quarter", "Q"), ("year", "Y")]



def _refresh(explorer, table):
    """Show an explorer's message, figure and table in its live widgets (one definition for all)."""
    from IPython.display import display

    explorer.status.value = f"<i>{_escape(explorer.message)}</i>"
    explorer.plot_output.clear_output(wait=True)
    explorer.table_output.clear_output(wait=True)
    if explorer.figure is not None:
        with explorer.plot_output:
            display(explorer.figure)
        with explorer.table_output:
            display(table)


class FrequencyExplorer:
    """Type terms and pick a period: the trend plot and the concordance (KWIC) table follow.

    Parameters
    ----------
    tokens, documents : pandas.DataFrame
        The tokens and documents tables (``documents`` may be the annotation cache: the
        concordance then reads only the texts of the lines it shows). ``tokens`` may be the
        annotation cache too: each view then looks its terms up in the positions kept beside it
        (:func:`toolkit.find_occurrences`) instead of reading every token.
    terms : str or list of str
        The default terms (words or phrases; a string is split at commas).
    period : str
        The default period (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"`` or their names).
    width : int
        KWIC context in tokens on each side.
    max_lines : int
        KWIC lines shown (the first, in date order).
    columns : iterable of str
        Document columns shown in the KWIC table (``"outlet"``).
    form : str
        Token column matched (``"norm"`` or ``"token"``).
    trends : pandas.DataFrame, optional
        The trends of ``terms`` per ``period`` when already counted (:func:`toolkit.count_trends`
        with the same tokens, terms and period): the first view shows them instead of counting again.

    Attributes
    ----------
    trends : pandas.DataFrame
        The current trend table (from :func:`toolkit.count_trends`).
    kwic : pandas.DataFrame
        The current KWIC lines (from :func:`toolkit.find_kwic`), at most ``max_lines``.
    kwic_total : int
        How many KWIC lines there are in all.
    figure : matplotlib.figure.Figure or None
        The current trend figure.
    widget : ipywidgets.VBox
        The controls and outputs, for display in a notebook.

    Examples
    --------
    >>> explorer = FrequencyExplorer(tokens, documents, terms="ceasefire")   # doctest: +SKIP
    >>> explorer.update(terms="truce, talks", period="Y").trends            # doctest: +SKIP
    """

    def __init__(self, tokens: pd.DataFrame, documents: pd.DataFrame, *, terms=("ceasefire",), period: str = "M",
                 width: int = 8, max_lines: int = 20, columns=(), form: str = "norm", trends=None):
        import ipywidgets as widgets

        from .frequency import _as_queries, _period_code

        self.texts = documents  # where find_kwic cuts the lines: the documents, or an annotation cache
        if hasattr(documents, "read_metadata"):
            documents = documents.read_metadata()
        self.tokens, self.documents = tokens, documents
        self.width, self.max_lines, self.form = width, max_lines, form
        self.columns = [c for c in columns if c in documents.columns]
        self.trends = pd.DataFrame()
        self.kwic = pd.DataFrame()
        self.kwic_total = 0
        self.figure = None
        self.message = ""
        self._updating = False
        self.terms_box = widgets.Text(value=", ".join(_as_queries(terms)), description="terms",
                                      placeholder="words or phrases, separated by commas",
                                      continuous_update=False, layout=widgets.Layout(width="60%"))
        self.period_box = widgets.Dropdown(options=_PERIOD_CHOICES, value=_period_code(period), description="period")
        self.status = widgets.HTML()
        self.plot_output = widgets.Output()
        self.table_output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.terms_box, self.period_box]), self.status,
                                    self.plot_output, self.table_output])
        self.terms_box.observe(self._on_change, names="value")
        self.period_box.observe(self._on_change, names="value")
        self._counted = trends  # the first view's trends, when the caller has counted them already
        self.update()

    def _on_change(self, change):
        if not self._updating:
            self.update()

    def update(self, terms=None, period=None) -> "FrequencyExplorer":
        """Recompute the trend and the KWIC lines (for new terms and/or period, when given) and redraw.

        Returns the explorer itself, so ``explorer.update(terms="truce").kwic`` reads the table.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .frequency import _as_queries, _period_code, count_trends, find_kwic
        from .plots import plot_trends

        self._updating = True
        try:
            if terms is not None:
                self.terms_box.value = ", ".join(_as_queries(terms))
            if period is not None:
                self.period_box.value = _period_code(period)
        finally:
            self._updating = False
        queries = _as_queries(self.terms_box.value)
        code = self.period_box.value
        label = dict((c, n) for n, c in _PERIOD_CHOICES)[code]
        if self.figure is not None:
            plt.close(self.figure)
            self.figure = None
        if not queries:
            self.trends, self.kwic, self.kwic_total = pd.DataFrame(), pd.DataFrame(), 0
            self.message = "Type one or more words or phrases, separated by commas."
        else:
            counted, self._counted = self._counted, None
            if counted is not None:
                self.trends = counted
            else:
                self.trends = count_trends(self.tokens, queries, documents=self.documents, period=code, form=self.form)
            lines = find_kwic(self.tokens, self.texts, queries, width=self.width, columns=self.columns,
                              form=self.form, n=self.max_lines)  # only the lines shown are cut from the text
            self.kwic_total = lines.attrs["total"]
            self.kwic = lines[["doc_id", "date", *self.columns, "left", "match", "right"]]
            self.figure = plot_trends(self.trends, period_label=label,
                                      title=f"{', '.join(queries)}: occurrences per 10,000 words per {label}")
            plt.close(self.figure)  # shown through the outputs only
            counts = self.trends.groupby("term", sort=False)["count"].sum()
            found = ", ".join(f"{term} {count:,}" for term, count in counts.items())
            self.message = (f"Occurrences: {found}. Showing {len(self.kwic)} of {self.kwic_total:,} "
                            f"concordance lines (date order).")
        _refresh(self, self.kwic)
        return self

    def show_static(self):
        """Display the current state as ordinary outputs (a figure and a table), not widgets."""
        from IPython.display import Markdown, display

        display(Markdown(_escape(f"*Static view (terms: {self.terms_box.value or '-'}; period: "
                                 f"{dict((c, n) for n, c in _PERIOD_CHOICES)[self.period_box.value]}). {self.message}*")))
        if self.figure is not None:
            display(self.figure)
            display(self.kwic)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_frequencies(tokens: pd.DataFrame, documents: pd.DataFrame, *, terms=("ceasefire",), period: str = "M",
                        width: int = 8, max_lines: int = 20, columns=(), form: str = "norm",
                        static: bool = True, trends=None) -> FrequencyExplorer:
    """A frequency explorer (type terms, pick a period), after a static view of its default.

    Parameters
    ----------
    tokens, documents : pandas.DataFrame or toolkit.Annotations
        The tokens and documents tables, or the annotation cache (see :class:`FrequencyExplorer`).
    terms, period, width, max_lines, columns, form, trends
        As in :class:`FrequencyExplorer`.
    static : bool
        Display the default trend figure and KWIC table as plain outputs first (so the rendered
        HTML shows them without a kernel).

    Returns
    -------
    FrequencyExplorer
        Displayed as the live widget when it is the last value of a notebook cell.
    """
    explorer = FrequencyExplorer(tokens, documents, terms=terms, period=period, width=width,
                                 max_lines=max_lines, columns=columns, form=form, trends=trends)
    if static:
        explorer.show_static()
    return explorer


# ---------------------------------------------------------------------------------------------
# actors (notebook 03): pick an actor -> its partners, ego network and the evidence for a pair


class ActorExplorer:
    """Pick an actor: its partners (strongest first), its ego network, and the passages that join
    it to a chosen partner.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`toolkit.count_pairs` (one period).
    mentions, sentences : pandas.DataFrame
        The tables the pairs were counted from (for the evidence).
    documents : pandas.DataFrame, optional
        Adds the date, file and ``columns`` of each article to the evidence.
    actor : str, optional
        The actor shown first; by default the one with most partners (then most mentions).
    actors : ActorDictionary or pandas.DataFrame, optional
        For readable names.
    measure : str
        The measure partners are ranked by and the network is weighted by (``npmi``, ``joint``, ...).
    window, tokens
        The window the pairs were counted with (and the tokens for a token window).
    max_partners : int
        Partners listed and drawn.
    max_evidence : int
        Passages shown.
    columns : iterable of str
        Document columns added to the evidence (``outlet``).

    Attributes
    ----------
    partners : pandas.DataFrame
        The current actor's partners (:func:`toolkit.list_partners`), at most ``max_partners``.
    evidence : pandas.DataFrame
        The passages for the current pair (:func:`toolkit.find_evidence`).
    figure : matplotlib.figure.Figure or None
        The ego network.
    message : str
        What is shown, in words.
    widget : ipywidgets.VBox

    Examples
    --------
    >>> explorer = ActorExplorer(pairs, mentions, sentences, documents)   # doctest: +SKIP
    >>> explorer.update(actor="TUR", partner="RUS").evidence              # doctest: +SKIP
    """

    def __init__(self, pairs: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                 documents: pd.DataFrame | None = None, *, actor: str | None = None, actors=None,
                 measure: str = "npmi", window="sentence", tokens: pd.DataFrame | None = None,
                 max_partners: int = 15, max_evidence: int = 10, columns=("outlet",)):
        import ipywidgets as widgets

        from .cooccurrence import build_graph

        self.pairs, self.mentions, self.sentences, self.documents = pairs, mentions, sentences, documents
        self.measure, self.window, self.tokens = measure, window, tokens
        self.max_partners, self.max_evidence = max_partners, max_evidence
        self.columns = tuple(c for c in ("date", "file", *columns) if documents is not None and c in documents.columns)
        table = getattr(actors, "actors", actors)
        self.names = dict(zip(table["actor"], table["name"])) if table is not None else {}
        self.graph = build_graph(pairs, weight=measure, actors=actors) if len(pairs) else None
        degree = pd.concat([pairs["actor_a"], pairs["actor_b"]]).value_counts()
        counts = pd.concat([pairs[["actor_a", "count_a"]].set_axis(["actor", "count"], axis=1),
                            pairs[["actor_b", "count_b"]].set_axis(["actor", "count"], axis=1)]
                           ).groupby("actor")["count"].max()
        order = sorted(degree.index, key=lambda a: (-degree[a], -counts.get(a, 0), a))
        self.choices = order
        self.partners = pd.DataFrame()
        self.evidence = pd.DataFrame()
        self.figure = None
        self.message = ""
        self._updating = False
        self.actor_box = widgets.Dropdown(
            options=[(f"{self.names.get(a, a)} ({a}, {int(degree[a])} partners)", a) for a in order],
            value=(actor if actor in order else (order[0] if order else None)), description="actor")
        self.partner_box = widgets.Dropdown(options=[], description="evidence with")
        self.status = widgets.HTML()
        self.table_output = widgets.Output()
        self.plot_output = widgets.Output()
        self.evidence_output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.actor_box, self.partner_box]), self.status,
                                    widgets.HBox([self.table_output, self.plot_output]), self.evidence_output])
        self.actor_box.observe(self._on_actor, names="value")
        self.partner_box.observe(self._on_partner, names="value")
        if actor is not None and actor not in order:
            self.message = f"{actor} has no partners here."
        self.update(actor=self.actor_box.value)

    def _on_actor(self, change):
        if not self._updating:
            self.update(actor=change["new"])

    def _on_partner(self, change):
        if not self._updating:
            self.update(partner=change["new"])

    def _name(self, actor):
        return f"{self.names.get(actor, actor)} ({actor})" if actor in self.names else str(actor)

    def update(self, actor: str | None = None, partner: str | None = None) -> "ActorExplorer":
        """Show an actor (its partners, ego network, evidence with its strongest or a given partner).

        Returns the explorer itself, so ``explorer.update(actor="TUR").partners`` reads the table.
        """
        import matplotlib.pyplot as plt
        import networkx as nx
        from IPython.display import display

        from .cooccurrence import find_evidence, list_partners
        from .plots import plot_actor_network

        actor_changed = actor is not None and actor != getattr(self, "actor", None)
        if actor is None:
            actor = getattr(self, "actor", None)
        self.actor = actor
        if self.figure is not None:
            plt.close(self.figure)
            self.figure = None
        if actor is None or actor not in self.choices:
            self.partners, self.evidence = pd.DataFrame(), pd.DataFrame()
            self.partner = None
            self.message = (f"{self._name(actor)} has no partners here." if actor is not None
                            else "No pairs of actors co-occur in these articles: nothing to explore.")
        else:
            partners = list_partners(self.pairs, actor, by=self.measure)
            self.partners = partners.head(self.max_partners)[
                ["partner", "joint", "count_a", "count_b", "total", "npmi", "pmi", "log_likelihood", "p_value"]]
            self.partners.insert(1, "name", [self.names.get(p, p) for p in self.partners["partner"]])
            options = list(self.partners["partner"])
            if partner is None and not actor_changed:
                partner = getattr(self, "partner", None)
            if partner not in options:
                partner = options[0] if options else None
            self.partner = partner
            self._updating = True
            try:
                if self.actor_box.value != actor:
                    self.actor_box.value = actor
                self.partner_box.options = [(self.names.get(p, p), p) for p in options]
                self.partner_box.value = partner
            finally:
                self._updating = False
            self.evidence = find_evidence(self.mentions, self.sentences, actor, partner, window=self.window,
                                          documents=self.documents, tokens=self.tokens,
                                          document_columns=self.columns, limit=self.max_evidence)
            ego = nx.ego_graph(self.graph, actor) if self.graph is not None and actor in self.graph else nx.Graph()
            keep = [actor] + [p for p in options if p in ego]
            ego = ego.subgraph(keep).copy()
            ax = plot_actor_network(ego, top=self.max_partners + 1, highlight=actor,
                                    title=f"{self.names.get(actor, actor)} and its partners "
                                          f"(line width: {self.measure})")
            self.figure = ax.figure
            plt.close(self.figure)
            total = len(partners)
            self.message = (f"{self._name(actor)}: {total} partners, the {len(self.partners)} strongest by "
                            f"{self.measure} listed. Evidence with {self._name(partner)}: "
                            f"{len(self.evidence)} passages shown.")
        self.status.value = f"<i>{_escape(self.message)}</i>"
        for output in (self.table_output, self.plot_output, self.evidence_output):
            output.clear_output(wait=True)
        if self.figure is not None:
            with self.table_output:
                display(self.partners)
            with self.plot_output:
                display(self.figure)
            with self.evidence_output:
                display(self.evidence)
        return self

    def show_static(self):
        """Display the current state as ordinary outputs (note, partners, network, evidence)."""
        from IPython.display import Markdown, display

        display(Markdown(_escape(f"*Static view of the actor explorer. {self.message}*")))
        if self.figure is not None:
            display(self.partners)
            display(self.figure)
            display(self.evidence)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_actors(pairs: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                   documents: pd.DataFrame | None = None, *, actor: str | None = None, actors=None,
                   measure: str = "npmi", window="sentence", tokens: pd.DataFrame | None = None,
                   max_partners: int = 15, max_evidence: int = 10, columns=("outlet",),
                   static: bool = True) -> ActorExplorer:
    """An actor explorer (pick an actor: partners, ego network, evidence), after a static view of its default.

    Parameters
    ----------
    pairs, mentions, sentences, documents, actor, actors, measure, window, tokens, max_partners,
    max_evidence, columns
        As in :class:`ActorExplorer`.
    static : bool
        Display the default partners, network and evidence as plain outputs first (so the
        rendered HTML shows them without a kernel).

    Returns
    -------
    ActorExplorer
        Displayed as the live widget when it is the last value of a notebook cell.
    """
    explorer = ActorExplorer(pairs, mentions, sentences, documents, actor=actor, actors=actors, measure=measure,
                             window=window, tokens=tokens, max_partners=max_partners,
                             max_evidence=max_evidence, columns=columns)
    if static:
        explorer.show_static()
    return explorer



# ---------------------------------------------------------------------------------------------
# sentiment (notebook 04): pick an actor (and optionally a partner) -> tone over time and evidence


class SentimentExplorer:
    """Pick an actor, and optionally a partner: tone over time against the baseline, and the most
    negative and most positive sentences behind it.

    Parameters
    ----------
    sentiment, mentions, sentences, documents : pandas.DataFrame
        The sentiment, mentions, sentences and documents tables; ``sentences`` may be the
        annotation cache (``toolkit.Annotations``): the evidence then reads the texts of the
        sentences it lists only (see :func:`toolkit.find_tone_evidence`).
    actor : str, optional
        The actor shown first; by default the one in most scored sentences.
    partner : str, optional
        Show the sentences naming both ``actor`` and ``partner`` (dyadic tone); ``None``: all
        sentences naming ``actor``.
    actors : ActorDictionary, pandas.DataFrame or dict, optional
        Readable names for actor ids.
    period : str
        ``"D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"``.
    scorer : str, optional
        The scorer shown (default: the first in the sentiment table).
    n_evidence : int
        Sentences shown on each side.
    n_boot, seed
        Bootstrap replicates and seed of the intervals.

    Attributes
    ----------
    tone : pandas.DataFrame
        The current selection's tone per period (:func:`toolkit.tone_toward_actors` or
        :func:`toolkit.tone_between_actors`), with the baseline of each period.
    summary : pandas.DataFrame
        The same over the whole corpus (one row).
    evidence : pandas.DataFrame
        The most negative and most positive sentences (:func:`toolkit.find_tone_evidence`).
    figure : matplotlib.figure.Figure or None
    message : str
        What is shown, in words.
    widget : ipywidgets.VBox

    Examples
    --------
    >>> explorer = SentimentExplorer(sentiment, mentions, sentences, documents)   # doctest: +SKIP
    >>> explorer.update(actor="TUR", partner="RUS").summary                       # doctest: +SKIP
    """

    _ANY = "(any sentence naming the actor)"

    def __init__(self, sentiment: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                 documents: pd.DataFrame, *, actor: str | None = None, partner: str | None = None, actors=None,
                 period: str = "M", scorer: str | None = None, n_evidence: int = 5, n_boot: int = 1000,
                 seed: int = 0):
        import ipywidgets as widgets

        from .plots import _tone_names
        from .sentiment import _isin, _sentence_actors, _sentence_keys

        if scorer is None and len(sentiment):
            scorer = str(sentiment["scorer"].iloc[0])
        self.scorer = scorer
        self.sentiment = sentiment[sentiment["scorer"] == scorer] if scorer is not None else sentiment
        self.mentions = _sentence_actors(mentions).reset_index(drop=True)  # one row per sentence and actor
        # sentences as integer keys: which mentions are in a scored sentence (no join of every sentence)
        scored_keys, self._keys = _sentence_keys(self.sentiment, self.mentions)
        self._scored = _isin(self._keys, scored_keys[scored_keys >= 0])
        scored = self.mentions[self._scored]
        self.counts = scored["actor"].value_counts(sort=False).sort_index().sort_values(ascending=False, kind="stable")
        self.sentences, self.documents = sentences, documents
        self.period, self.n_evidence, self.n_boot, self.seed = period, n_evidence, n_boot, seed
        self.names = _tone_names(actors)
        self.tone = pd.DataFrame()
        self.summary = pd.DataFrame()
        self.evidence = pd.DataFrame()
        self.figure = None
        self.message = ""
        self._updating = False
        options = [(f"{self.names.get(a, a)} ({n:,})", a) for a, n in self.counts.items()]
        first = actor if actor in self.counts.index else (options[0][1] if options else None)
        self.actor_box = widgets.Dropdown(options=options, value=first, description="actor")
        self.partner_box = widgets.Dropdown(options=self._partner_options(first), value=None, description="with")
        self._shown_actor = first
        self.status = widgets.HTML()
        self.plot_output = widgets.Output()
        self.table_output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.actor_box, self.partner_box]), self.status,
                                    self.plot_output, self.table_output])
        self.actor_box.observe(self._on_actor, names="value")
        self.partner_box.observe(self._on_change, names="value")
        self.update(actor=first, partner=partner)

    def _partner_options(self, actor):
        options = [(self._ANY, None)]
        if actor is None:
            return options
        from .sentiment import _isin

        mine = self._keys[(self.mentions["actor"] == actor).to_numpy()]
        others = self.mentions[_isin(self._keys, mine) & self._scored]
        counts = others[others["actor"] != actor]["actor"].value_counts().sort_index()
        counts = counts.sort_values(ascending=False, kind="stable")
        return options + [(f"{self.names.get(a, a)} ({n:,})", a) for a, n in counts.items()]

    def _on_actor(self, change):
        if not self._updating:
            self.update(actor=change["new"], partner=None)

    def _on_change(self, change):
        if not self._updating:
            self.update()

    def update(self, actor: str | None = None, partner: str | None = None) -> "SentimentExplorer":
        """Recompute tone and evidence for an actor (and partner, when given) and redraw.

        Returns the explorer itself, so ``explorer.update(actor="RUS").tone`` reads the table.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        from .plots import plot_tone_over_time
        from .sentiment import find_tone_evidence, tone_between_actors, tone_toward_actors

        self._updating = True
        try:
            if actor is not None:
                self.actor_box.value = actor
            if self.actor_box.value != self._shown_actor:  # a new actor: its partners, none chosen
                self._shown_actor = self.actor_box.value
                self.partner_box.options = self._partner_options(self._shown_actor)
                self.partner_box.value = None
            valid = [v for _, v in self.partner_box.options]
            if partner is not None and partner in valid:
                self.partner_box.value = partner
            elif partner is not None:
                self.partner_box.value = None
        finally:
            self._updating = False
        actor, partner = self.actor_box.value, self.partner_box.value
        if self.figure is not None:
            plt.close(self.figure)
            self.figure = None
        opts = {"n_boot": self.n_boot, "seed": self.seed}
        if actor is None:
            self.tone = self.summary = self.evidence = pd.DataFrame()
            self.message = "No actor is mentioned in a scored sentence: nothing to show."
        else:
            name = self.names.get(actor, actor)
            if partner is None:
                self.tone = tone_toward_actors(self.sentiment, self.mentions, documents=self.documents,
                                               period=self.period, actors=[actor], **opts)
                self.summary = tone_toward_actors(self.sentiment, self.mentions, actors=[actor], **opts)
                self.evidence = find_tone_evidence(self.sentiment, self.sentences, mentions=self.mentions,
                                                   actor=actor, documents=self.documents, n=self.n_evidence)
                what = f"sentences naming {name}"
            else:
                pname = self.names.get(partner, partner)
                self.tone = tone_between_actors(self.sentiment, self.mentions, documents=self.documents,
                                                period=self.period, pairs=[(actor, partner)], **opts)
                self.summary = tone_between_actors(self.sentiment, self.mentions, pairs=[(actor, partner)], **opts)
                self.evidence = find_tone_evidence(self.sentiment, self.sentences, mentions=self.mentions,
                                                   pair=(actor, partner), documents=self.documents, n=self.n_evidence)
                what = f"sentences naming both {name} and {pname}"
            fig, ax = plt.subplots(figsize=(9, 3.5), layout="constrained")
            label = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}.get(self.period, self.period)
            plot_tone_over_time(self.tone, period_label=label, ax=ax,
                                title=f"Tone of the {what} per {label} ({self.scorer}; dashed: all sentences)")
            plt.close(fig)  # shown through the outputs only
            self.figure = fig
            if len(self.summary):
                row = self.summary.iloc[0]
                low, high = row["mean_low"], row["mean_high"]
                interval = f" (95% interval {low:+.3f} to {high:+.3f})" if pd.notna(low) else ""
                self.message = (f"{int(row['n_sentences']):,} {what} in {int(row['n_documents']):,} articles: "
                                f"mean score {row['mean']:+.3f}{interval}, corpus baseline "
                                f"{row['baseline_mean']:+.3f}; {row['share_negative']:.0%} negative, "
                                f"{row['share_positive']:.0%} positive.")
            else:
                self.message = f"No scored {what}."
        _refresh(self, self.evidence)
        return self

    def show_static(self):
        """Display the current state as ordinary outputs (a figure and a table), not widgets."""
        from IPython.display import Markdown, display

        actor, partner = self.actor_box.value, self.partner_box.value
        chosen = "-" if actor is None else self.names.get(actor, actor)
        if partner is not None:
            chosen += " + " + self.names.get(partner, partner)
        display(Markdown(_escape(f"*Static view (actor: {chosen}; scorer: {self.scorer}). {self.message}*")))
        if self.figure is not None:
            display(self.figure)
            display(self.evidence)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_sentiment(sentiment: pd.DataFrame, mentions: pd.DataFrame, sentences: pd.DataFrame,
                      documents: pd.DataFrame, *, actor: str | None = None, partner: str | None = None, actors=None,
                      period: str = "M", scorer: str | None = None, n_evidence: int = 5, n_boot: int = 1000,
                      seed: int = 0, static: bool = True) -> SentimentExplorer:
    """A sentiment explorer (pick an actor or a pair), after a static view of its default.

    Parameters
    ----------
    sentiment, mentions, sentences, documents : pandas.DataFrame
        As in :class:`SentimentExplorer` (``sentences`` may be the annotation cache).
    actor, partner, actors, period, scorer, n_evidence, n_boot, seed
        As in :class:`SentimentExplorer`.
    static : bool
        Display the default figure and evidence table as plain outputs first (so the rendered HTML
        shows them without a kernel).

    Returns
    -------
    SentimentExplorer
        Displayed as the live widget when it is the last value of a notebook cell.
    """
    explorer = SentimentExplorer(sentiment, mentions, sentences, documents, actor=actor, partner=partner,
                                 actors=actors, period=period, scorer=scorer, n_evidence=n_evidence,
                                 n_boot=n_boot, seed=seed)
    if static:
        explorer.show_static()
    return explorer
