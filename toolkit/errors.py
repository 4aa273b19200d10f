"""Errors the toolkit raises: each names the file and the problem.

Every error a user can cause with their own input (a corpus file, an export, an actor dictionary,
a lexicon, a cache folder) is a :class:`ToolkitError`, never a traceback from deep inside a
library. Code that calls the toolkit can catch that one class.
"""

from __future__ import annotations

__all__ = ["ToolkitError", "CorpusError", "DictionaryError", "LexiconError", "CacheError"]


class ToolkitError(Exception):
    """An input problem, with the file it is in and what is wrong.

    Parameters
    ----------
    file : str or path-like or None
        The file (or folder) at fault; ``None`` when there is no file.
    problem : str
        What is wrong, in words a researcher can act on.
    line : int, optional
        The 1-based line the problem is on, when known.

    Examples
    --------
    >>> str(ToolkitError("corpus/a.txt", "missing header", line=1))
    'corpus/a.txt:1: missing header'
    """

    def __init__(self, file, problem: str, *, line: int | None = None):
        self.file = None if file is None else str(file)
        self.problem = problem
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.problem}"

    def __reduce__(self):  # picklable across worker processes
        return (_rebuild, (type(self), self.file, self.problem, self.line))


def _rebuild(cls, file, problem, line):
    return cls(file, problem, line=line)


class CorpusError(ToolkitError):
    """A corpus folder, article file or export cannot be read."""


class DictionaryError(ToolkitError):
    """An actor dictionary is malformed (duplicate id, alias claimed twice, ...)."""


class LexiconError(ToolkitError):
    """A sentiment lexicon file is malformed."""


class CacheError(ToolkitError):
    """An annotation cache is missing, incomplete, locked or unwritable."""
