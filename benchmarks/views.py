"""Captures of any size without building a graph, and what the widget sends.

A real 100,000-op graph takes minutes to build on a small machine; the views only
see records, so the view benchmark uses records shaped like a real model's:
stages of numbered blocks, each with a get_variable weight, its internal ops,
and a few ops of its own.
"""

from __future__ import annotations

from scopekit.attribution import prefix_from
from scopekit.records import Capture
from scopekit.records import OpRecord, ScopeRecord, VariableRecord

OPS_PER_BLOCK = 10


def synthetic_capture(ops: int) -> Capture:
    """A closed Capture with about `ops` op records."""
    cap = Capture(graph=None, graph_mode="fresh")
    op_records, variables, scopes = [], [], []
    for block in range(max(1, ops // OPS_PER_BLOCK)):
        vs = f"stage_{block // 100}/block_{block % 100}"
        ns = vs + "/compute"
        scopes.append(ScopeRecord("variable_scope", f"block_{block % 100}", vs, vs, False, "user"))
        weight = f"{vs}/w"
        variables.append(
            VariableRecord(weight, "w", "get_variable", False, ns, vs, prefix_from(weight, ns, vs))
        )
        internal = [
            weight,
            f"{weight}/Initializer/random_uniform",
            f"{weight}/Assign",
            f"{weight}/Read/ReadVariableOp",
            f"{weight}/IsInitialized/VarIsInitializedOp",
        ]
        for name in internal:
            op_records.append(OpRecord(name, "Op", ns, vs, "", prefix_from(name, ns, vs), 0, True))
        for own in ("MatMul", "add", "Relu", "ReadVariableOp", "mul"):
            name = f"{ns}/{own}"
            op_records.append(OpRecord(name, own, ns, vs, "", prefix_from(name, ns, vs), 0, False))
    cap.ops, cap.variables, cap.scopes = op_records, variables, scopes
    cap.closed = True
    return cap


def first_show_bytes(capture) -> int:
    """Bytes of widget state sent when the widget first shows (ImportError if none)."""
    from scopekit.widget import first_show_payload_size

    return first_show_payload_size(capture)
