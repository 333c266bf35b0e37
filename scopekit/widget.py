"""Capture -> one interactive scope-tree widget (anywidget: no front-end build step).

The whole tree lives in Python. The browser gets it as plain data through this one
widget, one level at a time: the first show carries the top levels only, and the
view asks for a node's children when the user opens it ("expand" message). Search
runs here, over the whole tree, and answers with the chain of levels that leads to
the match, so nodes nobody opened yet are found too. A 100,000-op capture therefore
costs about the same at first show as a 100-op one (ipytree's lesson: one widget,
not one widget per node).

Every string goes to the browser as data; the view inserts it as text, never as HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

import anywidget
import traitlets

from .attribution import name_parts
from .render.words import (
    PREFIX_WORDS,
    error_line,
    graph_title,
    headline,
    maker,
    node_badge,
    variable_summary,
)
from .tree import ScopeNode

STATIC = Path(__file__).parent / "static"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

PAGE = 200  # children sent per request; a node with more gets "show more" rows
OPEN_LEVELS = 2  # levels drawn at first show: the top scopes and what they hold
FIRST_SHOW_BUDGET = 300  # nodes sent at first show, at most (plus one page of the root)
MAX_CALLS_SHOWN = 20  # variable calls listed in one detail pane
MAX_SCOPES_SHOWN = 10  # scope records listed in one detail pane
MAX_MATCHES = 1000  # search matches kept; the count still says how many there were
MAX_NOTES = 40

_BADGE_CSS = {
    "name scope": "ns",
    "name scope of a variable scope": "ns",
    "variable scope": "vs",
    "library scope": "lib",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _scope_words(path: str) -> str:
    return f"'{path}'" if path else "(top level)"


class _ViewIndex:
    """One view's tree plus what search and reveal need: parents, positions, names."""

    def __init__(self, capture, view: str):
        # Capture.tree caches each graph's tree: the text and HTML views share it.
        roots = []
        for graph in range(max(1, len(capture.graphs))):
            root = capture.tree(view, graph=graph)
            if graph == 0 or root.children:
                roots.append((graph_title(capture, graph), graph, root))
        if len(roots) == 1 and not roots[0][0]:
            self.root = roots[0][2]
        else:
            # Each graph with a title (made in the cell, traced, eager) gets its own node.
            self.root = ScopeNode(label="", path="", children=[])
            for title, graph, root in roots:
                if not title:
                    self.root.children.extend(root.children)
                    continue
                self.root.children.append(
                    ScopeNode(
                        label=title,
                        path=f"[graph {graph}]",
                        children=root.children,
                        op_count=root.op_count,
                        variable_count=root.variable_count,
                    )
                )
        self._parents: dict[int, tuple[ScopeNode, int]] | None = None
        self._names: list[tuple[str, str, ScopeNode]] | None = None

    def _walk(self) -> None:
        """Fill parents/positions and the searchable names in one pass (lazily)."""
        parents: dict[int, tuple[ScopeNode, int]] = {}
        names: list[tuple[str, str, ScopeNode]] = []
        stack = [self.root]
        while stack:
            node = stack.pop()
            for position, child in enumerate(node.children):
                parents[id(child)] = (node, position)
            stack.extend(reversed(node.children))
            if node is self.root or node.is_series or node.path.startswith("[graph "):
                continue
            own = {node.path}
            if node.op is not None:
                own.add(node.op.name)
            own.update(v.name for v in node.variables)
            for name in sorted(own):
                names.append((name.lower(), name, node))
        self._parents, self._names = parents, names

    def parent_and_position(self, node: ScopeNode) -> tuple[ScopeNode, int]:
        if self._parents is None:
            self._walk()
        return self._parents[id(node)]

    def chain(self, node: ScopeNode) -> list[tuple[ScopeNode, int]]:
        """(ancestor, position of the next node in it), from the root down to ``node``."""
        steps = []
        while node is not self.root:
            parent, position = self.parent_and_position(node)
            steps.append((parent, position))
            node = parent
        return steps[::-1]

    def search(self, query: str) -> tuple[int, list[tuple[str, ScopeNode]]]:
        """Nodes whose full name contains ``query`` (any case): exact names first."""
        if self._names is None:
            self._walk()
        needle = query.strip().lower()
        if not needle:
            return 0, []
        exact, partial, seen = [], [], set()
        for lowered, name, node in self._names:
            if needle in lowered and id(node) not in seen:
                seen.add(id(node))
                (exact if lowered == needle else partial).append((name, node))
        found = exact + partial
        return len(found), found[:MAX_MATCHES]


