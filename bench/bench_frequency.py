"""Benchmark: word-frequency functions on a real tokens table (seconds and tokens per second).

Usage::

    .venv/bin/python bench/bench_frequency.py [CORPUS] [--repeat N] [--node WORD] [--month YYYY-MM]

Reads CORPUS (default: ../shared/corpora/timeline17_mideast, else corpus/) with
``toolkit.read_corpus``, splits and tokenizes it with ``toolkit.split_sentences`` and
``toolkit.tokenize`` (not timed here: the foundation's benchmark covers them), then times each
function of ``toolkit.frequency`` on the whole tokens table, best of N runs on one core: wall
time, and CPU time of this process (less sensitive to other work on the machine; pyarrow may use
a second thread, so CPU time can exceed wall time).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import toolkit  # noqa: E402
from toolkit import frequency as f  # noqa: E402


def main(argv=None) -> int:
    default = ROOT.parent / "shared" / "corpora" / "timeline17_mideast"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(default if default.exists() else ROOT / "corpus"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--node", default="ceasefire")
    parser.add_argument("--month", default="2011-02")
    args = parser.parse_args(argv)

    documents = toolkit.read_corpus(args.corpus).documents
    tokens = toolkit.tokenize(toolkit.split_sentences(documents))
    source = next((c for c in ("outlet", "source") if c in documents.columns), None)
    n = len(tokens)
    print(f"corpus {args.corpus}: {len(documents):,} documents, {n:,} tokens; best of {args.repeat}")

    cases = [
        ("count_terms (corpus)", lambda: f.count_terms(tokens)),
        ("count_terms by document", lambda: f.count_terms(tokens, by="document")),
        ("count_terms by month", lambda: f.count_terms(tokens, by="month", documents=documents)),
        ("count_ngrams 2", lambda: f.count_ngrams(tokens, 2)),
        ("count_ngrams 3, no stopwords", lambda: f.count_ngrams(tokens, 3, drop_stopwords=True)),
        ("score_tfidf by document (counts given)", None),
        (f"find_keywords {args.month} vs rest", lambda: f.find_keywords(tokens, {"month": args.month},
                                                                        documents=documents)),
        (f"find_collocates {args.node} ±5", lambda: f.find_collocates(tokens, args.node)),
        (f"find_kwic {args.node}", lambda: f.find_kwic(tokens, documents, args.node)),
        ("find_kwic 'the' (every 17th word)", lambda: f.find_kwic(tokens, documents, "the")),
        ("locate_terms 3 terms", lambda: f.locate_terms(tokens, [args.node, "war", "talks"], documents=documents)),
        ("measure_dispersion 3 terms", lambda: f.measure_dispersion(tokens, [args.node, "war", "talks"])),
        ("count_trends 3 terms by month", lambda: f.count_trends(tokens, [args.node, "war", "talks"],
                                                                 documents=documents)),
    ]
    if source:
        cases.append((f"count_terms by {source} and year",
                      lambda: f.count_terms(tokens, by=[source, "year"], documents=documents)))
    by_document = f.count_terms(tokens, by="document")
    cases[5] = (cases[5][0], lambda: f.score_tfidf(by_document))
    print(f"{'':42s} {'wall':>9s} {'CPU':>9s}  {'tokens/s (wall)':>16s}")
    for label, run in cases:
        best = cpu = float("inf")
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            result = run()
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        print(f"{label:42s} {best:7.3f} s {cpu:7.3f} s  {n / best / 1e6:10.2f} M  ({len(result):,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
