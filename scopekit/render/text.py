"""Capture -> deterministic text: the scope tree, where each name came from, notes.

No addresses, timings or ids: the same cell gives the same text on every run, so
nbval can compare it and tests can assert exact strings. Long outputs are cut
with a line saying how much was left out.
"""

from __future__ import annotations

from typing import List

from ..tree import ScopeNode
from .words import (
    device_label,
    error_line,
    graph_line,
    graph_title,
    headline,
    node_badge,
    origin_rows,
    variable_summary,
)

MAX_TREE_LINES = 150
MAX_DEPTH = 60  # deeper levels are counted, not drawn (and never recurse too far)
MAX_ROWS = 60
MAX_NOTES = 40


def _collapsible(node: ScopeNode) -> bool:
    """A bare scope with one child prints on its child's line: a/b/c/."""
    return (
        node.op is None
        and not node.variables
        and not node.is_series
        and len(node.children) == 1
        and not node.children[0].is_series
    )


def _node_text(node: ScopeNode, label: str) -> str:
    parts = [label + ("/" if node.children and node.op is None and not node.variables else "")]
    if node.is_series:
        parts[0] = label + "/"
        parts.append(
            f"[series of {node.series_size}: {node.op_count} ops, {node.variable_count} variables]"
        )
        return "  ".join(parts)
    badge = node_badge(node)
    if badge:
        parts.append(f"[{badge}]")
    if node.variables:
        parts.append(f"<- {variable_summary(node.variables)}")
    elif node.op is not None:
        parts.append(node.op.type)
    if device_label(node):
        parts.append(device_label(node))
    hidden = [c for c in node.children if c.internal_only]
    if hidden and (node.variables or node.op is not None):
        count = sum(c.op_count for c in hidden)
        parts.append(f"(+{count} internal op{'s' if count != 1 else ''})")
    return "  ".join(parts)


def tree_lines(root: ScopeNode, max_lines: int = MAX_TREE_LINES) -> List[str]:
    """The tree as indented lines, chains of bare scopes joined, cut at max_lines."""
    lines: List[str] = []
    total = 0

    def visit(node: ScopeNode, depth: int) -> None:
        nonlocal total
        label = node.label
        while _collapsible(node) and not node_badge(node):
            node = node.children[0]
            label = f"{label}/{node.label}"
        if depth > MAX_DEPTH:
            total += sum(1 for _ in node.walk())
            return
        total += 1
        if len(lines) < max_lines:
            lines.append("  " * depth + _node_text(node, label))
        if node.is_series:
            return  # its members are summarised on its own line
        folds_internal = node.variables or node.op is not None
        for child in node.children:
            if folds_internal and child.internal_only:
                continue
            visit(child, depth + 1)

    for child in root.children:
        visit(child, 0)
    if total > len(lines):
        lines.append(f"... {total - len(lines)} more nodes not shown")
    return lines


def _cell(value: str) -> str:
    return value if value else "-"


def table_lines(rows, total: int) -> List[str]:
    header = ("name", "made by", "name scope", "variable scope", "prefix from")
    shown = rows
    table = [header] + [
        (
            (f"[graph {r.graph}] " if r.graph else "") + r.name,
            r.made_by,
            _cell(r.name_scope),
            _cell(r.variable_scope),
            r.prefix_from,
        )
        for r in shown
    ]
    widths = [min(max(len(row[i]) for row in table), 48) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    if total > len(shown):
        lines.append(f"... {total - len(shown)} more names not shown")
    return lines


def render_text(
    capture,
    max_tree_lines: int = MAX_TREE_LINES,
    max_rows: int = MAX_ROWS,
    max_notes: int = MAX_NOTES,
) -> str:
    """The whole text view of a capture."""
    out = [f"scopekit: {headline(capture)}"]
    if graph_line(capture):
        out.append(graph_line(capture))
    for index in range(len(capture.graphs)):
        root = capture.tree(graph=index)
        if not root.children and index:
            continue
        title = "Scope tree" if index == 0 else f"Scope tree of graph {index} (made in the cell)"
        if getattr(capture, "graph_labels", {}).get(index):
            title = f"Scope tree: {graph_title(capture, index)}"
        out += ["", title]
        out += ["  " + line for line in tree_lines(root, max_tree_lines)] or ["  (nothing)"]
    rows, total = origin_rows(capture, max_rows)
    if rows:
        out += ["", "Where each name came from"]
        out += ["  " + line for line in table_lines(rows, total)]
    notes = capture.notes
    if notes:
        out += ["", "Notes"]
        out += [f"  - {note.message}" for note in notes[:max_notes]]
        if len(notes) > max_notes:
            out.append(f"  ... {len(notes) - max_notes} more notes not shown")
    error = error_line(capture)
    if error:
        out += ["", error]
    return "\n".join(out)
