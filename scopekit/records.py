"""Plain records of what a captured cell created.

The records are frozen dataclasses with no TensorFlow, IPython or renderer imports,
so everything downstream (attribution, tree, renderers, exercises) can be tested
with hand-made records. ``Capture`` holds them; its view methods import the
renderers only when called.

Scope names never carry a trailing slash; the top level is ``""``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Dict, Optional, Tuple, Union

# What the part of a name before its last "/" equals (see attribution.prefix_from).
PREFIX_SOURCES = ("none", "both", "name_scope", "variable_scope", "other")


@dataclass(frozen=True, slots=True)
class OpRecord:
    """One operation the graph gained while the capture was open.

    Attributes:
        name: The op's full name, without the ``:0`` of its outputs.
        type: The op type, e.g. ``"Square"`` or ``"VarHandleOp"``.
        name_scope: The name scope in force when the op was made.
        variable_scope: The variable scope in force when the op was made.
        device: The device the op was placed on, ``""`` if none was asked for.
        prefix_from: Which scope the name's prefix equals: ``"none"``, ``"both"``,
            ``"name_scope"``, ``"variable_scope"`` or ``"other"``.
        graph: Index into ``Capture.graphs`` (0: the captured graph).
        internal: True when TensorFlow made the op on its own way to something
            else (an initializer, a variable read).
    """

    name: str
    type: str
    name_scope: str
    variable_scope: str
    device: str
    prefix_from: str
    # Index into Capture.graphs: 0 is the captured graph, higher ones were made in the cell.
    graph: int = 0
    # True when TensorFlow made the op on the way to something else (a variable's
    # initializer, the read of a variable) rather than the user asking for it.
    internal: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class VariableRecord:
    """One variable a ``tf.Variable(...)`` or ``get_variable(...)`` call made or returned.

    Only real variables: the value ``v.assign(...)`` returns is not one, and a
    ``get_variable`` through a custom getter is recorded as the variables the
    getter actually made, not what it returned.

    Attributes:
        name: The variable's name, without ``:0``.
        requested: The name the code asked for.
        creator: ``"Variable"`` or ``"get_variable"``.
        reused: True when ``get_variable`` returned an existing variable.
        name_scope: The name scope in force at the call.
        variable_scope: The variable scope in force at the call.
        prefix_from: Which scope the name's prefix equals (as for ``OpRecord``).
        shape: The variable's shape as a tuple, None if unknown.
        dtype: The dtype's name, e.g. ``"float32"``.
        graph: Index into ``Capture.graphs``.
        kind: ``""`` in graph mode; ``"eager"`` or ``"keras"`` in eager captures.
        path: A Keras 3 weight's ``path``.
        getter: The custom getter the ``get_variable`` call went through, if any.
        partition_of: For one piece of a partitioned variable, the whole
            variable's name (each piece is its own record, under its whole).
    """

    name: str
    requested: str
    creator: str  # "Variable" or "get_variable"
    reused: bool
    name_scope: str
    variable_scope: str
    prefix_from: str
    shape: Optional[tuple] = None
    dtype: str = ""
    graph: int = 0
    # How it was made: "" in graph mode; with capture(eager=True), "eager" for a
    # tf.Variable or get_variable made eagerly, "keras" for a Keras 3 weight.
    kind: str = ""
    # A Keras 3 weight's `path` (its layer path, e.g. "sequential/dense/kernel").
    path: str = ""
    # The custom getter the get_variable call went through (its name), "" if none:
    # the variable is the one the getter made, whatever the getter returned.
    getter: str = ""
    # For a piece of a partitioned variable (".../part_0"): the whole variable's name.
    partition_of: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["shape"] = None if self.shape is None else list(self.shape)
        return data


@dataclass(frozen=True, slots=True)
class ScopeRecord:
    """One name scope or variable scope entered while the capture was open.

    Attributes:
        kind: ``"name_scope"`` or ``"variable_scope"``.
        requested: The name the code asked for (a scope object gives its name; None
            when only ``default_name`` or ``name_scope(None)`` was given).
        name_scope: The name scope actually opened, e.g. ``my_scope_1``.
        variable_scope: The variable scope in force inside.
        reuse: True, False or ``"AUTO_REUSE"``.
        origin: ``"user"`` for scopes the user's code opened, ``"library"`` for
            TensorFlow's own.
        default_name: The ``default_name`` given to ``variable_scope``, if any.
        graph: Index into ``Capture.graphs``.
        position: How many of the ops the block added to that graph existed when
            the scope was entered, which places it among them; None if unknown.

    Scopes TensorFlow opens inside a ``get_variable`` or ``tf.Variable`` call (its
    initializer, its reads) belong to that call, as the ops it makes do, and are
    not recorded.
    """

    kind: str  # "name_scope" or "variable_scope"
    requested: Optional[str]
    name_scope: str
    variable_scope: str
    reuse: Union[bool, str]  # True, False or "AUTO_REUSE"
    origin: str  # "user" or "library"
    default_name: Optional[str] = None
    graph: int = 0
    position: Optional[int] = None

    def to_dict(self) -> dict:
        return asdict(self)


class Capture:
    """What one captured block created, in creation order.

    Attributes:
        graph: the graph the block built into (``graphs[0]``).
        graphs: that graph, then every ``tf.Graph`` the block itself made.
        ops: one :class:`OpRecord` per op the graphs gained (a tuple).
        variables: one :class:`VariableRecord` per variable the block made or
            ``get_variable`` returned (a tuple).
        scopes: one :class:`ScopeRecord` per scope entered (those TF opens inside
            a variable call belong to the call: not listed) (a tuple).
        error: the exception the block raised, or None (it still propagates).
        graph_labels: titles of graphs by index, for eager captures ("Graph 1:
            tf.function 'f' traced in the cell"); the renderers use them.
        graph_mode: ``"fresh"`` (a new graph), ``"given"`` (a graph passed in) or
            ``"eager"`` (``capture(eager=True)``: ``graph`` is None, records made
            eagerly have ``graph == 0``, traced ``tf.function`` graphs follow).
        ops_before: how many ops the graph held before the block.

    The records are set once, when the block ends; trees and notes are worked out
    from them on demand and kept. Every later change goes through
    :meth:`replace_records` (or :meth:`set_op_devices`), which drops what was kept.
    """

    def __init__(self, graph, graph_mode: str):
        self.graph = graph
        self.graphs = [graph]
        self.graph_mode = graph_mode
        self._ops: tuple = ()
        self._variables: tuple = ()
        self._scopes: tuple = ()
        self.error: Optional[BaseException] = None
        self.closed = False
        # Ops the graph already held: names asked for again get _1, _2 suffixes.
        self.ops_before = 0
        self.graph_labels: Dict[int, str] = {}
        self._trees: dict = {}
        self._notes = None

    # -- the records ------------------------------------------------------

    @property
    def ops(self) -> Tuple[OpRecord, ...]:
        return self._ops

    @ops.setter
    def ops(self, records) -> None:
        self.replace_records(ops=records)

    @property
    def variables(self) -> Tuple[VariableRecord, ...]:
        return self._variables

    @variables.setter
    def variables(self, records) -> None:
        self.replace_records(variables=records)

    @property
    def scopes(self) -> Tuple[ScopeRecord, ...]:
        return self._scopes

    @scopes.setter
    def scopes(self, records) -> None:
        self.replace_records(scopes=records)

    def replace_records(self, ops=None, variables=None, scopes=None) -> None:
        """Set some of the records (as tuples) and drop the trees and notes built from them.

        The one way records change: the capture sets them when the block ends,
        and a later fact (where an op ran) replaces them here, so no view is stale.
        """
        if ops is not None:
            self._ops = tuple(ops)
        if variables is not None:
            self._variables = tuple(variables)
        if scopes is not None:
            self._scopes = tuple(scopes)
        self._trees = {}
        self._notes = None

    def set_op_devices(self, devices: Dict[str, str], graph: int = 0) -> None:
        """Record where ops of ``graphs[graph]`` ran: ``{op name: device}``."""
        self.replace_records(
            ops=[
                replace(op, device=devices[op.name])
                if op.graph == graph and op.name in devices
                else op
                for op in self._ops
            ]
        )

    # -- what is said about them -----------------------------------------

    @property
    def notes(self):
        """The surprising naming events, in words (see attribution.explain)."""
        if self.closed and self._notes is not None:
            return self._notes
        from .attribution import explain

        notes = explain(self._variables, self._scopes)
        if self.closed:
            self._notes = notes
        return notes

    def to_dict(self) -> dict:
        """A JSON-ready summary: records, notes and the error, no TF objects."""
        return {
            "graph_mode": self.graph_mode,
            "graphs": len(self.graphs),
            "ops": [r.to_dict() for r in self._ops],
            "variables": [r.to_dict() for r in self._variables],
            "scopes": [r.to_dict() for r in self._scopes],
            "notes": [n.to_dict() for n in self.notes],
            "error": None
            if self.error is None
            else {"type": type(self.error).__name__, "message": str(self.error)},
        }

    def tree(self, view: str = "name", graph: int = 0):
        """The scope tree of ``graphs[graph]`` (see scopekit.tree.build_tree).

        Built once per view and graph after the block has ended.
        """
        from .tree import build_tree

        key = (view, graph)
        if key in self._trees:
            return self._trees[key]
        root = build_tree(self._ops, self._variables, self._scopes, view=view, graph=graph)
        if self.closed:
            self._trees[key] = root
        return root

    # -- views (the renderers sit above the records: imported on use) ------

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
            f"<scopekit.Capture ({state}): {len(self._ops)} ops, "
            f"{len(self._variables)} variables, {len(self._scopes)} scopes>"
        )
