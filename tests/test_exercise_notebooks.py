"""The student notebook is generated from the solutions notebook, and both make their claims.

nbval re-runs both notebooks and compares every output; these tests check what the
committed outputs claim: every check passes in the solutions, every check fails in
words (and briefly) in the student notebook, the prose agrees with the outputs, and no
temporary or machine path is ever shown. tests/test_nbgrader.py checks that nbgrader
generates the committed student notebook from the solutions.
"""

import json
import re
from pathlib import Path

import pytest

from scopekit.exercises import EXERCISES
from scopekit.exercises.student import RAISES, MarkerError, strip_solutions

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SOLUTIONS = NOTEBOOKS / "07-exercises-solutions.ipynb"
STUDENT = NOTEBOOKS / "07-exercises.ipynb"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def check_cells(notebook):
    return [
        c for c in notebook["cells"] if c["cell_type"] == "code" and "exercises.check(" in source(c)
    ]


def test_every_exercise_has_a_solution_block_and_a_check():
    text = "\n".join(source(c) for c in load(SOLUTIONS)["cells"])
    for exercise_id in EXERCISES:
        assert f"### BEGIN SOLUTION {exercise_id}\n" in text
        assert f'exercises.check("{exercise_id}"' in text


def test_no_solution_left_in_the_student_notebook():
    student = load(STUDENT)
    text = "\n".join(source(c) for c in student["cells"])
    assert "### BEGIN SOLUTION" not in text and "AUTO_REUSE)" not in text
    for exercise in EXERCISES.values():
        assert exercise.starter.strip() in text


def test_solutions_pass_every_check_in_the_committed_outputs():
    cells = check_cells(load(SOLUTIONS))
    assert len(cells) == len(EXERCISES)
    for cell in cells:
        outputs = cell["outputs"]
        assert not [o for o in outputs if o["output_type"] == "error"], source(cell)
        printed = "".join("".join(o.get("text", "")) for o in outputs)
        assert printed.startswith("Solved: "), source(cell)


def test_student_checks_fail_in_words():
    cells = check_cells(load(STUDENT))
    assert len(cells) == len(EXERCISES)
    for cell in cells:
        assert RAISES in cell["metadata"]["tags"]
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert len(errors) == 1, source(cell)
        assert errors[0]["ename"] == "ExerciseNotSolved"
        assert errors[0]["evalue"].startswith("Not solved yet: ")
        assert "\nHint: " in errors[0]["evalue"]
        # The learner sees the message, not scopekit's frames.
        assert errors[0]["traceback"] == [f"ExerciseNotSolved: {errors[0]['evalue']}"]


@pytest.mark.parametrize("path", [SOLUTIONS, STUDENT], ids=lambda p: p.name)
def test_notebook_shape(path):
    notebook = load(path)
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert source(code[0]).strip() == "%load_ext scopekit"
    assert source(code[1]).startswith("import tensorflow as tf")
    markdown = "\n".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for heading in (
        "## Overview",
        "## Prerequisites",
        "Time to learn",
        "## Imports",
        "## Summary",
        "## What's next",
    ):
        assert heading in markdown
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "execute the notebook top to bottom, fresh"


@pytest.mark.parametrize("path", [SOLUTIONS, STUDENT], ids=lambda p: p.name)
def test_no_temporary_path_in_any_output(path):
    text = json.dumps([c.get("outputs", []) for c in load(path)["cells"]])
    assert not re.search(r"/tmp|tmp[a-z0-9_]{6,}|pytest-of", text)


def test_strip_solutions_keeps_indentation_and_reports_bad_markers():
    cell = (
        "def f():\n    ### BEGIN SOLUTION reopened_scope\n    pass\n    ### END SOLUTION\nx = 1\n"
    )
    out = strip_solutions(cell)
    assert out.startswith("def f():\n    with tf.compat.v1.name_scope('my_scope'):\n        a = ")
    assert out.endswith("x = 1\n") and "pass" not in out
    with pytest.raises(MarkerError, match="never closed"):
        strip_solutions("### BEGIN SOLUTION siamese\nx = 1\n")
    with pytest.raises(MarkerError, match="END SOLUTION without BEGIN"):
        strip_solutions("x = 1\n### END SOLUTION\n")
    with pytest.raises(KeyError, match="The exercises are"):
        strip_solutions("### BEGIN SOLUTION nope\n### END SOLUTION\n")


