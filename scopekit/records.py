"""Plain records of what a captured cell created.

These are frozen dataclasses with no TensorFlow, IPython or renderer imports, so
everything downstream (attribution, tree, renderers, exercises) can be tested with
hand-made records.

Scope names never carry a trailing slash; the top level is ``""``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional, Union

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
    """One ``tf.Variable(...)`` construction or ``get_variable(...)`` call.

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
