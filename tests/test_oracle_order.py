"""Order and attribution where the graph already holds ops, and series labels.

The oracle is TensorFlow: the names it returned, its own op list, and an event log
the test keeps while the code runs (each scope entered, each op made, in order).
The tree must list the cell's top-level names in the order the cell made them,
whatever the graph held before.
"""

import re

import pytest

from scopekit import capture
from scopekit.render.text import render_text
from scopekit.tree import build_tree

from .conftest import run


def _build_with_events(tf, graph):
    """A cell's worth of code; returns the log of what happened, in order."""
    v1 = tf.compat.v1
    events = []

    def scope_entered(name_or_scope_string):
        events.append(("scope", name_or_scope_string.rstrip("/")))

    def made(tensor_or_variable):
        events.append(("name", tensor_or_variable.name.split(":")[0]))

    with graph.as_default():
        made(tf.constant(1.0, name="first"))
        with v1.name_scope("empty") as opened:  # a scope with nothing in it
            scope_entered(opened)
        with v1.variable_scope("dense") as vs:
            # Entered at one moment: the variable scope, then the name scope it opened
            # for its ops ('dense_1' when the graph already holds a 'dense').
            scope_entered(vs.name)
            scope_entered(vs.original_name_scope)
            made(v1.get_variable("w", shape=(2,)))
        made(tf.constant(2.0, name="middle"))
        with v1.name_scope("block") as opened:
            scope_entered(opened)
            made(tf.constant(3.0, name="c"))
        made(tf.constant(4.0, name="last"))
    return events


def _top_level_order(events):
    """The first path component of each event, first appearance only."""
    order = []
    for _, name in events:
        top = name.split("/")[0]
        if top not in order:
            order.append(top)
    return order


def _given_graph(tf, names):
    graph = tf.Graph()
    with graph.as_default():
        for name in names:
            tf.constant(0.0, name=name)
    return graph


@pytest.mark.parametrize("before", [[], ["x", "y", "z"], ["first", "empty", "dense", "block"]])
def test_tree_lists_the_cells_names_in_the_order_they_were_made(tf, before):
    graph = _given_graph(tf, before)
    with capture(graph=graph) as cap:
        events = _build_with_events(tf, graph)
    expected = _top_level_order(events)
    # Names from before the capture are not the cell's: not in its tree.
    assert [child.label for child in cap.tree().children] == expected
    # Every name TF returned is a node, under its own path.
    for _, name in events:
        assert cap.tree().find(name) is not None, name


def test_scope_positions_count_only_the_cells_ops(tf):
    graph = _given_graph(tf, ["p", "q", "r", "s"])
    with capture(graph=graph) as cap:
        first = tf.constant(1.0, name="first")
        with tf.compat.v1.name_scope("scope") as opened:
            made_before = len(graph.get_operations())
    assert first.name == "first:0" and opened == "scope/"
    (scope,) = cap.scopes
    assert cap.ops_before == 4
    assert scope.position == made_before - 4 == 1


def test_names_suffixed_by_the_old_graph_are_attributed_to_their_scope(tf):
    # The graph already holds 'enc/...', so the cell's 'enc' scope becomes 'enc_1'.
    graph = tf.Graph()
    v1 = tf.compat.v1
    with graph.as_default():
        with v1.variable_scope("enc"):
            v1.get_variable("w", shape=())
    with capture(graph=graph) as cap:
        with v1.variable_scope("enc", reuse=True) as vs:
            w = v1.get_variable("w", shape=())
            y = tf.identity(w, name="y")
    assert y.name == "enc_1/y:0" and w.name == "enc/w:0"
    assert vs.original_name_scope == "enc_1/"
    (var,) = cap.variables
    assert (var.name, var.reused, var.prefix_from) == ("enc/w", True, "variable_scope")
    (op,) = [o for o in cap.ops if o.type == "Identity"]
    assert (op.name, op.name_scope, op.variable_scope, op.prefix_from) == (
        "enc_1/y",
        "enc_1",
        "enc",
        "name_scope",
    )
    # The note says what happened in words: the scope was reopened under a new name.
    assert [n.message for n in cap.notes if n.kind == "reopened"] == [
        "'enc' was reopened as 'enc_1': its ops go to 'enc_1/', its get_variable "
        "variables stay under 'enc/'"
    ]


