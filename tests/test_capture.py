"""capture() against real TensorFlow, on the trickiest scope programs we know.

Every program runs twice: once plainly in a fresh graph, once under capture().
The names must be the same (the capture is transparent), every op the graph
gained must be recorded (complete), and each record must agree with what
TensorFlow itself says about the objects the program returned.
"""

import importlib
import os
import threading

import pytest

import scopekit
from scopekit import capture
from scopekit.hooks import hooks_installed

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


@program
def get_variable_ignores_name_scope(tf):
    v1 = tf.compat.v1
    with v1.name_scope("my_scope"):
        a = v1.get_variable("var1", [1], dtype=tf.float32)
        b = tf.Variable(1, name="var2", dtype=tf.float32)
        c = tf.add(a, b)
    return {"a": a, "b": b, "c": c}


@program
def variable_scope_prefixes_both(tf):
    v1 = tf.compat.v1
    with v1.variable_scope("my_scope"):
        a = v1.get_variable("var1", [1], dtype=tf.float32)
        b = tf.Variable(1, name="var2", dtype=tf.float32)
        c = tf.add(a, b)
    return {"a": a, "b": b, "c": c}


@program
def name_scope_around_variable_scope(tf):
    v1 = tf.compat.v1
    with v1.name_scope("foo"):
        with v1.variable_scope("bar"):
            x = v1.get_variable("x", shape=())
            x2 = tf.square(x**2, name="x2")
    return {"x": x, "x2": x2}


@program
def name_scope_reopened(tf):
    with tf.compat.v1.name_scope("my_scope"):
        a = tf.constant(1.0, name="c")
    with tf.compat.v1.name_scope("my_scope"):
        b = tf.constant(2.0, name="c")
    return {"a": a, "b": b}


@program
def variable_scope_reopened(tf):
    v1 = tf.compat.v1
    with v1.variable_scope("vs"):
        a = v1.get_variable("w", [2])
        s1 = tf.identity(a, name="out")
    with v1.variable_scope("vs", reuse=True):
        b = v1.get_variable("w", [2])
        s2 = tf.identity(b, name="out")
    return {"a": a, "b": b, "s1": s1, "s2": s2}


@program
def reuse_across_name_scopes(tf):
    v1 = tf.compat.v1
    with v1.name_scope("foo"):
        with v1.variable_scope("var_scope"):
            v = v1.get_variable("var", [1])
    with v1.name_scope("bar"):
        with v1.variable_scope("var_scope", reuse=True):
            w = v1.get_variable("var", [1])
    return {"v": v, "w": w}


@program
def auto_reuse_called_twice(tf):
    v1 = tf.compat.v1

    def dense(x):
        with v1.variable_scope("dense", reuse=v1.AUTO_REUSE):
            w = v1.get_variable("w", [3, 3])
            return tf.matmul(x, w, name="mm")

    x = tf.ones([1, 3])
    return {"y1": dense(x), "y2": dense(x)}


@program
def reuse_variables_inside_scope(tf):
    v1 = tf.compat.v1
    with v1.variable_scope("tower") as scope:
        a = v1.get_variable("w", [1])
        scope.reuse_variables()
        b = v1.get_variable("w", [1])
    return {"a": a, "b": b}


@program
def default_name_uniquified(tf):
    v1 = tf.compat.v1
    out = {}
    for i in range(3):
        with v1.variable_scope(None, default_name="layer"):
            out[f"w{i}"] = v1.get_variable("w", [1])
    return out


@program
def auxiliary_name_scope_false(tf):
    v1 = tf.compat.v1
    with v1.name_scope("outer"):
        with v1.variable_scope("vs", auxiliary_name_scope=False):
            w = v1.get_variable("w", [1])
            y = tf.identity(w, name="y")
    return {"w": w, "y": y}


