"""Memory settings of the toolkit's own processes: freed memory kept for the next batch.

Annotation and the notebooks make and drop arrays of tens to hundreds of megabytes again and
again. With the allocators' defaults the operating system hands out fresh memory each time, and
on these machines (a virtual machine, where a fresh page costs more than on bare metal) that
costs more than much of the work on it:

* Arrow's default allocator in pyarrow 26, mimalloc, returns freed memory to the system after
  10 ms, and the next table faults it in again. Its jemalloc pool keeps freed pages for a second
  (Arrow's decay setting) and then returns them.
* glibc's malloc starts by giving every block over 128 KB a mapping of its own, unmapped when it
  is freed, and trims the heap whenever 256 KB at its top are free; it raises both thresholds
  only as it sees large blocks freed (to at most 32 and 64 MB).
* numpy asks for transparent huge pages for every large array; where the kernel compacts memory
  to find them (``defrag`` set to ``madvise``, the default of many distributions) a fresh 500 MB
  array took 0.71 s instead of 0.20 s.

:func:`keep_freed_memory` (the command line, at its start, and each worker process of the local
engine) takes Arrow's jemalloc pool and sets glibc's thresholds at once to those bounds: blocks
up to 32 MB come from the heap and are reused, larger ones are still mapped and unmapped, and the
heap keeps at most 64 MB free at its top. Memory stays bounded. Two settings that were as quick
were not: Arrow's *system* pool (malloc) took the peak of one worker at 100,000 articles from
1.12 to 3.83 GB (glibc's per-thread arenas keep what Arrow's threads freed), and not mapping any
block and never trimming as well (what a report's kernels do, below) to 3.78 GB (4.94 GB on both
cores). Measured on timeline17 (``python -m toolkit annotate``, 2026-12-06, runs alternated in
the same hour): one worker 5.8-6.4 s with the defaults, 5.6-5.7 s with these settings (sys time
0.5-0.9 s to 0.3 s); both cores 3.8 s to 3.5 s (sys 0.95 s to 0.45 s). glibc's thresholds alone
(at 100,000 articles: 1.14 GB) gave 5.7-5.9 s and 3.5-3.6 s.

At its end the command line does not free what it holds either (:func:`exit_without_freeing`):
Python's teardown of pandas, pyarrow and numpy took 0.08-0.10 s after every command.

A report's kernels (:data:`ENVIRONMENT`, passed by :func:`environment` before they start) take
Arrow's system pool, leave huge pages off, and never map or trim: a kernel ends with its
notebook, and the notebooks at 100,000 articles spent 41 of their 150 CPU seconds faulting in
fresh memory before (03: 27.2 s to 17.2 s). A notebook's own kernel and a user's Python session
are left as they are, and a setting the environment already makes is kept.
"""

from __future__ import annotations

import os
import sys

__all__ = ["ENVIRONMENT", "environment", "exit_without_freeing", "keep_freed_memory"]

ENVIRONMENT = {
    "NUMPY_MADVISE_HUGEPAGE": "0",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_MMAP_MAX_": "0",
    "MALLOC_TRIM_THRESHOLD_": "100000000000",
}
"""The settings of a report's kernels, as environment variables (read when a process starts)."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3   # mallopt parameters (glibc's malloc.h)
_HEAP_BLOCK, _HEAP_TOP = 32 << 20, 64 << 20
_APPLIED: list = []


def environment(env=None) -> dict:
    """The environment for a process the toolkit starts: ``env`` (default: this process's), with
    the settings of :data:`ENVIRONMENT` added where it does not say otherwise.

    Parameters
    ----------
    env : mapping, optional
        The environment to start from.

    Returns
    -------
    dict
        A new environment (``env`` is not changed).

    Examples
    --------
    >>> environment({"PATH": "/bin", "MALLOC_MMAP_MAX_": "8"})["MALLOC_MMAP_MAX_"]
    '8'
    """
    env = dict(os.environ if env is None else env)
    for name, value in ENVIRONMENT.items():
        env.setdefault(name, value)
    return env


def keep_freed_memory() -> list:
    """Apply the settings to this running process, where they can still be applied.

    Arrow's default pool becomes its jemalloc pool, where pyarrow has one (unless
    ``ARROW_DEFAULT_MEMORY_POOL`` is set); glibc's malloc takes blocks up to 32 MB from its heap
    and keeps up to 64 MB free at the top (unless a ``MALLOC_MMAP_THRESHOLD_``,
    ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_MAX_`` is set; only where the C library is glibc).
    Huge pages are decided when numpy is imported, so they stay as they are. Call it only in a
    process the toolkit owns.

    Returns
    -------
    list of str
        What was applied in this process so far (``"arrow"``, ``"malloc"``); a second call
        applies nothing new.
    """
    if "arrow" not in _APPLIED and "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        import pyarrow as pa

        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
            _APPLIED.append("arrow")
        except NotImplementedError:   # a pyarrow built without jemalloc
            pass
    if ("malloc" not in _APPLIED and sys.platform.startswith("linux")
            and not {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_MAX_"} & set(os.environ)):
        import ctypes
        import platform

        if platform.libc_ver()[0] == "glibc":
            libc = ctypes.CDLL(None)
            if libc.mallopt(_M_MMAP_THRESHOLD, _HEAP_BLOCK) and libc.mallopt(_M_TRIM_THRESHOLD, _HEAP_TOP):
                _APPLIED.append("malloc")
    return list(_APPLIED)


def exit_without_freeing(status=0):
    """End this process as ``sys.exit(status)`` would, without freeing every object first.

    The ``atexit`` handlers run (multiprocessing's, logging's, a Dask client's close) and the
    output is flushed; what is skipped is Python's teardown of every module and object, which the
    operating system makes unnecessary: 0.08-0.10 s with pandas and pyarrow loaded (timeline17 on
    both cores: 3.5 s, so 3% of a run). mypy ends the same way (``mypy.util.hard_exit``). When
    another thread is still running, Python would wait for it: then this is ``sys.exit``. Call it
    only where the process is the toolkit's own (``python -m toolkit``).

    Parameters
    ----------
    status : int or None
        The exit status (``None``: 0).
    """
    import atexit
    import threading

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if threading.active_count() > 1 or run_handlers is None:
        sys.exit(status)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):   # closed, or no stream
            pass
    os._exit(status or 0)
