"""scopekit.checkpoint.plan on the checkpoints people actually have to move.

Every test writes a real checkpoint with real TensorFlow (a TF1 Saver, or
tf.train.Checkpoint), builds the TF 2 / Keras 3 (or TF1 graph) code it should
load into, and after ``apply()`` checks every target variable against the
tensor ``tf.train.load_checkpoint`` reads for the key it should hold. Which key
that is, is written down in the test from how both sides were built, never taken
from the plan.

Saved values are random and distinct per variable, so a swapped pair (gamma for
beta, layer_0 for layer_1) fails the check.
"""

import os

import numpy as np
import pytest

from scopekit import capture
from scopekit.checkpoint import CheckpointReadError, PlanError, plan


def randomize_and_save(tf, graph, path, var_list=None, meta=True, seed=0):
    """Give every variable of ``graph`` distinct random values and save with a Saver."""
    rng = np.random.default_rng(seed)
    with graph.as_default():
        variables = var_list or tf.compat.v1.global_variables()
        saver = tf.compat.v1.train.Saver(var_list=variables)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            for v in variables:
                shape = v.shape.as_list()
                session.run(v.assign(rng.standard_normal(shape).astype(v.dtype.as_numpy_dtype)))
            return saver.save(session, os.fspath(path), write_meta_graph=meta)


def save_tf1(tf, path, build, **kwargs):
    graph = tf.Graph()
    with graph.as_default():
        build()
    return randomize_and_save(tf, graph, path, **kwargs)


def saved(prefix, key):
    """The oracle: what TensorFlow's own reader holds under ``key``."""
    import tensorflow as tf

    return tf.train.load_checkpoint(prefix).get_tensor(key)


def assert_loaded(prefix, expected, value_of):
    """Every variable name in ``expected`` holds the tensor of its key."""
    for name, key in expected.items():
        np.testing.assert_array_equal(value_of(name), saved(prefix, key), err_msg=name)


def v1_layers():
    """What ``tf.compat.v1.layers`` is in TF1 code.

    With Keras 3 installed TensorFlow refuses ``tf.compat.v1.layers``; the same
    legacy layers ship in tf-keras, where ``TF_USE_LEGACY_KERAS`` would route it.
    """
    from tf_keras.api._v1.keras.__internal__.legacy import layers

    return layers


@pytest.fixture
def keras(tf):
    import keras

    keras.backend.clear_session()
    return keras


def keras_values(model):
    return {w.path: w for w in model.weights}


# ---------------------------------------------------------------------------
# 1. A TF-slim style ResNet block into a Keras 3 functional model


def slim_conv_bn(tf, cin, cout, size, scope):
    """The variables tf-slim's conv2d + batch_norm(scale=True) make, in slim's order."""
    with tf.compat.v1.variable_scope(scope):
        tf.compat.v1.get_variable("weights", [size, size, cin, cout])
        with tf.compat.v1.variable_scope("BatchNorm"):
            for name in ("beta", "gamma", "moving_mean", "moving_variance"):
                tf.compat.v1.get_variable(name, [cout])


SLIM_UNIT = "resnet_v1_50/block1/unit_1/bottleneck_v1"
# (slim scope, in channels, out channels, kernel size, Keras conv name, Keras BN name)
RESNET_UNIT = [
    ("shortcut", 4, 16, 1, "proj", "proj_norm"),
    ("conv1", 4, 4, 1, "reduce", "reduce_norm"),
    ("conv2", 4, 4, 3, "spatial", "spatial_norm"),
    ("conv3", 4, 16, 1, "expand", "expand_norm"),
]


