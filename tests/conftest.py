"""Shared fixtures: small corpora written for the tests."""

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_configure(config):
    """Name an xdist run here, so that the controller knows the name its workers get."""
    # (the option is None when xdist is installed and no name was given; absent without xdist)
    if not hasattr(config, "workerinput") and getattr(config.option, "testrunuid", "") is None:
        config.option.testrunuid = uuid.uuid4().hex


def pytest_sessionfinish(session):
    """Remove the network guard's log folder of this run (``tests/test_reliability.py`` names it
    after the run, in the temporary folder) once every worker is done."""
    if hasattr(session.config, "workerinput"):
        return
    for run in (getattr(session.config.option, "testrunuid", None), f"pid{os.getpid()}"):
        if run:
            shutil.rmtree(Path(tempfile.gettempdir()) / f"toolkit-network-{run}", ignore_errors=True)


def write_article(folder: Path, name: str, content, *, binary=False):
    """Write one article file (str content is written as UTF-8)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.fixture
def small_corpus(tmp_path):
    """Three good articles over three months (a hand-checkable corpus)."""
    folder = tmp_path / "small"
    write_article(folder, "001_a.txt", "date 2020-01-15\nTurkey warned Russia. Ankara sent troops.\n")
    write_article(folder, "002_b.txt", "date 2020-02-03\nRussia denied it.\n\nMoscow said Turkey's claims were false.\n")
    write_article(folder, "003_c.txt", " date 2020-03-01 Syrian forces advanced on Idlib.")
    return folder
