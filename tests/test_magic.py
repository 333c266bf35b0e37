"""%%scopes in a real IPython InteractiveShell."""

import os
import subprocess
import sys
import textwrap

import scopekit
from scopekit import Capture
from scopekit.hooks import hooks_installed
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
        print('COURSE LOADED', 'scopekit.exercises' in sys.modules)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert "TF LOADED False" in done.stdout, done.stderr
    # The magic needs nothing from the course package (exercises and their catalog).
    assert "COURSE LOADED False" in done.stdout, done.stderr


def test_the_exercises_package_loads_its_catalog_on_first_use():
    script = textwrap.dedent(
        """\
        import sys
        from scopekit import exercises
        print('CATALOG LOADED', 'scopekit.exercises.catalog' in sys.modules)
        print('EXERCISES', len(exercises.EXERCISES) > 0, callable(exercises.run))
        print('CATALOG LOADED', 'scopekit.exercises.catalog' in sys.modules)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    lines = done.stdout.splitlines()
    assert lines == ["CATALOG LOADED False", "EXERCISES True True", "CATALOG LOADED True"], (
        done.stderr
    )


# -- the cell is a plain cell (the same checks side by side in a kernel: test_plain_cell.py) --


def both(shell, body, options="", store_history=True):
    """Run ``body`` as a plain cell, then as a %%scopes cell: (plain result, scopes result)."""
    plain = shell.run_cell(body, store_history=store_history)
    scoped = shell.run_cell(f"%%scopes --text {options}\n{body}", store_history=store_history)
    return plain, scoped


def test_a_syntax_error_is_pythons_own_before_the_cell_runs(shell, shown):
    shell.user_ns.pop("ran", None)
    plain, scoped = both(shell, "ran = True\nx = (\n")
    assert type(scoped.error_before_exec) is type(plain.error_before_exec) is SyntaxError
    assert scoped.error_in_exec is None
    assert scoped.error_before_exec.msg == plain.error_before_exec.msg
    assert scoped.error_before_exec.lineno == plain.error_before_exec.lineno == 2
    assert "ran" not in shell.user_ns and shown == []


def test_the_users_exception_is_not_altered(shell, shown, capsys):
    shell.run_cell(
        "class Fancy(Exception):\n"
        "    def _render_traceback_(self):\n"
        "        return ['Fancy: told in my own words']\n"
    )
    result = run(shell, "%%scopes\nraise Fancy()")
    assert type(result.error_in_exec).__name__ == "Fancy"
    out = capsys.readouterr().out
    assert "Fancy: told in my own words" in out and "Traceback" not in out
    result = run(shell, "%%scopes\nraise ValueError('mine')")
    assert "_render_traceback_" not in vars(result.error_in_exec)


def test_an_unsolved_exercise_in_a_scopes_cell_is_one_line(shell, shown, capsys):
    shell.run_cell("import scopekit\nfrom scopekit import exercises\n")
    shell.run_cell("with scopekit.capture() as nothing:\n    pass\n")
    result = run(shell, "%%scopes\nexercises.check('reopened_scope', nothing)")
    assert type(result.error_in_exec).__name__ == "ExerciseNotSolved"
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "ExerciseNotSolved" in line]
    assert line.startswith("ExerciseNotSolved: ") and "Traceback" not in out


def test_a_trailing_semicolon_hides_the_value(shell, shown, capsys):
    plain, scoped = both(shell, "40 + 2;")
    assert plain.result is scoped.result is None
    assert "Out[" not in capsys.readouterr().out
    plain, scoped = both(shell, "40 + 2")
    assert plain.result == scoped.result == 42


def test_ast_node_interactivity_is_honoured(shell, shown, capsys):
    shell.ast_node_interactivity = "all"
    try:
        plain = shell.run_cell("1 + 1\n2 + 2", store_history=True)
        plain_out = capsys.readouterr().out
        scoped = shell.run_cell("%%scopes --text\n1 + 1\n2 + 2", store_history=True)
        scoped_out = capsys.readouterr().out
    finally:
        shell.ast_node_interactivity = "last_expr"
    assert plain.result == scoped.result == 4
    n, m = plain.execution_count, scoped.execution_count
    assert plain_out == f"Out[{n}]: 2\nOut[{n}]: 4\n"
    assert scoped_out.startswith(f"Out[{m}]: 2\nOut[{m}]: 4\n")


def test_ast_and_input_transformers_apply(shell, shown):
    import ast

    class AnswerIs42(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id == "ANSWER":
                return ast.copy_location(ast.Constant(42), node)
            return node

    def twice(lines):
        return [line.replace("TWICE(", "2*(") for line in lines]

    shell.ast_transformers.append(AnswerIs42())
    shell.input_transformers_post.append(twice)
    try:
        plain, scoped = both(shell, "ANSWER + TWICE(1)")
    finally:
        shell.ast_transformers.pop()
        shell.input_transformers_post.remove(twice)
    assert plain.result == scoped.result == 44


def test_tracebacks_name_the_cell_by_its_own_number(shell, shown, capsys):
    plain, scoped = both(shell, "raise ValueError('numbered')")
    out = capsys.readouterr().out
    assert f"Cell In[{plain.execution_count}], line 1" in out
    assert f"Cell In[{scoped.execution_count}], line 1" in out
    assert f"Cell In[{scoped.execution_count + 1}]" not in out


def test_top_level_await_is_refused_before_the_cell_runs(shell, shown, capsys):
    shell.user_ns.pop("ran", None)
    result = run(shell, "%%scopes\nimport asyncio\nran = True\nawait asyncio.sleep(0)")
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert "cannot run a cell with a top-level `await`" in capsys.readouterr().err
    assert "ran" not in shell.user_ns and shown == []


# -- the magic's arguments ---------------------------------------------------


def test_o_takes_only_a_python_name(shell, shown, capsys):
    shell.user_ns.pop("ran", None)
    for bad in ("1cap", "class", "a.b", "cap-1"):
        result = run(shell, f"%%scopes -o {bad}\nran = True\n")
        assert type(result.error_in_exec).__name__ == "UsageError", bad
        assert f"-o takes the name of a Python variable to store the capture in, not {bad!r}" in (
            capsys.readouterr().err
        )
    assert "ran" not in shell.user_ns and shown == []


def write_checkpoint(tf, prefix):
    with tf.Graph().as_default():
        v = tf.compat.v1.get_variable("v", shape=(2,))
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(v.initializer)
            return saver.save(session, str(prefix))


def test_against_and_run_take_quoted_values(shell, shown, capsys, tf, tmp_path):
    (tmp_path / "my dir").mkdir()
    prefix = write_checkpoint(tf, tmp_path / "my dir" / "ckpt")
    shell.user_ns["where"] = prefix
    cell = (
        "%%scopes --text --against \"{where}\" --device cpu --run \"x, y\"\n"
        "v = tf.compat.v1.get_variable('v', shape=(2,))\n"
        "x = tf.constant([1.0, 2.0], name='x')\n"
        "y = tf.square(x, name='y')\n"
    )
    assert run(shell, cell).success
    out = "\n".join(output["data"]["text/plain"] for output in shown)
    assert "Checkpoint ckpt (name-based): 1 matched, 0 missing" in out
    assert "  x:0 = [1., 2.]" in out and "  y:0 = [1., 4.]" in out


def test_a_corrupt_or_missing_checkpoint_is_found_before_the_cell_runs(
    shell, shown, capsys, tf, tmp_path
):
    prefix = write_checkpoint(tf, tmp_path / "ckpt")
    with open(prefix + ".index", "r+b") as index:  # a checkpoint cut short while written
        index.truncate(10)
    shell.user_ns.pop("ran", None)
    for target, words in (
        (prefix, "TensorFlow cannot read the checkpoint 'ckpt'"),
        (tmp_path / "nothing", "No checkpoint at 'nothing'"),
    ):
        result = run(shell, f"%%scopes --against '{target}'\nran = True\n")
        assert type(result.error_in_exec).__name__ == "UsageError"
        err = capsys.readouterr().err
        assert err.startswith(f"UsageError: --against: {words}") and err.count("\n") == 1
    assert "ran" not in shell.user_ns and shown == []


def test_run_of_a_tensor_in_a_graph_the_cell_made_says_so(shell, shown, capsys):
    cell = (
        "%%scopes --text --run out\n"
        "with tf.Graph().as_default():\n"
        "    out = tf.constant(1.0, name='out')\n"
    )
    result = run(shell, cell)
    assert type(result.error_in_exec).__name__ == "UsageError"
    err = capsys.readouterr().err
    assert "'out' is in a graph the cell made itself (graph 1" in err
    assert "empty" not in err


def test_unload_and_reload_ext(shell, shown):
    try:
        run(shell, "%unload_ext scopekit")
        assert shell.find_cell_magic("scopes") is None
        assert "ScopesMagics" not in shell.magics_manager.registry
        run(shell, "%load_ext scopekit")
        assert run(shell, "%reload_ext scopekit").success
        assert run(shell, "%%scopes -o cap\nc = tf.constant(1.0, name='c')").success
        assert [op.name for op in shell.user_ns["cap"].ops] == ["c"]
    finally:
        run(shell, "%load_ext scopekit")


def test_help_usage_line_names_the_cell_magic(shell):
    doc = shell.find_cell_magic("scopes").__doc__
    assert doc.splitlines()[2].startswith("  %%scopes [-o NAME]")


def test_plan_shows_which_key_each_variable_of_the_cell_takes(shell, shown, tf, tmp_path):
    # The checkpoint holds "v"; the cell makes it under an extra outer scope, so only a
    # rule (not the exact name) pairs them, and the plan under the cell says so.
    prefix = write_checkpoint(tf, tmp_path / "ckpt")
    shell.user_ns["where"] = prefix
    cell = (
        "%%scopes --text --against {where} --plan\n"
        "with tf.compat.v1.variable_scope('tower_0'):\n"
        "    v = tf.compat.v1.get_variable('v', shape=(2,))\n"
    )
    assert run(shell, cell).success
    out = "\n".join(output["data"]["text/plain"] for output in shown)
    plan_text = out[out.index("Checkpoint ckpt (name-based)") :]
    assert "tower_0/v" in plan_text and "0 missing" not in plan_text
    from scopekit.checkpoint import plan

    with scopekit.capture() as cap:
        with tf.compat.v1.variable_scope("tower_0"):
            tf.compat.v1.get_variable("v", shape=(2,))
    expected = plan(prefix, cap)
    assert [(p.variable, p.key) for p in expected.pairs] == [("tower_0/v", "v")]
    assert expected.to_text() in out


def test_plan_without_a_checkpoint_is_a_usage_error(shell, shown, capsys):
    result = run(shell, "%%scopes --plan\nran = True\n")
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert "--plan needs the checkpoint: add --against CKPT." in capsys.readouterr().err
    assert shown == []
