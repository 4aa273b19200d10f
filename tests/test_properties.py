"""Property-based tests of every reader of user files: any input loads or is refused clearly.

For each reader (an article, a corpus folder, a CSV export, a JSON Lines export, an actor
dictionary, a sentiment lexicon) hypothesis generates at least 1,000 inputs: random bytes, random
unicode, broken headers, huge lines, odd line endings (CR, CRLF, mixed), NUL bytes, byte-order
marks, other encodings, deep YAML, YAML bombs, anchors and aliases, ``!!python/...`` tags. Every
input must either load (and then the result keeps the reader's promises) or raise the toolkit's
own error (a ``ToolkitError`` subclass) whose ``file`` names the input and whose ``problem`` says
what is wrong. Anything else (a traceback from inside pandas, csv, yaml or pyarrow) fails the test,
and so does a hang: every example runs under hypothesis' deadline and a watchdog alarm.

The runs are derandomised (the same inputs every time, so CI is reproducible) and bounded by small
sizes; ``RUNS`` counts the examples each property actually tried.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import shutil
import signal
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability_checks import account
from toolkit.actors import ActorDictionary, load_actors, parse_actors
from toolkit.corpus import parse_article, read_corpus
from toolkit.errors import CorpusError, DictionaryError, LexiconError, ToolkitError
from toolkit.lexicon import LEXICON_COLUMNS, read_lexicon

EXAMPLES = 1000
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=timedelta(seconds=5),
                    suppress_health_check=list(HealthCheck), print_blob=True)
WATCHDOG_SECONDS = 20
RUNS: dict[str, int] = {}


class Hang(Exception):
    """An input took longer than the watchdog allows."""


@contextlib.contextmanager
def watchdog(seconds=WATCHDOG_SECONDS):
    """Raise :class:`Hang` in the test when one input runs longer than ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def alarm(signum, frame):
        raise Hang(f"one input ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def loads_or_refuses(call, *, file, error=ToolkitError):
    """Run ``call()``: return its result, or None when it raised ``error`` naming ``file`` and a problem.

    Any other exception propagates (and fails the property)."""
    with watchdog():
        try:
            return call()
        except error as err:
            assert err.file is not None and Path(err.file).name == Path(str(file)).name, (err.file, file)
            assert err.problem and err.problem.strip(), "an error without a problem"
            assert Path(str(file)).name in str(err)
            return None


def count_run(name):
    RUNS[name] = RUNS.get(name, 0) + 1


def assert_enough(name):
    # hypothesis stops early only when the strategy runs out of distinct inputs
    print(f"{name}: {RUNS.get(name, 0)} inputs tried")                # shown with pytest -s
    assert RUNS.get(name, 0) >= EXAMPLES, f"{name}: only {RUNS.get(name, 0)} inputs tried"


@pytest.fixture
def scratch():
    """A folder for the files of one property (hypothesis reuses it for every example)."""
    folder = Path(tempfile.mkdtemp(prefix="toolkit-props-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# building blocks of messy input

LINE_ENDINGS = st.sampled_from(["\n", "\r\n", "\r", "\n\r", "\u2028", "\x85", "\x0c"])
ODD = ["\x00", "\ufeff", "\u200b", "\u00a0", "\t", "\x1b", "\x7f", "\ud7ff", "\U0001f600", "\u202e", "e\u0301", "\\"]
DATES = st.sampled_from(["2020-01-15", "2020-02-30", "2019-13-01", "0000-01-01", "9999-12-31", "2020-1-5",
                         "20200115", "15/01/2020", "2020-01-15T10:00:00Z", "", "  ", "nan", "None", "date"])
HEADER_WORD = st.sampled_from(["date", "Date", "DATE", "date:", "dat", "datum", "", "\ufeffdate", "date\t"])


def huge(char="x"):
    """A long run of one character (up to 300,000: beyond csv's default field limit of 131,072)."""
    return st.integers(0, 300_000).map(lambda n: char * n)


WORDS = st.one_of(st.text(max_size=12), st.sampled_from(ODD), st.sampled_from(["Turkey", "Mr.", "U.S.", ".", '"', ",", "'s"]))
LINE = st.one_of(st.lists(WORDS, max_size=8).map(" ".join), huge(), st.text(max_size=40))
BODY = st.tuples(st.lists(LINE, max_size=5), LINE_ENDINGS).map(lambda t: t[1].join(t[0]))


@st.composite
def article_text(draw):
    """An article as a researcher's export tool might have written it, possibly broken."""
    lead = draw(st.sampled_from(["", "\ufeff", "  ", "\n\n", "\r\n", "\t", "\x00"]))
    header = f"{draw(HEADER_WORD)}{draw(st.sampled_from([' ', '  ', '', chr(9), ': ']))}{draw(DATES)}"
    sep = draw(st.one_of(LINE_ENDINGS, st.just(" ")))
    return lead + header + sep + draw(BODY)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32", "shift_jis"])


@st.composite
def encoded(draw, texts):
    text = draw(texts)
    return text.encode(draw(ENCODINGS), "replace")


ARTICLE_BYTES = st.one_of(
    st.binary(max_size=300),
    encoded(article_text()),
    encoded(st.text(max_size=200)),
    st.tuples(st.sampled_from([b"%PDF-1.4", b"PK\x03\x04", b"\x89PNG", b"\x7fELF", b"\x1f\x8b"]), st.binary(max_size=50)).map(b"".join),
    st.tuples(encoded(article_text()), st.binary(max_size=20), encoded(article_text())).map(b"".join),
)


# ---------------------------------------------------------------------------------------------
# articles


def test_parse_article_loads_or_names_the_problem():
    @SETTINGS
    @given(ARTICLE_BYTES)
    def prop(raw):
        count_run("article")
        result = loads_or_refuses(lambda: parse_article(raw, name="x.txt"), file="x.txt", error=CorpusError)
        if result is not None:
            date, text, warnings = result
            assert isinstance(date, dt.date)
            assert text and text == text.strip() and "\r" not in text
            assert all(isinstance(w, tuple) and len(w) == 2 for w in warnings)

    prop()
    assert_enough("article")


CLEAN_WORD = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1, max_size=10)


def test_a_well_formed_article_always_loads_with_its_text():
    """Header variants the issue accepts (BOM, leading whitespace, text on the header line or the
    next, CRLF/CR endings) never lose the article: the text read is the body, endings normalised."""

    @SETTINGS
    @given(lead=st.sampled_from(["", "\ufeff", " \n", "\r\n\t"]), day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
           sep=st.sampled_from([" ", "\n", "\r\n", "\r", "\n\n"]), ending=st.sampled_from(["\n", "\r\n", "\r"]),
           lines=st.lists(st.lists(CLEAN_WORD, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=4))
    def prop(lead, day, sep, ending, lines):
        count_run("well-formed article")
        lines = [line.strip() for line in lines]
        body = ending.join(lines).strip()
        if not body:
            return
        raw = (lead + f"date {day.isoformat()}" + sep + body + ending).encode("utf-8")
        with watchdog():
            date, text, warnings = parse_article(raw, name="ok.txt")
        assert date == day
        assert text == "\n".join(lines).strip()
        assert warnings == []

    prop()
    assert_enough("well-formed article")


# ---------------------------------------------------------------------------------------------
# corpus folders: every file is loaded or reported, never both, never neither

NAME_STEMS = st.one_of(st.sampled_from(["a", "A", "001_a", "x y", "..a", "-", "é", "CON", "a.b", "新闻", " "]),
                       st.text(st.characters(exclude_characters="/\x00", exclude_categories=["Cs"]), min_size=1, max_size=12))
SUFFIXES = st.sampled_from([".txt", ".txt", ".txt", ".TXT", ".Txt", ".pdf", "", ".md", ".csv", ".docx", ".txt.bak"])


@st.composite
def folder_entries(draw):
    names = draw(st.lists(st.tuples(NAME_STEMS, SUFFIXES).map("".join), min_size=0, max_size=6, unique=True))
    names = [n for n in names if n not in (".", "..")]
    kinds = [draw(st.sampled_from(["file", "file", "file", "file", "dir", "symlink", "fifo"])) for _ in names]
    contents = [draw(ARTICLE_BYTES) for _ in names]
    bad_name = draw(st.one_of(st.none(), st.binary(min_size=1, max_size=6).filter(lambda b: b"/" not in b and b"\x00" not in b)))
    metadata = draw(st.one_of(st.none(), st.binary(max_size=80),
                              st.lists(st.sampled_from(["file,source", "a.txt,X", "A.TXT,Y", "a.txt,Z", "x,y,z", '"a', ""]),
                                       max_size=4).map(lambda rows: "\n".join(rows).encode())))
    return list(zip(names, kinds, contents)), bad_name, metadata


def _write_folder(folder: Path, entries, bad_name, metadata):
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, kind, content in entries:
        path = folder / name
        if kind == "dir":
            path.mkdir()
        elif kind == "symlink":
            os.symlink(folder.parent / "missing-target", path)
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.write_bytes(content)
    if bad_name is not None:
        raw = bad_name + b".txt"
        with contextlib.suppress(OSError):
            with open(os.path.join(os.fsencode(folder), raw), "wb") as handle:
                handle.write(b"date 2020-01-01\nA file whose name is not UTF-8.\n")
    if metadata is not None:
        (folder / "metadata.csv").write_bytes(metadata)


def test_read_folder_accounts_for_every_file(scratch):
    @SETTINGS
    @given(folder_entries())
    def prop(spec):
        count_run("folder")
        entries, bad_name, metadata = spec
        folder = scratch / "corpus"
        _write_folder(folder, entries, bad_name, metadata)
        corpus = loads_or_refuses(lambda: read_corpus(folder), file=folder / "metadata.csv", error=CorpusError)
        if corpus is not None:
            account(corpus, folder)

    prop()
    assert_enough("folder")


# ---------------------------------------------------------------------------------------------
# CSV and JSON Lines exports: every record is loaded or reported on its line

FIELD = st.one_of(st.text(max_size=30), DATES, huge(), st.sampled_from(['"', '""', '"quoted, with comma"', "a\nb", "a\r\nb",
                                                                          "\x00", "\r", "text", ",", "\t"]))
HEADERS = st.sampled_from([["date", "text"], ["text", "date", "source"], ["date", "text", "text"], ["Date", "Text"],
                           ["date"], ["\ufeffdate", "text"], ["date ", "text"], ["id", "date", "text"], []])


@st.composite
def csv_export(draw):
    header = draw(HEADERS)
    width = draw(st.integers(max(len(header) - 1, 0), len(header) + 1))
    rows = draw(st.lists(st.lists(FIELD, min_size=width, max_size=width), max_size=5))
    ending = draw(LINE_ENDINGS)
    buf = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    writer = csv.writer(buf, lineterminator=ending, quoting=quoting, escapechar="\\")
    try:
        writer.writerow(header)
        writer.writerows(rows)
        text = buf.getvalue()
    except csv.Error:
        text = ending.join(",".join(r) for r in [header, *rows])
    raw = text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"])), "replace")
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut]                                  # a truncated export
    return raw


def csv_records(raw: bytes) -> int:
    """Data records in a CSV file as Python's csv module sees them (the reference count)."""
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, len(text) + 1))
    try:
        return sum(1 for row in list(csv.reader(io.StringIO(text, newline="")))[1:] if row)
    finally:
        csv.field_size_limit(old)