@program
def captured_scope_object(tf):
    v1 = tf.compat.v1
    with v1.variable_scope("model") as model_scope:
        a = v1.get_variable("w", [1])
    with v1.name_scope("elsewhere"):
        with v1.variable_scope(model_scope, reuse=True):
            b = v1.get_variable("w", [1])
            y = tf.identity(b, name="y")
    return {"a": a, "b": b, "y": y}


@program
def same_name_in_both_kinds(tf):
    v1 = tf.compat.v1
    with v1.name_scope("block"):
        a = tf.constant(1.0, name="c")
    with v1.variable_scope("block"):
        w = v1.get_variable("w", [1])
        b = tf.constant(1.0, name="c")
    return {"a": a, "w": w, "b": b}


@program
def taken_names_get_suffixes(tf):
    with tf.compat.v1.name_scope("ns"):
        a = tf.Variable([0], name="var_1")
        b = tf.Variable([0], name="var_1")
        c = tf.Variable([0], name="var_1")
    return {"a": a, "b": b, "c": c}


@program
def legacy_op_scope_and_variable_op_scope(tf):
    v1 = tf.compat.v1

    def mysum(a, b):
        with v1.op_scope([a, b], None, "mysum"):
            v = v1.get_variable("v", 1)
            v2 = tf.Variable([0], name="v2")
            return tf.add(a, b), v, v2

    def mysum2(a, b):
        with v1.variable_op_scope([a, b], None, "mysum2"):
            v = v1.get_variable("v", 1)
            v2 = tf.Variable([0], name="v2")
            return tf.add(a, b), v, v2

    s1, v, v2 = mysum(tf.Variable(1), tf.Variable(2))
    s2, w, w2 = mysum2(tf.Variable(1), tf.Variable(2))
    return {"s1": s1, "v": v, "v2": v2, "s2": s2, "w": w, "w2": w2}


@program
def tf2_name_scope_in_graph_mode(tf):
    with tf.name_scope("outer"):
        with tf.name_scope("inner"):
            c = tf.constant(3.0, name="three")
    return {"c": c}


@program
def deep_nesting_120_layers(tf):
    v1 = tf.compat.v1
    scopes = [v1.variable_scope(f"l{i}") for i in range(120)]
    for s in scopes:
        s.__enter__()
    try:
        w = v1.get_variable("w", [1])
        y = tf.identity(w, name="y")
    finally:
        for s in reversed(scopes):
            s.__exit__(None, None, None)
    return {"w": w, "y": y}


def ops_from_another_thread(tf):
    graph = tf.compat.v1.get_default_graph()
    made = {}

    def build():
        with graph.as_default():
            with tf.compat.v1.name_scope("worker"):
                made["t"] = tf.constant(7.0, name="seven")

    thread = threading.Thread(target=build)
    thread.start()
    thread.join()
    with tf.compat.v1.name_scope("main"):
        made["m"] = tf.constant(1.0, name="one")
    return made


@program
def numbered_layers_loop(tf):
    v1 = tf.compat.v1
    x = tf.ones([1, 4])
    for i in range(6):
        with v1.variable_scope(f"layer_{i}"):
            w = v1.get_variable("w", [4, 4])
            x = tf.matmul(x, w)
    return {"x": x}


@program
def initializer_scope_inheritance(tf):
    v1 = tf.compat.v1
    with v1.variable_scope("init", initializer=v1.constant_initializer(0.5)):
        w = v1.get_variable("w", [2])
        with v1.variable_scope("child"):
            u = v1.get_variable("u", [2])
    return {"w": w, "u": u}


@program
def graph_made_in_the_block(tf):
    with tf.Graph().as_default():
        with tf.compat.v1.variable_scope("inner_graph"):
            w = tf.compat.v1.get_variable("w", [1])
    return {"w": w}


@program
def graph_name_scope_as_a_decorator(tf):
    graph = tf.compat.v1.get_default_graph()

    @graph.name_scope("layer")
    def layer(x):
        return tf.square(x, name="y")

    x = tf.constant(1.0, name="x")
    return {"y1": layer(x), "y2": layer(x)}


