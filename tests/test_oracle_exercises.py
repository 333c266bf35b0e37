"""What a learner reads from ``check``, ``describe`` and a refused call, word for word.

The oracle is TensorFlow's own objects (the names it gave the cell's ops) and the
call a learner types, written out here; never scopekit's own functions.
"""

import contextlib
import io
import re

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


# ---------------------------------------------------------------------------
# Each exercise's verdict, line for line. The names in the expected lines are read
# from TensorFlow's own objects; the sentences are what the learner is to be told.


def built(tf, code):
    """Run `code` under the capture as a %%scopes cell does (an error stays in the capture)."""
    namespace = {"tf": tf}
    try:
        with capture() as cap:
            exec(code, namespace)
    except Exception:  # the capture keeps it; the check must report it
        pass
    return cap, namespace


def verdict(exercise_id, cap, **answers):
    """(solved, right lines, wrong lines), as the learner reads them."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            check(exercise_id, cap, **answers)
    except ExerciseNotSolved as error:
        lines, solved = str(error).splitlines(), False
        assert lines[-1] == f"Hint: {EXERCISES[exercise_id].hint}"
    else:
        lines, solved = out.getvalue().splitlines(), True
    right = [line[len("  right: ") :] for line in lines if line.startswith("  right: ")]
    wrong = [line[len("  wrong: ") :] for line in lines if line.startswith("  wrong: ")]
    return solved, right, wrong


def test_predict_names_verdicts(tf):
    given = (
        "with tf.compat.v1.name_scope('outer'):\n"
        "    a = tf.Variable(1.0, name='a')\n"
        "    with tf.compat.v1.variable_scope('inner'):\n"
        "        b = tf.compat.v1.get_variable('b', shape=())\n"
        "        c = tf.add(a, b, name='c')\n"
    )
    cap, ns = built(tf, given)
    a, b, c = ns["a"].op.name, ns["b"].op.name, ns["c"].op.name
    assert (a, b, c) == ("outer/a", "inner/b", "outer/inner/c")  # TF's rule, as taught
    assert verdict("predict_names", cap, predicted={"a": a, "b": b, "c": c}) == (
        True,
        [f"'a' is named '{a}'.", f"'b' is named '{b}'.", f"'c' is named '{c}'."],
        [],
    )
    assert verdict("predict_names", cap, predicted=[a, b, c]) == (
        False,
        [],
        ["`predicted` should be a dict like {'a': 'outer/a', ...}, not a list."],
    )
    assert verdict("predict_names", cap, predicted={"a": 1, "b": b, "c": "outer/c"})[2] == [
        "the prediction for 'a' should be a name in quotes, like 'outer/a', not a int.",
        "you predicted 'outer/c' for 'c', an op of type AddV2; look at its prefix: "
        "'outer/inner' comes from the name scope (name scope 'outer/inner', variable "
        "scope 'inner').",
    ]
    # Only 'a' made: nothing called 'b' or 'c'.
    cap, _ = built(tf, given.split("    with")[0])
    assert verdict("predict_names", cap, predicted={"a": a, "b": b, "c": c}) == (
        False,
        [f"'a' is named '{a}'."],
        [
            "the cell made nothing called 'b': run the given cell unchanged.",
            "the cell made nothing called 'c': run the given cell unchanged.",
        ],
    )
    cap, _ = built(tf, given + "raise ValueError('the cell broke')\n")
    assert verdict("predict_names", cap, predicted={"a": a, "b": b, "c": c}) == (
        False,
        [],
        ["the cell still raises ValueError: the cell broke. Run the given cell unchanged."],
    )


def test_variable_vs_get_variable_verdicts(tf):
    right = {"tf.Variable": "name scope", "get_variable": "variable scope"}
    cap, ns = built(tf, "v = tf.Variable(0.0, name='v')\n")
    assert verdict("variable_vs_get_variable", cap, answer=right)[2] == [
        "the cell made no variable with tf.compat.v1.get_variable(...): make one of each, "
        "side by side."
    ]
    cap, ns = built(tf, "w = tf.compat.v1.get_variable('w', shape=())\n")
    assert verdict("variable_vs_get_variable", cap, answer=right)[2] == [
        "the cell made no variable with tf.Variable(...): make one of each, side by side."
    ]
    same = "v = tf.Variable(0.0, name='v')\nw = tf.compat.v1.get_variable('w', shape=())\n"
    cap, ns = built(tf, same)
    v, w = ns["v"].op.name, ns["w"].op.name
    assert verdict("variable_vs_get_variable", cap, answer={"tf.Variable": "name scope"}) == (
        False,
        ["tf.Variable names follow the name scope."],
        [
            f"'{v}' (tf.Variable) and '{w}' (get_variable) have the same prefix '', so the "
            "cell does not show the difference. Make both in the same `with` blocks, inside "
            "a name scope the variable scope does not have (tf.compat.v1.name_scope around "
            "a variable_scope).",
            "answer['get_variable'] is '?': compare the 'prefix from' column of the "
            "get_variable row with its two scopes ('name scope' or 'variable scope').",
        ],
    )
    assert verdict("variable_vs_get_variable", cap, answer=[right])[2][-1] == (
        '`answer` should be a dict: {"tf.Variable": ..., "get_variable": ...}, not a list.'
    )
    cap, _ = built(tf, same + "raise KeyError('w')\n")
    assert verdict("variable_vs_get_variable", cap, answer=right)[2] == [
        "the cell still raises KeyError: 'w'. Fix the error first."
    ]


def test_reopened_scope_verdicts(tf):
    cap, ns = built(
        tf,
        "a = tf.constant(1.0, name='a')\n"
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    c = tf.constant(2.0, name='c')\n",
    )
    assert ns["a"].op.name == "a"
    assert verdict("reopened_scope", cap)[2] == [
        "op 'a' is named 'a': look at scope '(top level)'.",
        "there is no op named 'b': keep tf.constant(..., name='b').",
        "my_scope was entered only once: keep two separate `with` blocks, the second "
        "one re-entering the scope the first one opened.",
    ]
    starter = (
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    a = tf.constant(1.0, name='a')\n"
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    b = tf.constant(2.0, name='b')\n"
    )
    cap, ns = built(tf, starter)
    assert ns["b"].op.name == "my_scope_1/b"
    assert verdict("reopened_scope", cap)[2] == [
        "op 'b' is named 'my_scope_1/b': look at scope 'my_scope_1'.",
        "name scope 'my_scope_1' was opened: a second name_scope('my_scope') makes a new "
        "scope instead of re-entering the first.",
    ]
    # variable_scope twice: TF opens name scope my_scope_1 for the second one.
    cap, ns = built(tf, starter.replace("name_scope", "variable_scope"))
    assert ns["b"].op.name == "my_scope_1/b"
    assert verdict("reopened_scope", cap) == (
        False,
        ["op 'my_scope/a' is in my_scope/."],
        [
            "op 'b' is named 'my_scope_1/b': look at scope 'my_scope_1'.",
            "name scope 'my_scope_1' was opened: a second name_scope('my_scope') makes a "
            "new scope instead of re-entering the first.",
            "my_scope was entered only once: keep two separate `with` blocks, the second "
            "one re-entering the scope the first one opened.",
        ],
    )
    # One block for both ops, another name scope after it: my_scope is still entered once.
    cap, ns = built(
        tf,
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    a = tf.constant(1.0, name='a')\n"
        "    b = tf.constant(2.0, name='b')\n"
        "with tf.compat.v1.name_scope('other'):\n"
        "    c = tf.constant(3.0, name='c')\n",
    )
    assert verdict("reopened_scope", cap)[2] == [
        "my_scope was entered only once: keep two separate `with` blocks, the second "
        "one re-entering the scope the first one opened."
    ]
    cap, _ = built(tf, starter + "raise RuntimeError\n")
    assert verdict("reopened_scope", cap)[2] == [
        "the cell still raises RuntimeError. Fix the error first."
    ]


EMBED = """
def embed(ids):
    with tf.compat.v1.variable_scope('embedding', reuse=tf.compat.v1.AUTO_REUSE):
        table = tf.compat.v1.get_variable(
            'table', shape=(10, 4), initializer=tf.compat.v1.constant_initializer(0.5))
    return tf.nn.embedding_lookup(table, ids, name='lookup')