def test_slim_resnet_block_into_a_keras_functional_model(tf, keras, tmp_path):
    def build():
        with tf.compat.v1.variable_scope(SLIM_UNIT):
            for scope, cin, cout, size, _, _ in RESNET_UNIT:
                slim_conv_bn(tf, cin, cout, size, scope)
        tf.compat.v1.train.get_or_create_global_step()

    prefix = save_tf1(tf, tmp_path / "resnet.ckpt", build)
    # A Keras 3 port with its own layer names; the shortcut is built first, as in slim.
    inputs = keras.Input((8, 8, 4))
    norm = {}
    for _, _, cout, size, conv, bn in RESNET_UNIT:
        after = {"proj": None, "reduce": None, "spatial": "reduce", "expand": "spatial"}[conv]
        source = inputs if after is None else norm[after]
        x = keras.layers.Conv2D(cout, size, padding="same", use_bias=False, name=conv)(source)
        norm[conv] = keras.layers.BatchNormalization(name=bn)(x)
    out = keras.layers.ReLU()(keras.layers.Add()([norm["proj"], norm["expand"]]))
    model = keras.Model(inputs, out)

    result = plan(prefix, model)
    assert result.ok, result.to_text()
    assert {p.confidence for p in result.pairs} == {"shape+order"}
    assert [k.saved_name for k in result.counters] == ["global_step"]
    assert not result.unused
    expected = {}
    for scope, _, _, _, conv, bn in RESNET_UNIT:
        expected[f"{conv}/kernel"] = f"{SLIM_UNIT}/{scope}/weights"
        for name in ("beta", "gamma", "moving_mean", "moving_variance"):
            expected[f"{bn}/{name}"] = f"{SLIM_UNIT}/{scope}/BatchNorm/{name}"
    assert result.mapping() == {key: name for name, key in expected.items()}
    loaded = result.apply()
    assert loaded == expected
    weights = keras_values(model)
    assert_loaded(prefix, expected, lambda name: weights[name].numpy())


# ---------------------------------------------------------------------------
# 2. A small BERT-style TF1 checkpoint into a Keras 3 re-implementation

VOCAB, TYPES, POSITIONS, HIDDEN, FFN, LAYERS = 11, 2, 6, 8, 16, 2


def bert_tf1(tf):
    """BERT's variable names and creation order, at toy sizes (google-research/bert layout)."""
    dense = v1_layers().dense
    x = tf.compat.v1.placeholder(tf.float32, [None, HIDDEN])

    def layer_norm(scope):
        with tf.compat.v1.variable_scope(scope):  # contrib layer_norm: beta, then gamma
            tf.compat.v1.get_variable("beta", [HIDDEN])
            tf.compat.v1.get_variable("gamma", [HIDDEN])

    with tf.compat.v1.variable_scope("bert"):
        with tf.compat.v1.variable_scope("embeddings"):
            tf.compat.v1.get_variable("word_embeddings", [VOCAB, HIDDEN])
            tf.compat.v1.get_variable("token_type_embeddings", [TYPES, HIDDEN])
            tf.compat.v1.get_variable("position_embeddings", [POSITIONS, HIDDEN])
            layer_norm("LayerNorm")
        with tf.compat.v1.variable_scope("encoder"):
            for i in range(LAYERS):
                with tf.compat.v1.variable_scope(f"layer_{i}"):
                    with tf.compat.v1.variable_scope("attention"):
                        with tf.compat.v1.variable_scope("self"):
                            for name in ("query", "key", "value"):
                                dense(x, HIDDEN, name=name)
                        with tf.compat.v1.variable_scope("output"):
                            dense(x, HIDDEN, name="dense")
                            layer_norm("LayerNorm")
                    with tf.compat.v1.variable_scope("intermediate"):
                        dense(x, FFN, name="dense")
                    with tf.compat.v1.variable_scope("output"):
                        dense(tf.zeros([1, FFN]), HIDDEN, name="dense")
                        layer_norm("LayerNorm")
        with tf.compat.v1.variable_scope("pooler"):
            dense(x, HIDDEN, name="dense")


