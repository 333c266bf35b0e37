"""Who opened a scope: the user's code, or a TensorFlow / Keras helper it called.

The oracle is the test's own code: it knows which scopes it opened itself (and TF
returns their names); every other scope was opened by a helper. A helper's scope
is no surprise to the user: no "'tmpl' was reopened as 'tmpl_1'" note for a
template called twice, no "reopened" note for a layer called twice.
"""

import warnings

import pytest

from scopekit import capture


def _user_scopes(cap):
    return [(s.kind, s.name_scope, s.variable_scope) for s in cap.scopes if s.origin == "user"]


def _reopened(cap):
    return [n.message for n in cap.notes if n.kind == "reopened"]


def test_make_template_scopes_are_the_templates_not_the_users(tf):
    v1 = tf.compat.v1
    opened_by_user = []

    def body(x):
        with v1.name_scope("inner") as inner:
            opened_by_user.append(("name_scope", inner.rstrip("/"), v1.get_variable_scope().name))
            w = v1.get_variable("w", shape=())
        return x * w

    with capture() as cap:
        with v1.variable_scope("model") as model:
            opened_by_user.insert(0, ("variable_scope", "model", model.name))
            template = v1.make_template("tmpl", body)
            x = tf.constant(1.0, name="x")
            first, second = template(x), template(x)

    # TF's own objects: one variable scope, ops under two name scopes, one variable.
    assert template.variable_scope.name == "model/tmpl"
    assert (first.name, second.name) == ("model/tmpl/mul:0", "model/tmpl_1/mul:0")
    assert _user_scopes(cap) == opened_by_user
    assert [v.name for v in cap.variables] == ["model/tmpl/w", "model/tmpl/w"]
    assert [v.reused for v in cap.variables] == [False, True]
    # The template's own variable scopes are the library's: no note about 'tmpl_1'.
    template_scopes = [
        s for s in cap.scopes if s.kind == "variable_scope" and s.variable_scope == "model/tmpl"
    ]
    assert len(template_scopes) == 2
    assert {s.origin for s in template_scopes} == {"library"}
    assert _reopened(cap) == []
    assert not any("tmpl_1" in n.message and "reopened" in n.message for n in cap.notes)
    # The tree still shows the template's scope (it holds the user's variable).
    assert "variable_scope" in cap.tree().find("model/tmpl").scope_kinds


def test_a_template_reopened_by_the_user_is_still_said(tf):
    # The rule is about who opened the scope, not about templates: the same renaming
    # done by the user's own code is a note.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("tmpl") as first:
            v1.get_variable("w", shape=())
        with v1.variable_scope("tmpl", reuse=True) as again:
            tf.identity(v1.get_variable("w", shape=()), name="y")
    assert (first.original_name_scope, again.original_name_scope) == ("tmpl/", "tmpl_1/")
    assert _reopened(cap) == [
        "'tmpl' was reopened as 'tmpl_1': its ops go to 'tmpl_1/', its get_variable "
        "variables stay under 'tmpl/'"
    ]


def _v1_layers():
    # What tf.compat.v1.layers is when TensorFlow uses Keras 2 (tf-keras); with
    # Keras 3 installed, tf.compat.v1.layers.dense itself raises.
    module = pytest.importorskip("tf_keras.api._v1.keras.__internal__.legacy")
    return module.layers


def test_v1_layers_scopes_are_the_librarys(tf):
    layers = _v1_layers()
    v1 = tf.compat.v1
    with capture() as cap, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "tf.layers.dense is deprecated"
        with v1.name_scope("net") as net:
            x = tf.zeros((2, 3), name="x")
            a = layers.dense(x, 4, name="d")
            b = layers.dense(x, 4, name="d", reuse=True)
            c = layers.dense(x, 4)
    assert (a.name, b.name, c.name) == (
        "net/d/BiasAdd:0",
        "net/d_1/BiasAdd:0",
        "net/dense/BiasAdd:0",
    )
    assert _user_scopes(cap) == [("name_scope", net.rstrip("/"), "")]
    layer_scopes = [s for s in cap.scopes if s.kind == "variable_scope"]
    assert layer_scopes and {s.origin for s in layer_scopes} == {"library"}
    assert _reopened(cap) == []
    assert [v.name for v in cap.variables] == [
        "d/kernel",
        "d/bias",
        "d/kernel",
        "d/bias",
        "dense/kernel",
        "dense/bias",
    ]


def test_tf_keras_layer_scopes_are_the_librarys(tf):
    tf_keras = pytest.importorskip("tf_keras")
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("outer") as outer:
            layer = tf_keras.layers.Dense(4, name="kd")
            y1 = layer(tf.zeros((2, 3)))
            y2 = layer(tf.zeros((2, 3)))
    assert (y1.name, y2.name) == ("outer/kd/BiasAdd:0", "outer/kd_1/BiasAdd:0")
    assert _user_scopes(cap) == [("variable_scope", "outer", outer.name)]
    assert all(s.origin == "library" for s in cap.scopes if s.name_scope.startswith("outer/kd"))
    assert _reopened(cap) == []


def test_keras3_layer_scopes_are_the_librarys_eagerly(tf):
    keras = pytest.importorskip("keras")
    with capture(eager=True) as cap:
        with tf.name_scope("user_block"):
            layer = keras.layers.Dense(3, name="dense_a")
            layer(tf.zeros((1, 2)))
            layer(tf.zeros((1, 2)))
    # Keras 3 names each weight by its layer path (its own objects say so).
    assert sorted(v.path for v in cap.variables) == sorted(w.path for w in layer.weights)
    assert _user_scopes(cap) == [("name_scope", "user_block", "")]
    assert _reopened(cap) == []
