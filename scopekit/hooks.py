"""Recording what a block of TensorFlow code creates: ``capture()`` and its hooks.

This is the only module that touches TensorFlow internals. While at least one
capture is open it patches, at class level, the places every name goes through
(the table is ``_patch_table``; one wrapper per target, graph and eager inside):

* ``Graph.__init__``: graphs the block makes (and graphs ``tf.function`` traces);
* ``Graph.name_scope``: every graph name scope, whichever public spelling opened it;
* ``Graph._create_op_helper``: every op added to a graph;
* ``name_scope_v2.__enter__``: name scopes opened eagerly;
* ``variable_scope.__enter__``: every variable scope (string, object,
  ``default_name``, ``auxiliary_name_scope=False``, ``variable_op_scope``);
* ``VariableScope.get_variable``: every ``get_variable`` call, reuse included;
* ``_VariableStore._get_single_variable``: each variable a ``get_variable`` call
  really makes or finds (through a custom getter, or one piece of a partition);
* ``VariableMetaclass.__call__``: every ``tf.Variable(...)`` that makes a variable.

Class-level patches see aliases bound before the capture started
(``from tensorflow.compat.v1 import variable_scope``). A hook does nothing unless
a capture opened in the calling thread watches the graph it works on: a capture
records what its own thread does. One ExitStack removes the patches, in reverse
order, when the last capture closes, however it closes; what TF lacks of the
private attributes relied on is reported when the first capture opens.

TensorFlow 2.21's public hooks were checked and cannot replace these patches: op
callbacks (``tf.debugging`` / ``op_callbacks``) are thread-local and report the
names ops asked for, not the names they got; ``tf.variable_creator_scope`` never
sees ``get_variable`` reuse; a ``custom_getter`` sees a cleared name stack, so
"get_variable ignored name scope foo" is invisible to it; scopes have no hook at all.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import inspect
import os
import sys
import threading
from typing import Dict, List, Optional, Tuple

from .attribution import prefix_from
from .bulk import gc_paused
from .records import Capture, OpRecord, ScopeRecord, VariableRecord

TENSORFLOW_MISSING = (
    "scopekit needs TensorFlow to capture a cell, and it is not installed in this kernel.\n"
    'Install it with `pip install "scopekit[tf]"` (TensorFlow for the CPU), then restart '
    'the kernel. For an NVIDIA GPU on Linux, `pip install "scopekit[gpu]"` instead.'
)


def quiet_tensorflow_logs() -> None:
    """Keep TensorFlow's C++ start-up logs out of cell outputs.

    Must run before TensorFlow is imported. INFO lines carry timestamps (they would
    make every saved notebook output differ) and oneDNN's notice is printed at
    import; users who set these variables themselves keep their values.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def import_tensorflow():
    """Import TensorFlow, or raise ImportError with an install hint."""
    if "tensorflow" not in sys.modules:
        quiet_tensorflow_logs()
    try:
        import tensorflow as tf
    except ImportError:
        raise ImportError(TENSORFLOW_MISSING) from None
    return tf


# ---------------------------------------------------------------------------
# Per-capture bookkeeping


# The flat logs' layouts, named once. Each hook extends a log with one entry's
# fields in this order; ``finish`` reads them back by name. A tuple kept per entry
# would be one more GC-tracked object per op, bringing on more of the cyclic GC's
# collections, which walk TensorFlow's heap; one list.extend is atomic.
OP_FIELDS = ("op", "name_scope", "variable_scope", "internal")
# Per scope entered: id of its graph, the name stack before and after, the graph's
# op count then (None: not recorded on its own), then the ScopeRecord fields up to
# default_name, with the variable scope and reuse as TF holds them.
ScopeLogEntry = collections.namedtuple(
    "ScopeLogEntry",
    "graph_id before after version kind requested name_scope variable_scope reuse origin "
    "default_name",
)
# A scope only its names count for (an unnamed library scope): no record fields.
_NOT_RECORDED = (None,) * (len(ScopeLogEntry._fields) - 4)
VariableLogEntry = collections.namedtuple(
    "VariableLogEntry",
    "variable requested creator reused name_scope variable_scope graph kind path getter "
    "partition_of",
)
OP_ENTRY = len(OP_FIELDS)


def _entries(log: list, layout):
    """The entries of a flat log, as ``layout`` namedtuples."""
    width = len(layout._fields)
    return map(layout._make, zip(*(log[i::width] for i in range(width)), strict=True))


