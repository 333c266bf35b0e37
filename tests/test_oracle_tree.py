"""The scope tree against a small model written here, on real TensorFlow captures.

The model works from TF's own names alone (``graph.get_operations()``, the
variables' ``.name``): every prefix of a name is a node; a node counts the ops
whose names are at or below it and the distinct variables there; five or more
siblings ``base_N`` fold into one series labelled ``base_[low..high]`` whose path
is its parent's path plus that label. The tree must agree node for node.
"""

import re

import pytest

from scopekit import capture
from scopekit.tree import build_tree

NUMBERED = re.compile(r"^(.*?)_(\d+)$")


def _program(tf):
    """Build into the default graph; return the scope paths TF reported opening."""
    v1 = tf.compat.v1
    opened = []
    with v1.name_scope("input") as ns:
        opened.append(ns.rstrip("/"))
        x = tf.constant([[1.0, 2.0]], name="x")
    for i in (3, 0, 1, 2, 4, 5):  # a series, made out of order
        with v1.variable_scope(f"layer_{i}") as vs:
            opened += [vs.name, vs.original_name_scope.rstrip("/")]
            w = v1.get_variable("w", shape=(2, 2))
            x = tf.matmul(x, w, name="mm")
    for i in range(4):  # four numbered siblings: too few to fold
        tf.identity(x, name=f"out_{i}")
    with v1.variable_scope("head") as vs:
        opened += [vs.name, vs.original_name_scope.rstrip("/")]
        v1.get_variable("b", shape=(2,))
        # A variable scope that opens no name scope and holds nothing: still a node.
        with v1.variable_scope("inner", auxiliary_name_scope=False) as inner:
            opened.append(inner.name)
    tf.Variable(1.0, name="step")
    return opened


def _model(op_names, internal_names, variable_names, scope_paths):
    """{path: (op_count, variable_count, internal_only)} from TF's names alone."""
    paths = set(scope_paths)
    for name in op_names + variable_names:
        parts = name.split("/")
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))

    def below(name, path):
        return name == path or name.startswith(path + "/")

    model = {}
    for path in paths:
        ops = [n for n in op_names if below(n, path)]
        variables = {v for v in variable_names if below(v, path)}
        internal_only = bool(ops) and not variables and all(n in internal_names for n in ops)
        model[path] = (len(ops), len(variables), internal_only)
    return model


def _expected_series(paths):
    """{parent path: {label: sorted member paths}} for 5+ numbered siblings."""
    by_parent = {}
    for path in paths:
        parent, _, label = path.rpartition("/")
        by_parent.setdefault(parent, set()).add(label)
    series = {}
    for parent, labels in by_parent.items():
        groups = {}
        for label in labels:
            match = NUMBERED.match(label)
            if match:
                groups.setdefault(match.group(1), []).append(int(match.group(2)))
        for base, numbers in groups.items():
            if len(numbers) >= 5:
                members = {f"{base}_{n}" for n in numbers}
                if base in labels:  # the unnumbered first one (TF's 'base' before 'base_1')
                    members.add(base)
                    numbers = numbers + [0]
                label = f"{base}_[{min(numbers)}..{max(numbers)}]"
                series.setdefault(parent, {})[label] = sorted(
                    (f"{parent}/{m}" if parent else m) for m in members
                )
    return series


def _nodes(root):
    """{path: node} for every node (series members included), and the series nodes."""
    nodes, series = {}, []
    for node in root.walk():
        if node is root:
            continue
        if node.is_series:
            series.append(node)
        else:
            nodes[node.path] = node
    return nodes, series


@pytest.fixture(scope="module")
def built(tf):
    """(the capture of _program, the scope paths TF reported opening)."""
    with capture() as cap:
        opened = _program(tf)
    return cap, opened


@pytest.fixture
def captured(built):
    return built[0]


def test_every_name_prefix_is_a_node_with_the_models_counts(built):
    captured, opened = built
    graph = captured.graph
    op_names = [op.name for op in graph.get_operations()]
    internal = {r.name for r in captured.ops if r.internal}
    variable_names = [v.name.split(":")[0] for v in graph.get_collection("variables")]
    model = _model(op_names, internal, variable_names, opened)
    nodes, _ = _nodes(captured.tree())
    assert set(nodes) == set(model)
    got = {p: (n.op_count, n.variable_count, n.internal_only) for p, n in nodes.items()}
    assert got == model
    root = captured.tree()
    assert root.path == "" and root.label == ""
    assert (root.op_count, root.variable_count) == (len(op_names), len(set(variable_names)))
    for path, node in nodes.items():
        assert node.label == path.rpartition("/")[2]
        assert root.find(path) is node


