"""Validate the sentiment scorers against human ratings (the VADER paper's ground truth).

Usage::

    python bench/validate_sentiment.py [--data DIR] [--scorer NAME ...] [--lexicon FILE ...] [--out FILE.md]

Reads each ``*.tsv`` in ``--data`` (default ``../shared/sentiment`` beside the repository; see its
README: ``id``, ``human_mean`` on -4..+4, ``text``; tab-separated, no quoting) and reports, for each
scorer, Pearson and Spearman r with the human mean and three-class F1, in two ways:

* ``snippet``: the whole snippet scored as one text (how the VADER paper scored them);
* ``sentences``: the snippet split by ``toolkit.split_sentences`` and the mean of its sentence scores
  (how the toolkit scores a corpus).

Class thresholds: <= -0.05 negative, >= +0.05 positive, for scores and human means alike (this
reproduces the paper's F1; ``f1_weighted`` is the figure to compare with it). Prints a
Markdown table; prints a note and exits 0 when the data folder is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

import toolkit
from toolkit.sentiment import evaluate_sentiment, get_scorer, read_ratings, score_sentiment

PAPER_R = {"vader_tweets": 0.881, "vader_movie_review_snippets": 0.451, "vader_amazon_review_snippets": 0.565}
PAPER_F1 = {"vader_tweets": 0.96, "vader_movie_review_snippets": 0.61, "vader_amazon_review_snippets": 0.63}
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "sentiment"


def evaluate_file(path: Path, scorers, *, sentences: bool = True) -> pd.DataFrame:
    """One row per scorer and unit for one ratings file (columns of ``evaluate_sentiment`` + set, seconds)."""
    ratings = read_ratings(path)
    ratings = ratings[ratings["human_mean"].notna()].reset_index(drop=True)
    ratings["doc_id"] = ratings.index.astype(str)
    snippets = pd.DataFrame({"doc_id": ratings["doc_id"], "sent_id": 0, "text": ratings["text"]})
    rows = []
    for scorer in scorers:
        t0 = time.perf_counter()
        s = score_sentiment(snippets, scorers=[scorer])
        sec = time.perf_counter() - t0
        r = evaluate_sentiment(s.assign(human_mean=ratings["human_mean"].to_numpy()))
        rows.append(r.assign(set=path.stem, scorer=scorer.name, unit="snippet", seconds=sec))
        if sentences:
            split = toolkit.split_sentences(pd.DataFrame({"doc_id": ratings["doc_id"], "text": ratings["text"]}))
            t0 = time.perf_counter()
            s = score_sentiment(split, scorers=[scorer])
            sec = time.perf_counter() - t0
            mean = s.groupby("doc_id", sort=False)["score"].mean()
            joined = ratings.assign(score=ratings["doc_id"].map(mean).fillna(0.0))
            r = evaluate_sentiment(joined)
            rows.append(r.assign(set=path.stem, scorer=scorer.name, unit="sentences", seconds=sec))
    return pd.concat(rows, ignore_index=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--scorer", action="append", help="registered scorer name (repeatable); default: vader, vader-nltk")
    ap.add_argument("--lexicon", action="append", default=[], help="also score with this lexicon file (repeatable)")
    ap.add_argument("--no-sentences", action="store_true", help="skip the per-sentence variant")
    ap.add_argument("--out", type=Path, help="also write the Markdown table here")
    args = ap.parse_args(argv)
    files = sorted(args.data.glob("*.tsv")) if args.data.is_dir() else []
    if not files:
        print(f"no rated snippets found in {args.data}: nothing to validate")
        return 0
    names = args.scorer or ["vader", "vader-nltk"]
    scorers = [get_scorer(n) for n in names] + [get_scorer(f"lexicon:{p}") for p in args.lexicon]
    table = pd.concat([evaluate_file(f, scorers, sentences=not args.no_sentences) for f in files], ignore_index=True)
    table["paper_r"] = table["set"].map(PAPER_R)
    table["paper_f1"] = table["set"].map(PAPER_F1)
    cols = ["set", "scorer", "unit", "n", "pearson_r", "spearman_r", "paper_r", "f1_weighted", "paper_f1", "f1_macro",
            "accuracy", "seconds"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in table[cols].itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    print("\nversions: " + "; ".join(toolkit.scorer_versions(scorers)))
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
