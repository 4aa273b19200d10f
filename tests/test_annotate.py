"""The annotation cache: same tables as the pipeline, reuse, invalidation, killed runs."""

import importlib
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from conftest import REPO, write_article
from toolkit import (AnnotationSettings, Annotations, CacheError, TextSettings, annotate, clean_corpus, read_corpus,
                     read_table, split_sentences, tokenize)


def assert_same_tables(a: Annotations, b: Annotations, names=("documents", "sentences", "tokens")):
    for name in names:
        pd.testing.assert_frame_equal(a.read(name), b.read(name))


def test_tables_equal_the_pipeline(small_corpus, tmp_path):
    ann = annotate(small_corpus, tmp_path / "cache")
    docs = read_corpus(small_corpus).documents.assign(detokenized=False)   # ordinary text: not restored
    sentences = split_sentences(docs)
    pd.testing.assert_frame_equal(ann.documents, docs)
    pd.testing.assert_frame_equal(ann.sentences, sentences)
    pd.testing.assert_frame_equal(ann.tokens, tokenize(sentences))
    assert ann.problems.empty
    assert ann.manifest["annotated"] == 3
    assert sorted(os.listdir(tmp_path / "cache")) == [
        ".lock", "boilerplate.parquet", "documents.parquet", "duplicates.parquet", "files.parquet", "manifest.json",
        "problems.parquet", "sentences.parquet", "signatures.parquet", "tokens.parquet"]


def test_rerun_reuses_the_cache(small_corpus, tmp_path):
    annotate(small_corpus, tmp_path / "cache")
    files = sorted(p.name for p in (tmp_path / "cache" / "tokens.parquet").iterdir())
    again = annotate(small_corpus, tmp_path / "cache")
    assert again.manifest["annotated"] == 0
    assert sorted(p.name for p in (tmp_path / "cache" / "tokens.parquet").iterdir()) == files


def test_changed_and_added_articles_are_annotated_on_their_own(small_corpus, tmp_path):
    settings = AnnotationSettings(batch_chars=1)           # one document per shard
    annotate(small_corpus, tmp_path / "cache", settings=settings)
    write_article(small_corpus, "002_b.txt", "date 2020-02-03\nRussia denied everything.\n")
    write_article(small_corpus, "004_d.txt", "date 2020-04-01\nIran joined the talks.\n")
    ann = annotate(small_corpus, tmp_path / "cache", settings=settings)
    assert ann.manifest["annotated"] == 2                  # 002_b (changed) and 004_d (new)
    assert ann.manifest["documents"] == 4
    clean = annotate(small_corpus, tmp_path / "clean", settings=settings)
    assert_same_tables(ann, clean)
    assert ann.sentences.loc[ann.sentences["doc_id"] == "002_b", "text"].tolist() == ["Russia denied everything."]


def test_a_changed_article_in_a_shared_shard_leaves_the_others_untouched(small_corpus, tmp_path):
    annotate(small_corpus, tmp_path / "cache")             # all three documents in one shard
    write_article(small_corpus, "003_c.txt", "date 2020-03-01\nSyrian forces withdrew.")
    ann = annotate(small_corpus, tmp_path / "cache")
    assert ann.manifest["annotated"] == 1
    assert_same_tables(ann, annotate(small_corpus, tmp_path / "clean"))


def test_removed_article_disappears(small_corpus, tmp_path):
    annotate(small_corpus, tmp_path / "cache")
    (small_corpus / "002_b.txt").unlink()
    ann = annotate(small_corpus, tmp_path / "cache")
    assert ann.manifest["annotated"] == 0
    assert list(ann.documents["doc_id"]) == ["001_a", "003_c"]
    assert set(ann.tokens["doc_id"]) == {"001_a", "003_c"}


def test_changed_settings_invalidate_the_tokens(small_corpus, tmp_path):
    annotate(small_corpus, tmp_path / "cache")
    lemma = AnnotationSettings(text=TextSettings(lemmatize=True))
    ann = annotate(small_corpus, tmp_path / "cache", settings=lemma)
    assert ann.manifest["annotated"] == 3
    assert "advance" in set(ann.tokens["norm"])            # "advanced" -> "advance"
    assert ann.settings["lemmatize"] is True


