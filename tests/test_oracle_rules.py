"""The likely-cause rules on records written the way TensorFlow names variables.

Each case is one variable record (its name, the scopes in force, how it was made)
and one saved name, as TF 2 / Keras 3 would produce them: ``get_variable`` follows
the variable scope and ignores the name scope, ``tf.Variable`` follows the name
scope, a reopened scope gets ``_1``, Keras numbers unnamed layers. For each rule,
a case where it must explain the pair (with the cause in words) and cases where it
must not; when two rules could explain a pair, the first in the table names it.
"""

import pytest

from scopekit.checkpoint import RULES, likely_cause
from scopekit.records import ScopeRecord, VariableRecord


def var(name, ns=None, vs=None, creator="get_variable", kind="", requested=None):
    prefix = name.rpartition("/")[0]
    ns = prefix if ns is None else ns
    vs = prefix if vs is None else vs
    requested = name.rpartition("/")[2] if requested is None else requested
    return VariableRecord(name, requested, creator, False, ns, vs, "both", (2,), "float32", 0,
                          kind)


def scope(kind, requested, name_scope, variable_scope="", default_name=None):
    return ScopeRecord(kind, requested, name_scope, variable_scope, False, "user", default_name)


def test_the_rules_are_tried_in_this_order():
    assert [rule.name for rule in RULES] == [
        "ignored_name_scope", "keras_auto_name", "suffix", "outer_scope"
    ]
    assert [rule.words for rule in RULES] == [
        "the name scope get_variable ignored", "a Keras auto-name", "a _N suffix",
        "an outer scope",
    ]


# ---------------------------------------------------------------------------
# get_variable ignores the name scope; tf.Variable follows it


def test_get_variable_in_a_name_scope_is_blamed_on_the_ignored_name_scope():
    # with tf.name_scope("layer"): get_variable("w") -> "w"; a tf.Variable there: "layer/w".
    # outer_scope would explain it too; the first rule names it.
    assert likely_cause(var("w", ns="layer", vs=""), "layer/w") == (
        "ignored_name_scope",
        "get_variable ignored the name scope 'layer': the cell makes w (variable scope "
        "'(top level)' only), the checkpoint has layer/w, the name a tf.Variable in that "
        "name scope gets",
    )
    rule, cause = likely_cause(var("enc/w", ns="dec", vs="enc"), "dec/w")
    assert rule == "ignored_name_scope"
    assert "the cell makes enc/w (variable scope 'enc' only), the checkpoint has dec/w" in cause


def test_a_tf_variable_in_a_reopened_variable_scope_follows_its_name_scope():
    # variable_scope("vs") entered twice: the second has name scope vs_1; tf.Variable
    # there is vs_1/w, get_variable (the saving code) made vs/w.
    assert likely_cause(var("vs_1/w", ns="vs_1", vs="vs", creator="Variable"), "vs/w") == (
        "ignored_name_scope",
        "tf.Variable follows the name scope 'vs_1', not the variable scope 'vs': the cell "
        "makes vs_1/w, the checkpoint has vs/w (saved by get_variable code, which follows "
        "the variable scope)",
    )


def test_a_tf_variable_in_a_variable_scope_without_its_name_scope_is_blamed_on_that(tf):
    # variable_scope("vs", auxiliary_name_scope=False) opens no name scope: tf.Variable
    # there is named "w" (TensorFlow says so below), get_variable code saved "vs/w".
    from scopekit import capture

    with capture() as cap:
        with tf.compat.v1.variable_scope("vs", auxiliary_name_scope=False):
            made = tf.compat.v1.Variable(tf.zeros([2]), name="w")
    assert made.name == "w:0"
    (record,) = cap.variables
    assert likely_cause(record, "vs/w", cap.scopes) == (
        "ignored_name_scope",
        "tf.Variable follows the name scope '(top level)', not the variable scope 'vs': the "
        "cell makes w, the checkpoint has vs/w (saved by get_variable code, which follows "
        "the variable scope)",
    )


