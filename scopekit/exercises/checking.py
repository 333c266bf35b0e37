"""The machinery every exercise check shares: the verdict, the friendly failure, the registry.

A check looks at what a cell built (the ``Capture`` and its graph) and at what the
graph does when run, never at the text of the answer. It collects what is right
and what is wrong in plain words; if anything is wrong, ``check`` raises
:class:`ExerciseNotSolved` whose message lists both and ends with the hint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List

from ..render.text import one_line

# nbgrader points of an exercise's check cell, by level: harder exercises weigh more.
POINTS = {"easy": 1, "medium": 2, "hard": 3}


class ExerciseNotSolved(Exception):
    """An exercise check found something still wrong. The message says what and where."""

    def __init__(self, exercise: "Exercise", verdict: "Verdict"):
        self.exercise = exercise
        self.verdict = verdict
        super().__init__(verdict.failure_text(exercise))

    def _render_traceback_(self):
        # IPython shows this instead of a traceback: the learner needs the words,
        # not scopekit's frames.
        return [f"ExerciseNotSolved: {self}"]


class Verdict:
    """What a check found: lines that are right, lines that are wrong."""

    def __init__(self):
        self.right: List[str] = []
        self.wrong: List[str] = []

    # Each finding is one line of the message: a learner's answer quoted in it may
    # hold a newline or a bidi control, which would start a line or reorder the text.
    def ok(self, text: str) -> None:
        self.right.append(one_line(text))

    def bad(self, text: str) -> None:
        self.wrong.append(one_line(text))

    @property
    def solved(self) -> bool:
        return not self.wrong

    def failure_text(self, exercise: "Exercise") -> str:
        lines = [f"Not solved yet: {exercise.title} ({exercise.id})."]
        lines += [f"  right: {text}" for text in self.right]
        lines += [f"  wrong: {text}" for text in self.wrong]
        lines.append(f"Hint: {exercise.hint}")
        return "\n".join(lines)

    def success_text(self, exercise: "Exercise") -> str:
        lines = [f"Solved: {exercise.title} ({exercise.id})."]
        lines += [f"  right: {text}" for text in self.right]
        return "\n".join(lines)


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to do, the code a learner starts from, how to check it, a hint.

    ``checker(capture, verdict, **answers)`` fills the verdict; ``answers`` names
    the extra things ``check`` needs besides the capture (``left=...``), each
    with a phrase saying what it is.
    """

    id: str
    title: str
    level: str
    statement: str
    starter: str
    hint: str
    checker: Callable
    answers: Dict[str, str]

    @property
    def points(self) -> int:
        """What the exercise's check cell is worth when nbgrader autogrades it."""
        return POINTS[self.level]


EXERCISES: Dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the catalog (ids are unique)."""
    if exercise.id in EXERCISES:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    if exercise.level not in POINTS:
        raise ValueError(f"exercise level {exercise.level!r} is not one of {', '.join(POINTS)}")
    EXERCISES[exercise.id] = exercise
    return exercise


def get(exercise_id: str) -> Exercise:
    """The exercise with this id, or a KeyError listing the ids there are."""
    if not isinstance(exercise_id, str):
        raise TypeError(
            f"the exercise id should be a string such as 'siamese', not a "
            f"{type(exercise_id).__name__}. The exercises are: {', '.join(EXERCISES)}."
        )
    try:
        return EXERCISES[exercise_id]
    except KeyError:
        known = ", ".join(EXERCISES)
        raise KeyError(f"No exercise {exercise_id!r}. The exercises are: {known}.") from None


def check(exercise_id: str, capture, **answers) -> None:
    """Check an exercise against the Capture of your cell (``%%scopes -o cap``).

    Prints a "Solved" line listing what is right, or raises
    :class:`ExerciseNotSolved` saying what is right, what is wrong, which name or
    scope to look at, and the hint. Some exercises need more than the capture,
    passed by keyword (``check('siamese', cap, left=left, right=right)``);
    ``describe(id)`` lists them.
    """
    from ..records import Capture

    exercise = get(exercise_id)
    if not isinstance(capture, Capture):
        raise TypeError(
            f"check({exercise_id!r}, ...) needs the Capture of your cell: run the cell "
            f"with `%%scopes -o cap` and pass `cap`, not a {type(capture).__name__}."
        )
    missing = [name for name in exercise.answers if name not in answers]
    unknown = [name for name in answers if name not in exercise.answers]
    if missing or unknown:
        wanted = ", ".join(f"{k}=<{v}>" for k, v in exercise.answers.items())
        raise TypeError(
            f"check({exercise_id!r}, cap{', ' + wanted if wanted else ''}): "
            + (f"missing {', '.join(missing)}. " if missing else "")
            + (f"{', '.join(unknown)} not expected. " if unknown else "")
        )
    verdict = Verdict()
    exercise.checker(capture, verdict, **answers)
    if not verdict.solved:
        raise ExerciseNotSolved(exercise, verdict)
    print(verdict.success_text(exercise))


def hint(exercise_id: str) -> str:
    """The hint of an exercise."""
    return get(exercise_id).hint


def starter(exercise_id: str) -> str:
    """The code a learner starts from."""
    return get(exercise_id).starter


def describe(exercise_id: str) -> str:
    """Title, level, statement and how to call the check, as plain text."""
    exercise = get(exercise_id)
    args = "".join(f", {k}=<{v}>" for k, v in exercise.answers.items())
    return (
        f"{exercise.title} ({exercise.level})\n\n{exercise.statement}\n\n"
        f"Check it with: scopekit.exercises.check({exercise.id!r}, cap{args})"
    )