def _run_plain(tf, fn):
    graph = tf.Graph()
    with graph.as_default():
        out = fn(tf)
    return graph, out


def _names(out):
    return {key: value.name for key, value in out.items()}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_capture_is_transparent_and_complete(tf, name):
    fn = PROGRAMS[name]
    plain_graph, plain_out = _run_plain(tf, fn)
    with capture() as cap:
        out = fn(tf)

    # Transparent: the same names as without scopekit, in the same order.
    assert _names(out) == _names(plain_out)
    assert [op.name for op in cap.graph.get_operations()] == [
        op.name for op in plain_graph.get_operations()
    ]
    # Complete: exactly the graph's ops, in creation order.
    assert [r.name for r in cap.ops if r.graph == 0] == [
        op.name for op in cap.graph.get_operations()
    ]
    assert [r.type for r in cap.ops if r.graph == 0] == [
        op.type for op in cap.graph.get_operations()
    ]
    assert not hooks_installed()
    # Every variable the program returned is in the records, under its TF name.
    recorded = {r.name for r in cap.variables}
    for value in out.values():
        if hasattr(value, "initializer"):  # a variable
            assert value.name[:-2] in recorded


def _capture(tf, name):
    with capture() as cap:
        out = PROGRAMS[name](tf)
    return cap, out


def _var_records(cap, name):
    return [r for r in cap.variables if r.name == name]


def _op(cap, name):
    (record,) = [r for r in cap.ops if r.name == name]
    return record


def test_get_variable_ignores_name_scope(tf):
    cap, out = _capture(tf, "get_variable_ignores_name_scope")
    (var1,) = _var_records(cap, "var1")
    assert (var1.creator, var1.name_scope, var1.variable_scope, var1.prefix_from) == (
        "get_variable",
        "my_scope",
        "",
        "none",
    )
    (var2,) = _var_records(cap, "my_scope/var2")
    assert (var2.creator, var2.prefix_from) == ("Variable", "name_scope")
    assert _op(cap, "my_scope/Add").prefix_from == "name_scope"
    assert "get_variable ignored name scope 'my_scope': var1 follows the top level" in [
        n.message for n in cap.notes
    ]


def test_variable_scope_prefixes_both(tf):
    cap, _ = _capture(tf, "variable_scope_prefixes_both")
    assert [(r.name, r.prefix_from) for r in cap.variables] == [
        ("my_scope/var1", "both"),
        ("my_scope/var2", "both"),
    ]
    assert cap.notes == []


def test_name_scope_around_variable_scope(tf):
    cap, out = _capture(tf, "name_scope_around_variable_scope")
    assert out["x"].name == "bar/x:0" and out["x2"].name == "foo/bar/x2:0"
    (x,) = cap.variables
    assert (x.name_scope, x.variable_scope, x.prefix_from) == ("foo/bar", "bar", "variable_scope")
    x2 = _op(cap, "foo/bar/x2")
    assert (x2.type, x2.name_scope, x2.variable_scope, x2.prefix_from) == (
        "Square",
        "foo/bar",
        "bar",
        "name_scope",
    )
    # The op tf.square named after its own scope was asked for in foo/bar.
    assert _op(cap, "foo/bar/pow").name_scope == "foo/bar"
    # Ops get_variable made for the variable belong to its call site and are internal.
    handle = _op(cap, "bar/x")
    assert (handle.name_scope, handle.prefix_from, handle.internal) == (
        "foo/bar",
        "variable_scope",
        True,
    )
    user_scopes = [
        (s.kind, s.requested, s.name_scope, s.variable_scope)
        for s in cap.scopes
        if s.origin == "user"
    ]
    assert user_scopes == [
        ("name_scope", "foo", "foo", ""),
        ("variable_scope", "bar", "foo/bar", "bar"),
    ]
    assert all(s.origin == "library" for s in cap.scopes[2:])