def test_metadata_change_reannotates_that_article(small_corpus, tmp_path):
    annotate(small_corpus, tmp_path / "cache")
    (small_corpus / "metadata.csv").write_text("file,source\n001_a.txt,Reuters\n")
    ann = annotate(small_corpus, tmp_path / "cache")
    assert ann.manifest["annotated"] == 3                  # a new column changes every row
    assert ann.documents.set_index("doc_id").loc["001_a", "source"] == "Reuters"


def test_problems_are_kept_in_the_cache(small_corpus, tmp_path):
    write_article(small_corpus, "009_bad.txt", "no header")
    ann = annotate(small_corpus, tmp_path / "cache")
    assert ann.problems[["file", "problem"]].values.tolist() == [["009_bad.txt", "missing header"]]


def test_a_run_that_fails_midway_leaves_the_previous_cache(small_corpus, tmp_path, monkeypatch):
    module = importlib.import_module("toolkit.annotate")   # the package attribute is the function

    settings = AnnotationSettings(batch_chars=1)
    before = annotate(small_corpus, tmp_path / "cache", settings=settings)
    before_tokens = before.tokens
    write_article(small_corpus, "004_d.txt", "date 2020-04-01\nIran joined.\n")
    write_article(small_corpus, "005_e.txt", "date 2020-04-02\nIraq too.\n")
    calls = []
    real = module._run_batch

    def crash(job):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt            # as if killed after the first new shard was written
        return real(job)

    monkeypatch.setattr(module, "_run_batch", crash)
    with pytest.raises(KeyboardInterrupt):
        annotate(small_corpus, tmp_path / "cache", settings=settings)
    still = Annotations(tmp_path / "cache")
    assert still.manifest["documents"] == 3
    pd.testing.assert_frame_equal(still.tokens, before_tokens)
    monkeypatch.setattr(module, "_run_batch", real)
    after = annotate(small_corpus, tmp_path / "cache", settings=settings)
    assert after.manifest["annotated"] == 2
    assert_same_tables(after, annotate(small_corpus, tmp_path / "clean", settings=settings))


def test_tokens_shards_are_written_from_dictionaries_and_read_back_as_strings(small_corpus, tmp_path):
    import pyarrow.parquet as pq

    ann = annotate(small_corpus, tmp_path / "cache")
    for shard in (tmp_path / "cache" / "tokens.parquet").iterdir():
        meta = pq.read_metadata(shard)
        assert meta.metadata is None   # no Arrow schema: it would say "dictionary", readers would get categoricals
        names = [meta.schema.column(i).name for i in range(meta.num_columns)]
        token = meta.row_group(0).column(names.index("token"))
        assert "RLE_DICTIONARY" in token.encodings
        assert str(pq.read_schema(shard).field("token").type) == "string"
    assert {str(ann.tokens[c].dtype) for c in ("doc_id", "token", "norm")} == {"str"}
    other = next((tmp_path / "cache" / "sentences.parquet").iterdir())
    assert b"ARROW:schema" in pq.read_metadata(other).metadata   # every other table keeps its schema


def test_incomplete_or_missing_cache_is_refused(tmp_path, small_corpus):
    with pytest.raises(CacheError, match="no complete annotation cache"):
        read_table(tmp_path, "tokens")
    ann = annotate(small_corpus, tmp_path / "cache")
    assert read_table(tmp_path / "cache", "tokens", columns=["norm", "doc_id"]).columns.tolist() == ["norm", "doc_id"]
    with pytest.raises(CacheError, match="cannot read the cache: no column 'lemma'"):   # not a silent omission
        read_table(tmp_path / "cache", "tokens", columns=["doc_id", "lemma"])
    shard = next((tmp_path / "cache" / "tokens.parquet").iterdir())
    shard.unlink()
    with pytest.raises(CacheError, match="missing"):
        read_table(tmp_path / "cache", "tokens")
    manifest = json.loads((tmp_path / "cache" / "manifest.json").read_text())
    manifest["complete"] = False
    (tmp_path / "cache" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CacheError):
        Annotations(tmp_path / "cache")
    assert annotate(small_corpus, tmp_path / "cache").manifest["annotated"] == 3   # rebuilt


