"""The sources' runner on hand-made examples: what each way of stating a claim is checked against.

The oracle is TensorFlow itself (the same code run here in a fresh graph of the
test's own) and Python's own ``inspect``; never the runner's functions.
"""

import inspect
import logging
import sys
import traceback

import pytest

from scopekit.sources import Claim, Example
from scopekit.sources.runner import run_example


def _example(code, *claims, after=None, example_id="test-runner"):
    return Example(id=example_id, title="a test", code=code, claims=claims, after=after)


def _checks(result):
    """(actual, holds) per claim; each check quotes its own claim, in the example's order."""
    assert [check.claim for check in result.checks] == list(result.example.claims)
    return [(check.actual, check.holds) for check in result.checks]


def _fresh_graph_names(tf, code):
    """What TensorFlow names the tensors `code` binds, in a graph of the test's own."""
    namespace = {"tf": tf}
    with tf.Graph().as_default():
        exec(code, namespace)
    return {k: v.name for k, v in namespace.items() if hasattr(v, "op")}


TWO_CONSTANTS = "x = tf.constant(1, name='x')\nwith tf.name_scope('s'):\n    y = x + 1\n"


def test_print_claims_are_checked_against_what_that_print_showed(tf):
    names = _fresh_graph_names(tf, TWO_CONSTANTS)
    code = TWO_CONSTANTS + (
        "print(x.name)\n"
        "print(y.name, x.name, sep=' | ')\n"
        "print(x.name)\n"
        "print('to stderr', file=sys.stderr)\n"
    )
    result = run_example(
        _example(
            "import sys\n" + code,
            Claim("x.name", names["x"], "print"),
            Claim("y.name, x.name", f"{names['y']} | {names['x']}  \n\n", "print"),
            # The second claim about print(x.name) is checked against the second print.
            Claim("x . name", "x:1", "print", why="wrong on purpose", kind="wrong"),
            # A fourth print(x.name) never came.
            Claim("x.name", names["x"], "print"),
            Claim("'to stderr'", "to stderr", "print"),
        )
    )
    assert result.error is None
    assert _checks(result) == [
        (names["x"], True),
        (f"{names['y']} | {names['x']}", True),
        (names["x"], False),
        (None, False),
        (None, False),
    ]
    # The program's own output: the prints, not the one to stderr.
    assert result.stdout == f"{names['x']}\n{names['y']} | {names['x']}\n{names['x']}\n"


def test_print_inside_a_function_and_with_end_is_observed(tf):
    code = "def show(t):\n    print(t.name, end='!')\nshow(tf.constant(0, name='z'))\n"
    names = _fresh_graph_names(tf, "z = tf.constant(0, name='z')")
    result = run_example(_example(code, Claim("t.name", names["z"] + "!", "print")))
    assert _checks(result) == [(names["z"] + "!", True)]
    assert result.stdout == names["z"] + "!"


def test_assert_claims_record_the_value_and_do_not_stop_the_program(tf):
    names = _fresh_graph_names(tf, TWO_CONSTANTS)
    code = TWO_CONSTANTS + (
        "assert x.name == 'wrong:0'\n"
        "assert y.name == x.name\n"
        "assert x.dtype.is_integer\n"
        "print('after the asserts')\n"
    )
    result = run_example(
        _example(
            code,
            Claim("x.name", "'wrong:0'", "assert", why="wrong on purpose", kind="wrong"),
            Claim("y.name == x.name", "True", "assert", why="wrong on purpose", kind="wrong"),
            Claim("x.dtype.is_integer", "True", "assert"),
            Claim("'after the asserts'", "after the asserts", "print"),
        )
    )
    assert result.error is None
    assert _checks(result) == [
        (names["x"], False),
        (repr(names["y"] == names["x"]), False),
        ("True", True),
        ("after the asserts", True),
    ]


def test_an_assert_in_a_function_is_checked_once_per_call(tf):
    code = (
        "def named(n):\n"
        "    v = tf.constant(0, name=n)\n"
        "    assert v.name == 'a:0'\n"
        "named('a')\n"
        "named('b')\n"
    )
    result = run_example(
        _example(
            code,
            Claim("v.name", "'a:0'", "assert"),
            Claim("v.name", "'a:0'", "assert", why="second call", kind="wrong"),
        )
    )
    names = _fresh_graph_names(tf, "b = tf.constant(0, name='b')")
    assert _checks(result) == [("a:0", True), (names["b"], False)]