class _Recorder:
    """Collects raw facts for one Capture while it is open.

    The hooks run once per op and per scope entry, inside TensorFlow's own graph
    building, so they only append what they see to flat logs; records, and the
    rules that need the whole picture, are worked out once, in ``finish``, where
    the same work costs less: its code and data stay in the CPU's caches.
    """

    def __init__(self, result: Capture):
        self.result = result
        graph = result.graph
        self.start_counts: List[int] = [len(graph.get_operations()) if graph is not None else 0]
        self.eager = result.graph_mode == "eager"
        result.ops_before = self.start_counts[0]
        self.indexes: Dict[int, int] = {id(result.graph): 0}
        self.op_log: list = []  # OP_FIELDS per op
        self.scope_log: list = []  # ScopeLogEntry fields per scope
        self.variable_log: list = []  # VariableLogEntry fields per variable
        # The thread's registry this recorder is listed in (set by _Hooks.add).
        self.home: Optional[_ThreadState] = None

    def index_of(self, graph) -> int:
        return self.indexes.get(id(graph), -1)

    def adopt(self, graph) -> None:
        """Record ``graph`` too, as ``Capture.graphs[n]``."""
        self.indexes[id(graph)] = len(self.result.graphs)
        self.result.graphs.append(graph)
        self.start_counts.append(0)

    def finish(self) -> None:
        """Turn the logs and the graphs' new ops into records, in creation order."""
        with gc_paused():
            self._finish()

    def _finish(self) -> None:
        scopes, opened_from = self._scope_records()
        records = []
        log = self.op_log
        context_at = dict(zip(log[0::OP_ENTRY], range(1, len(log), OP_ENTRY), strict=True))
        for index, graph in enumerate(self.result.graphs):
            if graph is None:  # the eager slot of capture(eager=True) has no ops
                continue
            for op in graph.get_operations()[self.start_counts[index] :]:
                name = op.name
                at = context_at.get(op)
                if at is None:  # made by another thread: not this capture's
                    continue
                ns, vs, internal = log[at], log[at + 1], log[at + 2]
                if ns == name and not internal:
                    # Named after the scope it opened for itself (tf.square(x,
                    # name='x2') opens 'x2/'): it was asked for outside that scope.
                    ns = opened_from.get((index, ns), ns)
                # Positional: a frozen dataclass's keywords cost a third more, per op.
                records.append(
                    OpRecord(
                        name, op.type, ns, vs, op.device, prefix_from(name, ns, vs), index, internal
                    )
                )
        variables = [variable_record(e) for e in _entries(self.variable_log, VariableLogEntry)]
        self.result.replace_records(ops=records, variables=variables, scopes=scopes)
        self.result.closed = True

    def _scope_records(self) -> Tuple[List[ScopeRecord], Dict[Tuple[int, str], str]]:
        """The ScopeRecords, and for each (graph, scope) where it was first opened from."""
        records = []
        opened_from: Dict[Tuple[int, str], str] = {}
        for e in _entries(self.scope_log, ScopeLogEntry):
            index = self.indexes.get(e.graph_id, 0)
            if e.before != e.after:
                opened_from.setdefault((index, e.after), e.before)
            if e.kind is None:  # an unnamed library scope: only its names count
                continue
            position = None if e.version is None else e.version - self.start_counts[index]
            vs = e.variable_scope
            if vs.__class__ is not str:  # the hook kept the VariableScope (or None)
                vs = "" if vs is None else vs.name
            records.append(
                ScopeRecord(
                    e.kind,
                    None if e.requested is None else str(e.requested),
                    e.name_scope,
                    vs,
                    _reuse_label(e.reuse),
                    e.origin,
                    e.default_name,
                    index,
                    position,
                )
            )
        return records, opened_from


# ---------------------------------------------------------------------------
# Hooks


class _ThreadState(threading.local):
    """What the hooks track per thread (``__init__`` runs once in each thread).

    Captures are registered here, in the thread that opened them: a capture
    records what its own thread does, and nothing another thread builds.
    """

    def __init__(self):
        # (name stack, variable scope, True) for each variable call under way: the
        # ops it makes are its own ("internal") and belong to the call site's scopes.
        self.call_sites: List[tuple] = []
        # > 0 while a variable scope is being entered: its name scope is part of it.
        self.entering_variable_scope = 0
        # id(graph) -> this thread's recorders watching it.
        self.by_graph: Dict[int, List[_Recorder]] = {}
        self.graph_recorders: List[_Recorder] = []  # adopt tf.Graphs this thread makes
        self.eager_recorders: List[_Recorder] = []  # record eager code, adopt tf.function graphs
        # While a get_variable call is under way: the variables its store handed
        # out, as (variable, full name, existed, piece of a partitioned variable).
        self.handed_out: Optional[list] = None
        # > 0 while scopekit makes a capture's own graph: no open capture adopts it.
        self.making_private_graph = 0
        # TF's stack-trace filter hiding scopekit's frames while captures are open here.
        self.frame_filter = None
        self.frame_filter_users = 0


class _Hooks:
    """Owns the class-level patches: installs them, removes them, dispatches.

    The patches are the table ``_patch_table`` returns; they are installed when
    the first capture opens (in any thread) and removed, in reverse order, by one
    ExitStack when the last one closes.
    """

    def __init__(self):
        self.lock = threading.RLock()
        self.open_captures = 0
        self.installed: Optional[contextlib.ExitStack] = None
        # key -> (owner, attribute, what was there before): for hooks_installed and
        # benchmarks/hook_cost.py, which turns single hooks off.
        self.originals: Dict[str, tuple] = {}
        self.thread = _ThreadState()
        self._origin_cache: Dict[int, tuple] = {}  # id(code) -> (code, kind)

    # -- registry --------------------------------------------------------

    def add(self, recorder: _Recorder) -> None:
        """Register ``recorder`` in the calling thread, installing the patches if needed."""
        with self.lock:
            if self.installed is None:
                self.installed = self._install()
            self.open_captures += 1
        home = self.thread
        recorder.home = home
        if recorder.eager:
            home.eager_recorders.append(recorder)
        else:
            home.graph_recorders.append(recorder)
            home.by_graph.setdefault(id(recorder.result.graph), []).append(recorder)

    def remove(self, recorder: _Recorder) -> None:
        """Unregister ``recorder``; the last capture to close removes the patches."""
        home = recorder.home
        if home is None:
            return
        recorder.home = None
        for listing in (home.eager_recorders, home.graph_recorders):
            if recorder in listing:
                listing.remove(recorder)
        for graph in recorder.result.graphs:
            watchers = home.by_graph.get(id(graph), [])
            if recorder in watchers:
                watchers.remove(recorder)
            if not watchers:
                home.by_graph.pop(id(graph), None)
        with self.lock:
            self.open_captures -= 1
            if self.open_captures == 0 and self.installed is not None:
                installed, self.installed = self.installed, None
                self.originals = {}
                installed.close()

    def adopt(self, graph, recorders) -> None:
        """Make each of this thread's ``recorders`` record ``graph`` too."""
        by_graph = self.thread.by_graph
        for recorder in recorders:
            recorder.adopt(graph)
            by_graph.setdefault(id(graph), []).append(recorder)

    # -- where a call came from ------------------------------------------

    def origin(self, frame) -> str:
        """'user' or 'library': who called the scope, skipping scope machinery."""
        cache = self._origin_cache
        while frame is not None:
            code = frame.f_code
            # Keyed by id: hashing a code object hashes its bytecode and constants.
            known = cache.get(id(code))
            if known is None or known[0] is not code:
                known = cache[id(code)] = (code, _classify(code))
            if known[1] != "skip":
                return known[1]
            frame = frame.f_back
        return "user"

    # -- patching --------------------------------------------------------

    def _install(self) -> contextlib.ExitStack:
        table = _patch_table()
        installed = contextlib.ExitStack()
        try:
            for key, (owner, attribute, make_wrapper) in table.items():
                before = owner.__dict__[attribute]
                wrapper = make_wrapper(before, self)
                setattr(owner, attribute, wrapper)
                installed.callback(_restore, owner, attribute, wrapper, before)
                self.originals[key] = (owner, attribute, before)
            _hide_hook_frames_from_tf(installed)
        except BaseException:
            self.originals = {}
            installed.close()
            raise
        return installed


