"""Make the student notebook from the solutions notebook, so the two never drift.

In the solutions notebook, each answer sits between two marker lines::

    ### BEGIN SOLUTION reopened_scope
    ...the answer...
    ### END SOLUTION

The student notebook gets, in its place, the exercise's starter code from the
catalog (``scopekit.exercises.starter(id)``). Cells tagged ``raises-in-student``
(the check of an unsolved exercise, a starter that fails on purpose) get nbval's
and nbclient's ``raises-exception`` tag; cells tagged ``solutions-only`` are left
out. Everything else is copied as is.

Run ``python -m scopekit.exercises.student SOLUTIONS STUDENT`` to write the
student notebook, then execute both: ``jupyter nbconvert --to notebook --execute
--inplace --ExecutePreprocessor.record_timing=False SOLUTIONS STUDENT``.
"""

from __future__ import annotations

import copy
import json
import re
import sys

from . import starter  # through the package, which loads the catalog first

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION (?P<id>\w+)[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
RAISES_IN_STUDENT = "raises-in-student"
SOLUTIONS_ONLY = "solutions-only"
RAISES = "raises-exception"


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


def make_student(solutions: dict) -> dict:
    """The student notebook (as nbformat JSON) for a solutions notebook, without outputs."""
    student = copy.deepcopy(solutions)
    cells = []
    for cell in student["cells"]:
        tags = list(cell.get("metadata", {}).get("tags", []))
        if SOLUTIONS_ONLY in tags:
            continue
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = strip_solutions(source)
            cell["outputs"] = []
            cell["execution_count"] = None
            if RAISES_IN_STUDENT in tags:
                tags = [t for t in tags if t != RAISES_IN_STUDENT] + [RAISES]
            else:
                tags = [t for t in tags if t != RAISES_IN_STUDENT]
            if tags:
                cell["metadata"]["tags"] = tags
            else:
                cell["metadata"].pop("tags", None)
        cells.append(cell)
    student["cells"] = cells
    return student


def comparable(notebook: dict) -> list:
    """What must agree between a committed student notebook and a generated one."""
    rows = []
    for cell in notebook["cells"]:
        source = cell["source"]
        rows.append(
            (
                cell["cell_type"],
                "".join(source) if isinstance(source, list) else source,
                sorted(cell.get("metadata", {}).get("tags", [])),
            )
        )
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m scopekit.exercises.student SOLUTIONS.ipynb STUDENT.ipynb")
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        solutions = json.load(handle)
    with open(argv[1], "w", encoding="utf-8") as handle:
        json.dump(make_student(solutions), handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(f"wrote {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
