"""Records -> a scope tree: plain data for the renderers, no TensorFlow, no widgets.

Names are split on ``/``. A node may at once be a scope (something opened a
name scope or variable scope at its path), an op, and a variable (one record per
``tf.Variable`` / ``get_variable`` call that returned it). Five or more numbered
siblings (``layer_0`` ... ``layer_99``, or ``b0`` ... ``b289``) fold into one
series node, the way TensorBoard's graph dashboard groups them, and five or more
such series fold again (``b[0..289]_[1..9]``). What each node looks like in a
view is decided later, once for every view, in ``render/present.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from .attribution import basename
from .bulk import gc_paused

SERIES_MIN = 5
_NUMBERED = re.compile(r"^(.*?)_(\d+)$")


@dataclass(slots=True)
class ScopeNode:
    """One node of the scope tree.

    ``label`` is what the node shows ("x", or "layer_[0..99]" for a series);
    ``path`` is its full name. ``scope_kinds`` holds "name_scope" and/or
    "variable_scope" when such a scope was opened at this path, and ``origin``
    says who opened it ("user", "library", or "" when nobody did).
    """

    label: str
    path: str
    # Shared empty defaults, replaced when first filled: trees can have 100,000s of nodes.
    scope_kinds: frozenset = frozenset()
    origin: str = ""
    op: Optional[object] = None
    variables: Sequence = ()
    children: List["ScopeNode"] = field(default_factory=list)
    series_size: int = 0  # > 0 for a folded series node
    op_count: int = 0  # ops in this subtree, this node included
    variable_count: int = 0  # distinct variables in this subtree
    internal_only: bool = False  # every op below is TF's own (initializers, reads)
    opened_by_variable_scope: bool = False  # a name scope only a variable scope opened
    # A variable or a scope the user opened is here or below: not a library internal.
    holds_user: bool = False

    @property
    def is_series(self) -> bool:
        return self.series_size > 0

    def walk(self) -> Iterator["ScopeNode"]:
        """This node and every node below it, depth first, in order."""
        pending = [self]
        while pending:
            node = pending.pop()
            yield node
            pending.extend(reversed(node.children))

    def find(self, path: str) -> Optional["ScopeNode"]:
        """The node with this full path, looking inside series too."""
        for node in self.walk():
            if node.path == path and not node.is_series:
                return node
        return None


class _Builder:
    def __init__(self):
        self.root = ScopeNode(label="", path="")
        self._index: Dict[str, ScopeNode] = {"": self.root}

    def node(self, path: str) -> ScopeNode:
        """The node at ``path``, made with any missing ancestors (no recursion)."""
        found = self._index.get(path)
        if found is not None:
            return found
        missing = []
        while path not in self._index:
            missing.append(path)
            path = path.rpartition("/")[0]
        parent = self._index[path]
        for child_path in reversed(missing):
            created = ScopeNode(label=child_path.rpartition("/")[2], path=child_path)
            self._index[child_path] = created
            parent.children.append(created)
            parent = created
        return parent


def _placement(record, view: str) -> str:
    if view == "variable":
        scope = record.variable_scope
        return f"{scope}/{basename(record.name)}" if scope else basename(record.name)
    return record.name


def _variable_view_op_places(ops: Sequence, variables: Sequence) -> Dict[str, str]:
    """Where each op goes in the variable view.

    An op whose name lies under a variable's or another op's name was made by
    that call for itself (initializer, read, assign): it goes under the call's
    place, so the variable view keeps it with its call instead of listing it flat.
    """
    own = {}
    for var in variables:
        own.setdefault(var.name, _placement(var, "variable"))
    by_name = {op.name: op for op in ops}
    places: Dict[str, str] = {}
    for op in ops:
        # The chain of calls above this op, innermost first, then placed outermost first.
        chain = [op.name]
        while True:
            name = chain[-1]
            if name in own or name in places:
                break
            prefix = name.rpartition("/")[0]
            while prefix and prefix not in own and prefix not in by_name:
                prefix = prefix.rpartition("/")[0]
            if not prefix:
                break
            chain.append(prefix)
        top = chain[-1]
        base = own.get(top) or places.get(top) or _placement(by_name[top], "variable")
        places.setdefault(top, base)
        # Each name in the chain sits below the next one out.
        for inner, outer in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
            places.setdefault(inner, places[outer] + inner[len(outer) :])
    return places


def build_tree(
    ops: Sequence, variables: Sequence, scopes: Sequence, view: str = "name", graph: int = 0
) -> ScopeNode:
    """Build the tree of one graph's records.

    ``view="name"`` places everything where its graph name says (the TensorBoard
    view); ``view="variable"`` places everything under the variable scope in
    force when it was made, the view of ``get_variable`` and of checkpoints, so
    the names that followed a name scope instead move.
    """
    if view not in ("name", "variable"):
        raise ValueError(f"view must be 'name' or 'variable', not {view!r}")
    with gc_paused():
        return _build(ops, variables, scopes, view, graph)


def _build(ops, variables, scopes, view: str, graph: int) -> ScopeNode:
    builder = _Builder()
    graph_ops = [op for op in ops if op.graph == graph]
    placed = 0
    op_places = (
        _variable_view_op_places(graph_ops, [v for v in variables if v.graph == graph])
        if view == "variable"
        else {}
    )

    def place_ops(until: int) -> None:
        nonlocal placed
        for op in graph_ops[placed:until]:
            builder.node(op_places.get(op.name) or op.name).op = op
        placed = max(placed, min(until, len(graph_ops)))

    # Nodes appear in creation order: each scope goes in before the ops made after
    # it was entered (all first when its position is unknown).
    for scope in scopes:
        if scope.graph != graph:
            continue
        if scope.position is not None:
            place_ops(scope.position)
        path = scope.name_scope if scope.kind == "name_scope" else scope.variable_scope
        if view == "variable" and scope.kind == "name_scope":
            continue
        if not path:
            continue
        node = builder.node(path)
        if scope.origin == "user" or scope.kind == "variable_scope":
            node.scope_kinds = node.scope_kinds | {scope.kind}
            if scope.kind == "name_scope":
                node.opened_by_variable_scope = False
        if scope.kind == "variable_scope" and scope.name_scope and view == "name":
            # The name scope a variable scope opens for its ops.
            opened = builder.node(scope.name_scope)
            if "name_scope" not in opened.scope_kinds:
                opened.opened_by_variable_scope = True
            opened.scope_kinds = opened.scope_kinds | {"name_scope"}
        if scope.origin == "user" or not node.origin:
            node.origin = scope.origin
    place_ops(len(graph_ops))
    for var in variables:
        if var.graph == graph:
            node = builder.node(_placement(var, view))
            node.variables = [*node.variables, var]
    _finish(builder.root)
    return builder.root


def _finish(root: ScopeNode) -> None:
    """Fill counts bottom-up, then fold numbered siblings into series.

    Iterative, so a scope nested thousands deep cannot hit Python's recursion limit.
    """
    order: List[ScopeNode] = []
    pending = [root]
    while pending:
        node = pending.pop()
        order.append(node)
        pending.extend(node.children)
    for node in reversed(order):  # every child before its parent
        op_count = 1 if node.op is not None else 0
        internal_only = node.op is None or node.op.internal
        variable_count = len({v.name for v in node.variables})
        holds_user = bool(node.variables) or node.origin == "user"
        for child in node.children:
            op_count += child.op_count
            variable_count += child.variable_count
            internal_only = internal_only and child.internal_only
            holds_user = holds_user or child.holds_user
        node.op_count = op_count
        node.variable_count = variable_count
        node.internal_only = internal_only and op_count > 0 and not node.variables
        node.holds_user = holds_user
        node.children = _fold_series_of_series(_fold_series(node.children, node.path), node.path)


def _series_key(label: str) -> Tuple[str, Optional[int]]:
    match = _NUMBERED.match(label)
    return (match.group(1), int(match.group(2))) if match else (label, None)


def _series_node(label: str, prefix: str, group: List[ScopeNode]) -> ScopeNode:
    return ScopeNode(
        label=label,
        path=prefix + label,
        children=group,
        series_size=len(group),
        op_count=sum(m.op_count for m in group),
        variable_count=sum(m.variable_count for m in group),
        internal_only=all(m.internal_only for m in group),
        holds_user=any(m.holds_user for m in group),
        origin=group[0].origin,
        scope_kinds=frozenset().union(*(m.scope_kinds for m in group)),
    )


def _fold_series(children: List[ScopeNode], parent_path: str) -> List[ScopeNode]:
    """``layer``, ``layer_1`` ... ``layer_99`` -> one node ``layer_[0..99]``."""
    keys = [_series_key(child.label) for child in children]
    numbered: Dict[str, List[int]] = {}
    for base, number in keys:
        if number is not None:
            numbered.setdefault(base, []).append(number)
    folding = {base for base, numbers in numbered.items() if len(numbers) >= SERIES_MIN}
    if not folding:
        return children
    members: Dict[str, List[Tuple[int, ScopeNode]]] = {base: [] for base in folding}
    for child, (base, number) in zip(children, keys, strict=True):
        if base in members:
            members[base].append((number or 0, child))
    folded: List[ScopeNode] = []
    prefix = f"{parent_path}/" if parent_path else ""
    for child, (base, _) in zip(children, keys, strict=True):
        if base not in folding:
            folded.append(child)
            continue
        group = members.pop(base, None)
        if group is None:
            continue  # the series was placed at its first member
        group.sort(key=lambda pair: pair[0])  # members in number order
        low, high = group[0][0], group[-1][0]
        folded.append(_series_node(f"{base}_[{low}..{high}]", prefix, [m for _, m in group]))
    return folded


# "b0" ... "b289", or the series "b0_[0..9]" ... "b289_[0..9]": a number glued to a stem.
_GLUED = re.compile(r"^(.*?[^\d_\]])(\d+)(_\[(\d+)\.\.(\d+)\])?$")


def _fold_series_of_series(children: List[ScopeNode], parent_path: str) -> List[ScopeNode]:
    """Fold numbered siblings without an underscore, and series of series.

    ``b0`` ... ``b289`` -> ``b[0..289]``; ``b0_[0..9]`` ... ``b289_[0..9]`` ->
    ``b[0..289]_[0..9]``, so 2,900 reopened blocks open as one row.
    """
    keys = []
    counts: Dict[tuple, int] = {}
    for child in children:
        match = _GLUED.match(child.label)
        # A plain name, or a series made by _fold_series: never a series of series again.
        if match and (match.group(3) is None) == (not child.is_series):
            key = (match.group(1), match.group(3) is not None)
            keys.append((key, int(match.group(2)), match))
            counts[key] = counts.get(key, 0) + 1
        else:
            keys.append((None, 0, None))
    folding = {key for key, count in counts.items() if count >= SERIES_MIN}
    if not folding:
        return children
    groups: Dict[tuple, List[Tuple[int, ScopeNode, re.Match]]] = {key: [] for key in folding}
    for child, (key, number, match) in zip(children, keys, strict=True):
        if key in groups:
            groups[key].append((number, child, match))
    prefix = f"{parent_path}/" if parent_path else ""
    folded: List[ScopeNode] = []
    for child, (key, _, _) in zip(children, keys, strict=True):
        if key not in folding:
            folded.append(child)
            continue
        group = groups.pop(key, None)
        if group is None:
            continue
        group.sort(key=lambda item: item[0])
        stem, nested = key
        label = f"{stem}[{group[0][0]}..{group[-1][0]}]"
        if nested:
            low = min(int(match.group(4)) for _, _, match in group)
            high = max(int(match.group(5)) for _, _, match in group)
            label += f"_[{low}..{high}]"
        folded.append(_series_node(label, prefix, [member for _, member, _ in group]))
    return folded
