"""A capture agrees with TensorFlow's own objects on code people write.

The oracle in each test is TensorFlow itself: the same code built in a plain
``with tf.Graph().as_default():`` (its ops, its ``variables`` collection), or,
eagerly, the variables ``tf.variable_creator_scope`` sees being made.
"""

import copy

import pytest

from scopekit import capture


def _name(tensor_name: str) -> str:
    return tensor_name.split(":")[0]


def _plain(tf, build):
    graph = tf.Graph()
    with graph.as_default():
        build(tf)
    return graph


def _collection(graph):
    return [_name(v.name) for v in graph.get_collection("variables")]


# -- control flow: the fresh graph is a real default graph ----------------------


def _while_loop_with_a_variable(tf):
    def body(i, total):
        w = tf.compat.v1.get_variable("w", [], use_resource=True)
        return i + 1, total + w

    tf.while_loop(lambda i, _: i < 3, body, [0, tf.constant(1.0)])


def _cond_with_variables(tf):
    flag = tf.compat.v1.placeholder(tf.bool, [])
    tf.cond(
        flag,
        lambda: tf.compat.v1.get_variable("a", [], use_resource=True) + 1.0,
        lambda: tf.compat.v1.get_variable("b", [], use_resource=True) * 2.0,
    )


def _dynamic_rnn_with_an_lstm(tf):
    # tf.compat.v1.nn.rnn_cell.LSTMCell is not there with Keras 3; tf_keras keeps it.
    from tf_keras.src.layers.rnn import legacy_cells

    inputs = tf.compat.v1.placeholder(tf.float32, [None, 5, 3])
    tf.compat.v1.nn.dynamic_rnn(legacy_cells.LSTMCell(4), inputs, dtype=tf.float32)


def _map_fn_with_a_variable(tf):
    def scale(element):
        return element * tf.compat.v1.get_variable("scale", [], use_resource=True)

    tf.map_fn(scale, tf.ones([3]))


def _tf_function_making_a_variable(tf):
    made = []

    @tf.function
    def times(x):
        if not made:
            made.append(tf.Variable(2.0, name="factor"))
        return x * made[0]

    times(tf.constant(1.0))


CONTROL_FLOW = {
    "while_loop": _while_loop_with_a_variable,
    "cond": _cond_with_variables,
    "dynamic_rnn": _dynamic_rnn_with_an_lstm,
    "map_fn": _map_fn_with_a_variable,
    "tf.function": _tf_function_making_a_variable,
}


@pytest.mark.parametrize("case", CONTROL_FLOW)
def test_control_flow_with_variables_builds_as_in_a_plain_graph(tf, case):
    build = CONTROL_FLOW[case]
    plain = _plain(tf, build)
    with capture() as cap:
        build(tf)
    assert [op.name for op in cap.graph.get_operations()] == [
        op.name for op in plain.get_operations()
    ]
    assert _collection(cap.graph) == _collection(plain) != []
    # Variables made in branches and loop bodies land in the outer graph: recorded.
    assert [v.name for v in cap.variables] == _collection(plain)


def test_a_cell_may_still_reset_the_default_graph(tf):
    with capture() as cap:
        tf.constant(1.0, name="before")
        tf.compat.v1.reset_default_graph()
        _while_loop_with_a_variable(tf)
        built_into = tf.compat.v1.get_default_graph()
    assert built_into is cap.graphs[1]
    assert _collection(built_into) == ["w"]
    assert [v.name for v in cap.variables if v.graph == 1] == ["w"]


# -- only real variables ------------------------------------------------------


