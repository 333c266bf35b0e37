"""Hardening: bad cells, odd state, other environments, big cells.

Each case checks what the user would notice: their own error or message, the
partial capture shown and kept, no hooks left, the next plain cell unaffected,
TensorFlow's state as it was.
"""

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from scopekit import capture
from scopekit.hooks import hooks_installed
from tests.conftest import run


def _text(output):
    return output["data"]["text/plain"]


def _next_cell_is_fine(shell):
    result = run(shell, "_plain = 40 + 2")
    assert result.success and shell.user_ns["_plain"] == 42
    assert not hooks_installed()


# -- bad cells ----------------------------------------------------------------


def test_exception_at_the_first_line(shell, shown):
    result = run(shell, "%%scopes -o cap\nraise RuntimeError('first line')\n")
    assert isinstance(result.error_in_exec, RuntimeError)
    cap = shell.user_ns["cap"]
    assert cap.ops == () and isinstance(cap.error, RuntimeError)
    assert "The cell raised RuntimeError: first line" in _text(shown[0])
    _next_cell_is_fine(shell)


def test_exception_midway_keeps_what_was_built(shell, shown):
    cell = textwrap.dedent(
        """\
        %%scopes -o cap
        with tf.compat.v1.variable_scope('net'):
            w = tf.compat.v1.get_variable('w', [2])
            tf.compat.v1.get_variable('w', [2])
        """
    )
    result = run(shell, cell)
    assert isinstance(result.error_in_exec, ValueError)
    assert "already exists, disallowed" in str(result.error_in_exec)
    cap = shell.user_ns["cap"]
    assert [v.name for v in cap.variables] == ["net/w"]
    assert shell.user_ns["w"].name == "net/w:0"  # what ran before the error stays
    _next_cell_is_fine(shell)


def test_system_exit(shell, shown, capsys):
    result = run(shell, "%%scopes -o cap\ntf.constant(1.0, name='c')\nraise SystemExit(3)\n")
    assert isinstance(result.error_in_exec, SystemExit)
    assert [o.name for o in shell.user_ns["cap"].ops] == ["c"]
    _next_cell_is_fine(shell)


def test_a_cell_that_creates_nothing(shell, shown):
    assert run(shell, "%%scopes -o cap\nanswer = 6 * 7\n").success
    assert shell.user_ns["answer"] == 42
    text = _text(shown[0])
    assert text.startswith("scopekit: 0 variables (0 calls), 0 ops, 0 scopes opened by the cell")
    assert "(nothing)" in text


def test_a_cell_that_only_prints(shell, shown, capsys):
    assert run(shell, "%%scopes\nprint('hello from the cell')\n").success
    assert "hello from the cell" in capsys.readouterr().out
    assert "0 ops" in _text(shown[0])


def test_an_empty_cell_gets_ipythons_own_message(shell, shown, capsys):
    # IPython refuses a cell magic with no body before scopekit runs.
    result = run(shell, "%%scopes -o cap\n")
    assert not result.success
    assert "is a cell magic, but the cell body is empty" in capsys.readouterr().err
    _next_cell_is_fine(shell)


def test_a_cell_of_only_comments_and_blank_lines(shell, shown):
    assert run(shell, "%%scopes -o cap\n\n# to do: build the model\n   \n").success
    assert shell.user_ns["cap"].ops == ()
    assert "(nothing)" in _text(shown[0])
    _next_cell_is_fine(shell)


@pytest.mark.parametrize(
    "line, message",
    [
        ("-o", "argument -o/--output: expected one argument"),
        ("--graph sideways", "argument --graph: invalid choice: 'sideways'"),
        ("--text extra", "unrecognized arguments: extra"),
    ],
)
def test_malformed_options_say_what_is_wrong_and_run_nothing(shell, shown, capsys, line, message):
    shell.user_ns.pop("ran", None)
    result = run(shell, f"%%scopes {line}\nran = True\n")
    assert not result.success
    assert "ran" not in shell.user_ns
    assert message in capsys.readouterr().err
    assert shown == []
    _next_cell_is_fine(shell)


