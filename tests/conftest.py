"""Shared fixtures: small corpora written for the tests."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


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
