"""Faults while annotating: killed runs, two runs at once, files changing, a full or read-only disk.

The promise (``toolkit/annotate.py``): shards are written under temporary names and renamed into
place, the manifest is replaced atomically last, and the cache is locked while it is written. So
whatever happens to a run, the cache either reads as the last complete run or refuses to read
(``CacheError``), and the next run gives exactly the tables of a clean run.

Kills are real ``SIGKILL``s of a separate process. Most runs are processes forked from the test
(fast: toolkit is already imported) that kill themselves at a chosen step: half-way through
writing a shard, before or after renaming a shard into place, half-way through the manifest,
before its rename, in the middle of sweeping old shards; others are killed by the test after a
seeded random delay, and a few are the real ``python -m toolkit annotate`` command killed at a
random time. Every kill is followed by the same checks.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO
from toolkit import AnnotationSettings, Annotations, CacheError, annotate

annotate_module = importlib.import_module("toolkit.annotate")   # the package attribute is the function

SEED = 20261125
ACTORS = """actors:
  - id: TUR
    aliases: [Turkey, Turkish, Ankara]
  - id: RUS
    aliases: [Russia, Russian, Moscow]
  - id: SYR
    aliases: [Syria, Syrian, Damascus]
"""
WORDS = ("the talks went on while troops moved north and aid groups asked for calm as the border "
         "stayed closed good bad hope fear ceasefire attack").split()
NAMES = ["Turkey", "Russia", "Syria", "Ankara", "Moscow", "Damascus", "Turkish", "Russian"]


def article(rng: random.Random, i: int, *, actors=True) -> str:
    sentences = []
    for _ in range(rng.randint(4, 9)):
        words = rng.choices(WORDS, k=rng.randint(5, 14))
        if actors:
            words.insert(rng.randrange(len(words)), rng.choice(NAMES))
        sentences.append(" ".join(words).capitalize() + ".")
    paragraphs = [" ".join(sentences[j:j + 3]) for j in range(0, len(sentences), 3)]
    return f"date 2020-{1 + i % 12:02d}-{1 + i % 28:02d}\n" + "\n\n".join(paragraphs) + f" Item {i}.\n"


def write_versions(root: Path):
    """Two versions of a 24-article corpus: v2 changes 3 articles, adds 2 and removes 1."""
    rng = random.Random(SEED)
    v1 = {f"{i:03d}.txt": article(rng, i, actors=i % 7 != 3) for i in range(24)}
    v2 = dict(v1)
    for i in (2, 9, 17):
        v2[f"{i:03d}.txt"] = article(rng, 100 + i)
    v2["024.txt"] = article(rng, 24)
    v2["025.txt"] = article(rng, 25, actors=False)
    del v2["011.txt"]
    folders = {}
    for name, files in (("v1", v1), ("v2", v2)):
        folder = root / name
        folder.mkdir(parents=True)
        for file, text in files.items():
            (folder / file).write_text(text, encoding="utf-8")
        folders[name] = folder
    (root / "actors.yml").write_text(ACTORS, encoding="utf-8")
    return folders, root / "actors.yml"


def settings_for(actors: Path) -> AnnotationSettings:
    # small batches: about a dozen shards per table, so kills land between and inside them
    return AnnotationSettings(actors=str(actors), scorers=("vader",), batch_chars=1500)


def read_all(cache: Path) -> dict:
    ann = Annotations(cache)
    return {name: ann.read(name) for name in ann.manifest["tables"]}


def assert_same(cache: Path, clean: dict):
    got = read_all(cache)
    assert sorted(got) == sorted(clean)
    for name, frame in clean.items():
        pd.testing.assert_frame_equal(got[name], frame, obj=name)


def assert_no_leftovers(cache: Path):
    """After a successful run only the listed shards (and the lock and manifest) remain."""
    manifest = json.loads((cache / "manifest.json").read_text())
    for folder in cache.iterdir():
        if folder.is_dir():
            listed = set(manifest["tables"].get(folder.name.removesuffix(".parquet"), {}).get("shards", {}))
            assert {p.name for p in folder.iterdir()} <= listed, f"leftover files in {folder.name}"
    assert not list(cache.glob("_tmp-*")) or (cache / "manifest.json").exists()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Corpus versions, the dictionary, and the tables of clean runs on each version."""
    root = tmp_path_factory.mktemp("faults")
    folders, actors = write_versions(root)
    settings = settings_for(actors)
    clean = {}
    for name, folder in folders.items():
        annotate(folder, root / f"clean-{name}", settings=settings, workers=1)
        clean[name] = read_all(root / f"clean-{name}")
    return {"root": root, "folders": folders, "actors": actors, "settings": settings, "clean": clean}


