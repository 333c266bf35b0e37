"""Capture -> self-contained static HTML: no script, no external file.

It works in a saved notebook, nbconvert, nbviewer and the docs: the tree folds
with native ``<details>`` elements. Every user string goes through ``escape``.
"""

from __future__ import annotations

from html import escape
from typing import List

from ..attribution import name_parts
from ..tree import ScopeNode
from .words import (
    PREFIX_WORDS,
    device_label,
    error_line,
    graph_line,
    graph_title,
    headline,
    node_badge,
    origin_rows,
    variable_summary,
)

MAX_NODES = 400
MAX_ROWS = 200
MAX_NOTES = 100
OPEN_DEPTH = 2
MAX_DEPTH = 60  # deeper levels are counted, not drawn

STYLE = """
.scopekit-static{font-family:system-ui,sans-serif;font-size:13px;line-height:1.45}
.scopekit-static ul{list-style:none;margin:0;padding-left:1.2em}
.scopekit-static summary{cursor:pointer}
.scopekit-static code{font-family:ui-monospace,monospace}
.scopekit-static .sk-badge{font-size:11px;border-radius:3px;padding:0 4px;margin-left:4px;
  border:1px solid}
.scopekit-static .sk-ns{color:#1f5fa8;border-color:#1f5fa8}
.scopekit-static .sk-vs{color:#9a4d00;border-color:#9a4d00}
.scopekit-static .sk-lib{color:#777;border-color:#bbb}
.scopekit-static .sk-dim{opacity:.65}
.scopekit-static .part-name_scope{background:#dbe9fb}
.scopekit-static .part-variable_scope{background:#fde7cf}
.scopekit-static .part-both{background:linear-gradient(#dbe9fb 50%,#fde7cf 50%)}
.scopekit-static .part-other{background:#eee}
.scopekit-static table{border-collapse:collapse;margin:6px 0 0 0}
.scopekit-static table td,.scopekit-static table th{border-bottom:1px solid #ddd;
  padding:2px 8px;text-align:left}
"""

_BADGE_CLASS = {
    "name scope": "sk-ns",
    "name scope of a variable scope": "sk-ns",
    "variable scope": "sk-vs",
    "library scope": "sk-lib",
}
_ICONS = {"variable": "\u25cf", "op": "\u25c6", "scope": "\u25b8"}


def _badges(node: ScopeNode) -> str:
    badge = node_badge(node)
    if not badge:
        return ""
    spans = []
    for word in badge.split(" + "):
        css = _BADGE_CLASS.get(word, "sk-lib")
        spans.append(f'<span class="sk-badge {css}">{escape(word)}</span>')
    # Spaces and '+' keep it readable where styles are stripped (untrusted notebooks).
    return " " + " + ".join(spans)


def _summary(node: ScopeNode) -> str:
    label = f"<code>{escape(node.label)}</code>"
    if node.is_series:
        return (
            f"{_ICONS['scope']} {label} <span class='sk-dim'>series of {node.series_size}: "
            f"{node.op_count} ops, {node.variable_count} variables</span>"
        )
    if node.variables:
        icon, what = _ICONS["variable"], escape(variable_summary(node.variables))
    elif node.op is not None:
        icon, what = _ICONS["op"], escape(node.op.type)
    else:
        icon, what = _ICONS["scope"], ""
    if device_label(node):
        what = f"{what} {escape(device_label(node))}".strip()
    extra = f" <span class='sk-dim'>{what}</span>" if what else ""
    return f"{icon} {label}{_badges(node)}{extra}"


