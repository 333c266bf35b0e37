"""scopekit.checkpoint.compare on real checkpoints the tests write themselves.

Name-based checkpoints come from tf.compat.v1.train.Saver, object-based ones from
tf.train.Checkpoint; the cells are captured with scopekit.capture. Where the
comparison predicts a failed restore, the test also runs the real restore.
"""

import os

import pytest

from scopekit import capture
from scopekit.checkpoint import VALUE_SUFFIX, compare
from tests.conftest import run


def save_tf1(tf, path, build):
    """Run ``build`` in a fresh graph and save its variables with a TF1 Saver."""
    graph = tf.Graph()
    with graph.as_default():
        build()
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, os.fspath(path))


def restore_tf1(tf, graph, prefix):
    """Restore every variable of ``graph`` from ``prefix``, as TF1 code would."""
    with graph.as_default():
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            saver.restore(session, prefix)


@pytest.fixture
def keras(tf):
    import keras

    keras.backend.clear_session()
    return keras


# ---------------------------------------------------------------------------
# Name-based (tf.compat.v1.train.Saver)


def test_everything_matches_and_the_real_restore_works(tf, tmp_path):
    def build():
        with tf.compat.v1.variable_scope("enc"):
            tf.compat.v1.get_variable("w", shape=[2, 3])
            tf.compat.v1.get_variable("b", shape=[3])

    prefix = save_tf1(tf, tmp_path / "model.ckpt", build)
    with capture() as cap:
        build()
    result = compare(prefix, cap)
    assert result.format == "name-based"
    assert result.ok
    assert [(e.name, e.key, e.shape) for e in result.matched] == [
        ("enc/w", "enc/w", (2, 3)),
        ("enc/b", "enc/b", (3,)),
    ]
    assert not result.missing and not result.unexpected and not result.shape_mismatches
    restore_tf1(tf, cap.graph, prefix)
    assert result.to_text().splitlines()[0] == (
        "Checkpoint model.ckpt (name-based): 2 matched, 0 missing, 0 unexpected, "
        "0 shape mismatches; every variable of the cell has a key"
    )


def test_shape_mismatch_is_reported_though_restore_is_silent(tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.get_variable("kernel", shape=[4, 8]))
    with capture() as cap:
        tf.compat.v1.get_variable("kernel", shape=[4, 16])
    result = compare(prefix, cap)
    assert not result.ok
    (entry,) = result.shape_mismatches
    assert (entry.name, entry.checkpoint_shape, entry.shape, entry.rule) == (
        "kernel",
        (4, 8),
        (4, 16),
        "shape",
    )
    assert "[4, 8] saved, [4, 16] in the cell" in result.to_text()
    # TF2's resource variables do not check shapes on restore: the [4, 16] variable
    # silently ends up holding the saved [4, 8] value. Only the comparison says so.
    with cap.graph.as_default():
        (kernel,) = tf.compat.v1.global_variables()
        with tf.compat.v1.Session() as session:
            tf.compat.v1.train.Saver().restore(session, prefix)
            assert session.run(kernel).shape == (4, 8)


def test_suffix_from_a_rerun_cell(tf, tmp_path):
    """A cell run twice in one graph makes v_1; the checkpoint has v."""
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.Variable(1.0, name="v"))
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.Variable(1.0, name="v")  # the first run of the cell
    with capture(graph) as cap:
        tf.compat.v1.Variable(1.0, name="v")  # the re-run
    result = compare(prefix, cap)
    assert not result.matched  # the capture holds the re-run only
    (missing,) = result.missing
    assert (missing.name, missing.counterpart, missing.rule) == ("v_1", "v", "suffix")
    assert "asked for 'v' but the name was taken, so it made 'v_1'" in missing.cause


