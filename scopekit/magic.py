"""The ``%%scopes`` cell magic: argument parsing and glue over scopekit.capture.

The only module that touches IPython. The body runs through IPython's own
``shell.run_cell``, as ``%%capture`` runs its body, inside the capture: a plain
cell's rules hold (the value shown or hidden by ``;``, transformers, SyntaxError
before anything runs, the user's own traceback shown by IPython itself), and the
``%%scopes`` cell then fails with the body's error, so Run All stops and
``raises-exception`` works. The capture's view comes after the body's outputs.
"""

from __future__ import annotations

import contextlib
import keyword
import os

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display
from IPython.utils.process import arg_split

from .hooks import capture, import_tensorflow
from .session_run import CellRun, RunError


@magics_class
class ScopesMagics(Magics):
    """Holds ``%%scopes``; registered by ``%load_ext scopekit``."""

    @magic_arguments("%scopes")  # the help's usage line then reads %%scopes, not %scopes
    @argument(
        "-o",
        "--output",
        metavar="NAME",
        help="Store the Capture in the variable NAME (also when the cell fails).",
    )
    @argument(
        "--graph",
        choices=("fresh", "default"),
        default="fresh",
        help=(
            "fresh (default): run the cell in a new tf.Graph, so names are the same "
            "on every run. default: build into tf.compat.v1.get_default_graph(), "
            "where names taken by earlier cells get _1, _2 suffixes."
        ),
    )
    @argument(
        "--text",
        action="store_true",
        help="Show only the plain-text view (the tree, the table and the notes).",
    )
    @argument(
        "--internal",
        action="store_true",
        help=(
            "List the ops TensorFlow makes for a call (a variable's initializer, reads "
            "and assigns) as rows of the tree; by default each call's row counts them."
        ),
    )
    @argument(
        "--eager",
        action="store_true",
        help=(
            "Run the cell eagerly, as TF2 code runs, and record the tf.Variables, "
            "Keras 3 weights (with their path) and scopes it makes, and the graphs "
            "tf.function traces in it."
        ),
    )
    @argument(
        "--against",
        metavar="CKPT",
        help=(
            "After the cell, compare its variables with the checkpoint CKPT (a "
            "prefix or a directory; TF1 Saver or TF2 tf.train.Checkpoint): matched, "
            "missing, unexpected, shape mismatches, and a likely cause for each."
        ),
    )
    @argument(
        "--plan",
        action="store_true",
        help=(
            "With --against: also show the plan that loads the checkpoint into the "
            "cell's variables (scopekit.checkpoint.plan): one key per variable, the rule "
            "that chose it and how sure it is."
        ),
    )
    @argument(
        "--device",
        choices=("auto", "cpu", "gpu"),
        default=None,
        help=(
            "Place the cell's ops on this device (tf.device around the cell). auto: a GPU "
            "when TensorFlow sees one, else the CPU (said in one line); gpu without a GPU "
            "falls back to the CPU the same way. The tree shows each op's device."
        ),
    )
    @argument(
        "--run",
        metavar="FETCHES",
        help=(
            "After the cell, run these ops or tensors (comma-separated names of Python "
            "variables holding them, or graph names) in a tf.compat.v1.Session with "
            "every variable initialized; show their values and where each op ran. "
            "Implies --device auto unless --device is given. Graph mode only."
        ),
    )
    @cell_magic
    def scopes(self, line, cell):
        """Run the cell and show which scope shaped every name it created.

        Usage::

            %%scopes [-o NAME] [--graph fresh|default] [--text] [--internal] [--eager]
                     [--against CKPT [--plan]]
                     [--device auto|cpu|gpu] [--run FETCHES]
            with tf.compat.v1.name_scope('foo'):
                with tf.compat.v1.variable_scope('bar'):
                    x = tf.compat.v1.get_variable('x', shape=())

        The cell runs in graph mode. Every op, variable and scope it creates is
        recorded; under the cell you see the scope tree, a table giving for each
        name the name scope and the variable scope in force where it was made and
        which of the two its prefix equals (``prefix from``), and notes on the
        surprising cases: get_variable ignoring a name scope, a scope reopened
        as ``name_1``, a taken name renamed ``name_1``, a reused variable.

        The cell runs as a plain cell: variables it defines stay in the notebook,
        its last value is shown (not after a trailing ``;``), and if it raises you
        see your own traceback, the cell counts as failed, and what it made before
        the error is still shown after it (and stored with ``-o``). A top-level
        ``await`` is refused before the cell runs. Quote values with spaces or
        commas: ``--against "my dir/ckpt"``, ``--run "x, y"``.

        What TensorFlow makes for a call (a variable's initializer, reads and
        assigns; the reads ``tf.add(..., name='total')`` makes inside ``total/``) is
        counted on the call's row ("+3 internal ops"); ``--internal`` lists it.

        With ``--eager`` the cell runs eagerly instead (TF2 code: tf.Variable,
        tf.Module, Keras 3 layers, tf.function); eager variables keep the names
        they ask for (no ``_1``), Keras weights also show their ``path``, and every
        graph a tf.function traces in the cell gets its own tree.

        With ``--against CKPT`` a checkpoint comparison follows the capture: the
        checkpoint's keys against the variables the cell made, in four lists
        (matched, missing, unexpected, shape mismatches), each mismatch with a
        likely cause where one can be seen (a ``_1`` suffix from a re-run cell or a
        reopened scope, a name scope get_variable ignored, a Keras auto-name such
        as ``dense_1``, an extra outer scope). CKPT is the prefix ``Saver.save`` or
        ``tf.train.Checkpoint.write`` returned, or the directory holding one
        checkpoint; ``{var}`` in the line is replaced by a Python variable's value.
        ``scopekit.checkpoint.compare(CKPT, cap)`` gives the same as an object.
        ``--plan`` adds the mapping that loads it: ``scopekit.checkpoint.plan(CKPT, cap)``.

        ``--device`` places the cell's ops on a device and ``--run`` runs what you
        name after the cell: you see the values, the device every op ran on, and
        that device in the tree. Without a GPU, ``auto`` and ``gpu`` run on the CPU
        and say so in one line; nothing fails. The same from Python:
        ``scopekit.exercises.on_device`` and ``scopekit.exercises.run``.

        Examples::

            %%scopes -o cap
            ...
            cap.variables[0].name, cap.variables[0].prefix_from

            %%scopes --graph default --text
            v = tf.Variable(1.0, name='v')   # v, then v_1, v_2 on each rerun

            %%scopes --eager --against {ckpt_prefix}
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name='dense')])

            %%scopes --device auto --run y
            x = tf.constant([1.0, 2.0], name='x')
            y = tf.square(x, name='y')       # y = [1., 4.], and where it ran
        """
        __tracebackhide__ = True  # noqa: F841 - IPython leaves this frame out of tracebacks
        args = self._parse(line)
        try:
            tf = import_tensorflow()
        except ImportError as error:
            raise UsageError(str(error)) from None
        graph = tf.compat.v1.get_default_graph() if args.graph == "default" else None
        if args.eager and graph is not None:
            raise UsageError("--eager runs the cell eagerly, without a graph: drop --graph.")
        if args.eager and args.run:
            raise UsageError(
                "--run runs a graph in a Session; an --eager cell has its values already."
            )
        if args.plan and not args.against:
            raise UsageError("--plan needs the checkpoint: add --against CKPT.")
        if args.against:
            _check_checkpoint(tf, args.against)
        self._refuse_top_level_await(cell)
        cell_run = CellRun(args.device, args.run)

        outer = self.shell.displayhook.exec_result  # the %%scopes cell's own result
        cap, body = self._run_body_captured(cell, outer, graph, args.eager, cell_run)
        if body.error_in_exec is None and body.error_before_exec is not None:
            return self._fail_as_body(outer, body)  # it did not compile: nothing ran
        if args.output:
            self.shell.user_ns[args.output] = cap
        if not body.success:
            self._show(cap, args.text, args.internal)  # what the cell made before the error
            return self._fail_as_body(outer, body)
        try:
            ran = cell_run.finish(cap, self.shell.user_ns)
        except RunError as error:
            self._show(cap, args.text, args.internal)
            raise UsageError(str(error)) from None
        self._show(cap, args.text, args.internal)
        if ran is not None:
            display(ran)
        if args.against:
            from .checkpoint import compare

            comparison = compare(args.against, cap)
            display(
                {"text/plain": comparison.to_text()} if args.text else comparison,
                raw=args.text,
            )
        if args.plan:
            self._show_plan(args.against, cap, args.text)
        if outer is not None:
            outer.result = body.result  # the value the body's last line displayed

    def _parse(self, line: str):
        """The options, with shell quoting: ``--against "my dir/ckpt"``, ``--run "x, y"``."""
        args = self.scopes.parser.parse_args(arg_split(line, posix=True))
        if args.output is not None and not (
            args.output.isidentifier() and not keyword.iskeyword(args.output)
        ):
            raise UsageError(
                f"-o takes the name of a Python variable to store the capture in, "
                f"not {args.output!r}: use a name such as cap."
            )
        return args

    def _refuse_top_level_await(self, cell: str) -> None:
        """A top-level ``await`` cannot run inside the magic: say so before anything runs.

        A plain cell with ``await`` is run by the kernel's event loop; a magic is an
        ordinary call made while that loop is busy running the cell, so it cannot
        wait on the loop.
        """
        try:
            source = self.shell.transform_cell(cell)
        except Exception:  # noqa: BLE001 - the body's own run reports it, as a plain cell does
            return
        if self.shell.should_run_async(cell, transformed_cell=source):
            raise UsageError(
                "%%scopes cannot run a cell with a top-level `await`. Building a graph "
                "needs no await: move the awaited call to a plain cell, or into an "
                "`async def` that you await there."
            )

    def _run_body_captured(self, cell, outer, graph, eager, cell_run):
        """Run the body as a plain cell, inside the capture; return (Capture, body's result).

        ``shell.run_cell`` gives the body every plain-cell rule (``;``, AST and input
        transformers, ``ast_node_interactivity``, SyntaxError before execution, the
        user's own traceback rendering); as IPython's ``%%capture`` does, without
        storing the body in the history a second time.
        """
        shell = self.shell
        failed = None
        try:
            with capture(graph, eager=eager) as cap, cell_run.placed():
                with _as_this_cell(shell, outer, cell):
                    try:
                        body = shell.run_cell(cell, store_history=False)
                    finally:
                        shell.displayhook.exec_result = outer  # run_cell resets it
                failed = body.error_in_exec
                if failed is not None:
                    tb = failed.__traceback__
                    raise failed  # so the capture records it as the cell's error
        except BaseException as error:
            if error is not failed:
                raise
            failed.__traceback__ = tb  # as IPython showed it, without this frame
        return cap, body

    def _fail_as_body(self, outer, body):
        """End the %%scopes cell with the body's error, which IPython already showed.

        Setting it on the cell's own ExecutionResult makes the cell fail exactly as
        the body did (the kernel's reply carries the same ``ename``, Run All stops)
        without showing the traceback a second time.
        """
        if outer is None:  # called outside a cell run (shell.run_cell_magic from code)
            raise body.error_in_exec if body.error_in_exec is not None else body.error_before_exec
        outer.error_before_exec = body.error_before_exec
        outer.error_in_exec = body.error_in_exec

    def _show_plan(self, ckpt, cap, text_only: bool) -> None:
        from .checkpoint import PlanError, plan

        try:
            loading = plan(ckpt, cap)
        except PlanError as error:
            raise UsageError(f"--plan: {error}") from None
        display({"text/plain": loading.to_text()} if text_only else loading, raw=text_only)

    def _show(self, cap, text_only: bool, internal: bool = False) -> None:
        if text_only:
            display({"text/plain": cap.to_text(internal=internal)}, raw=True)
        elif internal:
            bundle = {"text/plain": cap.to_text(internal=True)}
            display({**bundle, "text/html": cap.to_html(internal=True)}, raw=True)
        else:
            display(cap)


