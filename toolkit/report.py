"""Reports: rerunning every notebook with parameters, rendering self-contained HTML, the index, the stamp.

``python -m toolkit report --corpus DIR --out DIR`` (and ``make report``) calls :func:`run_reports`:

1. every ``notebooks/NN-name.ipynb`` is executed by papermill in a fresh ``python3`` kernel, with
   ``notebooks/`` as its working folder and these parameters, each passed only to the notebooks
   whose ``parameters`` cell declares it: ``corpus`` (made absolute), ``actors`` (``--actors``,
   else ``CORPUS/actors.yml``, else the shipped ``corpus/actors.yml``; absolute), ``cache`` (``None``:
   the default cache of the corpus), ``scorers`` (the same for every notebook, so that they share
   one annotation cache: ``["vader"]``), then every ``--param KEY=VALUE`` (values read as Python
   literals: ``20``, ``True``, ``None``, ``['vader']``; anything else is a string);
2. each executed notebook is rendered to ``OUT/NN-name.html``: figures are embedded PNGs, and
   widgets render offline from the widget state saved in the notebook, with the widget JavaScript
   inlined (see ``toolkit/data/vendor/README.md``): the file opens anywhere, with no network;
3. ``OUT/index.html`` links the reports with a one-line summary each, the stamp and the status;
   ``OUT/report.json`` says the same for programs.

A notebook that fails fails the command (exit status 1): the failure names the notebook and the
cell, the failed notebook is still rendered (with the error), and every other report is written.

Inside a notebook (these also work in Jupyter, outside a report run):

* :func:`show_stamp` ``(ann)`` shows the stamp: corpus path, number of articles, date range,
  content hashes of the corpus and of the actor dictionary, the settings, the toolkit version and
  the time of the run. Two runs on the same corpus and settings show the same hashes.
* :func:`show_table` ``(table, name)`` displays a table under a name; with ``--tables`` every
  table a notebook displays (``show_table`` or plain ``display``/last expression) is also written
  to ``OUT/NN-name/<name>.csv`` (``table-01.csv``, ... for unnamed ones).
"""

from __future__ import annotations

import ast
import base64
import contextlib
import datetime as _dt
import hashlib
import html as _html
import json
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import __version__

__all__ = [
    "make_stamp",
    "corpus_facts",
    "show_stamp",
    "show_table",
    "parse_params",
    "find_notebooks",
    "render_reports",
    "run_reports",
    "NotebookRun",
    "STAMP_MIMETYPE",
    "SHARED_PARAMETERS",
]

STAMP_MIMETYPE = "application/vnd.toolkit.stamp+json"
# Passed to every notebook that declares them, so that all notebooks share one annotation cache.
SHARED_PARAMETERS = {"scorers": ["vader"]}
PATH_PARAMETERS = ("corpus", "actors", "cache")

_DATA = Path(__file__).parent / "data"
_TEMPLATES = _DATA / "templates"
_WIDGET_JS = _DATA / "vendor" / "html-manager-embed.js"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_NOTEBOOK_NAME = re.compile(r"^\d\d-[\w.-]+\.ipynb$")

# -- the report context inside a kernel (set at kernel start by run_reports, see _kernel_arguments)
_CONTEXT: dict = {}
_TABLES = {"folder": None, "count": 0, "names": set(), "pending": None, "written": []}


def _begin_report(context_json: str):
    """Called in the kernel before any cell runs: remember the run's parameters, capture tables."""
    _CONTEXT.clear()
    _CONTEXT.update(json.loads(context_json))
    checked = _CONTEXT.get("checked")
    if checked:  # the report has just brought the cache up to date: the notebook need not list the corpus
        from .annotate import _CHECKED

        _CHECKED[checked["cache"]] = (tuple(checked["signature"]), checked["run_key"])
    # a Styler writes cell values as raw HTML by default; a corpus or dictionary may hold markup
    pd.set_option("styler.format.escape", "html")
    if _CONTEXT.get("tables"):
        _start_table_capture(_CONTEXT["tables"])


# ---------------------------------------------------------------------------------------- stamp

def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _file_hash(path) -> str | None:
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return None


def _corpus_hash(doc_hashes: dict) -> str:
    """One hash of a corpus from its documents' content hashes (order-independent)."""
    return _short_hash("\n".join(f"{doc}\t{digest}" for doc, digest in sorted(doc_hashes.items())))