def test_suffix_in_the_checkpoint_from_a_training_cell_run_twice(tf, tmp_path):
    """The saving script's cell ran twice, so what it saved was v_1; the port makes v."""
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.Variable(1.0, name="v")
        second_run = tf.compat.v1.Variable(1.0, name="v")
        assert second_run.op.name == "v_1"
        saver = tf.compat.v1.train.Saver(var_list=[second_run])
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            prefix = saver.save(session, os.fspath(tmp_path / "m"))
    with capture() as cap:
        tf.compat.v1.Variable(1.0, name="v")
    result = compare(prefix, cap)
    (missing,) = result.missing
    assert (missing.name, missing.counterpart, missing.rule) == ("v", "v_1", "suffix")
    assert "'v' in the cell, 'v_1' in the checkpoint: a cell re-run" in missing.cause


def test_suffix_from_a_reopened_scope_predicts_key_not_found(tf, tmp_path):
    def saved():
        with tf.compat.v1.name_scope("block"):
            tf.compat.v1.Variable(tf.zeros([3]), name="w")

    prefix = save_tf1(tf, tmp_path / "m", saved)
    with capture() as cap:
        with tf.compat.v1.name_scope("block"):
            pass
        with tf.compat.v1.name_scope("block"):
            tf.compat.v1.Variable(tf.zeros([3]), name="w")
    result = compare(prefix, cap)
    (missing,) = result.missing
    (unexpected,) = result.unexpected
    assert (missing.name, missing.counterpart, missing.rule) == ("block_1/w", "block/w", "suffix")
    assert "the scope 'block' was reopened as 'block_1'" in missing.cause
    assert (unexpected.key, unexpected.counterpart) == ("block/w", "block_1/w")
    assert "probably block_1/w in the cell (a _N suffix" in unexpected.cause
    # The failure the comparison predicts is the one TensorFlow raises.
    with pytest.raises(tf.errors.NotFoundError, match="Key block_1/w not found in checkpoint"):
        restore_tf1(tf, cap.graph, prefix)


def test_name_scope_that_get_variable_ignored(tf, tmp_path):
    def saved():
        with tf.compat.v1.name_scope("layer"):
            tf.compat.v1.Variable(tf.zeros([2]), name="w")

    prefix = save_tf1(tf, tmp_path / "m", saved)
    with capture() as cap:
        with tf.compat.v1.name_scope("layer"):
            tf.compat.v1.get_variable("w", shape=[2])
    result = compare(prefix, cap)
    (missing,) = result.missing
    assert (missing.name, missing.counterpart, missing.rule) == (
        "w",
        "layer/w",
        "ignored_name_scope",
    )
    assert "get_variable ignored the name scope 'layer'" in missing.cause
    assert result.unexpected[0].rule == "ignored_name_scope"


def test_tf_variable_follows_the_name_scope_not_the_variable_scope(tf, tmp_path):
    def saved():
        with tf.compat.v1.variable_scope("vs"):
            tf.compat.v1.get_variable("w", shape=[2])

    prefix = save_tf1(tf, tmp_path / "m", saved)
    with capture() as cap:
        with tf.compat.v1.variable_scope("vs"):
            pass
        with tf.compat.v1.variable_scope("vs"):  # its name scope is vs_1
            tf.compat.v1.Variable(tf.zeros([2]), name="w")
    result = compare(prefix, cap)
    (missing,) = result.missing
    assert (missing.name, missing.counterpart, missing.rule) == (
        "vs_1/w",
        "vs/w",
        "ignored_name_scope",
    )
    assert "tf.Variable follows the name scope 'vs_1', not the variable scope 'vs'" in missing.cause


def test_outer_scope_both_ways_and_unexplained_names(tf, tmp_path):
    def saved():
        tf.compat.v1.get_variable("w", shape=[2])
        with tf.compat.v1.variable_scope("model"):
            tf.compat.v1.get_variable("b", shape=[2])
        tf.compat.v1.get_variable("zzz_unrelated", shape=[5])

    prefix = save_tf1(tf, tmp_path / "m", saved)
    with capture() as cap:
        with tf.compat.v1.variable_scope("model"):
            tf.compat.v1.get_variable("w", shape=[2])
        tf.compat.v1.get_variable("b", shape=[2])
        tf.compat.v1.get_variable("other", shape=[7])
    result = compare(prefix, cap)
    missing = {e.name: e for e in result.missing}
    assert missing["model/w"].counterpart == "w" and missing["model/w"].rule == "outer_scope"
    assert "an extra outer scope" in missing["model/w"].cause
    assert missing["b"].counterpart == "model/b" and missing["b"].rule == "outer_scope"
    assert "a missing outer scope" in missing["b"].cause
    assert (missing["other"].rule, missing["other"].cause) == ("", "")
    unexpected = {e.key: e for e in result.unexpected}
    assert (unexpected["zzz_unrelated"].rule, unexpected["zzz_unrelated"].cause) == ("", "")
    assert unexpected["zzz_unrelated"].checkpoint_shape == (5,)