def _hide_hook_frames_from_tf(installed: contextlib.ExitStack) -> None:
    """Have TF's traceback filter drop the hooks' frames, as it drops its own.

    The filter keeps every frame outside TensorFlow and, when it keeps none, the
    raising one. A hook's frame would then be the last frame shown (IPython never
    hides the last one, whatever ``__tracebackhide__`` says) in place of TF's own
    raising frame, which the same cell without ``%%scopes`` shows. (The op stacks
    TF prints inside error messages are filtered by ``_hidden_from_tf_tracebacks``.)
    """
    from tensorflow.python.util import traceback_utils

    before = getattr(traceback_utils, "_EXCLUDED_PATHS", None)
    if not isinstance(before, tuple):  # another TF: a hook frame may show, nothing else
        return
    ours = before + (__file__,)
    traceback_utils._EXCLUDED_PATHS = ours
    installed.callback(_restore, traceback_utils, "_EXCLUDED_PATHS", ours, before)


def _restore(owner, attribute, wrapper, before) -> None:
    """Put back what was there, unless something replaced the hook since.

    A patch the user installs while a capture is open stays: it may call the
    hook, which then only passes calls through.
    """
    if owner.__dict__.get(attribute) is wrapper:
        setattr(owner, attribute, before)


def _tf_internals():
    """The TensorFlow modules the hooks patch, checked for what they rely on.

    Raises RuntimeError naming the missing piece (an unsupported TensorFlow
    version) before anything is patched, never midway through a user's cell.
    """
    from tensorflow.python.eager import context
    from tensorflow.python.framework import func_graph, ops
    from tensorflow.python.ops import resource_variable_ops, variable_scope, variables

    needed = {
        ops.Graph: ("name_scope", "_create_op_helper", "__init__", "_name_stack", "version"),
        ops: ("name_scope_v2", "_default_graph_stack", "get_default_graph"),
        ops.name_scope_v2: ("__enter__",),
        variable_scope: ("_VARSCOPESTORE_KEY", "_VariableStore", "VariableScope"),
        variable_scope.variable_scope: ("__enter__",),
        variable_scope.VariableScope: ("get_variable", "custom_getter"),
        variable_scope._VariableStore: ("_get_single_variable",),
        variables.VariableMetaclass: ("__call__",),
        variables: ("PartitionedVariable",),
        resource_variable_ops: ("_UnreadVariable",),
        func_graph: ("FuncGraph",),
        context: ("executing_eagerly", "graph_mode", "context", "GRAPH_MODE"),
    }
    for owner, attributes in needed.items():
        for attribute in attributes:
            if attribute == "_name_stack":  # a property in TF's Graph
                present = "_name_stack" in dir(owner)
            else:
                present = hasattr(owner, attribute)
            if not present:
                where = f"{getattr(owner, '__name__', owner)}.{attribute}"
                raise UnsupportedTensorFlow(_unsupported(where))
    probe = variable_scope.variable_scope("scopekit_probe")  # not entered: no side effect
    stack = ops._default_graph_stack
    for owner, attribute in (
        (probe, "_name_or_scope"),
        (probe, "_default_name"),
        (stack, "_global_default_graph"),
        (stack, "_GetGlobalDefaultGraph"),
        (stack, "stack"),
        (context.context(), "context_switches"),
        (context.context(), "_thread_local_data"),
    ):
        if not hasattr(owner, attribute):
            raise UnsupportedTensorFlow(_unsupported(f"{type(owner).__name__}.{attribute}"))
    return context, func_graph, ops, resource_variable_ops, variable_scope, variables


class UnsupportedTensorFlow(RuntimeError):
    """The installed TensorFlow lacks an internal the hooks rely on.

    Raised when a capture opens, before the block runs and before anything is
    patched; the magic can show it as a one-line message.
    """


def _unsupported(what: str) -> str:
    return (
        f"scopekit does not support this TensorFlow version: {what} is gone or changed. "
        "Please report it with `tf.__version__`; plain cells still work."
    )


