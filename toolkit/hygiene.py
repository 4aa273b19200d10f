"""Corpus hygiene summary: what detokenising, boilerplate and near-duplicate removal found and changed.

One small table for the corpus overview notebook and for report stamps, so that a reader sees how
much of the corpus the cleaning touched: documents restored from pre-tokenised text, words left
out as boilerplate, articles merged as near-duplicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .boilerplate import boilerplate_texts, count_words, locate_boilerplate

__all__ = ["summarize_hygiene", "SUMMARY_COLUMNS"]

SUMMARY_COLUMNS = ["step", "measure", "value", "share"]


def summarize_hygiene(
    documents: pd.DataFrame,
    *,
    boilerplate=None,
    duplicates: pd.DataFrame | None = None,
    keep: str | None = "first",
    flag_column: str = "detokenized",
    id_column: str = "doc_id",
    text_column: str = "text",
) -> pd.DataFrame:
    """Summarize what corpus hygiene found and what it changed.

    Parameters
    ----------
    documents : pandas.DataFrame
        One row per document, as analysed: after :func:`toolkit.restore_text` when that is on
        (its ``detokenized`` flag column is then counted).
    boilerplate : pandas.DataFrame or collection of str, optional
        The boilerplate table of :func:`toolkit.find_boilerplate` (or its texts).
    duplicates : pandas.DataFrame, optional
        The table of :func:`toolkit.find_duplicates`.
    keep : {"first", "longest"} or None
        How analyses keep one article per cluster (see :func:`toolkit.drop_near_duplicates`);
        ``None``: duplicates are kept in analyses (only found, not merged).
    flag_column, id_column, text_column : str
        Column names.

    Returns
    -------
    pandas.DataFrame
        One row per measure: ``step`` (``corpus``, ``detokenize``, ``boilerplate``,
        ``duplicates``), ``measure``, ``value`` (a count), ``share`` (of the corpus's documents or
        words, as the measure says; missing where no share applies). Words are alphabetic words
        (:func:`toolkit.count_words`). Steps that were not run are left out.

    Examples
    --------
    >>> docs = pd.DataFrame({"doc_id": ["a", "b"], "detokenized": [True, False],
    ...                      "text": ["Rebels advanced.\\nComments are closed.", "Talks failed."]})
    >>> summary = summarize_hygiene(docs, boilerplate=["Comments are closed."]).round(3)
    >>> summary[summary["step"] != "corpus"].values.tolist()    # words: 5 + 2 = 7; removed 3/7
    [['detokenize', 'documents restored', 1, 0.5], ['boilerplate', 'boilerplate paragraphs', 1, nan], ['boilerplate', 'documents with boilerplate', 1, 0.5], ['boilerplate', 'words removed', 3, 0.429]]
    """
    n_docs = len(documents)
    words = count_words(documents[text_column].tolist())
    n_words = int(words.sum())
    rows = [("corpus", "documents", n_docs, np.nan), ("corpus", "words", n_words, np.nan)]

    def share(part, whole):
        return part / whole if whole else np.nan

    if flag_column in documents.columns:
        restored = int(documents[flag_column].sum())
        rows.append(("detokenize", "documents restored", restored, share(restored, n_docs)))
    if boilerplate is not None:
        texts = boilerplate_texts(boilerplate)
        found = locate_boilerplate(documents, texts, id_column=id_column, text_column=text_column)
        removed = int(count_words(found["text"].tolist()).sum())
        touched = found["doc_id"].nunique()
        rows += [
            ("boilerplate", "boilerplate paragraphs", len(texts), np.nan),
            ("boilerplate", "documents with boilerplate", touched, share(touched, n_docs)),
            ("boilerplate", "words removed", removed, share(removed, n_words)),
        ]
    if duplicates is not None:
        in_clusters = duplicates[id_column].nunique()
        rows += [
            ("duplicates", "clusters", duplicates["cluster"].nunique(), np.nan),
            ("duplicates", "documents in clusters", in_clusters, share(in_clusters, n_docs)),
        ]
        if keep is not None:
            from .duplicates import drop_near_duplicates

            kept = drop_near_duplicates(documents[[id_column, text_column]], duplicates, keep=keep,
                                        id_column=id_column, text_column=text_column)
            dropped = ~documents[id_column].isin(kept[id_column]).to_numpy()
            merged, merged_words = int(dropped.sum()), int(words[dropped].sum())
            rows += [
                ("duplicates", f"documents merged (keep {keep})", merged, share(merged, n_docs)),
                ("duplicates", "words in merged documents", merged_words, share(merged_words, n_words)),
            ]
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    table["value"] = table["value"].astype("int64")
    table["share"] = table["share"].astype("float64")
    return table
