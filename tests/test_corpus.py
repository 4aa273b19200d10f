"""Reading corpora: header layouts, every validation problem, exports, metadata, nothing lost."""

import datetime as dt
import json
import os

import pandas as pd
import pytest

from conftest import REPO, write_article
from toolkit import CorpusError, check_corpus, format_problems, read_corpus
from toolkit.corpus import parse_article


# --- header layouts -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    b"date 2020-02-15\nTurkey rejected it.",                 # documented layout
    b" date 2020-02-15 Turkey rejected it.",                 # the sample: leading space, same line
    b"\xef\xbb\xbfdate 2020-02-15\nTurkey rejected it.",     # BOM
    b"\n\n  date 2020-02-15\r\nTurkey rejected it.\r\n",     # blank lines before, CRLF
    b"date 2020-02-15\n\n\nTurkey rejected it.\n\n",         # blank lines around the text
    b"date\t2020-02-15\tTurkey rejected it.",                # tabs
])
def test_header_layouts_give_the_same_article(raw):
    date, text, warnings = parse_article(raw, name="a.txt")
    assert date == dt.date(2020, 2, 15)
    assert text == "Turkey rejected it."
    assert warnings == []


def test_crlf_inside_the_text_becomes_lf():
    _, text, _ = parse_article(b"date 2020-02-15\r\nOne.\r\n\r\nTwo.\r\n")
    assert text == "One.\n\nTwo."


@pytest.mark.parametrize("raw, problem", [
    (b"Turkey rejected it.", "missing header"),
    (b"2020-02-15\nTurkey", "missing header"),
    (b"date 15/02/2020\nTurkey", "malformed header"),
    (b"date: 2020-02-15\nTurkey", "malformed header"),
    (b"Date 2020-02-15\nTurkey", "malformed header"),
    (b"date 2020-02-30\nTurkey", "impossible date 2020-02-30"),
    (b"date 2021-13-01\nTurkey", "impossible date 2021-13-01"),
    (b"date 2020-02-15\n   \n", "empty text"),
    (b"date 2020-02-15", "empty text"),
    (b"", "missing header"),
    (b"date 2020-02-15\nabc\x00def", "binary content (NUL byte at offset 19)"),
    (b"%PDF-1.4 ...", "binary content"),
])
def test_bad_articles_raise_a_named_problem(raw, problem):
    with pytest.raises(CorpusError) as err:
        parse_article(raw, name="bad.txt")
    assert err.value.file == "bad.txt"
    assert err.value.problem.startswith(problem)


def test_invalid_utf8_names_the_byte_offset():
    raw = "date 2020-02-15\nCaf\u00e9".encode("latin-1") + b"\x81"   # \x81 is undefined in cp1252 too
    with pytest.raises(CorpusError, match="invalid UTF-8 at byte offset 19"):
        parse_article(raw, name="bad.txt")


def test_latin1_file_is_loaded_with_a_warning():
    raw = "date 2020-02-15\nCaf\u00e9 au lait.".encode("latin-1")  # é is byte 19
    date, text, warnings = parse_article(raw, name="latin.txt")
    assert text == "Caf\u00e9 au lait."
    assert warnings == [("not UTF-8", "invalid UTF-8 at byte offset 19; read as Windows-1252")]
    with pytest.raises(CorpusError, match="invalid UTF-8 at byte offset 19"):
        parse_article(raw, name="latin.txt", encoding_errors="strict")


# --- folders ------------------------------------------------------------------------------------

def test_the_sample_corpus_loads():
    corpus = read_corpus(REPO / "corpus")
    docs = corpus.documents
    assert list(docs["doc_id"]) == ["000_a9979eba8f3f7ebb"]
    assert docs["date"].iloc[0] == pd.Timestamp("2020-02-15")
    assert str(docs["date"].dtype) == "datetime64[ns]"
    assert docs["text"].iloc[0].startswith("Turkey rejected Russian allegations on Saturday")
    assert corpus.problems.empty