def bert_keras(keras):
    """A Keras 3 port: other names, the same creation order."""

    class Port(keras.Model):
        def __init__(self):
            super().__init__(name="port")
            self.tok = keras.layers.Embedding(VOCAB, HIDDEN, name="tok")
            self.seg = keras.layers.Embedding(TYPES, HIDDEN, name="seg")
            self.pos = keras.layers.Embedding(POSITIONS, HIDDEN, name="pos")
            self.emb_norm = keras.layers.LayerNormalization(name="emb_norm")
            self.blocks = []
            for i in range(LAYERS):
                block = [
                    keras.layers.Dense(HIDDEN, name=f"b{i}_{part}")
                    for part in ("q", "k", "v", "attn_out")
                ]
                block.append(keras.layers.LayerNormalization(name=f"b{i}_attn_norm"))
                block.append(keras.layers.Dense(FFN, name=f"b{i}_ffn_in"))
                block.append(keras.layers.Dense(HIDDEN, name=f"b{i}_ffn_out"))
                block.append(keras.layers.LayerNormalization(name=f"b{i}_ffn_norm"))
                self.blocks.append(block)
            self.pool = keras.layers.Dense(HIDDEN, name="pool")

        def call(self, ids):
            ops = keras.ops
            h = self.tok(ids) + self.seg(ops.zeros_like(ids)) + self.pos(ops.arange(ids.shape[1]))
            h = self.emb_norm(h)
            for q, k, v, out, norm1, ffn_in, ffn_out, norm2 in self.blocks:
                scores = ops.softmax(ops.matmul(q(h), ops.transpose(k(h), (0, 2, 1))))
                h = norm1(h + out(ops.matmul(scores, v(h))))
                h = norm2(h + ffn_out(ffn_in(h)))
            return self.pool(h[:, 0])

    model = Port()
    model(np.zeros((1, POSITIONS), dtype="int32"))
    return model


def bert_expected():
    expected = {
        "tok/embeddings": "bert/embeddings/word_embeddings",
        "seg/embeddings": "bert/embeddings/token_type_embeddings",
        "pos/embeddings": "bert/embeddings/position_embeddings",
        "emb_norm/gamma": "bert/embeddings/LayerNorm/gamma",
        "emb_norm/beta": "bert/embeddings/LayerNorm/beta",
        "pool/kernel": "bert/pooler/dense/kernel",
        "pool/bias": "bert/pooler/dense/bias",
    }
    for i in range(LAYERS):
        tf1 = f"bert/encoder/layer_{i}"
        parts = {
            "q": "attention/self/query",
            "k": "attention/self/key",
            "v": "attention/self/value",
            "attn_out": "attention/output/dense",
            "ffn_in": "intermediate/dense",
            "ffn_out": "output/dense",
        }
        for part, scope in parts.items():
            for name in ("kernel", "bias"):
                expected[f"b{i}_{part}/{name}"] = f"{tf1}/{scope}/{name}"
        norms = (("attn_norm", "attention/output/LayerNorm"), ("ffn_norm", "output/LayerNorm"))
        for part, scope in norms:
            for name in ("gamma", "beta"):
                expected[f"b{i}_{part}/{name}"] = f"{tf1}/{scope}/{name}"
    return expected


def test_bert_style_tf1_checkpoint_into_a_keras_port(tf, keras, tmp_path):
    prefix = save_tf1(tf, tmp_path / "bert.ckpt", lambda: bert_tf1(tf))
    model = bert_keras(keras)
    weights = keras_values(model)
    expected = {"port/" + name: key for name, key in bert_expected().items()}
    assert set(weights) == set(expected)  # the port's names, as Keras 3 gives them

    result = plan(prefix, model)
    assert result.ok, result.to_text()
    assert {p.variable: p.key for p in result.pairs} == expected
    assert {p.confidence for p in result.pairs} == {"shape+order"}
    result.apply()
    assert_loaded(prefix, expected, lambda name: weights[name].numpy())


def test_without_the_meta_file_same_shapes_are_not_guessed(tf, keras, tmp_path):
    """No .meta: the checkpoint records no creation order; BERT's many [8] vectors stay open."""
    prefix = save_tf1(tf, tmp_path / "bert.ckpt", lambda: bert_tf1(tf), meta=False)
    model = bert_keras(keras)
    result = plan(prefix, model)
    assert not result.ok
    rows = {p.variable: p for p in result.pairs}
    # The vocabulary matrix is the only [11, 8] key: paired, marked as a shape guess.
    assert (rows["port/tok/embeddings"].key, rows["port/tok/embeddings"].confidence) == (
        "bert/embeddings/word_embeddings",
        "shape+order",
    )
    assert rows["port/b0_q/bias"].confidence == "ambiguous"
    assert "bert/encoder/layer_1/attention/self/key/bias" in rows["port/b0_q/bias"].alternatives
    before = model.weights[0].numpy().copy()
    with pytest.raises(PlanError, match="Nothing was loaded"):
        result.apply()
    np.testing.assert_array_equal(model.weights[0].numpy(), before)


