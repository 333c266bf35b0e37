"""Recording what a block of TensorFlow code creates.

This is the only module that touches TensorFlow internals. While at least one
capture is open it patches, at class level, the five places every graph-mode name
goes through:

* ``Graph.name_scope``: every name scope, whichever public spelling opened it;
* ``variable_scope.__enter__``: every variable scope (string, object,
  ``default_name``, ``auxiliary_name_scope=False``, ``variable_op_scope``);
* ``VariableScope.get_variable``: every ``get_variable`` call, reuse included;
* ``VariableMetaclass.__call__``: every ``tf.Variable(...)`` construction;
* ``Graph._create_op_helper``: every op added to a graph, from any thread.

Class-level patches see aliases bound before the capture started
(``from tensorflow.compat.v1 import variable_scope``). Each hook looks up the
graph it works on and does nothing for graphs no capture watches; the patches are
removed when the last capture closes, however it closes.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import os
import sys
import threading
from typing import Dict, List, Optional, Tuple

from .attribution import explain, prefix_from
from .bulk import gc_paused
from .records import OpRecord, ScopeRecord, VariableRecord

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
# The public result


class Capture:
    """What one captured block created, in creation order.

    Attributes:
        graph: the graph the block built into (``graphs[0]``).
        graphs: that graph, then every ``tf.Graph`` the block itself made.
        ops: one :class:`~scopekit.records.OpRecord` per op the graphs gained.
        variables: one :class:`~scopekit.records.VariableRecord` per
            ``tf.Variable`` construction or ``get_variable`` call.
        scopes: one :class:`~scopekit.records.ScopeRecord` per scope entered
            (those TF opens inside a variable call belong to the call: not listed).
        error: the exception the block raised, or None (it still propagates).
        graph_labels: titles of graphs by index, for eager captures ("Graph 1:
            tf.function 'f' traced in the cell"); the renderers use them.
        graph_mode: ``"fresh"`` (a new graph), ``"given"`` (a graph passed in) or
            ``"eager"`` (``capture(eager=True)``: ``graph`` is None, records made
            eagerly have ``graph == 0``, traced ``tf.function`` graphs follow).
        ops_before: how many ops the graph held before the block.
    """

    def __init__(self, graph, graph_mode: str):
        self.graph = graph
        self.graphs = [graph]
        self.graph_mode = graph_mode
        self.ops: List[OpRecord] = []
        self.variables: List[VariableRecord] = []
        self.scopes: List[ScopeRecord] = []
        self.error: Optional[BaseException] = None
        self.closed = False
        # Ops the graph already held: names asked for again get _1, _2 suffixes.
        self.ops_before = 0
        self._trees: dict = {}
        # Titles for graphs that are not plain tf.Graphs (eager captures: see below).
        self.graph_labels: Dict[int, str] = {}
        self._notes = None

    @property
    def notes(self):
        """The surprising naming events, in words (see attribution.explain)."""
        if self.closed and self._notes is not None:
            return self._notes
        notes = explain(self.variables, self.scopes)
        if self.closed:
            self._notes = notes
        return notes

    def to_dict(self) -> dict:
        """A JSON-ready summary: records, notes and the error, no TF objects."""
        return {
            "graph_mode": self.graph_mode,
            "graphs": len(self.graphs),
            "ops": [r.to_dict() for r in self.ops],
            "variables": [r.to_dict() for r in self.variables],
            "scopes": [r.to_dict() for r in self.scopes],
            "notes": [n.to_dict() for n in self.notes],
            "error": None if self.error is None else _describe_error(self.error),
        }

    def tree(self, view: str = "name", graph: int = 0):
        """The scope tree of ``graphs[graph]`` (see scopekit.tree.build_tree).

        Built once per view and graph after the block has ended.
        """
        from .tree import build_tree

        key = (view, graph)
        if key in self._trees:
            return self._trees[key]
        root = build_tree(self.ops, self.variables, self.scopes, view=view, graph=graph)
        if self.closed:
            self._trees[key] = root
        return root

    def to_text(self, **limits) -> str:
        """Deterministic text: the tree, then where each name came from."""
        from .render.text import render_text

        return render_text(self, **limits)

    def to_html(self, **limits) -> str:
        """Self-contained static HTML (no script), for saved notebooks and docs."""
        from .render.html import render_html

        return render_html(self, **limits)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.to_text(), "text/html": self.to_html()}
        try:
            from .widget import widget_view_entry
        except ImportError:  # no ipywidgets/anywidget: the static views are the output
            return bundle
        # In a kernel, the interactive tree joins the bundle; other front ends skip it.
        bundle.update(widget_view_entry(self))
        return bundle

    def __repr__(self) -> str:
        state = "open" if not self.closed else "closed"
        return (
            f"<scopekit.Capture ({state}): {len(self.ops)} ops, "
            f"{len(self.variables)} variables, {len(self.scopes)} scopes>"
        )


def _describe_error(error: BaseException) -> dict:
    return {"type": type(error).__name__, "message": str(error)}


# ---------------------------------------------------------------------------
# Per-capture bookkeeping


class _Recorder:
    """Collects raw facts for one Capture while it is open.

    The hooks run once per op and per scope entry, inside TensorFlow's own graph
    building, so they only append what they see to flat logs; records, and the
    rules that need the whole picture, are worked out once, in ``finish``, where
    the same work costs less: its code and data stay in the CPU's caches.
    """

    def __init__(self, result: Capture):
        self.result = result
        self.lock = threading.Lock()
        graph = result.graph
        self.start_counts: List[int] = [len(graph.get_operations()) if graph is not None else 0]
        self.eager = result.graph_mode == "eager"
        result.ops_before = self.start_counts[0]
        self.indexes: Dict[int, int] = {id(result.graph): 0}
        # Flat logs, a fixed number of items per entry (OP_ENTRY...). A tuple
        # kept per entry would be one more GC-tracked object per op, bringing on
        # more of the cyclic GC's collections, which walk TensorFlow's heap. One
        # list.extend is atomic across threads.
        # Per op made: the op, its name stack, its variable scope, internal.
        self.op_log: list = []
        # Per scope entered, in order: id of its graph, name stack before, name
        # stack after, the graph's op count then, and the ScopeRecord fields up to
        # default_name (all None for a scope not recorded on its own), with the
        # variable scope and reuse as TF holds them (see _scope_records).
        self.scope_log: list = []
        # Per variable call, in order: the variable, then what its record needs
        # that the variable cannot tell later (see log_variable).
        self.variable_log: list = []

    def index_of(self, graph) -> int:
        return self.indexes.get(id(graph), -1)

    def adopt(self, graph) -> None:
        with self.lock:
            self.indexes[id(graph)] = len(self.result.graphs)
            self.result.graphs.append(graph)
            self.start_counts.append(0)

    def log_variable(self, variable, requested, creator, reused, ns, vs, graph, kind="", path=""):
        """Log a variable call; its record is built in ``finish``.

        Reading the variable afterwards, with the others, costs a fraction of
        reading it inside TensorFlow's own variable creation.
        """
        self.variable_log.extend((variable, requested, creator, reused, ns, vs, graph, kind, path))

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
                if at is None:  # an op the hook did not see being made
                    ns, vs, internal = _prefix(name), "", False
                else:
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
        self.result.ops = records
        self.result.scopes = scopes
        log = self.variable_log
        entries = zip(*(log[item::VARIABLE_ENTRY] for item in range(VARIABLE_ENTRY)), strict=True)
        self.result.variables = [variable_record(*entry) for entry in entries]
        self.result.closed = True

    def _scope_records(self) -> Tuple[List[ScopeRecord], Dict[Tuple[int, str], str]]:
        """The ScopeRecords, and for each (graph, scope) where it was first opened from."""
        records = []
        opened_from: Dict[Tuple[int, str], str] = {}
        log = self.scope_log
        entries = zip(*(log[item::SCOPE_ENTRY] for item in range(SCOPE_ENTRY)), strict=True)
        for graph_id, before, after, version, kind, asked, ns, vs, reuse, *rest in entries:
            index = self.indexes.get(graph_id, 0)
            if before != after:
                opened_from.setdefault((index, after), before)
            if kind is None:  # an unnamed library scope: only its names count
                continue
            position = None if version is None else version - self.start_counts[index]
            if vs.__class__ is not str:  # the hook kept the VariableScope (or None)
                vs = "" if vs is None else vs.name
            asked = None if asked is None else str(asked)
            reuse = _reuse_label(reuse)
            records.append(ScopeRecord(kind, asked, ns, vs, reuse, *rest, index, position))
        return records, opened_from


OP_ENTRY = 4  # items per op in _Recorder.op_log
SCOPE_ENTRY = 11  # items per scope entry in _Recorder.scope_log
_NOT_RECORDED = (None,) * 7  # the ScopeRecord fields of a scope not recorded on its own
VARIABLE_ENTRY = 9  # items per variable in _Recorder.variable_log


def _prefix(name: str) -> str:
    return name.rpartition("/")[0]


# ---------------------------------------------------------------------------
# Hooks


class _ThreadState(threading.local):
    """What the hooks track per thread (``__init__`` runs once in each thread)."""

    def __init__(self):
        # (name stack, variable scope, True) for each variable call under way: the
        # ops it makes are its own ("internal") and belong to the call site's scopes.
        self.call_sites: List[tuple] = []
        # > 0 while a variable scope is being entered: its name scope is part of it.
        self.entering_variable_scope = 0


class _Hooks:
    """Installs and removes the class-level patches; dispatches by graph."""

    def __init__(self):
        self.lock = threading.RLock()
        self.by_graph: Dict[int, List[_Recorder]] = {}
        self.recorders: List[_Recorder] = []
        self.originals: Dict[str, tuple] = {}
        self.thread = _ThreadState()
        self._origin_cache: Dict[int, tuple] = {}  # id(code) -> (code, kind)

    # -- registry --------------------------------------------------------

    def add(self, recorder: _Recorder) -> None:
        with self.lock:
            if not self.recorders:
                self._patch()
            if recorder.eager and not _EAGER.recorders:
                # The eager layer only while an eager capture is open: graph-mode
                # captures should not pay for it on every variable and scope.
                try:
                    _EAGER.patch(self)
                except BaseException:
                    if not self.recorders:
                        self._unpatch()
                    raise
            self.recorders.append(recorder)
            if recorder.eager:
                _EAGER.recorders.append(recorder)
            else:
                self.by_graph.setdefault(id(recorder.result.graph), []).append(recorder)

    def remove(self, recorder: _Recorder) -> None:
        with self.lock:
            if recorder in self.recorders:
                self.recorders.remove(recorder)
            if recorder in _EAGER.recorders:
                _EAGER.recorders.remove(recorder)
                if not _EAGER.recorders:
                    _EAGER.unpatch()
            for graph in recorder.result.graphs[1:] if recorder.eager else recorder.result.graphs:
                watchers = self.by_graph.get(id(graph), [])
                if recorder in watchers:
                    watchers.remove(recorder)
                if not watchers:
                    self.by_graph.pop(id(graph), None)
            if not self.recorders:
                self._unpatch()

    def _watchers(self, graph) -> List[_Recorder]:
        return self.by_graph.get(id(graph), ())

    def _adopt_new_graph(self, graph) -> None:
        with self.lock:
            for recorder in self.recorders:
                if recorder.eager:  # eager captures adopt tf.function graphs only
                    continue
                recorder.adopt(graph)
                self.by_graph.setdefault(id(graph), []).append(recorder)

    # -- where a call came from ------------------------------------------

    def _origin(self, frame) -> str:
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

    def _patch(self) -> None:
        from tensorflow.python.framework import ops
        from tensorflow.python.ops import variable_scope as vs_lib
        from tensorflow.python.ops import variables

        hooks = self
        thread = self.thread
        by_graph = self.by_graph
        targets = {
            "name_scope": (ops.Graph, "name_scope"),
            "create_op_helper": (ops.Graph, "_create_op_helper"),
            "graph_init": (ops.Graph, "__init__"),
            "variable_scope_enter": (vs_lib.variable_scope, "__enter__"),
            "get_variable": (vs_lib.VariableScope, "get_variable"),
            "variable_call": (variables.VariableMetaclass, "__call__"),
        }
        originals = {
            key: (owner, attr, owner.__dict__[attr]) for key, (owner, attr) in targets.items()
        }
        orig = {key: value[2] for key, value in originals.items()}
        orig_name_scope = orig["name_scope"]
        orig_create_op_helper = orig["create_op_helper"]
        executing_eagerly = _executing_eagerly_fn()
        varscope_key = vs_lib._VARSCOPESTORE_KEY
        origin_of = hooks._origin

        def current_variable_scope(graph):
            # Read without creating the store: reading must not change the graph.
            store = graph._collections.get(varscope_key)
            return store[0].current_scope if store else None

        # Graph.name_scope is TF's generator wrapped by tf_contextlib and contextlib.
        # The hook drives that generator itself: one object per scope instead of
        # three, which keeps the most frequent hook (every op opens a scope) cheap.
        name_scope_body = inspect.unwrap(orig_name_scope)
        if not inspect.isgeneratorfunction(name_scope_body):
            raise RuntimeError(
                "scopekit does not support this TensorFlow version: Graph.name_scope "
                "is no longer a generator. Please report it with `tf.__version__`."
            )

        class NameScopeHook:
            """One Graph.name_scope(...) context that logs its entry.

            TF's generator only restores the name stack in a ``finally``, so closing
            it is the whole exit, with or without an exception.
            """

            __slots__ = ("graph", "name", "recorders", "body")

            def __init__(self, graph, name, recorders):
                self.graph = graph
                self.name = name
                self.recorders = recorders
                self.body = name_scope_body(graph, name)

            def __call__(self, function):  # used as a decorator: a fresh scope per call
                @functools.wraps(function)
                def scoped(*args, **kwargs):
                    # Hooked again only if a capture is still open at the call.
                    with self.graph.name_scope(self.name):
                        return function(*args, **kwargs)

                return scoped

            def __enter__(self):
                graph = self.graph
                before = graph._name_stack
                returned = next(self.body)
                # TF yields the new name stack plus "/", or "" at the top level.
                after = returned[:-1] if returned else ""
                name = self.name
                origin = origin_of(sys._getframe(1))
                if name or origin == "user":
                    # Names and reuse labels are read in finish: less work in TF's path.
                    scope = current_variable_scope(graph)
                    reuse = scope.reuse if scope is not None else False
                    # The graph's op count orders the scope among the ops (see finish).
                    entry = (id(graph), before, after, graph.version)
                    entry += ("name_scope", name, after, scope, reuse, origin, None)
                else:
                    entry = (id(graph), before, after, None, *_NOT_RECORDED)
                for recorder in self.recorders:
                    recorder.scope_log.extend(entry)
                return returned

            def __exit__(self, *exc_info):
                self.body.close()
                return False

        def name_scope(graph, name):
            # Scopes TF opens inside a variable call (its initializer, its reads)
            # belong to that call, as its ops do, and the one a variable scope
            # opens belongs to its record: neither is hooked.
            if thread.call_sites or thread.entering_variable_scope:
                return orig_name_scope(graph, name)
            recorders = by_graph.get(id(graph))
            if not recorders:
                return orig_name_scope(graph, name)
            return NameScopeHook(graph, name, recorders)

        def create_op_helper(graph, op, compute_device=True):
            result = orig_create_op_helper(graph, op, compute_device=compute_device)
            recorders = by_graph.get(id(graph))
            if recorders:
                sites = thread.call_sites
                if sites:  # made inside a variable call: (its scopes, internal)
                    entry = (op, *sites[-1])
                else:
                    # current_variable_scope inlined: this runs for every op.
                    store = graph._collections.get(varscope_key)
                    scope = store[0].current_scope if store else None
                    entry = (op, graph._name_stack, scope.name if scope else "", False)
                for recorder in recorders:
                    recorder.op_log.extend(entry)
            return result

        def graph_init(graph, *args, **kwargs):
            orig["graph_init"](graph, *args, **kwargs)
            # Only plain graphs a cell makes itself; function graphs belong to TF.
            if type(graph) is ops.Graph and hooks.recorders:
                hooks._adopt_new_graph(graph)

        def variable_scope_enter(scope_cm):
            graph = ops.get_default_graph()
            if executing_eagerly() or not hooks._watchers(graph):
                return orig["variable_scope_enter"](scope_cm)
            origin = origin_of(sys._getframe(1))
            before = graph._name_stack
            thread.entering_variable_scope += 1
            try:
                entered = orig["variable_scope_enter"](scope_cm)
            finally:
                thread.entering_variable_scope -= 1
            after = graph._name_stack  # the name scope it opened for its ops, if any
            asked = scope_cm._name_or_scope
            fields = (
                "variable_scope",
                asked.name if isinstance(asked, vs_lib.VariableScope) else asked,
                after,
                entered.name,
                entered.reuse,
                origin,
                scope_cm._default_name,
            )
            hooks._log_scope(graph, before, after, fields)
            return entered

        def get_variable(scope, var_store, name, *args, **kwargs):
            graph = ops.get_default_graph()
            sites = thread.call_sites
            if executing_eagerly() or sites or not hooks._watchers(graph):
                return orig["get_variable"](scope, var_store, name, *args, **kwargs)
            ns, vs = graph._name_stack, scope.name
            full_name = f"{vs}/{name}" if vs else name
            existed = full_name in getattr(var_store, "_vars", {})
            sites.append((ns, vs, True))
            try:
                variable = orig["get_variable"](scope, var_store, name, *args, **kwargs)
            finally:
                sites.pop()
            hooks._record_variable(graph, variable, name, "get_variable", existed, ns, vs)
            return variable

        def variable_call(cls, *args, **kwargs):
            sites = thread.call_sites
            if sites or executing_eagerly():
                return orig["variable_call"](cls, *args, **kwargs)
            graph = ops.get_default_graph()
            if not hooks._watchers(graph):
                return orig["variable_call"](cls, *args, **kwargs)
            scope = current_variable_scope(graph)
            ns, vs = graph._name_stack, (scope.name if scope is not None else "")
            sites.append((ns, vs, True))
            try:
                variable = orig["variable_call"](cls, *args, **kwargs)
            finally:
                sites.pop()
            requested = _requested_variable_name(cls, args, kwargs)
            hooks._record_variable(graph, variable, requested, "Variable", False, ns, vs)
            return variable

        replacements = {
            "name_scope": name_scope,
            "create_op_helper": create_op_helper,
            "graph_init": graph_init,
            "variable_scope_enter": variable_scope_enter,
            "get_variable": get_variable,
            "variable_call": variable_call,
        }
        for key, (owner, attr, _) in originals.items():
            setattr(owner, attr, replacements[key])
        self.originals = originals

    def _unpatch(self) -> None:
        _EAGER.unpatch()
        for owner, attr, original in self.originals.values():
            setattr(owner, attr, original)
        self.originals = {}

    # -- recording -------------------------------------------------------

    def _log_scope(self, graph, before, after, fields) -> None:
        """Log a variable scope entry (see _Recorder.scope_log)."""
        entry = (id(graph), before, after, graph.version, *fields)
        for recorder in self._watchers(graph):
            recorder.scope_log.extend(entry)

    def _record_variable(self, graph, variable, requested, creator, reused, ns, vs) -> None:
        for recorder in self._watchers(graph):
            index = recorder.index_of(graph)
            recorder.log_variable(variable, requested, creator, reused, ns, vs, index)


def variable_record(
    variable, requested, creator, reused, ns, vs, graph=0, kind="", path=""
) -> VariableRecord:
    """A VariableRecord for a TF variable, from the scopes in force at its call."""
    name = _strip_output_index(variable.name)
    try:
        shape = tuple(variable.shape.as_list())
    except (ValueError, AttributeError):
        shape = None
    dtype = getattr(getattr(variable, "dtype", None), "base_dtype", None)
    return VariableRecord(
        name=name,
        requested=requested,
        creator=creator,
        reused=reused,
        name_scope=ns,
        variable_scope=vs,
        prefix_from=prefix_from(name, ns, vs),
        shape=shape,
        dtype=dtype.name if dtype is not None else "",
        graph=graph,
        kind=kind,
        path=path,
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
    return str(name) if name else "Variable"


def _executing_eagerly_fn():
    from tensorflow.python.eager import context

    return context.executing_eagerly


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


# ---------------------------------------------------------------------------
# Eager hooks (capture(eager=True))
#
# TF2 code builds no graph: a name scope is a string on the eager context
# (context.context().scope_name), a tf.Variable is made at once and keeps the
# name it asked for (no _1 uniquifying), and Keras 3 wraps each weight's
# tf.Variable in a keras.Variable that also has a `.path`. These patches sit on
# top of the graph-mode ones above, are in place only while an eager capture is
# open, and record only while TensorFlow executes eagerly.
# Graphs that tf.function traces (FuncGraphs) are adopted by eager captures; the
# graph-mode hooks then record their ops and scopes like any graph's.


class _EagerHooks:
    """The eager layer of patches; eager recorders are listed in ``recorders``."""

    def __init__(self):
        self.recorders: List[_Recorder] = []
        self.originals: List[tuple] = []

    def patch(self, hooks: _Hooks) -> None:
        from tensorflow.python.eager import context
        from tensorflow.python.framework import func_graph, ops
        from tensorflow.python.ops import variable_scope as vs_lib
        from tensorflow.python.ops import variables

        eager = self
        executing_eagerly = context.executing_eagerly
        targets = [
            (ops.name_scope_v2, "__enter__"),
            (vs_lib.variable_scope, "__enter__"),
            (vs_lib.VariableScope, "get_variable"),
            (variables.VariableMetaclass, "__call__"),
            (ops.Graph, "__init__"),
        ]
        # The graph-mode hooks are in place already: the eager layer wraps them.
        prev = {(owner, attr): owner.__dict__[attr] for owner, attr in targets}
        varscope_key = vs_lib._VARSCOPESTORE_KEY

        def recording() -> bool:
            return bool(eager.recorders) and executing_eagerly()

        def scopes_now() -> Tuple[str, str]:
            # Read without creating the scope store, as the graph hooks do.
            store = ops.get_default_graph()._collections.get(varscope_key)
            scope = store[0].current_scope if store else None
            return context.context().scope_name.rstrip("/"), scope.name if scope else ""

        def name_scope_enter(scope_cm):
            if not recording():
                return prev[(ops.name_scope_v2, "__enter__")](scope_cm)
            state = hooks.thread
            origin = hooks._origin(sys._getframe(1))
            returned = prev[(ops.name_scope_v2, "__enter__")](scope_cm)
            name = scope_cm.name
            # Scopes a variable opens for its own init ops name nothing eagerly: skip them.
            quiet = state.entering_variable_scope or state.call_sites
            if not quiet and (name or origin == "user"):
                ns, vs = scopes_now()
                eager._log_scope(
                    ("name_scope", str(name) if name else None, ns, vs, False, origin, None)
                )
            return returned

        def variable_scope_enter(scope_cm):
            if not recording():
                return prev[(vs_lib.variable_scope, "__enter__")](scope_cm)
            state = hooks.thread
            origin = hooks._origin(sys._getframe(1))
            state.entering_variable_scope += 1
            try:
                entered = prev[(vs_lib.variable_scope, "__enter__")](scope_cm)
            finally:
                state.entering_variable_scope -= 1
            asked = scope_cm._name_or_scope
            eager._log_scope(
                (
                    "variable_scope",
                    asked.name if isinstance(asked, vs_lib.VariableScope) else asked,
                    context.context().scope_name.rstrip("/"),
                    entered.name,
                    _reuse_label(entered.reuse),
                    origin,
                    scope_cm._default_name,
                )
            )
            return entered

        def get_variable(scope, var_store, name, *args, **kwargs):
            state = hooks.thread
            if state.call_sites or not recording():
                return prev[(vs_lib.VariableScope, "get_variable")](
                    scope, var_store, name, *args, **kwargs
                )
            ns, vs = scopes_now()
            vs = scope.name
            full_name = f"{vs}/{name}" if vs else name
            existed = full_name in getattr(var_store, "_vars", {})
            state.call_sites.append((ns, vs, True))
            try:
                variable = prev[(vs_lib.VariableScope, "get_variable")](
                    scope, var_store, name, *args, **kwargs
                )
            finally:
                state.call_sites.pop()
            eager._record_variable(variable, name, "get_variable", existed, ns, vs, None, None)
            return variable

        def variable_call(cls, *args, **kwargs):
            state = hooks.thread
            make = prev[(variables.VariableMetaclass, "__call__")]
            if state.call_sites or not eager.recorders:
                return make(cls, *args, **kwargs)
            graph = None
            wrapper = _keras_variable_in(sys._getframe(1))
            if executing_eagerly():
                ns, vs = scopes_now()
            elif wrapper is not None and hooks._watchers(ops.get_default_graph()):
                # A Keras weight built inside a traced tf.function: keep its path too.
                graph = ops.get_default_graph()
                store = graph._collections.get(varscope_key)
                ns = graph._name_stack
                vs = store[0].current_scope.name if store else ""
            else:
                return make(cls, *args, **kwargs)
            state.call_sites.append((ns, vs, True))
            try:
                variable = make(cls, *args, **kwargs)
            finally:
                state.call_sites.pop()
            requested = _requested_variable_name(cls, args, kwargs)
            eager._record_variable(variable, requested, "Variable", False, ns, vs, wrapper, graph)
            return variable

        def graph_init(graph, *args, **kwargs):
            prev[(ops.Graph, "__init__")](graph, *args, **kwargs)
            # Only the graph tf.function traces, not control-flow branch graphs.
            if type(graph) is func_graph.FuncGraph and eager.recorders:
                with hooks.lock:
                    for recorder in eager.recorders:
                        recorder.adopt(graph)
                        hooks.by_graph.setdefault(id(graph), []).append(recorder)

        replacements = {
            (ops.name_scope_v2, "__enter__"): name_scope_enter,
            (vs_lib.variable_scope, "__enter__"): variable_scope_enter,
            (vs_lib.VariableScope, "get_variable"): get_variable,
            (variables.VariableMetaclass, "__call__"): variable_call,
            (ops.Graph, "__init__"): graph_init,
        }
        for (owner, attr), replacement in replacements.items():
            setattr(owner, attr, replacement)
        self.originals = [(owner, attr, prev[(owner, attr)]) for owner, attr in targets]

    def unpatch(self) -> None:
        for owner, attr, original in reversed(self.originals):
            setattr(owner, attr, original)
        self.originals = []

    def _log_scope(self, fields: tuple) -> None:
        """Log an eager scope entry: ScopeRecord fields without the graph (see _Recorder)."""
        entry = (id(None), None, None, None, *fields)
        for recorder in self.recorders:
            recorder.scope_log.extend(entry)

    def _record_variable(
        self, variable, requested, creator, reused, ns, vs, wrapper, graph
    ) -> None:
        """Record for every eager capture; ``graph`` is a traced graph, or None if eager."""
        if wrapper is not None:
            requested, kind, path = str(wrapper.name), "keras", str(wrapper.path)
        else:
            kind, path = "eager", ""
        for recorder in self.recorders:
            index = 0 if graph is None else recorder.index_of(graph)
            if index < 0:
                continue
            recorder.log_variable(variable, requested, creator, reused, ns, vs, index, kind, path)


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


_EAGER = _EagerHooks()


_HOOKS = _Hooks()


def hooks_installed() -> bool:
    """True while any capture is open (the patches are in place)."""
    return bool(_HOOKS.originals)


@contextlib.contextmanager
def _default_graph(graph, fresh: bool):
    """Make ``graph`` the default graph, in graph mode, for the block.

    At the top level (no ``with g.as_default()`` open) the graph is put in place as
    TensorFlow's global default graph rather than pushed on the graph stack, so a
    cell may still call ``tf.compat.v1.reset_default_graph()`` as TF1 code often
    does. A fresh graph is swapped out again afterwards, so the user's own default
    graph is as it was; with ``--graph default`` whatever the cell leaves stays,
    as it would without the magic.
    """
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops

    stack = ops._default_graph_stack
    if stack.stack or not (fresh or graph is ops.get_default_graph()):
        with graph.as_default():
            yield
        return
    saved = stack._global_default_graph
    if fresh:
        stack._global_default_graph = graph
    try:
        with context.graph_mode():
            yield
    finally:
        if fresh:
            stack._global_default_graph = saved


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
            graph = tf.Graph()
        elif not isinstance(graph, tf.Graph):
            raise TypeError(
                f"capture(graph=...) takes a tf.Graph, not {type(graph).__name__}; "
                "pass None for a fresh graph."
            )
        result = Capture(graph, graph_mode)
    recorder = _Recorder(result)
    _HOOKS.add(recorder)
    try:
        with contextlib.nullcontext() if eager else _default_graph(graph, graph_mode == "fresh"):
            yield result
    except BaseException as error:
        result.error = error
        raise
    finally:
        _HOOKS.remove(recorder)
        recorder.finish()
        if eager:
            _label_function_graphs(result)