def test_read_csv_export_accounts_for_every_record(scratch):
    @SETTINGS
    @given(csv_export(), st.sampled_from([None, "id"]))
    def prop(raw, id_column):
        count_run("csv")
        path = scratch / "export.csv"
        path.write_bytes(raw)
        corpus = loads_or_refuses(lambda: read_corpus(path, id_column=id_column), file=path, error=CorpusError)
        if corpus is None:
            return
        docs, problems = corpus.documents, corpus.problems
        assert docs["doc_id"].is_unique
        errors = problems[problems["severity"] == "error"]
        # every record is one document or one problem (a duplicate text is reported by document)
        assert len(docs) + len(errors) == csv_records(raw), (len(docs), errors.values.tolist())
        assert not docs["text"].str.contains("\r").any()

    prop()
    assert_enough("csv")


JSON_VALUE = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), DATES),
                          lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                          max_leaves=8)
JSON_RECORD = st.one_of(
    st.fixed_dictionaries({"date": DATES, "text": st.one_of(st.text(max_size=40), huge())},
                          optional={"id": st.one_of(st.text(max_size=8), st.integers(), st.just("../../etc/passwd")),
                                    "source": JSON_VALUE, "file": st.text(max_size=5), "doc_id": st.text(max_size=5),
                                    "published": DATES, "body": st.text(max_size=10)}),
    JSON_VALUE,
)