# -- state ----------------------------------------------------------------------


def test_nested_scopes_magic(shell, shown):
    cell = textwrap.dedent(
        """\
        %%scopes -o outer
        tf.constant(1.0, name='outside')
        get_ipython().run_cell_magic('scopes', '-o inner', "tf.constant(2.0, name='inside')")
        """
    )
    assert run(shell, cell).success
    outer, inner = shell.user_ns["outer"], shell.user_ns["inner"]
    assert [o.name for o in inner.ops] == ["inside"]
    # The inner capture's fresh graph is its own, not a graph the outer cell made.
    assert [(o.name, o.graph) for o in outer.ops] == [("outside", 0)]
    assert len(outer.graphs) == 1
    _next_cell_is_fine(shell)


def test_the_same_cell_ten_times_in_a_fresh_graph_gives_the_same_names(shell, shown):
    cell = "%%scopes\nwith tf.compat.v1.variable_scope('s'):\n    v = tf.Variable(1.0, name='v')\n"
    for _ in range(10):
        run(shell, cell)
    assert len({_text(output) for output in shown}) == 1


def test_the_same_cell_ten_times_in_the_default_graph_grows_and_says_why(shell, shown, tf):
    run(shell, "tf.compat.v1.reset_default_graph()")
    cell = "%%scopes --graph default -o cap\nv = tf.Variable(1.0, name='v')\n"
    names = []
    for _ in range(10):
        run(shell, cell)
        names.append(shell.user_ns["cap"].variables[0].name)
    assert names == ["v"] + [f"v_{i}" for i in range(1, 10)]
    last = _text(shown[-1])
    held = 9 * len(shell.user_ns["cap"].ops)  # nine earlier runs of the same cell
    assert (
        f"The graph already held {held} ops from before: a name asked for again gets a _1" in last
    )
    assert "'v' was renamed 'v_9' because the name was taken" in last
    run(shell, "tf.compat.v1.reset_default_graph()")


def test_default_graph_after_other_cells_built_into_it(shell, shown, tf):
    run(shell, "tf.compat.v1.reset_default_graph()")
    run(shell, "with tf.Graph().as_default(): pass")
    run(
        shell,
        "g = tf.compat.v1.get_default_graph()\nwith g.as_default(): tf.constant(0.0, name='c')",
    )
    run(shell, "%%scopes --graph default -o cap\nc = tf.constant(1.0, name='c')\n")
    cap = shell.user_ns["cap"]
    assert [o.name for o in cap.ops] == ["c_1"]
    assert cap.ops_before == 1
    run(shell, "tf.compat.v1.reset_default_graph()")


def test_a_cell_that_makes_its_own_graph(shell, shown):
    cell = "%%scopes -o cap\nwith tf.Graph().as_default():\n    tf.constant(1.0, name='own')\n"
    assert run(shell, cell).success
    cap = shell.user_ns["cap"]
    assert [(o.name, o.graph) for o in cap.ops] == [("own", 1)]
    assert "Scope tree of graph 1 (made in the cell)" in _text(shown[0])


def test_reset_default_graph_inside_a_fresh_cell(shell, shown, tf):
    users_graph = tf.compat.v1.get_default_graph()
    cell = textwrap.dedent(
        """\
        %%scopes -o cap
        tf.constant(1.0, name='before_reset')
        tf.compat.v1.reset_default_graph()
        tf.constant(1.0, name='after_reset')
        """
    )
    assert run(shell, cell).success
    cap = shell.user_ns["cap"]
    assert [(o.name, o.graph) for o in cap.ops] == [("before_reset", 0), ("after_reset", 1)]
    # The user's own default graph is as it was.
    assert tf.compat.v1.get_default_graph() is users_graph
    assert tf.executing_eagerly()


