"""The capture's recording logic (scopekit/hooks.py) against TensorFlow's own objects.

Written for the mutation run of hooks.py (tests/MUTATION.md): each test pins what a
user is told about something TF made (names, scopes, reuse, dtype and shape, custom
getters, partitions, traced graphs, who opened a scope) and reads the expected value
back from TensorFlow: the variable's name, the scope object TF returned, the graph's
own op list, ``get_variable_scope()`` inside the block, or the test's own log of what
it asked for. tf.functions are only traced (``get_concrete_function``), never run:
the same code paths, and safe in mutmut's forked test processes.
"""

import os
import sys
import threading

import pytest

from scopekit import capture, hooks
from scopekit.hooks import UnsupportedTensorFlow, hooks_installed


def reuse_word(reuse, tf):
    """A scope's reuse as TF holds it, in the records' words (AUTO_REUSE by name)."""
    return "AUTO_REUSE" if reuse is tf.compat.v1.AUTO_REUSE else reuse


def tf_name(variable):
    name = variable.name
    return name[:-2] if name.endswith(":0") else name


@pytest.fixture
def fresh_caches(monkeypatch):
    """As in a fresh kernel: who-opened-a-scope and signature caches start empty."""
    monkeypatch.setattr(hooks._HOOKS, "_origin_cache", {})
    monkeypatch.setattr(hooks, "_LIBRARY_ROOTS", None)
    monkeypatch.setattr(hooks, "_SIGNATURES", {})


# -- traced tf.functions (eager captures) ---------------------------------------------


def test_a_traced_tf_function_is_a_graph_of_its_own_with_its_ops_and_scopes(tf):
    @tf.function
    def square_plus_one(x):
        with tf.name_scope("inner"):
            return tf.square(x, name="sq") + 1.0

    with capture(eager=True) as cap:
        tf.Variable(1.0, name="before")
        first = square_plus_one.get_concrete_function(tf.TensorSpec([], tf.float32))
        second = square_plus_one.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert cap.graphs == [None, first.graph, second.graph]
    assert cap.graph_labels == {
        0: "Created eagerly (no graph)",
        1: "Graph 1: tf.function 'square_plus_one' traced in the cell",
        2: "Graph 2: tf.function 'square_plus_one' traced in the cell",
    }
    for index, graph in ((1, first.graph), (2, second.graph)):
        ops = [o for o in cap.ops if o.graph == index]
        assert [(o.name, o.type) for o in ops] == [
            (op.name, op.type) for op in graph.get_operations()
        ]
        square = graph.get_operation_by_name("inner/sq")
        (record,) = [o for o in ops if o.name == square.name]
        assert (record.name_scope, record.variable_scope, record.internal) == ("inner", "", False)
        # The scope is placed among the graph's ops: after the argument, before sq.
        (scope,) = [s for s in cap.scopes if s.graph == index and s.origin == "user"]
        before_sq = [op.name for op in graph.get_operations()].index("inner/sq")
        assert (scope.kind, scope.requested, scope.name_scope, scope.origin) == (
            "name_scope",
            "inner",
            "inner",
            "user",
        )
        assert scope.position == before_sq
    # The eager variable is graph 0, the eager slot; the scopes are the traces' own.
    assert [(v.name, v.graph, v.kind) for v in cap.variables] == [("before", 0, "eager")]
    assert [s.graph for s in cap.scopes if s.origin == "user"] == [1, 2]


def test_a_graph_capture_does_not_adopt_a_tf_functions_graph(tf):
    @tf.function
    def double(x):
        return x * 2.0

    with capture() as cap:
        x = tf.compat.v1.placeholder(tf.float32, [], name="x")
        concrete = double.get_concrete_function(tf.TensorSpec([], tf.float32))
        tf.identity(x, name="y")
    assert cap.graphs == [cap.graph]
    assert [o.name for o in cap.ops] == [op.name for op in cap.graph.get_operations()]
    # The trace made ops of its own graph; none of them is the cell's.
    assert concrete.graph.get_operations() and {o.graph for o in cap.ops} == {0}


