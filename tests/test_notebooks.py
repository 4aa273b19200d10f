"""Every notebook: committed clean, declares its parameters, runs on corpus/ and on a small corpus.

The notebooks are executed the way ``python -m toolkit report`` runs them (papermill, a fresh
``python3`` kernel, ``notebooks/`` as working folder, tables captured), once per corpus and test
session (see ``reports_once.py``); a failure names the notebook and the cell.
"""

from __future__ import annotations

import csv
import json
import re
import warnings

import pytest

from reports_once import NOTEBOOKS, SMALL_CORPUS, rendered

NOTEBOOK_FILES = sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
NAMES = [p.name for p in NOTEBOOK_FILES]


def test_there_are_notebooks():
    assert NOTEBOOK_FILES, "no notebooks/NN-name.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NAMES)
def test_notebook_is_committed_clean(path):
    """No outputs and no execution counts in a committed notebook (reports/ holds the results)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i + 1 for i, cell in enumerate(nb["cells"])
             if cell.get("outputs") or cell.get("execution_count") is not None]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs or execution counts; clear them "
                       "(Jupyter: Edit > Clear Outputs of All Cells, or `jupyter nbconvert --clear-output --inplace`)")
    metadata = nb.get("metadata", {})
    assert "widgets" not in metadata, f"{path.name}: saved widget state in the metadata; clear it"
    assert "papermill" not in metadata, f"{path.name}: an executed copy (papermill metadata) was committed"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NAMES)
def test_notebook_is_thin(path):
    """No function or class definitions in notebooks: the work lives in toolkit/ (house rule 8)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    defining = [i + 1 for i, cell in enumerate(nb["cells"]) if cell["cell_type"] == "code"
                and re.search(r"^\s*(async\s+def|def|class)\s", "".join(cell["source"]), re.M)]
    assert not defining, f"{path.name}: cells {defining} define functions or classes; move them into toolkit/"


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=NAMES)
def test_notebook_declares_its_parameters(path):
    """The first code cell is tagged `parameters` and sets at least corpus, actors and cache."""
    import papermill as pm

    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
    assert "parameters" in first.get("metadata", {}).get("tags", []), f"{path.name}: first code cell not tagged 'parameters'"
    declared = pm.inspect_notebook(str(path))
    missing = {"corpus", "actors", "cache"} - set(declared)
    assert not missing, f"{path.name}: the parameters cell does not set {sorted(missing)}"
    assert declared["corpus"]["default"].strip("'\"") == "../corpus"


def _run(report, name):
    run = next((r for r in report["notebooks"] if r["notebook"] == name), None)
    assert run is not None, f"{name} was not run"
    return run


def _failure(run):
    where = f", cell {run['cell']}" if run["cell"] else ""
    where += f" (In [{run['execution_count']}])" if run["execution_count"] else ""
    line = f": `{run['cell_source']}`" if run["cell_source"] else ""
    return f"{run['notebook']} failed{where}{line}: {run['error']}"


@pytest.mark.parametrize("which", ["repo", "small"])
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs(tmp_path_factory, which, name):
    """Each notebook runs top to bottom on corpus/ (one article) and on the small 4-month corpus."""
    out, report = rendered(tmp_path_factory, which)
    run = _run(report, name)
    assert run["ok"], _failure(run)
    assert run["html"] and (out / run["html"]).stat().st_size > 0
    stamp = run["stamp"]
    # corpus/ has 1 article; the small corpus 8 (SMALL_CORPUS), none of them rejected.
    assert stamp["articles"] == (1 if which == "repo" else len(SMALL_CORPUS))
    assert stamp["files_not_loaded"] == 0
    if which == "small":
        assert (stamp["first_date"], stamp["last_date"]) == ("2020-01-15", "2020-04-02")
        assert stamp["actors"].endswith("actors.yml")
    # two at a time, the notebooks find the cache annotated (the report did it first): none of
    # them waited on another's lock, which its report would say
    assert "another annotate run is writing" not in (out / run["html"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["repo", "small"])
def test_every_report_has_the_same_stamp_hashes(tmp_path_factory, which):
    """All notebooks of one run saw the same corpus and dictionary, and the index says so."""
    out, report = rendered(tmp_path_factory, which)
    hashes = {(r["stamp"]["corpus_hash"], r["stamp"]["actors_hash"]) for r in report["notebooks"] if r["stamp"]}
    assert len(hashes) == 1, f"reports of one run disagree on the corpus: {hashes}"
    corpus_hash = hashes.pop()[0]
    assert corpus_hash in (out / "index.html").read_text(encoding="utf-8")
    not_stamped = [r["notebook"] for r in report["notebooks"] if r["stamp_added"]]
    if not_stamped:  # the report adds a stamp to these; the notebook's own one also shows in Jupyter
        warnings.warn(f"these notebooks do not call toolkit.show_stamp(ann) (the report adds the stamp): {not_stamped}")


@pytest.mark.parametrize("which", ["repo", "small"])
def test_index_links_every_report(tmp_path_factory, which):
    out, report = rendered(tmp_path_factory, which)
    index = (out / "index.html").read_text(encoding="utf-8")
    for run in report["notebooks"]:
        assert f"href='{run['html']}'" in index
        assert run["summary"], f"{run['notebook']}: no one-line summary (a markdown paragraph after the title)"


def test_tables_are_written_as_csv(tmp_path_factory):
    """Every table a notebook shows is a readable CSV next to its report."""
    out, report = rendered(tmp_path_factory, "small")
    for run in report["notebooks"]:
        for table in run["tables"]:
            with open(out / run["html"].removesuffix(".html") / table, newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert rows and rows[0], f"{run['notebook']}: {table} is empty"
    assert sum(len(r["tables"]) for r in report["notebooks"]) > 0
