"""Every rendered report, opened in headless Chromium with the network off.

Fails on a JavaScript error, a request that leaves the machine, an image that did not load, or a
widget area left empty; takes a screenshot of each page's first screen. Runs in CI (``CI=true``:
a missing Chromium is a failure there); elsewhere it is skipped when Chromium is not installed
(``apt-get install chromium``). The reports are those of tests/test_notebooks.py (every notebook,
on corpus/ and on a small 4-month corpus) and of tests/test_report.py (small notebooks with
widgets, a figure, a failure).
"""

from __future__ import annotations

import os
import struct

import pytest

from headless import INSTALL_HINT, Browser, find_chromium
from reports_once import NOTEBOOKS, rendered, rendered_demo

CHROMIUM = find_chromium()
if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but Chromium is missing: the browser test must run in CI; " + INSTALL_HINT)
    pytest.skip(f"Chromium not found: {INSTALL_HINT}, then rerun tests/test_browser.py", allow_module_level=True)

NOTEBOOK_NAMES = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture(scope="module")
def browser():
    with Browser(CHROMIUM) as chromium:
        yield chromium


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def _check(browser, page, shots):
    shots.mkdir(parents=True, exist_ok=True)
    result = browser.check(page, screenshot=shots / f"{page.stem}.png")
    assert not result.problems, f"{page.name}:\n  " + "\n  ".join(result.problems)
    assert _png_size(result.screenshot) == (1200, 1600)
    assert result.text_length > 100, f"{page.name} shows almost no text"
    return result


@pytest.mark.parametrize("which", ["repo", "small"])
@pytest.mark.parametrize("name", NOTEBOOK_NAMES + ["index"])
def test_report_opens_cleanly_offline(browser, tmp_path_factory, which, name):
    out, report = rendered(tmp_path_factory, which)
    page = out / f"{name}.html"
    assert page.is_file(), f"{page.name} was not written (see tests/test_notebooks.py)"
    result = _check(browser, page, tmp_path_factory.mktemp(f"shots-{which}"))
    if name != "index":
        run = next(r for r in report["notebooks"] if r["html"] == page.name)
        assert result.title == (run["title"] or name)


def test_demo_reports_render_their_widgets_and_figures(browser, tmp_path_factory):
    demo = rendered_demo(tmp_path_factory)
    shots = tmp_path_factory.mktemp("shots-demo")
    result = _check(browser, demo["out"] / "01-demo.html", shots)
    # 01-demo shows one figure, a Dropdown and an interactive (slider + output): 2 widget views,
    # both rendered; its tables: the stamp, two tables and the interactive's table.
    assert result.images == 1
    assert result.widgets == 2
    assert result.tables >= 4
    for name in ("02-broken", "03-after", "index"):
        _check(browser, demo["out"] / f"{name}.html", shots)


def test_the_checks_catch_broken_pages(browser, tmp_path):
    """A page with each fault is reported with each fault: the test above cannot pass vacuously."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><p>broken page</p>"
        "<img src='missing.png'>"
        "<img src='https://cdn.example.org/x.png'>"
        "<div class='jupyter-widgets'><script type='application/vnd.jupyter.widget-view+json'>"
        '{"model_id": "nope", "version_major": 2, "version_minor": 0}</script></div>'
        "<script>undefined_function();</script>"
        "</body></html>", encoding="utf-8")
    result = browser.check(page, widget_wait=0.5, settle=0.5)
    assert any("undefined_function" in e for e in result.errors)
    assert "https://cdn.example.org/x.png" in result.network
    assert sorted(result.broken_images) == ["https://cdn.example.org/x.png", "missing.png"]
    assert result.empty_widgets == ["nope"]
