"""TensorFlow's state is the user's: a captured cell leaves it as a plain cell would.

Turning eager execution off lasts for the whole process, so those cases run in a
fresh Python each, side by side with the same code without scopekit.
"""

import functools
import subprocess
import sys
import textwrap
import traceback

import pytest

import scopekit
from scopekit import capture
from scopekit.hooks import hooks_installed
from tests.conftest import run

_AFTER = textwrap.dedent(
    """\
    print("eager:", tf.executing_eagerly())
    try:
        tf.compat.v1.placeholder(tf.float32, [None])
        print("placeholder: ok")
    except RuntimeError as error:
        print("placeholder:", type(error).__name__)
    """
)


def _python(code: str) -> str:
    prelude = "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport tensorflow as tf\n"
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize("call", ["disable_eager_execution", "disable_v2_behavior"])
def test_a_cell_turning_eager_off_leaves_it_off(call):
    cell = f"tf.compat.v1.{call}()\n"
    plain = _python(cell + _AFTER)
    captured = _python(
        "from scopekit import capture\nwith capture():\n" + textwrap.indent(cell, "    ") + _AFTER
    )
    assert plain == "eager: False\nplaceholder: ok\n"
    assert captured == plain


def test_reset_default_graph_in_default_graph_mode_stays(shell, shown):
    cell = "%%scopes -o cap --graph default --text\ntf.compat.v1.reset_default_graph()\n"
    cell += "tf.constant(1.0, name='kept')\n"
    assert run(shell, cell).success
    cap = shell.user_ns["cap"]
    now = shell.user_ns["tf"].compat.v1.get_default_graph()
    assert now is cap.graphs[1]
    assert [op.name for op in now.get_operations()] == ["kept"]


# -- the user's own patches -----------------------------------------------------


def _graph_name_scope():
    from tensorflow.python.framework import ops

    return ops.Graph, "name_scope"


@pytest.mark.parametrize("wraps", [True, False], ids=["functools.wraps", "no __wrapped__"])
def test_a_patch_installed_before_the_capture_still_runs(tf, wraps):
    owner, attribute = _graph_name_scope()
    tf_own = owner.__dict__[attribute]
    calls = []

    def patched(graph, name):
        calls.append(name)
        return tf_own(graph, name)

    if wraps:
        patched = functools.wraps(tf_own)(patched)
    setattr(owner, attribute, patched)
    try:
        with capture() as cap:
            with tf.compat.v1.name_scope("outer"):
                tf.constant(1.0, name="c")
    finally:
        setattr(owner, attribute, tf_own)
    assert "outer" in calls
    assert [(o.name, o.name_scope) for o in cap.ops] == [("outer/c", "outer")]
    assert [s.name_scope for s in cap.scopes if s.origin == "user"] == ["outer"]
    assert not hooks_installed()


def test_a_patch_installed_during_the_capture_stays(tf):
    owner, attribute = _graph_name_scope()
    tf_own = owner.__dict__[attribute]
    try:
        with capture():
            hooked = owner.__dict__[attribute]

            def patched(graph, name):
                return hooked(graph, name)

            setattr(owner, attribute, patched)
        assert owner.__dict__[attribute] is patched
        graph = tf.Graph()
        with graph.as_default(), tf.compat.v1.name_scope("after"):
            tf.constant(1.0, name="c")
        assert [op.name for op in graph.get_operations()] == ["after/c"]
    finally:
        setattr(owner, attribute, tf_own)


def test_reloading_scopekit_while_a_capture_is_open_leaves_no_hooks():
    # In its own process: a reload makes new module objects, which must not leak
    # into the other tests (their `capture` would no longer be scopekit.capture).
    out = _python(
        textwrap.dedent(
            """\
            import importlib
            import scopekit
            import scopekit.hooks as module
            from tensorflow.python.framework import ops
            tf_own = ops.Graph.__dict__["name_scope"]
            with scopekit.capture():
                importlib.reload(module)
                importlib.reload(scopekit)
                tf.constant(1.0)
            print("TF's own name_scope:", ops.Graph.__dict__["name_scope"] is tf_own)
            print("hooks installed:", module.hooks_installed())
            """
        )
    )
    assert out.splitlines() == ["TF's own name_scope: True", "hooks installed: False"]


# -- tracebacks ---------------------------------------------------------------------


def _traceback_frames(shell, capsys, cell: str) -> list:
    result = run(shell, cell)
    assert result.error_in_exec is not None
    text = capsys.readouterr().out
    return [line for line in text.splitlines() if line.startswith(("File ", "Cell In"))]


def test_a_tensorflow_error_reads_as_without_scopekit(shell, capsys):
    body = (
        "with tf.compat.v1.variable_scope('net'):\n"
        "    tf.compat.v1.get_variable('w', [2])\n"
        "    tf.compat.v1.get_variable('w', [2])\n"
    )
    in_a_graph = "with tf.Graph().as_default():\n" + textwrap.indent(body, "    ")
    plain = _traceback_frames(shell, capsys, in_a_graph)
    captured = _traceback_frames(shell, capsys, "%%scopes\n" + body)
    assert not any("scopekit" in line for line in captured)
    # The same TensorFlow frames below the cell's own line.
    assert [line for line in captured if "Cell In" not in line] == [
        line for line in plain if "Cell In" not in line
    ]


def test_a_tf_function_error_message_gains_no_scopekit_frames(shell):
    import os

    body = textwrap.dedent(
        """\
        @tf.function
        def pick(x, i):
            return tf.gather(x, i)
        try:
            pick(tf.ones([2]), tf.constant(5))
        except tf.errors.InvalidArgumentError as error:
            message = str(error)
        """
    )
    assert run(shell, "%%scopes --eager --text\n" + body).success
    message = shell.user_ns["message"]
    assert "defined at" in message  # TF's own list of frames is there...
    package = os.path.dirname(scopekit.__file__)
    assert package not in message  # ...without scopekit's


def test_tf_traceback_filter_is_tfs_own_again_after_the_capture(tf):
    # While a capture is open, TF's traceback filter also drops the hooks' frames;
    # afterwards it is exactly what TF had, and a user's own change to it stays.
    from tensorflow.python.util import traceback_utils

    before = traceback_utils._EXCLUDED_PATHS

    def raise_inside_tf():
        try:
            tf.Variable("text", dtype=tf.float32)
        except TypeError as error:
            return [frame.f_code.co_name for frame, _ in traceback.walk_tb(error.__traceback__)]

    with capture():
        inside = raise_inside_tf()
    # Below TF's error handler only TF's raising frame is left, as without a capture
    # (the hook frame above the handler is the one IPython hides: __tracebackhide__).
    assert inside[inside.index("error_handler") + 1 :] == ["_AssertCompatible"]
    assert traceback_utils._EXCLUDED_PATHS is before
    mine = before + ("my_own_library",)
    traceback_utils._EXCLUDED_PATHS = mine
    try:
        with capture():
            pass
        assert traceback_utils._EXCLUDED_PATHS is mine
    finally:
        traceback_utils._EXCLUDED_PATHS = before