@st.composite
def jsonl_export(draw):
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["record", "record", "record", "garbage", "deep", "deep field", "escape", "blank"]))
        if kind == "deep field":  # a metadata field nested as deep as the parser allows
            depth = draw(st.integers(1, 3000))
            lines.append('{"date": "2020-01-01", "text": "t", "x": ' + "[" * depth + "]" * depth + "}")
        elif kind == "escape":  # escapes that are not characters (lone surrogates), in any field
            field = draw(st.sampled_from(["text", "source", "id", "\\ud800"]))
            lines.append('{"date": "2020-01-01", "text": "t", "id": "i", "%s": "a \\udc80 \\uD83D"}' % field)
        elif kind == "record":
            lines.append(json.dumps(draw(JSON_RECORD), ensure_ascii=draw(st.booleans())))
        elif kind == "garbage":
            lines.append(draw(st.text(max_size=30)))
        elif kind == "deep":
            depth = draw(st.integers(1, 100_000))
            lines.append("[" * depth + "]" * depth)
        else:
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
    text = draw(st.sampled_from(["", "\ufeff"])) + draw(LINE_ENDINGS).join(lines)
    return text.encode("utf-8", "replace")


def jsonl_records(raw: bytes) -> int:
    text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return sum(1 for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())


def test_read_jsonl_export_accounts_for_every_line(scratch):
    @SETTINGS
    @given(jsonl_export(), st.sampled_from([(None, "date", "text"), ("id", "date", "text"), (None, "published", "body")]))
    def prop(raw, columns):
        count_run("jsonl")
        id_column, date_column, text_column = columns
        path = scratch / "export.jsonl"
        path.write_bytes(raw)
        corpus = loads_or_refuses(lambda: read_corpus(path, id_column=id_column, date_column=date_column,
                                                      text_column=text_column), file=path, error=CorpusError)
        if corpus is None:
            return
        docs, problems = corpus.documents, corpus.problems
        assert docs["doc_id"].is_unique
        errors = problems[problems["severity"] == "error"]
        assert len(docs) + len(errors) == jsonl_records(raw), (len(docs), errors.values.tolist())

    prop()
    assert_enough("jsonl")


