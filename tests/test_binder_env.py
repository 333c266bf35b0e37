"""Binder without Docker: build the environment repo2docker builds from ``binder/``.

repo2docker (what mybinder.org runs) reads only ``binder/`` once that folder exists:
``runtime.txt`` picks the Python, ``requirements.txt`` is installed with
``pip install -r binder/requirements.txt`` from the repository root, then ``postBuild``
runs if there is one, and ``start`` wraps every command at container start. These tests
do the same in a fresh virtual environment (no system site-packages, no PYTHONPATH, no
user config) made from a copy of the repository, then check what a learner meets on the
first click: scopekit imports, the widget extensions are enabled, ``%load_ext scopekit``
and ``%%scopes`` work in a real kernel, and every notebook passes strict nbval.

It is the slowest test in the suite (a few minutes: TensorFlow is unpacked into the new
environment; pip's cache keeps downloads to the first run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _runtime_python(repo: Path) -> str:
    """The interpreter binder/runtime.txt asks for, e.g. ``python3.11`` for ``python-3.11``."""
    text = (repo / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    assert match, f"binder/runtime.txt should read like 'python-3.11', not {text!r}"
    executable = shutil.which(f"python{match.group(1)}")
    assert executable, f"binder/runtime.txt asks for Python {match.group(1)}; install it"
    return executable


def _copy_repository(destination: Path) -> None:
    """Copy the files repo2docker would see: tracked and new files, not ignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    assert listed.returncode == 0, "the Binder test copies a git checkout: run it in one"
    listed = listed.stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is skipped
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _clean_environ(venv: Path, home: Path) -> dict:
    """The outer test run's environment without anything that could leak packages in."""
    # TF_: the outer run's TensorFlow settings; binder/start must be what sets them.
    leaky = ("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON", "CONDA", "TF_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(leaky)}
    env["PIP_CACHE_DIR"] = os.environ.get(
        "PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")
    )  # downloads are reused; installs are not
    env["HOME"] = str(home)  # a learner's fresh home: no ~/.ipython, ~/.jupyter, ~/.local
    env["PYTHONNOUSERSITE"] = "1"
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return env