def test_sigkill_during_a_run_never_leaves_a_cache_that_reads_as_valid(tmp_path):
    corpus = tmp_path / "many"
    for i in range(400):
        write_article(corpus, f"{i:04d}.txt", f"date 2020-01-{1 + i % 28:02d}\n" + f"Article {i} says Turkey moved. " * 50)
    code = ("import sys, toolkit; toolkit.annotate(sys.argv[1], sys.argv[2], "
            "settings=toolkit.AnnotationSettings(batch_chars=2000), workers=1)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(corpus), str(tmp_path / "cache")], cwd=REPO)
    deadline = time.time() + 60
    shards = tmp_path / "cache" / "tokens.parquet"
    while time.time() < deadline and not (shards.is_dir() and len(list(shards.iterdir())) >= 5):
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with pytest.raises(CacheError):
        Annotations(tmp_path / "cache")       # killed before the manifest: nothing reads as valid
    resumed = annotate(corpus, tmp_path / "cache", settings=AnnotationSettings(batch_chars=2000))
    clean = annotate(corpus, tmp_path / "clean", settings=AnnotationSettings(batch_chars=2000))
    assert_same_tables(resumed, clean)
    listed = set(resumed.manifest["tables"]["tokens"]["shards"])
    assert {p.name for p in shards.iterdir()} == listed      # leftovers swept


def test_two_workers_give_the_same_tables(small_corpus, tmp_path):
    settings = AnnotationSettings(batch_chars=1)
    one = annotate(small_corpus, tmp_path / "one", settings=settings, workers=1)
    two = annotate(small_corpus, tmp_path / "two", settings=settings, workers=2)
    assert_same_tables(one, two)


def test_unwritable_cache_is_a_cache_error(small_corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CacheError, match="cannot create the cache folder"):
        annotate(small_corpus, blocker / "cache")


def test_hygiene_restores_drops_boilerplate_and_keeps_one_per_cluster(tmp_path):
    corpus = tmp_path / "messy"
    footer = "This discussion is now closed."
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    write_article(corpus, "001.txt", f"date 2020-01-01\nAssad 's forces do n't stop -LRB- Reuters -RRB- .\n{footer}\n")
    write_article(corpus, "002.txt", f"date 2020-01-02\nTurkey sent troops.\n{footer}\n")
    write_article(corpus, "003.txt", f"date 2020-01-03\n{story} Rebels left.\n")
    write_article(corpus, "004.txt", f"date 2020-01-04\n{story} Rebels left!\n")    # near-duplicate of 003
    settings = AnnotationSettings(boilerplate_min_docs=2, duplicates_threshold=0.5)
    ann = annotate(corpus, tmp_path / "cache", settings=settings)
    docs = ann.documents.set_index("doc_id")
    assert docs.loc["001", "text"].startswith("Assad's forces don't stop (Reuters).")
    assert docs["detokenized"].tolist() == [True, False, False]        # 004 is left out
    assert ann.excluded == ["004"]
    assert "This discussion is now closed." not in set(ann.sentences["text"])
    assert ann.boilerplate["text"].tolist() == ["This discussion is now closed."]
    assert ann.boilerplate["n_docs"].tolist() == [2]
    assert sorted(ann.duplicates["doc_id"]) == ["003", "004"]
    every = Annotations(tmp_path / "cache", all_documents=True)
    assert list(every.documents["doc_id"]) == ["001", "002", "003", "004"]
    assert ann.settings["duplicates_keep"] == "first"
    # the streaming pipeline (paragraph hashes, cached signatures) finds what the in-memory one does
    cleaned, tables, excluded = clean_corpus(read_corpus(corpus).documents, settings)
    pd.testing.assert_frame_equal(every.documents, cleaned)
    pd.testing.assert_frame_equal(ann.boilerplate, tables["boilerplate"])
    pd.testing.assert_frame_equal(ann.duplicates, tables["duplicates"])
    assert excluded == {"004"}


def test_boilerplate_by_outlet_and_keep_longest_as_clean_corpus(tmp_path):
    # Two outlets: "Reply." recurs in both of A's articles (boilerplate within A, min 2) and once
    # in B's; 003 and 004 are near-duplicates, 004 the longer (kept with keep="longest").
    corpus = tmp_path / "outlets"
    story = "Troops moved into Idlib on Monday, officials said, and the shelling stopped by the evening."
    write_article(corpus, "001.txt", "date 2020-01-01\nTurkey sent troops.\n\nReply.\n")
    write_article(corpus, "002.txt", "date 2020-01-02\nRussia objected.\n\nReply.\n")
    write_article(corpus, "003.txt", f"date 2020-01-03\n{story}\n\nReply.\n")
    write_article(corpus, "004.txt", f"date 2020-01-04\n{story} Rebels left the town.\n")
    (corpus / "metadata.csv").write_text("file,outlet\n001.txt,A\n002.txt,A\n003.txt,B\n004.txt,B\n", encoding="utf-8")
    settings = AnnotationSettings(boilerplate_min_docs=2, boilerplate_by="outlet", duplicates_threshold=0.5,
                                  duplicates_keep="longest")
    ann = annotate(corpus, tmp_path / "cache", settings=settings)
    cleaned, tables, excluded = clean_corpus(read_corpus(corpus).documents, settings)
    assert ann.boilerplate[["outlet", "text", "n_docs"]].values.tolist() == [["A", "Reply.", 2]]
    pd.testing.assert_frame_equal(ann.boilerplate, tables["boilerplate"])
    pd.testing.assert_frame_equal(ann.duplicates, tables["duplicates"])
    assert set(ann.excluded) == excluded == {"003"}
    assert "Reply." not in set(ann.sentences["text"])        # skipped corpus-wide, as split_sentences does


def test_a_growing_boilerplate_list_reannotates_only_the_articles_it_touches(tmp_path):
    corpus = tmp_path / "c"
    footer = "Views expressed in the comments are their own."
    write_article(corpus, "001.txt", f"date 2020-01-01\nTurkey sent troops.\n{footer}\n")
    write_article(corpus, "002.txt", f"date 2020-01-02\nRussia objected.\n{footer}\n")
    write_article(corpus, "003.txt", "date 2020-01-03\nSyria said nothing.\n")
    settings = AnnotationSettings(boilerplate_min_docs=3, duplicates_threshold=None)
    first = annotate(corpus, tmp_path / "cache", settings=settings)
    assert footer in set(first.sentences["text"])             # in 2 articles: not yet boilerplate
    write_article(corpus, "004.txt", f"date 2020-01-04\nIran agreed.\n{footer}\n")
    ann = annotate(corpus, tmp_path / "cache", settings=settings)
    assert footer not in set(ann.sentences["text"])           # in 3 articles now
    assert ann.manifest["annotated"] == 3                     # 001, 002 (footer now skipped) and 004; not 003
    assert_same_tables(ann, annotate(corpus, tmp_path / "clean", settings=settings))


def test_scorers_given_as_text_from_papermill():
    from toolkit.annotate import _scorer_names

    assert _scorer_names("['vader', 'minilm']") == ("vader", "minilm")
    assert _scorer_names("vader, minilm") == ("vader", "minilm")
    assert _scorer_names(["vader"]) == ("vader",)


def test_a_new_setting_reannotates_from_the_cache_without_reading_files(small_corpus, tmp_path):
    # Files last modified an hour ago (so none is "racy"): adding an actor dictionary re-makes the
    # mentions of all 3 articles from the cached text, reading no file, one job per cached shard.
    for path in small_corpus.iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    actors = tmp_path / "actors.yml"
    actors.write_text("actors:\n  - id: TUR\n    name: Turkey\n    aliases: [Turkey, Ankara]\n"
                      "  - id: RUS\n    name: Russia\n    aliases: [Russia, Moscow]\n", encoding="utf-8")
    settings = AnnotationSettings(batch_chars=1)            # one document per shard
    first = annotate(small_corpus, tmp_path / "cache", settings=settings)
    assert first.manifest["read"] == 3
    again = annotate(small_corpus, tmp_path / "cache", settings=settings)
    assert (again.manifest["read"], again.manifest["annotated"]) == (0, 0)
    ann = annotate(small_corpus, tmp_path / "cache", settings=settings, actors=actors)
    assert (ann.manifest["read"], ann.manifest["annotated"]) == (0, 3)
    assert len(ann.manifest["tables"]["mentions"]["shards"]) == 3
    assert len(ann.manifest["tables"]["tokens"]["shards"]) == 3   # kept as they were
    clean = annotate(small_corpus, tmp_path / "clean", settings=settings, actors=actors)
    assert_same_tables(ann, clean, names=("documents", "sentences", "tokens", "mentions"))
    # 001_a: Turkey, Russia, Ankara; 002_b: Russia, Moscow, Turkey('s); 003_c: none
    assert ann.mentions.groupby("doc_id").size().to_dict() == {"001_a": 3, "002_b": 3}


def test_the_command_line_and_a_notebook_share_the_cache(small_corpus, tmp_path):
    # The command line passes every reading option (at its default); a notebook passes none:
    # the second run finds everything up to date and reads no file.
    for path in small_corpus.iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    from toolkit.cli import main

    assert main(["annotate", str(small_corpus), "--out", str(tmp_path / "cache")]) == 0
    ann = annotate(small_corpus, tmp_path / "cache", scorers=["vader"])
    assert (ann.manifest["read"], ann.manifest["annotated"]) == (0, 0)


def test_unknown_option_is_refused_and_settings_fields_are_accepted(small_corpus, tmp_path):
    # an option annotate does not know is a TypeError, never silently ignored
    with pytest.raises(TypeError, match="unexpected keyword argument 'boilerplate_min_doc'"):
        annotate(small_corpus, tmp_path / "a", boilerplate_min_docs=None, boilerplate_min_doc=2)
    # a field of AnnotationSettings given as an option is the same as settings=...
    ann = annotate(small_corpus, tmp_path / "b", duplicates_threshold=None, boilerplate_min_docs=None)
    assert ann.settings["duplicates_threshold"] is None and ann.settings["boilerplate_min_docs"] is None


def test_a_cache_a_report_checked_is_taken_as_it_is(small_corpus, tmp_path, monkeypatch):
    from toolkit.report import _begin_report

    module = importlib.import_module("toolkit.annotate")

    monkeypatch.setattr(module, "_CHECKED", {})
    cache = tmp_path / "cache"
    first = annotate(small_corpus, cache, scorers=None, workers=1)
    signature = module._file_signature(cache / "manifest.json")
    # what a report tells each notebook's kernel after bringing the cache up to date
    _begin_report(json.dumps({"checked": {"cache": str(cache.resolve()), "signature": list(signature),
                                          "run_key": first.manifest["run_key"]}}))
    assert module._CHECKED == {str(cache.resolve()): (signature, first.manifest["run_key"])}
    write_article(small_corpus, "004_d.txt", "date 2020-04-01\nTalks resumed.\n")   # arrives during the report
    assert len(annotate(small_corpus, cache, scorers=None, workers=1).documents) == 3   # as checked
    # other settings are another run: the corpus is listed and the new article read
    assert len(annotate(small_corpus, cache, scorers=["vader"], workers=1).documents) == 4
    # the manifest was replaced meanwhile: not the cache the report checked, so listed again
    assert len(annotate(small_corpus, cache, scorers=None, workers=1).documents) == 4