def _is_tf_contextmanager(function, ops_module) -> bool:
    """True for TF's own ``Graph.name_scope``: a generator under contextlib's helper.

    Anything else there (a user's patch, with or without ``functools.wraps``) is
    called as it is, so it still runs while a capture is open.
    """
    body = getattr(function, "__wrapped__", None)
    return (
        getattr(function, "__code__", None) is _CONTEXTMANAGER_CODE
        and inspect.isgeneratorfunction(body)
        and body.__code__.co_filename == ops_module.__file__
    )


@contextlib.contextmanager
def _sample():
    yield


# The code of the function contextlib.contextmanager returns, for any generator.
_CONTEXTMANAGER_CODE = _sample.__code__


# ---------------------------------------------------------------------------
# The patch table: one wrapper per target, graph and eager branches inside it.
#
# Every wrapper passes the call straight through unless a capture opened in the
# calling thread wants it, and hides its own frame from IPython's tracebacks
# (``__tracebackhide__``), so an error raised inside TensorFlow reads as it does
# without scopekit.


def _patch_table() -> Dict[str, tuple]:
    """key -> (owner, attribute, make_wrapper(what is there now, hooks)), in install order."""
    tf = _Internals(*_tf_internals())
    ops, vs_lib, variables = tf.ops, tf.vs_lib, tf.variables
    return {
        "graph_init": (ops.Graph, "__init__", functools.partial(_wrap_graph_init, tf)),
        "name_scope": (ops.Graph, "name_scope", functools.partial(_wrap_name_scope, tf)),
        "create_op_helper": (
            ops.Graph,
            "_create_op_helper",
            functools.partial(_wrap_create_op_helper, tf),
        ),
        "name_scope_v2_enter": (
            ops.name_scope_v2,
            "__enter__",
            functools.partial(_wrap_name_scope_v2_enter, tf),
        ),
        "variable_scope_enter": (
            vs_lib.variable_scope,
            "__enter__",
            functools.partial(_wrap_variable_scope_enter, tf),
        ),
        "get_variable": (
            vs_lib.VariableScope,
            "get_variable",
            functools.partial(_wrap_get_variable, tf),
        ),
        "get_single_variable": (
            vs_lib._VariableStore,
            "_get_single_variable",
            functools.partial(_wrap_get_single_variable, tf),
        ),
        "variable_call": (
            variables.VariableMetaclass,
            "__call__",
            functools.partial(_wrap_variable_call, tf),
        ),
    }


_Internals = collections.namedtuple(
    "_Internals", "context func_graph ops resource_variable_ops vs_lib variables"
)


def _variable_scope_of(graph, key):
    """The graph's current VariableScope, read without creating the scope store."""
    store = graph._collections.get(key)
    return store[0].current_scope if store else None


