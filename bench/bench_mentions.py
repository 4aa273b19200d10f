"""Benchmark: actor matching speed (words per second of find_mentions on one core).

Usage::

    .venv/bin/python bench/bench_mentions.py [CORPUS] [--actors FILE] [--repeat N]

Reads CORPUS (default: ../shared/corpora/timeline17_mideast, else corpus/) with
``toolkit.read_corpus``, splits sentences with ``toolkit.split_sentences`` (timed separately),
then times ``toolkit.actors.find_mentions`` over all sentences (best of N runs, after one warm-up
run that also compiles the dictionary's pattern; wall-clock and CPU time). One process, one core. Words are whitespace-separated words of the
document texts. The issue's target is at least 1,000,000 words/s with a 60-actor, 300-alias
dictionary; the shipped ``corpus/actors.yml`` is larger than that.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import toolkit  # noqa: E402
from toolkit.actors import _MATCHERS, find_mentions, load_actors  # noqa: E402


def main(argv=None) -> int:
    default = ROOT.parent / "shared" / "corpora" / "timeline17_mideast"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(default if default.exists() else ROOT / "corpus"))
    parser.add_argument("--actors", default=str(ROOT / "corpus" / "actors.yml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    documents = toolkit.read_corpus(args.corpus).documents
    t1 = time.perf_counter()
    sentences = toolkit.split_sentences(documents)
    t2 = time.perf_counter()
    words = int(documents["text"].str.split().str.len().sum())

    dictionary = load_actors(args.actors)
    _MATCHERS.clear()
    t3 = time.perf_counter()
    mentions = find_mentions(sentences, dictionary)  # warm-up: compiles the pattern
    t4 = time.perf_counter()
    best, best_cpu = float("inf"), float("inf")
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        again = find_mentions(sentences, dictionary)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    assert again.equals(mentions), "find_mentions is not deterministic"

    print(f"corpus      {args.corpus}: {len(documents):,} documents, {len(sentences):,} sentences, "
          f"{words:,} words")
    print(f"dictionary  {args.actors}: {len(dictionary.actors)} actors, {len(dictionary.aliases)} aliases, "
          f"{len(dictionary.ignored)} ignored phrases")
    print(f"read        {t1 - t0:6.2f} s")
    print(f"sentences   {t2 - t1:6.2f} s   {words / (t2 - t1):12,.0f} words/s")
    print(f"mentions    {t4 - t3:6.2f} s   first run, with compiling the pattern")
    print(f"mentions    {best:6.2f} s   {words / best:12,.0f} words/s   best of {args.repeat}; "
          f"{len(mentions):,} mentions of {mentions['actor'].nunique()} actors")
    print(f"mentions    {best_cpu:6.2f} s   {words / best_cpu:12,.0f} words/s   CPU time of this process "
          f"(less sensitive to other programs sharing the cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
