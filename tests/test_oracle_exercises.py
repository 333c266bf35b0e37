"""What a learner reads from ``check``, ``describe`` and a refused call, word for word.

The oracle is TensorFlow's own objects (the names it gave the cell's ops) and the
call a learner types, written out here; never scopekit's own functions.
"""

import contextlib
import io
import re
import types

import numpy as np
import pytest

from scopekit import capture
from scopekit.exercises import (
    EXERCISES,
    Exercise,
    ExerciseNotSolved,
    check,
    describe,
    write_old_checkpoint,
    write_tf1_mlp_checkpoint,
)
from scopekit.exercises.checking import register
from tests.test_exercises import (
    MLP_GIVEN,
    MLP_SOLUTION,
    MOVE_GIVEN,
    REOPEN_SOLUTION,
    RESTORE_GIVEN,
    SIAMESE_GIVEN,
    SIAMESE_SOLUTION,
)

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


def test_solved_prints_the_title_then_one_right_line_per_finding(tf, capsys):
    cap, ns = _capture(tf, REOPEN_SOLUTION)
    check("reopened_scope", cap)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Solved: {EXERCISES['reopened_scope'].title} (reopened_scope)."
    assert lines[1:] == [
        f"  right: op '{ns['a'].op.name}' is in my_scope/.",
        f"  right: op '{ns['b'].op.name}' is in my_scope/.",
        "  right: the second `with` block re-entered my_scope.",
    ]


def test_not_solved_carries_its_exercise_and_the_wrong_lines_it_shows(tf):
    starter = REOPEN_SOLUTION.replace("name_scope(scope)", "name_scope('my_scope')")
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


