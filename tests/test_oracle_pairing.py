"""The plan's rule ladder on hand-made keys and variables, against pairs written down here.

Each case is a few checkpoint keys (name, shape, where known their creation order)
and the target variables a port makes; the test says which key each variable must
get and by which rule, from how the two sides were named, never from scopekit. The
last tests write a real checkpoint with distinct values and check what ``apply()``
loads against ``tf.train.load_checkpoint``. No graphs, no Keras: fast enough to run
for every mutant of ``pairing.py``.
"""

import os
from types import SimpleNamespace

import numpy as np
import pytest

from scopekit.checkpoint.pairing import pair_all
from scopekit.checkpoint.reading import CheckpointKey
from scopekit.checkpoint.targets import TargetVariable

SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"


def key(name, shape=(2,), saved=None, order=None):
    return CheckpointKey(name, saved or name, tuple(shape), "", "weight", order)


def target(name, shape=(2,), order=0, variable=None):
    return TargetVariable(
        name, None if shape is None else tuple(shape), "float32", order, "weight", variable
    )


def chosen(rows):
    """{variable: (key, rule)} as the engineer reads the plan."""
    return {p.variable: (p.key, p.rule) for p in rows}


# ---------------------------------------------------------------------------
# Exact names, object paths, TF1 names


def test_the_same_name_pairs_and_a_wrong_shape_is_shown_as_its_problem():
    rows = pair_all(
        [target("a/kernel", (3, 3)), target("a/bias", (3,))],
        [key("a/bias", (4,)), key("a/kernel", (3, 3)), key("b/bias", (3,))],
    )
    assert [p.variable for p in rows] == ["a/kernel", "a/bias"]  # the targets' order
    kernel, bias = rows
    assert (kernel.key, kernel.rule, kernel.confidence, kernel.why, kernel.problem) == (
        "a/kernel",
        "exact",
        "exact",
        "the same name",
        "",
    )
    assert (kernel.saved_name, kernel.shape, kernel.checkpoint_shape) == (
        "a/kernel",
        (3, 3),
        (3, 3),
    )
    assert kernel.paired and kernel.dtype == "float32"
    # Its own name with another shape: shown as a problem, not swapped for b/bias.
    assert (bias.key, bias.rule, bias.confidence) == ("a/bias", "exact", "exact")
    assert bias.problem == "shape [4] saved, [3] here (a layer or input size changed)"


def test_two_keys_saved_from_one_name_pair_by_shape_or_stay_ambiguous():
    keys = [key("a" + SUFFIX, (2,), saved="v"), key("b" + SUFFIX, (3,), saved="v")]
    (row,) = pair_all([target("v", (3,))], keys)
    assert (row.key, row.rule, row.confidence) == ("b" + SUFFIX, "exact", "exact")
    assert row.problem == ""
    (row,) = pair_all([target("v", (3,))], keys[::-1])  # whatever order they come in
    assert row.key == "b" + SUFFIX
    (row,) = pair_all([target("v", (2,))], [keys[0], key("c" + SUFFIX, (2,), saved="v")])
    assert (row.variable, row.key, row.confidence, row.rule) == ("v", None, "ambiguous", "exact")
    assert row.alternatives == ("a" + SUFFIX, "c" + SUFFIX)
    assert row.why == "2 keys fit (the same name)"
    assert not row.paired
    (row,) = pair_all([target("v", (4,))], keys)  # neither fits: not loaded with a problem
    assert (row.key, row.confidence) == (None, "no key")
    assert row.why == "no key: no name rule applies and no unused key has this shape"


def test_an_object_path_names_the_variable_its_key_was_saved_under():
    rows = pair_all(
        [target("enc/kernel", (3, 3))],
        [key("enc/kernel" + SUFFIX, (3, 3), saved="dense/kernel"), key("zz/kernel", (3, 3))],
    )
    (row,) = rows
    assert (row.key, row.rule, row.confidence, row.saved_name) == (
        "enc/kernel" + SUFFIX,
        "object_path",
        "rule",
        "dense/kernel",
    )
    assert row.why == (
        "the tf.train.Checkpoint key is the variable's name + /.ATTRIBUTES/VARIABLE_VALUE"
    )
    # A name-based key as long as an object path is not read as one: only the suffix counts.
    tail = "/quantizer/scales/ema_value"
    assert len(tail) == len(SUFFIX)
    (row,) = pair_all([target("dense/kernel", (3, 3))], [key("dense/kernel" + tail, (3, 3))])
    assert row.rule != "object_path"


