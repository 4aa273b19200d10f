"""toolkit.report: parameters, the stamp, rendering, failures, tables, no-input, the index."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit import report
from reports_once import CELL_TIMEOUT, rendered_demo
from conftest import write_article

VENDOR = Path(report.__file__).parent / "data" / "vendor"


# -- parameters

def test_parse_params_reads_python_literals_and_keeps_other_text():
    assert report.parse_params(["top_n=20", "period=M", "scorers=['vader']", "actors=None", "lemmatize=True",
                                "label=two words", "ratio=0.5", "name='20'"]) == {
        "top_n": 20, "period": "M", "scorers": ["vader"], "actors": None, "lemmatize": True,
        "label": "two words", "ratio": 0.5, "name": "20"}


@pytest.mark.parametrize("bad", ["top_n", "=3", "2x=1", "a b=1"])
def test_parse_params_rejects_what_is_not_key_value(bad):
    with pytest.raises(ValueError, match="KEY=VALUE"):
        report.parse_params([bad])


def test_find_notebooks_takes_only_numbered_notebooks(tmp_path):
    for name in ("02-b.ipynb", "01-a.ipynb", "scratch.ipynb", "1-short.ipynb", "03-c.py"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in report.find_notebooks(tmp_path)] == ["01-a.ipynb", "02-b.ipynb"]


# -- the stamp

def test_stamp_of_a_small_corpus(small_corpus, tmp_path):
    ann = toolkit.annotate(small_corpus, tmp_path / "cache")
    stamp = report.make_stamp(ann, settings={"top": 3})
    # conftest.small_corpus: 3 articles dated 2020-01-15, 2020-02-03 and 2020-03-01.
    assert stamp["articles"] == 3
    assert stamp["files_not_loaded"] == 0
    assert (stamp["first_date"], stamp["last_date"]) == ("2020-01-15", "2020-03-01")
    assert stamp["corpus"] == str(small_corpus.resolve())
    assert stamp["settings"] == {"top": 3}
    assert stamp["toolkit_version"] == toolkit.__version__
    assert stamp["actors"] is None and stamp["actors_hash"] is None
    assert re.fullmatch(r"[0-9a-f]{16}", stamp["corpus_hash"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", stamp["run_at"])


def test_stamp_hash_is_the_same_for_the_same_corpus_and_changes_with_it(small_corpus, tmp_path):
    first = report.make_stamp(toolkit.annotate(small_corpus, tmp_path / "a"))
    again = report.make_stamp(toolkit.annotate(small_corpus, tmp_path / "b"))      # another cache
    from_files = report.make_stamp(toolkit.read_corpus(small_corpus), corpus=small_corpus)
    lemmas = toolkit.AnnotationSettings(text=toolkit.TextSettings(lemmatize=True))
    other_settings = report.make_stamp(toolkit.annotate(small_corpus, tmp_path / "c", settings=lemmas))
    assert first["corpus_hash"] == again["corpus_hash"] == from_files["corpus_hash"] == other_settings["corpus_hash"]
    assert other_settings["annotation"]["lemmatize"] is True and first["annotation"]["lemmatize"] is False
    write_article(small_corpus, "002_b.txt", "date 2020-0203\nRussia denied it again.\n")  # a bad header now
    changed = report.make_stamp(toolkit.read_corpus(small_corpus), corpus=small_corpus)
    assert changed["corpus_hash"] != first["corpus_hash"]
    assert (changed["articles"], changed["files_not_loaded"]) == (2, 1)


def test_stamp_hashes_the_actor_dictionary_file(small_corpus, tmp_path):
    actors = tmp_path / "actors.yml"
    actors.write_text("actors:\n  - id: TUR\n    name: Turkey\n    aliases: [Turkey]\n", encoding="utf-8")
    stamp = report.make_stamp(toolkit.annotate(small_corpus, tmp_path / "cache", actors=actors))
    assert stamp["actors"] == str(actors.resolve())
    assert stamp["actors_hash"] == hashlib.sha1(actors.read_bytes()).hexdigest()[:16]
    assert "actors" not in stamp["annotation"]


def test_show_stamp_outputs_html_text_and_json(small_corpus, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    stamp = report.show_stamp(toolkit.annotate(small_corpus, tmp_path / "cache"))
    (bundle,) = shown
    assert bundle[report.STAMP_MIMETYPE]["corpus_hash"] == stamp["corpus_hash"]
    assert stamp["corpus_hash"] in bundle["text/html"] and "2020-01-15 to 2020-03-01" in bundle["text/plain"]


# -- titles and summaries

def test_title_and_summary_come_from_the_first_markdown():
    from nbformat.v4 import new_markdown_cell, new_notebook

    nb = new_notebook(cells=[new_markdown_cell("# 02 · Word frequencies\n\n**Which words dominate, and when?** "
                                               "We count [tokens](x.md). More text.")])
    assert report._title_and_summary(nb) == ("02 · Word frequencies", "Which words dominate, and when?")


# -- a whole run: python -m toolkit report on three small notebooks (01 fine, 02 fails, 03 fine)

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return rendered_demo(tmp_path_factory)


def test_a_failing_notebook_fails_the_command_and_is_named_with_its_cell(demo):
    assert demo["status"] == 1
    # 02-broken: markdown, parameters, `x = 1`, then the raise: source cell 4; it runs as In [4]
    # because papermill's injected parameters cell runs as In [2].
    assert "FAILED 02-broken.ipynb, cell 4 (In [4]): `raise ValueError('boom on purpose')`: " \
           "ValueError: boom on purpose" in demo["stderr"]
    assert "2 of 3 notebooks ran without error" in demo["stdout"]


def test_the_other_reports_are_still_written(demo):
    out = demo["out"]
    assert sorted(p.name for p in out.glob("*.html")) == ["01-demo.html", "02-broken.html", "03-after.html", "index.html"]
    assert "still here" in (out / "03-after.html").read_text(encoding="utf-8")
    assert "boom on purpose" in (out / "02-broken.html").read_text(encoding="utf-8")


def test_progress_names_each_notebook_and_its_time(demo):
    for name in ("01-demo.ipynb", "02-broken.ipynb", "03-after.ipynb"):
        assert f"running {name}" in demo["stdout"]
        assert re.search(rf"{re.escape(name)}: (ok|FAILED) in \d+\.\d s", demo["stdout"])


def test_parameters_reach_only_the_notebooks_that_declare_them(demo):
    runs = {r["notebook"]: r for r in demo["report"]["notebooks"]}
    assert runs["01-demo.ipynb"]["stamp"]["settings"]["top"] == 5          # --param top=5
    assert runs["01-demo.ipynb"]["stamp"]["settings"]["corpus"] == str(demo["corpus"].resolve())
    assert "scorers" not in runs["01-demo.ipynb"]["stamp"]["settings"]     # not declared there
    html = (demo["out"] / "03-after.html").read_text(encoding="utf-8")
    assert str(demo["corpus"].resolve()) in html                           # the absolute corpus path ran


def test_the_stamp_is_shown_or_added(demo):
    runs = {r["notebook"]: r for r in demo["report"]["notebooks"]}
    assert not runs["01-demo.ipynb"]["stamp_added"]                        # calls show_stamp
    assert runs["03-after.ipynb"]["stamp_added"]                           # does not: report adds it
    assert runs["01-demo.ipynb"]["stamp"]["corpus_hash"] == runs["03-after.ipynb"]["stamp"]["corpus_hash"]
    assert runs["01-demo.ipynb"]["stamp"]["articles"] == 3
    for name in ("01-demo.html", "03-after.html"):
        assert "Report stamp" in (demo["out"] / name).read_text(encoding="utf-8")


def test_tables_are_written_next_to_the_report(demo):
    folder = demo["out"] / "01-demo"
    assert sorted(p.name for p in folder.glob("*.csv")) == ["counts.csv", "table-01.csv", "table-02.csv"]
    # show_table(..., "counts") with top=5; the named index of the second table is kept as a column.
    assert (folder / "counts.csv").read_text() == "word,n\nturkey,5\nrussia,1\n"
    assert (folder / "table-01.csv").read_text() == "corpus,articles\nall,3\n"
    # The interactive explorer's default view (n=2) is a displayed table too: ranks 1 and 2.
    assert (folder / "table-02.csv").read_text() == "rank\n1\n2\n"


def test_reports_are_self_contained(demo):
    for path in demo["out"].glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), f"{path.name} loads from the network"
        for cdn in ("cdnjs", "jsdelivr", "unpkg", "require.min.js", "mathjax"):
            assert cdn not in html.lower(), f"{path.name} mentions {cdn}"
    demo_html = (demo["out"] / "01-demo.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in demo_html
    assert 'id="toolkit-widget-renderer"' in demo_html                      # it has widgets
    assert 'id="toolkit-widget-renderer"' not in (demo["out"] / "03-after.html").read_text(encoding="utf-8")


def test_index_links_reports_with_summaries_and_status(demo):
    index = (demo["out"] / "index.html").read_text(encoding="utf-8")
    assert "href='01-demo.html'" in index and "Does the report work?" in index
    assert "Fails on purpose, in its fourth cell." in index
    assert "FAILED" in index and "cell 4" in index
    assert "href='01-demo/counts.csv'" in index


def test_no_input_leaves_code_out(demo, tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    (notebooks / "01-demo.ipynb").write_bytes((demo["notebooks"] / "01-demo.ipynb").read_bytes())
    runs = report.render_reports(demo["corpus"], out=tmp_path / "out", notebooks=notebooks, no_input=True,
                                 cache=tmp_path / "cache", echo=lambda *a: None, progress=False, timeout=300)
    assert runs[0].ok
    html = (tmp_path / "out" / "01-demo.html").read_text(encoding="utf-8")
    assert "SOURCE_MARKER" not in html and "Report stamp" in html and "data:image/png;base64," in html
    assert "SOURCE_MARKER" in (demo["out"] / "01-demo.html").read_text(encoding="utf-8")


def test_unknown_parameter_and_missing_corpus_exit_2(demo, tmp_path, capsys):
    from toolkit.cli import main

    assert main(["report", "--corpus", str(demo["corpus"]), "--out", str(tmp_path),
                 "--notebooks", str(demo["notebooks"]), "--param", "nope=1"]) == 2
    assert "no notebook has a parameter nope" in capsys.readouterr().err
    assert main(["report", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path),
                 "--notebooks", str(demo["notebooks"])]) == 2
    assert "no such corpus" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.html"))


# -- pieces

def test_closed_widgets_and_progress_bars_are_dropped_from_reports():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    view = "application/vnd.jupyter.widget-view+json"
    state = {"bar": {"model_name": "HBoxModel", "state": {"_model_name": "HBoxModel",
                                                         "children": ["IPY_MODEL_t", "IPY_MODEL_p", "IPY_MODEL_u"]}},
             "p": {"state": {"_model_name": "FloatProgressModel"}},
             "t": {"state": {"_model_name": "HTMLModel"}}, "u": {"state": {"_model_name": "HTMLModel"}},
             "drop": {"state": {"_model_name": "DropdownModel"}}}
    cell = new_code_cell("x", outputs=[new_output("display_data", data={view: {"model_id": m}, "text/plain": m})
                                       for m in ("bar", "gone", "drop")])
    nb = new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    report._prune_widgets(nb)
    assert [o["data"][view]["model_id"] for o in nb.cells[0].outputs] == ["drop"]
    cell.outputs = cell.outputs[:0]
    report._prune_widgets(nb)
    assert "widgets" not in nb.metadata                                     # no view left: no widget JS


def test_show_table_outside_a_report_only_displays(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, *a, **k: shown.append(obj))
    frame = pd.DataFrame({"a": [1]})
    report.show_table(frame, "some name")
    assert shown == [frame]
    with pytest.raises(ValueError):
        report.show_table(frame, "!!")


def test_vendored_widget_renderer_is_the_recorded_file():
    js = (VENDOR / "html-manager-embed.js").read_bytes()
    recorded = re.search(r"sha256 of `html-manager-embed.js`: `([0-9a-f]{64})`",
                         (VENDOR / "README.md").read_text()).group(1)
    assert hashlib.sha256(js).hexdigest() == recorded
    assert (VENDOR / "html-manager-LICENSE.txt").is_file() and (VENDOR / "html-manager-embed.js.LICENSE.txt").is_file()


def test_kernels_start_with_the_memory_settings_unless_set(demo, monkeypatch):
    # the demo's 03 printed its kernel's settings (unset in the test's own process)
    html = (demo["out"] / "03-after.html").read_text(encoding="utf-8")
    for name, value in (("NUMPY_MADVISE_HUGEPAGE", "huge pages 0"), ("ARROW_DEFAULT_MEMORY_POOL", "arrow pool system"),
                        ("MALLOC_MMAP_MAX_", "mmap max 0")):
        if name not in os.environ:
            assert value in html
    assert report._kernel_environment({"PATH": "/bin"}) == {
        "PATH": "/bin", "NUMPY_MADVISE_HUGEPAGE": "0", "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_MAX_": "0",
        "MALLOC_TRIM_THRESHOLD_": "100000000000"}
    mine = report._kernel_environment({"NUMPY_MADVISE_HUGEPAGE": "1", "ARROW_DEFAULT_MEMORY_POOL": "jemalloc"})
    assert (mine["NUMPY_MADVISE_HUGEPAGE"], mine["ARROW_DEFAULT_MEMORY_POOL"], mine["MALLOC_MMAP_MAX_"]) == ("1", "jemalloc", "0")
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    assert report._kernel_environment()["NUMPY_MADVISE_HUGEPAGE"] == "1"


def test_notebooks_start_longest_first_by_the_last_report(tmp_path):
    paths = [Path(f"0{i}-n.ipynb") for i in range(1, 5)]
    assert report._longest_first(paths, tmp_path) == [0, 1, 2, 3]           # no last report: as numbered
    (tmp_path / "report.json").write_text("not json")
    assert report._longest_first(paths, tmp_path) == [0, 1, 2, 3]
    last = {"notebooks": [{"notebook": "01-n.ipynb", "seconds": 12.2}, {"notebook": "02-n.ipynb", "seconds": 58.1},
                          {"notebook": "04-n.ipynb", "seconds": 39.1}]}
    (tmp_path / "report.json").write_text(json.dumps(last))
    # 03 was not in the last report: first; then 02 (58.1 s), 04 (39.1 s), 01 (12.2 s)
    assert report._longest_first(paths, tmp_path) == [2, 1, 3, 0]


def test_report_json_lists_every_notebook(demo):
    data = json.loads((demo["out"] / "report.json").read_text())
    assert [r["notebook"] for r in data["notebooks"]] == ["01-demo.ipynb", "02-broken.ipynb", "03-after.ipynb"]
    assert [r["ok"] for r in data["notebooks"]] == [True, False, True]


def test_an_unreadable_notebook_fails_alone(small_corpus, tmp_path):
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    (notebooks / "01-bad.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "01-bad.html").write_text("an old report")        # must not survive as if current
    lines = []
    runs = report.render_reports(small_corpus, out=tmp_path / "out", notebooks=notebooks, echo=lines.append,
                                 progress=False)
    assert [(r.notebook, r.ok, r.html) for r in runs] == [("01-bad.ipynb", False, None)]
    assert "cannot read the notebook" in runs[0].error
    assert any(line.startswith("    FAILED 01-bad.ipynb") for line in lines)
    assert not (tmp_path / "out" / "01-bad.html").exists()
    assert "FAILED" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_a_cell_over_the_timeout_is_named_in_its_report(small_corpus, tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    slow = new_notebook(cells=[new_markdown_cell("# 01 · Slow"),
                               new_code_cell("corpus = None", metadata={"tags": ["parameters"]}),
                               new_code_cell("x = 1"), new_code_cell("import time\ntime.sleep(60)"),
                               new_code_cell("print('never reached')")])
    slow.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(slow, notebooks / "01-slow.ipynb")
    runs = report.render_reports(small_corpus, out=tmp_path / "out", notebooks=notebooks, echo=lambda *a: None,
                                 progress=False, timeout=3)
    # the notebook as far as it ran is rendered (papermill saved it cell by cell), the slow cell named
    assert (runs[0].ok, runs[0].cell_source, runs[0].html) == (False, "import time", "01-slow.html")


def test_notebooks_run_two_at_a_time_with_each_ones_lines_together(demo):
    # the demo runs with the default jobs: 2 on a machine with two cores or more (CI has 2)
    stdout = demo["stdout"]
    if (os.cpu_count() or 1) >= 2:
        assert "2 notebooks at a time (jobs=2)" in stdout
    lines = stdout.splitlines()
    for name in ("01-demo.ipynb", "02-broken.ipynb", "03-after.ipynb"):
        done = next(i for i, line in enumerate(lines) if line.startswith(f"    {name}: "))
        assert any(line.endswith(f"running {name}") for line in lines[:done])
    if "02-broken.ipynb: FAILED" in stdout:  # the failure's own line follows its notebook's status line
        at = next(i for i, line in enumerate(lines) if line.startswith("    02-broken.ipynb: "))
        assert lines[at + 1].startswith("    FAILED 02-broken.ipynb")


def test_two_at_a_time_with_relative_paths(demo, tmp_path, monkeypatch):
    # papermill's cwd= changes the folder of the whole process: with two notebooks running side by
    # side, a relative path of the other one broke. The kernel's folder is now set on its own.
    import shutil

    (tmp_path / "nb").mkdir()
    for name in ("01-demo.ipynb", "03-after.ipynb"):
        shutil.copy(demo["notebooks"] / name, tmp_path / "nb" / name)
    shutil.copytree(demo["corpus"], tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    runs = report.render_reports("corpus", out="out", notebooks="nb", echo=lambda line: None, progress=False,
                                 jobs=2, params=[f"cache={tmp_path / 'cache'}"], timeout=CELL_TIMEOUT)
    assert [(r.notebook, r.ok) for r in runs] == [("01-demo.ipynb", True), ("03-after.ipynb", True)]
    assert "still here" in (tmp_path / "out" / "03-after.html").read_text(encoding="utf-8")


def test_notebook_tools_import_without_the_iri_grammars_and_still_validate():
    import subprocess

    code = ("import sys\n"
            "from toolkit.report import _without_iri_grammars\n"
            "with _without_iri_grammars():\n"
            "    import nbformat, papermill\n"
            "assert 'rfc3987_syntax' not in sys.modules  # never imported, and no mark left behind\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1 + 1')])\n"
            "nbformat.validate(nb)\n"
            "import rfc3987_syntax  # a later import works as usual\n"
            "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