# ---------------------------------------------------------------------------
# 3. tf.compat.v1.layers (dense, dense_1) into Keras 3 layers with explicit names


def tf1_mlp(tf):
    x = tf.compat.v1.placeholder(tf.float32, [None, 5])
    h = v1_layers().dense(x, 7)
    v1_layers().dense(h, 3)


def test_compat_v1_layers_into_keras_layers_with_explicit_names(tf, keras, tmp_path):
    prefix = save_tf1(tf, tmp_path / "mlp.ckpt", lambda: tf1_mlp(tf))
    assert {k for k, _ in tf.train.list_variables(prefix)} == {
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    }
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(7, name="hidden"),
            keras.layers.Dense(3, name="logits"),
        ],
        name="mlp",
    )
    result = plan(prefix, model)
    expected = {
        "mlp/hidden/kernel": "dense/kernel",
        "mlp/hidden/bias": "dense/bias",
        "mlp/logits/kernel": "dense_1/kernel",
        "mlp/logits/bias": "dense_1/bias",
    }
    assert {p.variable: p.key for p in result.pairs} == expected
    result.apply()
    weights = keras_values(model)
    assert_loaded(prefix, expected, lambda name: weights[name].numpy())


def test_keras_layers_named_like_the_tf1_layers_pair_by_name(tf, keras, tmp_path):
    prefix = save_tf1(tf, tmp_path / "mlp.ckpt", lambda: tf1_mlp(tf))
    inputs = keras.Input((5,))
    out = keras.layers.Dense(3, name="dense_1")(keras.layers.Dense(7, name="dense")(inputs))
    model = keras.Model(inputs, out)
    result = plan(prefix, model)
    assert {p.confidence for p in result.pairs} == {"exact"}
    assert result.mapping() == {w.path: w.path for w in model.weights}


# ---------------------------------------------------------------------------
# 4. Saved twice in one session (_1 suffixes), and built under tower_0/


def test_model_saved_from_a_second_build_pairs_by_number(tf, tmp_path):
    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        with tf.compat.v1.variable_scope(None, default_name="model"):
            h = v1_layers().dense(x, 7)
            v1_layers().dense(h, 3)

    graph = tf.Graph()
    with graph.as_default():
        build()  # the cell's first run
        build()  # the re-run: model_1/...; that is what training used and saved
        second = [v for v in tf.compat.v1.global_variables() if v.op.name.startswith("model_1/")]
    prefix = randomize_and_save(tf, graph, tmp_path / "twice.ckpt", var_list=second)
    assert {k for k, _ in tf.train.list_variables(prefix)} == {
        "model_1/dense/kernel",
        "model_1/dense/bias",
        "model_1/dense_1/kernel",
        "model_1/dense_1/bias",
    }
    with capture() as cap:
        build()  # the port: built once, model/dense, model/dense_1
    result = plan(prefix, cap)
    expected = {
        "model/dense/kernel": "model_1/dense/kernel",
        "model/dense/bias": "model_1/dense/bias",
        "model/dense_1/kernel": "model_1/dense_1/kernel",
        "model/dense_1/bias": "model_1/dense_1/bias",
    }
    assert {p.variable: p.key for p in result.pairs} == expected
    assert {p.rule for p in result.pairs} == {"numbered"}
    assert "'model' here, 'model_1' in the checkpoint" in result.pairs[0].why
    with cap.graph.as_default():
        variables = {v.op.name: v for v in tf.compat.v1.global_variables()}
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            assert result.apply(session=session) == expected
            assert_loaded(prefix, expected, lambda name: session.run(variables[name]))


def test_tower_scope_is_an_outer_scope(tf, keras, tmp_path):
    def build():
        with tf.compat.v1.variable_scope("tower_0"):
            tf1_mlp(tf)

    prefix = save_tf1(tf, tmp_path / "tower.ckpt", build)
    inputs = keras.Input((5,))
    out = keras.layers.Dense(3, name="dense_1")(keras.layers.Dense(7, name="dense")(inputs))
    model = keras.Model(inputs, out)
    result = plan(prefix, model)
    expected = {w.path: "tower_0/" + w.path for w in model.weights}
    assert {p.variable: p.key for p in result.pairs} == expected
    assert {p.rule for p in result.pairs} == {"outer_scope"}
    assert "the checkpoint has 'tower_0/' in front" in result.pairs[0].why
    result.apply()
    weights = keras_values(model)
    assert_loaded(prefix, expected, lambda name: weights[name].numpy())


