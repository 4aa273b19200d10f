"""Command line: ``python -m toolkit check | annotate | report``.

The contract other tools and tests rely on:

* ``check CORPUS``: one line per problem (``FILE: problem``), then a summary line; exit status 0
  when there is no problem, 1 otherwise (2 when the corpus itself cannot be read).
* ``annotate CORPUS --out DIR [--actors FILE] [--scorer NAME ...]``: the Parquet cache.
* ``report [--corpus DIR] [--actors FILE] [--out DIR] [--param KEY=VALUE ...]``: every notebook
  executed and rendered to HTML, with ``index.html``.
"""

from __future__ import annotations

import argparse
import sys
import time

__all__ = ["main", "build_parser"]


def _read_options(args) -> dict:
    options = {
        "date_column": args.date_column,
        "text_column": args.text_column,
        "id_column": args.id_column,
        "max_bytes": args.max_bytes,
        "encoding_errors": "strict" if args.strict_encoding else "fallback",
    }
    if args.metadata:
        options["metadata"] = args.metadata
    return options


def _add_read_options(parser):
    group = parser.add_argument_group("reading the corpus")
    group.add_argument("--metadata", help="CSV keyed by file name (column 'file') to join in")
    group.add_argument("--date-column", default="date", help="exports: the date column (default: date)")
    group.add_argument("--text-column", default="text", help="exports: the text column (default: text)")
    group.add_argument("--id-column", default=None, help="exports: a unique id column (default: file-line)")
    group.add_argument("--max-bytes", type=int, default=20_000_000, help="largest article file read (default: 20 MB)")
    group.add_argument("--strict-encoding", action="store_true",
                       help="report non-UTF-8 files as errors instead of reading them as Windows-1252")


def _add_engine_options(parser):
    group = parser.add_argument_group("where the batches run (see toolkit/engines.py)")
    group.add_argument("--engine", choices=["local", "dask"], default=None,
                       help="local (default: this machine, all cores) or dask")
    group.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="Dask scheduler, e.g. tcp://host:8786 (default: a local Dask cluster)")


