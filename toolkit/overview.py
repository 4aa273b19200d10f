"""Corpus overview: how many articles, words and sentences, by period and by source.

Small descriptive tables for the first look at a corpus (notebook 01): they answer "what is in
here, and when?" before any analysis, so that thin periods and lopsided sources are seen first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["describe_corpus", "count_documents", "measure_documents", "summarize_by", "find_source_column", "PERIODS"]

SOURCE_COLUMNS = ("source", "outlet", "publication", "publisher", "newspaper", "media", "site")

PERIODS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year"}


def _period_start(dates: pd.Series, period: str) -> pd.Series:
    """The first day of each date's period (``D``, ``W``, ``M``, ``Q``, ``Y``) as datetime64."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {sorted(PERIODS)}, not {period!r}")
    freq = {"W": "W-SUN", "Y": "Y"}.get(period, period)
    return dates.dt.to_period(freq).dt.start_time.astype("datetime64[ns]")


def measure_documents(
    documents: pd.DataFrame,
    tokens: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    *,
    id_column: str = "doc_id",
) -> pd.DataFrame:
    """Length of each document in words, tokens and sentences.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document (``doc_id``, ``date``, ...).
    tokens : pandas.DataFrame
        One row per token (``doc_id``, ``is_punct``).
    sentences : pandas.DataFrame, optional
        One row per sentence; adds the ``sentences`` column.

    Returns
    -------
    pandas.DataFrame
        One row per document, every document included (zeros when it has no tokens): the
        documents' columns except ``text``, plus ``words`` (non-punctuation tokens), ``tokens``
        and ``sentences``.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Hi there.", ""]})
    >>> toks = pd.DataFrame({"doc_id": ["a", "a", "a"], "is_punct": [False, False, True]})
    >>> measure_documents(docs, toks)[["doc_id", "words", "tokens"]].values.tolist()
    [['a', 2, 3], ['b', 0, 0]]
    """
    from .frequency import _factorize  # integer codes (category codes as they are: read_tokens)

    out = documents.drop(columns=["text"], errors="ignore").copy()
    codes, ids = _factorize(tokens[id_column])
    n_tokens = np.bincount(codes, minlength=len(ids))
    n_punct = np.bincount(codes[tokens["is_punct"].to_numpy(dtype=bool)], minlength=len(ids))
    counts = pd.DataFrame({"words": n_tokens - n_punct, "tokens": n_tokens}, index=ids.astype(str))
    out = out.join(counts, on=id_column)
    if sentences is not None:
        codes, ids = _factorize(sentences[id_column])
        out = out.join(pd.Series(np.bincount(codes, minlength=len(ids)), index=ids.astype(str), name="sentences"),
                       on=id_column)
    for column in ("words", "tokens", "sentences"):
        if column in out:
            out[column] = out[column].fillna(0).astype("int64")
    return out


def count_documents(
    lengths: pd.DataFrame,
    *,
    period: str = "M",
    by: str | None = None,
    date_column: str = "date",
) -> pd.DataFrame:
    """Articles and words per period (and per group, such as a source).

    Parameters
    ----------
    lengths : pandas.DataFrame
        One row per document with ``date`` and ``words`` (see :func:`measure_documents`).
    period : {"D", "W", "M", "Q", "Y"}
        The period to count by.
    by : str, optional
        A column to count within (``source``); missing values count as ``"(unknown)"``.

    Returns
    -------
    pandas.DataFrame
        One row per period (and group) that has articles, in order: ``period`` (the period's
        first day), [``by``], ``articles``, ``words``.

    Examples
    --------
    >>> lengths = pd.DataFrame({"date": pd.to_datetime(["2020-01-05", "2020-01-20", "2020-03-01"]),
    ...                         "words": [100, 50, 10]})
    >>> count_documents(lengths, period="M")[["articles", "words"]].values.tolist()
    [[2, 150], [1, 10]]
    """
    frame = pd.DataFrame({"period": _period_start(lengths[date_column], period),
                          "words": lengths["words"] if "words" in lengths else 0})
    keys = ["period"]
    if by is not None:
        frame[by] = lengths[by].astype(object).where(lengths[by].notna(), "(unknown)").astype(str)
        keys.append(by)
    grouped = frame.groupby(keys, sort=True).agg(articles=("words", "size"), words=("words", "sum"))
    return grouped.reset_index().astype({"articles": "int64", "words": "int64"})


