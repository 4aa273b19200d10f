"""Benchmark: near-duplicate search (toolkit.find_duplicates) over up to 100,000 articles.

Synthetic articles are made by mixing the sentences (lines) of real ones: each article draws as
many distinct lines as a randomly chosen real article has, from the pool of all distinct lines of
the development corpus (Timeline17, restored from its tokenisation). So the articles read like
news, have realistic lengths, and are distinct from each other. Into each size, 1% planted
near-duplicates are added (a copy of an article with one line in twenty replaced), to check that
the search still finds them at scale: ``planted_found`` counts the planted pairs put in one
cluster, out of those whose exact similarity reaches the threshold (``planted_at_threshold``).

    .venv/bin/python bench/bench_duplicates.py                     # 2k, 10k, 50k, 100k; 1 and 2 workers
    .venv/bin/python bench/bench_duplicates.py --sizes 2000 10000 --workers 2

Prints one row per size and worker count: articles, words, wall-clock seconds, CPU seconds (this
process and its workers: less sensitive to other jobs on the machine), articles per second, the
clusters found, and the share of planted pairs found (recall).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit import read_corpus  # noqa: E402
from toolkit.boilerplate import count_words  # noqa: E402
from toolkit.detokenize import restore_text  # noqa: E402
from toolkit.duplicates import find_duplicates, shingle_hashes  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "timeline17_mideast"


def synthetic_articles(documents: pd.DataFrame, n: int, *, planted_share: float = 0.01, seed: int = 0):
    """n articles mixed from the lines of real ones, plus planted near-duplicates.

    Returns (documents table, list of (original id, copy id) planted pairs).
    """
    rng = np.random.default_rng(seed)
    lines_per_doc = documents["text"].str.count("\n").to_numpy() + 1
    pool = pd.unique(pd.Series([line for text in documents["text"] for line in text.split("\n") if len(line) > 20]))
    n_planted = int(n * planted_share)
    n_distinct = n - n_planted
    lengths = rng.choice(lines_per_doc, size=n_distinct)
    texts = ["\n".join(pool[rng.choice(len(pool), size=min(k, len(pool)), replace=False)]) for k in lengths]
    ids = [f"s{i:06d}" for i in range(n_distinct)]
    planted = []
    originals = rng.choice(np.flatnonzero(lengths >= 20), size=n_planted, replace=False)
    for j, i in enumerate(originals):
        lines = texts[i].split("\n")
        for k in range(0, len(lines), 20):  # replace one line in twenty
            lines[k] = pool[rng.integers(len(pool))]
        texts.append("\n".join(lines))
        ids.append(f"p{j:06d}")
        planted.append((ids[i], ids[-1]))
    return pd.DataFrame({"doc_id": ids, "text": texts}), planted


def planted_at_threshold(docs: pd.DataFrame, planted, threshold: float) -> set:
    """The planted pairs whose exact Jaccard similarity (5-word shingles) reaches the threshold."""
    text = dict(zip(docs["doc_id"], docs["text"]))
    kept = set()
    for a, b in planted:
        hashes, offsets = shingle_hashes([text[a], text[b]])
        left, right = np.unique(hashes[:offsets[1]]), np.unique(hashes[offsets[1]:])
        common = len(np.intersect1d(left, right, assume_unique=True))
        if common / (len(left) + len(right) - common) >= threshold:
            kept.add((a, b))
    return kept


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000, 50000, 100000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--threshold", type=float, default=0.8)
    args = parser.parse_args(argv)
    if not Path(args.corpus).is_dir():
        sys.exit(f"{args.corpus}: no such corpus folder (the benchmark mixes the lines of a real corpus)")
    documents = restore_text(read_corpus(args.corpus).documents)
    print(f"source: {args.corpus} ({len(documents)} articles)", flush=True)
    print("articles  words(M)  workers  seconds  cpu_seconds  articles/s  clusters  planted_found/planted_at_threshold")
    for n in args.sizes:
        docs, planted = synthetic_articles(documents, n)
        planted = planted_at_threshold(docs, planted, args.threshold)
        words = count_words(docs["text"].tolist()).sum() / 1e6
        for workers in args.workers:
            start, cpu = time.perf_counter(), _cpu_seconds()
            found = find_duplicates(docs, threshold=args.threshold, date_column=None, workers=workers)
            seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
            cluster_of = dict(zip(found["doc_id"], found["cluster"]))
            hit = sum(1 for a, b in planted if a in cluster_of and cluster_of[a] == cluster_of.get(b))
            print(f"{n:>8}  {words:8.1f}  {workers:>7}  {seconds:7.1f}  {cpu:11.1f}  {n / seconds:10.0f}  "
                  f"{found['cluster'].nunique():>8}  {hit:>6}/{len(planted)}", flush=True)


if __name__ == "__main__":
    main()
