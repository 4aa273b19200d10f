"""Benchmark: annotation speed, memory and reruns, against a plain NLTK baseline.

Usage::

    .venv/bin/python bench/run.py --corpus DIR [--scale N] [--actors FILE]
                                  [--engine local|dask] [--scheduler ADDRESS]
                                  [--baseline-docs N] [--skip STEP ...] [--repeat N] [--json FILE]
                                  [--workdir DIR]

What it measures (words = whitespace-separated words containing a letter):

1. **Stages**, one process, one core, batch by batch as ``annotate`` runs them: load
   (``read_corpus``), hygiene (restore pre-tokenised text, boilerplate, near-duplicates),
   sentences, tokens, mentions (the shipped ``corpus/actors.yml``), sentiment (VADER): wall and
   CPU seconds, words per second, and the peak resident memory of the process during the stage.
2. **End to end**: ``python -m toolkit annotate CORPUS --out CACHE --actors FILE`` in a fresh
   process (wall clock, interpreter start-up included), with one worker process and with the
   default (all cores), so the speed-up of using both cores; the peak memory of the whole process
   tree (proportional set size, so pages shared by forked workers count once; sampled every
   0.1 s); a cache-warm rerun; and an incremental rerun after adding one article. The cold
   commands also run as **the work in a running Python** (``toolkit.cli.main()`` timed after
   ``import toolkit``, as in a notebook's kernel: no interpreter start-up, imports or exit, which
   cost the same on one worker and on all cores), and ``--repeat N`` runs each cold command N
   times, alternated, and reports the median.
3. **Baseline**: the plain NLTK way on the same texts (of the unscaled corpus, or its first
   ``--baseline-docs`` articles): ``PunktSentenceTokenizer()`` (untrained: no ``nltk_data``
   here), ``NLTKWordTokenizer`` per sentence, NLTK's VADER per sentence (on ``vaderSentiment``'s
   lexicon: NLTK's own needs ``nltk_data``), and a ``Counter`` of lowercased tokens; the ratio of
   the end-to-end rate to it.

``--scale N`` makes a corpus N times larger under new ids, written to a temporary folder: copy 0
is the corpus itself; in copy k every fourth word (from offset k) that is a lowercase word is
replaced by another word of the corpus, chosen by a hash of the line, so the copies are neither
exact nor near-duplicates of each other (hygiene would otherwise set them aside) while keeping
their length, sentences and capitalised names; a line that repeats across articles (boilerplate)
is replaced the same way everywhere. Every copy has the same number of words.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
_WORD = re.compile(r"\S*[^\W\d_]\S*")  # a whitespace-separated word with at least one letter


def count_words(texts) -> int:
    """Whitespace-separated words containing a letter."""
    return sum(len(_WORD.findall(t)) for t in texts)


# -- the scaled corpus --------------------------------------------------------------------------


def _vocabulary(folder: Path) -> list:
    words = set()
    for path in sorted(folder.glob("*.txt"))[:500]:
        words.update(w for w in path.read_text("utf-8", "replace").split() if w.isalpha() and w.islower() and len(w) > 2)
    return sorted(words)


def perturb(text: str, copy: int, vocabulary: list) -> str:
    """Copy ``copy`` of an article's text (copy 0: the text itself); see the module docstring."""
    if copy == 0:
        return text
    n = len(vocabulary)
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        seed = zlib.crc32(line.encode("utf-8", "surrogatepass")) + 7919 * copy
        for i in range(copy % 4, len(words), 4):
            w = words[i]
            if w.isalpha() and w.islower():
                words[i] = vocabulary[(seed + 104729 * i) % n]
        lines.append(" ".join(words))
    return "\n".join(lines)


def _split_header(raw: str):
    head, _, body = raw.partition("\n")
    return head, body