def make_stamp(source, *, corpus=None, settings: dict | None = None, actors=None, now=None) -> dict:
    """What produced a report: the corpus, its content hash, the dictionary, the settings.

    Parameters
    ----------
    source : toolkit.Annotations or toolkit.Corpus
        The annotation cache a notebook works on (its manifest holds each article's content hash),
        or a corpus read with :func:`toolkit.read_corpus`. Both give the same ``corpus_hash``.
    corpus : path-like, optional
        The corpus path shown (default: the one the annotations were made from).
    settings : dict, optional
        The settings to show; by default the notebook parameters of the report run (none in Jupyter).
    actors : path-like, optional
        The actor dictionary; by default the one the annotations were made with.
    now : datetime, optional
        The time of the run (default: now, UTC).

    Returns
    -------
    dict
        ``corpus`` (absolute path); ``articles``, ``files_not_loaded``, ``first_date``,
        ``last_date``, ``corpus_hash`` of the corpus as read (see :func:`corpus_facts`: the same
        whatever the annotation settings); ``left_out`` (articles the annotation settings left
        out, such as near-duplicates; only when some were); ``actors``, ``actors_hash`` (of the
        dictionary file); ``annotation`` (the cache's settings); ``settings`` (the notebook's
        parameters); ``toolkit_version``; ``run_at``.

    Examples
    --------
    >>> stamp = make_stamp(toolkit.annotate("../corpus"))     # doctest: +SKIP
    >>> stamp["articles"], stamp["corpus_hash"]                # doctest: +SKIP
    (1, '5d0c6b6f0d4f3c1e')
    """
    excluded = None
    if hasattr(source, "manifest"):  # Annotations
        manifest = source.manifest
        corpus = corpus if corpus is not None else manifest.get("source")
        facts = manifest.get("corpus_facts")
        if facts is None:  # an older cache: read the corpus again, as annotate read it
            from .corpus import read_corpus

            facts = corpus_facts(read_corpus(manifest["source"], **manifest.get("read_options", {})))
        if "excluded" in manifest:
            excluded = len(manifest["excluded"])
        annotation = dict(source.settings)
        actors = actors if actors is not None else annotation.get("actors")
        annotation.pop("actors", None)
    else:  # Corpus(documents, problems)
        facts = corpus_facts(source)
        annotation = {}
    if settings is None:
        settings = dict(_CONTEXT.get("parameters", {}))
    now = now or _dt.datetime.now(_dt.timezone.utc)
    stamp = {"corpus": str(Path(corpus).resolve()) if corpus else None, **facts}
    if excluded:
        stamp["left_out"] = excluded
    stamp.update({
        "actors": str(Path(actors).resolve()) if actors else None,
        "actors_hash": _file_hash(actors) if actors else None,
        "annotation": annotation,
        "settings": settings,
        "toolkit_version": __version__,
        "run_at": now.strftime("%Y-%m-%d %H:%M UTC"),
    })
    return stamp


def corpus_facts(corpus) -> dict:
    """The corpus as read, for stamps: count, dates, files not loaded, and one content hash.

    Parameters
    ----------
    corpus : toolkit.Corpus
        What :func:`toolkit.read_corpus` returned (before any cleaning: the hash describes the
        files, whatever the annotation settings later do to the text).

    Returns
    -------
    dict
        ``articles`` (loaded), ``files_not_loaded`` (problems of severity ``error``),
        ``first_date``, ``last_date`` (ISO dates or None) and ``corpus_hash``: 16 hex digits of
        SHA-1 over every loaded article's id and content hash (text, date and metadata columns,
        as :func:`toolkit.annotate` hashes documents), in id order, so file order does not matter.

    Examples
    --------
    >>> corpus_facts(toolkit.read_corpus("corpus"))["articles"]      # doctest: +SKIP
    1
    """
    from .annotate import _hash_rows

    documents = corpus.documents
    return _facts(documents["doc_id"], documents["date"], _hash_rows(documents), corpus.problems)


def _facts(doc_ids, dates, row_hashes, problems) -> dict:
    """:func:`corpus_facts` from each document's id, date and content hash (annotate keeps these)."""
    dates = pd.to_datetime(pd.Series(dates)).dropna() if len(dates) else pd.Series([], dtype="datetime64[ns]")
    return {
        "articles": len(doc_ids),
        "files_not_loaded": int((problems["severity"] == "error").sum()) if len(problems) else 0,
        "first_date": dates.min().date().isoformat() if len(dates) else None,
        "last_date": dates.max().date().isoformat() if len(dates) else None,
        "corpus_hash": _corpus_hash(dict(zip(doc_ids, row_hashes))),
    }


def _format_value(value) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _stamp_rows(stamp: dict) -> list:
    dates = (f"{stamp['first_date']} to {stamp['last_date']}" if stamp.get("first_date") else "no dated articles")
    rows = [
        ("corpus", stamp["corpus"]),
        ("articles", f"{stamp['articles']:,}"
         + (f"; {stamp['files_not_loaded']} files not loaded" if stamp.get("files_not_loaded") else "")
         + (f"; {stamp['left_out']} left out by the annotation settings (such as near-duplicates)"
            if stamp.get("left_out") else "")),
        ("dates", dates),
        ("corpus hash", stamp["corpus_hash"]),
        ("actor dictionary", f"{stamp['actors']} (hash {stamp['actors_hash']})" if stamp.get("actors") else "none"),
    ]
    if stamp.get("annotation"):
        rows.append(("annotation", ", ".join(f"{k}={_format_value(v)}" for k, v in stamp["annotation"].items())))
    if stamp.get("settings"):
        rows.append(("settings", ", ".join(f"{k}={_format_value(v)}" for k, v in stamp["settings"].items())))
    rows.append(("toolkit", f"{stamp['toolkit_version']}, run {stamp['run_at']}"))
    return rows


