"""environment.yml (conda users) mirrors pyproject.toml (pip users): same packages, same pins."""

import re
import tomllib

import yaml

from conftest import REPO


def _pins(lines):
    pins = {}
    for line in lines:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==(\S+)", line.strip())
        assert match, f"not pinned with ==: {line!r}"
        pins[match.group(1).lower().replace("_", "-")] = match.group(3)
    return pins


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in ("dev", "dask", "model"):
        listed += project["optional-dependencies"][extra]
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    conda_pins = _pins([p for p in pip if not p.startswith("-e")])
    assert conda_pins == _pins(listed)


def test_users_five_packages_are_pinned():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = _pins(project["dependencies"])
    for name in ("jupyterlab", "pandas", "seaborn", "nltk", "ipywidgets"):
        assert name in pins