def _tree_html(root: ScopeNode, max_nodes: int) -> str:
    budget = [max_nodes]
    out: List[str] = []

    def visit(node: ScopeNode, depth: int) -> None:
        if budget[0] <= 0 or depth > MAX_DEPTH:
            return
        budget[0] -= 1
        # A library scope holding variables (a Keras layer's) is worth showing open.
        library = node_badge(node) == "library scope" and not node.variable_count
        dim = " class='sk-dim'" if node.internal_only or library else ""
        if not node.children:
            out.append(f"<li{dim}>{_summary(node)}</li>")
            return
        opened = depth < OPEN_DEPTH and not dim and not node.is_series
        out.append(
            f"<li{dim}><details{' open' if opened else ''}><summary>{_summary(node)}</summary><ul>"
        )
        for child in node.children:
            visit(child, depth + 1)
        out.append("</ul></details></li>")

    for child in root.children:
        visit(child, 0)
    shown = max_nodes - budget[0]
    total = sum(1 for _ in root.walk()) - 1
    if total > shown:
        out.append(f"<li class='sk-dim'>... {total - shown} more nodes not shown</li>")
    return "<ul class='sk-tree'>" + "".join(out) + "</ul>"


def _marked_name(name: str, ns: str, vs: str) -> str:
    pieces = []
    for text, source in name_parts(name, ns, vs):
        if source == "own":
            pieces.append(escape(text))
        else:
            title = escape(PREFIX_WORDS.get(source, source))
            pieces.append(f"<span class='part-{source}' title='from {title}'>{escape(text)}</span>")
    return "<code>" + "".join(pieces) + "</code>"


def _rows_html(capture, max_rows: int) -> str:
    rows, total = origin_rows(capture, max_rows)
    if not rows:
        return ""
    body = []
    for row in rows:
        graph = f"[graph {row.graph}] " if row.graph else ""
        body.append(
            "<tr>"
            f"<td>{escape(graph)}{_marked_name(row.name, row.name_scope, row.variable_scope)}</td>"
            f"<td><code>{escape(row.made_by)}</code></td>"
            f"<td><code>{escape(row.name_scope or '-')}</code></td>"
            f"<td><code>{escape(row.variable_scope or '-')}</code></td>"
            f"<td>{escape(row.prefix_from)}</td>"
            "</tr>"
        )
    more = ""
    if total > len(rows):
        more = f"<p class='sk-dim'>... {total - len(rows)} more names not shown</p>"
    return (
        "<h4>Where each name came from</h4><table><tr><th>name</th><th>made by</th>"
        "<th>name scope</th><th>variable scope</th><th>prefix from</th></tr>"
        + "".join(body)
        + "</table>"
        + more
    )


def render_html(
    capture, max_nodes: int = MAX_NODES, max_rows: int = MAX_ROWS, max_notes: int = MAX_NOTES
) -> str:
    """The static HTML view of a capture."""
    parts = [f"<div class='scopekit-static'><style>{STYLE}</style>"]
    parts.append(f"<p><b>scopekit</b>: {escape(headline(capture))}</p>")
    if graph_line(capture):
        parts.append(f"<p>{escape(graph_line(capture))}</p>")
    parts.append(
        "<p class='sk-legend'>"
        "<span class='sk-badge sk-ns'>name scope</span> "
        "<span class='sk-badge sk-vs'>variable scope</span> "
        "<span class='sk-badge sk-lib'>library scope</span> "
        f"&nbsp;{_ICONS['variable']} variable &nbsp;{_ICONS['op']} op &nbsp;"
        "<span class='part-name_scope'>from name scope</span> "
        "<span class='part-variable_scope'>from variable scope</span></p>"
    )
    for index in range(len(capture.graphs)):
        root = capture.tree(graph=index)
        if index and not root.children:
            continue
        if graph_title(capture, index):
            parts.append(f"<h4>{escape(graph_title(capture, index))}</h4>")
        parts.append(_tree_html(root, max_nodes))
    parts.append(_rows_html(capture, max_rows))
    notes = capture.notes
    if notes:
        items = "".join(f"<li>{escape(n.message)}</li>" for n in notes[:max_notes])
        if len(notes) > max_notes:
            items += f"<li class='sk-dim'>... {len(notes) - max_notes} more notes not shown</li>"
        parts.append(f"<h4>Notes</h4><ul class='sk-notes'>{items}</ul>")
    error = error_line(capture)
    if error:
        parts.append(f"<p class='sk-error'>{escape(error)}</p>")
    parts.append("</div>")
    return "".join(parts)