def test_name_scope_reopened(tf):
    cap, out = _capture(tf, "name_scope_reopened")
    assert out["b"].name == "my_scope_1/c:0"
    assert [s.name_scope for s in cap.scopes if s.origin == "user"] == ["my_scope", "my_scope_1"]
    assert "'my_scope' was reopened as 'my_scope_1'" in [n.message for n in cap.notes]


def test_variable_scope_reopened_shares_variables_not_op_names(tf):
    cap, out = _capture(tf, "variable_scope_reopened")
    assert out["a"] is out["b"]
    assert out["s2"].name == "vs_1/out:0"
    first, second = cap.variables
    assert (first.reused, second.reused) == (False, True)
    assert second.name == "vs/w" and second.name_scope == "vs_1"
    reopened = [s for s in cap.scopes if s.origin == "user"][1]
    assert (reopened.name_scope, reopened.variable_scope, reopened.reuse) == ("vs_1", "vs", True)
    messages = [n.message for n in cap.notes]
    assert "reused vs/w" in messages
    assert any(m.startswith("'vs' was reopened as 'vs_1'") for m in messages)


def test_reuse_across_name_scopes_returns_the_same_variable(tf):
    cap, out = _capture(tf, "reuse_across_name_scopes")
    assert out["v"] is out["w"]
    assert [(r.name, r.name_scope, r.reused) for r in cap.variables] == [
        ("var_scope/var", "foo/var_scope", False),
        ("var_scope/var", "bar/var_scope", True),
    ]


def test_auto_reuse(tf):
    cap, out = _capture(tf, "auto_reuse_called_twice")
    assert [(r.name, r.reused) for r in cap.variables] == [("dense/w", False), ("dense/w", True)]
    assert {s.reuse for s in cap.scopes if s.kind == "variable_scope"} == {"AUTO_REUSE"}
    assert out["y2"].name == "dense_1/mm:0"


def test_reuse_variables_inside_scope(tf):
    cap, out = _capture(tf, "reuse_variables_inside_scope")
    assert out["a"] is out["b"]
    assert [r.reused for r in cap.variables] == [False, True]


def test_default_name(tf):
    cap, out = _capture(tf, "default_name_uniquified")
    assert [r.name for r in cap.variables] == ["layer/w", "layer_1/w", "layer_2/w"]
    records = [s for s in cap.scopes if s.kind == "variable_scope"]
    assert [(s.requested, s.default_name, s.variable_scope) for s in records] == [
        (None, "layer", "layer"),
        (None, "layer", "layer_1"),
        (None, "layer", "layer_2"),
    ]
    assert "default_name 'layer' was taken, so the scope became 'layer_1'" in [
        n.message for n in cap.notes
    ]


def test_auxiliary_name_scope_false_keeps_the_outer_name_scope(tf):
    cap, out = _capture(tf, "auxiliary_name_scope_false")
    assert out["w"].name == "vs/w:0" and out["y"].name == "outer/y:0"
    record = [s for s in cap.scopes if s.kind == "variable_scope"][0]
    assert (record.name_scope, record.variable_scope) == ("outer", "vs")
    assert _op(cap, "outer/y").variable_scope == "vs"
    assert _op(cap, "outer/y").prefix_from == "name_scope"


def test_captured_scope_object(tf):
    cap, out = _capture(tf, "captured_scope_object")
    assert out["a"] is out["b"]
    record = [s for s in cap.scopes if s.kind == "variable_scope"][1]
    assert record.requested == "model" and record.variable_scope == "model"
    y = _op(cap, out["y"].op.name)
    assert (y.name_scope, y.variable_scope) == (out["y"].op.name.rpartition("/")[0], "model")


def test_same_name_in_both_kinds(tf):
    cap, out = _capture(tf, "same_name_in_both_kinds")
    assert out["w"].name == "block/w:0" and out["b"].name == "block_1/c:0"
    assert _op(cap, "block_1/c").prefix_from == "name_scope"
    assert cap.variables[0].name_scope == "block_1"
    assert any(
        m.startswith("'block' was reopened as 'block_1'") for m in (n.message for n in cap.notes)
    )