# ---------------------------------------------------------------------------
# 5. A TF 2 object-based checkpoint into the TF1 graph version of the model


def test_object_based_checkpoint_into_the_tf1_graph_version(tf, keras, tmp_path):
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(7, name="hidden"),
            keras.layers.Dense(3, name="out"),
        ],
        name="net",
    )
    rng = np.random.default_rng(1)
    for w in model.weights:
        w.assign(rng.standard_normal(w.shape).astype("float32"))
    optimizer = keras.optimizers.Adam()
    optimizer.build(model.trainable_variables)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)
    prefix = checkpoint.write(os.fspath(tmp_path / "tf2"))

    def tf1_version():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        h = v1_layers().dense(x, 7, name="hidden")
        v1_layers().dense(h, 3, name="out")

    with capture() as cap:
        tf1_version()
    result = plan(prefix, cap)
    assert result.format == "object-based"
    rows = {p.variable: p for p in result.pairs}
    assert set(rows) == {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"}
    for name, row in rows.items():
        assert row.saved_name == "net/" + name and row.rule == "outer_scope"
        # A variable is saved once, under the first object path that reaches it: here
        # the optimizer's list of the weights it trains (optimizer/_trainable_variables/N).
        assert row.key.endswith("/.ATTRIBUTES/VARIABLE_VALUE")
    # The optimizer's own state (iterations, learning rate, 2 Adam slots per weight)
    # is listed apart and never paired with weights.
    state = {k.saved_name for k in result.optimizer_state}
    assert {"adam/iteration", "adam/learning_rate", "adam/net_hidden_kernel_momentum"} <= state
    assert len(state) == 2 + 2 * 4
    assert not {p.key for p in result.pairs} & {k.key for k in result.optimizer_state}
    expected = {name: row.key for name, row in rows.items()}
    # The oracle's keys: the object path of each Keras weight holds that weight's value.
    for name, key in expected.items():
        weight = keras_values(model)["net/" + name]
        np.testing.assert_array_equal(saved(prefix, key), weight.numpy())

    # Without a session: init_from_checkpoint, then the initializer loads the values.
    result.apply()
    with cap.graph.as_default():
        variables = {v.op.name: v for v in tf.compat.v1.global_variables()}
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            assert_loaded(prefix, expected, lambda name: session.run(variables[name]))


# ---------------------------------------------------------------------------
# 6. Ambiguity and overrides


def two_kernels(tf):
    """Two same-shaped kernels whose names say nothing about each other."""
    with tf.compat.v1.variable_scope("left"):
        tf.compat.v1.get_variable("kernel", [3, 3])
    with tf.compat.v1.variable_scope("right"):
        tf.compat.v1.get_variable("kernel", [3, 3])


def test_ambiguous_pairs_are_refused_until_overrides_decide(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "two.ckpt", lambda: two_kernels(tf), meta=False)
    first = tf.Variable(np.zeros((3, 3), np.float32), name="encoder/kernel")
    second = tf.Variable(np.zeros((3, 3), np.float32), name="decoder/kernel")
    result = plan(prefix, [first, second])
    assert [p.confidence for p in result.pairs] == ["ambiguous", "ambiguous"]
    assert result.ambiguous == result.pairs and not result.ok
    assert set(result.pairs[0].alternatives) == {"left/kernel", "right/kernel"}
    assert "Not ready" in result.to_text()
    with pytest.raises(PlanError, match="ambiguous between") as info:
        result.apply()
    assert "overrides=" in str(info.value)
    np.testing.assert_array_equal(first.numpy(), np.zeros((3, 3)))  # nothing half-loaded

    # A tf.Variable is not hashable: by name, or by its .ref().
    loaded = result.apply(overrides={first.ref(): "right/kernel", "decoder/kernel": "left/kernel"})
    assert loaded == {"encoder/kernel": "right/kernel", "decoder/kernel": "left/kernel"}
    np.testing.assert_array_equal(first.numpy(), saved(prefix, "right/kernel"))
    np.testing.assert_array_equal(second.numpy(), saved(prefix, "left/kernel"))
    decided = result.with_overrides({first.ref(): "right/kernel", second.ref(): "left/kernel"})
    assert decided.ok and {p.confidence for p in decided.pairs} == {"override"}


def test_an_override_cannot_load_one_key_twice(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "two.ckpt", lambda: two_kernels(tf), meta=False)
    a = tf.Variable(np.zeros((3, 3), np.float32), name="a")
    b = tf.Variable(np.zeros((3, 3), np.float32), name="b")
    with pytest.raises(PlanError, match="would load into two variables"):
        plan(prefix, [a, b], overrides={"a": "left/kernel", "b": "left/kernel"})
    with pytest.raises(PlanError, match="no key 'nope'"):
        plan(prefix, [a, b], overrides={"a": "nope"})


# ---------------------------------------------------------------------------
# Bad input: one clear error, nothing half-loaded


def test_missing_and_corrupt_checkpoints(tf, tmp_path):
    v = tf.Variable(np.zeros(3, np.float32), name="v")
    with pytest.raises(FileNotFoundError, match="No checkpoint at 'absent'"):
        plan(tmp_path / "absent", [v])
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.get_variable("v", [3]))
    with open(prefix + ".index", "wb") as file:
        file.write(b"not a checkpoint index")
    with pytest.raises(CheckpointReadError, match="cannot read the checkpoint 'm'") as info:
        plan(prefix, [v])
    assert os.fspath(tmp_path) not in str(info.value)
    from scopekit.checkpoint import check_readable, compare

    with pytest.raises(CheckpointReadError, match="damaged or incomplete"):
        check_readable(prefix)  # what --against can call before the cell runs
    with capture(eager=True) as cap:
        pass
    with pytest.raises(CheckpointReadError):
        compare(prefix, cap)


