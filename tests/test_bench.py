"""The benchmark still runs against the package (bench/run.py imports some of its internals).

Speed is measured by the benchmark itself, never here: this runs its stage harness and its timed
command on small corpora written for the test, and checks what they counted and how runs are
summarised.
"""

import importlib.util
import json

import pytest

from conftest import REPO, write_article


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    return run


def test_stage_harness_runs_on_a_small_corpus(tmp_path):
    run = _load_bench()
    folder = tmp_path / "corpus"
    write_article(folder, "001.txt", "date 2020-01-15\nTurkey warned Russia. Ankara sent troops to Syria.")
    write_article(folder, "002.txt", "date 2020-01-20\nRussia denied it.")
    texts = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(folder.glob("*.txt"))]
    assert run.count_words(texts) == 11          # 8 + 3 words with a letter
    measured = run.measure_stages(folder, str(REPO / "corpus" / "actors.yml"), 11)
    assert measured["documents"] == 2
    # sentences: 2 + 1; tokens: 8 words + 2 full stops, 3 words + 1 full stop
    assert measured["counts"]["sentences"] == 3 and measured["counts"]["tokens"] == 14
    assert set(measured["stages"]) == {"load", "hygiene", "sentences", "tokens", "mentions", "sentiment"}


def test_repeated_runs_report_the_median_run_and_every_time():
    run = _load_bench()
    runs = [{"wall": 3.0, "cpu": 3.1}, {"wall": 2.0, "cpu": 2.2}, {"wall": 4.0, "cpu": 4.0}]
    assert run.median_run(runs) == {"wall": 3.0, "cpu": 3.1, "runs": [3.0, 2.0, 4.0], "range": (2.0, 4.0)}
    # an even number: the lower of the two middle runs (2.0 of 1.0, 2.0, 5.0, 6.0)
    assert run.median_run([{"wall": w} for w in (6.0, 1.0, 5.0, 2.0)])["wall"] == 2.0
    assert run.median_run([{"wall": 7.0}])["range"] == (7.0, 7.0)


def test_in_session_times_the_command_after_its_imports(tmp_path):
    run = _load_bench()
    command = run.annotate_args("corpus", "cache", "actors.yml", workers=1)
    timed = run.in_session(command)
    assert timed[:2] == [run.PYTHON, "-c"] and timed[3:] == ["annotate", "corpus", "--out", "cache",
                                                             "--actors", "actors.yml", "--workers", "1"]
    parsed = run.session_seconds({"wall": 3.5, "cpu": 6.0, "stdout": '2 articles\n{"in_session_s": 2.25}'})
    assert (parsed["wall"], parsed["process_wall"], parsed["cpu"]) == (2.25, 3.5, 6.0)
    with pytest.raises(ValueError, match="not a toolkit command"):
        run.in_session(["python", "script.py"])
    # the script runs the command line itself: two articles annotated, its time printed last
    folder = tmp_path / "corpus"
    write_article(folder, "001.txt", "date 2020-01-15\nTurkey warned Russia.")
    write_article(folder, "002.txt", "date 2020-01-20\nRussia denied it.")
    out = run.run_command(run.in_session(run.annotate_args(folder, tmp_path / "cache", str(REPO / "corpus" / "actors.yml"),
                                                           workers=1)))
    assert out["stdout"].splitlines()[0].startswith("2 articles (2 annotated, 0 from the cache)")
    assert 0 < run.session_seconds(out)["wall"] < out["wall"]


def test_cold_runs_start_from_no_cache_when_the_workdir_is_reused(tmp_path):
    run = _load_bench()
    folder = tmp_path / "corpus"
    write_article(folder, "001.txt", "date 2020-01-15\nTurkey warned Russia. Ankara sent troops to Syria.")
    write_article(folder, "002.txt", "date 2020-01-20\nRussia denied it.")
    work, report = tmp_path / "work", tmp_path / "bench.json"
    args = ["--corpus", str(folder), "--workdir", str(work), "--json", str(report),
            "--skip", "stages", "--skip", "single", "--skip", "baseline", "--skip", "no-hygiene", "--skip", "session"]
    for _ in range(2):   # the first run leaves its caches in the workdir
        assert run.main(args) == 0
        cold = json.loads(report.read_text())["end_to_end"]["cold_all"]["stdout"]
        assert cold.startswith("2 articles (2 annotated, 0 from the cache)")
    assert (work / "cache").is_dir()