def test_small_corpus_documents_table(small_corpus):
    docs = read_corpus(small_corpus).documents
    assert list(docs.columns) == ["doc_id", "date", "text", "file"]
    assert list(docs["doc_id"]) == ["001_a", "002_b", "003_c"]
    assert list(docs["date"].dt.strftime("%Y-%m-%d")) == ["2020-01-15", "2020-02-03", "2020-03-01"]
    assert docs["text"].iloc[1] == "Russia denied it.\n\nMoscow said Turkey's claims were false."
    assert docs["text"].iloc[2] == "Syrian forces advanced on Idlib."


def salt(folder):
    """One broken file of each kind; returns {file name: expected problem}."""
    write_article(folder, "101_noheader.txt", "Turkey rejected it.")
    write_article(folder, "102_badheader.txt", "date 15/02/2020\nTurkey rejected it.")
    write_article(folder, "103_baddate.txt", "date 2020-02-30\nTurkey rejected it.")
    write_article(folder, "104_empty.txt", "date 2020-02-15\n\n")
    write_article(folder, "105_utf8.txt", b"date 2020-02-15\nAbc \x81\x8d def")
    write_article(folder, "106_binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write_article(folder, "107_dupe.txt", "date 2020-01-15\nTurkey warned Russia. Ankara sent troops.\n")
    write_article(folder, "108_large.txt", "date 2020-02-15\n" + "word " * 3000)
    write_article(folder, "109_latin1.txt", "date 2020-02-15\nCaf\u00e9 au lait.".encode("latin-1"))
    write_article(folder, "notes.docx", b"PK\x03\x04 not an article")
    return {
        "101_noheader.txt": ("missing header", "error"),
        "102_badheader.txt": ("malformed header", "error"),
        "103_baddate.txt": ("impossible date", "error"),
        "104_empty.txt": ("empty text", "error"),
        "105_utf8.txt": ("invalid UTF-8", "error"),
        "106_binary.txt": ("binary content", "error"),
        "107_dupe.txt": ("duplicate text", "error"),
        "108_large.txt": ("too large", "error"),
        "109_latin1.txt": ("not UTF-8", "warning"),
        "notes.docx": ("not an article", "error"),
    }


def test_salted_corpus_one_problem_per_broken_file_and_every_good_file_loads(small_corpus):
    expected = salt(small_corpus)
    corpus = read_corpus(small_corpus, max_bytes=10_000)
    problems = corpus.problems
    assert dict(zip(problems["file"], zip(problems["problem"], problems["severity"]))) == expected
    assert len(problems) == len(expected)
    assert list(corpus.documents["doc_id"]) == ["001_a", "002_b", "003_c", "109_latin1"]
    dupe = problems.set_index("file").loc["107_dupe.txt", "detail"]
    assert dupe == "same text as 001_a.txt"
    utf8 = problems.set_index("file").loc["105_utf8.txt", "detail"]
    assert utf8 == "invalid UTF-8 at byte offset 20"


def test_nothing_is_lost(small_corpus):
    salt(small_corpus)
    corpus = read_corpus(small_corpus, max_bytes=10_000)
    companions = {"README.md"}
    (small_corpus / "README.md").write_text("# about")
    loaded = set(corpus.documents["file"])
    reported_only = set(corpus.problems.loc[corpus.problems["severity"] == "error", "file"])
    on_disk = {p.name for p in small_corpus.iterdir()} - companions
    assert loaded | reported_only == on_disk
    assert not loaded & reported_only


def test_format_problems_prints_file_colon_problem(small_corpus):
    write_article(small_corpus, "201_x.txt", "date 2020-02-30\nText.")
    lines = format_problems(check_corpus(small_corpus))
    assert lines == ["201_x.txt: impossible date 2020-02-30"]


def test_missing_folder_is_a_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="no such folder or file"):
        read_corpus(tmp_path / "nope")


def test_empty_folder_gives_empty_tables(tmp_path):
    corpus = read_corpus(tmp_path)
    assert corpus.documents.empty and list(corpus.documents.columns) == ["doc_id", "date", "text", "file"]
    assert corpus.problems.empty


# --- metadata -----------------------------------------------------------------------------------