@pytest.mark.parametrize(
    "record, saved",
    [
        # The same scope for both: nothing was ignored.
        (var("w", ns="", vs=""), "/w"),
        # A tf.Variable in a name scope: the name scope was followed, not ignored.
        (var("layer/w", ns="layer", vs="", creator="Variable"), "layer/w"),
        (var("x/w", ns="layer", vs="", creator="Variable"), "layer/w"),
        # A tf.Variable at the top variable scope: no variable scope to follow.
        (var("ns/w", ns="ns", vs="", creator="Variable"), "/w"),
        # get_variable in name scope 'layer' against another scope's name.
        (var("w", ns="layer", vs=""), "other/w"),
        # get_variable against the variable scope's own name (that is its name).
        (var("vs/w", ns="ns", vs="vs", creator="get_variable"), "vs/w"),
    ],
)
def test_the_ignored_name_scope_rule_does_not_fire_where_no_scope_was_ignored(record, saved):
    assert likely_cause(record, saved)[0] != "ignored_name_scope"


# ---------------------------------------------------------------------------
# Keras auto-names


def test_a_keras_layer_numbered_otherwise_is_a_keras_auto_name_both_ways():
    rule, cause = likely_cause(var("net/dense_1/kernel", kind="keras"), "net/dense/kernel")
    assert (rule, cause) == (
        "keras_auto_name",
        "Keras auto-name: the layer is 'dense_1' in the cell and was 'dense' when saved. "
        "Keras numbers unnamed layers per Python session (dense, dense_1, ...); give layers "
        "explicit names, or call keras.backend.clear_session() before building",
    )
    rule, cause = likely_cause(var("net/dense/kernel", kind="keras"), "net/dense_2/kernel")
    assert rule == "keras_auto_name"
    assert "the layer is 'dense' in the cell and was 'dense_2' when saved" in cause
    rule, _ = likely_cause(var("dense_2/kernel", kind="keras"), "dense_1/kernel")
    assert rule == "keras_auto_name"


@pytest.mark.parametrize(
    "record, saved, rule",
    [
        # The variable's own name, not a layer's: a second weight of that name.
        (var("net/dense/kernel_1", kind="keras"), "net/dense/kernel", "suffix"),
        # Graph code (no Keras 3 weight): a scope's number, not Keras'.
        (var("net/dense_1/kernel"), "net/dense/kernel", "suffix"),
        (var("net/dense_1/kernel", kind="eager"), "net/dense/kernel", "suffix"),
        # Two components differ: not one layer renamed.
        (var("net_1/dense_1/kernel", kind="keras"), "net/dense/kernel", ""),
        # Another layer, not another number.
        (var("net/dense_1/kernel", kind="keras"), "net/conv/kernel", ""),
        (var("net/dense1/kernel", kind="keras"), "net/dense/kernel", ""),
    ],
)
def test_the_keras_rule_does_not_fire_where_keras_did_not_number_a_layer(record, saved, rule):
    assert likely_cause(record, saved)[0] == rule


# ---------------------------------------------------------------------------
# _N suffixes


def test_a_variable_asked_for_by_a_taken_name_says_so():
    assert likely_cause(var("v_1", requested="v", creator="Variable"), "v") == (
        "suffix",
        "a _N suffix: the cell asked for 'v' but the name was taken, so it made 'v_1' (the "
        "checkpoint has 'v'): a cell re-run in the same graph, or a second variable of that "
        "name",
    )
    rule, cause = likely_cause(var("enc/v_2", requested="enc/v", creator="Variable"), "enc/v")
    assert "the cell asked for 'v' but the name was taken, so it made 'v_2'" in cause


def test_a_variable_that_asked_for_its_numbered_name_gets_the_general_cause():
    general = (
        "a _N suffix: 'v_1' in the cell, 'v' in the checkpoint: a cell re-run in the same "
        "graph, or a scope opened twice, numbers the later one"
    )
    assert likely_cause(var("v_1", requested="v_1"), "v") == ("suffix", general)
    assert likely_cause(var("v_1", requested=""), "v") == ("suffix", general)
    # The checkpoint's name has the number: the cell got what it asked for.
    rule, cause = likely_cause(var("v", requested="v"), "v_1")
    assert (rule, cause) == (
        "suffix",
        "a _N suffix: 'v' in the cell, 'v_1' in the checkpoint: a cell re-run in the same "
        "graph, or a scope opened twice, numbers the later one",
    )


