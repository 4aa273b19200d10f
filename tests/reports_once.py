"""Render the notebooks' reports once per test session, shared by test_notebooks and test_browser.

Executing every notebook is the slow part of the test suite, so it is done once per corpus and
session: under pytest-xdist the first worker to ask renders while holding a lock, and the others
read its ``report.json`` (the pattern of pytest-xdist's documentation for session fixtures).
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Seconds a cell may run in the tests: far above any cell on these small corpora, so that a hung
# kernel fails the test instead of stalling the suite.
CELL_TIMEOUT = 300
NOTEBOOKS = REPO / "notebooks"

# A small corpus over four months, for the notebooks: four actors' names, two outlets, one
# article with no actor, two articles on the same day.
SMALL_CORPUS = {
    "001_jan.txt": "date 2020-01-15\nTurkey warned Russia over Idlib. Erdogan said Turkish troops would stay.\n\n"
                   "Putin called Erdogan on Tuesday. Russia denied the claims.\n",
    "002_jan.txt": "date 2020-01-28\nSyria's army advanced. Assad thanked Russia for its support.\n\n"
                   "The U.S. State Department said it was concerned. Turkey sent more troops.\n",
    "003_feb.txt": "date 2020-02-03\nRussia and Turkey agreed to talks. Putin and Erdogan will meet in Moscow.\n",
    "004_feb.txt": "date 2020-02-03\nThe weather in the region was cold and wet. Aid groups asked for blankets.\n",
    "005_feb.txt": "date 2020-02-20\nAssad's forces shelled the town. Syria blamed Turkey for the attack.\n\n"
                   "Turkey said it would respond. Thousands fled towards the border.\n",
    "006_mar.txt": "date 2020-03-05\nErdogan and Putin agreed a ceasefire in Idlib. Turkey welcomed the deal.\n\n"
                   "Syria said the ceasefire was fragile. Russia will patrol the highway.\n",
    "007_mar.txt": "date 2020-03-19\nA good day for diplomacy: Russia, Turkey and Syria held talks. Assad was absent.\n",
    "008_apr.txt": "date 2020-04-02\nThe ceasefire held. Putin praised Erdogan. Turkey and Russia ran joint patrols.\n",
}
SMALL_METADATA = ("file,source\n001_jan.txt,Wire\n002_jan.txt,Daily\n003_feb.txt,Wire\n004_feb.txt,Daily\n"
                  "005_feb.txt,Wire\n006_mar.txt,Wire\n007_mar.txt,Daily\n008_apr.txt,Wire\n")
SMALL_ACTORS = """actors:
  - id: TUR
    name: Turkey
    type: country
    aliases: [Turkey, Turkish, Ankara]
  - id: RUS
    name: Russia
    type: country
    aliases: [Russia, Russian, Moscow]
  - id: SYR
    name: Syria
    type: country
    aliases: [Syria, Syrian, Damascus]
  - id: ERDOGAN
    name: Recep Tayyip Erdogan
    type: person
    member_of: TUR
    aliases: [Erdogan]
  - id: PUTIN
    name: Vladimir Putin
    type: person
    member_of: RUS
    aliases: [Putin]
  - id: ASSAD
    name: Bashar al-Assad
    type: person
    member_of: SYR
    aliases: [Assad]
"""


def write_small_corpus(folder: Path) -> Path:
    """Write the small multi-month corpus (8 articles, January to April 2020) with its dictionary."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SMALL_CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(SMALL_METADATA, encoding="utf-8")
    (folder / "actors.yml").write_text(SMALL_ACTORS, encoding="utf-8")
    return folder


