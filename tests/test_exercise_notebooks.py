"""The student notebook is generated from the solutions notebook, and both make their claims.

nbval re-runs both notebooks and compares every output; these tests check what the
committed outputs claim: every check passes in the solutions, every check fails in
words in the student notebook, and no temporary path is ever shown.
"""

import json
import re
from pathlib import Path

import pytest

from scopekit.exercises import EXERCISES
from scopekit.exercises.student import (
    RAISES,
    MarkerError,
    comparable,
    make_student,
    strip_solutions,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
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


def test_committed_student_notebook_is_the_generated_one():
    generated = make_student(load(SOLUTIONS))
    assert comparable(load(STUDENT)) == comparable(generated), (
        "notebooks/07-exercises.ipynb drifted from the solutions: regenerate it with "
        "python -m scopekit.exercises.student notebooks/07-exercises-solutions.ipynb "
        "notebooks/07-exercises.ipynb, then execute it"
    )


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