def test_a_scope_reopened_with_a_number_is_named_with_what_was_asked():
    reopened = (
        "a _N suffix: the scope 'block' was reopened as 'block_1' (the checkpoint has "
        "'block'): a scope opened twice, or a cell re-run in the same graph"
    )
    record = var("block_1/w", ns="block_1", vs="", creator="Variable")
    opened = [scope("name_scope", "block", "block")]
    # The first 'block' alone was not renamed: the general cause.
    assert likely_cause(record, "block/w", opened) == (
        "suffix",
        "a _N suffix: 'block_1' in the cell, 'block' in the checkpoint: a cell re-run in the "
        "same graph, or a scope opened twice, numbers the later one",
    )
    opened.append(scope("name_scope", "block", "block_1"))
    assert likely_cause(record, "block/w", opened) == ("suffix", reopened)
    # Asked for by a path ("outer/block") or with the trailing "/" of a scope name.
    for asked in ("outer/block", "block/"):
        rule, cause = likely_cause(record, "block/w", [scope("name_scope", asked, "block_1")])
        assert cause == reopened, asked
    # Only the trailing "/" is taken off the name asked for.
    box = var("BOX_1/w", ns="BOX_1", vs="", creator="Variable")
    rule, cause = likely_cause(box, "BOX/w", [scope("name_scope", "BOX", "BOX_1")])
    assert "the scope 'BOX' was reopened as 'BOX_1'" in cause
    # variable_scope(None, default_name="block"): no name asked, the default is.
    vs_record = var("block_1/w", ns="block_1", vs="block_1")
    made = [scope("variable_scope", None, "block_1", "block_1", default_name="block")]
    assert likely_cause(vs_record, "block/w", made) == ("suffix", reopened)
    # A variable scope is named by its variable scope, not by the name scope it opened.
    other = [scope("variable_scope", "block", "block_1", "block")]
    assert "reopened" not in likely_cause(vs_record, "block/w", other)[1]
    # A scope with no name asked and no default says nothing.
    nothing = [scope("name_scope", None, "block_1")]
    assert "reopened" not in likely_cause(record, "block/w", nothing)[1]
    # A scope asked for as block_1 that opened as block_1 was not renamed.
    asked_so = [scope("name_scope", "block_1", "block_1")]
    assert "reopened" not in likely_cause(record, "block/w", asked_so)[1]


@pytest.mark.parametrize(
    "record, saved",
    [
        (var("conv2/w"), "conv1/w"),  # digits without "_": other names
        (var("w_a"), "w"),
        (var("enc_1/w"), "dec/w"),  # another stem
        (var("enc_1/w"), "enc_1/w_b"),
        (var("a/b_1/c"), "a/b/d"),  # two components differ
        (var("enc/w_1"), "enc/w/x"),  # another depth
    ],
)
def test_the_suffix_rule_does_not_fire_on_other_names(record, saved):
    assert likely_cause(record, saved)[0] != "suffix"


# ---------------------------------------------------------------------------
# Outer scopes


def test_an_outer_scope_on_either_side_names_what_is_in_front():
    assert likely_cause(var("tower/x"), "x") == (
        "outer_scope",
        "an extra outer scope: the cell's name has 'tower/' in front of the checkpoint's x "
        "(a wrapping model, module or scope)",
    )
    assert likely_cause(var("u", ns="", vs=""), "model/sub/u") == (
        "outer_scope",
        "a missing outer scope: the checkpoint's name has 'model/sub/' in front of u (it was "
        "saved from inside a model, module or scope)",
    )


@pytest.mark.parametrize(
    "record, saved",
    [(var("model/w"), "odel/w"), (var("a/b"), "xa/b"), (var("w"), "aw"), (var("ab"), "b")],
)
def test_the_outer_scope_rule_needs_a_whole_scope_in_front(record, saved):
    assert likely_cause(record, saved) == ("", "")