def _wrap_graph_init(tf, original, hooks):
    ops, func_graph = tf.ops, tf.func_graph
    thread = hooks.thread

    def graph_init(graph, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        original(graph, *args, **kwargs)
        kind = type(graph)
        # A plain graph the cell makes joins its graph captures (not a capture's own
        # graph); a graph tf.function traces joins its eager captures. Control-flow
        # branch graphs (subclasses) belong to their op.
        if kind is ops.Graph and thread.graph_recorders and not thread.making_private_graph:
            hooks.adopt(graph, thread.graph_recorders)
        elif kind is func_graph.FuncGraph and thread.eager_recorders:
            hooks.adopt(graph, thread.eager_recorders)

    return graph_init


def _wrap_name_scope(tf, original, hooks):
    thread = hooks.thread
    origin_of = hooks.origin
    varscope_key = tf.vs_lib._VARSCOPESTORE_KEY
    # TF's Graph.name_scope is a generator under tf_contextlib and contextlib: the
    # hook drives that generator itself, one object per scope instead of three,
    # which keeps the most frequent hook (every op opens a scope) cheap. Anything
    # else found there (a user's patch) is entered as the context manager it returns.
    fast_body = inspect.unwrap(original) if _is_tf_contextmanager(original, tf.ops) else None

    class NameScopeHook:
        """One Graph.name_scope(...) context that logs its entry.

        TF's generator only restores the name stack in a ``finally``, so closing
        it is the whole exit, with or without an exception.
        """

        __slots__ = ("graph", "name", "recorders", "body", "entered")

        def __init__(self, graph, name, recorders):
            self.graph = graph
            self.name = name
            self.recorders = recorders
            self.entered = False
            self.body = fast_body(graph, name) if fast_body is not None else original(graph, name)

        def __call__(self, function):  # used as a decorator: a fresh scope per call
            @functools.wraps(function)
            def scoped(*args, **kwargs):
                __tracebackhide__ = True  # noqa: F841
                # Hooked again only if a capture is still open at the call.
                with self.graph.name_scope(self.name):
                    return function(*args, **kwargs)

            return scoped

        def __enter__(self):
            __tracebackhide__ = True  # noqa: F841
            if self.entered:
                # TF's context manager is single-use: entering it again fails there
                # with AttributeError, and so it does here.
                raise AttributeError("'_GeneratorContextManager' object has no attribute 'args'")
            self.entered = True
            graph = self.graph
            before = graph._name_stack
            body = self.body
            returned = next(body) if fast_body is not None else body.__enter__()
            # TF yields the new name stack plus "/", or "" at the top level.
            after = graph._name_stack
            name = self.name
            origin = origin_of(sys._getframe(1))
            if name or origin == "user":
                # Names and reuse labels are read in finish: less work in TF's path.
                scope = _variable_scope_of(graph, varscope_key)
                reuse = scope.reuse if scope is not None else False
                # The graph's op count orders the scope among the ops (see finish).
                entry = ScopeLogEntry(
                    id(graph), before, after, graph.version,
                    "name_scope", name, after, scope, reuse, origin, None,
                )  # fmt: skip
            else:
                entry = (id(graph), before, after, None, *_NOT_RECORDED)
            for recorder in self.recorders:
                recorder.scope_log.extend(entry)
            return returned

        def __exit__(self, *exc_info):
            __tracebackhide__ = True  # noqa: F841
            if fast_body is not None:
                self.body.close()
                return False
            return self.body.__exit__(*exc_info)

    def name_scope(graph, name):
        __tracebackhide__ = True  # noqa: F841
        # Scopes TF opens inside a variable call (its initializer, its reads)
        # belong to that call, as its ops do, and the one a variable scope
        # opens belongs to its record: neither is hooked.
        if thread.call_sites or thread.entering_variable_scope:
            return original(graph, name)
        recorders = thread.by_graph.get(id(graph))
        if not recorders:
            return original(graph, name)
        return NameScopeHook(graph, name, recorders)

    return name_scope


def _wrap_create_op_helper(tf, original, hooks):
    thread = hooks.thread
    varscope_key = tf.vs_lib._VARSCOPESTORE_KEY

    def create_op_helper(graph, op, compute_device=True):
        __tracebackhide__ = True  # noqa: F841
        result = original(graph, op, compute_device=compute_device)
        recorders = thread.by_graph.get(id(graph))
        if recorders:
            sites = thread.call_sites
            if sites:  # made inside a variable call: (its scopes, internal)
                entry = (op, *sites[-1])
            else:
                # _variable_scope_of inlined: this runs for every op.
                store = graph._collections.get(varscope_key)
                scope = store[0].current_scope if store else None
                entry = (op, graph._name_stack, scope.name if scope else "", False)
            for recorder in recorders:
                recorder.op_log.extend(entry)
        return result

    return create_op_helper


def _eager_scopes(tf) -> Tuple[str, str]:
    """The eager name scope and the variable scope in force, read without creating either."""
    scope = _variable_scope_of(tf.ops.get_default_graph(), tf.vs_lib._VARSCOPESTORE_KEY)
    return tf.context.context().scope_name.rstrip("/"), scope.name if scope else ""


def _log_eager_scope(recorders, fields: tuple) -> None:
    """Log an eager scope entry: ScopeRecord fields, no graph (see ScopeLogEntry)."""
    entry = (id(None), None, None, None, *fields)
    for recorder in recorders:
        recorder.scope_log.extend(entry)


def _wrap_name_scope_v2_enter(tf, original, hooks):
    # Eagerly a name scope is a string on the context; in graph mode tf.name_scope
    # opens Graph.name_scope, hooked above.
    thread = hooks.thread
    executing_eagerly = tf.context.executing_eagerly

    def name_scope_enter(scope_cm):
        __tracebackhide__ = True  # noqa: F841
        recorders = thread.eager_recorders
        if not recorders or not executing_eagerly():
            return original(scope_cm)
        origin = hooks.origin(sys._getframe(1))
        returned = original(scope_cm)
        name = scope_cm.name
        # Scopes a variable opens for its own init ops name nothing eagerly: skip them.
        quiet = thread.entering_variable_scope or thread.call_sites
        if not quiet and (name or origin == "user"):
            ns, vs = _eager_scopes(tf)
            fields = ("name_scope", str(name) if name else None, ns, vs, False, origin, None)
            _log_eager_scope(recorders, fields)
        return returned

    return name_scope_enter


def _wrap_variable_scope_enter(tf, original, hooks):
    thread = hooks.thread
    ops, VariableScope = tf.ops, tf.vs_lib.VariableScope
    executing_eagerly = tf.context.executing_eagerly

    def variable_scope_enter(scope_cm):
        __tracebackhide__ = True  # noqa: F841
        eagerly = executing_eagerly()
        if eagerly:
            recorders = thread.eager_recorders
        else:
            graph = ops.get_default_graph()
            recorders = thread.by_graph.get(id(graph))
        if not recorders:
            return original(scope_cm)
        origin = hooks.origin(sys._getframe(1))
        before = None if eagerly else graph._name_stack
        thread.entering_variable_scope += 1
        try:
            entered = original(scope_cm)
        finally:
            thread.entering_variable_scope -= 1
        asked = scope_cm._name_or_scope
        asked = asked.name if isinstance(asked, VariableScope) else asked
        if eagerly:
            ns = tf.context.context().scope_name.rstrip("/")
            fields = ("variable_scope", asked, ns, entered.name, entered.reuse, origin,
                      scope_cm._default_name)  # fmt: skip
            _log_eager_scope(recorders, fields)
            return entered
        after = graph._name_stack  # the name scope it opened for its ops, if any
        entry = ScopeLogEntry(
            id(graph), before, after, graph.version, "variable_scope", asked, after,
            entered.name, entered.reuse, origin, scope_cm._default_name,
        )  # fmt: skip
        for recorder in recorders:
            recorder.scope_log.extend(entry)
        return entered

    return variable_scope_enter


def _getter_name(getter) -> str:
    return str(getattr(getter, "__qualname__", None) or type(getter).__name__)


def _wrap_get_variable(tf, original, hooks):
    """Every get_variable call; the variables come from the store (see below)."""
    thread = hooks.thread
    ops = tf.ops
    executing_eagerly = tf.context.executing_eagerly
    PartitionedVariable = tf.variables.PartitionedVariable
    Variable = tf.variables.Variable

    def get_variable(scope, var_store, name, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        if thread.call_sites:  # a getter's own get_variable: part of the outer call
            return original(scope, var_store, name, *args, **kwargs)
        eagerly = executing_eagerly()
        if eagerly:
            if not thread.eager_recorders:
                return original(scope, var_store, name, *args, **kwargs)
            ns, _ = _eager_scopes(tf)
        else:
            if not (thread.graph_recorders or thread.eager_recorders):
                return original(scope, var_store, name, *args, **kwargs)
            ns = ops.get_default_graph()._name_stack
        vs = scope.name
        full_name = f"{vs}/{name}" if vs else name
        existed = _already_in(var_store, full_name)
        whole_existed = full_name in getattr(var_store, "_partitioned_vars", {})
        getter = kwargs.get("custom_getter") or scope.custom_getter
        handed_out, thread.handed_out = thread.handed_out, []
        thread.call_sites.append((ns, vs, True))
        try:
            result = original(scope, var_store, name, *args, **kwargs)
            made = thread.handed_out
        finally:
            thread.call_sites.pop()
            thread.handed_out = handed_out
        if not made:
            if isinstance(result, PartitionedVariable):
                # Reused whole: the store returned its pieces without asking for them.
                made = [(piece, None, whole_existed, True) for piece in result]
            elif isinstance(result, Variable):
                # A store of another kind (tf_keras's track_tf1_style_variables).
                made = [(result, None, existed, False)]
        getter = _getter_name(getter) if getter is not None else ""
        for variable, single_name, existed, is_piece in made:
            requested = name
            if getter or is_piece:  # the name the store was asked for, below the scope
                asked = single_name or _strip_output_index(variable.name)
                requested = asked[len(vs) + 1 :] if vs and asked.startswith(vs + "/") else asked
            whole = requested.rpartition("/part_")[0] if is_piece else ""
            if whole and vs:
                whole = f"{vs}/{whole}"
            _record_variable(
                thread, tf, variable, requested, "get_variable", existed, ns, vs, eagerly,
                getter=getter, partition_of=whole,
            )  # fmt: skip
        return result

    return get_variable


def _already_in(store, full_name: str) -> bool:
    """Whether a variable store holds ``full_name`` already: get_variable will reuse it."""
    return full_name in getattr(store, "_vars", ())


def _wrap_get_single_variable(tf, original, hooks):
    """The store's one place that makes or finds a variable (or one partition's piece)."""
    thread = hooks.thread

    def get_single_variable(store, name, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        handed_out = thread.handed_out
        if handed_out is None:
            return original(store, name, *args, **kwargs)
        existed = _already_in(store, name)
        is_piece = kwargs.get("partition_info") is not None or (
            len(args) >= 5 and args[4] is not None
        )
        variable = original(store, name, *args, **kwargs)
        handed_out.append((variable, name, existed, is_piece))
        return variable

    return get_single_variable


def _wrap_variable_call(tf, original, hooks):
    """Every tf.Variable(...) (and the classes under it) that makes a new variable."""
    thread = hooks.thread
    ops = tf.ops
    executing_eagerly = tf.context.executing_eagerly
    varscope_key = tf.vs_lib._VARSCOPESTORE_KEY
    # What assign*() returns is built through the metaclass too: a view, not a variable.
    views = (tf.resource_variable_ops._UnreadVariable,)

    def variable_call(cls, *args, **kwargs):
        __tracebackhide__ = True  # noqa: F841
        sites = thread.call_sites
        if sites or issubclass(cls, views):
            return original(cls, *args, **kwargs)
        eagerly = executing_eagerly()
        if eagerly:
            if not thread.eager_recorders:
                return original(cls, *args, **kwargs)
            ns, vs = _eager_scopes(tf)
        else:
            if not (thread.graph_recorders or thread.eager_recorders):
                return original(cls, *args, **kwargs)
            graph = ops.get_default_graph()
            scope = _variable_scope_of(graph, varscope_key)
            ns, vs = graph._name_stack, (scope.name if scope is not None else "")
        # A Keras 3 weight (made eagerly, or in a traced tf.function): keep its path.
        wrapper = _keras_variable_in(sys._getframe(1)) if thread.eager_recorders else None
        sites.append((ns, vs, True))
        try:
            variable = original(cls, *args, **kwargs)
        finally:
            sites.pop()
        if isinstance(variable, views):
            return variable
        requested = _requested_variable_name(cls, args, kwargs)
        _record_variable(
            thread, tf, variable, requested, "Variable", False, ns, vs, eagerly, wrapper=wrapper
        )
        return variable

    return variable_call


def _record_variable(
    thread, tf, variable, requested, creator, reused, ns, vs, eagerly,
    wrapper=None, getter="", partition_of="",
) -> None:  # fmt: skip
    """Log one variable for every capture of this thread that watches where it lives.

    Eager variables go to eager captures (``graph`` 0). A graph variable goes to
    the captures watching the default graph, or else the graph the variable was
    made in: for one made in a ``tf.while_loop`` body or ``tf.cond`` branch, the
    outer graph ``init_scope`` lifted it to.
    """
    if wrapper is not None:
        requested, kind, path = str(wrapper.name), "keras", str(wrapper.path)
    else:
        kind, path = ("eager" if eagerly else ""), ""
    if eagerly:
        targets = [(recorder, 0) for recorder in thread.eager_recorders]
    else:
        graph = tf.ops.get_default_graph()
        recorders = thread.by_graph.get(id(graph))
        if not recorders:
            try:
                graph = variable.graph
            except (AttributeError, ValueError, RuntimeError):
                return
            recorders = thread.by_graph.get(id(graph), ())
        targets = [(recorder, recorder.index_of(graph)) for recorder in recorders]
    entry = VariableLogEntry(
        variable, requested, creator, reused, ns, vs, None, kind, path, getter, partition_of
    )
    for recorder, index in targets:
        if index >= 0:
            recorder.variable_log.extend(entry._replace(graph=index))


def variable_record(entry: VariableLogEntry) -> VariableRecord:
    """A VariableRecord for a logged TF variable, from the scopes in force at its call."""
    variable, ns, vs = entry.variable, entry.name_scope, entry.variable_scope
    name = _strip_output_index(variable.name)
    try:
        shape = tuple(variable.shape.as_list())
    except (ValueError, AttributeError):
        shape = None
    dtype = getattr(getattr(variable, "dtype", None), "base_dtype", None)
    return VariableRecord(
        name=name,
        requested=entry.requested,
        creator=entry.creator,
        reused=entry.reused,
        name_scope=ns,
        variable_scope=vs,
        prefix_from=prefix_from(name, ns, vs),
        shape=shape,
        dtype=dtype.name if dtype is not None else "",
        graph=entry.graph,
        kind=entry.kind,
        path=entry.path,
        getter=entry.getter,
        partition_of=entry.partition_of,
    )


def _strip_output_index(name: str) -> str:
    base, sep, index = name.rpartition(":")
    return base if sep and index.isdigit() else name


def _reuse_label(reuse):
    if reuse is True or reuse is False:
        return reuse
    return "AUTO_REUSE" if reuse else False


_SIGNATURES: Dict[type, inspect.Signature] = {}


def _requested_variable_name(cls, args, kwargs) -> str:
    if "name" in kwargs:
        name = kwargs["name"]
    else:
        signature = _SIGNATURES.get(cls)
        if signature is None:
            signature = _SIGNATURES[cls] = inspect.signature(cls.__init__)
        try:
            name = signature.bind_partial(None, *args, **kwargs).arguments.get("name")
        except TypeError:
            name = None
    # No name gives TF's default; an empty one is used as it is (the variable is named '').
    return "Variable" if name is None else str(name)


# Scope machinery: frames in these functions are skipped when asking who opened a
# scope, so `tf.compat.v1.name_scope('a')` in a cell counts as the user's and the
# name scope `tf.square` opens counts as the library's.
_MACHINERY = {
    "framework/ops.py": {"__enter__", "name_scope", "op_scope"},
    "ops/variable_scope.py": {"__enter__", "_enter_scope_uncached", "variable_op_scope"},
}
_SKIPPED_FILES = (contextlib.__file__, __file__)


def _library_roots() -> Tuple[str, ...]:
    import importlib.util

    roots = []
    for package in ("tensorflow", "keras", "tf_keras", "tensorflow_estimator"):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            roots.extend(os.path.join(p, "") for p in spec.submodule_search_locations)
    return tuple(roots)


_LIBRARY_ROOTS: Optional[Tuple[str, ...]] = None


def _classify(code) -> str:
    global _LIBRARY_ROOTS
    filename = code.co_filename
    if filename in _SKIPPED_FILES or filename.endswith("tf_contextlib.py"):
        return "skip"
    for suffix, names in _MACHINERY.items():
        if filename.endswith(suffix) and code.co_name in names:
            return "skip"
    if _LIBRARY_ROOTS is None:
        _LIBRARY_ROOTS = _library_roots()
    return "library" if filename.startswith(_LIBRARY_ROOTS) else "user"


def _keras_variable_in(frame):
    """The keras.Variable whose tf.Variable is being made, if a caller is one.

    Keras 3 (TensorFlow backend) makes a weight's tf.Variable in
    ``keras.Variable._initialize``, a frame or two above the tf.Variable call.
    """
    module = sys.modules.get("keras.src.backend.common.variables")
    keras_variable = getattr(module, "Variable", None)
    for _ in range(4):
        if frame is None or keras_variable is None:
            return None
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, keras_variable):
            return candidate
        frame = frame.f_back
    return None


def _label_function_graphs(result: Capture) -> None:
    """Title the traced graphs of an eager capture by their function's name."""
    result.graph_labels[0] = "Created eagerly (no graph)"
    for index, graph in enumerate(result.graphs[1:], start=1):
        result.graph_labels[index] = f"Graph {index}: tf.function '{graph.name}' traced in the cell"


# One owner of the patches per process: a reload of this module (autoreload) keeps
# the owner that installed them, so the capture open across the reload removes them.
_HOOKS: _Hooks = globals().get("_HOOKS") or _Hooks()


def hooks_installed() -> bool:
    """True while any capture is open (the patches are in place)."""
    return _HOOKS.installed is not None


@contextlib.contextmanager
def _default_graph(graph, fresh: bool):
    """Make ``graph`` the default graph, in graph mode, as ``with graph.as_default():``.

    At the top level (no ``with g.as_default()`` open) the graph is put in place as
    TensorFlow's default graph of this thread (``_global_default_graph``, which is
    thread-local) rather than pushed on the graph stack, so a cell may still call
    ``tf.compat.v1.reset_default_graph()`` as TF1 code often does. The rest is what
    ``Graph.as_default`` does: graph mode, and a context switch entry naming the
    graph, so ``tf.init_scope`` (variable initializers in a ``tf.while_loop`` body
    or ``tf.cond`` branch) lifts into that graph and not out to eager mode. The
    entry names whichever graph is the default when it is used: after
    ``reset_default_graph()``, the new one.

    A fresh graph is swapped out again afterwards, so the user's own default graph
    is as it was; with ``--graph default`` whatever the cell leaves stays, as it
    would without the magic. A cell that turns eager execution off
    (``disable_eager_execution()``, ``disable_v2_behavior()``) leaves it off.
    """
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops

    stack = ops._default_graph_stack
    if stack.stack or not (fresh or graph is ops.get_default_graph()):
        with graph.as_default():
            yield
        _keep_eager_off_if_the_block_turned_it_off(context)
        return
    saved = stack._global_default_graph
    if fresh:
        stack._global_default_graph = graph

    def enter_default_graph():
        return stack._GetGlobalDefaultGraph().as_default()

    switches = context.context().context_switches
    switches.push(False, enter_default_graph, graph._device_function_stack)
    try:
        with context.graph_mode():
            yield
    finally:
        switches.pop()
        if fresh:
            stack._global_default_graph = saved
        _keep_eager_off_if_the_block_turned_it_off(context)


def _keep_eager_off_if_the_block_turned_it_off(context) -> None:
    """Leave graph mode on if the block called ``disable_eager_execution()``.

    ``context.graph_mode()`` puts eager execution back on its way out; a plain
    cell that turned it off would leave it off, and so does a captured one.
    """
    if context.default_execution_mode == context.GRAPH_MODE:
        context.context()._thread_local_data.is_eager = False


def _scopekit_files() -> frozenset:
    package = os.path.dirname(os.path.abspath(__file__))
    return frozenset(
        os.path.join(folder, name)
        for folder, _, names in os.walk(package)
        for name in names
        if name.endswith(".py")
    )


@contextlib.contextmanager
def _hidden_from_tf_tracebacks():
    """Leave scopekit's frames out of the op tracebacks TF keeps in its error messages.

    TF records where each op was defined and prints it in ``str(error)`` of a
    failing ``tf.function``; the magic's and the hooks' frames are on the stack
    then. A stack-trace filter (TF's own mechanism) drops them. One filter per
    thread serves all its open captures, whatever order they close in.
    """
    state = _HOOKS.thread
    if state.frame_filter is None:
        state.frame_filter = _new_frame_filter()
    state.frame_filter_users += 1
    try:
        yield
    finally:
        state.frame_filter_users -= 1
        if state.frame_filter_users == 0:
            frame_filter, state.frame_filter = state.frame_filter, None
            if frame_filter is not _NO_FILTER:
                # Taken off TF's per-thread list directly: its __exit__ insists on
                # being called in the entering thread, last in, first out.
                entries = frame_filter._stack_dict.get(frame_filter._thread_key, [])
                if frame_filter in entries:
                    entries.remove(frame_filter)


_NO_FILTER = object()


def _new_frame_filter():
    try:
        from tensorflow.python.util import tf_stack

        class ScopekitFrames(tf_stack.StackTraceFilter):
            def get_filtered_filenames(self):
                return _SCOPEKIT_FILES | self.parent.get_filtered_filenames()

        frame_filter = ScopekitFrames()
        frame_filter.__enter__()
        return frame_filter
    except (ImportError, AttributeError):  # an internal move: messages only get longer
        return _NO_FILTER


_SCOPEKIT_FILES = _scopekit_files()


def _private_graph(tf):
    """A capture's own fresh graph: not one the cell made, so no open capture adopts it."""
    state = _HOOKS.thread
    state.making_private_graph += 1
    try:
        return tf.Graph()
    finally:
        state.making_private_graph -= 1


@contextlib.contextmanager
def capture(graph=None, eager=False):
    """Record every op, variable and scope the block creates.

    With ``graph=None`` the block runs in a fresh ``tf.Graph`` made the default
    (graph mode, so TF1-style code runs although TF2 is eager by default), and the
    previous default graph is back afterwards. With a graph, the block runs with
    that graph as the default and records into it. Graphs the block makes itself
    (``with tf.Graph().as_default():``, ``reset_default_graph()``) are recorded
    too, as ``Capture.graphs[1:]``.

    With ``eager=True`` the block runs as TF2 code normally does, eagerly: it
    records the ``tf.Variable``s, ``get_variable`` calls, Keras 3 weights (with
    their ``path``) and name and variable scopes made eagerly (``graph == 0``;
    ``Capture.graph`` is None), and every graph a ``tf.function`` traces in the
    block, as ``Capture.graphs[1:]`` with their ops and scopes.

    Yields a :class:`Capture`; its records (``ops``, ``variables``, ``scopes``) are
    filled in when the block ends. An exception raised in the block is stored as
    ``Capture.error`` and propagates.
    """
    tf = import_tensorflow()
    if eager:
        if graph is not None:
            raise ValueError(
                "capture(eager=True) records eager code and takes no graph; "
                "pass either a graph or eager=True."
            )
        if not tf.executing_eagerly():
            raise RuntimeError(
                "capture(eager=True) needs TensorFlow to execute eagerly, but a graph is "
                "the default here (inside `with graph.as_default():` or after "
                "tf.compat.v1.disable_eager_execution()). Use capture() for graph code."
            )
        result = Capture(None, "eager")
        result.graphs = [None]
    else:
        graph_mode = "fresh" if graph is None else "given"
        if graph is None:
            graph = _private_graph(tf)
        elif not isinstance(graph, tf.Graph):
            raise TypeError(
                f"capture(graph=...) takes a tf.Graph, not {type(graph).__name__}; "
                "pass None for a fresh graph."
            )
        result = Capture(graph, graph_mode)
    recorder = _Recorder(result)
    hooks = _HOOKS  # the owner that installs is the one that removes, reload or not
    hooks.add(recorder)
    try:
        with (
            _hidden_from_tf_tracebacks(),
            contextlib.nullcontext() if eager else _default_graph(graph, graph_mode == "fresh"),
        ):
            yield result
    except BaseException as error:
        result.error = error
        raise
    finally:
        hooks.remove(recorder)
        recorder.finish()
        if eager:
            _label_function_graphs(result)
