"""The package itself: ``import toolkit`` is light (issue 9).

Every ``python -m toolkit annotate`` imports the package first, so the heavy third-party
libraries (scipy.stats, matplotlib, seaborn, networkx, the notebook stack) must be imported by
the functions that use them, not at import time (house rule 6: no work at import time).
"""

import ast
import subprocess
import sys

from conftest import REPO

# Libraries that cost tens to hundreds of milliseconds to import and that no import-time code needs.
HEAVY = ("scipy", "matplotlib", "seaborn", "networkx", "ipywidgets", "papermill",
         "IPython", "nbconvert", "nbclient", "datasketch", "dask", "torch")


def _loaded_after(code: str) -> list:
    """The HEAVY modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])  # the probe prints a list of names


def test_import_toolkit_loads_no_heavy_library():
    # A fresh interpreter that only runs `import toolkit` has none of the HEAVY modules loaded.
    assert _loaded_after("import toolkit") == []


def test_annotate_help_loads_no_heavy_library():
    # `python -m toolkit annotate --help`: argparse prints the help and exits (status 0) before
    # anything is annotated, so nothing beyond the package import should be loaded.
    code = ("import sys, runpy\nsys.argv = ['toolkit', 'annotate', '--help']\n"
            "try:\n    runpy.run_module('toolkit', run_name='__main__')\nexcept SystemExit as e:\n"
            "    assert e.code == 0, e.code")
    assert _loaded_after(code) == []


def test_public_names_still_importable():
    # The lazy imports keep every public name where it was: one name from each moved module.
    import toolkit

    assert callable(toolkit.p_value) and callable(toolkit.plot_top_terms)
    assert callable(toolkit.build_graph) and callable(toolkit.load_actors)
    assert toolkit.p_value(0.0) == 1.0  # chi-square upper tail at 0: the whole distribution, 1.0
