"""Captures of any size without building a graph, and what the widget sends.

A real 100,000-op graph takes minutes to build on a small machine; the views only
see records, so the view benchmark uses records shaped like a real model's:
stages of numbered blocks, each with a get_variable weight, its internal ops,
and a few ops of its own.
"""

from __future__ import annotations

from scopekit.attribution import prefix_from
from scopekit.records import Capture, OpRecord, ScopeRecord, VariableRecord

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


def _blocks_graph_capture(blocks: int = 2900):
    """The issue-16 graph: variable_scope('b%d' % (i // 10)) > variable_scope('l%d' % i)
    > get_variable + name_scope('act'); 2,900 blocks make 40,601 ops."""
    import tensorflow as tf

    import scopekit

    v1 = tf.compat.v1
    with scopekit.capture() as cap:
        for i in range(blocks):
            with v1.variable_scope("b%d" % (i // 10)):
                with v1.variable_scope("l%d" % i):
                    w = v1.get_variable("w", shape=(2,))
                    with tf.name_scope("act"):
                        tf.nn.relu(w)
    return cap


def first_screen(capture) -> dict:
    """What a reader sees first: top-level rows, rows drawn at first show, note lines."""
    from scopekit.render.present import MAX_NOTES, group_notes
    from scopekit.widget import ScopeTreeWidget

    widget = ScopeTreeWidget(capture)
    try:
        initial = widget.initial
        header = widget.header
    finally:
        widget.close()
    opened = set(initial["open"]) | {initial["root"]}
    rows = sum(len(b["nodes"]) for b in initial["batches"] if b["id"] in opened)
    return {
        "ops": len(capture.ops),
        "top_level_rows": len(initial["batches"][0]["nodes"]),
        "rows_at_first_show": rows,
        "note_lines_before_tree": len(header["notes"]) + (1 if header["more_notes"] else 0),
        "notes": len(capture.notes),
        "note_groups": len(group_notes(capture.notes)),
        "max_note_lines": MAX_NOTES,
        "text_lines": len(capture.to_text().splitlines()),
        "html_bytes": len(capture.to_html().encode()),
    }


if __name__ == "__main__":
    import sys
    import time

    large = synthetic_capture(100_000)
    print(f"static HTML of {len(large.ops)} ops: {len(large.to_html().encode())} B")
    print(f"text of {len(large.ops)} ops: {len(large.to_text().encode())} B")
    blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 2900
    start = time.perf_counter()
    cap = _blocks_graph_capture(blocks)
    print(f"built and captured {len(cap.ops)} ops in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    print(first_screen(cap), f"({time.perf_counter() - start:.2f} s for the views)")