def _assigns(tf):
    v = tf.compat.v1.get_variable("v", [2], use_resource=True)
    v.assign([1.0, 2.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    tf.Variable(v, name="copy")


def _adam(tf):
    v = tf.compat.v1.get_variable("v", [2], use_resource=True)
    tf.compat.v1.train.AdamOptimizer().minimize(tf.reduce_sum(v * v))


def _momentum(tf):
    v = tf.compat.v1.get_variable("v", [2], use_resource=True)
    step = tf.compat.v1.train.get_or_create_global_step()
    tf.compat.v1.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(v * v), step)


def _batch_norm_and_adam(tf):
    from tf_keras.src.legacy_tf_layers import normalization

    x = tf.compat.v1.placeholder(tf.float32, [None, 3])
    y = normalization.batch_normalization(x, training=True)
    with tf.control_dependencies(tf.compat.v1.get_collection("update_ops")):
        tf.compat.v1.train.AdamOptimizer().minimize(tf.reduce_sum(y))


def _partitioned_under_auto_reuse(tf):
    for _ in range(2):
        with tf.compat.v1.variable_scope("emb", reuse=tf.compat.v1.AUTO_REUSE):
            tf.compat.v1.get_variable(
                "table",
                [10, 4],
                partitioner=tf.compat.v1.fixed_size_partitioner(2),
                use_resource=True,
            )


GRAPH_CODE = {
    "assign": _assigns,
    "adam": _adam,
    "momentum": _momentum,
    "batch_norm": _batch_norm_and_adam,
    "partitioned": _partitioned_under_auto_reuse,
}


@pytest.mark.parametrize("case", GRAPH_CODE)
def test_graph_variables_are_the_variables_collection(tf, case):
    build = GRAPH_CODE[case]
    plain = _plain(tf, build)
    with capture() as cap:
        build(tf)
    made = [v.name for v in cap.variables if not v.reused]
    assert made == _collection(cap.graph) == _collection(plain)


def test_partitioned_pieces_are_recorded_under_their_whole_and_reused(tf):
    with capture() as cap:
        _partitioned_under_auto_reuse(tf)
    parts = _collection(cap.graph)
    assert parts == ["emb/table/part_0", "emb/table/part_1"]
    assert [(v.name, v.reused, v.partition_of) for v in cap.variables] == [
        (parts[0], False, "emb/table"),
        (parts[1], False, "emb/table"),
        (parts[0], True, "emb/table"),
        (parts[1], True, "emb/table"),
    ]
    notes = [n.message for n in cap.notes if n.kind == "partitioned"]
    assert notes == [f"emb/table is one variable in 2 parts: {parts[0]}, {parts[1]}"]


def _creations_seen_by_tf(tf, block):
    """The variables TensorFlow's own creator scope sees being made, by name."""
    names = []

    def creator(next_creator, **kwargs):
        variable = next_creator(**kwargs)
        names.append(_name(variable.name))
        return variable

    with tf.variable_creator_scope(creator):
        block()
    return names


def test_an_eager_training_loop_records_each_variable_once(tf):
    import keras

    def train():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        optimizer = keras.optimizers.Adam()
        for _ in range(3):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(model(tf.ones([4, 3])))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        v = tf.Variable([1.0, 2.0], name="v")
        v.assign_add([1.0, 1.0])
        v.assign([0.0, 0.0])

    with capture(eager=True) as cap:
        expected = _creations_seen_by_tf(tf, train)
    assert [_name(v.name) for v in cap.variables] == expected
    assert len(expected) == len(set(expected)) > 3


def test_a_deep_copy_is_a_new_variable_and_recorded_once(tf):
    with capture(eager=True) as cap:
        v = tf.Variable([1.0, 2.0], name="v")
        copied = copy.deepcopy(v)
        copied.assign([3.0, 4.0])
    assert copied.handle is not v.handle and float(v[0]) == 1.0  # a variable of its own
    assert [v.name for v in cap.variables] == ["v", "v"]


# -- custom getters -------------------------------------------------------------


def _two_piece_getter(getter, name, *args, **kwargs):
    return getter(name + "/0", *args, **kwargs) + getter(name + "/1", *args, **kwargs)


def test_a_custom_getter_records_the_variables_it_made(tf):
    def build(tf):
        with tf.compat.v1.variable_scope("scope", custom_getter=_two_piece_getter):
            tf.compat.v1.get_variable("v", [2], use_resource=True)

    plain = _plain(tf, build)
    with capture() as cap:
        build(tf)
    assert [v.name for v in cap.variables] == _collection(plain) == ["scope/v/0", "scope/v/1"]
    assert {v.getter for v in cap.variables} == {"_two_piece_getter"}
    assert "custom getter _two_piece_getter made scope/v/0, scope/v/1" in [
        n.message for n in cap.notes
    ]


# -- names ending in "/" --------------------------------------------------------


def test_a_name_ending_in_a_slash_is_not_called_renamed(tf):
    with capture() as cap:
        top = tf.Variable(1.0, name="abs/")
        with tf.compat.v1.variable_scope("s"):
            inner = tf.Variable(1.0, name="t/")
    assert [v.name for v in cap.variables] == [_name(top.name), _name(inner.name)]
    messages = [n.message for n in cap.notes]
    assert not any("renamed" in m for m in messages)
    assert messages == ["'t/' ends with '/', so it is used as the whole name: t, not under 's'"]


# -- tracebacks and single-use context managers -----------------------------------


def test_a_reused_name_scope_fails_as_in_tensorflow(tf):
    def enter_twice(graph):
        scope = graph.name_scope("a")
        with scope:
            pass
        with scope:
            pass

    with pytest.raises(AttributeError) as plain:
        enter_twice(tf.Graph())
    with capture() as cap:
        with pytest.raises(AttributeError) as captured:
            enter_twice(cap.graph)
    assert str(captured.value) == str(plain.value)
