"""Each exercise's nbgrader points are what the teachers' guide says they are."""

import re
from pathlib import Path

from scopekit.exercises import EXERCISES


def test_points_are_what_the_teachers_guide_says():
    guide = (Path(__file__).parent.parent / "docs" / "teachers.md").read_text()
    stated = re.search(
        r"(\d) point for an easy exercise, (\d) for a\s+medium one, (\d) for a hard one", guide
    )
    assert stated, "docs/teachers.md no longer states the points"
    said = dict(zip(("easy", "medium", "hard"), map(int, stated.groups()), strict=True))
    for exercise in EXERCISES.values():
        assert exercise.points == said[exercise.level], exercise.id