def _stamp_html(stamp: dict) -> str:
    cells = "".join(f"<tr><th style='text-align:left;padding:1px 12px 1px 0;white-space:nowrap'>{_html.escape(k)}</th>"
                    f"<td style='text-align:left;padding:1px 0;font-family:monospace;word-break:break-all'>"
                    f"{_html.escape(str(v))}</td></tr>" for k, v in _stamp_rows(stamp))
    return ("<div class='toolkit-stamp' style='border:1px solid #bbb;border-left:4px solid #4c72b0;"
            "padding:6px 10px;margin:4px 0;background:#f7f9fc;font-size:12px'>"
            "<div style='font-weight:bold;margin-bottom:2px'>Report stamp</div>"
            f"<table style='border-collapse:collapse;margin:0'>{cells}</table></div>")


def _stamp_text(stamp: dict) -> str:
    return "Report stamp\n" + "\n".join(f"  {k}: {v}" for k, v in _stamp_rows(stamp))


def show_stamp(source, *, settings: dict | None = None, actors=None) -> dict:
    """Display the stamp of :func:`make_stamp` (as HTML, plain text and JSON) and return it.

    Call it in the first cell after the parameters: ``toolkit.show_stamp(ann)``. In a report run
    the settings shown are the notebook's parameters as run; ``report`` reads the stamp back for
    the index page.

    Parameters
    ----------
    source : toolkit.Annotations or toolkit.Corpus
        See :func:`make_stamp`.
    settings, actors
        See :func:`make_stamp`.

    Returns
    -------
    dict
        The stamp.
    """
    from IPython.display import display

    stamp = make_stamp(source, settings=settings, actors=actors)
    display({"text/html": _stamp_html(stamp), "text/plain": _stamp_text(stamp),
             STAMP_MIMETYPE: json.loads(json.dumps(stamp, default=str))}, raw=True)
    return stamp


# --------------------------------------------------------------------------------------- tables

def _slug(name: str) -> str:
    slug = re.sub(r"[^\w.-]+", "-", str(name).strip()).strip("-._")
    if not slug:
        raise ValueError(f"a table name needs letters or digits: {name!r}")
    return slug


def show_table(table, name: str | None = None, *, caption: str | None = None):
    """Display a table; in a report run with ``--tables`` it is also written as ``<name>.csv``.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.io.formats.style.Styler
        The table, shown as it is (a Styler's data is what is written).
    name : str, optional
        The CSV's file name (without ``.csv``; characters other than letters, digits, ``-``, ``_``
        and ``.`` become ``-``). Unnamed tables are numbered ``table-01``, ``table-02``, ...
    caption : str, optional
        A line of text shown above the table.

    Returns
    -------
    None

    Examples
    --------
    >>> toolkit.show_table(top_terms, "top-terms")   # doctest: +SKIP
    """
    from IPython.display import Markdown, display

    if caption:  # captions name outlets, actors, terms from user files: shown as text, never as HTML
        display(Markdown(f"**{_html.escape(caption)}**"))
    if not isinstance(table, pd.DataFrame) and hasattr(table, "format_index"):
        table = _escape_styler(table)
    _TABLES["pending"] = _slug(name) if name is not None else None
    try:
        display(table)
    finally:
        _TABLES["pending"] = None


def _escape_styler(styler):
    """A Styler that shows its text cells and labels as text: ``.format()`` writes values as raw
    HTML unless told otherwise, and actor names, outlets and terms come from user files."""
    data = styler.data
    text = list(dict.fromkeys(c for c, dtype in data.dtypes.items()
                              if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)))
    if text:
        styler = styler.format(escape="html", subset=text)
    return styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)


def _write_table(obj):
    """Write a displayed table to the capture folder (called by the kernel's HTML formatter)."""
    folder = _TABLES["folder"]
    if folder is None:
        return
    frame = obj.data if not isinstance(obj, pd.DataFrame) else obj
    name = _TABLES["pending"]
    _TABLES["pending"] = None
    if name is None:
        _TABLES["count"] += 1
        name = f"table-{_TABLES['count']:02d}"
    if name in _TABLES["names"]:
        warnings.warn(f"table name {name!r} used twice in this notebook: the later table replaces the earlier CSV",
                      stacklevel=3)
    _TABLES["names"].add(name)
    # The index is a column of the table when it means something: named, several levels, or labels;
    # an unnamed integer index (row numbers, as left by sorting or filtering) is not written.
    index = (any(n is not None for n in frame.index.names) or frame.index.nlevels > 1
             or not pd.api.types.is_integer_dtype(frame.index.dtype))
    path = Path(folder) / f"{name}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=index)
    _TABLES["written"].append(path.name)


def _start_table_capture(folder):
    """Write every DataFrame (and Styler) this kernel displays as HTML to ``folder`` as CSV."""
    from IPython import get_ipython

    shell = get_ipython()
    _TABLES.update(folder=str(folder), count=0, names=set(), pending=None, written=[])
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]

    def frame_html(frame):
        with contextlib.suppress(Exception):  # a table that cannot be written must not break the notebook
            _write_table(frame)
        return frame._repr_html_()

    formatter.for_type(pd.DataFrame, frame_html)
    with contextlib.suppress(ImportError):
        from pandas.io.formats.style import Styler

        formatter.for_type(Styler, frame_html)


# ----------------------------------------------------------------------------------- parameters