# ---------------------------------------------------------------------------
# Object-based (tf.train.Checkpoint) and Keras 3


def test_object_based_keras_checkpoint_matches_by_saved_name(tf, keras, tmp_path):
    def build():
        return keras.Sequential(
            [
                keras.Input((2,)),
                keras.layers.Dense(3, name="hidden"),
                keras.layers.Dense(1, name="out"),
            ],
            name="net",
        )

    saved_model = build()
    prefix = tf.train.Checkpoint(model=saved_model).write(os.fspath(tmp_path / "ckpt"))
    with capture(eager=True) as cap:
        model = build()
    result = compare(prefix, cap)
    assert result.format == "object-based"
    assert result.ok and not result.unexpected
    assert [e.name for e in result.matched] == [w.path for w in model.weights]
    assert all(e.key.startswith("model/") and e.key.endswith(VALUE_SUFFIX) for e in result.matched)
    keys = {k for k, _ in tf.train.list_variables(prefix)}
    assert {e.key for e in result.matched} <= keys
    assert "(saved from net/hidden/kernel)" in result.to_html()
    # And TF agrees the model restores.
    tf.train.Checkpoint(model=model).read(prefix).assert_existing_objects_matched()


def test_keras_auto_name_mismatch(tf, keras, tmp_path):
    def build():
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)], name="net")

    saved_model = build()
    assert saved_model.layers[0].name == "dense"
    prefix = tf.train.Checkpoint(model=saved_model).write(os.fspath(tmp_path / "ckpt"))
    with capture(eager=True) as cap:
        build()  # the same code again in the same session: the layer is dense_1
    result = compare(prefix, cap)
    missing = {e.name: e for e in result.missing}
    assert set(missing) == {"net/dense_1/kernel", "net/dense_1/bias"}
    kernel = missing["net/dense_1/kernel"]
    assert (kernel.counterpart, kernel.rule) == ("net/dense/kernel", "keras_auto_name")
    assert "Keras auto-name: the layer is 'dense_1' in the cell and was 'dense'" in kernel.cause
    assert "keras.backend.clear_session()" in kernel.cause
    assert {e.saved_name for e in result.unexpected} == {"net/dense/kernel", "net/dense/bias"}
    assert all(e.rule == "keras_auto_name" for e in result.unexpected)
    assert "/.ATTRIBUTES/VARIABLE_VALUE (saved from net/dense/kernel)" in result.to_text()


def test_tf1_checkpoint_against_keras3_code(tf, keras, tmp_path):
    """Migration: a TF1 dense layer's keys are the names a Keras 3 layer gets eagerly."""

    def saved():
        with tf.compat.v1.variable_scope("dense"):
            tf.compat.v1.get_variable("kernel", shape=[2, 3])
            tf.compat.v1.get_variable("bias", shape=[3])

    prefix = save_tf1(tf, tmp_path / "tf1.ckpt", saved)
    with capture(eager=True) as cap:
        layer = keras.layers.Dense(3, name="dense")
        layer.build((None, 2))
    result = compare(prefix, cap)
    assert result.ok and {e.name for e in result.matched} == {"dense/kernel", "dense/bias"}