def test_error_and_raises_claims(tf):
    code = "x = tf.constant(1, name='x')\nraise ValueError('bad value')\n"
    result = run_example(
        _example(
            code,
            Claim("", "ValueError: bad value", "error"),
            Claim("", "ValueError: other", "error", why="wrong on purpose", kind="wrong"),
            Claim("", "it fails", "raises"),
        )
    )
    assert isinstance(result.error, ValueError)
    assert _checks(result) == [
        ("ValueError: bad value", True),
        ("ValueError: bad value", False),
        ("ValueError: bad value", True),
    ]
    # The error's traceback names the example, not a file.
    frames = traceback.extract_tb(result.error.__traceback__)
    assert frames[-1].filename == "<scopekit example test-runner>"
    fine = run_example(
        _example(
            "x = 1\n",
            Claim("", "ValueError: bad value", "error", why="no error", kind="wrong"),
            Claim("", "it fails", "raises", why="no error", kind="wrong"),
        )
    )
    assert _checks(fine) == [("no error", False), ("no error", False)]


def test_signature_claims_compare_the_parameter_list_without_the_return_annotation(tf):
    code = "def f(a, b=1, *, c=None) -> int:\n    return a\n"
    namespace = {}
    exec(code, namespace)
    actual = str(inspect.signature(namespace["f"]).replace(return_annotation=inspect._empty))
    assert actual == "(a, b=1, *, c=None)"
    result = run_example(
        _example(
            code,
            Claim("f", "(a, b=1, *, c=None)", "signature"),
            Claim("f", "(a, b=1, …)", "signature"),
            Claim("f", "(a, b=2)", "signature", why="wrong on purpose", kind="wrong"),
        )
    )
    assert _checks(result) == [(actual, True), (actual, True), (actual, False)]
    stopped = run_example(_example("raise RuntimeError\n" + code, Claim("f", "(a)", "signature")))
    assert _checks(stopped) == [(None, False)]


def test_comment_and_prose_claims_evaluate_after_the_code_ran(tf):
    names = _fresh_graph_names(tf, TWO_CONSTANTS)
    result = run_example(
        _example(
            TWO_CONSTANTS,
            Claim("y.name", f"'{names['y']}'"),
            Claim("x.name", "x", why="wrong on purpose", kind="wrong"),
            Claim("y.shape.rank", "0"),
            Claim("y.name.startswith('s/')", "y lives under s", "prose", means="True"),
        )
    )
    assert _checks(result) == [
        (names["y"], True),
        (names["x"], False),
        ("0", True),
        ("True", True),
    ]
    # A name the code never made: not reached if the code stopped first ...
    stopped = run_example(
        _example(
            TWO_CONSTANTS + "raise KeyError\nz = 1\n",
            Claim("z", "1"),
            Claim("z", "it is one", "prose", means="1"),
        )
    )
    assert _checks(stopped) == [(None, False), (None, False)]
    assert [c.verdict for c in stopped.checks] == ["not reached: the code stopped before it"] * 2
    # ... and a mistake in the claim itself otherwise.
    with pytest.raises(NameError):
        run_example(_example(TWO_CONSTANTS, Claim("z", "1")))


def test_each_example_runs_in_a_fresh_graph(tf):
    with tf.Graph().as_default():
        tf.constant(0, name="x")  # a graph that already holds an 'x'
        result = run_example(_example(TWO_CONSTANTS, Claim("x.name", "'x:0'")))
    assert _checks(result) == [("x:0", True)]
    assert result.capture.graph is not None
    assert [op.name for op in result.capture.ops if not op.internal][0] == "x"


def test_an_example_after_another_shares_its_names_not_its_output(tf):
    first = _example(
        "x = tf.constant(1, name='x')\nprint(x.name)\nassert x.name == 'x:0'\n"
        "tf.get_logger().warning('first warning')\n",
        Claim("x.name", "x:0", "print"),
        example_id="test-first",
    )
    second = _example(
        "y = tf.constant(2, name='x')\nprint(y.name)\nassert y.name == 'x_1:0'\n"
        "tf.get_logger().warning('second warning')\n",
        Claim("y.name", "x_1:0", "print"),
        Claim("y.name", "'x_1:0'", "assert"),
        Claim("x.name", "'x:0'"),
        after=first,
        example_id="test-second",
    )
    names = _fresh_graph_names(tf, "x = tf.constant(1, name='x')\ny = tf.constant(2, name='x')")
    assert names == {"x": "x:0", "y": "x_1:0"}  # one graph: the second 'x' is renamed
    result = run_example(second)
    assert _checks(result) == [("x_1:0", True), ("x_1:0", True), ("x:0", True)]
    assert result.stdout == "x_1:0\n"
    assert result.logged == ["second warning"]


