"""Capture -> deterministic text: the scope tree, where each name came from, notes.

No addresses, timings or ids: the same cell gives the same text on every run, so
nbval can compare it and tests can assert exact strings. Long outputs are cut
with a line saying how much was left out.
"""

from __future__ import annotations

import re
from typing import List

from ..tree import ScopeNode
from .present import MAX_NOTES, NodeView, group_notes, present, root_view
from .words import error_line, graph_line, graph_title, headline, origin_rows

MAX_TREE_LINES = 150
MAX_DEPTH = 60  # deeper levels are counted, not drawn (and never recurse too far)
MAX_ROWS = 60

# Characters that would break a name's line or reorder what follows it.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def one_line(text: str) -> str:
    """``text`` with control characters, line breaks and bidi overrides escaped.

    A name holding a newline or U+202E would otherwise break the tree's lines or
    show its neighbours reversed; escaped it reads as ``\\n`` or ``\\u202e``.
    """

    def escaped(match: re.Match) -> str:
        char = match.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\u{ord(char):04x}")

    return _UNSAFE.sub(escaped, text)


def _collapsible(row: NodeView) -> bool:
    """A bare scope with one child prints on its child's line: a/b/c/."""
    return (
        row.kind == "scope"
        and not row.badges
        and not row.folded
        and len(row.children) == 1
        and not row.children[0].is_series
    )


def _node_text(row: NodeView, label: str) -> str:
    ends_scope = row.kind == "series" or (row.node.children and row.kind not in ("op", "variable"))
    parts = [one_line(label) + ("/" if ends_scope else "")]
    if row.kind == "series":
        parts.append(f"[{row.summary}]")
        return "  ".join(parts)
    if row.badges:
        parts.append("[" + " + ".join(badge.words for badge in row.badges) + "]")
    if row.kind == "variable":
        parts.append(f"<- {one_line(row.summary)}")
    elif row.summary:
        parts.append(one_line(row.summary))
    if row.folded_ops:
        parts.append(f"({row.folded_words})")
    return "  ".join(parts)


def tree_lines(
    root: ScopeNode, max_lines: int = MAX_TREE_LINES, internal: bool = False
) -> List[str]:
    """The tree as indented lines, chains of bare scopes joined, cut at max_lines."""
    lines: List[str] = []
    total = 0

    def visit(node: ScopeNode, depth: int) -> None:
        nonlocal total
        row = present(node, depth, internal)
        label = row.label
        while _collapsible(row):
            row = present(row.children[0], depth, internal)
            label = f"{label}/{row.label}"
        if depth > MAX_DEPTH:
            total += sum(1 for _ in row.node.walk())
            return
        total += 1
        if len(lines) < max_lines:
            lines.append("  " * depth + _node_text(row, label))
        if row.kind == "series":
            return  # its members are summarised on its own line
        for child in row.children:
            visit(child, depth + 1)

    for child in root_view(root, internal).children:
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
            (f"[graph {r.graph}] " if r.graph else "") + one_line(r.name),
            one_line(r.made_by),
            one_line(_cell(r.name_scope)),
            one_line(_cell(r.variable_scope)),
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
    internal: bool = False,
) -> str:
    """The whole text view of a capture.

    ``internal=True`` lists the ops TensorFlow made for a call (initializers,
    reads) as rows; by default each call's row counts them.
    """
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
        lines = tree_lines(root, max_tree_lines, internal)
        out += ["  " + line for line in lines] or ["  (nothing)"]
    rows, total = origin_rows(capture, max_rows)
    if rows:
        out += ["", "Where each name came from"]
        out += ["  " + line for line in table_lines(rows, total)]
    groups = group_notes(capture.notes)
    if groups:
        out += ["", "Notes"]
        out += [f"  - {one_line(group.line)}" for group in groups[:max_notes]]
        if len(groups) > max_notes:
            hidden = sum(group.count for group in groups[max_notes:])
            out.append(f"  ... {hidden} more notes not shown (capture.notes lists them all)")
    error = error_line(capture)
    if error:
        out += ["", "\n".join(one_line(line) for line in error.split("\n"))]
    return "\n".join(out)
