"""Memory settings of the toolkit's own processes: freed memory kept for the next batch.

Annotation and the notebooks make and drop arrays of tens to hundreds of megabytes again and
again. With the allocators' defaults the operating system hands out fresh memory each time, and
on these machines (a virtual machine, where a fresh page costs more than on bare metal) that
costs more than much of the work on it:

* Arrow's own allocator (mimalloc in pyarrow 26, jemalloc in older ones) returns freed memory to
  the system within seconds, and the next table faults it in again; Arrow's *system* pool
  allocates with malloc like numpy does.
* glibc's malloc gives every block over its mmap threshold (up to 32 MB) a mapping of its own and
  unmaps it when it is freed; with ``M_MMAP_MAX`` 0 and a high trim threshold it reuses the
  freed blocks. A process keeps the memory it used at its peak until it ends.
* numpy asks for transparent huge pages for every large array; where the kernel compacts memory
  to find them (``defrag`` set to ``madvise``, the default of many distributions) a fresh 500 MB
  array took 0.71 s instead of 0.20 s.

Measured (timeline17, ``python -m toolkit annotate``, 2026-12-06): one worker 5.8 s to 5.5 s (sys
time 0.51 s to 0.21 s), both cores 3.8 s to 3.3 s (sys 1.0 s to 0.45 s); the report's notebooks at
100,000 articles, 03 27.2 s to 17.2 s.

Only processes the toolkit owns get these settings: the command line (:func:`keep_freed_memory`
at its start), the worker processes of the local engine (the same, in each worker), and a
report's kernels (:func:`environment`, before they start). A notebook's own kernel and a user's
Python session are left as they are. A setting the environment already makes is kept.
"""

from __future__ import annotations

import os
import sys

__all__ = ["ENVIRONMENT", "environment", "keep_freed_memory"]

ENVIRONMENT = {
    "NUMPY_MADVISE_HUGEPAGE": "0",
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_MMAP_MAX_": "0",
    "MALLOC_TRIM_THRESHOLD_": "100000000000",
}
"""The settings as environment variables (read when a process starts)."""

_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4   # mallopt parameters (glibc's malloc.h)
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

    Arrow's default pool becomes the system pool (unless ``ARROW_DEFAULT_MEMORY_POOL`` is set);
    glibc's malloc stops mapping and trimming (unless a ``MALLOC_MMAP_MAX_`` or
    ``MALLOC_TRIM_THRESHOLD_`` is set; only where the C library is glibc). Huge pages are decided
    when numpy is imported, so they stay as they are. Call it only in a process the toolkit owns.

    Returns
    -------
    list of str
        What was applied in this process so far (``"arrow"``, ``"malloc"``); a second call
        applies nothing new.
    """
    if "arrow" not in _APPLIED and "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        import pyarrow as pa

        pa.set_memory_pool(pa.system_memory_pool())
        _APPLIED.append("arrow")
    if ("malloc" not in _APPLIED and sys.platform.startswith("linux")
            and not {"MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_"} & set(os.environ)):
        import ctypes
        import platform

        if platform.libc_ver()[0] == "glibc":
            libc = ctypes.CDLL(None)
            if libc.mallopt(_M_MMAP_MAX, 0) and libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1):
                _APPLIED.append("malloc")
    return list(_APPLIED)