def test_reset_default_graph_inside_a_default_graph_cell_acts_as_without_the_magic(
    shell, shown, tf
):
    before = tf.compat.v1.get_default_graph()
    cell = (
        "%%scopes --graph default -o cap\n"
        "tf.compat.v1.reset_default_graph()\n"
        "c = tf.constant(1.0)\n"
    )
    assert run(shell, cell).success
    after = tf.compat.v1.get_default_graph()
    assert after is not before and shell.user_ns["c"].graph is after
    assert shell.user_ns["cap"].graphs[1] is after


def test_tensorflow_state_is_as_it_was_after_a_cell(shell, shown, tf):
    graph = tf.compat.v1.get_default_graph()
    run(
        shell,
        "%%scopes\nwith tf.compat.v1.variable_scope('x'):\n"
        "    tf.compat.v1.get_variable('w', [1])\n",
    )
    run(shell, "%%scopes\nraise ValueError('no')\n")
    assert tf.compat.v1.get_default_graph() is graph
    assert tf.executing_eagerly()
    assert tf.compat.v1.get_variable_scope().name == ""
    assert tf.constant(2.0).numpy() == 2.0  # eager still works in the next cell


def test_eager_disabled_globally_beforehand():
    script = textwrap.dedent(
        """\
        import tensorflow as tf
        tf.compat.v1.disable_eager_execution()
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(history_length=0)
        shell.run_cell('%load_ext scopekit')
        shell.user_ns['tf'] = tf
        r = shell.run_cell("%%scopes -o cap\\nwith tf.compat.v1.name_scope('a'):\\n"
                           "    v = tf.compat.v1.get_variable('v', [1])\\n")
        cap = shell.user_ns['cap']
        print('RESULT', r.success, [x.name for x in cap.variables], cap.variables[0].prefix_from)
        print('DEFAULT UNTOUCHED', len(tf.compat.v1.get_default_graph().get_operations()))
        """
    )
    done = _python(script)
    assert "RESULT True ['v'] none" in done.stdout, done.stderr
    assert "DEFAULT UNTOUCHED 0" in done.stdout


def test_threads_still_building_after_the_cell_ends(tf):
    release = threading.Event()
    finished = threading.Event()

    with capture() as cap:
        graph = tf.compat.v1.get_default_graph()
        tf.constant(1.0, name="in_cell")

        def late_builder():
            release.wait(10)
            with graph.as_default():
                tf.constant(2.0, name="after_cell")
            finished.set()

        worker = threading.Thread(target=late_builder)
        worker.start()
    release.set()
    finished.wait(10)
    worker.join(10)
    assert [o.name for o in cap.ops] == ["in_cell"]
    assert [o.name for o in graph.get_operations()] == ["in_cell", "after_cell"]
    assert not hooks_installed()
    with capture() as later:
        tf.constant(3.0, name="next")
    assert [o.name for o in later.ops] == ["next"]


# -- environments --------------------------------------------------------------


def _python(script, **env):
    environ = dict(os.environ, PYTHONPATH=os.getcwd(), **env)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environ, timeout=300
    )


def test_plain_python_without_ipython_uses_the_api_and_never_the_magic():
    script = textwrap.dedent(
        """\
        import sys
        import scopekit
        print('IPYTHON AFTER IMPORT', 'IPython' in sys.modules)
        import tensorflow as tf
        with scopekit.capture() as cap:
            with tf.compat.v1.variable_scope('v'):
                tf.compat.v1.get_variable('w', [1])
        print(cap.to_text().splitlines()[0])
        print('MAGIC', 'scopekit.magic' in sys.modules)
        """
    )
    done = _python(script)
    assert "scopekit: 1 variable (1 call)" in done.stdout, done.stderr
    assert "IPYTHON AFTER IMPORT False" in done.stdout
    assert "MAGIC False" in done.stdout