def shared_root(tmp_path_factory) -> Path:
    """A folder shared by all xdist workers of this session (the session's own one otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def rendered(tmp_path_factory, which: str) -> tuple:
    """Reports of every notebook on ``which`` ("repo": corpus/, "small": the corpus above).

    Returns ``(out_folder, report)`` with ``report`` the parsed ``report.json``.
    """
    from toolkit.report import render_reports

    root = shared_root(tmp_path_factory) / f"reports-{which}"
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = root / "done"
        if not done.exists():
            corpus = REPO / "corpus" if which == "repo" else write_small_corpus(root / "corpus")
            lines = []
            render_reports(corpus, out=out, notebooks=NOTEBOOKS, tables=True, cache=root / "cache",
                           echo=lines.append, progress=False, timeout=CELL_TIMEOUT)
            (root / "log.txt").write_text("\n".join(lines), encoding="utf-8")
            done.write_text("ok")
    return out, json.loads((out / "report.json").read_text(encoding="utf-8"))


# -- small notebooks written for the tests of report itself (tests/test_report.py, tests/test_browser.py)
DEMO_PARAMETERS = 'corpus = "../corpus"\nactors = None\ncache = None\ntop = 2'


def write_demo_notebooks(folder: Path) -> Path:
    """Three notebooks: 01 shows a stamp, tables, a figure and widgets; 02 fails in its 4th cell; 03 runs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    def notebook(*cells):
        nb = new_notebook(cells=list(cells))
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        return nb

    def parameters():
        return new_code_cell(DEMO_PARAMETERS, metadata={"tags": ["parameters"]})

    folder.mkdir(parents=True, exist_ok=True)
    good = notebook(
        new_markdown_cell("# 01 · Demo\n\n**Does the report work?** A notebook written for the tests."),
        parameters(),
        new_code_cell("import toolkit\nimport pandas as pd\n\nann = toolkit.annotate(corpus, cache)\n"
                      "SOURCE_MARKER = toolkit.show_stamp(ann)"),
        new_code_cell('toolkit.show_table(pd.DataFrame({"word": ["turkey", "russia"], "n": [top, 1]}), "counts")'),
        new_code_cell('pd.DataFrame({"articles": [3]}, index=pd.Index(["all"], name="corpus"))'),
        new_code_cell("import matplotlib.pyplot as plt\n\nplt.figure(figsize=(4, 2))\nplt.plot([1, 2, 3], [3, 1, 2])\n"
                      "plt.title('a line')\nplt.show()"),
        new_code_cell("import ipywidgets as widgets\n\n"
                      "widgets.Dropdown(options=['Turkey', 'Russia'], value='Russia', description='actor')"),
        new_code_cell("def show(n=2):\n"
                      "    display(pd.DataFrame({'rank': range(1, n + 1)}))\n\n"
                      "widgets.interactive(show, n=(1, 4))"),
    )
    broken = notebook(
        new_markdown_cell("# 02 · Broken\n\nFails on purpose, in its fourth cell."),
        parameters(),
        new_code_cell("x = 1"),
        new_code_cell("raise ValueError('boom on purpose')"),
        new_code_cell("print('never reached')"),
    )
    after = notebook(
        new_markdown_cell("# 03 · After\n\nRuns after a failure: its report must still be written."),
        parameters(),
        new_code_cell("import os\nprint('still here', corpus, 'huge pages', os.environ.get('NUMPY_MADVISE_HUGEPAGE'),\n"
                      "      'arrow pool', os.environ.get('ARROW_DEFAULT_MEMORY_POOL'), 'mmap max', os.environ.get('MALLOC_MMAP_MAX_'))"),
    )
    for name, nb in (("01-demo.ipynb", good), ("02-broken.ipynb", broken), ("03-after.ipynb", after)):
        nbformat.write(nb, folder / name)
    return folder


def rendered_demo(tmp_path_factory) -> dict:
    """``python -m toolkit report`` (its function) on the demo notebooks and a 3-article corpus, run once per session.

    Returns a dict: ``out``, ``status`` (exit status), ``stdout``, ``stderr``, ``report``
    (report.json), ``corpus``, ``notebooks``.
    """
    import contextlib
    import io

    from toolkit.report import run_reports

    root = shared_root(tmp_path_factory) / "reports-demo"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done.json").exists():
            corpus = root / "corpus"
            corpus.mkdir(exist_ok=True)
            for name, text in list(SMALL_CORPUS.items())[:3]:
                (corpus / name).write_text(text, encoding="utf-8")
            notebooks = write_demo_notebooks(root / "notebooks")
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                status = run_reports(corpus, out=root / "out", notebooks=notebooks, tables=True,
                                     params=["top=5", f"cache={root / 'cache'}"], timeout=CELL_TIMEOUT)
            (root / "done.json").write_text(json.dumps({"status": status, "stdout": stdout.getvalue(),
                                                        "stderr": stderr.getvalue()}))
    result = json.loads((root / "done.json").read_text())
    out = root / "out"
    result.update(out=out, corpus=root / "corpus", notebooks=root / "notebooks",
                  report=json.loads((out / "report.json").read_text(encoding="utf-8")))
    return result