def describe_corpus(lengths: pd.DataFrame, *, source_column: str | None = None,
                    problems: pd.DataFrame | None = None) -> pd.DataFrame:
    """The corpus in a few numbers: articles, words, sentences, dates, sources, problems.

    Parameters
    ----------
    lengths : pandas.DataFrame
        One row per document (see :func:`measure_documents`).
    source_column : str, optional
        The column naming each article's source, when there is one.
    problems : pandas.DataFrame, optional
        The problems table; adds the files reported.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``measure``, ``value`` (as text, ready to show).

    Examples
    --------
    >>> lengths = pd.DataFrame({"date": pd.to_datetime(["2020-01-05", "2020-03-01"]),
    ...                         "words": [100, 10], "sentences": [5, 1]})
    >>> describe_corpus(lengths).set_index("measure").loc["words", "value"]
    '110'
    """
    n = len(lengths)
    rows = [("articles", f"{n:,}")]
    if n:
        first, last = lengths["date"].min(), lengths["date"].max()
        rows.append(("first date", f"{first:%Y-%m-%d}"))
        rows.append(("last date", f"{last:%Y-%m-%d}"))
        rows.append(("months covered", f"{lengths['date'].dt.to_period('M').nunique():,}"))
    if "words" in lengths:
        words = lengths["words"]
        rows.append(("words", f"{int(words.sum()):,}"))
        if n:
            rows.append(("words per article (median)", f"{words.median():,.0f}"))
            rows.append(("shortest / longest article (words)", f"{int(words.min()):,} / {int(words.max()):,}"))
    if "sentences" in lengths:
        rows.append(("sentences", f"{int(lengths['sentences'].sum()):,}"))
    if source_column and source_column in lengths:
        rows.append(("sources", f"{lengths[source_column].nunique():,}"))
    if problems is not None:
        errors = int((problems["severity"] == "error").sum())
        rows.append(("files not loaded (problems)", f"{errors:,}"))
        rows.append(("files loaded with a warning", f"{len(problems) - errors:,}"))
    return pd.DataFrame(rows, columns=["measure", "value"])


def summarize_by(lengths: pd.DataFrame, by: str, *, date_column: str = "date") -> pd.DataFrame:
    """Articles, words and dates per group (such as a source or outlet).

    Parameters
    ----------
    lengths : pandas.DataFrame
        One row per document with ``date``, ``words`` and the ``by`` column.
    by : str
        The group column; missing values count as ``"(unknown)"``.

    Returns
    -------
    pandas.DataFrame
        One row per group, largest first: ``by``, ``articles``, ``words``, ``first``, ``last``.

    Examples
    --------
    >>> lengths = pd.DataFrame({"date": pd.to_datetime(["2020-01-05", "2020-03-01", "2020-02-01"]),
    ...                         "words": [100, 10, 5], "source": ["BBC", "BBC", "CNN"]})
    >>> summarize_by(lengths, "source")[["source", "articles", "words"]].values.tolist()
    [['BBC', 2, 110], ['CNN', 1, 5]]
    """
    groups = lengths[by].astype(object).where(lengths[by].notna(), "(unknown)").astype(str)
    frame = pd.DataFrame({by: groups, "words": lengths["words"], "date": lengths[date_column]})
    out = frame.groupby(by).agg(articles=("words", "size"), words=("words", "sum"),
                                first=("date", "min"), last=("date", "max")).reset_index()
    return out.sort_values(["articles", by], ascending=[False, True], kind="stable").reset_index(drop=True)


def find_source_column(documents: pd.DataFrame, preferred: str | None = "source") -> str | None:
    """The column that names each article's source, if the corpus has one.

    ``preferred`` when it exists and has a value, else the first of ``source``, ``outlet``,
    ``publication``, ``publisher``, ``newspaper``, ``media``, ``site`` that does; ``None`` when
    no column qualifies (the notebooks then say that sources cannot be compared).

    Examples
    --------
    >>> find_source_column(pd.DataFrame({"doc_id": ["a"], "outlet": ["BBC"]}))
    'outlet'
    >>> find_source_column(pd.DataFrame({"doc_id": ["a"]})) is None
    True
    """
    for column in ((preferred,) if preferred else ()) + SOURCE_COLUMNS:
        if column in documents.columns and documents[column].notna().any():
            return column
    return None
