"""The words every view shares: what a node is, who made a name, the table rows.

Plain strings, unescaped: each renderer escapes for its own medium.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

SCOPE_LABELS = {
    "name_scope": "name scope",
    "variable_scope": "variable scope",
}
PREFIX_WORDS = {
    "none": "top level",
    "both": "both scopes",
    "name_scope": "name scope",
    "variable_scope": "variable scope",
    "other": "neither",
}


def maker(record) -> str:
    """How a record came to be: "get_variable('x')", "tf.Variable(name='v')", op type."""
    creator = getattr(record, "creator", None)
    if creator == "get_variable":
        return f"get_variable({record.requested!r})"
    if getattr(record, "kind", "") == "keras":
        return f"keras weight {record.requested!r}, path={record.path!r}"
    if creator == "Variable":
        return f"tf.Variable(name={record.requested!r})"
    return record.type


def device_label(node) -> str:
    """'on CPU:0' when the node's op was placed on (or ran on) a device, else ''."""
    device = getattr(node.op, "device", "") if node.op is not None else ""
    if not device:
        return ""
    tail = device.rpartition("/")[2]
    return "on " + (tail[len("device:") :] if tail.startswith("device:") else tail)


def variable_summary(records) -> str:
    """One phrase for every call that returned the variable at a node."""
    first = records[0]
    text = maker(first)
    reused = sum(1 for r in records if r.reused)
    if len(records) > 1:
        text += f" x{len(records)}"
    if reused:
        text += f", reused {reused}x"
    return text


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the 'where each name came from' table."""

    name: str
    made_by: str
    name_scope: str
    variable_scope: str
    prefix_from: str
    graph: int
    kind: str  # "variable" or "op"
    record: object


def asked_ops(ops) -> list:
    """The ops the user asked for: not TF's internal ones, not those a call made for itself.

    An op whose name lies under another op's or under the variable it serves
    (``total/ReadVariableOp`` below ``tf.add(..., name='total')``) belongs to that call.
    """
    calls = {(o.graph, o.name) for o in ops}
    kept = []
    for o in ops:
        if o.internal:
            continue
        prefix = o.name.rpartition("/")[0]
        while prefix and (o.graph, prefix) not in calls:
            prefix = prefix.rpartition("/")[0]
        if not prefix:
            kept.append(o)
    return kept


def origin_rows(capture, limit: Optional[int] = None) -> Tuple[List[Row], int]:
    """Variables first (each call), then the ops the user asked for, in order.

    Returns at most ``limit`` rows and the total, so views of huge captures stay
    cheap and can say how many they left out.
    """
    ops = asked_ops(capture.ops)
    total = len(capture.variables) + len(ops)
    rows: List[Row] = []
    for v in capture.variables[:limit]:
        rows.append(
            Row(
                v.name,
                maker(v),
                v.name_scope,
                v.variable_scope,
                v.prefix_from,
                v.graph,
                "variable",
                v,
            )
        )
    room = None if limit is None else max(limit - len(rows), 0)
    for o in ops[:room]:
        rows.append(
            Row(o.name, o.type, o.name_scope, o.variable_scope, o.prefix_from, o.graph, "op", o)
        )
    return rows, total


def plural(n: int, word: str) -> str:
    """'1 op', '2 ops': the one plural every view uses."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(capture) -> str:
    """'1 variable (2 calls), 15 ops, 2 scopes opened by the cell (fresh graph)'."""
    user_scopes = sum(1 for s in capture.scopes if s.origin == "user")

    # Eager variables can share a name, so each new one counts (see attribution).
    def is_eager(v):
        return getattr(v, "kind", "") in ("eager", "keras")

    distinct = len({(v.graph, v.name) for v in capture.variables if not is_eager(v)})
    distinct += sum(1 for v in capture.variables if is_eager(v) and not v.reused)
    graph = {"fresh": "fresh graph", "eager": "eager"}.get(capture.graph_mode, "default graph")
    extra = len(capture.graphs) - 1
    if extra:
        made = "traced by tf.function" if capture.graph_mode == "eager" else "made in the cell"
        graph += f", {plural(extra, 'more graph')} {made}"
    return (
        f"{plural(distinct, 'variable')} ({plural(len(capture.variables), 'call')}), "
        f"{plural(len(capture.ops), 'op')}, {plural(user_scopes, 'scope')} opened by the cell "
        f"({graph})"
    )


def graph_title(capture, index: int) -> str:
    """The heading of graph ``index``'s tree ("" for the main graph of a graph capture)."""
    label = getattr(capture, "graph_labels", {}).get(index)
    if label:
        return label
    return "" if index == 0 else f"Graph {index} (made in the cell)"


def graph_line(capture) -> str:
    """Why names may grow _1, _2 suffixes: the graph was not empty."""
    if not capture.ops_before:
        return ""
    return (
        f"The graph already held {plural(capture.ops_before, 'op')} from before: a name "
        "asked for again gets a _1, _2 ... suffix (--graph fresh gives the same names "
        "on every run)."
    )


def error_line(capture) -> str:
    if capture.error is None:
        return ""
    try:
        message = str(capture.error)
    except Exception as failure:  # noqa: BLE001 - a user's __str__ may raise: say what happened
        message = f"(its message could not be read: {type(failure).__name__})"
    return (
        f"The cell raised {type(capture.error).__name__}: {message}\n"
        "What it made before that is shown above."
    )
