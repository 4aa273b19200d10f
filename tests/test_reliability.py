"""Reliability: nothing lost, hostile files refused or made harmless, no network anywhere.

The property-based tests of every reader are in ``test_properties.py``; killed runs, concurrent
runs, changing files and full or read-only disks in ``test_reliability_faults.py``.

No network: importing this module puts ``tests/nonet`` (a ``sitecustomize``) on ``PYTHONPATH`` and
sets ``TOOLKIT_BLOCK_NETWORK=1`` for every Python process the test session starts afterwards:
the notebook kernels of ``reports_once.rendered`` (shared with ``test_notebooks.py``, which runs
them once per session) and the command lines. Under pytest-xdist every worker imports every test
module before it runs any test, so the notebooks always run guarded when this module is part of
the session; ``test_every_notebook_runs_without_network`` checks each kernel's guard log.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, SHARED, write_article
from reliability_checks import account

NONET = Path(__file__).resolve().parent / "nonet"
_spec = importlib.util.spec_from_file_location("toolkit_tests_network_guard", NONET / "sitecustomize.py")
guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(guard)          # loaded before the variable below is set: not armed here


def _block_network_in_child_processes() -> Path:
    """Every Python process started from now on in this session refuses the network."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    os.environ.setdefault("TOOLKIT_NETWORK_LOG", str(Path(tempfile.gettempdir()) / f"toolkit-network-{run}"))
    os.environ.setdefault("TOOLKIT_BLOCK_NETWORK", "1")
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(NONET) not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(NONET), *paths])
    return Path(os.environ["TOOLKIT_NETWORK_LOG"])


NETWORK_LOG = _block_network_in_child_processes()

import toolkit  # noqa: E402
from toolkit import (AnnotationSettings, CorpusError, DictionaryError, LexiconError, annotate,  # noqa: E402
                     load_actors, measure_documents, read_corpus, read_lexicon, tone_by_document)
from toolkit.cooccurrence import count_pairs  # noqa: E402


# ---------------------------------------------------------------------------------------------
# nothing lost: every file of every test corpus is loaded or reported


def _salted(root: Path) -> Path:
    """Three good articles and one broken file of each kind the loader reports."""
    folder = root / "salted"
    write_article(folder, "good1.txt", "date 2020-01-15\nTurkey warned Russia.\n")
    write_article(folder, "good2.txt", "\ufeff  date 2020-02-01\r\nRussia denied it.\r\n")
    write_article(folder, "good3.txt", "date 2020-03-01 Syria said nothing.")
    write_article(folder, "latin1.txt", "date 2020-03-02\nCaf\xe9 talks.\n".encode("cp1252"))   # loaded, warned
    write_article(folder, "noheader.txt", "Turkey warned Russia.\n")
    write_article(folder, "badheader.txt", "date: 15/01/2020\nText.\n")
    write_article(folder, "impossible.txt", "date 2020-02-30\nText.\n")
    write_article(folder, "ancient.txt", "date 1066-10-14\nHastings.\n")
    write_article(folder, "empty.txt", "date 2020-01-01\n\n")
    write_article(folder, "binary.txt", b"%PDF-1.4 \x00\x01\x02")
    write_article(folder, "nul.txt", b"date 2020-01-01\nText\x00with NUL\n")
    write_article(folder, "invalid.txt", b"date 2020-01-01\n\x81\x8d\x8f\x90\x9d bytes\n")
    write_article(folder, "zcopy.txt", "date 2020-01-15\nTurkey warned Russia.\n")      # same text as good1
    write_article(folder, "zdup.TXT", "date 2020-01-16\nRead first (sorted by name).\n")
    write_article(folder, "zdup.txt", "date 2020-01-16\nAnother text with the same id, zdup.\n")
    write_article(folder, "notes.docx", b"PK\x03\x04")
    write_article(folder, "big.txt", b"date 2020-01-01\n" + b"x" * 2_000)
    (folder / "sub").mkdir()
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder / "missing", folder / "dangling.txt")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:
        handle.write(b"date 2020-01-01\nA Latin-1 file name.\n")
    write_article(folder, "README.md", "companion, not an article")
    write_article(folder, ".hidden.txt", "date 2020-01-01\nhidden files are skipped\n")
    return folder