def _error_text(output) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output["traceback"]))


def test_an_unsolved_exercise_fails_in_a_few_lines_not_a_traceback():
    # Exercises 4 and 5 start from code that fails inside TensorFlow: the learner
    # sees TensorFlow's one-line message (%xmode Minimal), not its internal frames.
    errors = [
        o
        for c in load(STUDENT)["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
        if o["output_type"] == "error"
    ]
    starters = [o for o in errors if o["ename"] != "ExerciseNotSolved"]
    assert [o["ename"] for o in starters] == ["ValueError", "ValueError"]
    for output in errors:
        text = _error_text(output)
        assert "File " not in text and "Traceback" not in text, text
        assert len(text.splitlines()) <= 12, text


def test_the_two_notebooks_have_different_titles():
    titles = []
    for path in (STUDENT, SOLUTIONS):
        first = source(next(c for c in load(path)["cells"] if c["cell_type"] == "markdown"))
        titles.append(first.splitlines()[0])
    assert titles == [
        "# Exercises: name scopes and variable scopes",
        "# Exercises with solutions: name scopes and variable scopes",
    ]


def _siamese_run_kernels(path) -> list:
    """The kernels the "both towers on one input" cell says the towers read."""
    cell = next(c for c in load(path)["cells"] if source(c).startswith("same = [[1.0"))
    text = "".join("".join(o["data"]["text/plain"]) for o in cell["outputs"] if "data" in o)
    ran = text.split("Where each op ran", 1)[1]
    return sorted(set(re.findall(r"([\w/]+/kernel)\b(?!/)", ran)))


def test_exercise_6_prose_matches_its_output():
    cells = load(SOLUTIONS)["cells"]
    prose = next(source(c) for c in cells if source(c).startswith("Both towers on one input"))
    assert "two kernels while each tower has its own, one kernel read\ntwice" in prose
    assert _siamese_run_kernels(STUDENT) == ["left/kernel", "right/kernel"]
    assert _siamese_run_kernels(SOLUTIONS) == ["tower/kernel"]


@pytest.mark.parametrize("path", [SOLUTIONS, STUDENT], ids=lambda p: p.name)
def test_only_the_device_dependent_cell_goes_unchecked_and_its_value_is_checked(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    ignored = [i for i, c in enumerate(cells) if "NBVAL_IGNORE_OUTPUT" in source(c)]
    assert len(ignored) == 1
    assert source(cells[ignored[0]]).startswith("%%scopes --device auto --run y --text -o auto_cap")
    value = cells[ignored[0] + 1]
    assert source(value).startswith("exercises.run(auto_cap, 'y'")
    assert "".join(value["outputs"][0]["data"]["text/plain"]) == "{'y:0': np.float32(16.0)}"


# Absolute paths of the machine that executed a notebook: home folders, virtual
# environments, site-packages, Windows drives. Saved outputs are read on other machines.
MACHINE_PATH = re.compile(
    r"(?<![\w.])(?:~|/home|/root|/Users|/usr|/opt|/work|/tmp|/var|/private)/[\w.-]+"
    r"|site-packages|\b[A-Za-z]:\\\\[\w.-]"
)


@pytest.mark.parametrize(
    "path",
    sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((REPO / "ui-tests").glob("*.ipynb")),
    ids=lambda p: p.name,
)
def test_no_machine_path_in_any_saved_output(path):
    for number, cell in enumerate(load(path)["cells"]):
        text = json.dumps(cell.get("outputs", []))
        found = MACHINE_PATH.search(text)
        assert not found, f"{path.name} cell {number} shows a machine path: {found.group(0)}"


def test_the_machine_path_rule_catches_what_a_traceback_shows():
    for shown in (
        "File ~/.pyenv/versions/3.11.7/lib/python3.11/site-packages/tensorflow/x.py:12",
        "File /work/main/scopekit/capture.py:522, in get_variable",
        "/home/ada/.venv/lib/python3.11/x.py",
        "C:\\Users\\ada\\x.py",  # JSON doubles each backslash
    ):
        assert MACHINE_PATH.search(json.dumps(shown)), shown
    for fine in ("tower/out:0 = [[0.6]]", "mlp/hidden1/weights", "a/b ~ c", "1/2"):
        assert not MACHINE_PATH.search(json.dumps(fine)), fine