def test_directory_and_save_counter(tf, tmp_path):
    with capture(eager=True) as cap:
        v = tf.Variable([1.0, 2.0], name="v")
    manager_dir = tmp_path / "run"
    tf.train.Checkpoint(v=v).save(os.fspath(manager_dir / "ckpt"))
    result = compare(manager_dir, cap)
    assert result.checkpoint == "ckpt-1"
    assert [e.name for e in result.matched] == ["v"]
    assert [e.saved_name for e in result.unexpected] == ["save_counter"]


def test_reachable_from_the_package():
    import scopekit

    assert scopekit.checkpoint.compare is compare


def test_bad_paths_say_what_to_pass(tf, tmp_path):
    with capture(eager=True) as cap:
        pass
    with pytest.raises(FileNotFoundError, match="Pass the prefix that Saver.save"):
        compare(tmp_path / "nothing-here", cap)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match="checkpoints found: none") as info:
        compare(empty, cap)
    assert os.fspath(tmp_path) not in str(info.value)
    with pytest.raises(TypeError, match="takes a scopekit Capture"):
        compare(empty, "not a capture")


# ---------------------------------------------------------------------------
# %%scopes --against


def test_magic_against_shows_the_comparison(shell, shown, tf, tmp_path):
    prefix = save_tf1(tf, tmp_path / "m", lambda: tf.compat.v1.Variable(1.0, name="v"))
    shell.user_ns["ckpt"] = prefix
    result = run(shell, "%%scopes --against {ckpt}\nw = tf.compat.v1.Variable(1.0, name='w')\n")
    assert result.success
    capture_out, comparison_out = shown
    assert "scopekit:" in capture_out["data"]["text/plain"]
    text = comparison_out["data"]["text/plain"]
    assert text.startswith("Checkpoint m (name-based): 0 matched, 1 missing, 1 unexpected")
    assert "<table>" in comparison_out["data"]["text/html"]
    assert os.fspath(tmp_path) not in text + comparison_out["data"]["text/html"]


def test_magic_against_a_missing_checkpoint_runs_nothing(shell, shown, tmp_path):
    shell.user_ns["ckpt"] = os.fspath(tmp_path / "absent")
    result = run(shell, "%%scopes --against {ckpt}\nran_anyway = True\n")
    assert not result.success
    assert "--against: No checkpoint at 'absent'" in str(result.error_in_exec)
    assert "ran_anyway" not in shell.user_ns
    assert not shown


# ---------------------------------------------------------------------------
# Pairing rules: each key at most once, each rule with a case where it must not fire
# (issue 20). Records are hand-made: the rules read names and scopes only.


def record(name, name_scope="", variable_scope=None, creator="get_variable", kind="", requested=""):
    from scopekit.records import VariableRecord

    if variable_scope is None:
        variable_scope = name.rpartition("/")[0]
    return VariableRecord(
        name, requested or name.rpartition("/")[2], creator, False, name_scope, variable_scope,
        "variable_scope", (2,), "float32", 0, kind,
    )


def test_one_unexpected_key_is_paired_with_one_missing_variable_at_most(tf, tmp_path):
    def saved():
        tf.compat.v1.Variable(tf.zeros([2]), name="block/w")

    prefix = save_tf1(tf, tmp_path / "m", saved)
    with capture() as cap:
        for _ in range(3):  # block, block_1, block_2: the first matches
            with tf.compat.v1.name_scope("block"):
                tf.compat.v1.Variable(tf.zeros([2]), name="w")
    result = compare(prefix, cap)
    assert [e.name for e in result.matched] == ["block/w"]
    assert [e.name for e in result.missing] == ["block_1/w", "block_2/w"]
    assert all(e.counterpart == "" for e in result.missing)  # block/w is taken

    prefix = save_tf1(tf, tmp_path / "n", lambda: tf.compat.v1.Variable(tf.zeros([2]), name="v"))
    with capture() as cap:
        tf.compat.v1.Variable(tf.zeros([2]), name="v_1")
        tf.compat.v1.Variable(tf.zeros([2]), name="v_2")
    result = compare(prefix, cap)
    assert [e.counterpart for e in result.missing] == ["v", ""]
    (unexpected,) = result.unexpected
    assert unexpected.counterpart == "v_1"