def _test_corpora(root: Path) -> dict:
    """Every corpus folder the tests use (the development corpus too, when it is here)."""
    from reports_once import write_small_corpus
    from test_reliability_faults import write_versions

    small = root / "small"
    write_article(small, "001_a.txt", "date 2020-01-15\nTurkey warned Russia. Ankara sent troops.\n")
    write_article(small, "002_b.txt", "date 2020-02-03\nRussia denied it.\n\nMoscow said Turkey's claims were false.\n")
    write_article(small, "003_c.txt", " date 2020-03-01 Syrian forces advanced on Idlib.")
    folders, _ = write_versions(root / "faults")
    corpora = {"corpus/": REPO / "corpus", "conftest small_corpus": small,
               "reports_once small corpus": write_small_corpus(root / "reports"),
               "faults v1": folders["v1"], "faults v2": folders["v2"], "salted": _salted(root)}
    dev = SHARED / "corpora" / "timeline17_mideast"
    if dev.is_dir():
        corpora["timeline17_mideast (development data)"] = dev
    return corpora


def test_every_test_corpus_accounts_for_every_file(tmp_path):
    for name, folder in _test_corpora(tmp_path).items():
        corpus = read_corpus(folder, max_bytes=1_000 if name == "salted" else toolkit.corpus.DEFAULT_MAX_BYTES)
        account(corpus, folder)                          # loaded + reported == files in the folder
    salted = read_corpus(tmp_path / "salted", max_bytes=1_000)
    kinds = dict(zip(salted.problems["file"], salted.problems["problem"]))
    # one clear line per broken file (a hand-made table of what each file is)
    assert kinds == {
        "zdup.txt": "duplicate id", "ancient.txt": "date out of range", "badheader.txt": "malformed header",
        "big.txt": "too large", "binary.txt": "binary content", "caf\\xe9.txt": "bad file name",
        "zcopy.txt": "duplicate text", "dangling.txt": "unreadable", "empty.txt": "empty text",
        "impossible.txt": "impossible date", "invalid.txt": "invalid UTF-8", "latin1.txt": "not UTF-8",
        "noheader.txt": "missing header", "notes.docx": "not an article", "nul.txt": "binary content",
        "pipe.txt": "unreadable", "sub": "not an article"}
    assert sorted(salted.documents["doc_id"]) == ["good1", "good2", "good3", "latin1", "zdup"]


