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
    """One operation the graph gained while the capture was open."""

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
    """One ``tf.Variable(...)`` construction or ``get_variable(...)`` call."""

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
    """One name scope or variable scope entered while the capture was open."""

    kind: str  # "name_scope" or "variable_scope"
    requested: Optional[str]
    name_scope: str
    variable_scope: str
    reuse: Union[bool, str]  # True, False or "AUTO_REUSE"
    origin: str  # "user" or "library"
    default_name: Optional[str] = None
    graph: int = 0

    def to_dict(self) -> dict:
        return asdict(self)