def make_corpus(source: Path, target: Path, scale: int) -> dict:
    """Write ``scale`` copies of the corpus in ``source`` to ``target`` (plus its metadata CSV)."""
    import csv

    target.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.iterdir() if p.suffix == ".txt")
    vocabulary = _vocabulary(source)
    meta_path = source / "metadata.csv" if (source / "metadata.csv").is_file() else source.with_suffix(".csv")
    meta = None
    if meta_path.is_file():
        with open(meta_path, newline="", encoding="utf-8") as handle:
            meta = list(csv.DictReader(handle))
    rows = []
    for copy in range(scale):
        for path in files:
            name = f"{copy:03d}-{path.name}"
            if copy == 0:
                os.symlink(path.resolve(), target / name)
            else:
                head, body = _split_header(path.read_text("utf-8"))
                (target / name).write_text(head + "\n" + perturb(body, copy, vocabulary), "utf-8")
        if meta is not None:
            rows += [{**row, "file": f"{copy:03d}-{row['file']}"} for row in meta]
    if meta is not None:
        with open(target / "metadata.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(meta[0]))
            writer.writeheader()
            writer.writerows(rows)
    # dated a minute back, like a corpus not written just now: annotate reads a file modified within
    # 2 s of its scan again on the next run (toolkit/prepare.py, RACY_NS), and with --skip single
    # the first run starts at once (`--scale 5`: the run after adding one article took 2.6 s, not 1.7 s)
    past = time.time() - 60
    for path in target.iterdir():
        if not path.is_symlink():
            os.utime(path, (past, past))
    return {"files": len(files) * scale, "vocabulary": vocabulary, "first": files[0] if files else None}


def add_article(corpus: Path, source_file: Path, vocabulary: list, copy: int) -> Path:
    """One more article: a new copy of ``source_file`` (as --scale makes them), under a new id."""
    head, body = _split_header(source_file.read_text("utf-8"))
    path = corpus / f"{copy:03d}-added-{source_file.name}"
    path.write_text(head + "\n" + perturb(body, copy, vocabulary), "utf-8")
    return path


# -- memory ---------------------------------------------------------------------------------------


def _peak_reset():
    """Reset this process's peak resident set size (Linux), so the next read covers what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemory:
    """Samples the memory of a process and its descendants: the peak of the summed PSS.

    PSS (pages shared by forked workers counted once) needs the kernel to walk every page, about
    10 ms per GB, which the measured run would lack: resident sizes (cheap) are read every 0.2 s
    and PSS only when they reach a new high (5% above the highest so far) or every 5 s. Without
    psutil, the summed resident size.
    """

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _procs(self):
        import psutil

        try:
            root = psutil.Process(self.pid)
            return [root] + root.children(recursive=True)
        except psutil.Error:
            return []

    @staticmethod
    def _sum(procs, full: bool) -> float:
        import psutil

        total = 0
        for p in procs:
            try:
                total += p.memory_full_info().pss if full else p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def _run(self):
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self._run_statm()
        high, last_time = 0.0, 0.0  # the highest resident total when PSS was last read
        while not self._stop.is_set():
            procs = self._procs()
            rss = self._sum(procs, full=False)
            now = time.monotonic()
            if rss > 1.05 * high or now - last_time > 5:
                self.peak = max(self.peak, self._sum(procs, full=True))
                high, last_time = max(high, rss), now
            self._stop.wait(self.interval)

    def _run_statm(self):
        while not self._stop.is_set():
            try:
                with open(f"/proc/{self.pid}/statm") as handle:
                    self.peak = max(self.peak, int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20)
            except OSError:
                pass
            self._stop.wait(self.interval)


def median_run(runs: list) -> dict:
    """The run of median wall time among repeated runs of one command (the lower middle of an even
    number), with ``runs`` (every wall time, in order) and ``range`` (the fastest and slowest).

    >>> r = median_run([{"wall": 3.0, "cpu": 3.1}, {"wall": 2.0, "cpu": 2.2}, {"wall": 4.0, "cpu": 4.0}])
    >>> r["wall"], r["cpu"], r["runs"], r["range"]
    (3.0, 3.1, [3.0, 2.0, 4.0], (2.0, 4.0))
    """
    walls = [run["wall"] for run in runs]
    middle = sorted(range(len(runs)), key=lambda i: walls[i])[(len(runs) - 1) // 2]
    return {**runs[middle], "runs": walls, "range": (min(walls), max(walls))}


def run_command(args, env=None) -> dict:
    """Run a command in a fresh process: wall time, CPU time and peak memory of its process tree."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the tree's processes, once waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"wall": wall, "cpu": cpu, "peak_mb": memory.peak, "stdout": out.strip()}


# -- stages ---------------------------------------------------------------------------------------


def _batches(documents, batch_chars: int):
    """Consecutive runs of documents holding about ``batch_chars`` characters each (as annotate batches)."""
    sizes = documents["text"].str.len().to_numpy()
    start, total = 0, 0
    for i, size in enumerate(sizes):
        total += size
        if total >= batch_chars:
            yield documents.iloc[start:i + 1]
            start, total = i + 1, 0
    if start < len(documents):
        yield documents.iloc[start:]


def measure_stages(corpus: Path, actors: str, words: int) -> dict:
    """Each stage over the corpus, batch by batch, in this process (one core)."""
    from toolkit.actors import find_mentions, load_actors
    from toolkit.annotate import AnnotationSettings, _boilerplate_texts, clean_corpus
    from toolkit.corpus import read_corpus
    from toolkit.sentiment import score_sentiment
    from toolkit.text import split_sentences, tokenize

    stages = {}

    def timed(name, func, *args, **kwargs):
        entry = stages.setdefault(name, {"wall": 0.0, "cpu": 0.0, "peak_mb": 0.0})
        _peak_reset()
        wall, cpu = time.perf_counter(), time.process_time()
        result = func(*args, **kwargs)
        entry["wall"] += time.perf_counter() - wall
        entry["cpu"] += time.process_time() - cpu
        entry["peak_mb"] = max(entry["peak_mb"], _peak_mb())
        return result

    settings = AnnotationSettings(actors=actors, scorers=("vader",))
    documents = timed("load", read_corpus, corpus).documents
    documents, tables, _ = timed("hygiene", clean_corpus, documents, settings)
    boilerplate = _boilerplate_texts(tables["boilerplate"])
    dictionary = load_actors(actors)
    counts = {"sentences": 0, "tokens": 0, "mentions": 0}
    for batch in _batches(documents, settings.batch_chars):
        sentences = timed("sentences", split_sentences, batch, boilerplate=boilerplate)
        counts["sentences"] += len(sentences)
        counts["tokens"] += len(timed("tokens", tokenize, sentences, settings=settings.text))
        counts["mentions"] += len(timed("mentions", find_mentions, sentences, dictionary))
        timed("sentiment", score_sentiment, sentences, scorers=settings.scorers)
        del sentences
    for entry in stages.values():
        entry["words_per_s"] = words / entry["wall"] if entry["wall"] else float("nan")
        entry["words_per_cpu_s"] = words / entry["cpu"] if entry["cpu"] else float("nan")
    return {"stages": stages, "counts": counts, "documents": len(documents)}


def _stages_child(corpus, actors, words, queue):
    queue.put(measure_stages(Path(corpus), actors, words))


def measure_stages_in_child(corpus: Path, actors: str, words: int) -> dict:
    """:func:`measure_stages` in a fresh process (its memory is its own)."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_stages_child, args=(str(corpus), actors, words, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


# -- baseline -------------------------------------------------------------------------------------


def baseline(texts) -> dict:
    """The plain NLTK way: Punkt sentences, NLTKWordTokenizer, NLTK VADER per sentence, a Counter."""
    from collections import Counter

    import nltk.data
    import vaderSentiment
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    from nltk.tokenize import NLTKWordTokenizer, PunktSentenceTokenizer

    folder = os.path.dirname(vaderSentiment.__file__)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)  # NLTK only reads lexicons under its data roots
    vader = SentimentIntensityAnalyzer(lexicon_file="file:" + os.path.join(folder, "vader_lexicon.txt"))
    punkt, words = PunktSentenceTokenizer(), NLTKWordTokenizer()
    counts = Counter()
    n_sentences = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        for sentence in punkt.tokenize(text):
            n_sentences += 1
            counts.update(w.lower() for w in words.tokenize(sentence))
            vader.polarity_scores(sentence)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "sentences": n_sentences,
            "terms": len(counts)}


# -- the run --------------------------------------------------------------------------------------


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as handle:
            mem = f"{int(handle.readline().split()[1]) / 2**20:.0f} GB RAM"
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "python": platform.python_version(),
            "system": platform.platform(), "load": os.getloadavg()}


NO_HYGIENE = ["--detokenize", "never", "--boilerplate-min-docs", "0", "--duplicates-threshold", "0"]


def annotate_args(corpus, cache, actors, *, workers=None, engine=None, scheduler=None, hygiene=True):
    args = [PYTHON, "-m", "toolkit", "annotate", str(corpus), "--out", str(cache), "--actors", actors]
    if not hygiene:
        args += NO_HYGIENE
    if workers:
        args += ["--workers", str(workers)]
    if engine:
        args += ["--engine", engine]
    if scheduler:
        args += ["--scheduler", scheduler]
    return args


# The command's own work in a process that has started and imported the toolkit already (as a
# notebook's kernel has): ``toolkit.cli.main()`` timed alone, without the interpreter's start-up,
# the imports (0.35-0.4 s, pandas most of it) and the exit, which no number of cores shortens.
# main() is called as ``python -m toolkit`` calls it (no argv: the process is the toolkit's own, so
# it takes the memory settings of toolkit/_memory.py; main(argv) leaves a caller's process as it is
# and one worker ran 0.2 s slower).
_IN_SESSION = (
    "import json, sys, time\n"
    "import toolkit.cli\n"
    "sys.argv[0] = 'toolkit'\n"
    "started = time.perf_counter()\n"
    "status = toolkit.cli.main()\n"
    "print(json.dumps({'in_session_s': time.perf_counter() - started}))\n"
    "sys.exit(status)\n"
)


def in_session(command: list) -> list:
    """``python -m toolkit ARGS`` as a process that times ``toolkit.cli.main()`` after its imports."""
    if command[1:3] != ["-m", "toolkit"]:
        raise ValueError(f"not a toolkit command: {command[:3]}")
    return [command[0], "-c", _IN_SESSION, *command[3:]]


def session_seconds(run: dict) -> dict:
    """A run of :func:`in_session`'s command with ``wall`` the timed call (``process_wall``: the process).

    >>> session_seconds({"wall": 3.1, "cpu": 5.0, "peak_mb": 400.0, "stdout": 'done\\n{"in_session_s": 2.7}'})["wall"]
    2.7
    """
    seconds = json.loads(run["stdout"].splitlines()[-1])["in_session_s"]
    return {**run, "wall": seconds, "process_wall": run["wall"]}


def in_session_round(calls: dict, corpus, cache: Path, actors, engine: dict, env, *, hygiene=True):
    """One cold run of the work in a running Python with one worker, then one with all cores,
    appended to ``calls[1]`` and ``calls[None]``."""
    for workers in (1, None):
        command = annotate_args(corpus, cache, actors, workers=workers, hygiene=hygiene, **engine)
        calls[workers].append(session_seconds(run_command(in_session(command), env)))
        shutil.rmtree(cache, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="a folder of .txt articles")
    parser.add_argument("--scale", type=int, default=1, help="repeat the corpus N times under new ids")
    parser.add_argument("--actors", default=str(ROOT / "corpus" / "actors.yml"))
    parser.add_argument("--engine", choices=["local", "dask"], default=None)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--baseline-docs", type=int, default=None, help="time the baseline on the first N articles")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["stages", "single", "baseline", "hygiene", "no-hygiene", "session"],
                        help="leave a part out (repeatable)")
    parser.add_argument("--workdir", default=None, help="where the scaled corpus and caches go (default: a temp folder)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="cold runs (one worker, all cores) N times each, alternated; the median is reported")
    parser.add_argument("--json", default=None, help="also write the results as JSON")
    args = parser.parse_args(argv)

    source = Path(args.corpus).resolve()
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("cache*"):   # an earlier run's caches in the same --workdir: every run here starts cold
        shutil.rmtree(stale, ignore_errors=True)
    results = {"machine": machine(), "corpus": str(source), "scale": args.scale}
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    try:
        started = time.perf_counter()
        corpus = work / "corpus"
        if corpus.exists():
            shutil.rmtree(corpus)
        made = make_corpus(source, corpus, args.scale)
        results["prepare_s"] = time.perf_counter() - started
        from toolkit.corpus import read_corpus

        base = read_corpus(source).documents
        words_one = count_words(base["text"])
        words = words_one * args.scale
        chars = int(base["text"].str.len().sum()) * args.scale
        results.update(documents=len(base) * args.scale, words=words, megabytes=chars / 1e6)
        print(f"machine   {results['machine']['cpu']}, {results['machine']['cores']} cores, "
              f"{results['machine']['memory']}, Python {results['machine']['python']}; load average "
              f"{results['machine']['load'][0]:.1f}")
        print(f"corpus    {source.name} x {args.scale}: {len(base) * args.scale:,} articles, {words:,} words, "
              f"{chars / 1e6:,.0f} M characters (prepared in {results['prepare_s']:.0f} s)")

        if "stages" not in args.skip:
            stage = measure_stages_in_child(corpus, args.actors, words)
            results["stages"] = stage
            print(f"\nstages (one process, one core; {stage['counts']['sentences']:,} sentences, "
                  f"{stage['counts']['tokens']:,} tokens, {stage['counts']['mentions']:,} mentions)")
            print(f"  {'stage':10s} {'wall s':>8s} {'cpu s':>8s} {'words/s':>12s} {'words/cpu-s':>12s} {'peak MB':>8s}")
            total_wall = total_cpu = 0.0
            for name, e in stage["stages"].items():
                total_wall += e["wall"]
                total_cpu += e["cpu"]
                print(f"  {name:10s} {e['wall']:8.2f} {e['cpu']:8.2f} {e['words_per_s']:12,.0f} "
                      f"{e['words_per_cpu_s']:12,.0f} {e['peak_mb']:8.0f}")
            print(f"  {'all':10s} {total_wall:8.2f} {total_cpu:8.2f} {words / total_wall:12,.0f} "
                  f"{words / total_cpu:12,.0f}")

        print("\nend to end: python -m toolkit annotate (fresh process, wall clock; peak = process tree PSS)")
        e2e = results["end_to_end"] = {}

        def report(label, key, run):
            e2e[key] = run
            rate = f"{words / run['wall']:10,.0f} words/s" if key.startswith("cold") else " " * 18
            print(f"  {label:30s} {run['wall']:7.2f} s (cpu {run['cpu']:7.2f} s) {rate} peak {run['peak_mb']:6,.0f} MB")
            if len(run.get("runs", ())) > 1:
                print(f"  {'':30s} (median of {len(run['runs'])}: " + ", ".join(f"{w:.2f}" for w in run["runs"]) + " s)")

        def report_session(suffix, calls):
            print("  the same command's work in a running Python (toolkit.cli.main timed after `import toolkit`,\n"
                  "  as a notebook's kernel has it; no interpreter start-up, imports or exit):")
            one, all_ = median_run(calls[1]), median_run(calls[None])
            e2e["session_1" + suffix], e2e["session_all" + suffix] = one, all_
            for label, run in (("cold, 1 worker process", one), ("cold, default (all cores)", all_)):
                times = ", ".join(f"{w:.2f}" for w in run["runs"])
                print(f"  {label:30s} {run['wall']:7.2f} s ({words / run['wall']:,.0f} words/s; "
                      f"the process {run['process_wall']:.2f} s; every call: {times} s)")
            pairs = [a["wall"] / b["wall"] for a, b in zip(calls[1], calls[None])]
            results["speedup_session" + suffix] = one["wall"] / all_["wall"]
            results["speedup_session_runs" + suffix] = pairs
            print(f"  {'':30s} both cores vs one {one['wall'] / all_['wall']:.2f}x (run by run: "
                  + ", ".join(f"{r:.2f}x" for r in pairs) + ")")

        engine = dict(engine=args.engine, scheduler=args.scheduler)
        hygiene = "hygiene" not in args.skip
        repeat = max(1, args.repeat)
        session = "single" not in args.skip and "session" not in args.skip
        if hygiene:   # alternated, so that a slow minute of the machine falls on both
            singles, defaults, calls = [], [], {1: [], None: []}
            for i in range(repeat):
                last = i == repeat - 1
                if "single" not in args.skip:
                    cache = work / f"cache-1-{i}"
                    singles.append(run_command(annotate_args(corpus, cache, args.actors, workers=1, **engine), env))
                    shutil.rmtree(cache, ignore_errors=True)
                cache = work / ("cache" if last else f"cache-{i}")   # the last one is rerun below
                defaults.append(run_command(annotate_args(corpus, cache, args.actors, **engine), env))
                if not last:
                    shutil.rmtree(cache, ignore_errors=True)
                if session:
                    in_session_round(calls, corpus, work / f"cache-session-{i}", args.actors, engine, env)
            if singles:
                report("cold, 1 worker process", "cold_1", median_run(singles))
            report("cold, default (all cores)", "cold_all", median_run(defaults))
            if singles and repeat > 1:
                pairs = [one["wall"] / all_["wall"] for one, all_ in zip(singles, defaults)]
                results["speedup_runs"] = pairs
                print(f"  {'':30s} (both cores vs one, run by run: " + ", ".join(f"{r:.2f}x" for r in pairs) + ")")
            if session:
                report_session("", calls)
        if hygiene:
            report("warm rerun (nothing changed)", "warm", run_command(
                annotate_args(corpus, work / "cache", args.actors, **engine), env))
        plain = "no-hygiene" not in args.skip  # the four annotation stages alone (hygiene off)
        if plain:
            print("  without hygiene (--detokenize never --boilerplate-min-docs 0 --duplicates-threshold 0):")
            if "single" not in args.skip:
                report("cold, 1 worker process", "cold_1_no_hygiene", run_command(
                    annotate_args(corpus, work / "cache-1-plain", args.actors, workers=1, hygiene=False, **engine), env))
            report("cold, default (all cores)", "cold_all_no_hygiene", run_command(
                annotate_args(corpus, work / "cache-plain", args.actors, hygiene=False, **engine), env))
            report("warm rerun (nothing changed)", "warm_no_hygiene", run_command(
                annotate_args(corpus, work / "cache-plain", args.actors, hygiene=False, **engine), env))
            if session:
                calls = {1: [], None: []}
                for i in range(repeat):
                    in_session_round(calls, corpus, work / f"cache-session-plain-{i}", args.actors, engine, env,
                                     hygiene=False)
                report_session("_no_hygiene", calls)
        added = add_article(corpus, made["first"], made["vocabulary"], args.scale)
        print(f"  one article added ({added.name}), rerun:")
        if hygiene:
            run = run_command(annotate_args(corpus, work / "cache", args.actors, **engine), env)
            report("with hygiene", "incremental", run)
            print(f"    ({run['stdout'].splitlines()[0]})")
        if plain:
            run = run_command(annotate_args(corpus, work / "cache-plain", args.actors, hygiene=False, **engine), env)
            report("without hygiene", "incremental_no_hygiene", run)
            print(f"    ({run['stdout'].splitlines()[0]})")
        for suffix, label in (("", "with hygiene"), ("_no_hygiene", "without hygiene")):
            one, all_ = e2e.get("cold_1" + suffix), e2e.get("cold_all" + suffix)
            if one and all_:
                speedup = one["wall"] / all_["wall"]
                results["speedup" + suffix] = speedup
                print(f"  {label}: both cores vs one {speedup:.2f}x; {words / one['wall']:,.0f} words/s with 1 "
                      f"worker, {words / all_['wall'] / (os.cpu_count() or 1):,.0f} words/s per core with all")

        if "baseline" not in args.skip:
            texts = base["text"].tolist()[: args.baseline_docs]
            bwords = count_words(texts)
            b = baseline(texts)
            b.update(words=bwords, documents=len(texts), words_per_s=bwords / b["wall"])
            results["baseline"] = b
            b["words_per_cpu_s"] = bwords / b["cpu"]
            print(f"\nbaseline  NLTK Punkt + NLTKWordTokenizer + NLTK VADER + Counter, one core, on "
                  f"{len(texts):,} articles ({bwords:,} words): {b['wall']:.1f} s wall, {b['cpu']:.1f} s cpu, "
                  f"{b['words_per_s']:,.0f} words/s, {b['words_per_cpu_s']:,.0f} words/cpu-s")
            for key, label in (("cold_1", "1 worker"), ("cold_all", "all cores"),
                               ("session_1", "1 worker, the work in a running Python"),
                               ("session_all", "all cores, the work in a running Python"),
                               ("cold_1_no_hygiene", "1 worker, no hygiene"),
                               ("cold_all_no_hygiene", "all cores, no hygiene"),
                               ("session_1_no_hygiene", "1 worker, no hygiene, the work in a running Python"),
                               ("session_all_no_hygiene", "all cores, no hygiene, the work in a running Python")):
                if key in e2e and key.startswith("session"):   # no CPU ratio: its CPU time has the imports
                    results[f"ratio_{key}"] = ratio = (words / e2e[key]["wall"]) / b["words_per_s"]
                    print(f"  end to end ({label}) / baseline: {ratio:.1f}x words/s (wall)")
                elif key in e2e:
                    ratio = (words / e2e[key]["wall"]) / b["words_per_s"]
                    cpu_ratio = (words / e2e[key]["cpu"]) / b["words_per_cpu_s"]
                    results[f"ratio_{key}"], results[f"cpu_ratio_{key}"] = ratio, cpu_ratio
                    print(f"  end to end ({label}) / baseline: {ratio:.1f}x words/s (wall), "
                          f"{cpu_ratio:.1f}x words per CPU second")
    finally:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2, default=str))
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