def test_tf1_layer_names_pair_with_keras_names_and_say_which():
    keys = [
        key("enc/dense/weights", (4, 4)),
        key("enc/dense/biases", (4,)),
        key("enc/BatchNorm/gamma", (4,)),
        key("enc/LayerNorm/beta", (4,)),
        key("enc/LayerNorm/weights", (4, 2)),
    ]
    targets = [
        target("enc/dense/kernel", (4, 4)),
        target("enc/dense/bias", (4,)),
        target("enc/batch_normalization/gamma", (4,)),
        target("enc/layer_normalization/beta", (4,)),
        target("enc/layer_normalization/kernel", (4, 2)),
    ]
    rows = pair_all(targets, keys)
    assert chosen(rows) == {
        "enc/dense/kernel": ("enc/dense/weights", "renamed"),
        "enc/dense/bias": ("enc/dense/biases", "renamed"),
        "enc/batch_normalization/gamma": ("enc/BatchNorm/gamma", "renamed"),
        "enc/layer_normalization/beta": ("enc/LayerNorm/beta", "renamed"),
        "enc/layer_normalization/kernel": ("enc/LayerNorm/weights", "renamed"),
    }
    why = [p.why for p in rows]
    assert why == [
        "TF1 layer names vs Keras names: 'weights' is 'kernel'",
        "TF1 layer names vs Keras names: 'biases' is 'bias'",
        "TF1 layer names vs Keras names: 'BatchNorm' is 'batch_normalization'",
        "TF1 layer names vs Keras names: 'LayerNorm' is 'layer_normalization'",
        "TF1 layer names vs Keras names: 'LayerNorm' is 'layer_normalization', "
        "'weights' is 'kernel'",
    ]
    assert {p.confidence for p in rows} == {"rule"}
    # A target no key fits (no name, or the name at another shape) does not stop the others.
    rows = pair_all(
        [target("lone/v", (5,)), target("a/kernel", (5, 5))] + targets,
        keys + [key("a/weights", (6, 6))],
    )
    assert chosen(rows)["enc/dense/kernel"] == ("enc/dense/weights", "renamed")
    assert chosen(rows)["enc/layer_normalization/kernel"] == ("enc/LayerNorm/weights", "renamed")
    # Renaming works both ways: TF1 names in the port, Keras names in the checkpoint.
    (row,) = pair_all([target("x/weights", (4, 4))], [key("x/kernel", (4, 4))])
    assert (row.key, row.rule) == ("x/kernel", "renamed")
    assert row.why == "TF1 layer names vs Keras names: 'weights' is 'kernel'"


# ---------------------------------------------------------------------------
# _N numbers


def test_numbered_names_pair_in_number_order_whatever_order_they_come_in():
    keys = [key("dense/kernel", (3, 3)), key("dense_1/kernel", (3, 3))]  # in key order
    targets = [target("dense_3/kernel", (3, 3)), target("dense_2/kernel", (3, 3))]
    rows = pair_all(targets, keys)
    assert chosen(rows) == {
        "dense_2/kernel": ("dense/kernel", "numbered"),
        "dense_3/kernel": ("dense_1/kernel", "numbered"),
    }
    assert [p.variable for p in rows] == ["dense_3/kernel", "dense_2/kernel"]
    rows = pair_all(targets, keys[::-1])
    assert chosen(rows)["dense_2/kernel"] == ("dense/kernel", "numbered")
    assert rows[1].why == (
        "a _N number: 'dense_2' here, 'dense' in the checkpoint (a re-run cell or a scope "
        "opened twice numbers the later one); 2 such names, paired in number order"
    )
    assert {p.confidence for p in rows} == {"rule"}


