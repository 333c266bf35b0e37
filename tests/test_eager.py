"""capture(eager=True) and %%scopes --eager against real TF2 code and real Keras 3.

Every expected name is read back from the object TensorFlow or Keras made
(`variable.name`, `weight.path`, a traced graph's ops), not written by hand.
"""

import pytest

from scopekit import capture
from scopekit.hooks import hooks_installed

from .conftest import run


@pytest.fixture
def keras(tf):
    import keras

    keras.backend.clear_session()  # auto-names (dense, dense_1) restart per test
    return keras


def tf_name(variable):
    return variable.name[:-2] if variable.name.endswith(":0") else variable.name


def test_eager_variables_keep_their_name_under_a_name_scope(tf):
    with capture(eager=True) as cap:
        with tf.name_scope("outer"):
            first = tf.Variable(1.0, name="v")
            second = tf.Variable(2.0, name="v")
            with tf.name_scope("inner"):
                deep = tf.Variable(3.0, name="w")
    assert cap.graph is None and cap.graph_mode == "eager"
    names = [v.name for v in cap.variables]
    # Eager variables are not uniquified: both are outer/v, as TensorFlow says.
    assert names == [tf_name(first), tf_name(second), tf_name(deep)]
    assert names == ["outer/v", "outer/v", "outer/inner/w"]
    assert [v.name_scope for v in cap.variables] == ["outer", "outer", "outer/inner"]
    assert {v.prefix_from for v in cap.variables} == {"name_scope"}
    assert {v.kind for v in cap.variables} == {"eager"}
    scopes = [(s.requested, s.name_scope, s.origin) for s in cap.scopes]
    assert scopes == [("outer", "outer", "user"), ("inner", "outer/inner", "user")]
    same = [n for n in cap.notes if n.kind == "same_name"]
    assert [n.subject for n in same] == ["outer/v"]
    assert "not made unique" in same[0].message
    assert not hooks_installed()


def test_compat_v1_name_scope_eagerly_is_recorded(tf):
    with capture(eager=True) as cap:
        with tf.compat.v1.name_scope("legacy"):
            v = tf.Variable(1.0, name="v")
    assert cap.variables[0].name == tf_name(v) == "legacy/v"
    assert [(s.kind, s.name_scope) for s in cap.scopes] == [("name_scope", "legacy")]


def test_tf_module_and_its_name_scope(tf):
    class Net(tf.Module):
        def __init__(self):
            super().__init__(name="net")
            with self.name_scope:
                self.w = tf.Variable([1.0, 2.0], name="w")
            self.loose = tf.Variable(0.0, name="loose")

    with capture(eager=True) as cap:
        net = Net()
        again = Net()
    assert net.name_scope.name == "net/"
    by_name = [(v.name, v.name_scope, v.prefix_from) for v in cap.variables]
    assert by_name == [
        (tf_name(net.w), "net", "name_scope"),
        (tf_name(net.loose), "", "none"),
        (tf_name(again.w), "net", "name_scope"),
        (tf_name(again.loose), "", "none"),
    ]
    # A second module of the same name does not become net_1 eagerly.
    assert tf_name(again.w) == "net/w"
    # The module's own scope (opened by tf.Module) and the user's `with self.name_scope`.
    module_scopes = [(s.name_scope, s.origin) for s in cap.scopes]
    assert ("net", "library") in module_scopes and ("net", "user") in module_scopes
    assert cap.tree().find("net/w").variables


def test_keras_weights_have_their_path(tf, keras):
    with capture(eager=True) as cap:
        model = keras.Sequential(
            [keras.Input((2,)), keras.layers.Dense(3, name="hidden"), keras.layers.Dense(1)],
            name="seq",
        )
    weights = model.weights
    records = [v for v in cap.variables if v.kind == "keras"]
    assert [r.path for r in records] == [w.path for w in weights]
    assert [r.name for r in records] == [tf_name(w.value) for w in weights]
    assert [r.path for r in records] == [
        "seq/hidden/kernel",
        "seq/hidden/bias",
        "seq/dense/kernel",
        "seq/dense/bias",
    ]
    assert [r.shape for r in records] == [tuple(w.shape) for w in weights]
    assert records[0].requested == "kernel"
    assert records[0].name_scope == "seq/hidden" and records[0].prefix_from == "name_scope"
    text = cap.to_text()
    assert "kernel  <- keras weight 'kernel', path='seq/hidden/kernel'" in text
    # Keras opens the layers' scopes (library scopes), but they hold the weights:
    # the HTML view shows them open, not dimmed away.
    html = cap.to_html()
    seq_item = html[html.index("<code>seq</code>") - 200 : html.index("<code>seq</code>")]
    assert "<details open>" in seq_item and "sk-dim" not in seq_item