def test_damaged_data_file_loads_nothing(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf1_mlp(tf))
    target = [
        tf.Variable(np.zeros(s, np.float32), name=n)
        for n, s in (
            ("dense/kernel", (5, 7)),
            ("dense/bias", (7,)),
            ("dense_1/kernel", (7, 3)),
            ("dense_1/bias", (3,)),
        )
    ]
    result = plan(prefix, target)
    assert result.ok
    (data,) = [p for p in os.listdir(tmp_path) if p.startswith("m.data")]
    with open(tmp_path / data, "r+b") as file:
        file.truncate(8)
    with pytest.raises(PlanError, match="Nothing was loaded"):
        result.apply()
    assert all(not v.numpy().any() for v in target)


def test_a_target_without_variables(tf, keras, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.get_variable("v", [3]))
    with pytest.raises(PlanError, match="The target has no variables"):
        plan(prefix, keras.Sequential([keras.layers.Dense(3)]))  # never built
    with pytest.raises(PlanError, match="takes a scopekit Capture, a Keras model"):
        plan(prefix, "model")


def test_shape_mismatch_is_a_problem_and_loads_nothing(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf1_mlp(tf))
    wide = tf.Variable(np.zeros((5, 9), np.float32), name="dense/kernel")
    bias = tf.Variable(np.zeros(7, np.float32), name="dense/bias")
    result = plan(prefix, [wide, bias])
    (row,) = [p for p in result.pairs if p.problem]
    assert row.key == "dense/kernel" and "shape [5, 7] saved, [5, 9] here" in row.problem
    assert not result.ok
    with pytest.raises(PlanError, match=r"dense/kernel: shape \[5, 7\] saved"):
        result.apply(skip_unpaired=True)
    assert not bias.numpy().any()  # the bias, which would fit, was not loaded either


def test_dtype_is_cast_only_on_request(tf, tmp_path):
    def build():
        tf.compat.v1.get_variable("w", [2, 2], dtype=tf.float64)

    prefix = save_tf1(tf, tmp_path / "m", build)
    w = tf.Variable(np.zeros((2, 2), np.float32), name="w")
    result = plan(prefix, [w])
    with pytest.raises(PlanError, match="dtype float64 saved, float32 here"):
        result.apply()
    assert not w.numpy().any()
    result.apply(cast=True)
    np.testing.assert_allclose(w.numpy(), saved(prefix, "w").astype(np.float32))