def test_check_prints_one_line_per_problem_whatever_the_file_names(tmp_path, capsys):
    folder = tmp_path / "corpus"
    write_article(folder, "ok.txt", "date 2020-01-01\nFine.\n")
    write_article(folder, "two\nlines.txt", "no header\n")
    write_article(folder, "tab\there.txt", "date 2020-02-30\nText.\n")
    from toolkit.cli import main

    assert main(["check", str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["tab\\x09here.txt: impossible date 2020-02-30",
                     "two\\x0alines.txt: missing header: expected 'date YYYY-MM-DD', found 'no header'",
                     "1 article loaded; 2 files not loaded; 0 warnings"]


def test_per_document_results_keep_documents_without_sentences_or_actors(tmp_path):
    """An article with no actor, one of punctuation only and one that is all boilerplate still get a
    row (with zeros) in every per-document table."""
    folder = tmp_path / "corpus"
    footer = "Subscribe to our newsletter for more news every day."
    for i in range(3):
        write_article(folder, f"{i}.txt", f"date 2020-01-0{i + 1}\nTurkey and Russia met on day {i}.\n\n{footer}\n")
    write_article(folder, "noactor.txt", "date 2020-01-05\nThe weather was cold.\n")
    write_article(folder, "punct.txt", "date 2020-01-06\n... !!! ???\n")
    write_article(folder, "footer.txt", f"date 2020-01-07\n{footer}\n")
    (tmp_path / "actors.yml").write_text("actors:\n  - id: TUR\n    aliases: [Turkey]\n  - id: RUS\n    aliases: [Russia]\n")
    settings = AnnotationSettings(actors=str(tmp_path / "actors.yml"), scorers=("vader",), boilerplate_min_docs=3,
                                  duplicates_threshold=None)
    ann = annotate(folder, tmp_path / "cache", settings=settings, workers=1)
    ids = ["0", "1", "2", "footer", "noactor", "punct"]
    assert sorted(ann.documents["doc_id"]) == ids

    lengths = measure_documents(ann.documents, ann.tokens, ann.sentences).set_index("doc_id")
    assert sorted(lengths.index) == ids
    assert lengths.loc["footer", ["words", "tokens", "sentences"]].tolist() == [0, 0, 0]   # all boilerplate
    assert lengths.loc["punct", "words"] == 0 and lengths.loc["punct", "tokens"] > 0     # 0 words, some marks
    assert lengths.loc["noactor", "words"] == 4                  # The weather was cold

    tone = tone_by_document(ann.sentiment, documents=ann.documents, n_boot=0).set_index("doc_id")
    assert sorted(tone.index) == ids
    assert tone.loc["footer", "n_sentences"] == 0 and pd.isna(tone.loc["footer", "mean"])
    assert tone.loc["noactor", "n_sentences"] == 1

    # co-occurrence totals count every document, with or without actors or sentences
    pairs = count_pairs(ann.mentions, window="document", sentences=ann.sentences, documents=ann.documents)
    assert pairs[["actor_a", "actor_b", "joint", "total"]].values.tolist() == [["RUS", "TUR", 3, 6]]
    by_sentence = count_pairs(ann.mentions, window="sentence", sentences=ann.sentences)
    assert by_sentence["total"].tolist() == [len(ann.sentences)]


# ---------------------------------------------------------------------------------------------
# hostile files: YAML is never constructed, ids never name files, sizes are bounded

SENTINEL_NAME = "toolkit-hostile-executed"
HOSTILE_TAGS = [
    "!!python/object/apply:os.system ['touch {sentinel}']",
    "!!python/object/apply:subprocess.call [['touch', '{sentinel}']]",
    "!!python/object/new:os.system ['touch {sentinel}']",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
@pytest.mark.parametrize("where", ["id", "alias", "member_of", "top"])
def test_python_tags_in_an_actor_dictionary_are_refused_and_never_run(tmp_path, tag, where):
    sentinel = tmp_path / SENTINEL_NAME
    value = tag.format(sentinel=sentinel)
    text = {"id": f"actors:\n  - id: {value}\n",
            "alias": f"actors:\n  - id: A\n    aliases: [{value}]\n",
            "member_of": f"actors:\n  - id: A\n  - id: B\n    member_of: {value}\n",
            "top": f"{value}\n"}[where]
    path = tmp_path / "actors.yml"
    path.write_text(text)
    with pytest.raises(DictionaryError) as err:      # never an object: a list where a value belongs,
        load_actors(path)                            # or an empty value
    assert err.value.file == str(path)
    assert not sentinel.exists()
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.txt", "date 2020-01-01\nText.\n")
    with pytest.raises(DictionaryError):
        annotate(corpus, tmp_path / "cache", actors=path, workers=1)
    assert not (tmp_path / "cache" / "manifest.json").exists()
    assert not sentinel.exists()


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_python_tags_in_a_yaml_lexicon_are_never_run(tmp_path, tag):
    sentinel = tmp_path / SENTINEL_NAME
    path = tmp_path / "lexicon.yml"
    path.write_text(f"positive:\n  - good\n  - {tag.format(sentinel=sentinel)}\nnegative: [bad]\n")
    with pytest.raises(LexiconError) as err:
        read_lexicon(path)
    assert err.value.file == str(path)
    assert not sentinel.exists()


def test_yaml_readers_never_construct_objects(monkeypatch):
    """The dictionary and lexicon readers only compose YAML nodes: with PyYAML's constructors
    broken, the shipped dictionary and a YAML lexicon still load."""
    import yaml

    def refuse(*args, **kwargs):
        raise AssertionError("a YAML constructor was called")
    for cls in (yaml.constructor.BaseConstructor, yaml.constructor.SafeConstructor):
        monkeypatch.setattr(cls, "construct_document", refuse)
        monkeypatch.setattr(cls, "construct_object", refuse)
    monkeypatch.setattr(yaml, "load", refuse)
    monkeypatch.setattr(yaml, "safe_load", refuse)
    assert len(load_actors(REPO / "corpus" / "actors.yml").actors) > 100
    path = Path(tempfile.mkdtemp()) / "lexicon.yml"
    path.write_text("positive: [good, great*]\nnegative: [bad]\n")
    assert sorted(read_lexicon(path)["pattern"]) == ["bad", "good", "great*"]
    shutil.rmtree(path.parent)


UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}
UNSAFE_ATTRIBUTES = {("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all"),
                     ("yaml", "unsafe_load_all"), ("yaml", "full_load_all"), ("yaml", "Loader"),
                     ("yaml", "UnsafeLoader"), ("yaml", "FullLoader"), ("pickle", "load"), ("pickle", "loads"),
                     ("marshal", "loads"), ("os", "system"), ("os", "popen"), ("pd", "read_pickle"),
                     ("pandas", "read_pickle"), ("shelve", "open")}


def test_the_toolkit_has_no_way_to_execute_what_it_reads():
    """No eval/exec, no unsafe YAML loader, no pickle, no shell anywhere in toolkit/ (by syntax tree)."""
    found = []
    for path in sorted((REPO / "toolkit").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in UNSAFE_CALLS:
                found.append(f"{path.name}:{node.lineno}: {node.func.id}()")
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and (node.value.id, node.attr) in UNSAFE_ATTRIBUTES:
                found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "shell" and getattr(node.value, "value", False) is True:
                found.append(f"{path.name}:{node.lineno}: shell=True")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if {"pickle", "marshal", "shelve", "dill", "cloudpickle"} & set(names):
                    found.append(f"{path.name}:{node.lineno}: import {names}")
    assert not found, found


def _tree(folder: Path) -> set:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


SHARD = re.compile(r"(manifest\.json|\.lock|[a-z]+\.parquet|[a-z]+\.parquet/part-[0-9a-f]{16}\.parquet)\Z")


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_ids_and_names_from_an_export_never_name_a_file(tmp_path, monkeypatch, kind):
    """Hostile ids in an export: those with a slash or a control character are refused; the others
    (``..``, ``~``, ``CON``, ``$(...)``) load as text, and annotating writes only the cache's own
    fixed file names, inside the cache folder."""
    ids = ["../escape", "../../etc/passwd", "/tmp/abs", "..\\..\\win", "a\x07b", "o\nk", "..", ".", "~", "CON",
           "$(touch pwned)", "`touch pwned`", "-rf", "%2e%2e%2fescape", "\u202eevil", "a" * 300, "plain"]
    records = [{"id": i, "date": "2020-01-01", "text": f"Article {n} about Turkey.", "file": f"../f{n}.txt"}
               for n, i in enumerate(ids)]
    export = tmp_path / "in" / f"export.{kind}"
    export.parent.mkdir()
    if kind == "csv":
        pd.DataFrame(records).to_csv(export, index=False)
    else:
        export.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    before = _tree(tmp_path)
    corpus = read_corpus(export, id_column="id")
    loaded = set(corpus.documents["doc_id"])
    assert loaded == {"..", ".", "~", "CON", "$(touch pwned)", "`touch pwned`", "-rf", "%2e%2e%2fescape",
                      "\u202eevil", "plain"}
    refused = corpus.problems[corpus.problems["problem"] == "bad id"]
    # 7 refused: 4 with slashes or backslashes, 2 with a control character, 1 of 300 characters
    assert len(refused) == 7
    ann = annotate(export, tmp_path / "cache", id_column="id", workers=1, actors=REPO / "corpus" / "actors.yml",
                   scorers=["vader"])
    assert set(ann.documents["doc_id"]) == loaded
    created = _tree(tmp_path) - before
    outside = [p for p in created if not p.startswith("cache")]
    assert not outside, f"files written outside the cache: {outside}"
    names = {p.removeprefix("cache/") for p in created if p != "cache"}
    assert all(SHARD.match(p) for p in names), sorted(p for p in names if not SHARD.match(p))
    assert not list(work.iterdir()) and not (tmp_path / "pwned").exists()


def test_a_1gb_file_is_refused_without_reading_it(tmp_path):
    """Sparse 1 GB files (no disk used): an article, an export, a metadata CSV, a dictionary, a lexicon."""
    gigabyte = 1 << 30

    def sparse(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.truncate(gigabyte)
        return path

    folder = tmp_path / "corpus"
    write_article(folder, "ok.txt", "date 2020-01-01\nA normal article.\n")
    sparse(folder / "huge.txt")
    corpus = read_corpus(folder)
    assert corpus.documents["doc_id"].tolist() == ["ok"]
    assert corpus.problems[["file", "problem", "detail"]].values.tolist() == [
        ["huge.txt", "too large", "1,073,741,824 bytes, more than the limit of 20,000,000"]]
    for name in ("export.csv", "export.jsonl"):
        with pytest.raises(CorpusError, match="too large: 1,073,741,824 bytes, more than the export limit"):
            read_corpus(sparse(tmp_path / name))
    with pytest.raises(CorpusError, match="too large: 1,073,741,824 bytes, more than the metadata limit"):
        read_corpus(folder, metadata=sparse(tmp_path / "meta.csv"))
    with pytest.raises(DictionaryError, match="too large for an actor dictionary: 1,073,741,824 bytes"):
        load_actors(sparse(tmp_path / "actors.yml"))
    for name in ("lexicon.csv", "lexicon.yml"):
        with pytest.raises(LexiconError, match="too large for a lexicon: 1,073,741,824 bytes"):
            read_lexicon(sparse(tmp_path / name))


def test_too_many_files_are_refused_before_any_is_read(tmp_path, monkeypatch):
    """A million tiny files, scaled down: 60 articles against a limit of 50. The default limit is
    2,000,000 article files (``read_corpus(max_files=...)``)."""
    assert inspect.signature(read_corpus).parameters["max_files"].default == 2_000_000
    folder = tmp_path / "many"
    for i in range(60):
        write_article(folder, f"{i:02d}.txt", f"date 2020-01-01\nArticle {i}.\n")
    corpus_module = importlib.import_module("toolkit.corpus")

    def never(*args, **kwargs):
        raise AssertionError("an article was read")
    monkeypatch.setattr(corpus_module, "parse_article", never)
    with pytest.raises(CorpusError, match="60 article files, more than the limit of 50 \\(raise max_files\\)") as err:
        read_corpus(folder, max_files=50)
    assert err.value.file == str(folder)
    monkeypatch.undo()
    assert len(read_corpus(folder, max_files=60).documents) == 60


def test_a_50mb_single_line_is_refused_with_a_message(tmp_path):
    line = "word " * 10_000_000                                     # 50,000,000 bytes, no line break
    folder = tmp_path / "corpus"
    write_article(folder, "long.txt", "date 2020-01-01 " + line)
    write_article(folder, "ok.txt", "date 2020-01-01\nA normal article.\n")
    corpus = read_corpus(folder)
    assert corpus.documents["doc_id"].tolist() == ["ok"]
    assert corpus.problems[["file", "problem"]].values.tolist() == [["long.txt", "too large"]]
    # in an export, the record is refused and the records around it load
    export = tmp_path / "export.csv"
    export.write_text(f"date,text\n2020-01-01,first\n2020-01-02,{line}\n2020-01-03,third\n")
    corpus = read_corpus(export)
    assert corpus.documents["text"].tolist() == ["first", "third"]
    assert corpus.problems[["line", "problem"]].values.tolist() == [[3, "too large"]]
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps({"date": "2020-01-0" + str(i + 1), "text": t})
                                for i, t in enumerate(["first", line, "third"])))
    corpus = read_corpus(export)
    assert corpus.documents["text"].tolist() == ["first", "third"]
    assert corpus.problems[["line", "problem"]].values.tolist() == [[2, "too large"]]


def test_a_long_single_line_within_the_limit_is_annotated(tmp_path):
    """A 3 MB article on one line with no sentence end: one sentence, every word a token."""
    rng = random.Random(7)
    words = [rng.choice(["Turkey", "talks", "troops", "calm", "north"]) for _ in range(500_000)]
    write_article(tmp_path / "corpus", "long.txt", "date 2020-01-01 " + " ".join(words))
    ann = annotate(tmp_path / "corpus", tmp_path / "cache", actors=REPO / "corpus" / "actors.yml",
                   scorers=["vader"], workers=1)
    assert len(ann.sentences) == 1
    assert len(ann.tokens) == 500_000
    assert len(ann.mentions) == words.count("Turkey")


PAYLOADS = ["$(touch {s})", "`touch {s}`", "{{{{7*7}}}} ${{HOME}} %(x)s {{0.__class__}}",
            "__import__('os').system('touch {s}')", "<script>alert(1)</script><img src=x onerror=alert(1)>",
            "=cmd|' /C calc'!A0", "'; DROP TABLE documents; --", "\\x00\\u0000 %n%n%n", "!!python/object/apply:os.system"]


def test_corpus_content_is_text_never_code(tmp_path):
    """Shell, template, Python and HTML payloads in articles are read, annotated and counted as text."""
    sentinel = tmp_path / SENTINEL_NAME
    folder = tmp_path / "corpus"
    for i, payload in enumerate(PAYLOADS):
        write_article(folder, f"{i}.txt", f"date 2020-01-0{1 + i}\nTurkey said {payload.format(s=sentinel)} today.\n")
    settings = AnnotationSettings(duplicates_threshold=None)        # the short articles look alike
    ann = annotate(folder, tmp_path / "cache", actors=REPO / "corpus" / "actors.yml", scorers=["vader"], workers=1,
                   settings=settings)
    texts = ann.documents.set_index("doc_id")["text"]
    for i, payload in enumerate(PAYLOADS):
        assert texts[str(i)] == f"Turkey said {payload.format(s=sentinel)} today."
    assert len(ann.mentions) == len(PAYLOADS)                # one "Turkey" each
    assert not sentinel.exists()


MARKUP = "<img src=x onerror=alert(1)>"


def test_markup_in_names_is_shown_as_text_in_reports_and_explorers(monkeypatch):
    """An actor, outlet or term written as HTML (in a dictionary or a corpus) must not run in a
    report a colleague opens: captions, explorer messages, static views and Styler tables escape it."""
    import ipywidgets  # noqa: F401 - the explorers need it
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects, **kwargs: shown.extend(objects))
    toolkit.show_table(pd.DataFrame({"n": [1]}), "t", caption=f"Keywords of {MARKUP}")
    caption = next(o for o in shown if isinstance(o, IPython.display.Markdown))
    assert MARKUP not in caption.data and "&lt;img" in caption.data

    shown.clear()
    frame = pd.DataFrame({"actor": [MARKUP], "mean": [0.5]}, index=pd.Index([MARKUP], name="key"))
    toolkit.show_table(frame.style.format(precision=3), "styled")     # as the notebooks do
    table = shown[0].to_html()
    assert MARKUP not in table and table.count("&lt;img src=x onerror=alert(1)&gt;") == 2
    assert ">0.500<" in table                                          # the notebook's format is kept
    with pd.option_context("styler.format.escape", None):          # restored after the test
        toolkit.report._begin_report(json.dumps({}))                  # what a report kernel runs first
        table = frame.reset_index(drop=True).style.to_html()           # a Styler shown without show_table
    assert MARKUP not in table and "&lt;img" in table                 # (its cells; show_table does labels too)

    mentions = pd.DataFrame({"doc_id": ["d", "d"], "sent_id": [0, 0], "actor": [MARKUP, "B"], "alias": ["x", "b"],
                             "start": [0, 2], "end": [1, 3]})
    sentences = pd.DataFrame({"doc_id": ["d"], "sent_id": [0], "paragraph_id": [0], "start": [0], "end": [3],
                              "text": ["x b"]})
    explorer = toolkit.widgets.ActorExplorer(count_pairs(mentions, sentences=sentences), mentions, sentences,
                                             actor=MARKUP)
    assert MARKUP not in explorer.status.value and "&lt;img" in explorer.status.value
    shown.clear()
    explorer.show_static()
    note = next(o for o in shown if isinstance(o, IPython.display.Markdown))
    assert MARKUP not in note.data


# ---------------------------------------------------------------------------------------------
# no network


def test_the_network_guard_blocks_and_records(tmp_path):
    """The guard the notebook kernels run under: remote connections and lookups fail, loopback works."""
    log = tmp_path / "log"
    code = ("import socket, urllib.request\n"
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); socket.create_connection(s.getsockname())\n"
            "for call in (lambda: socket.create_connection(('192.0.2.1', 80), timeout=1),\n"
            "             lambda: socket.getaddrinfo('pypi.org', 443),\n"
            "             lambda: urllib.request.urlopen('http://example.org', timeout=1)):\n"
            "    try:\n        call()\n    except OSError:\n        pass\n    else:\n        raise SystemExit('not blocked')\n")
    env = dict(os.environ, TOOLKIT_NETWORK_LOG=str(log))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    lines = next(log.glob("*.log")).read_text().splitlines()
    assert lines[0].startswith("armed ")
    assert [line.split("(")[0] for line in lines[1:]] == ["blocked socket.getaddrinfo"] * 3


