"""Capture -> one interactive scope-tree widget (anywidget: no front-end build step).

The whole tree lives in Python. The browser gets it as plain data through this one
widget, one level at a time: the first show carries the top levels only, and the
view asks for a node's children when the user opens it (the ``expand`` command). Search
runs here, over the whole tree, and answers with the chain of levels that leads to
the match, so nodes nobody opened yet are found too. A 100,000-op capture therefore
costs about the same at first show as a 100-op one (ipytree's lesson: one widget,
not one widget per node). What each row says comes from render/present.py, as
for the text and HTML views.

One widget per capture, holding the capture's records and trees but never its
graphs; rerunning a cell closes the widget its earlier run showed.

Every string goes to the browser as data; the view inserts it as text, never as HTML.
"""

from __future__ import annotations

import json
import weakref
from pathlib import Path

import anywidget
import traitlets
from anywidget.experimental import command

from .attribution import name_parts
from .render.present import (
    MAX_NOTES,
    OPEN_DEPTH,
    contents,
    group_notes,
    kind_of,
    present,
)
from .render.words import PREFIX_WORDS, error_line, graph_title, headline, maker
from .tree import ScopeNode, build_tree

STATIC = Path(__file__).parent / "static"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

PAGE = 200  # children sent per request; a node with more gets "show more" rows
FIRST_SHOW_BUDGET = 300  # nodes sent at first show, at most (plus one page of the root)
MAX_CALLS_SHOWN = 20  # variable calls listed in one detail pane
MAX_SCOPES_SHOWN = 10  # scope records listed in one detail pane
MAX_MATCHES = 1000  # search matches kept; the count still says how many there were
MAX_ALL_NOTES = 500  # notes in the "all notes" list; capture.notes has every one


def _scope_words(path: str) -> str:
    return f"'{path}'" if path else "(top level)"


class _Records:
    """What the widget keeps of a capture: its records and trees, never its graphs.

    A widget that held the Capture would keep every TensorFlow graph it ever showed
    alive; the records are plain data and the trees are built from them.
    """

    def __init__(self, capture):
        self.ops, self.variables, self.scopes = capture.ops, capture.variables, capture.scopes
        self.graph_count = max(1, len(capture.graphs))
        self.titles = [graph_title(capture, graph) for graph in range(self.graph_count)]
        # The name view is the one shown first, and the text/HTML views built it already.
        self._trees = {("name", g): capture.tree("name", g) for g in range(self.graph_count)}

    def tree(self, view: str, graph: int) -> ScopeNode:
        key = (view, graph)
        if key not in self._trees:
            self._trees[key] = build_tree(
                self.ops, self.variables, self.scopes, view=view, graph=graph
            )
        return self._trees[key]


