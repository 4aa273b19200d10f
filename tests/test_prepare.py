"""Pass 1 of annotate: reading only what changed, as read_corpus reads it; staging; racy files."""

import os
import time

import numpy as np
import pandas as pd

from conftest import write_article
from toolkit import AnnotationSettings, annotate, read_corpus
from toolkit import prepare as prepare_module
from toolkit.engines import LocalEngine
from toolkit.prepare import prepare_corpus


def _corpus(folder):
    write_article(folder, "001_a.txt", "date 2020-01-15\nTurkey warned Russia.\n\nReply.\n")
    write_article(folder, "003_c.txt", "date 2020-02-30\nAn impossible date.\n")        # error
    write_article(folder, "004_d.txt", "date 2020-03-01\nTurkey warned Russia.\n\nReply.\n")  # same text as 001_a
    # the same id as 002_b.TXT, which sorts first (upper case) and is loaded: this one is reported
    write_article(folder, "002_b.txt", "date 2020-03-02\nSame id as 002_b.TXT.\n")
    write_article(folder, "002_b.TXT", "date 2020-02-03\nRussia denied it.\n\nReply.\n")
    (folder / "metadata.csv").write_text("file,outlet\n001_a.txt,A\n002_b.txt,B\n009_z.txt,C\n", encoding="utf-8")
    old = time.time() - 3600                       # an hour ago: no file is "racy"
    for path in folder.iterdir():
        os.utime(path, (old, old))
    return folder


def test_documents_and_problems_are_read_corpus_s(tmp_path):
    folder = _corpus(tmp_path / "c")
    prepared = prepare_corpus(folder, tmp_path)
    corpus = read_corpus(folder)
    assert prepared.index["doc_id"].tolist() == corpus.documents["doc_id"].tolist() == ["001_a", "002_b"]
    pd.testing.assert_frame_equal(prepared.problems, corpus.problems)
    # 002_b.txt (duplicate id), 003_c (impossible date), 004_d (duplicate text), metadata row 009_z
    assert sorted(corpus.problems["problem"]) == ["duplicate id", "duplicate text", "impossible date",
                                                  "metadata without article"]
    # each document: two paragraphs, one of them "Reply." (the same hash in both)
    reply = set(prepared.index["paragraphs"].iloc[0]) & set(prepared.index["paragraphs"].iloc[1])
    assert len(reply) == 1 and all(len(p) == 2 for p in prepared.index["paragraphs"])
    assert prepared.read == 5 and len(prepared.files) == 5


def test_unchanged_files_are_not_read_again(tmp_path):
    folder = _corpus(tmp_path / "c")
    first = prepare_corpus(folder, tmp_path)
    again = prepare_corpus(folder, tmp_path, old_files=first.files, scanned_at=time.time_ns())
    assert again.read == 0
    pd.testing.assert_frame_equal(again.problems, first.problems)
    pd.testing.assert_frame_equal(again.index.drop(columns="paragraphs"), first.index.drop(columns="paragraphs"))
    write_article(folder, "001_a.txt", "date 2020-01-15\nTurkey warned Russia again.\n")
    third = prepare_corpus(folder, tmp_path, old_files=again.files, scanned_at=time.time_ns() - 10**10)
    assert third.read == 1                         # 001_a changed (and is "racy": modified just now)
    assert third.staged.keys() == {"001_a"}


def test_a_file_modified_just_before_the_last_scan_is_read_again(tmp_path):
    folder = _corpus(tmp_path / "c")
    first = prepare_corpus(folder, tmp_path)
    scanned = int((time.time() - 3600) * 1e9) + 10**9   # the files were modified 1 s before this "scan"
    again = prepare_corpus(folder, tmp_path, old_files=first.files, scanned_at=scanned)
    assert again.read == 5


def test_staged_in_files_on_two_workers_gives_the_same_tables(tmp_path, monkeypatch):
    folder = _corpus(tmp_path / "c")
    settings = AnnotationSettings(batch_chars=1, boilerplate_min_docs=2)
    in_memory = annotate(folder, tmp_path / "memory", settings=settings, workers=1)
    monkeypatch.setattr(prepare_module, "STAGE_BYTES", 0)
    (tmp_path / "p").mkdir()
    prepared = prepare_corpus(folder, tmp_path / "p", engine=LocalEngine(2), batch_chars=1)
    assert {type(where).__name__ for where in prepared.staged.values()} == {"PosixPath"}
    prepared.cleanup()
    assert not any((tmp_path / "p").glob("_stage-*"))
    staged = annotate(folder, tmp_path / "staged", settings=settings, workers=2)
    for name in ("documents", "sentences", "tokens", "boilerplate", "duplicates", "problems"):
        pd.testing.assert_frame_equal(staged.read(name), in_memory.read(name))
    assert not list((tmp_path / "staged").glob("_stage-*"))   # staging files are deleted
    assert in_memory.boilerplate["text"].tolist() == ["Reply."]   # in 001_a and 002_b: 2 >= 2
    assert np.array_equal(in_memory.sentences["text"].to_numpy(), np.array(["Turkey warned Russia.", "Russia denied it."], dtype=object))


def test_a_file_hidden_by_a_duplicate_id_is_annotated_when_the_other_goes(tmp_path):
    # 002_b.TXT hides 002_b.txt (same id, sorts first); once it is deleted, 002_b.txt (unchanged,
    # so not read again by its stat) must be annotated with its own text.
    folder = _corpus(tmp_path / "c")
    annotate(folder, tmp_path / "cache")
    (folder / "002_b.TXT").unlink()
    ann = annotate(folder, tmp_path / "cache")
    assert ann.documents.set_index("doc_id").loc["002_b", "file"] == "002_b.txt"
    assert "Same id as 002_b.TXT." in set(ann.sentences["text"])
    pd.testing.assert_frame_equal(ann.sentences, annotate(folder, tmp_path / "clean").sentences)


def test_even_batches_split_the_work_in_equal_parts_for_the_workers():
    from toolkit.prepare import _even_batches

    # 10 files of size 1, batches of at most about 3, for 2 workers: ceil(10/3) = 4 batches
    # (already a multiple of 2) of 2.5 on average, cut where the running total reaches 2.5, 5, 7.5
    assert _even_batches(range(10), [1] * 10, 3, 2) == [[0, 1, 2], [3, 4], [5, 6, 7], [8, 9]]
    # 3 batches would leave one worker a batch alone at the end: 4 (a multiple of 2) instead
    assert [len(b) for b in _even_batches(range(9), [1] * 9, 3, 2)] == [3, 2, 2, 2]
    # one worker: batches at the size limit, as many as needed
    assert [len(b) for b in _even_batches(range(9), [1] * 9, 3, 1)] == [3, 3, 3]
    # a file larger than its share is a batch of its own; nothing is lost or repeated
    assert _even_batches("abcde", [5, 1, 1, 1, 1], 4, 2) == [["a"], ["b", "c"], ["d", "e"]]
    assert _even_batches([], [], 3, 2) == []