def test_taken_names_get_suffixes(tf):
    cap, out = _capture(tf, "taken_names_get_suffixes")
    assert [r.name for r in cap.variables] == ["ns/var_1", "ns/var_1_1", "ns/var_1_2"]
    assert [r.requested for r in cap.variables] == ["var_1"] * 3
    assert [n.message for n in cap.notes] == [
        "'var_1' was renamed 'var_1_1' because the name was taken",
        "'var_1' was renamed 'var_1_2' because the name was taken",
    ]


def test_legacy_scopes_are_recorded(tf):
    cap, out = _capture(tf, "legacy_op_scope_and_variable_op_scope")
    assert out["v"].name == "v:0" and out["v2"].name == "mysum/v2:0"
    assert out["w"].name == "mysum2/v:0" and out["w2"].name == "mysum2/v2:0"
    user = [(s.kind, s.name_scope, s.variable_scope) for s in cap.scopes if s.origin == "user"]
    assert ("name_scope", "mysum", "") in user
    assert ("variable_scope", "mysum2", "mysum2") in user


def test_aliases_bound_before_the_capture_are_seen(tf):
    from tensorflow.compat.v1 import get_variable as gv
    from tensorflow.compat.v1 import variable_scope as vs

    with capture() as cap:
        with vs("aliased"):
            gv("w", [1])
    assert [(s.kind, s.variable_scope, s.origin) for s in cap.scopes][:1] == [
        ("variable_scope", "aliased", "user")
    ]
    assert [(v.name, v.creator) for v in cap.variables] == [("aliased/w", "get_variable")]


def test_get_variable_name_taken_by_a_name_scope(tf):
    # Found by the property tests: the name scope 'a' takes the graph name 'a', so
    # get_variable('a') is stored under 'a' but its graph (and checkpoint) name is a_1.
    with capture() as cap:
        with tf.compat.v1.name_scope("a"):
            v = tf.compat.v1.get_variable("a", shape=())
        with tf.compat.v1.variable_scope("", reuse=True):
            again = tf.compat.v1.get_variable("a", shape=())
    assert v.name == "a_1:0" and again is v
    assert [(r.name, r.requested, r.reused) for r in cap.variables] == [
        ("a_1", "a", False),
        ("a_1", "a", True),
    ]
    assert "'a' was renamed 'a_1' because the name was taken" in [n.message for n in cap.notes]


def test_tf2_name_scope(tf):
    cap, out = _capture(tf, "tf2_name_scope_in_graph_mode")
    assert out["c"].name == "outer/inner/three:0"
    assert [s.name_scope for s in cap.scopes if s.origin == "user"] == ["outer", "outer/inner"]


def test_deep_nesting(tf):
    cap, out = _capture(tf, "deep_nesting_120_layers")
    deep = "/".join(f"l{i}" for i in range(120))
    assert cap.variables[0].name == deep + "/w"
    assert cap.variables[0].prefix_from == "both"
    assert len([s for s in cap.scopes if s.kind == "variable_scope"]) == 120


def test_ops_another_thread_builds_into_the_graph_are_not_the_captures(tf):
    # The thread rule (tests/test_threads.py): a capture records its own thread.
    plain_graph, _ = _run_plain(tf, ops_from_another_thread)
    with capture() as cap:
        ops_from_another_thread(tf)
    assert [op.name for op in cap.graph.get_operations()] == [
        op.name for op in plain_graph.get_operations()
    ]  # the cell ran as it does without scopekit
    assert [r.name for r in cap.ops] == ["main/one"]
    assert _op(cap, "main/one").name_scope == "main"


def test_graph_made_in_the_block_is_recorded(tf):
    cap, out = _capture(tf, "graph_made_in_the_block")
    assert len(cap.graphs) == 2 and cap.graphs[1] is out["w"].graph
    assert [(v.name, v.graph) for v in cap.variables] == [("inner_graph/w", 1)]
    assert {r.graph for r in cap.ops} == {1}
    assert len(cap.ops) == len(cap.graphs[1].get_operations())