class _ViewIndex:
    """One view's tree plus what search and reveal need: parents, positions, names."""

    def __init__(self, records: _Records, view: str):
        roots = []
        for graph in range(records.graph_count):
            root = records.tree(view, graph)
            if graph == 0 or root.children:
                roots.append((records.titles[graph], graph, root))
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
    (headline, grouped notes, every note, error) and ``initial`` (the levels shown
    first; saved with the notebook, so a reader without the kernel sees them).
    Everything else is asked for with anywidget commands, each answered to its own
    request: ``expand``, ``find`` and ``reveal`` answer with ``batches`` of children,
    ``describe`` with the selected node's detail pane.
    """

    # Text, not paths: anywidget watches a path with a class-level signal whose
    # connection holds every instance (and so every capture's tree) for good.
    _esm = (STATIC / "scope_tree.js").read_text(encoding="utf-8")
    _css = (STATIC / "scope_tree.css").read_text(encoding="utf-8")

    view = traitlets.Unicode("name").tag(sync=True)
    header = traitlets.Dict().tag(sync=True)
    initial = traitlets.Dict().tag(sync=True)

    def __init__(self, capture, view: str = "name", **kwargs):
        if view not in ("name", "variable"):
            raise ValueError(f"view must be 'name' or 'variable', not {view!r}")
        self._records = _Records(capture)
        self._indexes: dict[str, _ViewIndex] = {}
        self._ids: dict[int, int] = {}  # id(node) -> the id the browser knows it by
        self._nodes: dict[int, tuple[str, ScopeNode]] = {}  # browser id -> (view, node)
        self._scopes_at = _scope_records_by_path(capture.scopes)
        self._notes_by_subject: dict[str, list[str]] = {}
        for note in capture.notes:
            self._notes_by_subject.setdefault(note.subject, []).append(note.message)
        super().__init__(view=view, header=_header(capture), **kwargs)
        self.initial = self._first_show(view)

    # -- the data the browser gets ---------------------------------------

    def index(self, view: str | None = None) -> _ViewIndex:
        """The tree and search index of one view (built on first use, then kept)."""
        view = view or self.view
        if view not in self._indexes:
            self._indexes[view] = _ViewIndex(self._records, view)
        return self._indexes[view]

    def _id(self, view: str, node: ScopeNode) -> int:
        key = id(node)
        if key not in self._ids:
            # Ids are unique across both views, so a late answer for the other view
            # can never land on a node of this one.
            self._ids[key] = len(self._ids) + 1
            self._nodes[self._ids[key]] = (view, node)
        return self._ids[key]

    def _listed(self, node: ScopeNode) -> tuple:
        """A node's children as the widget lists them: shown ones, then the folded.

        The text and HTML views only count what a call made for itself; here
        opening the call's row lists it (dimmed).
        """
        row = present(node)
        return row.children + row.folded

    def _batch(self, view: str, node: ScopeNode, page: int) -> dict:
        start = page * PAGE
        listed = self._listed(node)
        return {
            "id": self._id(view, node),
            "page": page,
            "page_size": PAGE,
            "total": len(listed),
            "nodes": [self._payload(view, child) for child in listed[start : start + PAGE]],
        }

    def _first_show(self, view: str) -> dict:
        """The root's first page, and the rows that start open, within a budget."""
        root = self.index(view).root
        batches = [self._batch(view, root, 0)]
        opened = []
        budget = FIRST_SHOW_BUDGET
        level = list(self._listed(root)[:PAGE])
        for depth in range(OPEN_DEPTH):  # the same rows the static view opens
            next_level = []
            for node in level:
                row = present(node, depth)
                listed = self._listed(node)
                if not row.starts_open or len(listed) > budget:
                    continue
                batches.append(self._batch(view, node, 0))
                opened.append(self._id(view, node))
                budget -= min(len(listed), PAGE)
                next_level.extend(listed[:PAGE])
            level = next_level
        return {"view": view, "root": self._id(view, root), "batches": batches, "open": opened}

    def _payload(self, view: str, node: ScopeNode) -> dict:
        row = present(node)
        return {
            "id": self._id(view, node),
            "label": row.label,
            "name": _display_name(node),
            "kind": row.kind,
            "badges": [[badge.css, badge.letter, badge.words] for badge in row.badges],
            "dim": row.dim,
            "count": len(row.children) + len(row.folded),
            "summary": row.summary or row.contents,
            "folded": row.folded_words,
        }

    # -- the detail pane -------------------------------------------------

    def detail(self, node: ScopeNode) -> dict:
        """What the detail pane shows for ``node`` (sent when the user selects it)."""
        kind = kind_of(node)
        sections = []
        if kind == "series":
            first, last = node.children[0].label, node.children[-1].label
            sections.append(
                {
                    "rows": [
                        ["series", f"{node.series_size} numbered siblings: {first} ... {last}"],
                        ["contains", contents(node)],
                    ]
                }
            )
            return {"title": node.label, "sections": sections}
        if kind == "graph":
            sections.append({"rows": [["graph", node.label], ["contains", contents(node)]]})
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

    # -- requests from the browser (anywidget commands: each answer finds its request)

    @command
    def expand(self, content, _buffers):
        """Children of node ``id``, page ``page``."""
        found = self._nodes.get(content.get("id"))
        if found is None:
            return {"batches": []}, []  # a node of a view that is gone
        view, node = found
        page = max(0, int(content.get("page", 0)))
        return {"batches": [self._batch(view, node, page)]}, []

    @command
    def describe(self, content, _buffers):
        """The detail pane of node ``id``."""
        found = self._nodes.get(content.get("id"))
        if found is None:
            return {"detail": None}, []
        return {"id": content["id"], "detail": self.detail(found[1])}, []

    @command
    def find(self, content, _buffers):
        """The ``index``-th node whose name contains ``query``, and the way to it."""
        return self._search(str(content.get("query", "")), int(content.get("index", 0))), []

    @command
    def reveal(self, content, _buffers):
        """The node called ``name`` in the current view and the way to it."""
        return self._reveal_name(str(content.get("name", ""))), []

    def _reveal(self, view: str, node: ScopeNode, extra: dict | None = None) -> dict:
        batches, opened = [], []
        for ancestor, position in self.index(view).chain(node):
            batches.append(self._batch(view, ancestor, position // PAGE))
            opened.append(self._id(view, ancestor))
        message = {"batches": batches, "open": opened, "select": self._id(view, node)}
        message.update(extra or {})
        return message

    def _search(self, query: str, index: int) -> dict:
        view = self.view
        total, matches = self.index(view).search(query)
        result = {"query": query, "total": total, "index": 0, "name": ""}
        if not matches:
            return {"batches": [], "search": result}
        index %= len(matches)
        name, node = matches[index]
        result.update(index=index, name=name)
        return self._reveal(view, node, {"search": result})

    def _reveal_name(self, name: str) -> dict:
        """Select the node called ``name`` in the current view (kept across the toggle)."""
        view = self.view
        _total, matches = self.index(view).search(name)
        exact = [node for found, node in matches if found == name]
        return self._reveal(view, exact[0]) if exact else {"batches": []}

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
    """Headline, grouped notes (click one to find it), every note one click away, error."""
    notes = capture.notes
    groups = group_notes(notes)
    return {
        "headline": headline(capture),
        "notes": [{"message": g.line, "subject": g.subjects[0]} for g in groups[:MAX_NOTES]],
        "more_notes": sum(g.count for g in groups[MAX_NOTES:]),
        "all_notes": [n.message for n in notes[:MAX_ALL_NOTES]]
        if len(groups) < len(notes) or len(groups) > MAX_NOTES
        else [],
        "total_notes": len(notes),
        "error": error_line(capture),
    }


def _display_name(node: ScopeNode) -> str:
    if node.variables:
        return node.variables[0].name
    if node.op is not None:
        return node.op.name
    return node.path


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
    badge = " + ".join(b.words for b in present(node).badges)
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
    rows.append(["contains", contents(node)])
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


# The widget each cell showed last: a rerun closes it, so its records can go.
_SHOWN_BY_CELL: dict[str, ScopeTreeWidget] = {}
# One widget per capture, without keeping the capture alive.
_WIDGET_OF: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _running_cell_id() -> str | None:
    """The front end's id of the cell being run (JupyterLab and nbclient send one)."""
    try:
        from IPython import get_ipython

        parent = get_ipython().kernel.get_parent()
    except (AttributeError, ImportError, TypeError):
        return None
    return (parent or {}).get("metadata", {}).get("cellId")


def widget_for(capture) -> ScopeTreeWidget:
    """The one widget of ``capture``: made on first display, then the same one.

    When a cell is run again, the widget its earlier run displayed is closed: the
    front end drops that output anyway, and closing releases its records.
    """
    widget = _WIDGET_OF.get(capture)
    if widget is None or widget.comm is None:
        widget = ScopeTreeWidget(capture)
        _WIDGET_OF[capture] = widget
    cell = _running_cell_id()
    if cell is not None:
        earlier = _SHOWN_BY_CELL.get(cell)
        if earlier is not None and earlier is not widget:
            earlier.close()
        _SHOWN_BY_CELL[cell] = widget
    return widget


def widget_view_entry(capture) -> dict:
    """``{widget-view mimetype: ...}`` for a Capture's display bundle, or ``{}``.

    The widget view goes beside text/plain and text/html: front ends that draw
    widgets show the tree, the others (nbconvert, nbviewer, nbval) keep the
    static views.
    """
    if not kernel_can_show_widgets():
        return {}
    widget = widget_for(capture)
    return {
        WIDGET_VIEW_MIME: {
            "version_major": 2,
            "version_minor": 0,
            "model_id": widget.model_id,
        }
    }


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
