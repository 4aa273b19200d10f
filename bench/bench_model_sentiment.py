"""Benchmark: speed of the ``minilm`` sentiment scorer, and what a 10,000-article corpus costs.

Usage::

    .venv/bin/python bench/bench_model_sentiment.py [CORPUS] [--threads 2] [--sample 2000] [--batch-size 32] [--repeat 2]

Reads CORPUS (default: ../shared/corpora/timeline17_mideast, else corpus/), splits sentences with
``toolkit.split_sentences``, draws a seeded sample of distinct sentences, and times
``ModelScorer().score`` on them with ``--threads`` torch threads (after loading the model and a
warm-up batch; the in-memory cache is cleared before each of ``--repeat`` runs, so every sentence
is embedded; the fastest run counts). Reports sentences/s, words/s, the corpus's sentences per
article (and the share of distinct sentence texts, the ones that cost) and the extrapolated time
for 10,000 articles of that shape. Wall-clock and CPU time: when other programs share the cores,
wall time suffers.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import toolkit  # noqa: E402
from toolkit import model_sentiment  # noqa: E402


def main(argv=None) -> int:
    default = ROOT.parent / "shared" / "corpora" / "timeline17_mideast"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=default if default.exists() else ROOT / "corpus")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sample", type=int, default=2000, help="distinct sentences to time")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--device", default=None)
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    docs = toolkit.read_corpus(args.corpus).documents
    sents = toolkit.split_sentences(docs)
    per_article = len(sents) / max(len(docs), 1)
    distinct = sents.drop_duplicates("text")
    sample = distinct.sample(n=min(args.sample, len(distinct)), random_state=0).reset_index(drop=True)
    words = int(sample["text"].str.split().str.len().sum())

    t0 = time.perf_counter()
    scorer = model_sentiment.ModelScorer(device=args.device, batch_size=args.batch_size)
    scorer.score(sample.head(8))  # loads the model
    load = time.perf_counter() - t0
    wall = cpu = float("inf")
    for _ in range(max(args.repeat, 1)):
        model_sentiment._PROJECTIONS.clear()
        w0, c0 = time.perf_counter(), time.process_time()
        scored = scorer.score(sample)
        wall, cpu = min(wall, time.perf_counter() - w0), min(cpu, time.process_time() - c0)
    rate = len(sample) / wall
    w0 = time.perf_counter()
    scorer.score(sample)
    cached = time.perf_counter() - w0

    print(f"corpus: {args.corpus} ({len(docs):,} articles, {len(sents):,} sentences, {per_article:.1f} per article, "
          f"{len(distinct) / len(sents):.0%} distinct texts)")
    print(f"device: {model_sentiment._device(args.device)}; torch threads: {torch.get_num_threads()}; "
          f"batch size: {args.batch_size}")
    print(f"model load + first batch: {load:.1f} s")
    print(f"scored {len(sample):,} distinct sentences ({words / len(sample):.1f} words each) in {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU: {rate:.0f} sentences/s, {words / wall:,.0f} words/s")
    print(f"again from the in-memory cache: {cached:.2f} s")
    total = 10_000 * per_article
    print(f"10,000 articles x {per_article:.1f} sentences = {total:,.0f} sentences: "
          f"{total / rate / 60:.0f} min at this rate ({args.threads} threads); "
          f"{total * len(distinct) / len(sents) / rate / 60:.0f} min if the same share of texts repeats")
    print(f"sample mean score {scored['score'].mean():.3f}, model part {scored['model'].mean():.3f}, "
          f"VADER {scored['compound'].mean():.3f}; share negative (<= -0.05): minilm "
          f"{np.mean(scored['score'] <= -0.05):.3f}, VADER {np.mean(scored['compound'] <= -0.05):.3f}; "
          f"share positive (>= 0.05): minilm {np.mean(scored['score'] >= 0.05):.3f}, "
          f"VADER {np.mean(scored['compound'] >= 0.05):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