def test_an_eager_capture_plans_but_cannot_load(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.get_variable("v", [3]))
    with capture(eager=True) as cap:
        tf.Variable(np.zeros(3, np.float32), name="v")
    result = plan(prefix, cap)
    assert result.ok and result.pairs[0].confidence == "exact"
    with pytest.raises(PlanError, match="holds only its name"):
        result.apply()


# ---------------------------------------------------------------------------
# Optimizer state and counters are listed apart


def test_adam_slots_and_global_step_are_never_paired_with_weights(tf, tmp_path):
    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        loss = tf.reduce_sum(v1_layers().dense(x, 3))
        step = tf.compat.v1.train.get_or_create_global_step()
        tf.compat.v1.train.AdamOptimizer().minimize(loss, global_step=step)

    prefix = save_tf1(tf, tmp_path / "m", build)
    keys = {k for k, _ in tf.train.list_variables(prefix)}
    assert {"dense/kernel/Adam", "dense/kernel/Adam_1", "beta1_power", "global_step"} <= keys
    # A target of the same shapes but other names: order and shape would fit the slots too.
    k = tf.Variable(np.zeros((5, 3), np.float32), name="k")
    b = tf.Variable(np.zeros(3, np.float32), name="b")
    result = plan(prefix, [k, b])
    assert {p.variable: p.key for p in result.pairs} == {"k": "dense/kernel", "b": "dense/bias"}
    weights_and_step = {"dense/kernel", "dense/bias", "global_step"}
    assert {x.key for x in result.optimizer_state} == keys - weights_and_step
    assert [x.key for x in result.counters] == ["global_step"]
    assert "Listed apart: optimizer state and counters" in result.to_text()


# ---------------------------------------------------------------------------
# to_code and the views


def test_to_code_runs_as_tf1_code_and_loads_the_same_values(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf1_mlp(tf))

    def port():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        with tf.compat.v1.variable_scope("net"):
            h = v1_layers().dense(x, 7, name="dense")
            v1_layers().dense(h, 3, name="dense_1")

    with capture() as cap:
        port()
    result = plan(prefix, cap)
    code = result.to_code(checkpoint=prefix)
    assert "assignment_map = {" in code
    assert "tf.compat.v1.train.init_from_checkpoint(" in code
    # Run the printed code in a fresh graph holding the same model, as a user would.
    graph = tf.Graph()
    with graph.as_default():
        port()
        exec(code, {"tf": tf})
        variables = {v.op.name: v for v in tf.compat.v1.global_variables()}
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            for name in ("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"):
                value = session.run(variables["net/" + name])
                np.testing.assert_array_equal(value, saved(prefix, name))
    assert result.to_code().count("'m'") == 1  # the default names the file, not a machine path


def test_views_are_bounded(tf, tmp_path):
    def build():
        for i in range(300):
            tf.compat.v1.get_variable(f"layer_{i}/w", [2])

    prefix = save_tf1(tf, tmp_path / "m", build, meta=False)
    target = [tf.Variable(np.zeros(2, np.float32), name=f"other_{i}/w") for i in range(300)]
    result = plan(prefix, target)
    assert len(result.ambiguous) == 300
    text, html = result.to_text(), result.to_html()
    assert text.splitlines()[0].startswith("Plan for checkpoint m (name-based): 300 variables")
    assert "Pairs by rule:" in text and "300  ambiguous" in text
    assert "... 275 more (all of them are in .pairs)" in text
    assert "... 275 more (all of them are in .unused)" in text
    assert len(text) < 20_000 and len(html) < 40_000


def test_hostile_names_are_escaped_in_every_plan_view():
    from scopekit.checkpoint import Pair, Plan
    from scopekit.checkpoint.reading import CheckpointKey

    hostile = "x<img src=q onerror=alert(1)>\u202e\nname"
    row = Pair(variable=hostile, shape=(2,), dtype="float32", confidence="ambiguous",
               rule="only_shape", why="why " + hostile, alternatives=(hostile, "b"))
    key = CheckpointKey(hostile, hostile, (2,))
    made = Plan(checkpoint=hostile, format="name-based", pairs=[row], unused=[key],
                counters=[key])
    html, text = made.to_html(), made.to_text()
    assert "<img" not in html and "&lt;img" in html
    assert "\u202e" not in text and "\\u202e" in text
    assert "\\nname" in text  # the newline inside a name is shown escaped
    assert not any(line.startswith("name") for line in text.splitlines())


