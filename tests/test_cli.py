"""The command line contract: check prints FILE: problem lines and exits 0/1/2; annotate writes tables."""

import subprocess
import sys

from conftest import REPO, write_article
from toolkit.cli import main


def test_check_a_clean_corpus_exits_0(small_corpus, capsys):
    assert main(["check", str(small_corpus)]) == 0
    assert capsys.readouterr().out == "3 articles loaded; 0 files not loaded; 0 warnings - no problems\n"


def test_check_prints_one_line_per_problem_and_exits_1(small_corpus, capsys):
    write_article(small_corpus, "101_x.txt", "date 2020-02-30\nText.")
    write_article(small_corpus, "102_y.txt", "Turkey said.")
    assert main(["check", str(small_corpus)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "101_x.txt: impossible date 2020-02-30",
        "102_y.txt: missing header: expected 'date YYYY-MM-DD', found 'Turkey said.'",
        "3 articles loaded; 2 files not loaded; 0 warnings",
    ]


def test_check_a_missing_corpus_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope")]) == 2
    assert "no such folder or file" in capsys.readouterr().err


def test_check_an_export_with_column_options(tmp_path, capsys):
    export = tmp_path / "e.csv"
    export.write_text("published,body\n2020-01-01,Hello.\n2020-13-01,Bad.\n")
    assert main(["check", str(export), "--date-column", "published", "--text-column", "body"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "e.csv:3: impossible date '2020-13-01' in column 'published'"


def test_annotate_writes_the_tables(small_corpus, tmp_path, capsys):
    out = tmp_path / "cache"
    assert main(["annotate", str(small_corpus), "--out", str(out), "--scorer", "none"]) == 0
    assert "3 articles (3 annotated, 0 from the cache)" in capsys.readouterr().out
    for table in ("documents", "sentences", "tokens", "problems"):
        assert (out / f"{table}.parquet").is_dir()
    assert main(["annotate", str(small_corpus), "--out", str(out), "--scorer", "none"]) == 0
    assert "3 articles (0 annotated, 3 from the cache)" in capsys.readouterr().out


def test_python_dash_m_toolkit_runs():
    result = subprocess.run([sys.executable, "-m", "toolkit", "check", str(REPO / "corpus")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.endswith("- no problems\n")