def test_scopes_magic_on_the_default_graph_orders_and_attributes_the_cells_names(shell):
    run(shell, "tf.compat.v1.reset_default_graph()")
    run(
        shell,
        "g = tf.compat.v1.get_default_graph()\n"
        "with g.as_default():\n"
        "    old = [tf.constant(0.0, name=n) for n in ('b', 'a', 'scope')]",
    )
    result = run(
        shell,
        "%%scopes --graph default --text -o cap\n"
        "with g.as_default():\n"
        "    a = tf.constant(1.0, name='a')\n"
        "    with tf.compat.v1.name_scope('empty'):\n"
        "        pass\n"
        "    with tf.compat.v1.name_scope('scope') as opened:\n"
        "        c = tf.constant(2.0, name='c')\n"
        "    b = tf.constant(3.0, name='b')\n",
    )
    result.raise_error()
    ns = shell.user_ns
    cap = ns["cap"]
    try:
        # TF's names, suffixed because the graph held them.
        assert (ns["a"].name, ns["opened"], ns["c"].name, ns["b"].name) == (
            "a_1:0",
            "scope_1/",
            "scope_1/c:0",
            "b_1:0",
        )
        assert cap.graph is ns["g"] and cap.ops_before == 3
        assert [child.label for child in cap.tree().children] == ["a_1", "empty", "scope_1", "b_1"]
        op = {o.name: o for o in cap.ops}["scope_1/c"]
        assert (op.name_scope, op.variable_scope, op.prefix_from) == ("scope_1", "", "name_scope")
        assert "'scope' was reopened as 'scope_1'" in [n.message for n in cap.notes]
    finally:
        run(shell, "tf.compat.v1.reset_default_graph()")
        for name in ("g", "old", "a", "b", "c", "opened"):
            ns.pop(name, None)


# --- Series labels ---------------------------------------------------------


def _series_label_model(numbers, base):
    """What a folded series should read: lowest to highest number, whatever the order."""
    return f"{base}_[{min(numbers)}..{max(numbers)}]"


@pytest.mark.parametrize(
    "order",
    [[5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 4, 2], [10, 2, 7, 9, 8]],
)
def test_series_label_reads_low_to_high_whatever_the_creation_order(tf, order):
    v1 = tf.compat.v1
    with capture() as cap:
        for number in order:
            with v1.variable_scope(f"layer_{number}"):
                v1.get_variable("w", shape=())
    # TF's own names: each layer made under its own number.
    assert sorted(v.name for v in cap.variables) == sorted(f"layer_{n}/w" for n in order)
    (series,) = cap.tree().children
    assert series.is_series and series.series_size == len(order)
    assert series.label == _series_label_model(order, "layer")
    # Members read in number order too, whatever order the cell made them in.
    assert [member.label for member in series.children] == [f"layer_{n}" for n in sorted(order)]
    assert f"layer_[{min(order)}..{max(order)}]/" in render_text(cap)


def test_series_label_from_default_names_made_out_of_order(tf):
    # default_name series: TF numbers them itself, so create some by name first.
    v1 = tf.compat.v1
    with capture() as cap:
        for number in (4, 2):
            with v1.variable_scope(f"block_{number}"):
                v1.get_variable("w", shape=())
        for _ in range(4):
            with v1.variable_scope(None, default_name="block"):
                v1.get_variable("w", shape=())
    names = [v.name for v in cap.variables]
    numbers = [int(re.match(r"block(?:_(\d+))?/", n).group(1) or 0) for n in names]
    (series,) = cap.tree().children
    # The unnumbered 'block' counts as number 0 (TF's first default name).
    assert series.label == _series_label_model(numbers, "block")


def test_variable_view_series_reads_low_to_high(tf):
    records = []
    v1 = tf.compat.v1
    with capture() as cap:
        for number in (7, 6, 5, 9, 8):
            with v1.variable_scope(f"t_{number}"):
                records.append(v1.get_variable("v", shape=()).name)
    root = build_tree(cap.ops, cap.variables, cap.scopes, view="variable")
    (series,) = root.children
    assert series.label == "t_[5..9]"
    assert len(records) == 5
