"""The ``%%scopes`` cell magic: argument parsing and glue over scopekit.capture.

The only module that touches IPython. The cell runs in the user's namespace, so
what it defines stays defined; an exception in it reaches IPython as the user's
own exception with the user's own traceback, so the cell fails exactly as it would
without the magic (Run All stops, ``NBVAL_RAISES_EXCEPTION`` works).
"""

from __future__ import annotations

import ast

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from .capture import capture, import_tensorflow
from .exercises.running import CellRun, RunError


class CellSyntaxError(Exception):
    """The cell did not compile; nothing ran. ``error`` is Python's SyntaxError.

    IPython prints a SyntaxError raised inside a magic with the magic's own frames;
    this wrapper renders exactly what a plain cell with the same mistake shows.
    """

    def __init__(self, shell, error: SyntaxError):
        super().__init__(f"{error.msg} (line {error.lineno})")
        self.error = error
        self._lines = shell.SyntaxTB.structured_traceback(type(error), error, [])

    def _render_traceback_(self):
        return self._lines


@magics_class
class ScopesMagics(Magics):
    """Holds ``%%scopes``; registered by ``%load_ext scopekit``."""

    @magic_arguments()
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

            %%scopes [-o NAME] [--graph fresh|default] [--text] [--internal] [--eager] [--against CKPT]
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

        What TensorFlow makes for a call (a variable's initializer, reads and
        assigns; the reads ``tf.add(..., name='total')`` makes inside ``total/``) is
        counted on the call's row ("+3 internal ops"); ``--internal`` lists it.

        Variables the cell defines stay in the notebook. If the cell raises, you
        see your own traceback, the cell counts as failed, and what it made
        before the error is still shown (and stored with ``-o``).

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
        args = parse_argstring(self.scopes, line)
        try:
            tf = import_tensorflow()
        except ImportError as error:
            raise UsageError(str(error)) from None

        try:
            body, last_expression, filename = self._compile(cell)
        except SyntaxError as error:
            raise CellSyntaxError(self.shell, error) from error
        graph = tf.compat.v1.get_default_graph() if args.graph == "default" else None
        if args.eager and graph is not None:
            raise UsageError("--eager runs the cell eagerly, without a graph: drop --graph.")
        if args.eager and args.run:
            raise UsageError(
                "--run runs a graph in a Session; an --eager cell has its values already."
            )
        if args.against:
            from .checkpoint import resolve_checkpoint

            try:
                resolve_checkpoint(args.against)
            except FileNotFoundError as error:
                raise UsageError(f"--against: {error}") from None
        namespace = self.shell.user_ns
        result = None
        cell_run = CellRun(args.device, args.run)
        try:
            with capture(graph, eager=args.eager) as result, cell_run.placed():
                exec(body, namespace)
                value = eval(last_expression, namespace) if last_expression else None
        except BaseException as error:
            if result is not None:
                self._show(result, args)
            self._keep_user_traceback(error, filename)
            raise
        try:
            ran = cell_run.finish(result, namespace)
        except RunError as error:
            self._show(result, args)
            raise UsageError(str(error)) from None
        self._show(result, args)
        if ran is not None:
            display(ran)
        if args.against:
            from .checkpoint import compare

            comparison = compare(args.against, result)
            display(
                {"text/plain": comparison.to_text()} if args.text else comparison,
                raw=args.text,
            )
        return value

    def _compile(self, cell):
        """Compile the cell as IPython would; a syntax error raises before anything runs."""
        shell = self.shell
        source = shell.transform_cell(cell)
        filename = shell.compile.cache(source, shell.execution_count, raw_code=cell)
        flags = shell.compile.flags | ast.PyCF_ONLY_AST
        tree = compile(source, filename, "exec", flags=flags, dont_inherit=True)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
            last = compile(last, filename, "eval", flags=shell.compile.flags, dont_inherit=True)
        body = compile(tree, filename, "exec", flags=shell.compile.flags, dont_inherit=True)
        return body, last, filename

    def _show(self, result, args):
        if args.output:
            self.shell.user_ns[args.output] = result
        if args.text:
            display({"text/plain": result.to_text(internal=args.internal)}, raw=True)
        elif args.internal:
            bundle = {"text/plain": result.to_text(internal=True)}
            display({**bundle, "text/html": result.to_html(internal=True)}, raw=True)
        else:
            display(result)

    def _keep_user_traceback(self, error, filename):
        """Make IPython show the traceback from the cell's first line down.

        IPython asks an exception for ``_render_traceback_`` before formatting it;
        giving the user's exception one that starts at the cell hides scopekit's
        and IPython's frames and leaves the exception itself as it was raised.
        """
        tb = error.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != filename:
            tb = tb.tb_next
        if tb is None:
            return
        formatter = self.shell.InteractiveTB
        try:
            lines = formatter.structured_traceback(type(error), error, tb, tb_offset=0)
            error._render_traceback_ = lambda: lines
        except Exception:  # noqa: BLE001 - a plain traceback is a fine fallback
            pass