def test_keras_auto_names_are_seen_as_keras_made_them(tf, keras):
    with capture(eager=True) as cap:
        first = keras.layers.Dense(2)
        first.build((None, 4))
        second = keras.layers.Dense(2)
        second.build((None, 4))
    assert (first.name, second.name) == ("dense", "dense_1")
    assert [r.path for r in cap.variables] == [w.path for w in first.weights + second.weights]
    assert cap.variables[2].path == "dense_1/kernel"


def test_keras_layer_inside_a_module_name_scope(tf, keras):
    """A Keras weight's tf name follows tf.name_scope; its path follows Keras's layers."""

    class Holder(tf.Module):
        def __init__(self):
            super().__init__(name="holder")
            with self.name_scope:
                self.layer = keras.layers.Dense(2, name="proj")
                self.layer.build((None, 3))

    with capture(eager=True) as cap:
        holder = Holder()
    kernel = holder.layer.kernel
    record = cap.variables[0]
    assert (record.name, record.path) == (tf_name(kernel.value), kernel.path)
    assert record.path == "proj/kernel"


def test_tf_function_traces_are_recorded_with_their_name_scopes(tf):
    @tf.function
    def square_plus_one(x):
        with tf.name_scope("inner"):
            return tf.square(x, name="sq") + 1.0

    with capture(eager=True) as cap:
        square_plus_one(tf.constant(2.0))
        square_plus_one(tf.constant(3.0))  # same signature: no new trace
        square_plus_one(tf.constant([1.0, 2.0]))  # new shape: a second trace
    graphs = [
        square_plus_one.get_concrete_function(tf.TensorSpec([], tf.float32)).graph,
        square_plus_one.get_concrete_function(tf.TensorSpec([2], tf.float32)).graph,
    ]
    assert cap.graphs[0] is None and cap.graphs[1:] == graphs
    for index, graph in enumerate(graphs, start=1):
        ops = [o for o in cap.ops if o.graph == index]
        assert [o.name for o in ops] == [op.name for op in graph.get_operations()]
        square = next(o for o in ops if o.type == "Square")
        assert (square.name, square.name_scope, square.prefix_from) == (
            "inner/sq",
            "inner",
            "name_scope",
        )
        assert cap.graph_labels[index] == (
            f"Graph {index}: tf.function 'square_plus_one' traced in the cell"
        )
    assert any(s.name_scope == "inner" and s.graph == 1 for s in cap.scopes)
    text = cap.to_text()
    assert "Scope tree: Graph 1: tf.function 'square_plus_one' traced in the cell" in text
    assert "2 more graphs traced by tf.function" in text.splitlines()[0]


def test_keras_weights_built_inside_a_tf_function_keep_their_path(tf, keras):
    layer = keras.layers.Dense(2, name="late")

    @tf.function
    def apply(x):
        return layer(x)

    with capture(eager=True) as cap:
        apply(tf.ones([1, 3]))
    assert [(r.name, r.path, r.kind) for r in cap.variables] == [
        (tf_name(w.value), w.path, "keras") for w in layer.weights
    ]
    assert {r.graph for r in cap.variables} == {1}  # made while tracing graph 1


def test_html_view_titles_each_traced_graph(tf):
    @tf.function
    def double(x):
        return x * 2.0

    with capture(eager=True) as cap:
        tf.Variable(1.0, name="<v>")  # escaped in HTML
        double(tf.constant(1.0))
    html = cap.to_html()
    assert "<h4>Created eagerly (no graph)</h4>" in html
    assert "<h4>Graph 1: tf.function &#x27;double&#x27; traced in the cell</h4>" in html
    assert "&lt;v&gt;" in html and "<v>" not in html