def test_series_fold_as_the_model_says(captured):
    nodes, series = _nodes(captured.tree())
    expected = _expected_series(nodes)
    got = {}
    for node in series:
        parent = node.path.rpartition("/")[0]
        members = sorted(m.path for m in node.children)
        got.setdefault(parent, {})[node.label] = members
        # A series sums its members and says how many there are.
        assert node.series_size == len(node.children)
        assert node.op_count == sum(m.op_count for m in node.children)
        assert node.variable_count == sum(m.variable_count for m in node.children)
        assert node.path == (f"{parent}/{node.label}" if parent else node.label)
    assert got == expected == {"": {"layer_[0..5]": [f"layer_{i}" for i in range(6)]}}
    # Too few to fold: the four out_N stay siblings of the series.
    labels = [child.label for child in captured.tree().children]
    assert [label for label in labels if label.startswith("out_")] == [f"out_{i}" for i in range(4)]


def test_scope_kinds_and_origin_follow_the_scopes_tf_opened(captured):
    root = captured.tree()
    assert root.find("input").scope_kinds == {"name_scope"}
    assert root.find("input").origin == "user"
    head = root.find("head")
    # variable_scope('head') opens a variable scope and its name scope of the same name.
    assert head.scope_kinds == {"variable_scope", "name_scope"}
    assert root.find("head/inner").scope_kinds == {"variable_scope"}
    # A node no scope opened (an op's own name) has no scope kind and no origin.
    assert root.find("step").scope_kinds == frozenset() and root.find("step").origin == ""


def test_variable_view_places_by_variable_scope(captured):
    root = build_tree(captured.ops, captured.variables, captured.scopes, view="variable")
    for record in captured.variables:
        node = root.find(record.name)
        assert node is not None and record in node.variables
    # An op made under name scope 'layer_3' in variable scope 'layer_3' stays there.
    assert root.find("layer_3/mm") is not None


def test_build_tree_rejects_an_unknown_view(captured):
    with pytest.raises(ValueError, match="view must be 'name' or 'variable'"):
        build_tree(captured.ops, captured.variables, captured.scopes, view="names")