@pytest.mark.parametrize(
    "var, saved, rule",
    [
        # ignored_name_scope: not when there is no name scope, nor for another scope's name
        (record("w", name_scope="", variable_scope=""), "layer/w", "outer_scope"),
        (record("w", name_scope="layer", variable_scope=""), "other/w", "outer_scope"),
        # keras_auto_name: never for the variable's own name (kernel_1 vs kernel), never
        # for a layer of graph code, never for names that are not one _N apart
        (record("net/dense/kernel_1", kind="keras"), "net/dense/kernel", "suffix"),
        (record("net/dense_1/kernel"), "net/dense/kernel", "suffix"),
        (record("net/dense_1/kernel", kind="keras"), "net/conv/kernel", ""),
        (record("net/dense_1/kernel", kind="keras"), "other/dense/kernel", ""),
        # suffix: digits without an underscore, or a different stem, are other names
        (record("conv2/w"), "conv1/w", ""),
        (record("w_a"), "w", ""),
        (record("enc_1/w"), "dec/w", ""),
        # outer_scope: only at a "/" boundary
        (record("model/w"), "odel/w", ""),
        (record("a/b"), "xa/b", ""),
    ],
)
def test_each_rule_fires_only_where_it_explains(var, saved, rule):
    from scopekit.checkpoint import likely_cause

    assert likely_cause(var, saved)[0] == rule


def reference_pairing(missing_vars, leftovers):
    """The oracle: every missing name tried against every key in key order (quadratic)."""
    from scopekit.checkpoint import likely_cause

    paired, out = set(), []
    for var in missing_vars:
        chosen = ("", "")
        for key in leftovers:
            if key.key not in paired:
                rule, cause = likely_cause(var, key.saved_name)
                if rule:
                    paired.add(key.key)
                    chosen = (key.saved_name, rule)
                    break
        out.append((var.name, *chosen))
    return out


def test_indexed_pairing_gives_the_quadratic_pairings_answers():
    """compare's indexes find exactly the pairs the rule-by-rule scan finds."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scopekit.checkpoint.compare import Comparison, _explain_mismatches
    from scopekit.checkpoint.reading import CheckpointKey

    part = st.sampled_from(["a", "a_1", "a_2", "b", "b_1", "dense", "dense_3", "w", "kernel"])
    names = st.lists(part, min_size=1, max_size=4).map("/".join)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(names, max_size=8, unique=True), st.lists(names, max_size=10, unique=True),
           st.booleans())
    def check(var_names, key_names, keras):
        variables = [record(n, name_scope=n.rpartition("/")[0][:1], kind="keras" if keras else "")
                     for n in var_names]
        keys = sorted(CheckpointKey(k, k, (2,)) for k in key_names)
        made = Comparison("x", "name-based")
        _explain_mismatches(made, variables, keys, ())
        assert [(e.name, e.counterpart, e.rule) for e in made.missing] == reference_pairing(
            variables, keys
        )
        taken = [e.counterpart for e in made.missing if e.counterpart]
        assert len(taken) == len(set(taken))

    check()


def test_comparison_views_escape_and_bound_what_users_control():
    from scopekit.checkpoint import Comparison, Entry

    hostile = "k<img src=x onerror=alert(1)>\u202e\nz"
    entries = [Entry(name=f"{hostile}{i}", shape=(2,), rule="suffix", cause=f"cause {hostile}")
               for i in range(200)]
    made = Comparison(checkpoint=hostile, format="name-based", missing=entries,
                      unexpected=[Entry(key=hostile, saved_name=hostile, cause=hostile)])
    html, text = made.to_html(), made.to_text()
    assert "<img" not in html and html.count("&lt;img") >= 3  # name, key and cause columns
    assert "\u202e" not in text and not any(line.startswith("z") for line in text.splitlines())
    assert "Likely causes, by how many variables they explain:" in text
    assert "200  a _N suffix" in text
    assert "... 175 more (all of them are in .missing)" in text
    assert len(text) < 15_000 and len(html) < 25_000
