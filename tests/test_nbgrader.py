"""The exercises under real nbgrader: a source notebook, a release, three submissions, grades.

A throw-away course directory with its own sqlite gradebook, set up as
docs/teachers.md tells a teacher to: ``nbgrader generate_assignment`` makes the
learners' notebook from ``07-exercises-solutions.ipynb``; three learners hand it in
(everything solved; some solved, some wrong, one check cell tampered with; nothing
touched); ``nbgrader autograde`` runs every notebook in a real kernel, and the
gradebook must hold the score each check deserves. The checks read what each answer
builds, so a wrong answer whose text looks right still scores nothing.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook  # the `test` extra installs nbgrader

from scopekit.exercises import EXERCISES
from scopekit.exercises.student import COURSE_CONFIG, comparable, nbgrader

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOLUTIONS = NOTEBOOKS / "07-exercises-solutions.ipynb"
ASSIGNMENT = "ps1"
NOTEBOOK = "07-exercises"  # the learners' file name, as nbgrader releases it
COURSE = "scopekit"
REGION = re.compile(r"### BEGIN SOLUTION (\w+)\n.*?### END SOLUTION\n?", re.DOTALL)


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# The source notebook is a valid nbgrader source notebook.


def test_solutions_notebook_is_an_nbgrader_source_notebook():
    cells = load(SOLUTIONS)["cells"]
    ids = [cell["metadata"]["nbgrader"]["grade_id"] for cell in cells]
    assert len(ids) == len(set(ids)), "every nbgrader cell needs its own grade_id"
    checks, answers = {}, {}
    for cell in cells:
        meta = cell["metadata"]["nbgrader"]
        assert meta["schema_version"] == 3 and meta["task"] is False
        text = source(cell)
        check = re.match(r'exercises\.check\("(\w+)"', text)
        region = REGION.search(text)
        if check:  # an autograded test: locked, worth the exercise's points
            assert (meta["grade"], meta["solution"], meta["locked"]) == (True, False, True)
            assert meta["grade_id"] == f"check_{check.group(1)}"
            checks[check.group(1)] = meta["points"]
        elif region:  # an autograded answer: the learner's to edit
            assert (meta["grade"], meta["solution"], meta["locked"]) == (False, True, False)
            assert meta["grade_id"] == f"answer_{region.group(1)}"
            answers[region.group(1)] = cell
        else:  # instructions and given code: read-only
            assert (meta["grade"], meta["solution"], meta["locked"]) == (False, False, True), text
    assert checks == {e.id: e.points for e in EXERCISES.values()}
    assert set(answers) == set(EXERCISES)


# ---------------------------------------------------------------------------
# A course, generated, handed in three times, autograded.

SOME_SOLVED = {"predict_names", "reopened_scope", "auto_reuse", "siamese", "restore_checkpoint"}
# Wrong answers whose text looks right: the grade must follow what they build.
LOOKS_RIGHT_BUT_WRONG = {
    "already_exists": """\
# variable_scope(None, default_name='dense') would do it; a tf.Variable is quicker:
def dense(x, units):
    with tf.compat.v1.variable_scope('dense'):
        kernel = tf.Variable(tf.ones((x.shape[-1], units)), name='kernel')
        return tf.matmul(x, kernel)
""",
    "mlp_keys": """\
with tf.compat.v1.variable_scope('mlp'):
    with tf.compat.v1.variable_scope('hidden1'):
        h1 = dense(x, 8, tf.nn.relu)
    with tf.compat.v1.variable_scope('hidden2'):
        h2 = dense(h1, 16, tf.nn.relu)  # the right keys, the wrong shapes
    with tf.compat.v1.variable_scope('logits'):
        logits = dense(h2, 3)
""",
    "move_checkpoint": """\
