"""``python -m toolkit``: the command line (see :mod:`toolkit.cli`)."""

from ._memory import exit_without_freeing
from .cli import main

if __name__ == "__main__":
    exit_without_freeing(main())