# ---------------------------------------------------------------------------
# Plan rules: each key at most once, and each rule with a case where it must not fire


def raw_checkpoint(tf, path, keys):
    """A name-based checkpoint of ``{key: shape}`` with distinct values, no .meta file."""
    prefix = os.fspath(path)
    tensors = [tf.fill(shape, float(i + 1)) for i, shape in enumerate(keys.values())]
    tf.raw_ops.SaveV2(
        prefix=prefix, tensor_names=list(keys), shape_and_slices=[""] * len(keys), tensors=tensors
    )
    return prefix


def variables(tf, spec):
    return [tf.Variable(np.zeros(shape, np.float32), name=name) for name, shape in spec.items()]


def test_a_key_two_variables_fit_goes_to_neither(tf, tmp_path):
    prefix = raw_checkpoint(tf, tmp_path / "m", {"block/w": [2]})
    result = plan(prefix, variables(tf, {"block_1/w": [2], "block_2/w": [2]}))
    assert [p.confidence for p in result.pairs] == ["ambiguous", "ambiguous"]
    assert all(p.alternatives == ("block/w",) for p in result.pairs)
    assert "'block_2/w' fit(s) the same key(s)" in result.pairs[0].why


@pytest.mark.parametrize(
    "keys, target, rule_not_used",
    [
        # numbered: digits without "_", or another stem, are other names
        ({"conv1/kernel": [3, 3], "zz/kernel": [3, 3]}, {"conv3/kernel": [3, 3]}, "numbered"),
        ({"dec/kernel": [3, 3], "zz/kernel": [3, 3]}, {"enc_1/kernel": [3, 3]}, "numbered"),
        # outer scope: only at a "/" boundary
        ({"mydense/kernel": [3, 3], "zz/kernel": [3, 3]}, {"dense/kernel": [3, 3]}, "outer_scope"),
        # renamed: whole components only
        ({"a/weightsx": [3, 3], "b/weightsx": [3, 3]}, {"a/kernelx": [3, 3]}, "renamed"),
        # shape and order: two layers of one shape and no recorded order decide nothing
        ({"l1/kernel": [3, 3], "l2/kernel": [3, 3]}, {"x/kernel": [3, 3]}, "shape_order"),
        # only shape: a role that differs (bias vs gamma) is not a fit
        ({"a/bias": [3]}, {"b/gamma": [3]}, "only_shape"),
    ],
)
def test_plan_rules_do_not_fire_where_names_or_shapes_disagree(
    tf, tmp_path, keys, target, rule_not_used
):
    prefix = raw_checkpoint(tf, tmp_path / "m", keys)
    (row,) = plan(prefix, variables(tf, target)).pairs
    assert row.key is None, row
    assert row.rule != rule_not_used


def test_plan_rules_fire_on_the_matching_cases(tf, tmp_path):
    """The positive twins of the cases above, on one checkpoint."""
    keys = {
        "enc/dense/weights": [4, 4],
        "enc/dense/biases": [4],
        "tower_0/head/kernel": [4, 2],
        "stem_1/conv/kernel": [5, 5],
        "a/bias": [3],
    }
    prefix = raw_checkpoint(tf, tmp_path / "m", keys)
    target = variables(
        tf,
        {
            "enc/dense/kernel": [4, 4],
            "enc/dense/bias": [4],
            "head/kernel": [4, 2],
            "stem/conv/kernel": [5, 5],
            "b/bias": [3],
        },
    )
    result = plan(prefix, target)
    assert [(p.variable, p.key, p.rule) for p in result.pairs] == [
        ("enc/dense/kernel", "enc/dense/weights", "renamed"),
        ("enc/dense/bias", "enc/dense/biases", "renamed"),
        ("head/kernel", "tower_0/head/kernel", "outer_scope"),
        ("stem/conv/kernel", "stem_1/conv/kernel", "numbered"),
        ("b/bias", "a/bias", "shape_order"),
    ]
    result.apply()
    for variable, row in zip(target, result.pairs, strict=True):  # the keys asserted above
        expected = saved(prefix, row.key)
        np.testing.assert_array_equal(variable.numpy(), expected, err_msg=row.variable)