# -- eager scopes -----------------------------------------------------------------------


def test_eager_scopes_record_the_variable_scope_around_them(tf):
    v1 = tf.compat.v1
    with capture(eager=True) as cap:
        with v1.variable_scope("vs") as vs:
            inside_vs = v1.get_variable_scope()
            with tf.name_scope("ns"):
                v = tf.Variable(1.0, name="v")
        with v1.variable_scope(None, default_name="blk") as blk:
            q = tf.Variable(1.0, name="q")
    # Eagerly the name scope is not made unique (a second run of this block gets the
    # variable scope blk_1 but the name scope blk): read it from the variable made in it.
    blk_name_scope = tf_name(q).rpartition("/")[0]
    # Eagerly, variable scopes reuse by default (AUTO_REUSE): read from TF's scope.
    reuse = reuse_word(vs.reuse, tf)
    assert (vs.name, inside_vs.name, tf_name(v)) == ("vs", "vs", "vs/ns/v")
    assert [
        (s.kind, s.requested, s.name_scope, s.variable_scope, s.reuse, s.origin, s.default_name)
        for s in cap.scopes
    ] == [
        ("variable_scope", "vs", "vs", "vs", reuse, "user", None),
        ("name_scope", "ns", "vs/ns", "vs", False, "user", None),
        (
            "variable_scope",
            None,
            blk_name_scope,
            blk.name,
            reuse_word(blk.reuse, tf),
            "user",
            "blk",
        ),
    ]
    assert [(r.name_scope, r.variable_scope, r.graph) for r in cap.variables] == [
        ("vs/ns", "vs", 0),
        (blk_name_scope, blk.name, 0),
    ]
    # No graph, so none that held ops before: the views say nothing about old ops.
    assert cap.ops_before == 0 and "already held" not in cap.to_text()


def test_an_eager_variable_scope_given_as_an_object_is_recorded_by_its_name(tf):
    v1 = tf.compat.v1
    with capture(eager=True) as cap:
        with v1.variable_scope("model", reuse=False) as model:
            pass
        with v1.variable_scope(model, reuse=True) as again:
            pass
    assert again.name == "model"
    assert [(s.requested, s.variable_scope, s.reuse) for s in cap.scopes] == [
        ("model", "model", reuse_word(model.reuse, tf)),
        ("model", "model", reuse_word(again.reuse, tf)),
    ]


def test_an_eager_name_scope_of_an_empty_name_is_the_users_and_resets_to_the_top(tf):
    with capture(eager=True) as cap:
        with tf.name_scope("outer"):
            with tf.name_scope(""):
                v = tf.Variable(1.0, name="v")
    assert tf_name(v) == "v"
    assert [(s.requested, s.name_scope, s.origin) for s in cap.scopes] == [
        ("outer", "outer", "user"),
        (None, "", "user"),
    ]


def test_eager_scope_names_are_recorded_whole(tf):
    # Names ending in the letters mutmut pads with (and in "/"): only the slash goes.
    with capture(eager=True) as cap:
        with tf.name_scope("BOX"):
            with tf.compat.v1.variable_scope("MAX"):
                v = tf.Variable(1.0, name="v")
    assert tf_name(v) == "BOX/MAX/v"
    assert [(s.kind, s.name_scope, s.variable_scope) for s in cap.scopes] == [
        ("name_scope", "BOX", ""),
        ("variable_scope", "BOX/MAX", "MAX"),
    ]
    assert [(r.name_scope, r.variable_scope) for r in cap.variables] == [("BOX/MAX", "MAX")]