"""
TWO_CALLS = "first = embed(tf.constant([1, 2]))\nsecond = embed(tf.constant([3]))\n"


def _global_variable_names(tf, graph):
    return [v.op.name for v in graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)]


def _error_in_a_new_graph(tf, fn):
    """What TensorFlow raises when `fn` is called three times in a graph of its own."""
    try:
        with tf.Graph().as_default():
            for ids in ([0], [1, 2], [3]):
                fn(tf.constant(ids))
    except Exception as error:  # noqa: BLE001 - the error is what the test wants
        return error
    raise AssertionError("fn did not raise")


def test_auto_reuse_verdicts(tf):
    cap, ns = built(tf, EMBED + TWO_CALLS)
    [table] = _global_variable_names(tf, cap.graph)
    auto_reuse_line = "the variable scope is opened with reuse=AUTO_REUSE."
    one_variable_line = "called three times in a new graph, embed() made one variable."
    assert verdict("auto_reuse", cap, fn=ns["embed"]) == (
        True,
        [
            f"one table '{table}', got by 2 calls, reused after the first.",
            auto_reuse_line,
            one_variable_line,
        ],
        [],
    )
    assert verdict("auto_reuse", cap, fn=5) == (
        False,
        [f"one table '{table}', got by 2 calls, reused after the first.", auto_reuse_line],
        ["fn should be your embed function itself (fn=embed), not a int."],
    )
    # Called once: nothing shows that the table is shared.
    cap, ns = built(tf, EMBED + "first = embed(tf.constant([1, 2]))\n")
    assert verdict("auto_reuse", cap, fn=ns["embed"]) == (
        False,
        [auto_reuse_line, one_variable_line],
        [f"expected one table shared by both calls, found '{table}' from 1 get_variable call(s)."],
    )
    # A second shared variable: one table still, but embed() makes two variables.
    scaled = EMBED.replace(
        "    return",
        "        scale = tf.compat.v1.get_variable('scale', shape=())\n    return scale *",
    )
    cap, ns = built(tf, scaled + TWO_CALLS)
    names = _global_variable_names(tf, cap.graph)
    assert len(names) == 2 and table in names
    assert verdict("auto_reuse", cap, fn=ns["embed"]) == (
        False,
        [f"one table '{table}', got by 2 calls, reused after the first.", auto_reuse_line],
        [
            "called three times in a new graph, embed() made "
            + ", ".join(f"'{name}'" for name in names)
            + "."
        ],
    )


def test_auto_reuse_reports_what_embed_raises_in_a_new_graph(tf):
    # A Python cache keeps the first graph's table: a new graph cannot use it.
    cached = """