def test_an_example_that_runs_after_itself_is_refused():
    first = _example("x = 1\n", example_id="test-loop-a")
    second = _example("y = 2\n", after=first, example_id="test-loop-b")
    object.__setattr__(first, "after", second)  # a catalog mistake: a loop
    # The loop is the run's error, in words, instead of a program that never ends.
    assert run_example(second).error_text == "ValueError: example 'test-loop-b' runs after itself"
    alone = _example("x = 1\n", example_id="test-loop-self")
    object.__setattr__(alone, "after", alone)
    assert run_example(alone).error_text == (
        "ValueError: example 'test-loop-self' runs after itself"
    )


def test_tensorflow_warnings_are_kept_in_the_result_not_printed(tf, caplog, capsys):
    code = "tf.get_logger().warning('deprecated: use %s', 'something else')\n"
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        result = run_example(_example(code))
        assert result.logged == ["deprecated: use something else"]
        assert not [r for r in caplog.records if "deprecated" in r.getMessage()]
        # After the run, TensorFlow's warnings reach their handlers again.
        tf.get_logger().warning("after the run")
    assert [r.getMessage() for r in caplog.records if r.name == "tensorflow"] == ["after the run"]
    assert "deprecated" not in capsys.readouterr().err
    assert sys.stdout is not None


def test_what_a_print_showed_is_kept_as_printed_but_its_last_newline(tf):
    code = "print('x:0', '')\nprint('VERTEX')\nprint('two\\nlines')\n"
    result = run_example(
        _example(
            code,
            Claim("'x:0', ''", "x:0", "print"),
            Claim("'VERTEX'", "VERTEX", "print"),
            Claim("'two\\nlines'", "two\nlines", "print"),
        )
    )
    # Python's own print: the text, a separator space, the end of line.
    assert result.stdout == "x:0 \nVERTEX\ntwo\nlines\n"
    assert _checks(result) == [("x:0 ", True), ("VERTEX", True), ("two\nlines", True)]


def test_an_assert_the_code_never_reached(tf):
    code = "x = tf.constant(1, name='x')\nraise RuntimeError('stop')\nassert x.name == 'x:0'\n"
    result = run_example(_example(code, Claim("x.name", "'x:0'", "assert")))
    assert _checks(result) == [(None, False)]
    assert result.checks[0].verdict == "not reached: the code stopped before it"


def test_a_chain_of_three_runs_oldest_first(tf):
    first = _example("x = tf.constant(1, name='x')\n", example_id="test-chain-1")
    second = _example("y = tf.identity(x, name='y')\n", after=first, example_id="test-chain-2")
    third = _example(
        "print(y.name)\n", Claim("y.name", "y:0", "print"), after=second, example_id="test-chain-3"
    )
    result = run_example(third)
    assert result.error is None
    assert _checks(result) == [("y:0", True)]


def test_a_loop_among_earlier_examples_is_refused_too():
    first = _example("x = 1\n", example_id="test-loop-1")
    second = _example("y = 2\n", after=first, example_id="test-loop-2")
    object.__setattr__(first, "after", second)  # 1 and 2 run after each other
    third = _example("z = 3\n", after=second, example_id="test-loop-3")
    assert run_example(third).error_text == "ValueError: example 'test-loop-3' runs after itself"


def test_an_earlier_example_that_fails_leaves_its_output_and_its_error(tf):
    first = _example("print('before the error')\nraise KeyError('k')\n", example_id="test-fail-1")
    second = _example("print('never')\n", after=first, example_id="test-fail-2")
    result = run_example(second)
    assert result.error_text == "KeyError: 'k'"
    assert result.stdout == "before the error\n"


def test_a_print_to_another_file_is_printed_there(tf, capsys):
    code = "import sys\nprint('to stderr', 2, file=sys.stderr)\n"
    result = run_example(_example(code))
    assert result.stdout == ""
    assert capsys.readouterr().err == "to stderr 2\n"