def test_exception_midway_is_stored_propagated_and_cleaned_up(tf):
    with pytest.raises(ZeroDivisionError):
        with capture() as cap:
            with tf.compat.v1.variable_scope("half"):
                tf.compat.v1.get_variable("w", [1])
                raise ZeroDivisionError("division by zero")
    assert isinstance(cap.error, ZeroDivisionError)
    assert [v.name for v in cap.variables] == ["half/w"]
    assert cap.ops and cap.closed
    assert not hooks_installed()
    # The scopes the failed block opened were closed by TF as usual.
    with cap.graph.as_default():
        assert tf.compat.v1.get_variable_scope().name == ""


def test_tensorflows_own_errors_come_through_unchanged(tf):
    def exists_twice():
        with tf.compat.v1.variable_scope("s"):
            tf.compat.v1.get_variable("w", [1])
            tf.compat.v1.get_variable("w", [1])

    def missing_with_reuse():
        with tf.compat.v1.variable_scope("s", reuse=True):
            tf.compat.v1.get_variable("nope", [1])

    def bad_scope_name():
        with tf.compat.v1.name_scope("bad name!"):
            pass

    for fn in (exists_twice, missing_with_reuse, bad_scope_name):
        with tf.Graph().as_default():
            with pytest.raises(ValueError) as plain:
                fn()
        with pytest.raises(ValueError) as captured:
            with capture():
                fn()
        assert str(captured.value) == str(plain.value)
        assert not hooks_installed()


def test_given_graph_records_only_what_the_block_adds(tf):
    graph = tf.Graph()
    with graph.as_default():
        tf.constant(1.0, name="before")
    with capture(graph) as cap:
        tf.constant(2.0, name="during")
    assert [r.name for r in cap.ops] == ["during"]
    assert cap.graph_mode == "given"


def test_other_graphs_are_not_recorded(tf):
    other = tf.Graph()
    with capture() as cap:
        tf.constant(1.0, name="mine")
        with other.as_default():
            pass
    with other.as_default():
        tf.constant(1.0, name="theirs")
    assert [r.name for r in cap.ops] == ["mine"]


def test_nested_captures_on_one_graph(tf):
    with capture() as outer:
        tf.constant(1.0, name="a")
        with capture(outer.graph) as inner:
            tf.constant(1.0, name="b")
        tf.constant(1.0, name="c")
    assert [r.name for r in inner.ops] == ["b"]
    assert [r.name for r in outer.ops] == ["a", "b", "c"]
    assert not hooks_installed()


def test_hooks_restore_tensorflows_own_functions(tf):
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import variable_scope, variables

    before = (
        ops.Graph.__dict__["name_scope"],
        ops.Graph.__dict__["_create_op_helper"],
        variable_scope.variable_scope.__dict__["__enter__"],
        variable_scope.VariableScope.__dict__["get_variable"],
        variables.VariableMetaclass.__dict__["__call__"],
    )
    with capture():
        assert hooks_installed()
    after = (
        ops.Graph.__dict__["name_scope"],
        ops.Graph.__dict__["_create_op_helper"],
        variable_scope.variable_scope.__dict__["__enter__"],
        variable_scope.VariableScope.__dict__["get_variable"],
        variables.VariableMetaclass.__dict__["__call__"],
    )
    assert all(a is b for a, b in zip(before, after, strict=True))


def test_graph_name_scope_as_a_decorator_opens_a_scope_per_call(tf):
    cap, out = _capture(tf, "graph_name_scope_as_a_decorator")
    assert (out["y1"].name, out["y2"].name) == ("layer/y:0", "layer_1/y:0")
    assert [s.name_scope for s in cap.scopes if s.origin == "user"] == ["layer", "layer_1"]


