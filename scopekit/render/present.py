"""The presentation step: what each row of every view shows, decided once.

Between the tree and the renderers (the way treescope's handlers turn values into
one intermediate form that its HTML and text renderers both draw): per node its
kind, label, badges (a css name, a letter and words), summary, whether it is
dimmed and whether it starts open, and which children it shows; per capture the
notes, grouped by pattern. Text, static HTML and the widget's payload all read
:func:`present`; none of them decides on its own what a row says.

The rules that live here and nowhere else:

* **Internal ops are folded into their call.** What a call makes for itself (a
  variable's initializer, read and assign ops; the reads ``tf.add`` makes inside
  its own ``total/`` scope) hangs below the call's own node. Such children are
  counted on the call's row ("+3 internal ops") and listed only when asked
  (``internal=True``). Subtrees holding nothing but TF's internal ops fold into
  their parent's count the same way.
* **Library scopes that hold user things are shown.** A scope a library opened
  (a Keras layer's, ``tf.compat.v1.layers``') that holds a variable or a scope the
  user opened starts open and is not dimmed; only scopes that hold nothing but
  library internals are dimmed and start closed.
* **Notes are grouped** by pattern, most instructive kind first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from ..tree import ScopeNode
from .words import device_label, plural, variable_summary

OPEN_DEPTH = 2  # levels that start open: the top scopes and what they hold
MAX_NOTES = 8  # grouped note lines before the tree; the full list is one step away
GROUP_MIN = 3  # notes of one pattern that become one line (two read better as two)


@dataclass(frozen=True, slots=True)
class Badge:
    """A scope kind as every view shows it: a css name, a letter and words."""

    css: str  # "ns", "vs" or "lib"
    letter: str  # "N", "V" or "lib": readable where colours are stripped
    words: str


NAME_SCOPE = Badge("ns", "N", "name scope")
NAME_SCOPE_OF_VS = Badge("ns", "N", "name scope of a variable scope")
VARIABLE_SCOPE = Badge("vs", "V", "variable scope")
LIBRARY_SCOPE = Badge("lib", "lib", "library scope")
LEGEND = (NAME_SCOPE, VARIABLE_SCOPE, LIBRARY_SCOPE)


@dataclass(frozen=True, slots=True)
class NodeView:
    """One row of any view.

    ``children`` are the rows below it that every view lists; ``folded`` are the
    children that belong to this row's call (or hold only TF's internal ops): the
    text and HTML views count them (``folded_ops``), the widget lists them when
    the row is opened, and ``internal=True`` lists them everywhere.
    """

    node: ScopeNode
    kind: str  # "series", "variable", "op", "graph" or "scope"
    label: str
    badges: Tuple[Badge, ...]
    summary: str  # what the row is, after its label and badges ("" for plain scopes)
    contents: str  # "3 ops, 1 variable"
    dim: bool
    starts_open: bool
    children: Tuple[ScopeNode, ...]
    folded: Tuple[ScopeNode, ...]
    folded_ops: int

    @property
    def folded_words(self) -> str:
        """'+2 internal ops', or '' when nothing is folded."""
        return f"+{plural(self.folded_ops, 'internal op')}" if self.folded_ops else ""


def badges(node: ScopeNode) -> Tuple[Badge, ...]:
    """The scope kinds opened at this node (a library scope says so)."""
    if node.scope_kinds == {"name_scope"} and node.opened_by_variable_scope:
        return (NAME_SCOPE_OF_VS,)
    if node.scope_kinds:
        found = []
        if "variable_scope" in node.scope_kinds:
            found.append(VARIABLE_SCOPE)
        if "name_scope" in node.scope_kinds:
            found.append(NAME_SCOPE)
        return tuple(found)
    if node.origin == "library" and node.op is None and not node.variables:
        return (LIBRARY_SCOPE,)
    return ()


def kind_of(node: ScopeNode) -> str:
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


def contents(node: ScopeNode) -> str:
    """'12 ops, 1 variable'."""
    return f"{plural(node.op_count, 'op')}, {plural(node.variable_count, 'variable')}"


def series_words(node: ScopeNode) -> str:
    """'series of 290: 2,900 ops, 290 variables' (one phrasing for every view)."""
    return f"series of {node.series_size}: {contents(node)}"


def library_only(node: ScopeNode) -> bool:
    """A scope a library opened that holds nothing the user made or named."""
    return (
        node.origin == "library"
        and not node.holds_user
        and node.op is None
        and not node.variables
        and "variable_scope" not in node.scope_kinds
    )


def _is_call(node: ScopeNode) -> bool:
    return node.op is not None or bool(node.variables)


def _part_of_call(child: ScopeNode, parent: ScopeNode) -> bool:
    """Children a call made for itself: below a variable or op, holding no user things."""
    if child.internal_only:
        return True
    return _is_call(parent) and not child.holds_user and not child.is_series


def present(node: ScopeNode, depth: int = 0, internal: bool = False) -> NodeView:
    """The row of ``node`` at ``depth`` (0: the top level)."""
    kind = kind_of(node)
    if kind == "series":
        summary = series_words(node)
    elif kind == "variable":
        summary = variable_summary(node.variables)
    elif kind == "op":
        summary = node.op.type
    else:
        summary = ""
    device = device_label(node)
    if device:
        summary = f"{summary}  {device}".strip()
    if internal or node.is_series:
        shown, folded = tuple(node.children), ()
    else:
        shown_list, folded_list = [], []
        for child in node.children:
            (folded_list if _part_of_call(child, node) else shown_list).append(child)
        shown, folded = tuple(shown_list), tuple(folded_list)
    dim = node.internal_only or library_only(node)
    starts_open = (
        kind in ("scope", "graph") and depth < OPEN_DEPTH and bool(shown) and not dim
    )
    return NodeView(
        node=node,
        kind=kind,
        label=node.label,
        badges=badges(node),
        summary=summary,
        contents=contents(node),
        dim=dim,
        starts_open=starts_open,
        children=shown,
        folded=folded,
        folded_ops=sum(child.op_count for child in folded),
    )


def root_view(root: ScopeNode, internal: bool = False) -> NodeView:
    """The invisible root: its ``children`` are the top-level rows."""
    return present(root, depth=-1, internal=internal)


# ---------------------------------------------------------------------------
# Notes, grouped by pattern

# Most instructive first: what the course teaches, then what follows from it.
NOTE_ORDER = ("ignored_name_scope", "reopened", "renamed", "same_name", "reused")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class NoteGroup:
    """Notes that say the same thing about names that differ only in numbers."""

    kind: str
    first: str  # the first note's message
    subjects: Tuple[str, ...]  # every note's subject, in natural order

    @property
    def count(self) -> int:
        return len(self.subjects)

    @property
    def line(self) -> str:
        """The note itself, or the first one with how many more say the same."""
        if self.count == 1:
            return self.first
        return (
            f"{self.first} (and {self.count - 1} more like it: "
            f"{self.subjects[0]} ... {self.subjects[-1]})"
        )


def natural_key(text: str) -> tuple:
    """'b2_10' after 'b2_9': numbers compare as numbers."""
    return tuple(
        (0, int(piece)) if piece.isdigit() else (1, piece)
        for piece in re.split(r"(\d+)", text)
        if piece
    )


def group_notes(notes: Sequence) -> List[NoteGroup]:
    """One group per kind and message pattern (numbers ignored), most instructive first.

    A pattern with fewer than GROUP_MIN notes keeps one line per note.
    """
    groups: Dict[tuple, List] = {}
    for note in notes:
        groups.setdefault((note.kind, _DIGITS.sub("#", note.message)), []).append(note)
    rank = {kind: number for number, kind in enumerate(NOTE_ORDER)}
    ordered = sorted(groups.items(), key=lambda item: rank.get(item[0][0], len(rank)))
    found = []
    for (kind, _pattern), members in ordered:
        if len(members) < GROUP_MIN:
            found += [NoteGroup(kind, note.message, (note.subject,)) for note in members]
            continue
        subjects = tuple(sorted((n.subject for n in members), key=natural_key))
        found.append(NoteGroup(kind, members[0].message, subjects))
    return found