def test_a_node_opened_only_by_a_variable_scope_says_so(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("vs"):
            pass
        with v1.variable_scope("vs", reuse=True) as again:
            tf.constant(1.0, name="c")
    assert again.original_name_scope == "vs_1/"
    root = cap.tree()
    assert root.find("vs_1").opened_by_variable_scope
    assert root.find("vs_1").scope_kinds == {"name_scope"}


# The same model on hand-made records (no TensorFlow): a name scope, a series made out
# of order with an unnumbered first member, internal ops, a variable called twice.
SUFFIXES = ("_3", "", "_1", "_5", "_2", "_4")
HAND_OPS = [
    ("input/x", False),
    *[(f"block{suffix}/w/Initializer", True) for suffix in SUFFIXES],
    *[(f"block{suffix}/mm", False) for suffix in SUFFIXES],
    ("out_0", False),
    ("out_1", False),
    ("deep/a/b/c", False),
]
HAND_VARIABLES = ["block/w", "block_1/w", "block_1/w", "top"]


def _hand_made():
    from scopekit.records import OpRecord, ScopeRecord, VariableRecord

    ops = [
        OpRecord(name, "Op", name.rpartition("/")[0], "", "", "other", 0, internal)
        for name, internal in HAND_OPS
    ]
    variables = [
        VariableRecord(name, name.rpartition("/")[2], "get_variable", i == 2, "", "", "other")
        for i, name in enumerate(HAND_VARIABLES)
    ]
    scopes = [ScopeRecord("name_scope", "input", "input", "", False, "user", None, 0, 0)]
    return ops, variables, scopes


def test_hand_made_records_give_the_models_tree():
    ops, variables, scopes = _hand_made()
    root = build_tree(ops, variables, scopes)
    op_names = [name for name, _ in HAND_OPS]
    internal = {name for name, is_internal in HAND_OPS if is_internal}
    model = _model(op_names, internal, HAND_VARIABLES, ["input"])
    nodes, series = _nodes(root)
    assert {p: (n.op_count, n.variable_count, n.internal_only) for p, n in nodes.items()} == model
    (block,) = series
    assert _expected_series(nodes) == {"": {block.label: sorted(m.path for m in block.children)}}
    assert block.label == "block_[0..5]" and block.path == "block_[0..5]"
    # Members in number order (the unnumbered 'block' is TF's first, number 0), though
    # made out of order; the series sits where its first-made member was.
    by_number = sorted(SUFFIXES, key=lambda suffix: int(suffix[1:] or 0))
    assert [m.label for m in block.children] == [f"block{suffix}" for suffix in by_number]
    assert [m.label for m in block.children] != [f"block{suffix}" for suffix in SUFFIXES]
    assert [c.label for c in root.children] == [
        "input",
        "block_[0..5]",
        "out_0",
        "out_1",
        "deep",
        "top",
    ]
    assert block.internal_only is False and block.origin == ""
    # A variable returned by two calls is one variable at one node, with both records.
    assert len(root.find("block_1/w").variables) == 2
    assert root.find("block_1/w").variable_count == 1
    assert root.find("input").scope_kinds == {"name_scope"} and root.find("input").origin == "user"
    assert root.find("block/w/Initializer").internal_only
    assert not root.find("block/w").internal_only  # it holds a variable


# -- Scope records on hand-made trees: who opened what, in both views. ---------------


def _scope_record(kind, ns, vs, origin="user", graph=0, position=None):
    from scopekit.records import ScopeRecord

    requested = (vs if kind == "variable_scope" else ns).rpartition("/")[2] or None
    return ScopeRecord(kind, requested, ns, vs, False, origin, None, graph, position)


def _op_record(name, ns, vs="", internal=False, graph=0):
    from scopekit.records import OpRecord

    return OpRecord(name, "Op", ns, vs, "", "other", graph, internal)


def _var_record(name, ns, vs, creator="get_variable"):
    from scopekit.records import VariableRecord

    return VariableRecord(name, name.rpartition("/")[2], creator, False, ns, vs, "other")


def test_scope_kinds_origin_and_the_name_scope_a_variable_scope_opened():
    scopes = [
        _scope_record("name_scope", "", "", graph=1),  # another graph's: not in this tree
        _scope_record("name_scope", "", ""),  # name_scope(None) by the user: no node
        _scope_record("variable_scope", "vs", "vs"),
        _scope_record("variable_scope", "vs_1", "vs"),  # reopened: ops go to vs_1
        _scope_record("name_scope", "lib", "", origin="library"),
        _scope_record("variable_scope", "libvs", "libvs", origin="library"),
        _scope_record("name_scope", "mixed", "", origin="library"),
        _scope_record("name_scope", "mixed", ""),
        _scope_record("name_scope", "userfirst", ""),
        _scope_record("name_scope", "userfirst", "", origin="library"),
        _scope_record("name_scope", "both", ""),
        _scope_record("variable_scope", "both", "both"),
    ]
    ops = [_op_record("vs_1/c", "vs_1", "vs"), _op_record("lib/op", "lib")]
    root = build_tree(ops, [], scopes)
    assert [c.label for c in root.children] == [
        "vs",
        "vs_1",
        "lib",
        "libvs",
        "mixed",
        "userfirst",
        "both",
    ]
    vs, vs_1 = root.find("vs"), root.find("vs_1")
    assert (vs.scope_kinds, vs.origin) == ({"variable_scope", "name_scope"}, "user")
    assert (vs_1.scope_kinds, vs_1.origin, vs_1.opened_by_variable_scope) == (
        {"name_scope"},
        "",
        True,
    )
    # A library name scope is no scope kind of the node, but says who opened it.
    assert (root.find("lib").scope_kinds, root.find("lib").origin) == (frozenset(), "library")
    # A library variable scope still shows it is a variable scope.
    libvs = root.find("libvs")
    assert "variable_scope" in libvs.scope_kinds and libvs.origin == "library"
    # The user's opening wins, whichever came first.
    assert root.find("mixed").origin == "user" and root.find("userfirst").origin == "user"
    assert root.find("mixed").scope_kinds == {"name_scope"}
    # A name scope the user opened by hand is not only a variable scope's.
    both = root.find("both")
    assert both.scope_kinds == {"name_scope", "variable_scope"}
    assert not both.opened_by_variable_scope
    # Empty scopes are not 'internal only': nothing TF made on its own is in them.
    assert not root.find("userfirst").internal_only
    assert root.path == "" and root.label == ""


def test_a_scope_of_another_graph_first_does_not_hide_this_graphs_scopes():
    scopes = [
        _scope_record("name_scope", "other", "", graph=1),
        _scope_record("name_scope", "a", ""),
    ]
    assert [c.label for c in build_tree([], [], scopes).children] == ["a"]
    assert [c.label for c in build_tree([], [], scopes, graph=1).children] == ["other"]


def test_variable_view_places_everything_by_variable_scope():
    scopes = [
        _scope_record("name_scope", "foo", ""),
        _scope_record("variable_scope", "foo/bar", "bar"),
        _scope_record("name_scope", "", ""),
        _scope_record("variable_scope", "baz", "baz"),
    ]
    variables = [
        _var_record("bar/x", "foo/bar", "bar"),
        _var_record("foo/bar/v", "foo/bar", "bar", creator="Variable"),
        _var_record("top", "foo", ""),
    ]
    ops = [_op_record("foo/bar/y", "foo/bar", "bar")]
    root = build_tree(ops, variables, scopes, view="variable")
    assert [c.label for c in root.children] == ["bar", "baz", "top"]
    bar = root.find("bar")
    assert [c.label for c in bar.children] == ["y", "x", "v"]
    assert bar.scope_kinds == {"variable_scope"}  # name scopes are not in this view
    assert root.find("top").variables == [variables[2]]
    assert root.find("foo") is None
    with pytest.raises(ValueError, match="not 'names'"):
        build_tree(ops, variables, scopes, view="names")


def test_nested_series_paths_labels_and_sums():
    ops, variables, scopes = [], [], []
    for i in (7, 3, 5, 4, 6):  # no unnumbered member, made out of order
        scopes.append(_scope_record("variable_scope", f"model/layer_{i}", f"model/layer_{i}"))
        ops.append(_op_record(f"model/layer_{i}/w/Initializer", f"model/layer_{i}", internal=True))
        variables.append(_var_record(f"model/layer_{i}/w", f"model/layer_{i}", f"model/layer_{i}"))
    for i in range(5):  # a series of TF's own ops only
        ops.append(_op_record(f"model/read_{i}", "model", internal=True))
    root = build_tree(ops, variables, scopes)
    model = root.find("model")
    layers, reads = model.children
    assert (layers.label, layers.path) == ("layer_[3..7]", "model/layer_[3..7]")
    assert (layers.series_size, layers.op_count, layers.variable_count) == (5, 5, 5)
    assert layers.scope_kinds == {"variable_scope", "name_scope"}
    assert layers.origin == "user" and not layers.internal_only
    assert (reads.label, reads.path, reads.internal_only) == (
        "read_[0..4]",
        "model/read_[0..4]",
        True,
    )
    assert reads.scope_kinds == frozenset() and reads.origin == ""
    assert model.variable_count == 5 and model.op_count == 10


def test_a_series_takes_its_origin_from_its_first_member():
    ops = [_op_record(f"s_{i}/op", f"s_{i}") for i in range(1, 6)]
    (series,) = build_tree(ops, [], [_scope_record("name_scope", "s_1", "")]).children
    assert series.label == "s_[1..5]" and series.origin == "user"
    # s_2 opened by the user after s_1/op was made: s_1, with no scope record, is first.
    later = _scope_record("name_scope", "s_2", "", position=1)
    (series,) = build_tree(ops, [], [later]).children
    assert [m.label for m in series.children][:2] == ["s_1", "s_2"]
    assert series.origin == ""


def test_a_name_scope_the_user_reenters_is_no_longer_only_a_variable_scopes():
    from scopekit.render.present import badges

    def badge_words(node):
        return [(badge.letter, badge.words) for badge in badges(node)]

    # variable_scope('vs') reopened: its ops go to name scope 'vs_1', which only the
    # variable scope opened; then the user enters name_scope('vs_1/') by hand.
    scopes = [
        _scope_record("variable_scope", "vs", "vs"),
        _scope_record("variable_scope", "vs_1", "vs"),
    ]
    root = build_tree([], [], scopes)
    assert badge_words(root.find("vs_1")) == [("N", "name scope of a variable scope")]
    scopes.append(_scope_record("name_scope", "vs_1", ""))
    root = build_tree([], [], scopes)
    assert not root.find("vs_1").opened_by_variable_scope
    assert badge_words(root.find("vs_1")) == [("N", "name scope")]


# -- Series of series, glued numbers, and where folding stops (hand-made records). -----


def _outline(root):
    """Every node's path below the root, depth first in display order."""
    return [node.path for node in root.walk() if node is not root]


def _ops(*names):
    return [_op_record(name, name.rpartition("/")[0]) for name in names]


def test_glued_numbers_fold_from_five_siblings_at_the_top_level():
    # conv1..conv5 (exactly five: one series), pool1..pool4 (four: left alone), and
    # names with no number, before, between and after.
    names = ["x", "conv3", "conv1", "pool1", "conv2", "pool2", "conv5", "pool3"]
    names += ["conv4", "pool4", "y"]
    root = build_tree(_ops(*names), [], [])
    assert [c.label for c in root.children] == [
        "x",
        "conv[1..5]",
        "pool1",
        "pool2",
        "pool3",
        "pool4",
        "y",
    ]
    conv = root.children[1]
    assert conv.path == "conv[1..5]"  # a top-level series: no leading '/'
    assert [m.label for m in conv.children] == [f"conv{i}" for i in range(1, 6)]
    assert (conv.series_size, conv.op_count) == (5, 5)


# Under 'net': blocks b0..b5, each with its own numbered ops b<i>_<j>, made out of
# order, with plain ops before, between and after them.
BLOCK_RANGES = {2: range(3, 9), 0: range(2, 7), 1: range(0, 5), 3: range(1, 6)}
BLOCK_RANGES.update({4: range(1, 6), 5: range(1, 6)})


def test_series_of_series_label_path_members_and_neighbours():
    names = ["net/stem"]
    for i, numbers in BLOCK_RANGES.items():
        names += [f"net/b{i}_{j}" for j in numbers]
        if i == 0:
            names.append("net/mid")
    names += ["net/z"]
    root = build_tree(_ops(*names), [], [])
    (net,) = root.children
    assert [c.label for c in net.children] == ["stem", "b[0..5]_[0..8]", "mid", "z"]
    blocks = net.children[1]
    # The outer range is the block numbers; the inner one spans every block's range.
    assert blocks.path == "net/b[0..5]_[0..8]"
    assert [m.label for m in blocks.children] == [
        "b0_[2..6]",
        "b1_[0..4]",
        "b2_[3..8]",
        "b3_[1..5]",
        "b4_[1..5]",
        "b5_[1..5]",
    ]
    assert blocks.children[2].path == "net/b2_[3..8]"
    assert [m.label for m in blocks.children[2].children] == [f"b2_{j}" for j in range(3, 9)]
    assert (blocks.series_size, blocks.op_count) == (6, 31)
    assert net.op_count == 34


def test_a_number_written_twice_still_folds_in_creation_order():
    # 'dense' counts as number 0, like 'dense_0'; 'res01' and 'res1' are both 1.
    names = ["dense", "dense_0", "dense_1", "dense_2", "dense_3", "dense_4"]
    names += ["res1", "res01", "res2", "res3", "res4"]
    root = build_tree(_ops(*names), [], [])
    dense, res = root.children
    assert dense.label == "dense_[0..4]"
    assert [m.label for m in dense.children] == names[:6]
    assert res.label == "res[1..4]"
    assert [m.label for m in res.children] == names[6:]


def test_a_library_scope_holding_a_user_scope_is_not_dimmed():
    from scopekit.render.present import present

    scopes = [
        _scope_record("name_scope", "lib", "", origin="library"),
        _scope_record("name_scope", "lib/mine", ""),
        _scope_record("name_scope", "other", "", origin="library"),
    ]
    for i in range(5):  # a series of library scopes, one holding the user's scope
        scopes.append(_scope_record("name_scope", f"layer_{i}", "", origin="library"))
        scopes.append(_scope_record("name_scope", f"pad_{i}", "", origin="library"))
    scopes.append(_scope_record("name_scope", "layer_2/mine", ""))
    root = build_tree([], [], scopes)
    dimmed = {child.label: present(child).dim for child in root.children}
    assert dimmed == {"lib": False, "other": True, "layer_[0..4]": False, "pad_[0..4]": True}


def test_variable_view_keeps_an_op_with_the_variable_whose_name_it_extends():
    # tf.Variable('v') in name scope 'foo/bar', variable scope 'bar': its place in
    # this view is bar/v, and its initializer (named under it) goes with it, even
    # though an op named 'foo/bar' (made in variable scope 'other') is further out.
    variables = [_var_record("foo/bar/v", "foo/bar", "bar", creator="Variable")]
    ops = [
        _op_record("foo/bar", "foo", "other"),
        _op_record("foo/bar/v/Initializer", "foo/bar/v", "bar", internal=True),
    ]
    root = build_tree(ops, variables, [], view="variable")
    assert _outline(root) == ["other", "other/bar", "bar", "bar/v", "bar/v/Initializer"]
    assert root.find("bar/v").variables == variables
    assert root.find("bar/v/Initializer").op is ops[1]
    assert root.find("other/bar").op is ops[0]