def test_scopes_tensorflow_opens_inside_a_variable_call_belong_to_the_call(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("foo"):
            v1.get_variable("w", [2])
            tf.Variable(tf.zeros([2]), name="b")
    # Only the user's variable scope and tf.zeros' own scope were recorded...
    assert [(s.kind, s.name_scope, s.origin) for s in cap.scopes] == [
        ("variable_scope", "foo", "user"),
        ("name_scope", "foo/zeros", "library"),
    ]
    # ...while every op the calls made is there, internal, at the call site's scopes.
    made_by_calls = [r for r in cap.ops if r.name.startswith(("foo/w", "foo/b"))]
    assert len(made_by_calls) == 15
    assert all(
        r.internal and (r.name_scope, r.variable_scope) == ("foo", "foo") for r in made_by_calls
    )


def test_tree_lists_names_in_creation_order(tf):
    with capture() as cap:
        with tf.compat.v1.variable_scope("foo"):
            tf.compat.v1.get_variable("w", [2])
            tf.zeros([2], name="z")
        tf.constant(1.0, name="top")
        with tf.compat.v1.name_scope("empty"):
            pass
        tf.constant(1.0, name="top")
    top = [child.label for child in cap.tree().children]
    assert top == ["foo", "top", "empty", "top_1"]
    assert [child.label for child in cap.tree().children[0].children] == ["w", "z"]
    # foo before w's 11 ops, tf.zeros' scope before its op, 'empty' after 'top'.
    assert [(s.name_scope, s.position) for s in cap.scopes] == [
        ("foo", 0),
        ("foo/z", 11),
        ("empty", 13),
    ]


def _patched_attributes():
    from scopekit.hooks import _patch_table

    return {key: owner.__dict__[attr] for key, (owner, attr, _) in _patch_table().items()}


def test_patches_come_off_whatever_order_captures_close_in(tf):
    before = _patched_attributes()
    eager_capture, graph_capture = capture(eager=True), capture()
    eager_capture.__enter__()
    graph_capture.__enter__()
    assert all(_patched_attributes()[key] is not before[key] for key in before)
    eager_capture.__exit__(None, None, None)  # the first opened closes first
    assert hooks_installed()
    graph_capture.__exit__(None, None, None)
    assert _patched_attributes() == before
    assert not hooks_installed()


def test_capture_rejects_a_graph_that_is_not_a_graph(tf):
    with pytest.raises(TypeError, match="takes a tf.Graph"):
        with capture(graph="default"):
            pass
    assert not hooks_installed()


def test_to_dict_is_json_ready(tf):
    import json

    cap, _ = _capture(tf, "name_scope_around_variable_scope")
    data = json.loads(json.dumps(cap.to_dict()))
    assert data["variables"][0]["name"] == "bar/x"
    assert data["variables"][0]["shape"] == []
    assert data["notes"][0]["kind"] == "ignored_name_scope"
    assert data["error"] is None


def test_public_api_names():
    assert scopekit.capture is capture
    # The function and the module have different names: importing is unambiguous.
    hooks_module = importlib.import_module("scopekit.hooks")
    assert hooks_module.capture is capture and callable(scopekit.capture)
    package = os.path.dirname(scopekit.__file__)
    assert not os.path.exists(os.path.join(package, "capture.py"))
    for name in ("Capture", "OpRecord", "VariableRecord", "ScopeRecord"):
        assert hasattr(scopekit, name)


def test_views_built_before_a_run_show_where_the_ops_ran(tf):
    from scopekit.exercises import run

    with capture() as cap:
        w = tf.compat.v1.get_variable("w", [2])  # a variable: nothing is folded away
        tf.square(w, name="y")
    before = cap.to_text()  # builds and keeps the tree and notes
    assert "on CPU:0" not in before and cap.tree() is cap.tree()
    result = run(cap, "y", device="cpu")
    # The session's own report (not scopekit's records) says where y ran.
    ran_on = result.placement["y"].rpartition("device:")[2]
    assert ran_on == "CPU:0"
    assert cap.ops[[o.name for o in cap.ops].index("y")].device == result.placement["y"]
    assert f"y  Square  on {ran_on}" in cap.to_text()
    assert isinstance(cap.ops, tuple)