cache = {}
def embed(ids):
    if 'table' not in cache:
        with tf.compat.v1.variable_scope('embedding'):
            cache['table'] = tf.compat.v1.get_variable('table', shape=(10, 4))
    return tf.nn.embedding_lookup(cache['table'], ids, name='lookup')
"""
    cap, ns = built(tf, cached + TWO_CALLS)
    [table] = _global_variable_names(tf, cap.graph)
    error = _error_in_a_new_graph(tf, ns["embed"])
    first_line = str(error).splitlines()[0]
    solved, right, wrong = verdict("auto_reuse", cap, fn=ns["embed"])
    assert (solved, right) == (False, [])
    # TF's message names the two graphs by their addresses, new ones each time.
    assert [re.sub("0x[0-9a-f]+", "0x?", line) for line in wrong] == [
        f"expected one table shared by both calls, found '{table}' from 1 get_variable call(s).",
        "no variable scope was opened with reuse=tf.compat.v1.AUTO_REUSE.",
        f"calling embed() three times in a new graph raised {type(error).__name__}: "
        + re.sub("0x[0-9a-f]+", "0x?", first_line),
    ]
    # An error without a message: the line names its type and stops there.
    one_graph = "graphs = []\n" + EMBED.replace(
        "    with",
        "    graphs.append(tf.compat.v1.get_default_graph())\n"
        "    assert graphs[0] is graphs[-1]\n"
        "    with",
        1,
    )
    cap, ns = built(tf, one_graph + TWO_CALLS)
    assert str(_error_in_a_new_graph(tf, ns["embed"])) == ""
    assert verdict("auto_reuse", cap, fn=ns["embed"])[2] == [
        "calling embed() three times in a new graph raised AssertionError: "
    ]


def test_auto_reuse_advice_when_the_cell_raises(tf):
    starter = EMBED.replace(", reuse=tf.compat.v1.AUTO_REUSE", "")
    cap, ns = built(tf, starter + TWO_CALLS)
    [line] = verdict("auto_reuse", cap, fn=ns["embed"])[2]
    assert line.startswith(f"the cell still raises {type(cap.error).__name__}: ")
    assert "already exists" in line
    assert line.endswith(" embed() must work on its first call and on every call after.")
    reuse_true = EMBED.replace("tf.compat.v1.AUTO_REUSE", "True")
    cap, ns = built(tf, reuse_true + TWO_CALLS)
    [line] = verdict("auto_reuse", cap, fn=ns["embed"])[2]
    assert "does not exist" in line
    assert line.endswith(
        " reuse=True only finds variables, it never creates them, so the first call fails."
    )