def test_numbers_are_compared_as_numbers_and_every_group_is_paired():
    # 'd_10' sorts before 'd_9' as text; as numbers 9 comes first. After the d/k group,
    # the x/w group (another stem) is paired too.
    rows = pair_all(
        [target("d_10/k"), target("d_9/k"), target("k/x"), target("k_1/x"), target("x_1/w")],
        [key("d/k"), key("d_1/k"), key("k_10/x"), key("k_9/x"), key("x/w")],
    )
    assert chosen(rows) == {
        "d_9/k": ("d/k", "numbered"),
        "d_10/k": ("d_1/k", "numbered"),
        "k/x": ("k_9/x", "numbered"),
        "k_1/x": ("k_10/x", "numbered"),
        "x_1/w": ("x/w", "numbered"),
    }


def test_a_numbered_name_says_whose_number_differs():
    (own,) = pair_all([target("w_1")], [key("w")])
    assert (own.key, own.rule) == ("w", "numbered")
    assert own.why == (
        "a _N number: 'w_1' here, 'w' in the checkpoint (the variable's own name has another "
        "_N number: a second variable of that name in the same scope)"
    )
    keras_weight = SimpleNamespace(path="net/dense_1/kernel")
    (layer,) = pair_all(
        [target("net/dense_1/kernel", variable=keras_weight)], [key("net/dense/kernel")]
    )
    assert layer.why == (
        "a _N number: 'dense_1' here, 'dense' in the checkpoint (Keras numbers unnamed "
        "layers per session (dense, dense_1, ...); a re-run cell or another model built "
        "first shifts the numbers)"
    )
    (graph,) = pair_all(
        [target("net/dense_1/kernel", variable=object())], [key("net/dense/kernel")]
    )
    assert "(a re-run cell or a scope opened twice numbers the later one)" in graph.why
    (two,) = pair_all([target("a_1/b_1/k")], [key("a/b/k")])
    assert two.why.startswith(
        "a _N number: 'a_1' here, 'a' in the checkpoint, 'b_1' here, 'b' in the checkpoint ("
    )


def test_numbered_names_in_unequal_numbers_take_the_nearest_or_stay_ambiguous():
    # One variable, two keys one number away: nothing says which.
    (row,) = pair_all(
        [target("dense/kernel", (3, 3))],
        [key("dense_1/kernel", (3, 3)), key("dense_2/kernel", (3, 3))],
    )
    assert (row.key, row.confidence, row.rule) == (None, "ambiguous", "numbered")
    assert row.alternatives == ("dense_1/kernel", "dense_2/kernel")
    assert row.why == "2 keys fit (names equal but for _N numbers, paired in number order)"
    # The key that differs in fewer components wins.
    (row,) = pair_all([target("a_1/b_1/k")], [key("a/b/k"), key("a_1/b/k")])
    assert (row.key, row.rule) == ("a_1/b/k", "numbered")
    assert row.why == (
        "a _N number: 'b_1' here, 'b' in the checkpoint (a re-run cell or a scope opened "
        "twice numbers the later one)"
    )
    # Number order would pair wrong shapes: each takes the one key of its shape instead.
    rows = pair_all(
        [target("d/k", (2,)), target("d_1/k", (3,))], [key("d_5/k", (3,)), key("d_6/k", (2,))]
    )
    assert chosen(rows) == {"d/k": ("d_6/k", "numbered"), "d_1/k": ("d_5/k", "numbered")}
    assert all(not p.why.endswith("paired in number order") for p in rows)


# ---------------------------------------------------------------------------
# Outer scopes


