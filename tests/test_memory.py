"""Memory settings of the toolkit's own processes (toolkit._memory)."""

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from toolkit._memory import ENVIRONMENT, environment
from toolkit.engines import LocalEngine

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
UNSET = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}


def _python(code: str, env=None) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=UNSET if env is None else env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_environment_adds_what_is_not_set_and_keeps_the_rest():
    assert environment({"PATH": "/bin"}) == {"PATH": "/bin", "NUMPY_MADVISE_HUGEPAGE": "0",
                                             "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_MAX_": "0",
                                             "MALLOC_TRIM_THRESHOLD_": "100000000000"}
    mine = {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}
    assert environment(mine)["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    assert mine == {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"}   # not changed


@pytest.mark.skipif(not GLIBC, reason="the malloc settings are glibc's")
def test_keep_freed_memory_applies_arrow_and_malloc_once():
    # after the settings a 16 MB block comes from the heap (glibc's starting threshold maps every
    # block over 128 KB), a 40 MB block still gets a mapping of its own (hblkhd: mapped bytes)
    out = _python("""
        import ctypes
        import pyarrow as pa
        from toolkit._memory import keep_freed_memory

        class Info(ctypes.Structure):
            _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                        "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = Info
        libc.malloc.restype = ctypes.c_void_p
        libc.free.argtypes = [ctypes.c_void_p]

        def mapped(megabytes):
            before = libc.mallinfo2().hblkhd
            block = libc.malloc(megabytes << 20)
            grew = libc.mallinfo2().hblkhd - before >= megabytes << 20
            libc.free(block)
            return grew

        pool = pa.default_memory_pool().backend_name
        first = keep_freed_memory()   # (these machines' pyarrow has jemalloc)
        print(pool, first, keep_freed_memory(), pa.default_memory_pool().backend_name, mapped(16), mapped(40))
    """)
    assert out == "mimalloc ['arrow', 'malloc'] ['arrow', 'malloc'] jemalloc False True"


def test_a_setting_in_the_environment_is_left_alone():
    code = """
        import pyarrow as pa
        from toolkit._memory import keep_freed_memory
        print(keep_freed_memory(), pa.default_memory_pool().backend_name)
    """
    out = _python(code, env={**UNSET, "ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_MAX_": "8"})
    assert out == "[] system"


def _pool_and_pid(_):
    import pyarrow as pa

    return pa.default_memory_pool().backend_name, os.getpid()


@pytest.mark.skipif("ARROW_DEFAULT_MEMORY_POOL" in os.environ, reason="the environment chooses Arrow's pool")
def test_forked_workers_take_the_settings_and_are_kept_inside_with():
    engine = LocalEngine(2)
    with engine:
        first = engine.run(_pool_and_pid, range(8))
        second = engine.run(_pool_and_pid, range(8))
    assert {name for name, _ in first + second} == {"jemalloc"}
    pids = {pid for _, pid in first + second}
    assert len(pids) <= 2 and os.getpid() not in pids    # the same two workers for both runs
    for pid in pids:  # and they ended with the block
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    third = {pid for _, pid in engine.run(_pool_and_pid, range(8))}
    assert not third & pids    # outside a with block, every run forks its own workers


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=UNSET, timeout=120)


def test_exit_without_freeing_runs_the_exit_handlers_and_skips_the_teardown():
    # the print without a newline is still in stdout's buffer; an object's __del__ would run when
    # Python tears its module down, which is the step skipped
    done = _run("""
        import atexit, sys
        from toolkit._memory import exit_without_freeing

        class Held:
            def __del__(self):
                print("freed")

        held = Held()
        atexit.register(print, "handler")
        print("buffered", end=" ")
        exit_without_freeing(3)
    """)
    assert (done.returncode, done.stdout) == (3, "buffered handler\n")


def test_exit_without_freeing_waits_for_a_running_thread_as_sys_exit_does():
    done = _run("""
        import threading, time
        from toolkit._memory import exit_without_freeing

        threading.Thread(target=lambda: (time.sleep(0.2), print("thread done"))).start()
        exit_without_freeing(None)
    """)
    assert (done.returncode, done.stdout) == (0, "thread done\n")