def built(tf, code, eager=False, **names):
    """Run `code` under the capture as a %%scopes cell does (an error stays in the capture)."""
    namespace = {"tf": tf, **names}
    try:
        with capture(eager=eager) as cap:
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
    assert verdict("predict_names", cap, predicted={"a": None, "b": "?", "c": c}) == (
        False,
        [f"'c' is named '{c}'."],
        [
            "no prediction for 'a' yet (a tf.Variable).",
            "no prediction for 'b' yet (a get_variable variable).",
        ],
    )
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
    solution = (
        "with tf.compat.v1.name_scope('outer'):\n"
        "    with tf.compat.v1.variable_scope('inner'):\n"
        "        v = tf.Variable(0.0, name='v')\n"
        "        w = tf.compat.v1.get_variable('w', shape=())\n"
    )
    cap, ns = built(tf, solution)
    v, w = ns["v"].op.name, ns["w"].op.name
    assert (v, w) == ("outer/inner/v", "inner/w")
    assert verdict("variable_vs_get_variable", cap, answer=right) == (
        True,
        [
            "made in the same scopes (name scope 'outer/inner', variable scope 'inner'), "
            f"tf.Variable became '{v}' and get_variable '{w}'.",
            "tf.Variable names follow the name scope.",
            "get_variable names follow the variable scope.",
        ],
        [],
    )
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
    # A message that already ends a sentence gets no second full stop; only its first line shows.
    endings = (("stop!", "stop!"), ("why?", "why?"), ("done.\nmore", "done."), ("ok.  \n.", "ok."))
    for message, shown in endings:
        cap, _ = built(tf, same + f"raise RuntimeError({message!r})\n")
        assert verdict("variable_vs_get_variable", cap, answer=right)[2] == [
            f"the cell still raises RuntimeError: {shown} Fix the error first."
        ]
    cap, _ = built(tf, same + "raise RuntimeError('  ')\n")
    assert verdict("variable_vs_get_variable", cap, answer=right)[2] == [
        "the cell still raises RuntimeError. Fix the error first."
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
    # A scope nested in my_scope is not a re-entry of it.
    cap, ns = built(
        tf,
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    a = tf.constant(1.0, name='a')\n"
        "with tf.compat.v1.name_scope('my_scope/X'):\n"
        "    b = tf.constant(2.0, name='b')\n",
    )
    assert ns["b"].op.name == "my_scope/X/b"
    assert verdict("reopened_scope", cap)[2] == [
        "op 'b' is named 'my_scope/X/b': look at scope 'my_scope/X'.",
        "my_scope was entered only once: keep two separate `with` blocks, the second "
        "one re-entering the scope the first one opened.",
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


DENSE = """
def dense(x, units):
    with tf.compat.v1.variable_scope(None, default_name='dense'):
        kernel = tf.compat.v1.get_variable(
            'kernel', shape=(x.shape[-1], units), initializer=tf.compat.v1.ones_initializer())
        return tf.matmul(x, kernel)
"""
DENSE_USE = "x = tf.ones((1, 3))\nh = dense(x, 4)\ny = dense(h, 2)\n"
KERNEL_ADVICE = (
    "made with tf.Variable, which never shares and so hides the error instead of fixing it: "
    "keep get_variable and give each layer its own variable scope."
)


def test_already_exists_verdicts(tf):
    cap, ns = built(tf, DENSE + DENSE_USE)
    kernels = _global_variable_names(tf, cap.graph)
    assert kernels == ["dense/kernel", "dense_1/kernel"]
    # The oracle for the value: the same two layers in numpy.
    expected = np.ones((1, 3)) @ np.ones((3, 4)) @ np.ones((4, 2))
    assert expected.tolist() == [[12.0, 12.0]]
    assert verdict("already_exists", cap) == (
        True,
        [
            "two kernels, one per layer: 'dense/kernel', 'dense_1/kernel'.",
            "the two stacked layers compute [[12., 12.]] from ones, as they should.",
        ],
        [],
    )
    # Zeros instead of ones: right kernels, another output.
    cap, _ = built(tf, DENSE.replace("ones_initializer", "zeros_initializer") + DENSE_USE)
    assert verdict("already_exists", cap)[2] == [
        "the output is [[0.0, 0.0]], expected [[12.0, 12.0]]: is y = dense(h, 2)?"
    ]
    # One layer only: one kernel, and its output has another shape than the two layers'.
    cap, _ = built(tf, DENSE + "x = tf.ones((1, 3))\nh = dense(x, 4)\n")
    assert verdict("already_exists", cap)[2] == [
        "expected two kernels of shapes (3, 4) and (4, 2), found 'dense/kernel (3, 4)'.",
        "the output is [[3.0, 3.0, 3.0, 3.0]], expected [[12.0, 12.0]]: is y = dense(h, 2)?",
    ]
    # The kernel fetched again with reuse=True: the layers' weights are shared.
    again = "with tf.compat.v1.variable_scope('dense', reuse=True):\n"
    again += "    same = tf.compat.v1.get_variable('kernel')\n"
    cap, _ = built(tf, DENSE + DENSE_USE + again)
    assert verdict("already_exists", cap)[2] == [
        "'dense/kernel' was reused: these layers must not share weights."
    ]
    # Kernels that no matmul uses.
    unused = DENSE.replace("tf.matmul(x, kernel)", "tf.reduce_sum(x) * tf.ones((1, units))")
    cap, _ = built(tf, unused + DENSE_USE)
    assert verdict("already_exists", cap)[2] == [
        "the cell computes no matmul: keep h = dense(x, 4) and y = dense(h, 2)."
    ]


def test_already_exists_layers_with_a_bias_too_are_solved_and_the_capture_is_left_alone(tf):
    with_bias = DENSE.replace(
        "        return tf.matmul(x, kernel)",
        "        bias = tf.compat.v1.get_variable('bias', shape=(units,),"
        " initializer=tf.compat.v1.zeros_initializer())\n"
        "        return tf.matmul(x, kernel) + bias",
    )
    cap, _ = built(tf, with_bias + DENSE_USE)
    assert len(_global_variable_names(tf, cap.graph)) == 4  # two kernels, two biases
    devices = [(op.name, op.device) for op in cap.ops]
    assert verdict("already_exists", cap)[0] is True
    # Running the output to check it records no device in the learner's capture.
    assert [(op.name, op.device) for op in cap.ops] == devices


def test_already_exists_names_tf_variable_kernels(tf):
    plain = DENSE.replace(
        "tf.compat.v1.get_variable(\n"
        "            'kernel', shape=(x.shape[-1], units), "
        "initializer=tf.compat.v1.ones_initializer())",
        "tf.Variable(tf.ones((x.shape[-1], units)), name='kernel')",
    )
    cap, _ = built(tf, plain + DENSE_USE)
    assert _global_variable_names(tf, cap.graph) == ["dense/kernel", "dense_1/kernel"]
    assert verdict("already_exists", cap)[2] == [
        f"'dense/kernel', 'dense_1/kernel' are {KERNEL_ADVICE}"
    ]
    cap, _ = built(tf, plain + "x = tf.ones((1, 3))\ny = dense(x, 4)\n")
    assert verdict("already_exists", cap)[2] == [
        "expected two kernels of shapes (3, 4) and (4, 2), found 'dense/kernel (3, 4)'.",
        f"'dense/kernel' is {KERNEL_ADVICE}",
        "the output is [[3.0, 3.0, 3.0, 3.0]], expected [[12.0, 12.0]]: is y = dense(h, 2)?",
    ]


def test_already_exists_advice_when_the_cell_raises(tf):
    starter = DENSE.replace("None, default_name='dense'", "'dense'")
    cap, _ = built(tf, starter + DENSE_USE)
    assert "already exists" in str(cap.error)
    [line] = verdict("already_exists", cap)[2]
    assert line.startswith(f"the cell still raises {type(cap.error).__name__}: ")
    assert line.endswith(
        " Each call of dense() builds a new layer, so each needs its own variable scope."
    )
    shared = DENSE.replace("None, default_name='dense'", "'dense', reuse=tf.compat.v1.AUTO_REUSE")
    cap, _ = built(tf, shared + DENSE_USE)
    assert "Trying to share" in str(cap.error)
    [line] = verdict("already_exists", cap)[2]
    assert line.endswith(" Reuse shares the first layer's kernel; these two layers need their own.")


def test_already_exists_says_when_the_output_cannot_run(tf):
    fed = DENSE_USE.replace("tf.ones((1, 3))", "tf.compat.v1.placeholder(tf.float32, (1, 3))")
    cap, _ = built(tf, DENSE + fed)
    [line] = verdict("already_exists", cap)[2]
    assert line.startswith("running the output failed: TensorFlow could not run ")


TOWERS_WRONG = (
    "after the kernel is changed, the towers do not both compute their own input times it: "
    "is each tower fed its own placeholder (left_in, right_in)?"
)


def _siamese(tf, code, **answers):
    cap, ns = built(tf, SIAMESE_GIVEN + code)
    given = {"left": ns.get("left"), "right": ns.get("right")}
    return verdict("siamese", cap, **{**given, **answers}), ns


def test_siamese_verdicts(tf):
    (solved, right, wrong), ns = _siamese(tf, SIAMESE_SOLUTION)
    # TF's own objects: each tower's matmul reads the kernel through its own ReadVariableOp.
    reads = [ns[side].op.inputs[1].op for side in ("left", "right")]
    assert [r.type for r in reads] == ["ReadVariableOp", "ReadVariableOp"]
    assert {r.inputs[0].op.name for r in reads} == {"tower/kernel"}
    assert (solved, wrong) == (True, [])
    assert right == [
        "one variable 'tower/kernel'; the second tower's get_variable reused it.",
        f"two reads of it: '{reads[0].name}', '{reads[1].name}'.",
        "after the kernel is changed, each tower computes its input times it.",
    ]
    # The right tower fed the left input: one kernel, read twice, the wrong values.
    (solved, right, wrong), _ = _siamese(
        tf, SIAMESE_SOLUTION.replace("tower(right_in)", "tower(left_in)")
    )
    assert (solved, len(right), wrong) == (False, 2, [TOWERS_WRONG])
    # A third tower: three reads of the one kernel.
    third = SIAMESE_SOLUTION + "with tf.compat.v1.variable_scope('tower', reuse=True):\n"
    third += "    extra = tower(left_in)\n"
    (solved, right, wrong), ns = _siamese(tf, third)
    reads = [ns[side].op.inputs[1].op.name for side in ("left", "right", "extra")]
    assert wrong == [
        "expected two reads of 'tower/kernel' (one per tower), found "
        + ", ".join(f"'{name}'" for name in reads)
        + "."
    ]
    # Two towers with their own kernels.
    (solved, right, wrong), _ = _siamese(
        tf, SIAMESE_SOLUTION.replace("'tower', reuse=True", "'tower_2'")
    )
    assert (right, wrong) == (
        [],
        [
            "there are 2 kernels ('tower/kernel', 'tower_2/kernel'): both towers should get "
            "the same one."
        ],
    )
    # No kernel at all.
    (solved, right, wrong), _ = _siamese(tf, "left = left_in * 2.0\nright = right_in * 2.0\n")
    assert wrong == ["there are 0 kernels (none): both towers should get the same one."]


def test_siamese_towers_with_a_bias_too_are_solved(tf):
    with_bias = SIAMESE_GIVEN.replace(
        "    return tf.matmul(x, kernel, name='out')",
        "    bias = tf.compat.v1.get_variable('bias', shape=(2,),"
        " initializer=tf.compat.v1.zeros_initializer())\n"
        "    return tf.add(tf.matmul(x, kernel), bias, name='out')",
    )
    cap, ns = built(tf, with_bias + SIAMESE_SOLUTION)
    assert _global_variable_names(tf, cap.graph) == ["tower/kernel", "tower/bias"]
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[0] is True


def test_siamese_another_variable_in_the_cell_does_not_matter(tf):
    cap, ns = built(
        tf,
        SIAMESE_GIVEN
        + SIAMESE_SOLUTION
        + "step = tf.compat.v1.train.get_or_create_global_step()\n",
    )
    assert _global_variable_names(tf, cap.graph) == ["tower/kernel", "global_step"]
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[0] is True


def test_siamese_forgetting_reuse_gets_the_advice(tf):
    cap, ns = built(tf, SIAMESE_GIVEN + SIAMESE_SOLUTION.replace(", reuse=True", ""))
    assert "already exists" in str(cap.error)
    [line] = verdict("siamese", cap, left=None, right=None)[2]
    assert line.startswith(f"the cell still raises {type(cap.error).__name__}: ")
    assert line.endswith(" The second tower must reuse the first tower's variables.")


def test_siamese_one_get_variable_for_both_towers(tf):
    # The kernel is got once and the second tower multiplies by it directly.
    code = """
with tf.compat.v1.variable_scope('tower'):
    left = tower(left_in)
kernel = tf.compat.v1.global_variables()[0]
right = tf.matmul(right_in, kernel, name='out_right')
"""
    (solved, right, wrong), ns = _siamese(tf, code)
    assert ns["kernel"].op.name == "tower/kernel"
    assert wrong == ["'tower/kernel' was got by 1 call(s): each tower should ask for it."]
    assert right == [
        f"two reads of it: '{ns['left'].op.inputs[1].op.name}', "
        f"'{ns['right'].op.inputs[1].op.name}'.",
        "after the kernel is changed, each tower computes its input times it.",
    ]


def test_siamese_outputs_and_inputs_in_words(tf):
    (solved, right, wrong), _ = _siamese(tf, SIAMESE_SOLUTION, left=1, right="tower_1/out")
    assert wrong == [
        "left should be a tensor the cell built (got int); pass the Python variable that holds it.",
        "right should be a tensor the cell built (got str); pass the Python variable that "
        "holds it.",
    ]
    with tf.Graph().as_default():
        elsewhere = tf.constant([[1.0, 2.0]])
    eager = tf.constant([[1.0, 2.0]])  # an eager tensor belongs to no graph
    assert tf.executing_eagerly()
    for other in (elsewhere, eager):
        (solved, right, wrong), _ = _siamese(tf, SIAMESE_SOLUTION, right=other)
        assert wrong == [
            "right should be a tensor the cell built (got a tensor of another graph); pass "
            "the Python variable that holds it."
        ]
    renamed = SIAMESE_GIVEN.replace("name='left_in'", "name='left_input'")
    cap, ns = built(tf, renamed + SIAMESE_SOLUTION)
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[2] == [
        "the placeholder 'left_in' is gone: keep the two given input lines."
    ]
    # A tower whose input is no placeholder: running it needs a feed the check cannot give.
    fed = SIAMESE_SOLUTION.replace("tower(left_in)", "tower(left_in + extra)")
    fed = "extra = tf.compat.v1.placeholder(tf.float32, (None, 3), name='extra')\n" + fed
    (solved, right, wrong), _ = _siamese(tf, fed)
    # TF's own words for the missing feed, not its first line ("Graph execution error:").
    assert wrong == [
        "running the two towers failed (InvalidArgumentError: You must feed a value for "
        "placeholder tensor 'extra' with dtype float and shape [?,3])."
    ]


def test_siamese_a_tower_fed_its_input_reversed_computes_something_else(tf):
    # The kernel the check sets tells input features apart: reversing them shows.
    reversed_left = SIAMESE_SOLUTION.replace(
        "tower(left_in)", "tower(tf.reverse(left_in, axis=[1]))"
    )
    (solved, right, wrong), _ = _siamese(tf, reversed_left)
    assert wrong == [TOWERS_WRONG]


def test_siamese_a_placeholder_of_another_width_cannot_be_fed(tf):
    wider = SIAMESE_GIVEN.replace("(None, 3), name='left_in'", "(None, 4), name='left_in'")
    cap, ns = built(tf, wider + SIAMESE_SOLUTION.replace("tower(left_in)", "tower(left_in[:, :3])"))
    assert cap.error is None
    # What TensorFlow says when fed a (2, 3) batch.
    with tf.compat.v1.Session(graph=cap.graph) as session:
        with pytest.raises(ValueError) as fed:
            session.run(ns["left"], {ns["left_in"]: np.zeros((2, 3), np.float32)})
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[2] == [
        f"running the two towers failed (ValueError: {fed.value})."
    ]


def test_siamese_a_kernel_outside_the_global_variables(tf):
    local = SIAMESE_GIVEN.replace(
        "initializer=tf.compat.v1.constant_initializer(0.1))",
        "initializer=tf.compat.v1.constant_initializer(0.1),\n"
        "        collections=[tf.compat.v1.GraphKeys.LOCAL_VARIABLES])",
    )
    cap, ns = built(tf, local + SIAMESE_SOLUTION)
    assert _global_variable_names(tf, cap.graph) == []
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[2] == [
        "'tower/kernel' is not a 2-D kernel among the graph's global variables."
    ]


def test_siamese_a_kernel_that_is_not_a_matrix(tf):
    vector = SIAMESE_GIVEN.replace("shape=(3, 2)", "shape=(3,)").replace(
        "tf.matmul(x, kernel, name='out')", "tf.multiply(x, kernel, name='out')"
    )
    cap, ns = built(tf, vector + SIAMESE_SOLUTION)
    assert cap.error is None
    assert verdict("siamese", cap, left=ns["left"], right=ns["right"])[2] == [
        "'tower/kernel' is not a 2-D kernel among the graph's global variables."
    ]


# The keys and shapes the exercise asks for, written out.
ASKED = {
    "mlp/hidden1/biases": (8,),
    "mlp/hidden1/weights": (4, 8),
    "mlp/hidden2/biases": (8,),
    "mlp/hidden2/weights": (8, 8),
    "mlp/logits/biases": (3,),
    "mlp/logits/weights": (8, 3),
}
SIX_KEYS = "the checkpoint has exactly the six keys asked for."
BATCH_OF_2 = "logits for a batch of 2 have shape (2, 3)."


def _mlp(tf, code, **answers):
    cap, ns = built(tf, MLP_GIVEN + code)
    # A TF Saver writes one key per global variable: its name and shape.
    keys = {
        v.op.name: tuple(v.shape)
        for v in cap.graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
    }
    return verdict("mlp_keys", cap, **{"logits": ns.get("logits"), **answers}), keys


def test_mlp_keys_verdicts(tf):
    result, keys = _mlp(tf, MLP_SOLUTION)
    assert keys == ASKED
    assert result == (True, [SIX_KEYS, BATCH_OF_2], [])
    result, _ = _mlp(tf, MLP_SOLUTION, logits=3)
    assert result == (
        False,
        [SIX_KEYS],
        [
            "logits should be a tensor the cell built (got int); pass the Python variable that "
            "holds it."
        ],
    )
    # hidden2 with 16 units: the right keys, three of them with other shapes.
    result, keys = _mlp(tf, MLP_SOLUTION.replace("h2 = dense(h1, 8,", "h2 = dense(h1, 16,"))
    assert set(keys) == set(ASKED)
    assert result == (
        False,
        [SIX_KEYS, BATCH_OF_2],
        [
            f"'{key}' has shape {keys[key]}, expected {ASKED[key]}."
            for key in ASKED
            if keys[key] != ASKED[key]
        ],
    )
    assert len(result[2]) == 3
    # hidden2 made but skipped: logits do not depend on its variables.
    result, _ = _mlp(tf, MLP_SOLUTION.replace("logits = dense(h2, 3)", "logits = dense(h1, 3)"))
    assert result == (
        False,
        [SIX_KEYS, BATCH_OF_2],
        [
            "logits are not computed from 'mlp/hidden2/biases', 'mlp/hidden2/weights': wire "
            "every layer in."
        ],
    )
    # No logits layer: its two keys are missing, and the output is (2, 8).
    no_logits = MLP_SOLUTION.replace("logits = dense(h2, 3)", "logits = h2")
    no_logits = no_logits.replace("    with tf.compat.v1.variable_scope('logits'):\n", "")
    result, keys = _mlp(tf, no_logits)
    assert result == (
        False,
        [],
        [
            "the checkpoint is missing 'mlp/logits/biases', 'mlp/logits/weights'.",
            "logits for a batch of 2 have shape (2, 8), expected (2, 3).",
        ],
    )


def test_mlp_keys_residual_or_reference_variables_are_still_computed_from(tf):
    # hidden1's output reaches logits by two paths; the walk back must not stop at the join.
    residual = MLP_SOLUTION.replace(
        "h2 = dense(h1, 8, tf.nn.relu)", "h2 = dense(h1, 8, tf.nn.relu) + h1"
    )
    assert _mlp(tf, residual)[0] == (True, [SIX_KEYS, BATCH_OF_2], [])
    # A term added twice: the walk meets it again before the layers below the first sum.
    twice = MLP_SOLUTION.replace(
        "logits = dense(h2, 3)",
        "shift = tf.reduce_mean(x)\n        logits = (dense(h2, 3) + shift) + shift",
    )
    assert _mlp(tf, twice)[0] == (True, [SIX_KEYS, BATCH_OF_2], [])
    # TF 1's reference variables (op type VariableV2) instead of resource variables.
    reference = MLP_GIVEN.replace(
        "shape=(inputs.shape[-1], units))", "shape=(inputs.shape[-1], units), use_resource=False)"
    )
    reference = reference.replace(
        "zeros_initializer())", "zeros_initializer(), use_resource=False)"
    )
    cap, ns = built(tf, reference + MLP_SOLUTION)
    types = {
        op.type for op in cap.graph.get_operations() if op.name.endswith(("weights", "biases"))
    }
    assert types == {"VariableV2"}
    devices = [(op.name, op.device) for op in cap.ops]
    assert verdict("mlp_keys", cap, logits=ns["logits"]) == (True, [SIX_KEYS, BATCH_OF_2], [])
    assert [(op.name, op.device) for op in cap.ops] == devices  # the check ran it, unrecorded
    cap, ns = built(tf, MLP_GIVEN + MLP_SOLUTION + "raise ValueError('the cell broke')\n")
    assert verdict("mlp_keys", cap, logits=ns["logits"])[2] == [
        "the cell still raises ValueError: the cell broke. Fix the error first."
    ]


def test_mlp_keys_explains_an_extra_key(tf):
    # get_variable inside a name scope of the variable scope 'mlp': the name scope is ignored.
    extra = MLP_SOLUTION + (
        "with tf.compat.v1.variable_scope('mlp'):\n"
        "    with tf.compat.v1.name_scope('counters'):\n"
        "        step = tf.compat.v1.get_variable('step', shape=(), dtype=tf.int64)\n"
    )
    result, keys = _mlp(tf, extra)
    assert set(keys) - set(ASKED) == {"mlp/step"}
    assert result == (
        False,
        [BATCH_OF_2],
        [
            "the checkpoint has a key 'mlp/step' that is not in the list. get_variable ignored "
            "name scope 'mlp_1/counters' and followed the variable scope 'mlp'."
        ],
    )
    # A tf.Variable at the top level: no name scope to explain.
    result, keys = _mlp(tf, MLP_SOLUTION + "count = tf.Variable(0, name='count')\n")
    assert set(keys) - set(ASKED) == {"count"}
    assert result[2] == ["the checkpoint has a key 'count' that is not in the list."]
    # The starter: name scopes only, so get_variable names follow no scope at all.
    starter = (
        "with tf.compat.v1.name_scope('mlp'):\n"
        "    with tf.compat.v1.name_scope('hidden1'):\n"
        "        h1 = dense(x, 8, tf.nn.relu)\n"
        "logits = h1\n"
    )
    result, keys = _mlp(tf, starter)
    assert sorted(keys) == ["biases", "weights"]
    why = (
        " get_variable ignored name scope 'mlp/hidden1' and followed no variable scope "
        "(none was open)."
    )
    assert result == (
        False,
        [],
        [
            "the checkpoint is missing " + ", ".join(f"'{key}'" for key in ASKED) + ".",
            *(
                f"the checkpoint has a key '{key}' that is not in the list.{why}"
                for key in sorted(keys)
            ),
            "logits for a batch of 2 have shape (2, 8), expected (2, 3).",
        ],
    )


def test_mlp_keys_says_which_placeholder_cannot_be_fed(tf):
    noisy = MLP_SOLUTION.replace(
        "logits = dense(h2, 3)",
        "noise = tf.compat.v1.placeholder(tf.float32, None, name='noise')\n"
        "        logits = dense(h2, 3) + noise",
    )
    result, _ = _mlp(tf, noisy)
    assert result == (
        False,
        [SIX_KEYS],
        [
            "running logits failed: the placeholder 'mlp/logits/noise' has no known shape: "
            "give it one, e.g. (None, 4)."
        ],
    )
    # A placeholder with a known size keeps it: only the batch dimension becomes 2.
    fixed = MLP_SOLUTION.replace(
        "logits = dense(h2, 3)",
        "bias = tf.compat.v1.placeholder(tf.float32, (None, 3), name='bias')\n"
        "        logits = dense(h2, 3) + bias",
    )
    assert _mlp(tf, fixed)[0] == (True, [SIX_KEYS, BATCH_OF_2], [])


RESTORE = (
    "saver = tf.compat.v1.train.Saver("
    "{'encoder/dense/kernel': kernel, 'encoder/dense/bias': bias})\n"
)


def _restore(tf, tmp_path, code, given=RESTORE_GIVEN, **answers):
    old = write_old_checkpoint(str(tmp_path))
    # TensorFlow's reader says what the old checkpoint holds.
    assert {k: tuple(s) for k, s in tf.train.list_variables(old)} == {
        "encoder/dense/bias": (2,),
        "encoder/dense/kernel": (3, 2),
    }
    cap, ns = built(tf, given + code)
    return verdict(
        "restore_checkpoint", cap, **{"saver": ns.get("saver"), "checkpoint": old, **answers}
    )


def test_restore_checkpoint_verdicts(tf, tmp_path):
    assert _restore(tf, tmp_path, RESTORE) == (
        True,
        [
            "the Saver restored without error.",
            "'model/encoder/kernel' holds the checkpoint's 'encoder/dense/kernel'.",
            "'model/encoder/bias' holds the checkpoint's 'encoder/dense/bias'.",
        ],
        [],
    )
    assert _restore(tf, tmp_path, "saver = tf.compat.v1.train.Saver()\n") == (
        False,
        [],
        [
            "the Saver asks the checkpoint for 'model/encoder/bias', 'model/encoder/kernel', "
            "which it does not have; its keys are 'encoder/dense/bias', 'encoder/dense/kernel'. "
            "A Saver looks each variable up by the key you give it (by default, the "
            "variable's own name)."
        ],
    )
    partial = "saver = tf.compat.v1.train.Saver({'encoder/dense/kernel': kernel})\n"
    assert _restore(tf, tmp_path, partial) == (
        False,
        [
            "the Saver restored without error.",
            "'model/encoder/kernel' holds the checkpoint's 'encoder/dense/kernel'.",
        ],
        ["'model/encoder/bias' was not restored: no old key was mapped to it."],
    )
    # The two keys swapped: each variable takes the other one's value and shape.
    swapped = (
        "saver = tf.compat.v1.train.Saver("
        "{'encoder/dense/kernel': bias, 'encoder/dense/bias': kernel})\n"
    )
    assert _restore(tf, tmp_path, swapped)[2] == [
        "'model/encoder/kernel' now holds the checkpoint's 'encoder/dense/bias' (shape (2,)), "
        "not 'encoder/dense/kernel': check which old key goes to which variable.",
        "'model/encoder/bias' now holds the checkpoint's 'encoder/dense/kernel' (shape (3, 2)), "
        "not 'encoder/dense/bias': check which old key goes to which variable.",
    ]


def test_restore_checkpoint_reads_only_the_given_savers_keys(tf, tmp_path):
    # The starter's Saver left in the cell, both Savers in one name scope: only the one
    # passed to check() is asked for its keys.
    both = (
        "with tf.compat.v1.name_scope('restoring'):\n"
        "    starter_saver = tf.compat.v1.train.Saver()\n"
        "    saver = tf.compat.v1.train.Saver("
        "{'encoder/dense/kernel': kernel, 'encoder/dense/bias': bias})\n"
    )
    assert _restore(tf, tmp_path, both)[0] is True
    # A sharded Saver (one restore op per device) asks for the keys of every shard.
    sharded = RESTORE_GIVEN.replace(
        "        bias = tf.compat.v1.get_variable('bias', shape=(2,))",
        "        with tf.device('/cpu:1'):\n"
        "            bias = tf.compat.v1.get_variable('bias', shape=(2,))",
    )
    cap, ns = built(tf, sharded + "saver = tf.compat.v1.train.Saver(sharded=True)\n")
    restores = [op.name for op in cap.graph.get_operations() if op.type == "RestoreV2"]
    assert len(restores) == 2
    old = write_old_checkpoint(str(tmp_path))
    assert verdict("restore_checkpoint", cap, saver=ns["saver"], checkpoint=old)[2] == [
        "the Saver asks the checkpoint for 'model/encoder/bias', 'model/encoder/kernel', "
        "which it does not have; its keys are 'encoder/dense/bias', 'encoder/dense/kernel'. "
        "A Saver looks each variable up by the key you give it (by default, the "
        "variable's own name)."
    ]


def test_restore_checkpoint_checks_every_variable_of_the_model(tf, tmp_path):
    only_bias = "saver = tf.compat.v1.train.Saver({'encoder/dense/bias': bias})\n"
    assert _restore(tf, tmp_path, only_bias) == (
        False,
        [
            "the Saver restored without error.",
            "'model/encoder/bias' holds the checkpoint's 'encoder/dense/bias'.",
        ],
        ["'model/encoder/kernel' was not restored: no old key was mapped to it."],
    )
    # A variable the old model did not have: nothing can be restored into it.
    scaled = RESTORE_GIVEN + (
        "with tf.compat.v1.variable_scope('model/encoder', reuse=False):\n"
        "    scale = tf.compat.v1.get_variable('scale', shape=())\n"
    )
    assert _restore(tf, tmp_path, RESTORE, given=scaled)[2] == [
        "'model/encoder/scale' was not restored: no old key was mapped to it."
    ]


def test_restore_checkpoint_from_another_checkpoint_with_the_same_keys(tf, tmp_path):
    # Keys like the old model's, values of its own: restoring works, the values are not the old.
    other = tmp_path / "other"
    other.mkdir()
    graph = tf.Graph()
    with graph.as_default():
        with tf.compat.v1.variable_scope("encoder/dense"):
            tf.compat.v1.get_variable("kernel", initializer=tf.fill((3, 2), 7.0))
            tf.compat.v1.get_variable("bias", initializer=tf.fill((2,), 7.0))
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            path = tf.compat.v1.train.Saver().save(session, str(other / "model"))
    (solved, right, wrong) = _restore(tf, tmp_path, RESTORE, checkpoint=path)
    assert right == ["the Saver restored without error."]
    assert wrong == [
        "'model/encoder/kernel' does not hold the value of 'encoder/dense/kernel'.",
        "'model/encoder/bias' does not hold the value of 'encoder/dense/bias'.",
    ]


def test_restore_checkpoint_refuses_wrong_things_in_words(tf, tmp_path):
    assert _restore(tf, tmp_path, RESTORE, saver={})[2] == [
        "saver should be a tf.compat.v1.train.Saver, not dict."
    ]
    assert _restore(tf, tmp_path, RESTORE, checkpoint=str(tmp_path / "missing"))[2] == [
        "there is no checkpoint where `checkpoint` points: pass the path "
        "exercises.write_old_checkpoint(...) returned."
    ]
    # A model variable of another dtype: the checkpoint's float cannot go into it.
    doubles = RESTORE_GIVEN.replace("shape=(3, 2))", "shape=(3, 2), dtype=tf.float64)")
    assert _restore(tf, tmp_path, RESTORE, given=doubles)[2] == [
        "restoring failed: a checkpoint value does not fit the variable it was given to "
        "(InvalidArgumentError); check which old key goes to which variable."
    ]
    cap, _ = built(tf, RESTORE_GIVEN + "raise NameError('saver')\n")
    old = write_old_checkpoint(str(tmp_path))
    assert verdict("restore_checkpoint", cap, saver=None, checkpoint=old)[2] == [
        "the cell still raises NameError: saver. Fix the error first."
    ]


MOVE = """
scopekit.checkpoint.plan(tf1_checkpoint, model).apply(overrides={
    'mlp/hidden1/kernel': 'mlp/fc/weights', 'mlp/hidden1/bias': 'mlp/fc/biases',
    'mlp/hidden2/kernel': 'mlp/fc_1/weights', 'mlp/hidden2/bias': 'mlp/fc_1/biases',
})
"""
# Which old key each new weight must hold, as the statement says.
MOVED = {
    "hidden1/kernel": "mlp/fc/weights",
    "hidden1/bias": "mlp/fc/biases",
    "hidden2/kernel": "mlp/fc_1/weights",
    "hidden2/bias": "mlp/fc_1/biases",
    "logits/kernel": "mlp/logits/weights",
    "logits/bias": "mlp/logits/biases",
}
SAME_AS_TF1 = "on a batch of 2 the model computes what the TF1 model computed."
NAME_THE_LAYERS = "name the layers 'hidden1', 'hidden2' and 'logits'."


def _move(tf, tmp_path, code, **answers):
    old = write_tf1_mlp_checkpoint(str(tmp_path))
    cap, ns = built(tf, code, eager=True, tf1_checkpoint=old)
    given = {"model": ns.get("model"), "checkpoint": old}
    return verdict("move_checkpoint", cap, **{**given, **answers}), ns, old


def test_move_checkpoint_verdicts(tf, tmp_path):
    (solved, right, wrong), ns, old = _move(tf, tmp_path, MOVE_GIVEN + MOVE)
    # The oracle: TF's reader and the TF1 forward pass written here in numpy.
    reader = tf.train.load_checkpoint(old)
    layers = {layer.name: layer for layer in ns["model"].layers}
    for short, key in MOVED.items():
        layer, weight = short.split("/")
        np.testing.assert_array_equal(
            getattr(layers[layer], weight).numpy(), reader.get_tensor(key)
        )
    assert (solved, wrong) == (True, [])
    assert right == [
        f"'{short}' holds the checkpoint's '{key}'." for short, key in MOVED.items()
    ] + [SAME_AS_TF1]
    # The hidden layers swapped in the overrides.
    swapped = MOVE.replace("fc_1/", "OTHER/").replace("fc/", "fc_1/").replace("OTHER/", "fc/")
    (solved, right, wrong), _, _ = _move(tf, tmp_path, MOVE_GIVEN + swapped)
    other = {"mlp/fc/weights": "mlp/fc_1/weights", "mlp/fc/biases": "mlp/fc_1/biases"}
    other.update({b: a for a, b in other.items()})
    assert right == [
        "'logits/kernel' holds the checkpoint's 'mlp/logits/weights'.",
        "'logits/bias' holds the checkpoint's 'mlp/logits/biases'.",
    ]
    assert wrong == [
        f"'{short}' holds the checkpoint's '{other[key]}', not '{key}': the two hidden "
        "layers have the same shapes; say which old layer is which with overrides."
        for short, key in MOVED.items()
        if key in other
    ]
    # No relu: the right weights in a model that computes something else.
    no_relu = MOVE_GIVEN.replace("activation='relu', ", "")
    (solved, right, wrong), _, _ = _move(tf, tmp_path, no_relu + MOVE)
    assert wrong == [
        "the weights are right but the model computes something other than the TF1 model: "
        "relu after hidden1 and hidden2, no activation after logits."
    ]


def test_move_checkpoint_a_model_with_dropout_computes_the_same(tf, tmp_path):
    # Dropout adds a seed generator's variable, not a weight: the model is still the TF1 one.
    dropout = MOVE_GIVEN.replace(
        "    keras.layers.Dense(3, name='logits'),",
        "    keras.layers.Dropout(0.5),\n    keras.layers.Dense(3, name='logits'),",
    )
    (solved, right, wrong), ns, _ = _move(tf, tmp_path, dropout + MOVE)
    assert len(ns["model"].variables) == len(ns["model"].weights) + 1
    assert (solved, wrong) == (True, [])


def test_move_checkpoint_computations_close_to_the_tf1_ones_are_not_the_same(tf, tmp_path):
    # Leaky relu instead of relu, or a relu on the inputs too: the right weights, other logits.
    # A slope of 0.01 keeps the logits within 0.1 of the TF1 ones: close, not the same.
    leaky = MOVE_GIVEN.replace(
        "activation='relu'", "activation=lambda t: keras.ops.leaky_relu(t, negative_slope=0.01)"
    )
    relu_first = MOVE_GIVEN.replace(
        "    keras.Input((4,)),", "    keras.Input((4,)),\n    keras.layers.Activation('relu'),"
    )
    for model in (leaky, relu_first):
        (solved, right, wrong), _, _ = _move(tf, tmp_path, model + MOVE)
        assert wrong == [
            "the weights are right but the model computes something other than the TF1 "
            "model: relu after hidden1 and hidden2, no activation after logits."
        ]


def test_move_checkpoint_a_graph_variable_and_the_missing_weights_each_get_a_line(tf, tmp_path):
    class GraphModel(tf.Module):
        def __call__(self, x):
            return x

    with tf.Graph().as_default():
        graph_model = GraphModel()
        graph_model.kernel = tf.Variable(tf.zeros((4, 4)), name="hidden1/kernel")
    (solved, right, wrong), _, _ = _move(tf, tmp_path, MOVE_GIVEN, model=graph_model)
    assert wrong == [
        "'hidden1/kernel' has no value to read here: build the model eagerly.",
        *(
            f"the model has 0 weights named '.../{short}' (expected one): {NAME_THE_LAYERS}"
            for short in list(MOVED)[1:]
        ),
    ]


def test_move_checkpoint_wants_the_model_itself(tf, tmp_path):
    (solved, right, wrong), ns, _ = _move(tf, tmp_path, MOVE_GIVEN + MOVE)
    holder = types.SimpleNamespace(weights=ns["model"].weights)  # not callable
    unbuilt = "import keras\nmodel = keras.Sequential([keras.layers.Dense(3)])\n"
    cases = ((MOVE_GIVEN + MOVE, holder, "SimpleNamespace"), (unbuilt, None, "Sequential"))
    for code, model, name in cases:
        (solved, right, wrong), ns, _ = _move(
            tf, tmp_path, code, **({"model": model} if model else {})
        )
        assert wrong == [
            "model should be the Keras 3 model (or tf.Module) your cell built and loaded, not "
            f"a {name}."
        ]


def test_move_checkpoint_names_shapes_and_values_in_words(tf, tmp_path):
    # Keras' own layer names: none of the weights the statement names.
    auto = MOVE_GIVEN.replace(", name='hidden1'", "").replace(", name='hidden2'", "")
    auto = auto.replace(", name='logits'", "")
    (solved, right, wrong), ns, _ = _move(tf, tmp_path, auto)
    paths = sorted("/".join(w.path.split("/")[-2:]) for w in ns["model"].weights)
    assert wrong == [
        "the model has weights the TF1 model did not: "
        + ", ".join(f"'{p}'" for p in paths)
        + ". Name the layers 'hidden1', 'hidden2' and 'logits', as the statement asks.",
        *(
            f"the model has 0 weights named '.../{short}' (expected one): {NAME_THE_LAYERS}"
            for short in MOVED
        ),
    ]
    # hidden1 with 5 units, nothing loaded: shapes first, then the initial values.
    wider = MOVE_GIVEN.replace(
        "Dense(4, activation='relu', name='hidden1')", "Dense(5, activation='relu', name='hidden1')"
    )
    (solved, right, wrong), _, _ = _move(tf, tmp_path, wider)
    assert wrong == [
        "'hidden1/kernel' has shape (4, 5), but 'mlp/fc/weights' has (4, 4).",
        "'hidden1/bias' has shape (5,), but 'mlp/fc/biases' has (4,).",
        "'hidden2/kernel' has shape (5, 4), but 'mlp/fc_1/weights' has (4, 4).",
        *(
            f"'{short}' holds no value of the checkpoint (still its initial value?): it "
            f"should hold '{MOVED[short]}'."
            for short in ("hidden2/bias", "logits/kernel", "logits/bias")
        ),
    ]


def test_move_checkpoint_refuses_what_is_not_a_loaded_model(tf, tmp_path):
    (solved, right, wrong), ns, _ = _move(tf, tmp_path, MOVE_GIVEN + MOVE, model=5)
    assert wrong == [
        "model should be the Keras 3 model (or tf.Module) your cell built and loaded, not a int."
    ]
    weights = ns["model"].weights
    assert _move(tf, tmp_path, MOVE_GIVEN + MOVE, model=weights)[0][2] == [
        "model should be the Keras 3 model (or tf.Module) your cell built and loaded, not a list."
    ]
    cap, _ = built(tf, "x = tf.constant(1.0)\n")
    assert verdict("move_checkpoint", cap, model=None, checkpoint="nowhere")[2] == [
        "the cell ran in graph mode: run it with `%%scopes -o cap --eager`."
    ]
    assert _move(tf, tmp_path, MOVE_GIVEN + MOVE, checkpoint=str(tmp_path / "missing"))[0][2] == [
        "there is no checkpoint where `checkpoint` points: pass the path "
        "exercises.write_tf1_mlp_checkpoint(...) returned."
    ]
    refused = MOVE_GIVEN + "scopekit.checkpoint.plan(tf1_checkpoint, model).apply()\n"
    (solved, right, wrong), _, _ = _move(tf, tmp_path, refused)
    [line] = wrong
    assert line.startswith("the cell still raises PlanError")
    assert line.endswith(" Fix the error first (apply() loads nothing when it refuses).")


def test_move_checkpoint_a_model_that_fails_when_called(tf, tmp_path):
    # A tf.Module holding the six loaded weights, whose call raises.
    module = """
class Broken(tf.Module):
    def __init__(self):
        super().__init__(name='mlp')
        self.vars = [
            tf.Variable(tf.zeros(shape), name=name)
            for name, shape in (
                ('hidden1/kernel', (4, 4)), ('hidden1/bias', (4,)),
                ('hidden2/kernel', (4, 4)), ('hidden2/bias', (4,)),
                ('logits/kernel', (4, 3)), ('logits/bias', (3,)))
        ]

    def __call__(self, x):
        raise ValueError('not built yet')

model = Broken()
reader = tf.train.load_checkpoint(tf1_checkpoint)
old = {'hidden1': 'mlp/fc', 'hidden2': 'mlp/fc_1', 'logits': 'mlp/logits'}
for v in model.vars:
    layer, weight = v.name.split(':')[0].split('/')
    v.assign(reader.get_tensor(old[layer] + ('/weights' if weight == 'kernel' else '/biases')))
"""
    (solved, right, wrong), ns, _ = _move(tf, tmp_path, module)
    assert not hasattr(ns["model"], "weights")  # read through .variables
    assert len(right) == 6
    assert wrong == ["calling model on a batch of shape (2, 4) failed: ValueError."]


def test_auto_reuse_two_graphs_each_with_its_own_table_share_nothing(tf):
    # The same name in two graphs is two variables: the second call created, not reused.
    starter = EMBED.replace(", reuse=tf.compat.v1.AUTO_REUSE", "")
    code = starter + (
        "first = embed(tf.constant([1, 2]))\n"
        "with tf.Graph().as_default() as other:\n"
        "    second = embed(tf.constant([3]))\n"
    )
    cap, ns = built(tf, code)
    assert cap.error is None
    tables = [
        _global_variable_names(tf, graph) for graph in (ns["first"].graph, ns["second"].graph)
    ]
    assert tables == [["embedding/table"], ["embedding/table"]]
    solved, right, wrong = verdict("auto_reuse", cap, fn=ns["embed"])
    assert wrong[:2] == [
        "expected one table shared by both calls, found 'embedding/table' from 2 get_variable "
        "call(s).",
        "no variable scope was opened with reuse=tf.compat.v1.AUTO_REUSE.",
    ]


def test_auto_reuse_a_scope_a_library_opened_is_not_the_learners(tf):
    # A TF1 layer (tf_keras' legacy dense) opens its own variable scope with AUTO_REUSE.
    import tf_keras.src.legacy_tf_layers.core as legacy_layers

    code = (
        """
def embed(ids):
    rows = legacy_layers.dense(tf.ones((10, 4)), 4, name='embedding', reuse=tf.compat.v1.AUTO_REUSE)
    return tf.gather(rows, ids)
"""
        + TWO_CALLS
    )
    cap, ns = built(tf, code, legacy_layers=legacy_layers)
    assert cap.error is None
    reuse_modes = {(s.kind, s.origin, s.reuse) for s in cap.scopes}
    assert ("variable_scope", "library", "AUTO_REUSE") in reuse_modes
    solved, right, wrong = verdict("auto_reuse", cap, fn=ns["embed"])
    assert "the variable scope is opened with reuse=AUTO_REUSE." not in right
    assert "no variable scope was opened with reuse=tf.compat.v1.AUTO_REUSE." in wrong