class ScopeTreeWidget(anywidget.AnyWidget):
    """The interactive scope tree of one :class:`~scopekit.Capture`.

    Synced state: ``view`` ("name" or "variable", the user's toggle), ``header``
    (headline, notes, error) and ``initial`` (the levels shown first). Everything
    else travels as custom messages: the view asks ``expand`` / ``search`` /
    ``reveal`` and gets ``batches`` of children back, and ``detail`` for the
    selected node's detail pane.
    """

    _esm = STATIC / "scope_tree.js"
    _css = STATIC / "scope_tree.css"

    view = traitlets.Unicode("name").tag(sync=True)
    header = traitlets.Dict().tag(sync=True)
    initial = traitlets.Dict().tag(sync=True)

    def __init__(self, capture, view: str = "name", **kwargs):
        if view not in ("name", "variable"):
            raise ValueError(f"view must be 'name' or 'variable', not {view!r}")
        self._capture = capture
        self._indexes: dict[str, _ViewIndex] = {}
        self._ids: dict[int, int] = {}  # id(node) -> the id the browser knows it by
        self._nodes: dict[int, tuple[str, ScopeNode]] = {}  # browser id -> (view, node)
        self._scopes_at = _scope_records_by_path(capture.scopes)
        self._notes_by_subject: dict[str, list[str]] = {}
        for note in capture.notes:
            self._notes_by_subject.setdefault(note.subject, []).append(note.message)
        super().__init__(view=view, header=_header(capture), **kwargs)
        self.initial = self._first_show(view)
        self.on_msg(self._on_request)

    # -- the data the browser gets ---------------------------------------

    def index(self, view: str | None = None) -> _ViewIndex:
        """The tree and search index of one view (built on first use, then kept)."""
        view = view or self.view
        if view not in self._indexes:
            self._indexes[view] = _ViewIndex(self._capture, view)
        return self._indexes[view]

    def _id(self, view: str, node: ScopeNode) -> int:
        key = id(node)
        if key not in self._ids:
            # Ids are unique across both views, so a late answer for the other view
            # can never land on a node of this one.
            self._ids[key] = len(self._ids) + 1
            self._nodes[self._ids[key]] = (view, node)
        return self._ids[key]

    def _batch(self, view: str, node: ScopeNode, page: int) -> dict:
        start = page * PAGE
        children = node.children[start : start + PAGE]
        return {
            "id": self._id(view, node),
            "page": page,
            "page_size": PAGE,
            "total": len(node.children),
            "nodes": [self._payload(view, child) for child in children],
        }

    def _first_show(self, view: str) -> dict:
        """The root's first page, and the shallow user scopes opened within a budget."""
        root = self.index(view).root
        batches = [self._batch(view, root, 0)]
        opened = []
        budget = FIRST_SHOW_BUDGET
        level = list(root.children[:PAGE])
        for _level in range(1, OPEN_LEVELS):  # deeper scopes start closed
            next_level = []
            for node in level:
                if not _starts_open(node) or len(node.children) > budget:
                    continue
                batches.append(self._batch(view, node, 0))
                opened.append(self._id(view, node))
                budget -= min(len(node.children), PAGE)
                next_level.extend(node.children[:PAGE])
            level = next_level
        return {"view": view, "root": self._id(view, root), "batches": batches, "open": opened}

    def _payload(self, view: str, node: ScopeNode) -> dict:
        badge = node_badge(node)
        kind = _kind(node)
        library = badge == "library scope"
        return {
            "id": self._id(view, node),
            "label": node.label,
            "name": _display_name(node),
            "kind": kind,
            "badges": [[_BADGE_CSS.get(w, "lib"), w] for w in badge.split(" + ")] if badge else [],
            "dim": library or node.internal_only,
            "count": len(node.children),
            "summary": _summary(node, kind),
        }

    # -- the detail pane -------------------------------------------------

    def detail(self, node: ScopeNode) -> dict:
        """What the detail pane shows for ``node`` (sent when the user selects it)."""
        kind = _kind(node)
        sections = []
        if kind == "series":
            first, last = node.children[0].label, node.children[-1].label
            sections.append(
                {
                    "rows": [
                        ["series", f"{node.series_size} numbered siblings: {first} ... {last}"],
                        ["contains", _contents(node)],
                    ]
                }
            )
            return {"title": node.label, "sections": sections}
        if kind == "graph":
            sections.append({"rows": [["graph", node.label], ["contains", _contents(node)]]})
            return {"title": node.label, "sections": sections}
        calls = len(node.variables)
        for number, var in enumerate(node.variables[:MAX_CALLS_SHOWN], start=1):
            section = _variable_section(var, node.op)
            if calls > 1:
                reused = " (reused)" if var.reused else ""
                section["heading"] = f"call {number} of {calls}: {section['heading']}{reused}"
            sections.append(section)
        if len(node.variables) > MAX_CALLS_SHOWN:
            more = len(node.variables) - MAX_CALLS_SHOWN
            sections.append({"rows": [["more calls", f"{more} more calls not listed"]]})
        if node.op is not None and not node.variables:
            sections.append(_op_section(node.op))
        scopes = self._scopes_at.get(node.path, [])
        if node.scope_kinds or scopes or kind == "scope":
            sections.append(_scope_section(node, scopes))
        notes = []
        for name in {node.path, *(v.name for v in node.variables)}:
            notes.extend(self._notes_by_subject.get(name, []))
        return {"title": _display_name(node), "sections": sections, "notes": notes}

    # -- requests from the browser -----------------------------------------

    def _on_request(self, _widget, content, _buffers) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "expand":
            self._expand(content)
        elif kind == "detail":
            found = self._nodes.get(content.get("id"))
            if found is not None:
                detail = self.detail(found[1])
                self.send({"type": "detail", "id": content["id"], "detail": detail})
        elif kind == "search":
            self._search(str(content.get("query", "")), int(content.get("index", 0)))
        elif kind == "reveal":
            self._reveal_name(str(content.get("name", "")))

    def _expand(self, content: dict) -> None:
        found = self._nodes.get(content.get("id"))
        if found is None:
            return  # a node of a view that is gone
        view, node = found
        page = max(0, int(content.get("page", 0)))
        self.send({"type": "batches", "batches": [self._batch(view, node, page)]})

    def _reveal(self, view: str, node: ScopeNode, extra: dict | None = None) -> None:
        batches, opened = [], []
        for ancestor, position in self.index(view).chain(node):
            batches.append(self._batch(view, ancestor, position // PAGE))
            opened.append(self._id(view, ancestor))
        message = {
            "type": "batches",
            "batches": batches,
            "open": opened,
            "select": self._id(view, node),
        }
        message.update(extra or {})
        self.send(message)

    def _search(self, query: str, index: int) -> None:
        view = self.view
        total, matches = self.index(view).search(query)
        result = {"query": query, "total": total, "index": 0, "name": ""}
        if not matches:
            self.send({"type": "batches", "batches": [], "search": result})
            return
        index %= len(matches)
        name, node = matches[index]
        result.update(index=index, name=name)
        self._reveal(view, node, {"search": result})

    def _reveal_name(self, name: str) -> None:
        """Select the node called ``name`` in the current view (kept across the toggle)."""
        view = self.view
        _total, matches = self.index(view).search(name)
        exact = [node for found, node in matches if found == name]
        if exact:
            self._reveal(view, exact[0])

    @traitlets.observe("view")
    def _view_changed(self, change) -> None:
        if change["new"] not in ("name", "variable"):
            self.view = change["old"]
            return
        if self.initial.get("view") != change["new"]:
            self.initial = self._first_show(change["new"])


# ---------------------------------------------------------------------------
# Words for the browser (plain strings; the view inserts them as text)


def _header(capture) -> dict:
    notes = [{"message": n.message, "subject": n.subject} for n in capture.notes]
    return {
        "headline": headline(capture),
        "notes": notes[:MAX_NOTES],
        "more_notes": max(0, len(notes) - MAX_NOTES),
        "error": error_line(capture),
    }


def _kind(node: ScopeNode) -> str:
    """What the row is: series, variable, op, graph (made in the cell) or scope."""
    if node.is_series:
        return "series"
    if node.variables:
        return "variable"
    if node.op is not None:
        return "op"
    if node.path.startswith("[graph "):
        return "graph"
    return "scope"


def _display_name(node: ScopeNode) -> str:
    if node.variables:
        return node.variables[0].name
    if node.op is not None:
        return node.op.name
    return node.path


def _contents(node: ScopeNode) -> str:
    return f"{_plural(node.op_count, 'op')}, {_plural(node.variable_count, 'variable')}"


def _summary(node: ScopeNode, kind: str) -> str:
    if kind == "series":
        return f"series of {node.series_size}: {_contents(node)}"
    if kind == "variable":
        return variable_summary(node.variables)
    if kind == "op":
        return node.op.type
    return _contents(node)


def _starts_open(node: ScopeNode) -> bool:
    """User scopes at the top start open; library scopes, series and leaves do not."""
    return (
        bool(node.children)
        and not node.is_series
        and not node.variables
        and node.op is None
        and not node.internal_only
        and node_badge(node) != "library scope"
    )


def _parts(name: str, name_scope: str, variable_scope: str) -> list:
    return [[text, source] for text, source in name_parts(name, name_scope, variable_scope)]


def _variable_section(var, op) -> dict:
    asked = var.requested or ""
    if var.reused:
        renamed = "no (an existing variable was returned)"
    elif asked and asked.rsplit("/", 1)[-1] != var.name.rsplit("/", 1)[-1]:
        renamed = f"yes: asked for '{asked}', got '{var.name}'"
    else:
        renamed = "no"
    rows = [
        ["creator", maker(var)],
        ["name scope at creation", _scope_words(var.name_scope)],
        ["variable scope at creation", _scope_words(var.variable_scope)],
        ["prefix from", PREFIX_WORDS.get(var.prefix_from, var.prefix_from)],
        ["reused", "yes" if var.reused else "no"],
        ["renamed", renamed],
        ["shape", "unknown" if var.shape is None else str(tuple(var.shape))],
        ["dtype", var.dtype or "-"],
    ]
    if op is not None:
        rows += [["op type", op.type], ["device", op.device or "(not placed)"]]
    return {
        "heading": maker(var),
        "parts": _parts(var.name, var.name_scope, var.variable_scope),
        "rows": rows,
    }


def _op_section(op) -> dict:
    rows = [
        ["op type", op.type],
        ["device", op.device or "(not placed)"],
        ["name scope at creation", _scope_words(op.name_scope)],
        ["variable scope at creation", _scope_words(op.variable_scope)],
        ["prefix from", PREFIX_WORDS.get(op.prefix_from, op.prefix_from)],
    ]
    if op.internal:
        rows.append(["made by", "TensorFlow itself, on the way to something else"])
    return {
        "heading": f"op {op.type}",
        "parts": _parts(op.name, op.name_scope, op.variable_scope),
        "rows": rows,
    }


def _scope_section(node: ScopeNode, scopes: list) -> dict:
    badge = node_badge(node)
    if badge:
        what = badge
    elif node.internal_only:
        # Scopes opened inside a variable call are part of the call, not recorded.
        what = "a scope TensorFlow opened inside a variable call, for its own ops"
    else:
        what = "a name prefix (no scope was opened here)"
    rows = [["scope", what]]
    if node.origin:
        who = "your code" if node.origin == "user" else "TensorFlow (a library scope)"
        rows.append(["opened by", who])
    for record in scopes[:MAX_SCOPES_SHOWN]:
        asked = record.requested if record.requested is not None else record.default_name
        call = f"{record.kind}({asked!r})" if asked is not None else f"{record.kind}(None)"
        who = "your code" if record.origin == "user" else "TensorFlow"
        entered = (
            f"{call}: name scope '{record.name_scope}', variable scope "
            f"{_scope_words(record.variable_scope)}, reuse {record.reuse}, by {who}"
        )
        rows.append(["entered", entered])
    if len(scopes) > MAX_SCOPES_SHOWN:
        rows.append(["entered", f"... {len(scopes) - MAX_SCOPES_SHOWN} more times"])
    rows.append(["contains", _contents(node)])
    return {"heading": badge or "scope", "rows": rows}


def _scope_records_by_path(scopes) -> dict[str, list]:
    """Each scope record under the path(s) it opened: its name scope and/or variable scope."""
    found: dict[str, list] = {}
    for record in scopes:
        paths = {record.name_scope} if record.kind == "name_scope" else set()
        if record.kind == "variable_scope":
            paths = {record.variable_scope, record.name_scope}
        for path in paths:
            if path:
                found.setdefault(path, []).append(record)
    return found


# ---------------------------------------------------------------------------
# Display integration: the widget beside the static views, when a kernel can show it


def kernel_can_show_widgets() -> bool:
    """True inside a Jupyter kernel (a comm to a front end exists); False in a terminal."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def widget_view_entry(capture) -> dict:
    """``{widget-view mimetype: ...}`` for a Capture's display bundle, or ``{}``.

    The widget view goes beside text/plain and text/html: front ends that draw
    widgets show the tree, the others (nbconvert, nbviewer, nbval) keep the
    static views.
    """
    if not kernel_can_show_widgets():
        return {}
    widget = ScopeTreeWidget(capture)
    return {WIDGET_VIEW_MIME: widget._repr_mimebundle_()[0][WIDGET_VIEW_MIME]}


def first_show_payload_size(capture) -> int:
    """Bytes of widget state the front end receives when the widget first shows.

    That is the comm-open message's state: the view's code and style (the same
    for every capture), the header and the first levels of the tree.
    """
    widget = ScopeTreeWidget(capture)
    try:
        return len(json.dumps(widget.get_state()))
    finally:
        widget.close()
