"""Widgets: ipywidgets explorers over the toolkit's tables, each with a static view of its default.

An explorer computes with the toolkit's functions and draws with :mod:`toolkit.plots`; its
callback is a plain method (``update``) that tests and scripts can call without a browser. Every
explorer also displays a static view of its default state (a figure and a table as ordinary
outputs), so a rendered report is complete for a reader without a running kernel. Each analysis
has its own block below.
"""

from __future__ import annotations

import pandas as pd

__all__ = [
    # -- frequency
    "FrequencyExplorer",
    "explore_frequencies",
]


# ---------------------------------------------------------------------------------------------
# frequency (notebook 02): type terms, pick a period -> trend plot and KWIC table

_PERIOD_CHOICES = [("day", "D"), ("week", "W"), ("month", "M"), ("quarter", "Q"), ("year", "Y")]


class FrequencyExplorer:
    """Type terms and pick a period: the trend plot and the concordance (KWIC) table follow.

    Parameters
    ----------
    tokens, documents : pandas.DataFrame
        The tokens and documents tables.
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
                 width: int = 8, max_lines: int = 20, columns=(), form: str = "norm"):
        import ipywidgets as widgets

        from .frequency import _as_queries, _period_code

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
            self.trends = count_trends(self.tokens, queries, documents=self.documents, period=code, form=self.form)
            lines = find_kwic(self.tokens, self.documents, queries, width=self.width, columns=self.columns,
                              form=self.form)
            self.kwic_total = len(lines)
            self.kwic = lines.head(self.max_lines)[["doc_id", "date", *self.columns, "left", "match", "right"]]
            self.figure = plot_trends(self.trends, period_label=label,
                                      title=f"{', '.join(queries)}: occurrences per 10,000 words per {label}")
            plt.close(self.figure)  # shown through the outputs only
            counts = self.trends.groupby("term", sort=False)["count"].sum()
            found = ", ".join(f"{term} {count:,}" for term, count in counts.items())
            self.message = (f"Occurrences: {found}. Showing {len(self.kwic)} of {self.kwic_total:,} "
                            f"concordance lines (date order).")
        self.status.value = f"<i>{self.message}</i>"
        self.plot_output.clear_output(wait=True)
        self.table_output.clear_output(wait=True)
        if self.figure is not None:
            with self.plot_output:
                display(self.figure)
            with self.table_output:
                display(self.kwic)
        return self

    def show_static(self):
        """Display the current state as ordinary outputs (a figure and a table), not widgets."""
        from IPython.display import Markdown, display

        display(Markdown(f"*Static view (terms: {self.terms_box.value or '-'}; period: "
                         f"{dict((c, n) for n, c in _PERIOD_CHOICES)[self.period_box.value]}). {self.message}*"))
        if self.figure is not None:
            display(self.figure)
            display(self.kwic)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def explore_frequencies(tokens: pd.DataFrame, documents: pd.DataFrame, *, terms=("ceasefire",), period: str = "M",
                        width: int = 8, max_lines: int = 20, columns=(), form: str = "norm",
                        static: bool = True) -> FrequencyExplorer:
    """A frequency explorer (type terms, pick a period), after a static view of its default.

    Parameters
    ----------
    tokens, documents : pandas.DataFrame
        The tokens and documents tables.
    terms, period, width, max_lines, columns, form
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
                                 max_lines=max_lines, columns=columns, form=form)
    if static:
        explorer.show_static()
    return explorer