def test_an_eager_capture_works_before_keras_is_loaded(tf, monkeypatch):
    # Keras 3 not imported yet in this kernel: tf.Variables are plain eager variables.
    monkeypatch.delitem(sys.modules, "keras.src.backend.common.variables")
    with capture(eager=True) as cap:
        v = tf.Variable(1.0, name="v")
    assert [(r.name, r.kind, r.path) for r in cap.variables] == [(tf_name(v), "eager", "")]


def test_an_eager_variable_before_any_variable_scope_is_at_the_top_level(tf, monkeypatch):
    # As in a fresh kernel: no variable scope was ever entered, so TF holds no store.
    graph = tf.compat.v1.get_default_graph()
    monkeypatch.setattr(
        graph,
        "_collections",
        {key: value for key, value in graph._collections.items() if key != ("__varscope",)},
    )
    with capture(eager=True) as cap:
        v = tf.Variable(1.0, name="v")
    assert tf.compat.v1.get_variable_scope().name == ""
    assert [(r.name, r.variable_scope) for r in cap.variables] == [(tf_name(v), "")]


# -- graph scopes -----------------------------------------------------------------------


def test_a_name_scope_records_the_variable_scope_and_reuse_in_force(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("top") as top:
            pass
        with v1.variable_scope("vs", reuse=True):
            with v1.name_scope("inner") as inner:
                reuse_inside = v1.get_variable_scope().reuse
        with v1.variable_scope("auto", reuse=v1.AUTO_REUSE):
            with v1.name_scope("inner2"):
                auto_inside = v1.get_variable_scope().reuse
    assert (top, inner, reuse_inside) == ("top/", "vs/inner/", True)
    assert auto_inside is v1.AUTO_REUSE
    names = [
        (s.kind, s.requested, s.name_scope, s.variable_scope, s.reuse)
        for s in cap.scopes
        if s.origin == "user"
    ]
    assert names == [
        ("name_scope", "top", "top", "", False),
        ("variable_scope", "vs", "vs", "vs", True),
        ("name_scope", "inner", "vs/inner", "vs", True),
        ("variable_scope", "auto", "auto", "auto", "AUTO_REUSE"),
        ("name_scope", "inner2", "auto/inner2", "auto", "AUTO_REUSE"),
    ]


def test_a_name_scope_of_none_is_the_users_and_resets_to_the_top(tf):
    with capture() as cap:
        graph = tf.compat.v1.get_default_graph()
        with graph.name_scope("a"):
            with graph.name_scope(None) as reset:
                c = tf.constant(1.0, name="c")
    assert (reset, c.name) == ("", "c:0")
    assert [(s.requested, s.name_scope, s.origin) for s in cap.scopes] == [
        ("a", "a", "user"),
        (None, "", "user"),
    ]
    (op,) = [o for o in cap.ops if o.name == "c"]
    assert op.name_scope == ""


def test_scopes_after_a_while_loop_are_recorded(tf):
    # The loop opens scopes of its own, one of them unnamed (it only resets the stack).
    with capture() as cap:
        (result,) = tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])
        with tf.compat.v1.name_scope("after") as after:
            tf.constant(1.0, name="c")
    loop_scope = result.name.split("/")[0]
    assert (after, loop_scope) == ("after/", "while")
    assert [(s.requested, s.name_scope) for s in cap.scopes if s.origin == "user"] == [
        ("after", "after")
    ]
    assert "while" in [s.name_scope for s in cap.scopes if s.origin == "library"]
    (scope,) = [s for s in cap.scopes if s.name_scope == "after"]
    ops = [op.name for op in cap.graph.get_operations()]
    assert scope.position == ops.index("after/c")


def test_an_error_inside_a_captured_name_scope_propagates_and_closes_it(tf):
    with pytest.raises(KeyError):
        with capture() as cap:
            with tf.compat.v1.name_scope("failing"):
                tf.constant(1.0, name="c")
                raise KeyError("boom")
    assert isinstance(cap.error, KeyError)
    with cap.graph.as_default():
        assert tf.compat.v1.get_default_graph().get_name_scope() == ""
        assert tf.constant(2.0, name="after").name == "after:0"
    assert [(s.name_scope, s.position) for s in cap.scopes] == [("failing", 0)]
    assert not hooks_installed()