def test_the_whole_pipeline_runs_without_network(tmp_path, monkeypatch):
    """Read, annotate (actors, sentiment; one worker and two), frequencies, co-occurrence, tone:
    in this process, with every non-local connection and name lookup refused."""
    from reports_once import write_small_corpus

    monkeypatch.setenv("TOOLKIT_NETWORK_LOG", str(tmp_path / "log"))
    corpus = write_small_corpus(tmp_path / "corpus")
    guard.install()
    try:
        with pytest.raises(OSError, match="network access blocked"):
            socket.create_connection(("192.0.2.1", 80), timeout=1)         # the guard is on
        for workers in (1, 2):
            ann = annotate(corpus, tmp_path / f"cache{workers}", actors=corpus / "actors.yml", scorers=["vader"],
                           workers=workers, settings=AnnotationSettings(batch_chars=200))
        checks = read_corpus(corpus).problems
        terms = toolkit.count_terms(ann.tokens, by="month", documents=ann.documents)
        keywords = toolkit.find_keywords(ann.tokens, {"month": "2020-02"}, documents=ann.documents)
        kwic = toolkit.find_kwic(ann.tokens, ann.documents, "ceasefire")
        pairs = count_pairs(ann.mentions, sentences=ann.sentences)
        graph = toolkit.cooccurrence.build_graph(pairs)
        lengths = measure_documents(ann.documents, ann.tokens, ann.sentences)
        tone = toolkit.tone_by_period(ann.sentiment, ann.documents, n_boot=50)
        toward = toolkit.tone_toward_actors(ann.sentiment, ann.mentions, documents=ann.documents, n_boot=50)
        lexicon = toolkit.score_sentiment(ann.sentences, scorers=[toolkit.LexiconScorer(
            toolkit.lexicon.example_lexicon_path())])
    finally:
        guard.uninstall()
    assert checks.empty and len(terms) and len(keywords) and len(kwic) and len(pairs) and graph.number_of_nodes()
    assert len(lengths) == 8 and len(tone) == 4 and len(toward) and len(lexicon) == len(ann.sentences)
    blocked = [line for f in (tmp_path / "log").glob("*.log") for line in f.read_text().splitlines()
               if line.startswith("blocked")]
    assert blocked == ["blocked socket.getaddrinfo('192.0.2.1')"]        # only the deliberate one


def test_every_notebook_runs_without_network(tmp_path_factory):
    """The notebooks as ``test_notebooks.py`` runs them (shared, once per session), each in a kernel
    started under the guard: every kernel logged that it was armed, and none tried the network."""
    from reports_once import NOTEBOOKS, rendered

    _, report = rendered(tmp_path_factory, "small")
    notebooks = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    assert sorted(r["notebook"] for r in report["notebooks"]) == notebooks
    failed = [r["notebook"] for r in report["notebooks"] if not r["ok"]]
    assert not failed, f"notebooks failed (see test_notebooks.py): {failed}"
    lines = [line for f in NETWORK_LOG.glob("*.log") for line in f.read_text(encoding="utf-8").splitlines()]
    kernels = [line for line in lines if line.startswith("armed") and "ipykernel" in line]
    assert len(kernels) >= len(notebooks), f"{len(kernels)} guarded kernels for {len(notebooks)} notebooks"
    blocked = [line for line in lines if line.startswith("blocked")]
    assert not blocked, f"network access attempted under the tests: {blocked}"
