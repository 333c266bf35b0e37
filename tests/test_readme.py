"""The README tells the truth: its table, links, Binder badge and commands match the repo."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import tomllib

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _load_table_module():
    spec = importlib.util.spec_from_file_location("notebook_table", REPO / "docs/notebook_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TABLE = _load_table_module()
LINKS = re.findall(r"\]\(([^)\s]+)\)", README)  # every [text](target) and ![alt](target)


def test_notebook_table_lists_exactly_the_notebooks_present():
    expected = TABLE.readme_with_table(README, TABLE.notebook_table())
    assert README == expected, (
        "README.md's notebook table is out of date: run `python docs/notebook_table.py --write`"
    )


def test_table_maker_reads_titles_and_refuses_an_untitled_notebook(tmp_path):
    (tmp_path / "notebooks").mkdir()
    titled = '{"cells": [{"cell_type": "markdown", "source": ["Intro\\n", "# Reuse | AUTO"]}]}'
    (tmp_path / "notebooks" / "01-reuse.ipynb").write_text(titled)
    table = TABLE.notebook_table(tmp_path)
    assert "| [01-reuse](notebooks/01-reuse.ipynb) | Reuse \\| AUTO |" in table
    assert "urlpath=lab/tree/notebooks/01-reuse.ipynb" in table
    (tmp_path / "notebooks" / "02-bare.ipynb").write_text('{"cells": []}')
    try:
        TABLE.notebook_table(tmp_path)
    except ValueError as error:
        assert "02-bare.ipynb has no title" in str(error)
    else:
        raise AssertionError("an untitled notebook must be refused")


def test_every_relative_link_and_image_in_the_readme_exists():
    local = [link for link in LINKS if not urlsplit(link).scheme]
    assert "docs/images/scope-tree.png" in local
    missing = [link for link in local if not (REPO / link.split("#")[0]).exists()]
    assert missing == []


def test_binder_badge_opens_jupyterlab_on_the_first_notebook():
    badges = [link for link in LINKS if link.startswith("https://mybinder.org/v2/gh/")]
    assert badges, "no Binder badge"
    url = urlsplit(badges[0])
    assert url.path == f"/v2/gh/{TABLE.SLUG}/HEAD"
    target = parse_qs(url.query)["urlpath"][0]
    assert target == "lab/tree/notebooks/00-start.ipynb"
    assert (REPO / target.removeprefix("lab/tree/")).exists()


def test_ci_runs_exactly_the_readme_test_command():
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)
    commands = [line for block in blocks for line in block.splitlines() if "pytest" in line]
    assert len(commands) == 1, commands
    ci_lines = (REPO / ".ci/run").read_text().splitlines()
    assert commands[0] in ci_lines


def test_teachers_page_gives_the_same_binder_link_as_the_badge():
    badge = next(link for link in LINKS if link.startswith("https://mybinder.org/v2/gh/"))
    assert badge in (REPO / "docs" / "teachers.md").read_text(encoding="utf-8")


def _bash_lines():
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_opening_the_course_installs_the_course_extra_and_testing_the_test_extra():
    lines = _bash_lines()
    opening = [line for line in lines if "jupyter lab notebooks/00-start.ipynb" in line]
    assert len(opening) == 1 and 'pip install -e ".[course]"' in opening[0]
    testing = [line for line in lines if "pytest" in line]
    assert 'pip install -q -e ".[test]"' in testing[0]
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(re.findall(r'\.\[(\w+)\]"', README)) <= set(extras)


def test_the_gpu_install_removes_tensorflow_cpu_first():
    gpu = [line for line in _bash_lines() if '".[gpu]"' in line]
    assert len(gpu) == 1
    assert gpu[0].index("pip uninstall -y tensorflow-cpu") < gpu[0].index('".[gpu]"')
    assert "brings **no TensorFlow**" in README