def _check_checkpoint(tf, path) -> None:
    """Read the checkpoint before the cell runs: a missing or corrupt one is a UsageError."""
    from .checkpoint import check_readable

    try:
        check_readable(path)
    except FileNotFoundError as error:
        raise UsageError(f"--against: {error}") from None
    except (tf.errors.OpError, ValueError) as error:
        lines = getattr(error, "message", str(error)).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        folder = os.path.dirname(os.path.abspath(os.fspath(path)))
        reason = reason.replace(folder + os.sep, "")  # no machine path in the notebook
        raise UsageError(
            f"--against: TensorFlow cannot read the checkpoint {os.path.basename(str(path))!r} "
            f"({reason}). Pass the prefix Saver.save or Checkpoint.write returned, of a "
            "checkpoint that was written completely."
        ) from None


@contextlib.contextmanager
def _as_this_cell(shell, outer, cell):
    """Run the body under the %%scopes cell's identity, where IPython reads it.

    Two things IPython takes from the cell it believes is running: the number in
    tracebacks (while a cell runs the counter already points at the next one, so
    the body would read ``Cell In[6]`` inside cell 5) and, for a trailing ``;``,
    the last input in the history (the ``%%scopes`` line, not the body).
    """
    compiler, hook = shell.compile, shell.displayhook
    cache = compiler.cache

    def cache_once(transformed_code, number=0, raw_code=None):
        del compiler.cache  # only the body itself: later compiles keep IPython's number
        return cache(transformed_code, outer.execution_count, raw_code)

    if outer is not None:
        compiler.cache = cache_once
    enclosing = hook.__dict__.get("quiet")  # a %%scopes cell run from inside another one
    hook.quiet = lambda: hook.semicolon_at_end_of_expression(cell)
    try:
        yield
    finally:
        compiler.__dict__.pop("cache", None)
        if enclosing is None:
            del hook.quiet
        else:
            hook.quiet = enclosing
