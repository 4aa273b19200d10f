"""Checks shared by the reliability tests: nothing read from a corpus folder is lost."""

from __future__ import annotations

import os
from pathlib import Path

COMPANIONS = {".md", ".yml", ".yaml", ".csv", ".tsv", ".json", ".gitkeep"}


def expected_entries(folder: Path) -> set:
    """Names read_corpus must account for: every entry except hidden files and companion files
    (README, metadata.csv, actors.yml, ...; a sub-folder is always reported), as the problems
    table shows them (a name that is not UTF-8 with its bad bytes as ``\\xNN``)."""
    names = set()
    for entry in os.scandir(folder):
        name = entry.name
        if name.startswith("."):
            continue
        companion = Path(name).suffix.lower() in COMPANIONS or name.lower().startswith("readme")
        if companion and not entry.is_dir():
            continue
        names.add(os.fsencode(name).decode("utf-8", "backslashreplace"))
    return names


def account(corpus, folder) -> None:
    """Files loaded + files reported (as not loaded) == files in the folder, none counted twice."""
    docs, problems = corpus.documents, corpus.problems
    loaded = list(docs["file"])
    assert len(loaded) == len(set(loaded))
    assert docs["doc_id"].is_unique, "two documents share an id"
    refused = set(problems.loc[problems["severity"] == "error", "file"])
    assert not (set(loaded) & refused), f"loaded and reported as not loaded: {set(loaded) & refused}"
    accounted = set(loaded) | refused
    expected = expected_entries(folder)
    assert accounted == expected, (sorted(accounted), sorted(expected))
    assert (problems["problem"].str.len() > 0).all()
    assert docs["text"].str.len().gt(0).all()
    assert str(docs["date"].dtype) == "datetime64[ns]"
