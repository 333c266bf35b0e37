"""What a plan loads into: the target's variables, by name, in creation order.

A target is a scopekit ``Capture`` (graph or eager), a Keras 3 model or layer, a
``tf.Module``, or a list of variables. Each becomes a list of
:class:`TargetVariable`: the name a checkpoint would know it by (a Keras 3
weight's ``path``, a TF variable's name without ``:0``), its shape and dtype,
its place in creation order, and the variable object when there is one to load
into (an eager capture records names only).
"""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional

from .reading import WEIGHT, what_it_holds


class PlanError(ValueError):
    """A plan cannot be made or applied; the message says what to do."""


class TargetVariable(NamedTuple):
    """One variable of the target, as the plan sees it."""

    name: str
    shape: Optional[tuple]
    dtype: str
    order: int
    holds: str = WEIGHT
    variable: Any = None  # the object to load into; None when only the name is known
    graph: Any = None  # the tf.Graph it lives in; None: eager


def _strip_output(name: str) -> str:
    return name[:-2] if name.endswith(":0") else name


def _shape_of(variable) -> Optional[tuple]:
    shape = getattr(variable, "shape", None)
    try:
        dims = tuple(shape)
    except (TypeError, ValueError):
        return None
    if any(d is None for d in dims):
        return None
    return tuple(int(d) for d in dims)


def _dtype_of(variable) -> str:
    dtype = getattr(variable, "dtype", "")
    return getattr(dtype, "name", None) or str(dtype)


def _graph_of(variable):
    try:
        return variable.graph
    except (AttributeError, RuntimeError):
        return None


def from_variable(variable, order: int) -> TargetVariable:
    """A TF variable or Keras 3 variable as a TargetVariable."""
    name = getattr(variable, "path", None) or _strip_output(getattr(variable, "name", ""))
    if not name:
        raise PlanError(f"{type(variable).__name__} {variable!r:.60} has no name to pair by.")
    return TargetVariable(
        name=name,
        shape=_shape_of(variable),
        dtype=_dtype_of(variable),
        order=order,
        holds=what_it_holds(name),
        variable=variable,
        graph=None if hasattr(variable, "path") else _graph_of(variable),
    )


def target_variables(target) -> List[TargetVariable]:
    """The variables of ``target`` in creation order; PlanError for anything else."""
    if hasattr(target, "variables") and hasattr(target, "graph_mode"):
        found = _capture_variables(target)
    elif hasattr(target, "weights") and hasattr(target, "trainable_weights"):
        found = [from_variable(w, i) for i, w in enumerate(target.weights)]  # Keras
    elif isinstance(target, (list, tuple)):
        found = [from_variable(v, i) for i, v in enumerate(target)]
    elif hasattr(target, "variables") and hasattr(target, "trainable_variables"):
        found = [from_variable(v, i) for i, v in enumerate(target.variables)]  # tf.Module
    else:
        raise PlanError(
            f"plan(checkpoint, target) takes a scopekit Capture, a Keras model or layer, a "
            f"tf.Module or a list of variables, not {type(target).__name__}."
        )
    names = set()
    unique = []
    for var in found:  # a variable listed twice (shared weights) is loaded once
        if var.name not in names:
            names.add(var.name)
            unique.append(var)
    if not unique:
        raise PlanError(
            "The target has no variables, so there is nothing to load. Build the model "
            "first (call it on an input, or model.build(input_shape)), or capture the "
            "cell that creates the variables."
        )
    return unique


def _capture_variables(capture) -> List[TargetVariable]:
    """A Capture's variables: records for names, the graph's objects to load into."""
    objects = {}
    graph = capture.graph if capture.graph_mode != "eager" else None
    if graph is not None:
        import tensorflow as tf

        with graph.as_default():
            for variable in tf.compat.v1.global_variables() + tf.compat.v1.local_variables():
                objects.setdefault(_strip_output(variable.name), variable)
    result = []
    for record in capture.variables:
        if record.reused or record.graph != 0:
            continue
        result.append(
            TargetVariable(
                name=record.name,
                shape=None if record.shape is None else tuple(record.shape),
                dtype=record.dtype,
                order=len(result),
                holds=what_it_holds(record.name),
                variable=objects.get(record.name),
                graph=graph,
            )
        )
    return result