def parse_params(items) -> dict:
    """``KEY=VALUE`` strings to a dict; values are Python literals where they parse, else strings.

    >>> parse_params(["top_n=20", "period=M", "scorers=['vader']", "actors=None"])
    {'top_n': 20, 'period': 'M', 'scorers': ['vader'], 'actors': None}
    """
    params = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ValueError(f"--param {item!r}: expected KEY=VALUE with KEY a Python name")
        try:
            params[key] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            params[key] = value
    return params


@contextlib.contextmanager
def _without_iri_grammars():
    """Import the notebook tools (nbformat, papermill, nbconvert) without ``rfc3987_syntax``.

    nbformat validates notebooks with jsonschema, whose format checkers import ``rfc3987_syntax``
    when it is installed (JupyterLab's dependencies install it); that import compiles some 35
    Earley parsers for the ``iri`` formats: 1.0 s on these machines before a report can start
    (python-jsonschema/jsonschema#1428). No notebook schema uses those formats, so while the first
    import of jsonschema runs, that module is marked missing (jsonschema then leaves the two
    ``iri`` checks out); the mark is taken off at once, and a later import of it works as usual.
    """
    marked = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if marked:
        sys.modules["rfc3987_syntax"] = None
    try:
        yield
    finally:
        if marked and "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None:
            del sys.modules["rfc3987_syntax"]


def find_notebooks(folder) -> list:
    """The report notebooks of a folder: ``NN-name.ipynb`` files, in order."""
    folder = Path(folder)
    return sorted(p for p in folder.glob("*.ipynb") if _NOTEBOOK_NAME.match(p.name))


def _declared(notebook: Path) -> dict:
    with _without_iri_grammars():
        import papermill as pm

    return pm.inspect_notebook(str(notebook))


# ------------------------------------------------------------------------------------ rendering

@lru_cache(maxsize=1)
def _widget_renderer() -> str:
    return base64.b64encode(_WIDGET_JS.read_bytes()).decode("ascii")


def _title_and_summary(nb) -> tuple:
    """The first markdown heading, and the first sentence of the first paragraph (of prose) after it."""
    title, summary = None, ""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for block in re.split(r"\n\s*\n", cell.source):
            prose = []
            for line in block.strip().splitlines():
                if line.lstrip().startswith("#"):
                    title = title or line.strip().lstrip("#").strip()
                else:
                    prose.append(line.strip())
            if not prose or summary:
                continue
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(prose))
            text = re.sub(r"[*_`]", "", text)
            match = re.match(r"(.+?[.?!])(\s|$)", text)
            summary = match.group(1) if match else text
            if len(summary) > 200:
                summary = summary[:199].rsplit(" ", 1)[0] + " …"
        if title is not None and summary:
            break
    return title, summary


def _is_progress_bar(model_id, state) -> bool:
    """A tqdm progress bar in a notebook: an HBox of (HTML, progress, HTML)."""
    model = state.get(model_id, {}).get("state", {})
    children = [c.removeprefix("IPY_MODEL_") for c in model.get("children", [])]
    return (model.get("_model_name") == "HBoxModel" and len(children) == 3
            and state.get(children[1], {}).get("state", {}).get("_model_name") in ("FloatProgressModel",
                                                                                  "IntProgressModel"))


def _prune_widgets(nb):
    """Drop widget views that show nothing useful in a report.

    Views of widgets that were closed (their model is not in the saved state: they show nothing in
    Jupyter either) and progress bars (a finished run's bar says nothing to a reader). When no
    widget view is left, the widget state goes too, and the report carries no widget JavaScript.
    """
    state = nb.metadata.get("widgets", {}).get(_WIDGET_STATE, {}).get("state", {})
    views = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(_WIDGET_VIEW)
            if view is not None:
                if view.get("model_id") not in state or _is_progress_bar(view.get("model_id"), state):
                    continue
                views += 1
            kept.append(output)
        cell.outputs = kept
    if not views:
        nb.metadata.pop("widgets", None)


def _render_html(nb, *, title: str, no_input: bool) -> str:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb.metadata["title"] = title
    _prune_widgets(nb)
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    exporter = HTMLExporter(config=config, template_name="toolkit_report",
                            extra_template_basedirs=[str(_TEMPLATES)], embed_images=True,
                            exclude_input=no_input, exclude_input_prompt=no_input,
                            exclude_output_prompt=no_input)
    resources = {"toolkit_widget_renderer": _widget_renderer() if "widgets" in nb.metadata else ""}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _stamp_cell(stamp: dict):
    import nbformat

    cell = nbformat.v4.new_code_cell(source="# stamp added by `toolkit report`: this notebook does not call "
                                            "toolkit.show_stamp(ann)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": _stamp_html(stamp), "text/plain": _stamp_text(stamp), STAMP_MIMETYPE: stamp})]
    cell.metadata["tags"] = ["remove-input"]
    return cell


def _find_stamp(nb):
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            stamp = output.get("data", {}).get(STAMP_MIMETYPE)
            if stamp is not None:
                return dict(stamp)
    return None


