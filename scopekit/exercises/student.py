"""Make the learners' notebook from the solutions notebook with nbgrader, so the two never drift.

``notebooks/07-exercises-solutions.ipynb`` is an nbgrader source notebook: each answer
cell is a solution cell whose answer sits between two marker lines::

    ### BEGIN SOLUTION reopened_scope
    ...the answer...
    ### END SOLUTION

each check cell is an autograded test cell (``grade_id`` ``check_<id>``, points by
level), and every other cell is locked. ``nbgrader generate_assignment`` makes the
learners' notebook; :class:`StudentVersion` takes the place of nbgrader's
``ClearSolutions`` step so that each solution becomes its exercise's starter code
(``scopekit.exercises.starter(id)``) instead of ``raise NotImplementedError()``.
In the same step, cells tagged ``raises-in-student`` (a check that fails until the
exercise is solved, a starter that fails on purpose) get nbval's and nbclient's
``raises-exception`` tag, and a cell with ``metadata.scopekit.student_source``
(the title) reads that text instead.

A course directory turns it on in its ``nbgrader_config.py``::

    from scopekit.exercises.student import configure_nbgrader
    configure_nbgrader(c)

``python -m scopekit.exercises.student SOLUTIONS STUDENT`` runs ``nbgrader
generate_assignment`` in a throw-away course directory and writes its result to
STUDENT; then execute it (``jupyter nbconvert --to notebook --execute --inplace
--ExecutePreprocessor.record_timing=False STUDENT``). Importing this module imports
nbgrader (the ``test`` extra installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nbgrader.preprocessors import ClearSolutions

from . import starter  # through the package, which loads the catalog first

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION (?P<id>\w+)[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
RAISES_IN_STUDENT = "raises-in-student"
RAISES = "raises-exception"
ASSIGNMENT = "exercises"  # the assignment name in the throw-away course directory
# nbgrader's own default (30 s a cell) is short for a TensorFlow import on a busy hub.
CELL_TIMEOUT = 600


class MarkerError(ValueError):
    """The solution markers in a cell are unbalanced or name an unknown exercise."""


def strip_solutions(source: str) -> str:
    """Replace every marked solution block in ``source`` by its exercise's starter."""
    out, block = [], None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        begin, end = BEGIN.match(line.rstrip("\n")), END.match(line.rstrip("\n"))
        if begin:
            if block is not None:
                raise MarkerError(f"line {number}: BEGIN SOLUTION inside another solution block")
            block = begin
        elif end:
            if block is None:
                raise MarkerError(f"line {number}: END SOLUTION without BEGIN SOLUTION")
            indent = block.group("indent")
            code = starter(block.group("id"))  # KeyError names the known ids
            out += [indent + text if text.strip() else text for text in code.splitlines(True)]
            block = None
        elif block is None:
            out.append(line)
    if block is not None:
        raise MarkerError(f"BEGIN SOLUTION {block.group('id')} is never closed")
    text = "".join(out)
    return text.rstrip("\n") if not source.endswith("\n") else text


class StudentVersion(ClearSolutions):
    """nbgrader's ClearSolutions step, with each solution replaced by its exercise's starter."""

    def _replace_solution_region(self, cell, language: str) -> bool:
        if cell.cell_type != "code" or not any(
            BEGIN.match(line) for line in cell.source.splitlines()
        ):
            return super()._replace_solution_region(cell, language)
        cell.source = strip_solutions(cell.source)
        return True

    def preprocess_cell(self, cell, resources, cell_index):
        own = cell.metadata.pop("scopekit", {})
        if "student_source" in own:
            cell.source = own["student_source"]
        tags = list(cell.metadata.get("tags", []))
        if RAISES_IN_STUDENT in tags:
            tags = [RAISES if tag == RAISES_IN_STUDENT else tag for tag in tags]
            cell.metadata["tags"] = tags
        return super().preprocess_cell(cell, resources, cell_index)


def configure_nbgrader(c) -> None:
    """Set up an nbgrader config ``c`` for scopekit's exercises (see the module docstring)."""
    from nbgrader.converters import GenerateAssignment

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    c.GenerateAssignment.preprocessors = [
        StudentVersion if step is ClearSolutions else step for step in steps
    ]
    c.Execute.timeout = CELL_TIMEOUT


COURSE_CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "scopekit"
from scopekit.exercises.student import configure_nbgrader
configure_nbgrader(c)
"""


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the ``nbgrader`` command of this Python in ``cwd``; its output is kept for errors."""
    # nbgrader runs `alembic` (its gradebook migrations) from PATH: put this
    # environment's scripts first, as an activated environment would.
    scripts = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": os.pathsep.join([scripts, os.environ.get("PATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_student(solutions: Path) -> dict:
    """The learners' notebook (nbformat JSON, without outputs) nbgrader makes from ``solutions``."""
    solutions = Path(solutions)
    with tempfile.TemporaryDirectory(prefix="scopekit-course-") as course:
        course = Path(course)
        (course / "nbgrader_config.py").write_text(COURSE_CONFIG, encoding="utf-8")
        source = course / "source" / ASSIGNMENT
        source.mkdir(parents=True)
        shutil.copy(solutions, source / solutions.name)
        done = nbgrader("generate_assignment", ASSIGNMENT, "--no-db", cwd=course)
        released = course / "release" / ASSIGNMENT / solutions.name
        if done.returncode != 0 or not released.exists():
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}{done.stderr}")
        return json.loads(released.read_text(encoding="utf-8"))


def comparable(notebook: dict) -> list:
    """What must agree between a committed learners' notebook and a generated one."""
    rows = []
    for cell in notebook["cells"]:
        source = cell["source"]
        metadata = cell.get("metadata", {})
        rows.append(
            (
                cell["cell_type"],
                "".join(source) if isinstance(source, list) else source,
                sorted(metadata.get("tags", [])),
                metadata.get("nbgrader"),
            )
        )
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m scopekit.exercises.student SOLUTIONS.ipynb STUDENT.ipynb")
        return 2
    student = make_student(Path(argv[0]))
    Path(argv[1]).write_text(
        json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
