"""What a learner reads from ``check``, ``describe`` and a refused call, word for word.

The oracle is TensorFlow's own objects (the names it gave the cell's ops) and the
call a learner types, written out here; never scopekit's own functions.
"""

import re
from pathlib import Path

import pytest

from scopekit import capture
from scopekit.exercises import EXERCISES, Exercise, ExerciseNotSolved, check, describe
from scopekit.exercises.checking import register

SIAMESE_CALL = (
    "check('siamese', cap, left=<the left tower's output>, right=<the right tower's output>)"
)


def _capture(tf, code):
    namespace = {"tf": tf}
    with capture() as cap:
        exec(code, namespace)
    return cap, namespace


@pytest.fixture
def empty(tf):
    cap, _ = _capture(tf, "x = tf.constant(1.0, name='x')")
    return cap


def _refusal(exercise_id, cap, **answers) -> str:
    with pytest.raises(TypeError) as raised:
        check(exercise_id, cap, **answers)
    return str(raised.value)


def test_a_refused_call_shows_the_call_to_type_and_what_is_missing_or_unexpected(empty):
    assert _refusal("siamese", empty, left=1) == f"{SIAMESE_CALL}: missing right. "
    assert _refusal("siamese", empty) == f"{SIAMESE_CALL}: missing left, right. "
    assert (
        _refusal("siamese", empty, left=1, right=2, colour="red", size=3)
        == f"{SIAMESE_CALL}: colour, size not expected. "
    )
    # An exercise that needs only the capture: the call has nothing after `cap`.
    assert (
        _refusal("reopened_scope", empty, colour="red")
        == "check('reopened_scope', cap): colour not expected. "
    )


def test_a_wrong_id_or_capture_names_the_type_given_and_lists_the_exercises(empty):
    message = _refusal(6, empty)
    assert "not a int. The exercises are: " in message
    listed = message.split("The exercises are: ", 1)[1].rstrip(".").split(", ")
    assert listed == list(EXERCISES)
    with pytest.raises(KeyError) as raised:
        check("no_such_exercise", empty)
    listed = raised.value.args[0].split("The exercises are: ", 1)[1].rstrip(".").split(", ")
    assert listed == list(EXERCISES)
    message = _refusal("siamese", [empty], left=1, right=2)
    assert message.endswith("pass `cap`, not a list.")


REOPENED = """
with tf.compat.v1.name_scope('my_scope') as scope:
    a = tf.constant(1.0, name='a')
with tf.compat.v1.name_scope(scope):
    b = tf.constant(2.0, name='b')
"""


def test_solved_prints_the_title_then_one_right_line_per_finding(tf, capsys):
    cap, ns = _capture(tf, REOPENED)
    check("reopened_scope", cap)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Solved: {EXERCISES['reopened_scope'].title} (reopened_scope)."
    assert lines[1:] == [
        f"  right: op '{ns['a'].op.name}' is in my_scope/.",
        f"  right: op '{ns['b'].op.name}' is in my_scope/.",
        "  right: the second `with` block re-entered my_scope.",
    ]


def test_not_solved_carries_its_exercise_and_the_wrong_lines_it_shows(tf):
    starter = REOPENED.replace("name_scope(scope)", "name_scope('my_scope')")
    cap, ns = _capture(tf, starter)
    assert ns["b"].op.name == "my_scope_1/b"  # TensorFlow's own name: the mistake shows
    with pytest.raises(ExerciseNotSolved) as raised:
        check("reopened_scope", cap)
    error = raised.value
    assert error.exercise is EXERCISES["reopened_scope"]
    shown = str(error).splitlines()
    assert [line[len("  wrong: ") :] for line in shown if line.startswith("  wrong: ")] == (
        error.verdict.wrong
    )
    assert [line[len("  right: ") :] for line in shown if line.startswith("  right: ")] == (
        error.verdict.right
    )
    assert not error.verdict.solved
    assert error._render_traceback_() == [f"ExerciseNotSolved: {error}"]


def test_describe_ends_with_the_call_to_type():
    assert describe("siamese").endswith(f"Check it with: scopekit.exercises.{SIAMESE_CALL}")
    assert describe("reopened_scope").endswith(
        "Check it with: scopekit.exercises.check('reopened_scope', cap)"
    )


def _exercise(exercise_id, level):
    return Exercise(
        id=exercise_id,
        title="A test exercise",
        level=level,
        statement="s",
        starter="pass\n",
        hint="h",
        checker=lambda capture, verdict: None,
        answers={},
    )


def test_register_adds_once_and_refuses_a_second_id_or_an_unknown_level():
    exercise = _exercise("test_only_exercise", "medium")
    try:
        assert register(exercise) is exercise
        assert EXERCISES["test_only_exercise"] is exercise
        with pytest.raises(ValueError) as raised:
            register(_exercise("test_only_exercise", "easy"))
        assert str(raised.value) == "exercise id 'test_only_exercise' is registered twice"
        assert EXERCISES["test_only_exercise"] is exercise  # the first one stays
        with pytest.raises(ValueError) as raised:
            register(_exercise("test_only_expert", "expert"))
        assert str(raised.value) == "exercise level 'expert' is not one of easy, medium, hard"
        assert "test_only_expert" not in EXERCISES
    finally:
        EXERCISES.pop("test_only_exercise", None)
        EXERCISES.pop("test_only_expert", None)


def test_points_are_what_the_teachers_guide_says():
    guide = (Path(__file__).parent.parent / "docs" / "teachers.md").read_text()
    stated = re.search(
        r"(\d) point for an easy exercise, (\d) for a\s+medium one, (\d) for a hard one", guide
    )
    assert stated, "docs/teachers.md no longer states the points"
    said = dict(zip(("easy", "medium", "hard"), map(int, stated.groups()), strict=True))
    for exercise in EXERCISES.values():
        assert exercise.points == said[exercise.level], exercise.id