def _failed_cell(executed, source) -> dict | None:
    """Where a notebook failed: the cell's number in the source notebook, its first line, the error."""
    source_index = {cell.get("id"): i for i, cell in enumerate(source.cells)}
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0"):
                continue
            index = source_index.get(cell.get("id"))
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            return {"cell": index + 1 if index is not None else None,
                    "execution_count": cell.get("execution_count"),
                    "first_line": first.strip()[:120],
                    "error": f"{output.get('ename')}: {output.get('evalue')}"}
    return None


@dataclass
class NotebookRun:
    """The outcome of one notebook in a report run."""

    notebook: str
    html: str | None = None
    ok: bool = False
    seconds: float = 0.0
    title: str = ""
    summary: str = ""
    error: str | None = None
    cell: int | None = None
    execution_count: int | None = None
    cell_source: str = ""
    tables: list = field(default_factory=list)
    stamp: dict | None = None
    stamp_added: bool = False

    def describe_failure(self) -> str:
        """One line: the notebook, the cell and the error."""
        where = f", cell {self.cell}" if self.cell else ""
        where += f" (In [{self.execution_count}])" if self.execution_count else ""
        line = f": `{self.cell_source}`" if self.cell_source else ""
        return f"{self.notebook}{where}{line}: {self.error}"


