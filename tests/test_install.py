"""What a new user meets around the install: no TensorFlow, the licence, the extras."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+, as CI and Binder run
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_without_tensorflow_capture_names_the_tf_extra_first_without_a_chained_traceback():
    # A Python where `import tensorflow` fails, as after `pip install scopekit` alone.
    script = textwrap.dedent(
        """\
        import sys, traceback
        sys.modules['tensorflow'] = None
        import scopekit
        try:
            with scopekit.capture():
                pass
        except ImportError as error:
            print('CAUSE', error.__cause__, error.__suppress_context__)
            traceback.print_exc()
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert "CAUSE None True" in done.stdout, done.stdout + done.stderr
    shown = done.stderr
    assert "During handling of the above exception" not in shown
    assert "The above exception was the direct cause" not in shown
    message = shown.strip().splitlines()
    first_install = next(line for line in message if "pip install" in line)
    assert first_install.index('pip install "scopekit[tf]"') == first_install.index("pip install")


def test_license_file_and_spdx_expression_agree():
    assert PROJECT["license"] == "Apache-2.0"  # an SPDX string, not a TOML table
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "LICENSE" in PROJECT.get("license-files", [])


def test_the_course_extra_brings_what_the_notebooks_need_and_no_test_tooling():
    extras = PROJECT["optional-dependencies"]
    names = " ".join(extras["course"])
    for needed in ("tensorflow-cpu", "keras", "jupyterlab", "ipywidgets", "anywidget", "ipython"):
        assert needed in names, needed
    for tooling in ("pytest", "nbval", "playwright", "nbgrader", "hypothesis", "sphinx"):
        assert tooling not in names, tooling
    assert "scopekit[course]" in extras["test"]
    assert any(spec.startswith("nbgrader") for spec in extras["test"])