# ---------------------------------------------------------------------------------------------
# killing a forked run at a chosen step


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(step: str, k: int):
    """In the child: SIGKILL this process at the k-th occurrence of ``step``."""
    calls = [0]

    def hit():
        calls[0] += 1
        return calls[0] == k

    pq = annotate_module.pq
    if step == "shard half-written":
        real_write = pq.write_table

        def write_table(table, where, *args, **kwargs):
            real_write(table, where, *args, **kwargs)
            if hit():
                os.truncate(where, os.path.getsize(where) // 2)
                _die()
        pq.write_table = write_table
    elif step in ("before a rename", "after a rename", "before the manifest rename"):
        real_replace = os.replace

        def replace(src, dst, *args, **kwargs):
            manifest = str(dst).endswith("manifest.json")
            counted = manifest if step == "before the manifest rename" else not manifest
            if counted and step != "after a rename" and hit():
                _die()
            real_replace(src, dst, *args, **kwargs)
            if counted and step == "after a rename" and hit():
                _die()
        os.replace = replace
    elif step == "manifest half-written":
        # the manifest is encoded (json.dumps), written, flushed, then fsynced: at the fsync of
        # the manifest's text, cut the temporary file to half its length and die
        real_dumps, real_fsync = json.dumps, os.fsync
        armed = [False]

        def dumps(obj, *args, **kwargs):
            text = real_dumps(obj, *args, **kwargs)
            if isinstance(obj, dict) and "tables" in obj and "complete" in obj:
                armed[0] = True
            return text

        def fsync(fd):
            if armed[0]:
                os.ftruncate(fd, os.fstat(fd).st_size // 2)
                _die()
            return real_fsync(fd)
        json.dumps, os.fsync = dumps, fsync
    elif step == "during the sweep":
        real_unlink = pathlib.Path.unlink

        def unlink(self, *args, **kwargs):
            if hit():
                _die()
            return real_unlink(self, *args, **kwargs)
        pathlib.Path.unlink = unlink
    elif step != "timer":
        raise ValueError(step)


def fork_annotate(folder, cache, settings, *, step="timer", k=1, delay=None, hold=0.0, log=None) -> tuple:
    """Run annotate in a forked process; returns (how it ended, seconds).

    ``step``/``k``: the child kills itself there. ``delay``: the parent kills it after that many
    seconds. ``hold``: the child sleeps this long inside its first batch (to overlap two runs).
    """
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 0
        try:
            out = os.open(log or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(out, 1)
            os.dup2(out, 2)
            sys.stdout = sys.stderr = open(out, "w", closefd=False)   # not pytest's capture
            _arm(step, k)
            if hold:
                real = annotate_module.annotate_batch

                def slow(*args, **kwargs):
                    if hold not in slept:                  # once, in the first batch
                        slept.append(hold)
                        time.sleep(hold)
                    return real(*args, **kwargs)
                slept = []
                annotate_module.annotate_batch = slow
            annotate(folder, cache, settings=settings, workers=1)
        except BaseException as err:  # noqa: BLE001 - report through the exit status
            with contextlib.suppress(Exception):
                print(f"child failed: {type(err).__name__}: {err}", flush=True)
            code = 3
        os._exit(code)
    if delay is not None:
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    seconds = time.monotonic() - started
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}", seconds
    return f"exit {os.WEXITSTATUS(status)}", seconds


def count_steps(world, scenario) -> dict:
    """How often each step happens in a clean run of the scenario (to aim the kills)."""
    counts = {"shard half-written": 0, "before a rename": 0, "during the sweep": 0}
    cache = prepare(world, scenario, world["root"] / f"count-{scenario}")
    real_write, real_replace, real_unlink = annotate_module.pq.write_table, os.replace, pathlib.Path.unlink

    def write_table(*args, **kwargs):
        counts["shard half-written"] += 1
        return real_write(*args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        counts["before a rename"] += not str(dst).endswith("manifest.json")
        return real_replace(src, dst, *args, **kwargs)

    def unlink(self, *args, **kwargs):
        counts["during the sweep"] += "parquet" in str(self)
        return real_unlink(self, *args, **kwargs)

    try:
        annotate_module.pq.write_table, os.replace, pathlib.Path.unlink = write_table, replace, unlink
        annotate(target(world, scenario), cache, settings=world["settings"], workers=1)
    finally:
        annotate_module.pq.write_table, os.replace, pathlib.Path.unlink = real_write, real_replace, real_unlink
    counts["after a rename"] = counts["before a rename"]
    return counts


def prepare(world, scenario, cache: Path) -> Path:
    """An empty cache ("cold"), or a complete cache of v1 about to be updated to v2 ("update")."""
    shutil.rmtree(cache, ignore_errors=True)
    if scenario == "update":
        shutil.copytree(world["root"] / "clean-v1", cache)
    return cache


def target(world, scenario) -> Path:
    return world["folders"]["v1" if scenario == "cold" else "v2"]


def check_after_kill(world, scenario, cache: Path, what: str):
    """The killed cache reads as a complete run (v1 before the update, or the target) or not at all;
    the next run equals a clean run and leaves nothing behind."""
    try:
        got = read_all(cache)
    except CacheError:
        got = None
    if got is not None:
        versions = ["v1", "v2"] if scenario == "update" else ["v1"]
        matches = []
        for version in versions:
            clean = world["clean"][version]
            if sorted(got) == sorted(clean) and all(got[n].equals(clean[n]) for n in clean):
                matches.append(version)
        assert matches, f"{what}: the killed cache reads as valid but equals no complete run"
    annotate(target(world, scenario), cache, settings=world["settings"], workers=1)
    assert_same(cache, world["clean"]["v1" if scenario == "cold" else "v2"])
    assert_no_leftovers(cache)
    return f"read as the complete {'/'.join(matches)} run" if got is not None else "refused (CacheError)"


STEPS = ["shard half-written", "before a rename", "after a rename", "manifest half-written",
         "before the manifest rename", "during the sweep", "timer"]


def test_sigkill_at_chosen_steps_and_random_times(world):
    """24 forked runs killed (12 cold, 12 updating a v1 cache to v2), then rerun: equal to a clean run."""
    rng = random.Random(SEED)
    counts = {s: count_steps(world, s) for s in ("cold", "update")}
    clean_seconds = {}
    for scenario in ("cold", "update"):
        cache = prepare(world, scenario, world["root"] / "timing")
        ended, seconds = fork_annotate(target(world, scenario), cache, world["settings"])
        assert ended == "exit 0"
        clean_seconds[scenario] = seconds
    runs = []
    for i in range(24):
        scenario = ("cold", "update")[i % 2]
        step = STEPS[(i // 2) % len(STEPS)] if i < 2 * len(STEPS) else rng.choice(STEPS)
        if step == "during the sweep" and scenario == "cold":
            scenario = "update"                  # a cold run has nothing to sweep
        n = counts[scenario].get(step, 1)
        k = rng.randint(1, max(n, 1))
        delay = rng.uniform(0.05, 0.7 * clean_seconds[scenario]) if step == "timer" else None
        cache = prepare(world, scenario, world["root"] / f"kill-{i:02d}")
        ended, _ = fork_annotate(target(world, scenario), cache, world["settings"], step=step, k=k, delay=delay)
        if step != "timer":
            assert ended == "killed by signal 9", f"run {i} ({scenario}, {step} #{k}/{n}) was not killed: {ended}"
        state = check_after_kill(world, scenario, cache, f"run {i} ({scenario}, {step} #{k})")
        runs.append((i, scenario, step, k, ended, state))
    print("\n".join(f"run {i:2d}: {sc:6s} {st:27s} #{k:<3d} {e:18s} -> {s}" for i, sc, st, k, e, s in runs))
    killed = [r for r in runs if r[4] == "killed by signal 9"]
    assert len(killed) >= 20, runs


def test_sigkill_of_the_command_line(world, tmp_path):
    """The real command (``python -m toolkit annotate``), killed at seeded random times, then rerun."""
    rng = random.Random(SEED + 1)
    folder, actors = world["folders"]["v1"], world["actors"]
    command = [sys.executable, "-m", "toolkit", "annotate", str(folder), "--actors", str(actors),
               "--scorer", "vader", "--workers", "1"]
    started = time.monotonic()
    subprocess.run(command + ["--out", str(tmp_path / "clean")], cwd=REPO, check=True, capture_output=True)
    seconds = time.monotonic() - started
    clean = read_all(tmp_path / "clean")
    for i in range(2):
        cache = tmp_path / f"cli-{i}"
        proc = subprocess.Popen(command + ["--out", str(cache)], cwd=REPO, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4 * seconds, seconds))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        try:
            got = read_all(cache)
            for name, frame in clean.items():
                pd.testing.assert_frame_equal(got[name], frame, obj=name)
        except CacheError:
            pass
        rerun = subprocess.run(command + ["--out", str(cache)], cwd=REPO, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        got = read_all(cache)
        for name, frame in clean.items():
            pd.testing.assert_frame_equal(got[name], frame, obj=name)
        assert_no_leftovers(cache)


def test_leftovers_of_a_killed_run_are_swept_even_when_nothing_changed(world, tmp_path):
    """A kill after the manifest was committed leaves unlisted shards and temporary files; the next
    run sweeps them even when it finds the cache up to date and annotates nothing."""
    cache = tmp_path / "cache"
    annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
    stray = [cache / "tokens.parquet" / "part-0123456789abcdef.parquet",
             cache / "mentions.parquet" / "_tmp-99999-part-0123456789abcdef.parquet"]
    for path in stray:
        path.write_bytes(b"PAR1 half a shard")
    ann = annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
    assert ann.manifest["annotated"] == 0
    assert not any(path.exists() for path in stray)
    assert_same(cache, world["clean"]["v1"])
    assert_no_leftovers(cache)


# ---------------------------------------------------------------------------------------------
# two runs at once


def test_a_second_run_waits_for_the_first(world, tmp_path):
    """Two processes annotate the same cache at once: one waits for the other's lock (and says so),
    both finish, and the cache equals a clean run."""
    cache = tmp_path / "cache"
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    folder = world["folders"]["v1"]
    first = os.fork()
    if first == 0:
        ended, _ = fork_annotate(folder, cache, world["settings"], hold=1.5, log=logs[0])
        os._exit(0 if ended == "exit 0" else 1)
    time.sleep(0.5)                                  # the first holds the lock by now (it sleeps 1.5 s in it)
    ended, _ = fork_annotate(folder, cache, world["settings"], log=logs[1])
    _, status = os.waitpid(first, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, logs[0].read_text()
    assert ended == "exit 0", logs[1].read_text()
    said = logs[0].read_text() + logs[1].read_text()     # whichever got the lock second waited
    assert said.count("waiting: another annotate run is writing") == 1, said
    assert_same(cache, world["clean"]["v1"])
    assert_no_leftovers(cache)


def test_a_run_that_cannot_get_the_lock_refuses_clearly(world, tmp_path):
    cache = tmp_path / "cache"
    annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
    with open(cache / ".lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(CacheError, match="another annotate run holds the cache lock") as err:
            annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1, lock_wait=0.3)
        assert err.value.file == str(cache)
        assert_same(cache, world["clean"]["v1"])     # untouched
    annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1)
    assert_same(cache, world["clean"]["v2"])


# ---------------------------------------------------------------------------------------------
# corpus files that change during a run


def test_a_file_changed_while_annotating_is_caught(world, tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    shutil.copytree(world["folders"]["v1"], folder)
    real = annotate_module.annotate_batch
    changed = folder / "005.txt"

    def change_then_annotate(*args, **kwargs):
        if not changed.read_text().endswith("Edited.\n"):
            changed.write_text(changed.read_text() + "Edited.\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(annotate_module, "annotate_batch", change_then_annotate)
    with pytest.raises(CacheError, match="changed while it was being annotated") as err:
        annotate(folder, tmp_path / "cache", settings=world["settings"], workers=1)
    assert err.value.file == str(changed)
    monkeypatch.setattr(annotate_module, "annotate_batch", real)
    Annotations(tmp_path / "cache")                  # a complete cache of what was read
    ann = annotate(folder, tmp_path / "cache", settings=world["settings"], workers=1)
    assert ann.manifest["annotated"] >= 1            # the edited article is annotated again
    assert ann.documents.set_index("doc_id").loc["005", "text"].endswith("Edited.")


def test_a_file_changed_while_reading_is_caught(world, tmp_path, monkeypatch):
    """A file rewritten after it was read but before annotate looked at it again."""
    folder = tmp_path / "corpus"
    shutil.copytree(world["folders"]["v1"], folder)
    corpus_module = importlib.import_module("toolkit.corpus")
    real = corpus_module.parse_article
    changed = folder / "003.txt"

    def parse_then_change(raw, *, name, **kwargs):
        result = real(raw, name=name, **kwargs)
        if name == "003.txt":
            time.sleep(0.01)
            changed.write_text(changed.read_text() + "Edited while reading.\n")
        return result

    monkeypatch.setattr(corpus_module, "parse_article", parse_then_change)
    with pytest.raises(CacheError, match="changed while it was being annotated") as err:
        annotate(folder, tmp_path / "cache", settings=world["settings"], workers=1)
    assert err.value.file == str(changed)


# ---------------------------------------------------------------------------------------------
# a full disk, a read-only folder


def _mount(*args) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path):
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_full_disk_gives_a_cache_error_and_keeps_the_cache(world, tmp_path):
    """A real 1 MB tmpfs (root only; skipped where mounting is not allowed, the simulated test
    below always runs): the v1 cache fits, the update with a large new article does not."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)):
        pytest.skip("cannot mount a tmpfs here (needs root); see the simulated full-disk test")
    try:
        cache = disk / "cache"
        annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
        folder = tmp_path / "corpus"
        shutil.copytree(world["folders"]["v1"], folder)
        rng = random.Random(SEED)
        big = " ".join(f"{rng.choice(WORDS)}{rng.randrange(10**6)}" for _ in range(150_000))
        (folder / "999.txt").write_text("date 2020-05-05\n" + big + ".\n")
        with pytest.raises(CacheError, match="No space left on device") as err:
            annotate(folder, cache, settings=world["settings"], workers=1)
        assert err.value.file == str(cache)
        assert_same(cache, world["clean"]["v1"])
    finally:
        _umount(disk)


@pytest.mark.parametrize("where", ["shard", "manifest"])
def test_a_full_disk_simulated(world, tmp_path, monkeypatch, where):
    """ENOSPC from the Parquet writer (third shard) or from the manifest's fsync."""
    cache = tmp_path / "cache"
    annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
    calls = []
    if where == "shard":
        real = annotate_module.pq.write_table

        def write_table(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)
        monkeypatch.setattr(annotate_module.pq, "write_table", write_table)
    else:
        def fsync(fd):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(annotate_module.os, "fsync", fsync)
    with pytest.raises(CacheError, match="cannot write the cache: No space left on device") as err:
        annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1)
    assert err.value.file == str(cache)
    assert_same(cache, world["clean"]["v1"])         # the previous cache still reads, unchanged
    monkeypatch.undo()
    annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1)
    assert_same(cache, world["clean"]["v2"])
    assert_no_leftovers(cache)


def test_a_read_only_cache_folder(world, tmp_path):
    """A real read-only bind mount (root only; skipped elsewhere, the simulated test always runs)."""
    cache = tmp_path / "cache"
    annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)
    if not _mount("--bind", str(cache), str(cache)):
        pytest.skip("cannot bind-mount here (needs root); see the simulated read-only test")
    try:
        if not _mount("-o", "remount,ro,bind", str(cache)):
            pytest.skip("cannot remount read-only here")
        with pytest.raises(CacheError, match="Read-only file system") as err:
            annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1)
        assert err.value.file == str(cache)
        assert_same(cache, world["clean"]["v1"])
        annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)   # up to date: reads
    finally:
        _umount(cache)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES])
def test_a_read_only_cache_folder_simulated(world, tmp_path, monkeypatch, code):
    """Opening the lock file fails as in a read-only or forbidden folder (root ignores chmod): a
    changed corpus is a CacheError, an unchanged one reads the cache as it is."""
    cache = tmp_path / "cache"
    annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)

    def refuse(path, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(path))
    monkeypatch.setattr(annotate_module, "open", refuse, raising=False)
    with pytest.raises(CacheError, match=os.strerror(code)) as err:
        annotate(world["folders"]["v2"], cache, settings=world["settings"], workers=1)
    assert err.value.file == str(cache)
    ann = annotate(world["folders"]["v1"], cache, settings=world["settings"], workers=1)   # up to date
    assert ann.manifest["documents"] == 24
    monkeypatch.undo()
    assert_same(cache, world["clean"]["v1"])