# plan + overrides, as the hint says; but fc_1 is the SECOND hidden layer, not the first
moving = scopekit.checkpoint.plan(tf1_checkpoint, model)
loaded = moving.apply(overrides={
    'mlp/hidden1/kernel': 'mlp/fc_1/weights', 'mlp/hidden1/bias': 'mlp/fc_1/biases',
    'mlp/hidden2/kernel': 'mlp/fc/weights', 'mlp/hidden2/bias': 'mlp/fc/biases',
})
""",
}
TAMPERED = "variable_vs_get_variable"  # its check cell is replaced by a fake "Solved"


def _answered(release: dict, solutions: dict, answers: dict) -> dict:
    """The released notebook with the answer cells of `answers` filled in.

    `answers` maps an exercise id to its answer text, or None for the solution's.
    """
    solved = {cell["metadata"]["nbgrader"]["grade_id"]: source(cell) for cell in solutions["cells"]}
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id", "")
        exercise = grade_id.removeprefix("answer_")
        if grade_id.startswith("answer_") and exercise in answers:
            text = answers[exercise]
            cell["source"] = (
                solved[grade_id]
                if text is None
                else REGION.sub(lambda _, text=text: text, solved[grade_id])  # the given lines kept
            )
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "nbgrader_config.py").write_text(
        COURSE_CONFIG + f'c.CourseDirectory.db_url = "sqlite:///{root / "gradebook.db"}"\n',
        encoding="utf-8",
    )
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(SOLUTIONS, root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    done = nbgrader("generate_assignment", ASSIGNMENT, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    release = load(root / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    solutions = load(SOLUTIONS)

    submissions = {
        "all-solved": _answered(release, solutions, dict.fromkeys(EXERCISES)),
        "some-solved": _answered(
            release, solutions, {**dict.fromkeys(SOME_SOLVED), **LOOKS_RIGHT_BUT_WRONG}
        ),
        "untouched": release,
    }
    for cell in submissions["some-solved"]["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"check_{TAMPERED}":
            cell["source"] = 'print("Solved: it says so")'
    for student, notebook in submissions.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    done = nbgrader("autograde", ASSIGNMENT, cwd=root)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    return root


def _scores(root: Path, student: str) -> dict:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id=COURSE) as gradebook:
        return {
            exercise: gradebook.find_grade(f"check_{exercise}", NOTEBOOK, ASSIGNMENT, student).score
            for exercise in EXERCISES
        }


def test_generated_release_is_the_committed_learners_notebook(course):
    release = load(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    assert comparable(release) == comparable(load(NOTEBOOKS / "07-exercises.ipynb"))


def test_all_solved_scores_every_point(course):
    assert _scores(course, "all-solved") == {e.id: e.points for e in EXERCISES.values()}


def test_some_solved_scores_what_its_cells_build(course):
    expected = {e.id: (e.points if e.id in SOME_SOLVED else 0) for e in EXERCISES.values()}
    assert _scores(course, "some-solved") == expected
    # The fake "Solved" was put back to the real check, which then failed in words.
    graded = load(course / "autograded" / "some-solved" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    check = next(
        cell
        for cell in graded["cells"]
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == f"check_{TAMPERED}"
    )
    assert source(check).startswith(f'exercises.check("{TAMPERED}"')
    assert [o["ename"] for o in check["outputs"] if o["output_type"] == "error"] == [
        "ExerciseNotSolved"
    ]


def test_untouched_scores_nothing(course):
    assert _scores(course, "untouched") == dict.fromkeys(EXERCISES, 0)


def test_feedback_and_export_as_the_teachers_page_says(course):
    done = nbgrader("generate_feedback", ASSIGNMENT, cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    for student in ("all-solved", "some-solved", "untouched"):
        page = course / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html"
        assert page.exists(), page
    page = course / "feedback" / "untouched" / ASSIGNMENT / f"{NOTEBOOK}.html"
    assert "Not solved yet" in page.read_text(encoding="utf-8")
    done = nbgrader("export", cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    total = sum(e.points for e in EXERCISES.values())
    assert {k: float(row["score"]) for k, row in rows.items()} == {
        "all-solved": total,
        "some-solved": sum(EXERCISES[e].points for e in SOME_SOLVED),
        "untouched": 0.0,
    }
    assert {float(row["max_score"]) for row in rows.values()} == {total}
