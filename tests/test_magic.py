"""%%scopes in a real IPython InteractiveShell."""

import os
import subprocess
import sys
import textwrap

from scopekit import Capture
from scopekit.capture import hooks_installed
from tests.conftest import run

FOO_BAR = """\
with tf.compat.v1.name_scope('foo'):
    with tf.compat.v1.variable_scope('bar'):
        x = tf.compat.v1.get_variable('x', shape=())
        x2 = tf.square(x, name='x2')
"""


def test_cell_output_shows_tree_table_and_notes(shell, shown):
    result = run(shell, "%%scopes\n" + FOO_BAR)
    assert result.success
    (output,) = shown
    text = output["data"]["text/plain"]
    assert "get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'" in text
    assert "foo/bar/x2" in text and "Square" in text
    assert "<code>" in output["data"]["text/html"]
    # The cell's own variables stay in the notebook.
    assert shell.user_ns["x"].name == "bar/x:0"
    assert shell.user_ns["x2"].name == "foo/bar/x2:0"
    assert not hooks_installed()


def test_output_is_the_same_on_every_run(shell, shown):
    run(shell, "%%scopes\n" + FOO_BAR)
    run(shell, "%%scopes\n" + FOO_BAR)
    assert shown[0]["data"] == shown[1]["data"]


def test_o_stores_the_capture(shell, shown):
    run(shell, "%%scopes -o cap\n" + FOO_BAR)
    cap = shell.user_ns["cap"]
    assert isinstance(cap, Capture)
    assert [v.name for v in cap.variables] == ["bar/x"]


def test_text_option_shows_only_text(shell, shown):
    run(shell, "%%scopes --text\n" + FOO_BAR)
    assert list(shown[0]["data"]) == ["text/plain"]


def test_default_graph_shows_suffixes_growing_and_fresh_does_not(shell, shown, tf):
    cell = "v = tf.Variable(1.0, name='v')\n"
    shell.user_ns["tf"] = tf
    run(shell, "tf.compat.v1.reset_default_graph()")
    names = []
    for _ in range(3):
        run(shell, "%%scopes --graph default -o cap\n" + cell)
        names.append(shell.user_ns["cap"].variables[0].name)
    assert names == ["v", "v_1", "v_2"]
    assert "'v' was renamed 'v_2' because the name was taken" in shown[-1]["data"]["text/plain"]
    for _ in range(2):
        run(shell, "%%scopes -o cap\n" + cell)
        assert shell.user_ns["cap"].variables[0].name == "v"
    run(shell, "tf.compat.v1.reset_default_graph()")


def test_last_expression_is_the_cells_value(shell, shown):
    result = run(shell, "%%scopes\nc = tf.constant(2.0, name='two')\nc.name")
    assert result.result == "two:0"


def test_exception_fails_the_cell_with_the_users_traceback(shell, shown, capsys):
    cell = textwrap.dedent(
        """\
        %%scopes -o cap
        def build():
            with tf.compat.v1.variable_scope('half'):
                tf.compat.v1.get_variable('w', [1])
                raise ValueError('my own mistake')
        build()
        """
    )
    result = run(shell, cell)
    assert not result.success
    assert isinstance(result.error_in_exec, ValueError)
    assert str(result.error_in_exec) == "my own mistake"
    printed = capsys.readouterr().out
    assert "my own mistake" in printed
    assert "raise ValueError('my own mistake')" in printed
    assert "scopekit" not in printed and "run_cell_magic" not in printed
    # The partial capture is shown and kept.
    cap = shell.user_ns["cap"]
    assert [v.name for v in cap.variables] == ["half/w"]
    assert isinstance(cap.error, ValueError)
    assert "The cell raised ValueError: my own mistake" in shown[0]["data"]["text/plain"]
    assert not hooks_installed()
    # The next plain cell is unaffected.
    assert run(shell, "after = 1 + 1").success and shell.user_ns["after"] == 2


def test_keyboard_interrupt_removes_hooks(shell, shown):
    result = run(shell, "%%scopes -o cap\ntf.constant(1.0)\nraise KeyboardInterrupt")
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert len(shell.user_ns["cap"].ops) == 1
    assert not hooks_installed()


def test_syntax_error_runs_nothing_and_reads_like_a_plain_cell(shell, shown, capsys):
    shell.user_ns.pop("ran", None)
    result = run(shell, "%%scopes\nran = True\nx = (\n")
    assert not result.success
    assert "ran" not in shell.user_ns
    printed = capsys.readouterr().out
    assert "SyntaxError" in printed and "x = (" in printed
    assert "scopekit" not in printed
    assert shown == []


def test_unknown_option_is_a_usage_error_and_the_cell_does_not_run(shell, shown, capsys):
    shell.user_ns.pop("ran", None)
    result = run(shell, "%%scopes --colour red\nran = True\n")
    assert not result.success
    assert "ran" not in shell.user_ns
    assert "unrecognized arguments: --colour red" in capsys.readouterr().err


def test_help_documents_every_option(shell):
    doc = shell.find_cell_magic("scopes").__doc__
    for option in ("-o NAME", "--graph", "--text", "fresh", "default"):
        assert option in doc


def test_without_tensorflow_import_works_and_the_magic_says_how_to_install(tmp_path):
    # A kernel where `import tensorflow` fails, as on a machine without it.
    script = textwrap.dedent(
        """\
        import sys
        sys.modules['tensorflow'] = None
        import scopekit
        assert 'tensorflow' not in sys.modules or sys.modules['tensorflow'] is None
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(history_length=0)
        shell.run_cell('%load_ext scopekit')
        result = shell.run_cell('%%scopes\\nx = 1\\n')
        print('SUCCESS', result.success)
        print('X DEFINED', 'x' in shell.user_ns)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "SUCCESS False" in done.stdout and "X DEFINED False" in done.stdout
    assert 'pip install "scopekit[tf]"' in done.stdout + done.stderr


def test_import_and_load_ext_do_not_import_tensorflow():
    script = textwrap.dedent(
        """\
        import sys
        import scopekit
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(history_length=0)
        shell.run_cell('%load_ext scopekit')
        print('TF LOADED', 'tensorflow' in sys.modules)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert "TF LOADED False" in done.stdout, done.stderr