def test_metadata_csv_is_joined(small_corpus):
    (small_corpus / "metadata.csv").write_text(
        "file,source,title\n001_a.txt,Reuters,Turkey warns\n002_b.txt,BBC,Denial\n999_gone.txt,CNN,Lost\n")
    corpus = read_corpus(small_corpus)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["001_a", "source"] == "Reuters"
    assert docs.loc["002_b", "title"] == "Denial"
    assert pd.isna(docs.loc["003_c", "source"])
    assert list(corpus.problems["problem"]) == ["metadata without article"]
    assert corpus.problems["severity"].iloc[0] == "warning"


def test_metadata_beside_the_folder(tmp_path, small_corpus):
    (tmp_path / "small.csv").write_text("file,outlet,date\n003_c.txt,BBC,2020-03-01\n")
    docs = read_corpus(small_corpus).documents.set_index("doc_id")
    assert docs.loc["003_c", "outlet"] == "BBC"
    assert docs.loc["003_c", "date_metadata"] == "2020-03-01"   # a clashing column is renamed


def test_metadata_without_key_column_is_an_error(small_corpus, tmp_path):
    meta = tmp_path / "meta.csv"
    meta.write_text("name,source\n001_a.txt,BBC\n")
    with pytest.raises(CorpusError, match="no 'file' column"):
        read_corpus(small_corpus, metadata=meta)


# --- exports ------------------------------------------------------------------------------------

def test_csv_export(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text(
        'id,published,body,source\n'
        'a1,2020-01-02,"Turkey warned Russia, again.",Reuters\n'
        'a2,2020-02-30,"Bad date.",BBC\n'
        'a3,2020-03-04T10:00:00+02:00,"With a time, and a ""quote"".",CNN\n'
        'a4,2020-03-05,,CNN\n'
        'a1,2020-03-06,"Same id.",CNN\n')
    corpus = read_corpus(export, date_column="published", text_column="body", id_column="id")
    docs = corpus.documents
    assert list(docs["doc_id"]) == ["a1", "a3"]
    assert docs["date"].iloc[1] == pd.Timestamp("2020-03-04 08:00:00")   # converted to UTC
    assert docs["text"].iloc[1] == 'With a time, and a "quote".'
    assert list(docs["source"]) == ["Reuters", "CNN"]
    problems = corpus.problems
    assert list(zip(problems["line"], problems["problem"])) == [
        (3, "impossible date"), (5, "empty text"), (6, "duplicate id")]
    assert format_problems(problems)[0] == "export.csv:3: impossible date '2020-02-30' in column 'published'"


def test_csv_export_without_the_text_column(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("date,content\n2020-01-01,x\n")
    with pytest.raises(CorpusError, match="no 'text' column"):
        read_corpus(export)


def test_jsonl_export(tmp_path):
    export = tmp_path / "news.jsonl"
    lines = [json.dumps({"date": "2020-01-02", "text": "One.", "url": "http://a"}), "{broken",
             json.dumps([1, 2]), json.dumps({"date": "2020-01-03"}), "",
             json.dumps({"date": "2020-01-04", "text": "Two."})]
    export.write_text("\n".join(lines) + "\n")
    corpus = read_corpus(export)
    assert list(corpus.documents["doc_id"]) == ["news-000001", "news-000006"]
    assert corpus.documents["url"].iloc[0] == "http://a"
    assert list(zip(corpus.problems["line"], corpus.problems["problem"])) == [
        (2, "malformed JSON"), (3, "malformed JSON"), (4, "missing column")]


def test_export_ids_cannot_be_paths(tmp_path):
    export = tmp_path / "e.csv"
    export.write_text("id,date,text\n../../etc/passwd,2020-01-01,Hello.\nok,2020-01-01,Fine.\n")
    corpus = read_corpus(export, id_column="id")
    assert list(corpus.documents["doc_id"]) == ["ok"]
    assert list(corpus.problems["problem"]) == ["bad id"]


@pytest.mark.skipif(not (REPO.parent / "shared/corpora/timeline17_mideast").is_dir(), reason="needs ../shared")
def test_timeline17_loads_every_article_without_problems():
    corpus = read_corpus(REPO.parent / "shared/corpora/timeline17_mideast")
    assert len(corpus.documents) == 2034
    assert corpus.documents["date"].min() == pd.Timestamp("2005-01-04")
    assert corpus.documents["date"].max() == pd.Timestamp("2012-08-15")
    assert corpus.problems.empty