def test_an_outer_scope_on_either_side_and_the_longest_tail_wins():
    rows = pair_all(
        [
            target("head/kernel", (4, 2)),
            target("model/dense/kernel", (3, 3)),
            target("a/b/c/k", (5,)),
        ],
        [
            key("tower_0/head/kernel", (4, 2)),
            key("dense/kernel", (3, 3)),
            key("b/c/k", (5,)),
            key("c/k", (5,)),
        ],
    )
    assert chosen(rows) == {
        "head/kernel": ("tower_0/head/kernel", "outer_scope"),
        "model/dense/kernel": ("dense/kernel", "outer_scope"),
        "a/b/c/k": ("b/c/k", "outer_scope"),
    }
    why = {p.variable: p.why for p in rows}
    assert why["head/kernel"] == "a missing outer scope: the checkpoint has 'tower_0/' in front"
    assert why["model/dense/kernel"] == "an extra outer scope: the target has 'model/' in front"
    assert why["a/b/c/k"] == "an extra outer scope: the target has 'a/' in front"
    # A key of the target's own (TF1) name but another shape does not stop the search
    # for a shorter tail.
    (row,) = pair_all(
        [target("model/dense/kernel", (3, 3))],
        [key("model/dense/weights", (5, 5)), key("dense/kernel", (3, 3))],
    )
    assert (row.key, row.rule) == ("dense/kernel", "outer_scope")
    (renamed,) = pair_all([target("dense/kernel", (3, 3))], [key("tower_0/dense/weights", (3, 3))])
    assert (renamed.key, renamed.rule) == ("tower_0/dense/weights", "outer_scope")
    assert renamed.why == (
        "a missing outer scope: the checkpoint has 'tower_0/' in front; and TF1 layer names "
        "vs Keras names: 'weights' is 'kernel'"
    )


def test_outer_scopes_that_fit_twice_are_refused_and_name_the_rivals():
    (row,) = pair_all([target("k")], [key("a/k"), key("b/k")])
    assert (row.key, row.confidence, row.rule) == (None, "ambiguous", "outer_scope")
    assert row.alternatives == ("a/k", "b/k")
    assert row.why == "2 keys fit (an extra or missing outer scope)"
    assert (row.shape, row.dtype) == ((2,), "float32")
    # One key has a scope more in front, the other one less: both fit, neither is chosen.
    (row,) = pair_all([target("a/k")], [key("x/a/k"), key("k")])
    assert (row.key, row.confidence) == (None, "ambiguous")
    assert set(row.alternatives) == {"x/a/k", "k"}
    names = ["a/w", "b/w", "c/w", "d/w", "e/w"]
    rows = pair_all([target(n) for n in names], [key("w")])
    assert all(p.key is None and p.confidence == "ambiguous" for p in rows)
    assert rows[0].why == (
        "1 keys fit (an extra or missing outer scope); 'b/w', 'c/w', 'd/w' fit(s) the same key(s)"
    )
    assert rows[4].why == (
        "1 keys fit (an extra or missing outer scope); 'a/w', 'b/w', 'c/w' and 1 more fit(s) "
        "the same key(s)"
    )
    assert all(p.alternatives == ("w",) for p in rows)


def test_ambiguous_rows_keep_at_most_twenty_candidates():
    keys = [key(f"s{i:02d}/k") for i in range(25)]
    (row,) = pair_all([target("k")], keys)
    assert row.why.startswith("25 keys fit (an extra or missing outer scope)")
    assert row.alternatives == tuple(f"s{i:02d}/k" for i in range(20))


# ---------------------------------------------------------------------------
# Shapes and creation order, where names say nothing


def two_layers(first="l1", second="l2", ordered=True):
    order = iter(range(4)) if ordered else iter([None] * 4)
    return [
        key(f"{first}/kernel", (3, 3), order=next(order)),
        key(f"{first}/bias", (3,), order=next(order)),
        key(f"{second}/kernel", (3, 3), order=next(order)),
        key(f"{second}/bias", (3,), order=next(order)),
    ]


PORT = [
    target("x/kernel", (3, 3), 0),
    target("x/bias", (3,), 1),
    target("y/kernel", (3, 3), 2),
    target("y/bias", (3,), 3),
]


def test_layers_of_the_same_shapes_pair_in_creation_order():
    rows = pair_all(PORT, sorted(two_layers(), key=lambda k: k.key))
    assert chosen(rows) == {
        "x/kernel": ("l1/kernel", "shape_order"),
        "x/bias": ("l1/bias", "shape_order"),
        "y/kernel": ("l2/kernel", "shape_order"),
        "y/bias": ("l2/bias", "shape_order"),
    }
    assert {p.confidence for p in rows} == {"shape+order"}
    assert rows[0].why == (
        "names say nothing: layer 1 of 2 with the same shapes, in creation order on both "
        "sides (shape [3, 3], role kernel)"
    )
    assert rows[3].why == (
        "names say nothing: layer 2 of 2 with the same shapes, in creation order on both "
        "sides (shape [3], role bias)"
    )
    # The port made y first: y takes l1.
    y_first = [t._replace(order=(t.order + 2) % 4) for t in PORT]
    assert chosen(pair_all(y_first, two_layers()))["y/kernel"] == ("l1/kernel", "shape_order")
    # The checkpoint made l2 first: then x, made first, takes l2.
    made_first = pair_all(PORT, sorted(two_layers("l2", "l1"), key=lambda k: k.key))
    assert chosen(made_first)["x/kernel"] == ("l2/kernel", "shape_order")
    assert chosen(made_first)["y/bias"] == ("l1/bias", "shape_order")


