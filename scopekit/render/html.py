"""Capture -> self-contained static HTML: no script, no stylesheet, no external file.

It is read where sanitizers strip ``<style>``, classes and scripts (a notebook
opened untrusted in JupyterLab, GitHub), so it reads as bare semantic HTML: the
tree folds with native ``<details>``/``<summary>`` (the browser draws the only
marker), every colour has its letter or words beside it ([N] name scope, [V]
variable scope, [lib] library scope), and the few styles are inline, limited to
properties JupyterLab's sanitizer keeps (list-style, margin, padding, color,
border, opacity, background-color). Every user string goes through ``escape``.
"""

from __future__ import annotations

import re
from html import escape as escape_markup
from typing import List

from ..attribution import name_parts
from ..tree import ScopeNode
from .present import LEGEND, MAX_NOTES, Badge, NodeView, group_notes, present, root_view
from .words import PREFIX_WORDS, error_line, graph_line, graph_title, headline, origin_rows

# Bidi controls in a name reorder the text around it on screen: shown as \u202e.
_BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape(text) -> str:
    """``text`` for HTML: markup escaped, bidi controls written as ``\\u202e``."""
    return _BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", escape_markup(str(text)))


MAX_NODES = 400
MAX_ROWS = 200
MAX_DEPTH = 60  # deeper levels are counted, not drawn

# Inline styles only (kept by JupyterLab's sanitizer); the words carry the meaning.
_LIST = "list-style:none;margin:0;padding-left:1.3em"
_DIM = "opacity:.7"
_BADGE_COLOURS = {"ns": "#1f5fa8", "vs": "#9a4d00", "lib": "#595959"}
_PART_COLOURS = {
    "name_scope": "#dbe9fb",
    "variable_scope": "#fde7cf",
    "both": "#e8dff5",
    "other": "#eeeeee",
}


def badge_html(badge: Badge) -> str:
    """'[N] name scope', coloured where inline styles survive."""
    colour = _BADGE_COLOURS[badge.css]
    return (
        f"<span class='sk-badge sk-{badge.css}' style='color:{colour};"
        f"border:1px solid {colour};border-radius:3px;padding:0 3px;font-size:90%'>"
        f"[{escape(badge.letter)}] {escape(badge.words)}</span>"
    )


def _row_html(row: NodeView, label: str) -> str:
    parts = [f"<code>{escape(label)}</code>"]
    parts += [badge_html(badge) for badge in row.badges]
    if row.kind == "variable":
        parts.append(f"&larr; {escape(row.summary)}")
    elif row.summary:
        parts.append(escape(row.summary))
    if row.folded_ops:
        parts.append(f"({escape(row.folded_words)})")
    if row.node.internal_only:
        parts.append("(internal)")
    return " ".join(parts)


def _tree_html(root: ScopeNode, max_nodes: int, internal: bool = False) -> str:
    budget = [max_nodes]
    cut = [0]  # nodes left out by the budget or the depth limit
    out: List[str] = []

    def visit(node: ScopeNode, depth: int) -> None:
        if budget[0] <= 0 or depth > MAX_DEPTH:
            cut[0] += sum(1 for _ in node.walk())
            return
        budget[0] -= 1
        row = present(node, depth, internal)
        style = f" style='{_DIM}'" if row.dim else ""
        children = row.children if row.kind != "series" else row.node.children
        if not children:
            out.append(f"<li{style}>{_row_html(row, row.label)}</li>")
            return
        opened = " open" if row.starts_open else ""
        out.append(
            f"<li{style}><details{opened}><summary>{_row_html(row, row.label)}</summary>"
            f"<ul style='{_LIST}'>"
        )
        for child in children:
            visit(child, depth + 1)
        out.append("</ul></details></li>")

    for child in root_view(root, internal).children:
        visit(child, 0)
    if cut[0]:
        out.append(f"<li>... {cut[0]} more nodes not shown</li>")
    return f"<ul class='sk-tree' style='{_LIST};padding-left:0'>" + "".join(out) + "</ul>"


def _marked_name(name: str, ns: str, vs: str) -> str:
    pieces = []
    for text, source in name_parts(name, ns, vs):
        if source == "own":
            pieces.append(escape(text))
        else:
            title = escape(PREFIX_WORDS.get(source, source))
            colour = _PART_COLOURS.get(source, "#eeeeee")
            pieces.append(
                f"<span class='part-{source}' style='background-color:{colour}' "
                f"title='from {title}'>{escape(text)}</span>"
            )
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
        more = f"<p>... {total - len(rows)} more names not shown</p>"
    return (
        "<h4>Where each name came from</h4><table><tr><th>name</th><th>made by</th>"
        "<th>name scope</th><th>variable scope</th><th>prefix from</th></tr>"
        + "".join(body)
        + "</table>"
        + more
    )


def _notes_html(capture, max_notes: int) -> str:
    """The grouped notes (at most ``max_notes`` lines), then every note one click away."""
    notes = capture.notes
    groups = group_notes(notes)
    if not groups:
        return ""
    lines = "".join(f"<li>{escape(group.line)}</li>" for group in groups[:max_notes])
    out = f"<h4>Notes</h4><ul class='sk-notes' style='margin:0'>{lines}</ul>"
    if len(groups) > max_notes or len(groups) < len(notes):
        every = "".join(f"<li>{escape(note.message)}</li>" for note in notes[:MAX_ROWS])
        if len(notes) > MAX_ROWS:
            every += f"<li>... {len(notes) - MAX_ROWS} more notes (capture.notes)</li>"
        out += f"<details><summary>All {len(notes)} notes</summary><ul>{every}</ul></details>"
    return out


def _legend_html() -> str:
    badges = " ".join(badge_html(badge) for badge in LEGEND)
    parts = " ".join(
        f"<span style='background-color:{_PART_COLOURS[source]}'>"
        f"{escape('from ' + PREFIX_WORDS[source])}</span>"
        for source in ("name_scope", "variable_scope")
    )
    return f"<p class='sk-legend'>Key: {badges}; name parts: {parts}</p>"


def render_html(
    capture,
    max_nodes: int = MAX_NODES,
    max_rows: int = MAX_ROWS,
    max_notes: int = MAX_NOTES,
    internal: bool = False,
) -> str:
    """The static HTML view of a capture.

    ``internal=True`` lists the ops TensorFlow made for a call as rows; by default
    each call's row counts them.
    """
    parts = ["<div class='scopekit-static'>"]
    parts.append(f"<p><b>scopekit</b>: {escape(headline(capture))}</p>")
    if graph_line(capture):
        parts.append(f"<p>{escape(graph_line(capture))}</p>")
    parts.append(_notes_html(capture, max_notes))
    parts.append(_legend_html())
    for index in range(len(capture.graphs)):
        root = capture.tree(graph=index)
        if index and not root.children:
            continue
        if graph_title(capture, index):
            parts.append(f"<h4>{escape(graph_title(capture, index))}</h4>")
        parts.append(_tree_html(root, max_nodes, internal))
    parts.append(_rows_html(capture, max_rows))
    error = error_line(capture)
    if error:
        parts.append(f"<p class='sk-error'>{escape(error)}</p>")
    parts.append("</div>")
    return "".join(parts)