class BinderEnv:
    """A fresh environment built from binder/ the way repo2docker builds its image."""

    def __init__(self, root: Path):
        self.repo = root / "repo"
        self.venv = root / "venv"
        self.home = root / "home"
        self.home.mkdir()
        _copy_repository(self.repo)
        self.env = _clean_environ(self.venv, self.home)
        self.python = self.venv / "bin" / "python"
        self.install_log = ""

    def build(self) -> None:
        binder = self.repo / "binder"
        subprocess.run([_runtime_python(self.repo), "-m", "venv", str(self.venv)], check=True)
        # repo2docker's order: requirements.txt, then postBuild; relative paths in
        # requirements.txt resolve against the repository root, its working directory.
        steps = [[str(self.python), "-m", "pip", "install", "-r", "binder/requirements.txt"]]
        if (binder / "postBuild").exists():
            steps.append(["bash", "binder/postBuild"])
        for step in steps:
            done = self.run(step, wrap=False, timeout=1800)
            self.install_log += done.stdout + done.stderr
            assert done.returncode == 0, f"{' '.join(step)} failed:\n{self.install_log[-4000:]}"

    def run(self, command, *, cwd=None, wrap=True, timeout=900):
        """Run a command in the environment, through binder/start as a container would."""
        start = self.repo / "binder" / "start"
        if wrap and start.exists():
            command = ["bash", str(start), *command]
        return subprocess.run(
            [str(part) for part in command],
            check=False,
            cwd=cwd or self.repo,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _requirement_name(spec: str) -> str:
    return re.split(r"[\[<>=!~; ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_requirements_pin_every_dependency_and_install_the_package_itself():
    lines = (REPO / "binder" / "requirements.txt").read_text().splitlines()
    lines = [line.split("#")[0].strip() for line in lines]
    lines = [line for line in lines if line]
    assert "." in lines, "binder/requirements.txt must install scopekit itself ('.')"
    pins = {_requirement_name(line): line for line in lines if line != "."}
    unpinned = [line for line in pins.values() if not re.search(r"==\d", line)]
    assert unpinned == [], "pin exact versions in binder/requirements.txt"
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+, as CI and Binder run
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    needed = project["dependencies"] + project["optional-dependencies"]["tf"]
    missing = [spec for spec in needed if _requirement_name(spec) not in pins]
    assert missing == [], f"add exact pins for {missing} to binder/requirements.txt"


def test_binder_pins_the_versions_the_course_extra_installs():
    """What Binder shows is what nbval checked: the same versions as the README's install."""
    from packaging.requirements import Requirement

    lines = (REPO / "binder" / "requirements.txt").read_text().splitlines()
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if line and line != ".":
            name, version = line.split("==")
            pins[_requirement_name(name)] = version
    tomllib = pytest.importorskip("tomllib")
    course = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["course"]
    for spec in course:
        requirement = Requirement(spec)
        name = _requirement_name(requirement.name)
        assert name in pins, f"binder/requirements.txt does not pin {name} ({spec})"
        assert requirement.specifier.contains(pins[name]), (
            f"Binder pins {name}=={pins[name]}, the course extra installs {spec}"
        )


@pytest.fixture(scope="module")
def binder_env():
    with tempfile.TemporaryDirectory(prefix="scopekit-binder-") as root:
        env = BinderEnv(Path(root))
        env.build()
        yield env


def test_runtime_is_the_python_the_environment_runs(binder_env):
    wanted = (binder_env.repo / "binder" / "runtime.txt").read_text().strip()
    done = binder_env.run([binder_env.python, "-c", "import sys; print(sys.version_info[:2])"])
    major, minor = re.findall(r"\d+", done.stdout)[:2]
    assert wanted == f"python-{major}.{minor}"


def test_start_quiets_tensorflow_before_anything_imports_it(binder_env):
    # So a notebook that imports TensorFlow before `%load_ext scopekit` stays clean too.
    names = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
    code = f"import os; print(*(os.environ[k] for k in {names!r}))"
    done = binder_env.run([binder_env.python, "-c", code])
    assert done.stdout.split() == ["1", "0"], done.stderr


def test_requirements_install_scopekit_itself_without_conflicts(binder_env):
    # From the learner's home, so the copy's source tree cannot be what gets imported.
    done = binder_env.run(
        [binder_env.python, "-c", "import scopekit; print(scopekit.__file__)"],
        cwd=binder_env.home,
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(binder_env.venv), done.stdout
    check = binder_env.run([binder_env.python, "-m", "pip", "check"])
    # The one known gap: tf-keras asks for the full `tensorflow`, which tensorflow-cpu
    # replaces (binder/postBuild installs tf-keras with --no-deps). Nothing else may fail.
    problems = [line for line in check.stdout.splitlines() if line.strip()]
    expected = [p for p in problems if p.startswith("tf-keras 2.21.0 requires tensorflow,")]
    assert problems == expected and len(expected) <= 1, check.stdout + check.stderr


def test_widget_extensions_are_enabled_in_jupyterlab(binder_env):
    done = binder_env.run([binder_env.venv / "bin" / "jupyter", "labextension", "list"])
    listing = done.stdout + done.stderr
    assert done.returncode == 0, listing
    for extension in ("@jupyter-widgets/jupyterlab-manager", "anywidget"):
        line = next((x for x in listing.splitlines() if extension in x), "")
        assert "enabled" in line and "OK" in line, f"{extension} not enabled:\n{listing}"


def _notebook(cells):
    return {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for src in cells
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def test_first_click_load_ext_and_scopes_work_in_the_python3_kernel(binder_env):
    """What 00-start asks of a learner, in the kernel JupyterLab starts (kernelspec python3)."""
    path = binder_env.home / "first-click.ipynb"
    path.write_text(
        json.dumps(
            _notebook(
                [
                    "%load_ext scopekit\nimport tensorflow as tf",
                    (
                        "%%scopes -o cap\nwith tf.compat.v1.name_scope('foo'):\n"
                        "    with tf.compat.v1.variable_scope('bar'):\n"
                        "        x = tf.compat.v1.get_variable('x', shape=())"
                    ),
                    "print(cap.variables[0].name, cap.variables[0].prefix_from)",
                ]
            )
        )
    )
    done = binder_env.run(
        [
            binder_env.venv / "bin" / "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--inplace",
            path,
        ],
        cwd=binder_env.home,
    )
    assert done.returncode == 0, done.stderr
    cells = json.loads(path.read_text())["cells"]
    streams = [o for c in cells for o in c["outputs"] if o["output_type"] == "stream"]
    assert not [o for o in streams if o["name"] == "stderr"], streams  # no TF C++ log lines
    shown = cells[1]["outputs"][0]["data"]
    assert "get_variable ignored name scope 'foo'" in "".join(shown["text/plain"])
    assert "scopekit-static" in "".join(shown["text/html"])  # the static tree
    assert "".join(streams[-1]["text"]).split() == ["bar/x", "variable_scope"]


def test_every_notebook_passes_strict_nbval_in_the_binder_env(binder_env):
    notebooks = sorted((binder_env.repo / "notebooks").glob("*.ipynb"))
    if not notebooks:
        pytest.skip("notebooks/ has no notebook yet: nothing for nbval to run")
    # Explicit options and an empty ini file: the repository's own pytest settings
    # (testpaths, --nbval-current-env from the outer run) must not shape this run.
    ini = binder_env.home / "pytest.ini"
    ini.write_text("[pytest]\n")
    done = binder_env.run(
        [
            binder_env.venv / "bin" / "pytest",
            "-c",
            ini,
            "--rootdir",
            binder_env.repo,
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "notebooks/sanitize.cfg",
            "--nbval-cell-timeout=600",
            "-q",
            *[n.relative_to(binder_env.repo) for n in notebooks],
        ],
        timeout=3600,
    )
    report = done.stdout[-6000:] + done.stderr[-2000:]
    assert done.returncode == 0, report
    assert re.search(r"\d+ passed", done.stdout), report
    assert " failed" not in done.stdout.splitlines()[-1], report