def test_the_key_made_first_has_order_zero_and_a_lone_layer_pairs_after_an_unmatched_one():
    rows = pair_all(
        [
            target("p/kernel", (5, 5), 0),
            target("x/kernel", (3, 3), 1),
            target("y/kernel", (3, 3), 2),
            target("z/bias", (7,), 3),
        ],
        [
            key("a/kernel", (3, 3), order=1),
            key("b/kernel", (3, 3), order=0),
            key("c/bias", (7,), order=2),
        ],
    )
    assert chosen(rows) == {
        "p/kernel": (None, ""),  # no [5, 5] key: its signature pairs nothing
        "x/kernel": ("b/kernel", "shape_order"),  # b was made first (order 0)
        "y/kernel": ("a/kernel", "shape_order"),
        "z/bias": ("c/bias", "shape_order"),
    }


def test_without_a_recorded_order_same_shaped_layers_are_not_guessed():
    rows = pair_all(PORT, two_layers(ordered=False))
    assert all(p.key is None and p.confidence == "ambiguous" for p in rows)
    assert {p.rule for p in rows} == {"only_shape"}
    assert rows[0].alternatives == ("l1/kernel", "l2/kernel")
    assert (rows[0].shape, rows[0].dtype) == ((3, 3), "float32")
    assert rows[0].why == (
        "2 unused keys have this shape and role, and 1 other variable(s) of this shape are "
        "unpaired; names say nothing and creation order did not decide"
    )


def test_a_layer_pairs_by_role_whatever_order_its_members_were_made_in():
    # TF-slim makes beta before gamma, Keras gamma before beta; all four are [4].
    keys = [
        key("unit/conv1/BatchNorm/beta", (4,), order=0),
        key("unit/conv1/BatchNorm/gamma", (4,), order=1),
        key("unit/conv1/BatchNorm/moving_mean", (4,), order=2),
        key("unit/conv1/BatchNorm/moving_variance", (4,), order=3),
        key("unit/conv1/weights", (1, 4), order=4),
    ]
    targets = [
        target("conv/kernel", (1, 4), 0),
        target("norm/gamma", (4,), 1),
        target("norm/beta", (4,), 2),
        target("norm/moving_mean", (4,), 3),
        target("norm/moving_variance", (4,), 4),
    ]
    rows = pair_all(targets, sorted(keys, key=lambda k: k.key))
    assert chosen(rows) == {
        "conv/kernel": ("unit/conv1/weights", "shape_order"),
        "norm/gamma": ("unit/conv1/BatchNorm/gamma", "shape_order"),
        "norm/beta": ("unit/conv1/BatchNorm/beta", "shape_order"),
        "norm/moving_mean": ("unit/conv1/BatchNorm/moving_mean", "shape_order"),
        "norm/moving_variance": ("unit/conv1/BatchNorm/moving_variance", "shape_order"),
    }
    assert rows[0].why == (
        "names say nothing: the only layer of this shape on each side (shape [1, 4], role kernel)"
    )


def test_members_without_a_role_keep_their_creation_order():
    keys = [key("a/q", (2,), order=0), key("a/p", (2,), order=1)]  # q was made first
    targets = [target("b/first", (2,), 0), target("b/second", (2,), 1)]
    rows = pair_all(targets, sorted(keys, key=lambda k: k.key))
    assert chosen(rows) == {"b/first": ("a/q", "shape_order"), "b/second": ("a/p", "shape_order")}
    assert rows[0].why == "names say nothing: the only layer of this shape on each side (shape [2])"