def test_variables_a_tf_function_creates_are_recorded(tf):
    class Lazy(tf.Module):
        def __init__(self):
            super().__init__(name="lazy")
            self.v = None

        @tf.function
        def __call__(self, x):
            if self.v is None:
                self.v = tf.Variable(tf.ones([2]), name="v")
            return x * self.v

    with capture(eager=True) as cap:
        lazy = Lazy()
        lazy(tf.ones([2]))
    assert tf_name(lazy.v) in [v.name for v in cap.variables]


def test_get_variable_eagerly_in_tf1_style_module(tf):
    # tf.compat.v1.keras.utils.track_tf1_style_variables, from tf_keras (Keras 3 dropped it).
    from tf_keras.api._v1.keras import utils as tf_keras_utils

    class Old(tf.Module):
        @tf_keras_utils.track_tf1_style_variables
        def __call__(self, x):
            with tf.compat.v1.variable_scope("dense_old"):
                with tf.name_scope("ns"):
                    w = tf.compat.v1.get_variable("w", shape=[2, 2])
            return tf.matmul(x, w)

    with capture(eager=True) as cap:
        old = Old(name="old")
        old(tf.ones([1, 2]))
        old(tf.ones([1, 2]))
    (w,) = old.variables
    calls = [(v.name, v.creator, v.reused, v.name_scope, v.variable_scope) for v in cap.variables]
    assert calls == [
        (tf_name(w), "get_variable", False, "dense_old/ns", "dense_old"),
        (tf_name(w), "get_variable", True, "dense_old/ns", "dense_old"),
    ]
    kinds = {n.kind for n in cap.notes}
    assert {"ignored_name_scope", "reused"} <= kinds
    assert any(s.kind == "variable_scope" and s.variable_scope == "dense_old" for s in cap.scopes)


def test_eager_capture_is_transparent_and_cleans_up_on_error(tf):
    with pytest.raises(ZeroDivisionError):
        with capture(eager=True) as cap:
            with tf.name_scope("s"):
                v = tf.Variable(1.0, name="v")
                _ = 1 / 0
    assert isinstance(cap.error, ZeroDivisionError)
    assert [r.name for r in cap.variables] == [tf_name(v)]
    assert not hooks_installed()
    # Nothing leaks: a variable made after the capture is still named by TF alone.
    with tf.name_scope("s"):
        assert tf.Variable(1.0, name="v").name == "s/v:0"


def test_graph_capture_inside_eager_capture_keeps_both_apart(tf):
    with capture(eager=True) as outer:
        eager_v = tf.Variable(1.0, name="e")
        with capture() as inner:
            graph_v = tf.compat.v1.Variable(1.0, name="g")
    assert [v.name for v in outer.variables] == [tf_name(eager_v)]
    assert [v.name for v in inner.variables] == [tf_name(graph_v)]
    assert inner.variables[0].kind == ""


def test_bad_eager_arguments_say_what_to_do(tf):
    with pytest.raises(ValueError, match="either a graph or eager=True"):
        with capture(tf.Graph(), eager=True):
            pass
    with tf.Graph().as_default():
        with pytest.raises(RuntimeError, match="Use capture\\(\\) for graph code"):
            with capture(eager=True):
                pass
    assert not hooks_installed()


def test_magic_eager(shell, tf):
    result = run(
        shell,
        "%%scopes --eager -o cap --text\n"
        "with tf.name_scope('block'):\n"
        "    v = tf.Variable(1.0, name='v')\n",
    )
    assert result.success
    cap = shell.user_ns["cap"]
    assert cap.graph_mode == "eager"
    assert [r.name for r in cap.variables] == [tf_name(shell.user_ns["v"])] == ["block/v"]


def test_magic_eager_cell_that_raises_still_shows_and_stores(shell, tf):
    result = run(
        shell,
        "%%scopes --eager -o cap --text\n"
        "kept = tf.Variable(1.0, name='kept')\n"
        "raise ValueError('boom')\n",
    )
    assert not result.success
    assert isinstance(result.error_in_exec, ValueError)
    cap = shell.user_ns["cap"]
    assert [r.name for r in cap.variables] == ["kept"]
    assert isinstance(cap.error, ValueError)
    assert not hooks_installed()


def test_magic_eager_refuses_graph_default(shell):
    result = run(shell, "%%scopes --eager --graph default\nran = True\n")
    assert not result.success
    assert "drop --graph" in str(result.error_in_exec)
    assert "ran" not in shell.user_ns