# ---------------------------------------------------------------------------------------------
# actor dictionaries (YAML): loaded safely, or refused with the file and (when known) the line

SENTINEL = Path(tempfile.gettempdir()) / f"toolkit-props-executed-{os.getpid()}"
HOSTILE_YAML = [
    f"!!python/object/apply:os.system ['touch {SENTINEL}']",
    f"!!python/object/new:subprocess.Popen [['touch', '{SENTINEL}']]",
    "!!python/name:os.system", "!!python/module:os", "!!python/object:toolkit.errors.ToolkitError {}",
    "!!binary aGVsbG8=", "!!timestamp 2020-01-01", "!!set {a, b}", "!!omap [a: 1]", "!!float .nan", "!custom x",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['true']",
]
YAML_LINES = st.sampled_from([
    "actors:", "  - id: TUR", "  - id: RUS", "    name: Turkey", "    aliases: [Turkey, turks, Ankara]",
    "    aliases: Turkey", "    aliases:", "      - Russia", "      - ''", "      - ~", "    member_of: TUR",
    "    member_of: [TUR, RUS]", "    member_of: {id: TUR, from: 2020-01-01, until: 2019-01-01}",
    "    member_of: {id: TUR, from: 2020-13-45}", "    member_of: ME", "  - &entry", "    id: A", "  - *entry",
    "  - id: &alias X", "    aliases: [*alias]", "    note: *undefined", "ignore: [Latin America]", "ignore: 3",
    "  - [a, b]", "  - id: [1, 2]", "  -", "    id: NO", "    type: person", "    extra: {a: 1}", "x: y", "? [a]", ": b",
    "---", "...", "%YAML 1.1", "%TAG ! tag:example.com,2000:", "actors: &top", "  - *top", "\t- id: tab",
    "  - id: B\n    member_of: C\n  - id: C\n    member_of: B",
]) | st.sampled_from(HOSTILE_YAML).map(lambda tag: f"    aliases: {tag}") | st.sampled_from(HOSTILE_YAML).map(lambda tag: f"  - id: {tag}")