def test_the_only_key_of_a_shape_and_role_pairs_and_a_role_that_differs_does_not():
    rows = pair_all([target("z/kernel", (3, 3))], [key("a/kernel", (3, 3)), key("a/bias", (3,))])
    assert chosen(rows) == {"z/kernel": ("a/kernel", "only_shape")}
    assert rows[0].why == "names say nothing: the only unused key of this shape and role"
    assert rows[0].confidence == "shape+order"
    # A name without a role fits any role, on either side.
    (row,) = pair_all([target("z/kernel", (3, 3))], [key("a/w", (3, 3)), key("a/bias", (3,))])
    assert (row.key, row.rule) == ("a/w", "only_shape")
    (row,) = pair_all([target("z/w", (3, 3))], [key("a/kernel", (3, 3)), key("a/bias", (3,))])
    assert (row.key, row.rule) == ("a/kernel", "only_shape")
    # Same shape, other role: not a fit.
    (row,) = pair_all([target("b/gamma", (3,))], [key("a/bias", (3,)), key("a/kernel", (3, 3))])
    assert (row.key, row.confidence) == (None, "no key")
    # Unknown shape: nothing to compare, nothing guessed.
    (row,) = pair_all([target("z/kernel", None)], [key("a/kernel", (3, 3)), key("a/bias", (3,))])
    assert (row.key, row.confidence) == (None, "no key")


def test_one_key_two_variables_want_goes_to_neither():
    rows = pair_all(
        [target("y/kernel", (3, 3), 0), target("z/kernel", (3, 3), 1)],
        [key("a/kernel", (3, 3), order=0), key("a/bias", (3,), order=1)],
    )
    assert all(p.key is None and p.confidence == "ambiguous" for p in rows)
    assert rows[0].why == (
        "1 unused keys have this shape and role, and 1 other variable(s) of this shape are "
        "unpaired; names say nothing and creation order did not decide"
    )
    assert rows[0].alternatives == ("a/kernel",)
    assert (rows[0].shape, rows[0].dtype) == ((3, 3), "float32")
    # A role-less key two role-less variables of its shape want: neither.
    rows = pair_all(
        [target("p/u", (3, 3)), target("q/v", (3, 3))], [key("a/w", (3, 3)), key("a/bias", (3,))]
    )
    assert all(p.key is None and p.confidence == "ambiguous" for p in rows)
    # A kernel key wanted by a kernel and by a role-less variable of its shape: neither.
    rows = pair_all(
        [target("p/kernel", (3, 3)), target("q/v", (3, 3))],
        [key("a/kernel", (3, 3)), key("a/bias", (3,))],
    )
    assert all(p.key is None for p in rows)


# ---------------------------------------------------------------------------
# Each key at most once, each variable once, whatever the rules


def test_a_key_taken_by_one_rule_is_not_offered_to_the_next():
    rows = pair_all([target("a/k"), target("x/a/k")], [key("a/k")])
    assert chosen(rows) == {"a/k": ("a/k", "exact"), "x/a/k": (None, "")}
    assert rows[1].confidence == "no key"


def test_every_key_goes_to_one_variable_at_most_and_every_variable_gets_one_row():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    part = st.sampled_from(["a", "a_1", "b", "dense", "dense_2", "weights", "kernel", "bias"])
    names = st.lists(part, min_size=1, max_size=3).map("/".join)
    shapes = st.sampled_from([(2,), (3,), (2, 3)])

    @settings(max_examples=150, deadline=None)
    @given(
        st.dictionaries(names, shapes, max_size=8),
        st.dictionaries(names, shapes, max_size=8),
        st.booleans(),
    )
    def check(wanted, saved, ordered):
        targets = [target(n, s, i) for i, (n, s) in enumerate(wanted.items())]
        keys = sorted(
            (key(n, s, order=i if ordered else None) for i, (n, s) in enumerate(saved.items())),
            key=lambda k: k.key,
        )
        rows = pair_all(targets, keys)
        assert [p.variable for p in rows] == list(wanted)
        loaded = [p.key for p in rows if p.key is not None]
        assert len(loaded) == len(set(loaded)) and set(loaded) <= set(saved)
        for p in rows:
            if p.key is None:
                assert p.confidence in ("ambiguous", "no key") and not p.problem
            else:
                assert p.confidence != "ambiguous" and p.saved_name == p.key
                # Only a variable's own name may come with a shape that differs.
                assert (saved[p.key] == wanted[p.variable]) or (p.key == p.variable and p.problem)
            if p.variable in saved and saved[p.variable] == wanted[p.variable]:
                assert (p.key, p.rule) == (p.variable, "exact")

    check()