def _ipc_kernel_manager(folder: str):
    """A kernel manager class whose kernels talk over Unix sockets in ``folder``, not TCP ports.

    TCP ports are picked at random by each process that starts a kernel; two processes starting
    kernels at the same time (report runs side by side, tests under xdist) can pick the same
    ports and cross their messages. Sockets in a folder of our own cannot collide.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(Path(folder) / "kernel"))
            super().__init__(**kwargs)

        async def start_kernel(self, **kwargs):
            kwargs["env"] = _kernel_environment(kwargs.get("env"))
            return await super().start_kernel(**kwargs)

    return IPCKernelManager


def _kernel_environment(env=None) -> dict:
    """The environment a report's kernels start with: ``env`` (default: this process's), with
    the memory settings of ``toolkit/_memory.py`` added where it does not say otherwise.

    Measured at 100,000 articles, the notebooks spent 41 s of their 150 s of CPU in the
    kernel (sys time) before: notebook 03 went from 27.2 s (14.7 s of it in the kernel) to 17.2 s
    (2.9 s), 04 from 40.7 to 32.8 s, 02 from 44.4 to 37.7 s (its peak from 4.6 to 5.3 GB).
    """
    from ._memory import environment

    return environment(env)


def _kernel_arguments(context: dict) -> list:
    line = (f"__import__('toolkit.report').report._begin_report({json.dumps(json.dumps(context, default=str))})")
    return [f"--IPKernelApp.exec_lines={line}", "--IPKernelApp.log_level=CRITICAL"]


def _resolve_actors(actors, corpus: Path, notebooks: Path):
    """The actor dictionary: given; else CORPUS/actors.yml; else the shipped corpus/actors.yml."""
    if actors is not None:
        if not Path(actors).is_file():
            raise ValueError(f"{actors}: no such actor dictionary")
        return Path(actors).resolve(), "given"
    own = corpus / "actors.yml" if corpus.is_dir() else corpus.with_name("actors.yml")
    if own.is_file():
        return own.resolve(), "the corpus's own"
    shipped = notebooks.resolve().parent / "corpus" / "actors.yml"
    if shipped.is_file():
        return shipped, "the shipped dictionary"
    return None, "none found"


def render_reports(corpus="corpus", *, actors=None, out="reports", params=None, notebooks="notebooks",
                   no_input: bool = False, tables: bool = False, cache=None, timeout: float | None = 1800,
                   echo=print, progress: bool | None = None, jobs: int | None = None) -> list:
    """Execute and render every notebook; the engine behind :func:`run_reports`.

    Parameters
    ----------
    corpus : path-like
        The corpus (folder or export) every notebook runs on.
    actors : path-like, optional
        The actor dictionary (default: ``CORPUS/actors.yml``, else the shipped ``corpus/actors.yml``).
    out : path-like
        Where ``NN-name.html``, ``index.html`` and ``report.json`` are written.
    params : dict or list of str, optional
        Notebook parameters (``KEY=VALUE`` strings are parsed by :func:`parse_params`).
    notebooks : path-like
        The folder of ``NN-name.ipynb`` notebooks (their working folder while they run).
    no_input : bool
        Leave the code cells out of the HTML (a reader's version).
    tables : bool
        Also write every displayed table as CSV to ``OUT/NN-name/``.
    cache : path-like, optional
        The annotation cache folder (default: the corpus's default cache).
    timeout : float, optional
        Seconds a single cell may run.
    echo : callable
        Where progress lines go.
    progress : bool, optional
        Show a progress bar of cells per notebook (default: when stderr is a terminal; off when
        several notebooks run at once).
    jobs : int, optional
        Notebooks run at the same time, each in its own kernel (default: 2 on a machine with two
        or more cores, else 1). The reports are the same either way; on a large corpus each
        notebook's tables take memory of their own, so ``jobs=1`` needs the least.

    Returns
    -------
    list of NotebookRun
        One per notebook, in order.

    Raises
    ------
    ValueError
        When the corpus or the notebooks folder does not exist, no notebook is found, or a
        parameter is declared by no notebook.
    """
    with _without_iri_grammars():
        import nbformat
        import papermill as pm

    corpus_path = Path(corpus).resolve()
    notebooks = Path(notebooks)
    out = Path(out)
    if not corpus_path.exists():
        raise ValueError(f"{corpus}: no such corpus folder or file")
    if not notebooks.is_dir():
        raise ValueError(f"{notebooks}: no such notebooks folder")
    paths = find_notebooks(notebooks)
    if not paths:
        raise ValueError(f"{notebooks}: no NN-name.ipynb notebooks")
    overrides = parse_params(params) if not isinstance(params, dict) else dict(params or {})
    overrides.pop("corpus", None)  # --corpus decides
    param_actors, param_cache = overrides.pop("actors", None), overrides.pop("cache", None)
    actors_path, actors_why = _resolve_actors(actors if actors is not None else param_actors, corpus_path, notebooks)
    cache = cache if cache is not None else param_cache
    declared, unreadable = {}, {}
    for path in paths:
        try:
            declared[path] = _declared(path)
        except Exception as err:  # noqa: BLE001 - an unreadable notebook fails on its own, below
            declared[path], unreadable[path] = {}, f"{type(err).__name__}: {err}".splitlines()[0][:300]
    unknown = set(overrides) - set().union(*map(set, declared.values()))
    if unknown:
        raise ValueError(f"no notebook has a parameter {', '.join(sorted(unknown))} "
                         f"(they have: {', '.join(sorted(set().union(*map(set, declared.values()))))})")
    base = {"corpus": str(corpus_path), "actors": str(actors_path) if actors_path else None,
            "cache": str(Path(cache).resolve()) if cache is not None else None,
            **SHARED_PARAMETERS, **overrides}
    if progress is None:
        progress = sys.stderr.isatty()

    out.mkdir(parents=True, exist_ok=True)
    echo(f"report: {len(paths)} notebooks on {corpus_path} -> {out}/")
    echo(f"  actors: {actors_path or 'none'} ({actors_why}); cache: {base['cache'] or 'default'}"
         + (f"; parameters: {', '.join(f'{k}={v!r}' for k, v in overrides.items())}" if overrides else ""))

    import threading
    from concurrent.futures import ThreadPoolExecutor

    from .corpus import read_corpus

    fallback = None
    stamp_lock, echo_lock = threading.Lock(), threading.Lock()
    jobs = max(1, min(int(jobs) if jobs else min(2, os.cpu_count() or 1), len(paths)))
    checked = None
    if jobs > 1:
        # the notebooks would annotate the same cache at once (one waiting on the other's lock,
        # saying so in its report): annotate it here first, as they will ask for it
        checked = _annotate_first(base, notebooks, echo, progress)
        progress = False  # several bars at once would overwrite each other

    def run_one(number, path):
        said = []
        say = said.append if jobs > 1 else echo  # with several at a time, each notebook's lines together
        name = path.stem
        run = NotebookRun(notebook=path.name)
        parameters = {k: v for k, v in base.items() if k in declared[path]}
        table_folder = (out / name).resolve() if tables else None
        if table_folder is not None and table_folder.is_dir():
            for old in table_folder.glob("*.csv"):
                old.unlink()
        context = {"notebook": path.name, "parameters": parameters,
                   "tables": str(table_folder) if table_folder else None, "checked": checked}
        with echo_lock:
            echo(f"[{number}/{len(paths)}] running {path.name}")
        (out / f"{name}.html").unlink(missing_ok=True)  # never leave an old report that looks current
        started = time.perf_counter()
        executed_path = out / f".{name}.executed.ipynb"
        source = None
        try:
            if path in unreadable:
                raise ValueError(f"cannot read the notebook: {unreadable[path]}")
            source = nbformat.read(path, as_version=4)
            run.title, run.summary = _title_and_summary(source)
            with tempfile.TemporaryDirectory(prefix="toolkit-kernel-") as sockets:
                # the kernel starts in notebooks/ (nbclient's resources path); papermill's cwd= would
                # change this whole process's folder, under the feet of the notebooks running beside
                pm.execute_notebook(str(path.resolve()), str(executed_path.resolve()), parameters=parameters,
                                    kernel_name="python3", language="python", progress_bar=progress,
                                    execution_timeout=timeout, extra_arguments=_kernel_arguments(context),
                                    kernel_manager_class=_ipc_kernel_manager(sockets),
                                    resources={"metadata": {"path": str(notebooks.resolve())}})
            run.ok = True
        except Exception as err:  # noqa: BLE001 - every failure is reported, then the next notebook runs
            run.error = f"{type(err).__name__}: {err}".strip().splitlines()[0][:300]
        run.seconds = time.perf_counter() - started
        if jobs > 1:  # the next notebook starts now; its HTML is written beside it, by the finishing thread
            return finisher.submit(finish_one, run, name, executed_path, source, parameters, table_folder, said, say)
        return finish_one(run, name, executed_path, source, parameters, table_folder, said, say)

    def finish_one(run, name, executed_path, source, parameters, table_folder, said, say):
        """Read the executed notebook back, stamp it, write its HTML and say how it went."""
        nonlocal fallback
        executed = None
        if executed_path.is_file():
            executed = nbformat.read(executed_path, as_version=4)
            executed_path.unlink()
        if not run.ok and executed is not None and source is not None:
            where = _failed_cell(executed, source)
            if where:
                run.cell, run.execution_count = where["cell"], where["execution_count"]
                run.cell_source, run.error = where["first_line"], where["error"]
        if executed is not None:
            run.stamp = _find_stamp(executed)
            if run.stamp is None:
                with stamp_lock:
                    if fallback is None:
                        try:
                            fallback = make_stamp(read_corpus(corpus_path), corpus=corpus_path, actors=actors_path,
                                                  settings={})
                        except Exception as err:  # noqa: BLE001 - the notebooks have said what is wrong
                            fallback = {}
                            say(f"    cannot stamp the reports: {type(err).__name__}: {err}")
                    if fallback:
                        run.stamp = dict(fallback, settings=parameters)
                        run.stamp_added = True
                        index = next((i + 1 for i, c in enumerate(executed.cells)
                                      if "injected-parameters" in c.metadata.get("tags", [])), 0)
                        executed.cells.insert(index, _stamp_cell(run.stamp))
            try:
                html = _render_html(executed, title=run.title or name, no_input=no_input)
            except Exception as err:  # noqa: BLE001 - reported like a failing cell
                run.ok, run.error = False, f"rendering HTML failed: {type(err).__name__}: {err}".splitlines()[0]
            else:
                (out / f"{name}.html").write_text(html, encoding="utf-8")
                run.html = f"{name}.html"
        if table_folder is not None and table_folder.is_dir():
            run.tables = sorted(p.name for p in table_folder.glob("*.csv"))
        status = "ok" if run.ok else "FAILED"
        line = f"{status} in {run.seconds:.1f} s" + (f" -> {out / run.html}" if run.html else "")
        line += f" ({len(run.tables)} tables)" if tables else ""
        say(f"    {run.notebook}: {line}")
        if not run.ok:
            say(f"    FAILED {run.describe_failure()}")
        if run.stamp_added and run.ok:
            say(f"    note: {run.notebook} does not call toolkit.show_stamp(ann); the report adds the stamp")
        with echo_lock:
            for line in said:
                echo(line)
        return run

    if jobs > 1:
        echo(f"  {jobs} notebooks at a time (jobs={jobs})")
    order = _longest_first(paths, out) if jobs > 1 else list(range(len(paths)))
    # with several at a time, a notebook's HTML is rendered by one more thread while the next runs
    # (rendering 04 at 100,000 articles takes a second that its lane would otherwise wait)
    with ThreadPoolExecutor(1) as finisher, ThreadPoolExecutor(jobs) as pool:
        futures = {i: pool.submit(run_one, i + 1, paths[i]) for i in order}
        runs = [futures[i].result() for i in range(len(paths))]
        runs = [run.result() if jobs > 1 else run for run in runs]

    _write_index(out, runs, base=base, no_input=no_input, tables=tables)
    (out / "report.json").write_text(json.dumps({"corpus": str(corpus_path), "parameters": base,
                                                 "notebooks": [asdict(r) for r in runs]}, indent=1, default=str),
                                     encoding="utf-8")
    return runs


def _longest_first(paths: list, out: Path) -> list:
    """The order to start notebooks in when several run at once: the longest first, by the times of
    the last report in ``out`` (its ``report.json``), so that a long one does not start last and
    run on alone; notebooks it does not list (or all, without one) keep their places, in front.

    >>> _longest_first([Path("01-a.ipynb"), Path("02-b.ipynb")], Path("/nonexistent"))
    [0, 1]
    """
    try:
        last = json.loads((out / "report.json").read_text(encoding="utf-8"))
        seconds = {run["notebook"]: float(run["seconds"]) for run in last["notebooks"]}
    except (OSError, ValueError, KeyError, TypeError):
        seconds = {}
    return sorted(range(len(paths)), key=lambda i: -seconds.get(paths[i].name, float("inf")))


def _annotate_first(base: dict, notebooks: Path, echo, progress: bool):
    """Annotate the corpus with the notebooks' shared parameters before they run side by side.

    The cache folder is the one a notebook would use (the default is found from its working
    folder, ``notebooks/``). A failure is only noted: each notebook then reports it in its place.
    Returns what the notebooks' kernels are told about the cache (see ``toolkit.annotate._CHECKED``),
    or None.
    """
    from .annotate import annotate, default_cache_dir
    from .counts import make_counts

    cache = base.get("cache")
    if cache is None:
        with contextlib.chdir(notebooks):
            cache = default_cache_dir(base["corpus"])
    started = time.perf_counter()
    try:
        ann = annotate(base["corpus"], cache, actors=base.get("actors"), scorers=base.get("scorers"),
                       metadata=base.get("metadata"), progress=progress)
    except Exception as err:  # noqa: BLE001 - the notebooks say what is wrong, each in its report
        echo(f"  annotating first failed ({type(err).__name__}: {str(err).splitlines()[0][:200]}); "
             "the notebooks will try")
        return
    echo(f"  annotated {base['corpus']} in {time.perf_counter() - started:.1f} s (cache: {cache})")
    started = time.perf_counter()
    try:
        made = make_counts(ann)  # the counts the notebooks add up, on all cores, before they ask
    except Exception as err:  # noqa: BLE001 - the notebooks make what is missing themselves
        echo(f"  counting first failed ({type(err).__name__}: {str(err).splitlines()[0][:200]}); the notebooks will count")
        return
    if made:
        echo(f"  counted {made} shard(s) for the notebooks in {time.perf_counter() - started:.1f} s")
    from .annotate import _file_signature

    signature = _file_signature(Path(cache) / "manifest.json")  # (make_counts leaves the manifest as it is)
    if signature is None:
        return None
    return {"cache": str(Path(cache).resolve()), "signature": list(signature), "run_key": ann.manifest.get("run_key")}


def _write_index(out: Path, runs: list, *, base: dict, no_input: bool, tables: bool):
    stamp = next((r.stamp for r in runs if r.stamp and not r.stamp_added), None) or next(
        (r.stamp for r in runs if r.stamp), None)
    esc = _html.escape
    rows = []
    for run in runs:
        link = (f"<a href='{esc(run.html)}'>{esc(run.title or run.notebook)}</a>" if run.html
                else esc(run.title or run.notebook))
        status = ("<span class='ok'>ok</span>" if run.ok
                  else f"<span class='failed'>FAILED</span> {esc(run.describe_failure())}")
        listed = "".join(f"<a href='{esc(Path(run.notebook).stem)}/{esc(t)}'>{esc(t)}</a> " for t in run.tables)
        differs = (run.stamp and stamp and run.stamp.get("corpus_hash") != stamp.get("corpus_hash"))
        rows.append(
            f"<tr><td class='name'>{link}<div class='file'>{esc(run.notebook)}</div></td>"
            f"<td>{esc(run.summary)}{'<div class=failed>different corpus hash: ' + esc(run.stamp['corpus_hash']) + '</div>' if differs else ''}</td>"
            f"<td>{status}</td><td class='num'>{run.seconds:.1f}&nbsp;s</td>"
            + (f"<td class='tables'>{listed or '-'}</td>" if tables else "") + "</tr>")
    failed = [r for r in runs if not r.ok]
    headline = (f"{len(runs)} reports, all ran" if not failed
                else f"{len(runs)} reports, {len(failed)} FAILED")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reports: {esc(Path(base['corpus']).name)}</title>
<style>
body {{ font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; padding: 0 1em; }}
h1 {{ font-size: 1.6em; margin-bottom: .2em; }}
table.reports {{ border-collapse: collapse; width: 100%; margin-top: 1em; }}
table.reports th, table.reports td {{ border-bottom: 1px solid #ddd; padding: .5em .6em; text-align: left; vertical-align: top; }}
table.reports th {{ background: #f2f4f7; }}
td.name a {{ font-weight: bold; }} .file {{ color: #777; font-size: .85em; font-family: monospace; }}
td.num {{ text-align: right; white-space: nowrap; }} td.tables a {{ font-family: monospace; font-size: .85em; }}
.ok {{ color: #2a7a2a; font-weight: bold; }} .failed {{ color: #b00020; font-weight: bold; }}
.note {{ color: #555; font-size: .9em; }}
</style></head>
<body>
<h1>Reports: {esc(Path(base['corpus']).name)}</h1>
<p class="{'failed' if failed else 'ok'}">{esc(headline)}</p>
{_stamp_html(dict(stamp, settings=base)) if stamp else ''}
<table class="reports"><thead><tr><th>report</th><th>what it shows</th><th>status</th><th>time</th>{'<th>tables (CSV)</th>' if tables else ''}</tr></thead>
<tbody>
{''.join(rows)}
</tbody></table>
<p class="note">Every report opens in any browser without a network: figures are embedded, and interactive
explorers show their default view (and react to their controls where the widget state allows).
{'Code cells are hidden (reader&#39;s version). ' if no_input else ''}Rerun with
<code>python -m toolkit report --corpus {esc(base['corpus'])}</code>; see the README, section "Reports".</p>
</body></html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")


def run_reports(corpus="corpus", *, actors=None, out="reports", params=None, notebooks="notebooks",
                no_input: bool = False, tables: bool = False, timeout: float | None = 1800,
                jobs: int | None = None) -> int:
    """``python -m toolkit report``: rerun and render every notebook; returns the exit status.

    Prints what it runs and how long each notebook took. Exit status 0 when every notebook ran,
    1 when one failed (it is named, with the cell; the other reports are still written), 2 when
    the corpus, the notebooks or a parameter are wrong. See :func:`render_reports`.
    """
    started = time.perf_counter()
    try:
        runs = render_reports(corpus, actors=actors, out=out, params=params, notebooks=notebooks,
                              no_input=no_input, tables=tables, timeout=timeout, jobs=jobs)
    except ValueError as err:
        print(f"report: {err}", file=sys.stderr)
        return 2
    failed = [r for r in runs if not r.ok]
    print(f"{len(runs) - len(failed)} of {len(runs)} notebooks ran without error in {time.perf_counter() - started:.1f} s; "
          f"open {Path(out) / 'index.html'}")
    for run in failed:
        print(f"FAILED {run.describe_failure()}", file=sys.stderr)
    return 1 if failed else 0