def test_ops_record_the_device_tf_placed_them_on(tf):
    with capture() as cap:
        with tf.device("/cpu:0"):
            pinned = tf.constant(1.0, name="pinned")
        free = tf.constant(2.0, name="free")
    devices = {o.name: o.device for o in cap.ops}
    assert devices == {"pinned": pinned.op.device, "free": free.op.device}
    assert devices["pinned"] != "" and devices["free"] == ""


# -- variables: what was asked, dtype and shape -------------------------------------------


def test_tf_variable_records_the_name_asked_for_however_it_was_passed(tf, fresh_caches):
    with capture() as cap:
        by_keyword = tf.Variable(1.0, name="kw")
        by_position = tf.Variable(1.0, True, True, None, "pos")
        unnamed = tf.Variable(1.0)
        empty = tf.Variable(1.0, name="")
    # TF's names: no name asked for gives "Variable"; an empty name is used as it is.
    assert [tf_name(v) for v in (by_keyword, by_position, unnamed, empty)] == [
        "kw",
        "pos",
        "Variable",
        "",
    ]
    assert [(r.name, r.requested, r.creator) for r in cap.variables] == [
        ("kw", "kw", "Variable"),
        ("pos", "pos", "Variable"),
        ("Variable", "Variable", "Variable"),
        ("", "", "Variable"),
    ]
    # Each got the name it asked for: nothing was renamed.
    assert [n.message for n in cap.notes if n.kind == "renamed"] == []