def test_a_row_as_json():
    import json

    rows = pair_all(
        [target("a/k", (2, 3)), target("zz", (5,)), target("free", None)], [key("a/k", (2, 3))]
    )
    assert json.loads(json.dumps([p.to_dict() for p in rows])) == [
        {
            "variable": "a/k",
            "shape": [2, 3],
            "dtype": "float32",
            "key": "a/k",
            "saved_name": "a/k",
            "checkpoint_shape": [2, 3],
            "confidence": "exact",
            "rule": "exact",
            "why": "the same name",
            "alternatives": [],
            "problem": "",
        },
        {
            "variable": "zz",
            "shape": [5],
            "dtype": "float32",
            "key": None,
            "saved_name": "",
            "checkpoint_shape": None,
            "confidence": "no key",
            "rule": "",
            "why": "no key: no name rule applies and no unused key has this shape",
            "alternatives": [],
            "problem": "",
        },
        {
            "variable": "free",
            "shape": None,
            "dtype": "float32",
            "key": None,
            "saved_name": "",
            "checkpoint_shape": None,
            "confidence": "no key",
            "rule": "",
            "why": "no key: no name rule applies and no unused key has this shape",
            "alternatives": [],
            "problem": "",
        },
    ]


# ---------------------------------------------------------------------------
# What apply() loads, on a real checkpoint


@pytest.fixture(scope="session")
def saved_values(tf, tmp_path_factory):
    """A name-based checkpoint of distinct values: a TF1 MLP with Adam, saved twice over."""
    keys = {
        "tower_0/enc/weights": [4, 3],
        "tower_0/enc/biases": [3],
        "tower_0/enc/weights/Adam": [4, 3],
        "tower_0/enc/weights/Adam_1": [4, 3],
        "head_1/kernel": [3, 2],
        "head_1/kernel/Momentum": [3, 2],
        "beta1_power": [],
        "global_step": [],
        "spare/kernel": [5, 5],
    }
    prefix = os.fspath(tmp_path_factory.mktemp("pairing") / "m")
    tensors = [tf.fill(shape, float(i + 1)) for i, shape in enumerate(keys.values())]
    tf.raw_ops.SaveV2(
        prefix=prefix,
        tensor_names=list(keys),
        shape_and_slices=[""] * len(keys),
        tensors=tensors,
    )
    return prefix


def test_apply_loads_each_variable_from_the_key_its_names_point_to(tf, saved_values):
    from scopekit.checkpoint import plan

    port = [
        tf.Variable(np.zeros((4, 3), np.float32), name="enc/kernel"),
        tf.Variable(np.zeros(3, np.float32), name="enc/bias"),
        tf.Variable(np.zeros((3, 2), np.float32), name="head/kernel"),
    ]
    made = plan(saved_values, port)
    expected = {
        "enc/kernel": "tower_0/enc/weights",
        "enc/bias": "tower_0/enc/biases",
        "head/kernel": "head_1/kernel",
    }
    assert made.mapping() == {k: v for v, k in expected.items()}
    # Optimizer slots share the weights' shapes and names; they are never paired.
    assert {k.key for k in made.optimizer_state} == {
        "tower_0/enc/weights/Adam",
        "tower_0/enc/weights/Adam_1",
        "head_1/kernel/Momentum",
        "beta1_power",
    }
    assert [k.key for k in made.counters] == ["global_step"]
    assert [k.key for k in made.unused] == ["spare/kernel"]
    assert made.apply() == expected
    reader = tf.train.load_checkpoint(saved_values)
    for variable in port:
        name = variable.name[:-2]
        np.testing.assert_array_equal(variable.numpy(), reader.get_tensor(expected[name]))