def test_tensorflow_logs_are_quiet_when_scopekit_loads_first():
    script = textwrap.dedent(
        """\
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(history_length=0)
        shell.run_cell('%load_ext scopekit')
        shell.run_cell('import tensorflow as tf')
        shell.run_cell("%%scopes --text\\nx = tf.constant(1.0)\\n")
        """
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    environ["PYTHONPATH"] = os.getcwd()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environ, timeout=300
    )
    assert "scopekit: 0 variables" in done.stdout, done.stderr
    assert "I0000" not in done.stderr and "oneDNN" not in done.stderr


# -- resource limits -------------------------------------------------------------


def test_a_200000_op_cell_completes_with_bounded_views(tf):
    started = time.perf_counter()
    with capture() as cap:
        v1 = tf.compat.v1
        x = tf.zeros([1])
        for block in range(200):
            with v1.variable_scope(f"layer_{block}"):
                w = v1.get_variable("w", [1])
                for _ in range(996 // 2):
                    x = x + w  # one AddV2 per step
    assert len(cap.ops) >= 200_000
    total_ops = len(cap.graph.get_operations())
    assert len(cap.ops) == total_ops
    text = cap.to_text()
    html = cap.to_html()
    assert len(text) < 40_000 and "more names not shown" in text
    assert len(html) < 400_000 and "series of 200" in html
    assert "layer_[0..199]/  [series of 200" in text
    assert time.perf_counter() - started < 600


# -- hostile names ----------------------------------------------------------------


def test_names_tensorflow_rejects_get_tensorflows_own_error(tf):
    for bad in ("<script>alert(1)</script>", "a b", "-lead"):
        with tf.Graph().as_default():
            with pytest.raises(ValueError) as plain:
                tf.constant(1.0, name=bad)
        with pytest.raises(ValueError) as captured:
            with capture():
                tf.constant(1.0, name=bad)
        assert str(captured.value) == str(plain.value)
        assert not hooks_installed()


def test_accepted_hostile_and_long_names_render_escaped_and_intact(tf):
    angle = "in>out>script"  # graph names allow '>'
    long = "n" * 1200
    with capture() as cap:
        with tf.compat.v1.variable_scope(angle):
            tf.compat.v1.get_variable(long, [1])
        tf.constant(1.0, name=angle + "/" + long + "_op")
    text, html = cap.to_text(), cap.to_html()
    assert f"{angle}/{long}" in text  # intact, not shortened
    assert f"{angle}/{long}_op" in text
    assert "in&gt;out&gt;script" in html and "in>out" not in html
    assert long in html


def test_eager_and_keras_hostile_names_render_escaped_and_intact(tf):
    import keras

    img = "<img src=x onerror=alert(1)>"
    bold = "<b onmouseover=alert(1)>"
    with capture(eager=True) as cap:
        tf.Variable(1.0, name=img)  # eager variables take any name
        layer = keras.layers.Dense(2, name=bold)
        layer.build((None, 3))
    names = {v.name for v in cap.variables}
    assert img in names
    assert any(bold in (v.path or v.name) for v in cap.variables)
    text, html = cap.to_text(), cap.to_html()
    assert img in text and bold in text
    assert "<img" not in html and "<b " not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b onmouseover=alert(1)&gt;" in html


def test_a_missing_tensorflow_internal_is_reported_before_the_block_runs(tf, monkeypatch):
    from tensorflow.python.ops import variable_scope

    from scopekit.hooks import UnsupportedTensorFlow

    monkeypatch.delattr(variable_scope, "_VARSCOPESTORE_KEY")
    ran = []
    with pytest.raises(UnsupportedTensorFlow, match="does not support this TensorFlow version"):
        with capture():
            ran.append(True)
    assert ran == [] and not hooks_installed()
    monkeypatch.undo()
    with capture() as cap:  # nothing was left half-patched
        tf.constant(1.0, name="c")
    assert [o.name for o in cap.ops] == ["c"]