def _engine_environment(args):
    """Engine options as the environment that annotate (also inside report's notebooks) reads."""
    import os

    if args.engine:
        os.environ["TOOLKIT_ENGINE"] = args.engine
    if args.scheduler:
        os.environ["TOOLKIT_SCHEDULER"] = args.scheduler
        os.environ.setdefault("TOOLKIT_ENGINE", "dask")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m toolkit``."""
    parser = argparse.ArgumentParser(prog="python -m toolkit", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="validate a corpus: one line per problem")
    check.add_argument("corpus", help="a folder of .txt articles, or a .csv/.jsonl export")
    _add_read_options(check)

    annotate = commands.add_parser("annotate", help="write sentences, tokens (and mentions, sentiment) to Parquet")
    annotate.add_argument("corpus")
    annotate.add_argument("--out", required=True, help="the cache folder")
    annotate.add_argument("--actors", help="actor dictionary (YAML): adds mentions.parquet")
    annotate.add_argument("--scorer", action="append", dest="scorers",
                          help="sentiment scorer (repeatable; default: vader). 'none' for no sentiment")
    annotate.add_argument("--stopwords", default="english", help="'english' (shipped), 'nltk', a file, or 'none'")
    annotate.add_argument("--lemmatize", action="store_true", help="norm is the lemma, not the lowercase form")
    annotate.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    _add_engine_options(annotate)
    hygiene = annotate.add_argument_group("corpus hygiene")
    hygiene.add_argument("--detokenize", choices=["auto", "always", "never"], default="auto",
                         help="restore pre-tokenised text (default: auto, where detected)")
    hygiene.add_argument("--boilerplate-min-docs", type=int, default=20,
                         help="paragraphs in at least this many articles are boilerplate (0: keep all)")
    hygiene.add_argument("--boilerplate-by", default=None, help="count boilerplate within each value of this column")
    hygiene.add_argument("--duplicates-threshold", type=float, default=0.8,
                         help="Jaccard similarity of near-duplicates (0: do not look for them)")
    hygiene.add_argument("--keep-duplicates", choices=["first", "longest", "all"], default="first",
                         help="which article of a near-duplicate cluster the tables show (default: first published)")
    _add_read_options(annotate)

    report = commands.add_parser("report", help="rerun every notebook and render HTML reports")
    report.add_argument("--corpus", default="corpus")
    report.add_argument("--actors", default=None, help="actor dictionary (default: CORPUS/actors.yml, else the shipped corpus/actors.yml)")
    report.add_argument("--out", default="reports")
    report.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="a notebook parameter (repeatable)")
    report.add_argument("--notebooks", default="notebooks", help="folder of NN-name.ipynb notebooks")
    report.add_argument("--no-input", action="store_true", help="leave code cells out of the HTML (a reader's version)")
    report.add_argument("--tables", action="store_true", help="also write every shown table as CSV")
    report.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="notebooks run at the same time (default: 2 with two or more cores; 1 needs the least memory)")
    _add_engine_options(report)
    return parser


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _check(args) -> int:
    from .corpus import format_problems, read_corpus
    from .errors import ToolkitError

    try:
        corpus = read_corpus(args.corpus, **_read_options(args))
    except ToolkitError as err:
        print(err, file=sys.stderr)
        return 2
    for line in format_problems(corpus.problems):
        print(line)
    problems = corpus.problems
    errors = int((problems["severity"] == "error").sum())
    warnings = len(problems) - errors
    print(f"{_count(len(corpus.documents), 'article')} loaded; {_count(errors, 'file')} not loaded; "
          f"{_count(warnings, 'warning')}"
          + (" - no problems" if not len(problems) else ""))
    return 0 if not len(problems) else 1


def _annotate(args) -> int:
    from .annotate import AnnotationSettings, annotate
    from .errors import ToolkitError
    from .text import TextSettings

    scorers = args.scorers or ["vader"]
    scorers = () if scorers == ["none"] else tuple(scorers)
    stopwords = None if args.stopwords == "none" else args.stopwords
    settings = AnnotationSettings(
        text=TextSettings(stopwords=stopwords, lemmatize=args.lemmatize), actors=args.actors, scorers=scorers,
        detokenize=args.detokenize, boilerplate_min_docs=args.boilerplate_min_docs or None,
        boilerplate_by=args.boilerplate_by, duplicates_threshold=args.duplicates_threshold or None,
        duplicates_keep=None if args.keep_duplicates == "all" else args.keep_duplicates)
    started = time.perf_counter()
    try:
        ann = annotate(args.corpus, args.out, settings=settings, workers=args.workers,
                       engine=args.engine, scheduler=args.scheduler,
                       progress=sys.stderr.isatty(), **_read_options(args))
    except ToolkitError as err:
        print(err, file=sys.stderr)
        return 2
    manifest = ann.manifest
    problems = ann.problems
    print(f"{manifest['documents']} articles ({manifest['annotated']} annotated, "
          f"{manifest['documents'] - manifest['annotated']} from the cache) in "
          f"{time.perf_counter() - started:.1f} s -> {args.out}; tables: {', '.join(manifest['tables'])}")
    if len(problems):
        print(f"{len(problems)} problems while reading; see `python -m toolkit check {args.corpus}`")
    return 0


def _report(args) -> int:
    from .report import run_reports

    _engine_environment(args)  # the notebooks' toolkit.annotate calls run on that engine
    return run_reports(corpus=args.corpus, actors=args.actors, out=args.out, params=args.param,
                       notebooks=args.notebooks, no_input=args.no_input, tables=args.tables, jobs=args.jobs)


def main(argv=None) -> int:
    """Entry point of ``python -m toolkit``; returns the exit status.

    Run as a program (``argv`` not given), the process is the toolkit's own: it keeps freed
    memory for the next batch (see ``toolkit/_memory.py``).
    """
    args = build_parser().parse_args(argv)
    if argv is None:
        from ._memory import keep_freed_memory

        keep_freed_memory()
    return {"check": _check, "annotate": _annotate, "report": _report}[args.command](args)