def test_variables_record_dtype_and_shape_as_tf_has_them(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        made = [
            v1.get_variable("f64", [2, 3], dtype=tf.float64),
            tf.Variable([1, 2], name="ints"),
            tf.Variable(tf.zeros([4]), name="any_shape", shape=tf.TensorShape(None)),
        ]
    assert [(r.name, r.dtype, r.shape) for r in cap.variables] == [
        (tf_name(v), v.dtype.base_dtype.name, None if v.shape.rank is None else tuple(v.shape))
        for v in made
    ]
    assert [r.dtype for r in cap.variables] == ["float64", "int32", "float32"]
    assert cap.variables[2].shape is None
    # Plain TF variables: no Keras weight path, made in graph mode.
    assert {(r.path, r.kind) for r in cap.variables} == {("", "")}


def test_a_variable_made_in_a_graph_nobody_watches_is_not_recorded(tf):
    other = tf.Graph()  # made before the capture: not the cell's
    with capture() as cap:
        mine = tf.compat.v1.get_variable("mine", [1])
        with other.as_default():
            theirs = tf.compat.v1.get_variable("theirs", [1])
        with tf.Graph().as_default():  # made in the block: adopted
            adopted = tf.compat.v1.get_variable("adopted", [1])
    assert [tf_name(v) for v in other.get_collection("variables")] == [tf_name(theirs)]
    assert [(v.name, v.graph) for v in cap.variables] == [
        (tf_name(mine), 0),
        (tf_name(adopted), 1),
    ]


# -- threads -----------------------------------------------------------------------------


def _in_a_thread(work):
    errors = []

    def run():
        try:
            work()
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_get_variable_in_a_thread_without_a_capture_works_while_one_is_open(tf):
    other = tf.Graph()
    made = {}

    def build():
        made["eager"] = tf.Variable(1.0, name="eager_in_thread")  # eager in a new thread
        with other.as_default():
            with tf.compat.v1.variable_scope("worker"):
                made["w"] = tf.compat.v1.get_variable("w", [2])

    with capture() as cap:
        tf.compat.v1.get_variable("main", [1])
        _in_a_thread(build)
    assert (tf_name(made["w"]), tf_name(made["eager"])) == ("worker/w", "eager_in_thread")
    assert [tf_name(v) for v in other.get_collection("variables")] == ["worker/w"]
    assert [v.name for v in cap.variables] == ["main"]


def test_a_capture_opened_in_a_new_thread_records_the_graphs_that_thread_makes(tf):
    seen = {}

    def work():
        with capture() as cap:
            tf.constant(1.0, name="first")
            with tf.Graph().as_default() as inner:
                with tf.compat.v1.variable_scope("vs") as vs:
                    tf.constant(2.0, name="second")
        seen["cap"], seen["inner"], seen["vs"] = cap, inner, vs

    _in_a_thread(work)
    cap = seen["cap"]
    assert cap.graphs == [cap.graph, seen["inner"]]
    assert [(o.name, o.graph) for o in cap.ops] == [("first", 0), ("vs/second", 1)]
    assert [(s.variable_scope, s.graph) for s in cap.scopes] == [(seen["vs"].name, 1)]


# -- custom getters and partitions ----------------------------------------------------------


class ScaledGetter:
    """A custom getter that is an object, not a function: it has no __qualname__."""

    def __init__(self):
        self.asked = []

    def __call__(self, getter, name, *args, **kwargs):
        self.asked.append(name)
        return getter(name + "_scaled", *args, **kwargs)


def test_a_custom_getter_object_passed_to_get_variable_is_named_by_its_class(tf):
    getter = ScaledGetter()
    with capture() as cap:
        with tf.compat.v1.variable_scope("outer"):
            w = tf.compat.v1.get_variable("w", [1], custom_getter=getter)
        top = tf.compat.v1.get_variable("top", [1], custom_getter=getter)
    assert getter.asked == ["outer/w", "top"]
    assert [(v.name, v.requested, v.getter, v.variable_scope) for v in cap.variables] == [
        (tf_name(w), "w_scaled", "ScaledGetter", "outer"),
        (tf_name(top), "top_scaled", "ScaledGetter", ""),
    ]


def test_a_custom_getter_reusing_its_variable_marks_it_reused(tf):
    def pieces(getter, name, *args, **kwargs):
        return getter(name + "/piece", *args, **kwargs)

    with capture() as cap:
        for _ in range(2):
            with tf.compat.v1.variable_scope(
                "s", custom_getter=pieces, reuse=tf.compat.v1.AUTO_REUSE
            ):
                w = tf.compat.v1.get_variable("w", [1])
    assert tf_name(w) == "s/w/piece"
    assert [(v.name, v.requested, v.reused, v.getter) for v in cap.variables] == [
        (
            "s/w/piece",
            "w/piece",
            False,
            "test_a_custom_getter_reusing_its_variable_marks_it_reused.<locals>.pieces",
        ),
        (
            "s/w/piece",
            "w/piece",
            True,
            "test_a_custom_getter_reusing_its_variable_marks_it_reused.<locals>.pieces",
        ),
    ]


def test_a_top_level_partitioned_variable_lists_its_pieces_under_it(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        table = v1.get_variable(
            "table", [6, 2], partitioner=v1.fixed_size_partitioner(3), use_resource=True
        )
    pieces = [tf_name(piece) for piece in table]
    assert pieces == ["table/part_0", "table/part_1", "table/part_2"]
    assert [(v.name, v.requested, v.partition_of, v.shape) for v in cap.variables] == [
        (name, name, "table", (2, 2)) for name in pieces
    ]


def test_partitioned_pieces_in_a_scope_are_asked_for_below_it(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("emb"):
            table = v1.get_variable(
                "table", [4, 2], partitioner=v1.fixed_size_partitioner(2), use_resource=True
            )
        with v1.variable_scope("emb", reuse=True):
            again = v1.get_variable(
                "table", [4, 2], partitioner=v1.fixed_size_partitioner(2), use_resource=True
            )
    pieces = [tf_name(piece) for piece in table]
    assert [tf_name(piece) for piece in again] == pieces == ["emb/table/part_0", "emb/table/part_1"]
    assert [(v.name, v.requested, v.reused, v.partition_of) for v in cap.variables] == [
        (pieces[0], "table/part_0", False, "emb/table"),
        (pieces[1], "table/part_1", False, "emb/table"),
        (pieces[0], "table/part_0", True, "emb/table"),
        (pieces[1], "table/part_1", True, "emb/table"),
    ]


# -- who opened a scope ----------------------------------------------------------------------


def test_scopes_tf_and_its_layers_open_are_the_librarys_in_a_fresh_kernel(tf, fresh_caches):
    from tf_keras.src.legacy_tf_layers import core as legacy_layers

    v1 = tf.compat.v1
    with capture() as cap:
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        with v1.variable_scope("mine"):
            legacy_layers.dense(x, 2, name="proj")
        with tf.name_scope("also_mine"):
            tf.square(x, name="sq")
        with v1.variable_op_scope([x], None, "legacy"):  # TF's generator, entered here
            pass

        @tf.compat.v1.get_default_graph().name_scope("decorated")
        def layer():
            return tf.identity(x, name="y")

        layer()
    # What the test's own code opened is the user's; the scopes the layer, the
    # placeholder and tf.square(name='sq') opened for themselves are TF's.
    assert [(s.kind, s.requested) for s in cap.scopes if s.origin == "user"] == [
        ("variable_scope", "mine"),
        ("name_scope", "also_mine"),
        ("variable_scope", None),
        ("name_scope", "decorated"),
    ]
    library = [s.name_scope for s in cap.scopes if s.origin == "library"]
    assert {"x", "mine/proj", "also_mine/sq"} <= set(library)


# -- quiet logs and clear errors -------------------------------------------------------------


def test_tensorflow_logs_are_quieted_unless_the_user_chose_a_level(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    hooks.quiet_tensorflow_logs()
    assert (os.environ["TF_CPP_MIN_LOG_LEVEL"], os.environ["TF_ENABLE_ONEDNN_OPTS"]) == ("1", "0")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    hooks.quiet_tensorflow_logs()
    assert (os.environ["TF_CPP_MIN_LOG_LEVEL"], os.environ["TF_ENABLE_ONEDNN_OPTS"]) == ("3", "1")


def _patched_now():
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import variable_scope

    return (ops.Graph.__dict__["name_scope"], variable_scope.variable_scope.__dict__["__enter__"])


def test_a_missing_tensorflow_internal_is_named_and_nothing_is_patched(tf, monkeypatch):
    from tensorflow.python.ops import variable_scope

    before = _patched_now()
    monkeypatch.delattr(variable_scope.VariableScope, "custom_getter")
    with pytest.raises(UnsupportedTensorFlow) as error:
        with capture():
            pass
    assert str(error.value) == (
        "scopekit does not support this TensorFlow version: VariableScope.custom_getter is "
        "gone or changed. Please report it with `tf.__version__`; plain cells still work."
    )
    assert _patched_now() == before and not hooks_installed()


def test_a_missing_internal_of_the_graph_stack_is_named(tf, monkeypatch):
    from tensorflow.python.framework import ops

    stack_class = type(ops._default_graph_stack)
    monkeypatch.delattr(stack_class, "_GetGlobalDefaultGraph")
    with pytest.raises(
        UnsupportedTensorFlow, match=f"{stack_class.__name__}._GetGlobalDefaultGraph is gone"
    ):
        with capture():
            pass
    assert not hooks_installed()


@pytest.mark.parametrize("attribute", ["graph_mode", "GRAPH_MODE"])
def test_a_missing_part_of_tfs_eager_context_is_named(tf, monkeypatch, attribute):
    from tensorflow.python.eager import context

    monkeypatch.delattr(context, attribute)
    with pytest.raises(UnsupportedTensorFlow, match=f"{context.__name__}.{attribute} is gone"):
        with capture():
            pass
    assert not hooks_installed()


def test_scopes_keras_opens_are_the_librarys_in_a_fresh_kernel(tf, fresh_caches):
    import keras

    keras.backend.clear_session()
    with capture(eager=True) as cap:
        with tf.name_scope("mine"):
            layer = keras.layers.Dense(2, name="proj")
            layer.build((None, 3))
    kernel_scope = tf_name(layer.kernel.value).rpartition("/")[0]
    assert kernel_scope == "mine/proj"
    # The user opened 'mine'; Keras opened the layer's scope for its weights.
    assert [(s.name_scope, s.origin) for s in cap.scopes] == [
        ("mine", "user"),
        (kernel_scope, "library"),
    ]


def test_a_graph_name_scope_in_a_function_tf_calls_back_is_the_users(tf, fresh_caches):
    def opener(value):
        # Opened by the user's code, which TensorFlow's tf.nest calls.
        with tf.compat.v1.get_default_graph().name_scope("step") as step:
            seen.append(step)
            return tf.constant(value, name="c")

    def var_opener(value):
        with tf.compat.v1.variable_scope("vstep") as vstep:
            seen.append(vstep.name)
            return tf.constant(value, name="c")

    seen = []
    with capture() as cap:
        tf.nest.map_structure(opener, [1.0])
        tf.nest.map_structure(var_opener, [1.0])
    assert seen == ["step/", "vstep"]
    assert [(s.kind, s.name_scope, s.origin) for s in cap.scopes if s.origin == "user"] == [
        ("name_scope", "step", "user"),
        ("variable_scope", "vstep", "user"),
    ]


def test_an_error_in_a_function_under_a_graph_name_scope_decorator_shows_no_scopekit_frame(
    shell, capsys
):
    from .conftest import run

    cell = (
        "%%scopes\n"
        "@tf.compat.v1.get_default_graph().name_scope('layer')\n"
        "def layer():\n"
        "    return 1 / 0\n"
        "layer()\n"
    )
    result = run(shell, cell)
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    frames = [line for line in capsys.readouterr().out.splitlines() if line.startswith("File ")]
    assert not any("scopekit" in line for line in frames)


def test_an_invalid_name_scope_fails_as_in_tensorflow_with_no_scopekit_frame(shell, capsys):
    from .conftest import run

    cell = "tf.compat.v1.name_scope('bad name!').__enter__()\n"
    plain = run(shell, "with tf.Graph().as_default():\n    " + cell)
    capsys.readouterr()
    captured = run(shell, "%%scopes\n" + cell)
    frames = [line for line in capsys.readouterr().out.splitlines() if line.startswith("File ")]
    assert type(captured.error_in_exec) is type(plain.error_in_exec) is ValueError
    assert str(captured.error_in_exec) == str(plain.error_in_exec)
    assert frames and not any("scopekit" in line for line in frames)


def test_an_error_in_a_variables_initial_value_shows_no_scopekit_frame(shell, capsys):
    from .conftest import run

    result = run(shell, "%%scopes\ntf.Variable(lambda: 1 / 0)\n")
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    frames = [line for line in capsys.readouterr().out.splitlines() if line.startswith("File ")]
    assert frames and not any("scopekit" in line for line in frames)


def test_without_tensorflow_the_capture_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # as if not installed
    with pytest.raises(ImportError) as error:
        hooks.import_tensorflow()
    assert str(error.value) == hooks.TENSORFLOW_MISSING
    assert 'pip install "scopekit[tf]"' in str(error.value)


def test_a_graph_made_with_a_wrong_argument_fails_as_in_tensorflow(tf):
    with pytest.raises(TypeError) as plain:
        tf.Graph(1)
    with capture() as cap:
        with pytest.raises(TypeError) as captured:
            tf.Graph(1)
    assert str(captured.value) == str(plain.value)
    assert cap.graphs == [cap.graph]