@st.composite
def actor_yaml(draw):
    kind = draw(st.sampled_from(["lines", "lines", "lines", "text", "deep", "bomb", "chain", "huge", "bytes",
                                 "surrogates"]))
    if kind == "surrogates":  # a str from Python code may hold half characters
        return "actors:\n  - id: " + draw(st.text(st.characters(categories=["Cs", "Lu"]), min_size=1, max_size=5))
    if kind == "lines":
        return "\n".join(draw(st.lists(YAML_LINES, max_size=14))) + draw(st.sampled_from(["", "\n", "\r\n"]))
    if kind == "text":
        return draw(st.text(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(1, 50_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ("- ", "")]))
        if opener == "- ":
            return "actors:\n" + "".join(" " * i + "- \n" for i in range(min(depth, 2000)))
        return "actors: " + opener * depth + closer * depth
    if kind == "bomb":  # a billion laughs: each level refers nine times to the one before
        levels = draw(st.integers(1, 12))
        node = draw(st.sampled_from(["[lol, lol]", "{id: X, aliases: [lol]}", "{a: lol}"]))
        lines = [f"l0: &l0 {node}"] + [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
        return "\n".join(lines) + f"\nactors: *l{levels - 1}\n"
    if kind == "chain":  # memberships many levels deep: A1 in A2 in ... in An
        n = draw(st.integers(1, 3000))
        return "actors:\n" + "".join(f"  - id: A{i}\n    member_of: A{i + 1}\n" for i in range(n)) + f"  - id: A{n}\n"
    if kind == "huge":
        return "actors:\n  - id: A\n    aliases: [" + draw(huge("a")) + "]\n"
    return draw(st.binary(max_size=200)).decode("latin-1")


def test_parse_actors_loads_or_names_the_problem():
    SENTINEL.unlink(missing_ok=True)

    @SETTINGS
    @given(actor_yaml())
    def prop(text):
        count_run("actors")
        d = loads_or_refuses(lambda: parse_actors(text, file="actors.yml"), file="actors.yml", error=DictionaryError)
        if d is not None:
            assert isinstance(d, ActorDictionary)
            assert d.actors["actor"].is_unique and (d.actors["actor"].str.len() > 0).all()
            assert (d.aliases["alias"].str.len() > 0).all()
            assert set(d.aliases["actor"]) <= set(d.actors["actor"])
            assert set(d.memberships["member_of"]) <= set(d.actors["actor"])

    prop()
    assert not SENTINEL.exists(), "a YAML tag executed a command"
    assert_enough("actors")


def test_load_actors_file_bytes_loads_or_names_the_problem(scratch):
    """The same from files: any bytes (other encodings, BOM, NUL) give an ActorDictionary or a DictionaryError."""

    @SETTINGS
    @given(st.one_of(st.binary(max_size=200), encoded(actor_yaml()),
                     st.tuples(encoded(actor_yaml()), st.binary(max_size=8)).map(b"".join)))
    def prop(raw):
        count_run("actor files")
        path = scratch / "actors.yml"
        path.write_bytes(raw)
        loads_or_refuses(lambda: load_actors(path), file=path, error=DictionaryError)

    prop()
    assert not SENTINEL.exists()
    assert_enough("actor files")


# ---------------------------------------------------------------------------------------------
# sentiment lexicons (delimited text and YAML)

LEX_HEADERS = st.sampled_from(["pattern,polarity", "word\tscore", "term,value,category", "pattern,category", "polarity",
                               "pattern", "# a comment\npattern,polarity", "\ufeffpattern,polarity", "Pattern , Polarity", ""])
LEX_FIELD = st.one_of(st.sampled_from(["good", "bad*", "not good*", "*", "?", "colo?r", "1", "-1", "nan", "inf", "1e309",
                                       "", "positive", "neg_negative", "x" * 5, '"a,b"', "\x00", "ü", "#x"]),
                      st.text(max_size=12), huge("g"))


@st.composite
def lexicon_file(draw):
    suffix = draw(st.sampled_from([".csv", ".tsv", ".txt", ".yml", ".yaml"]))
    kind = draw(st.sampled_from(["table", "table", "bytes", "yaml", "yaml-deep", "yaml-bomb", "yaml-cycle"]))
    if kind == "table":
        header = draw(LEX_HEADERS)
        sep = "\t" if "\t" in header else ","
        rows = draw(st.lists(st.lists(LEX_FIELD, min_size=1, max_size=3).map(sep.join), max_size=5))
        text = draw(LINE_ENDINGS).join([header, *rows])
    elif kind == "bytes":
        return suffix, draw(st.binary(max_size=200))
    elif kind == "yaml":
        lines = draw(st.lists(st.sampled_from(["positive:", "  - good", "  - bad*", "negative: [bad, worse]", "economy:",
                                               "  jobs: [job*, work]", "  - [a]", "fear: &f [afraid]", "dread: *f",
                                               "nested: &n {a: [x]}", "again: *n", "x: *missing", "- a", "? [a]", ": b",
                                               ] + [f"  - {tag}" for tag in HOSTILE_YAML]), max_size=10))
        text = "\n".join(lines)
    elif kind == "yaml-deep":
        depth = draw(st.integers(1, 50_000))
        text = "a: " + "{b: " * depth + "[x]" + "}" * depth
    elif kind == "yaml-bomb":
        levels = draw(st.integers(1, 12))
        text = "l0: &l0 {x: [good]}\n" + "\n".join(
            f"l{i}: &l{i} {{" + ", ".join(f"k{j}: *l{i - 1}" for j in range(9)) + "}" for i in range(1, levels))
    else:
        text = draw(st.sampled_from(["a: &a\n  b: *a\n", "a: &a {b: {c: *a}}\n", "&a [*a]\n", "a: &a [*a]\n"]))
    return suffix, text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"])), "replace")


def test_read_lexicon_loads_or_names_the_problem(scratch):
    SENTINEL.unlink(missing_ok=True)

    @SETTINGS
    @given(lexicon_file())
    def prop(spec):
        count_run("lexicon")
        suffix, raw = spec
        path = scratch / f"lexicon{suffix}"
        path.write_bytes(raw)
        lex = loads_or_refuses(lambda: read_lexicon(path), file=path, error=LexiconError)
        if lex is not None:
            assert list(lex.columns) == LEXICON_COLUMNS and len(lex) > 0
            assert (lex["pattern"].str.len() > 0).all()
            assert lex["polarity"].notna().any() or (lex["category"] != "").all()

    prop()
    assert not SENTINEL.exists(), "a YAML tag executed a command"
    assert_enough("lexicon")
