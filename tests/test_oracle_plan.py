"""scopekit.checkpoint.plan and Plan.apply on checkpoints the test writes itself.

Each checkpoint is written with ``tf.raw_ops.SaveV2`` (distinct values per key, no
.meta file) and the target is a list of eager ``tf.Variable`` objects, so the test
knows which key each variable is meant to load; after ``apply()`` every variable is
compared with the tensor ``tf.train.load_checkpoint`` reads for that key, and a
refused load must leave every value as it was. Graph targets are loaded in a TF1
Session with its own threads (the shared ones hang in mutmut's forked workers). No
Keras model: fast enough to run for every mutant of ``plan.py``.
"""

import os
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import numpy as np
import pytest

from scopekit.checkpoint import PlanError, plan
from scopekit.records import Capture, VariableRecord

SAVED = {
    "enc/kernel": [4, 3],
    "enc/bias": [3],
    "tower_0/head/kernel": [3, 2],  # head/kernel, saved inside tower_0
    "left/w": [6],  # left/w and right/w: nothing says which x/w was
    "right/w": [6],
    "solo/bias": [7],  # the only [7] bias: b/bias's by shape
    "unused/k": [8],
    "enc/kernel/Adam": [4, 3],
    "global_step": [],
}


@pytest.fixture(scope="session")
def write(tf, tmp_path_factory):
    """write(name, {key: shape}, dtype): a name-based checkpoint of distinct values."""
    folder = tmp_path_factory.mktemp("plan")

    def save(name, keys, dtype="float32"):
        prefix = os.fspath(folder / name)
        if not os.path.exists(prefix + ".index"):
            tensors = [tf.cast(tf.fill(shape, float(i + 1)), dtype)
                       for i, shape in enumerate(keys.values())]
            tf.raw_ops.SaveV2(prefix=prefix, tensor_names=list(keys),
                              shape_and_slices=[""] * len(keys), tensors=tensors)
        return prefix

    return save


def variables(tf, spec, dtype=np.float32):
    return {name: tf.Variable(np.zeros(shape, dtype), name=name) for name, shape in spec.items()}


PORT = {
    "enc/kernel": (4, 3),
    "enc/bias": (3,),
    "head/kernel": (3, 2),
    "x/w": (6,),
    "lost/gamma": (9,),
    "b/bias": (7,),
}


@pytest.fixture
def port(tf):
    made = variables(tf, PORT)
    made["global_step"] = tf.Variable(0, name="global_step")  # a counter: left out
    return made


def saved(tf, prefix, key):
    return tf.train.load_checkpoint(prefix).get_tensor(key)


def assert_loaded(tf, prefix, made, expected):
    for name, key in expected.items():
        np.testing.assert_array_equal(made[name].numpy(), saved(tf, prefix, key), err_msg=name)


# ---------------------------------------------------------------------------
# What the plan says


def test_the_plan_lists_every_variable_with_its_key_and_what_is_left(write, port):
    made = plan(write("m", SAVED), list(port.values()))
    assert (made.checkpoint, made.format, made.ok) == ("m", "name-based", False)
    rows = {p.variable: (p.key, p.confidence) for p in made.pairs}
    assert rows == {
        "enc/kernel": ("enc/kernel", "exact"),
        "enc/bias": ("enc/bias", "exact"),
        "head/kernel": ("tower_0/head/kernel", "rule"),
        "x/w": (None, "ambiguous"),
        "lost/gamma": (None, "no key"),
        "b/bias": ("solo/bias", "shape+order"),
    }
    assert [p.variable for p in made.ambiguous] == ["x/w"]
    assert made.mapping() == {
        "enc/kernel": "enc/kernel", "enc/bias": "enc/bias",
        "tower_0/head/kernel": "head/kernel", "solo/bias": "b/bias",
    }
    assert made.counts() == {"exact": 2, "rule": 1, "shape+order": 1, "override": 0,
                             "ambiguous": 1, "no key": 1}
    assert [k.key for k in made.unused] == ["left/w", "right/w", "unused/k"]
    assert [k.key for k in made.optimizer_state] == ["enc/kernel/Adam"]
    assert [k.key for k in made.counters] == ["global_step"]
    assert made.skipped == ["global_step"]
    assert made.summary() == (
        "6 variables: 2 exact, 1 rule, 1 shape+order, 1 ambiguous, 1 no key; 3 keys unused, "
        "1 optimizer-state and 1 counter keys listed apart"
    )
    assert made.rule_groups() == [
        ("exact: the same name", 2),
        ("ambiguous: names say nothing: the only unused key of this shape and role", 1),
        ("no key", 1),
        ("rule: an extra or missing outer scope", 1),
        ("shape+order: names say nothing: layers with the same shapes and roles, in "
         "creation order", 1),
    ]
    assert repr(made) == f"<scopekit.checkpoint.Plan m: {made.summary()}>"


def test_the_text_view_puts_the_rows_needing_a_decision_first(write, port):
    made = plan(write("m", SAVED), list(port.values()))
    lines = made.to_text().splitlines()
    assert lines[:3] == [
        f"Plan for checkpoint m (name-based): {made.summary()}",
        "Not ready: 2 variable(s) need a decision (apply refuses until overrides={variable: "
        "key} settles them, or skip_unpaired=True for those without a key).",
        "",
    ]
    assert lines[3:5] == ["Pairs by rule:", "  2  exact: the same name"]
    at = lines.index("Needs a decision (2)")
    assert lines[at:at + 6] == [
        "Needs a decision (2)",
        "  x/w  [6]  [ambiguous]",
        "      candidates: 'left/w', 'right/w'",
        "      2 unused keys have this shape and role, and 0 other variable(s) of this shape "
        "are unpaired; names say nothing and creation order did not decide",
        "  lost/gamma  [9]  [no key]",
        "      no key: no name rule applies and no unused key has this shape",
    ]
    at = lines.index("Pairs (4)")
    assert lines[at + 1:at + 3] == ["  enc/kernel <- enc/kernel  [4, 3]  [exact]",
                                    "      the same name"]
    assert "  head/kernel <- tower_0/head/kernel  [3, 2]  [rule]" in lines
    at = lines.index("Unused keys (3)")
    assert lines[at + 1:at + 4] == ["  left/w  [6]", "  right/w  [6]", "  unused/k  [8]"]
    at = lines.index(
        "Listed apart: optimizer state and counters (never paired with weights) (2)"
    )
    assert lines[at + 1:at + 3] == ["  enc/kernel/Adam  (optimizer)", "  global_step  (counter)"]
    at = lines.index("Target variables left out (optimizer state or counters) (1)")
    assert lines[at + 1:] == ["  global_step"]
    assert made._repr_mimebundle_() == {"text/plain": made.to_text(), "text/html": made.to_html()}


def test_a_plan_without_skipped_variables_has_no_such_section(tf, write):
    made = plan(write("m", SAVED), list(variables(tf, {"enc/kernel": (4, 3)}).values()))
    assert made.ok and made.skipped == []
    assert lines_titled(made.to_text()) == [
        f"Plan for checkpoint m (name-based): {made.summary()}",
        "Ready to apply.",
        "Pairs by rule:",
        "Pairs (1)",
        "Unused keys (6)",
        "Listed apart: optimizer state and counters (never paired with weights) (2)",
    ]
    assert made.summary() == (
        "1 variables: 1 exact; 6 keys unused, 1 optimizer-state and 1 counter keys listed apart"
    )
    assert "<p>Ready to apply.</p>" in made.to_html()
    assert "left out" not in made.to_html()


def lines_titled(text):
    return [line for line in text.splitlines() if line and not line.startswith(" ")]


class _Tables(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.headings, self.tables, self.paragraphs = [], [], []
        self._text = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th", "h4", "p"):
            self._text = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self._text)
        elif tag == "h4":
            self.headings.append(self._text)
        elif tag == "p":
            self.paragraphs.append(self._text)

    def handle_data(self, data):
        if self._text is not None:
            self._text += data


def test_the_html_view_has_the_same_parts_as_the_text(write, port):
    made = plan(write("m", SAVED), list(port.values()))
    html = made.to_html()
    assert html.startswith("<div class='scopekit-checkpoint-plan'><p><b>Plan</b> for checkpoint")
    assert html.endswith("</table></div>")
    read = _Tables(html)
    assert read.paragraphs[:3] == [
        f"Plan for checkpoint m (name-based): {made.summary()}",
        "Not ready: 2 variable(s) need a decision (apply refuses until overrides={variable: "
        "key} settles them, or skip_unpaired=True for those without a key).",
        "Pairs by rule:",
    ]
    assert read.headings == [
        "Needs a decision (2)",
        "Pairs (4)",
        "Unused keys (3)",
        "Listed apart: optimizer state and counters (never paired with weights) (2)",
        "Target variables left out (optimizer state or counters) (1)",
    ]
    undecided, pairs, unused, apart, left_out = read.tables
    header = ["variable", "checkpoint key", "shape", "confidence", "why"]
    assert undecided[0] == header and pairs[0] == header
    assert [row[:4] for row in undecided[1:]] == [
        ["x/w", "one of 'left/w', 'right/w'", "[6]", "ambiguous"],
        ["lost/gamma", "-", "[9]", "no key"],
    ]
    assert pairs[1] == ["enc/kernel", "enc/kernel", "[4, 3]", "exact", "the same name"]
    assert unused == [["checkpoint key", "shape"], ["left/w", "[6]"], ["right/w", "[6]"],
                      ["unused/k", "[8]"]]
    assert apart == [["checkpoint key", "holds"], ["enc/kernel/Adam", "optimizer"],
                     ["global_step", "counter"]]
    assert left_out == [["variable"], ["global_step"]]


def test_to_code_prints_the_mapping_and_what_it_leaves_out(write, port):
    made = plan(write("m", SAVED), list(port.values()))
    assert made.to_code() == "\n".join([
        "# checkpoint key -> variable name (made by scopekit.checkpoint.plan)",
        "assignment_map = {",
        "    'enc/kernel': 'enc/kernel',  # exact",
        "    'enc/bias': 'enc/bias',  # exact",
        "    'tower_0/head/kernel': 'head/kernel',  # rule",
        "    'solo/bias': 'b/bias',  # shape+order",
        "}",
        "# 'x/w': ambiguous, one of 'left/w', 'right/w'",
        "# 'lost/gamma': no key in the checkpoint",
        "# TF1 graph code: run before global_variables_initializer.",
        "tf.compat.v1.train.init_from_checkpoint('m', assignment_map)",
    ])
    assert made.to_code(checkpoint="runs/model.ckpt").endswith(
        "init_from_checkpoint('runs/model.ckpt', assignment_map)"
    )
    code = made.to_code()
    mapping = eval(code[code.index("{"):code.index("}") + 1])  # the printed dict literal
    assert mapping == made.mapping()


# ---------------------------------------------------------------------------
# apply: all or nothing


def test_apply_refuses_rows_without_a_decision_and_loads_nothing(write, port):
    made = plan(write("m", SAVED), list(port.values()))
    with pytest.raises(PlanError) as info:
        made.apply()
    assert str(info.value) == (
        "Nothing was loaded: 2 variable(s) cannot be loaded as the plan stands:\n"
        "  x/w: ambiguous between 'left/w', 'right/w'; choose with overrides={'x/w': <key>}\n"
        "  lost/gamma: no key (pass skip_unpaired=True to keep it)"
    )
    with pytest.raises(PlanError, match="x/w: ambiguous") as info:
        made.apply(skip_unpaired=True)
    assert "lost/gamma" not in str(info.value)
    assert all(not v.numpy().any() for v in port.values())


def test_a_row_ambiguous_among_four_keys_names_three_and_counts_the_fourth(tf, write):
    prefix = write("four", {"a/w": [6], "b/w": [6], "c/w": [6], "d/w": [6]})
    made = plan(prefix, list(variables(tf, {"x/w": (6,)}).values()))
    with pytest.raises(PlanError) as info:
        made.apply()
    assert str(info.value).endswith(
        "x/w: ambiguous between 'a/w', 'b/w', 'c/w' and 1 more; choose with "
        "overrides={'x/w': <key>}"
    )
    assert "      candidates: 'a/w', 'b/w', 'c/w' and 1 more" in made.to_text().splitlines()
    assert _Tables(made.to_html()).tables[0][1][1] == "one of 'a/w', 'b/w', 'c/w' and 1 more"
    assert "# 'x/w': ambiguous, one of 'a/w', 'b/w', 'c/w', 'd/w'" in made.to_code()


def test_overrides_decide_and_apply_loads_every_value_from_its_key(tf, write, port):
    prefix = write("m", SAVED)
    made = plan(prefix, list(port.values()))
    decided = made.with_overrides({"x/w": "right/w"})
    (row,) = [p for p in decided.pairs if p.variable == "x/w"]
    assert (row.key, row.confidence, row.rule, row.why) == (
        "right/w", "override", "override", "chosen by the user (overrides)"
    )
    assert [k.key for k in decided.unused] == ["left/w", "unused/k"]
    assert [k.key for k in made.unused] == ["left/w", "right/w", "unused/k"]  # unchanged
    loaded = made.apply(overrides={port["x/w"].ref(): "right/w"}, skip_unpaired=True)
    expected = {
        "enc/kernel": "enc/kernel", "enc/bias": "enc/bias", "head/kernel": "tower_0/head/kernel",
        "x/w": "right/w", "b/bias": "solo/bias",
    }
    assert loaded == expected
    assert_loaded(tf, prefix, port, expected)
    assert not port["lost/gamma"].numpy().any()  # no key: kept its value
    assert port["global_step"].numpy() == 0  # a counter of the target: left alone


class Named:
    """A hashable stand-in for a Keras 3 weight (``path``) or another named variable."""

    def __init__(self, **names):
        self.__dict__.update(names)


def test_overrides_by_variable_reference_name_keras_path_or_output_name(tf, write):
    prefix = write("m", SAVED)
    made = variables(tf, {"x/w": (6,), "y/w": (6,)})
    keras_like = Named(path="x/w")
    for chosen in ({made["x/w"].ref(): "left/w"}, {"x/w": "left/w"}, {keras_like: "left/w"}):
        decided = plan(prefix, list(made.values()), overrides=chosen)
        assert {p.variable: p.key for p in decided.pairs}["x/w"] == "left/w", chosen
    # A target that is not a plain name, variable reference or Keras weight: its .name.
    named = Named(name="y/w:0")
    decided = plan(prefix, list(made.values()), overrides={named: "right/w"})
    assert {p.variable: p.key for p in decided.pairs}["y/w"] == "right/w"


def test_overrides_that_cannot_be_are_refused_with_what_to_give(tf, write, port):
    made = plan(write("m", SAVED), list(port.values()))
    with pytest.raises(PlanError) as info:
        made.with_overrides({"nope": "left/w"})
    assert str(info.value) == "overrides: 'nope' is not a variable of the target."
    with pytest.raises(PlanError) as info:
        made.with_overrides({3: "left/w"})  # not a name, not a variable: said as given
    assert str(info.value) == "overrides: 3 is not a variable of the target."
    with pytest.raises(PlanError, match="'global_step' is not a variable"):
        made.with_overrides({"global_step": "global_step"})  # a counter: not planned
    with pytest.raises(PlanError) as info:
        made.with_overrides({"x/w": "zz"})
    assert str(info.value) == (
        "overrides: the checkpoint has no key 'zz' (give a key from tf.train.list_variables "
        "or a saved name from the plan)."
    )
    with pytest.raises(PlanError) as info:
        made.with_overrides({"x/w": "solo/bias"})  # b/bias has it already
    assert str(info.value) == (
        "overrides: the key 'solo/bias' would load into two variables; each key goes to "
        "one variable."
    )
    with pytest.raises(PlanError, match="'left/w' would load into two"):
        made.with_overrides({"x/w": "left/w", "lost/gamma": "left/w"})


def test_a_shape_problem_is_refused_even_with_skip_unpaired(tf, write):
    prefix = write("m", SAVED)
    made = variables(tf, {"enc/kernel": (4, 5), "enc/bias": (3,)})
    result = plan(prefix, list(made.values()))
    (row,) = [p for p in result.pairs if p.problem]
    assert (row.variable, row.key) == ("enc/kernel", "enc/kernel")
    assert result.summary().startswith("2 variables: 2 exact, 1 with a problem;")
    assert result.mapping() == {"enc/bias": "enc/bias"}
    lines = result.to_text().splitlines()
    assert "Not ready: 1 variable(s) need a decision" in lines[1]
    at = lines.index("Needs a decision (1)")
    assert lines[at + 1:at + 3] == [
        "  enc/kernel <- enc/kernel  [exact]",
        "      problem: shape [4, 3] saved, [4, 5] here (a layer or input size changed)",
    ]
    cells = _Tables(result.to_html()).tables[0][1]
    assert cells == ["enc/kernel", "enc/kernel", "[4, 5]", "exact",
                     "the same name Problem: shape [4, 3] saved, [4, 5] here (a layer or "
                     "input size changed)"]
    assert "# 'enc/kernel': shape [4, 3] saved, [4, 5] here" in result.to_code()
    with pytest.raises(PlanError) as info:
        result.apply(skip_unpaired=True)
    assert str(info.value) == (
        "Nothing was loaded: 1 variable(s) cannot be loaded as the plan stands:\n"
        "  enc/kernel: shape [4, 3] saved, [4, 5] here (a layer or input size changed)"
    )
    assert not made["enc/bias"].numpy().any()


@pytest.mark.parametrize("count, more", [(10, ""), (11, "\n  ... 1 more")])
def test_ten_refusals_are_all_shown_and_an_eleventh_is_counted(tf, write, count, more):
    made = variables(tf, {f"gone_{i:02d}/w": (11,) for i in range(count)})
    with pytest.raises(PlanError) as info:
        plan(write("m", SAVED), list(made.values())).apply()
    assert str(info.value).endswith(
        "\n  gone_09/w: no key (pass skip_unpaired=True to keep it)" + more
    )
    doubles = write(f"doubles_{count}", {f"d{i:02d}": [2] for i in range(count)}, "float64")
    made = variables(tf, {f"d{i:02d}": (2,) for i in range(count)})
    with pytest.raises(PlanError) as info:
        plan(doubles, list(made.values())).apply()
    message = str(info.value)
    assert message.count("dtype float64 saved, float32 here") == 10
    assert message.endswith("d09: dtype float64 saved, float32 here (pass cast=True to convert)"
                            + more)


def test_many_refusals_show_ten_and_count_the_rest(tf, write):
    made = variables(tf, {f"gone_{i:02d}/w": (11,) for i in range(12)})
    result = plan(write("m", SAVED), list(made.values()))
    with pytest.raises(PlanError) as info:
        result.apply()
    message = str(info.value)
    assert message.startswith("Nothing was loaded: 12 variable(s) cannot be loaded")
    assert message.count("no key (pass skip_unpaired=True") == 10
    assert message.endswith("\n  gone_09/w: no key (pass skip_unpaired=True to keep it)\n"
                            "  ... 2 more")
    with pytest.raises(PlanError) as info:
        result.apply(skip_unpaired=True)
    assert str(info.value) == "Nothing was loaded: no row of the plan has a key."


def test_dtypes_are_cast_only_when_asked(tf, write):
    prefix = write("doubles", {"w": [2, 2], "b": [2]}, dtype="float64")
    made = variables(tf, {"w": (2, 2), "b": (2,)})
    result = plan(prefix, list(made.values()))
    with pytest.raises(PlanError) as info:
        result.apply()
    assert str(info.value) == (
        "Nothing was loaded:\n"
        "  w: dtype float64 saved, float32 here (pass cast=True to convert)\n"
        "  b: dtype float64 saved, float32 here (pass cast=True to convert)"
    )
    assert not made["w"].numpy().any()
    assert result.apply(cast=True) == {"w": "w", "b": "b"}
    for name in ("w", "b"):
        np.testing.assert_array_equal(made[name].numpy(),
                                      saved(tf, prefix, name).astype(np.float32))


def test_a_failed_assignment_puts_back_what_was_already_loaded(tf, write):
    class ReadOnly:
        """A variable that refuses to be assigned (as a frozen or mirrored one can)."""

        name, shape, dtype = "b:0", (3,), tf.float32

        def numpy(self):
            return np.zeros(3, np.float32)

        def assign(self, value):
            raise ValueError("read-only")

    kernel = tf.Variable(np.full((4, 3), 5.0, np.float32), name="kernel")
    scale = tf.Variable(np.full(2, 7.0, np.float32), name="scale")
    prefix = write("ksb", {"kernel": [4, 3], "scale": [2], "b": [3]})
    result = plan(prefix, [kernel, scale, ReadOnly()])
    with pytest.raises(PlanError) as info:
        result.apply()
    assert str(info.value) == "Nothing was loaded: assigning b failed (read-only)."
    np.testing.assert_array_equal(kernel.numpy(), np.full((4, 3), 5.0))
    np.testing.assert_array_equal(scale.numpy(), np.full(2, 7.0))


def test_an_eager_capture_plans_by_name_but_has_nothing_to_load_into(write):
    cap = Capture(graph=None, graph_mode="eager")
    cap.replace_records(variables=[
        VariableRecord("enc/kernel", "kernel", "Variable", False, "enc", "enc", "both",
                       (4, 3), "float32", 0, "eager"),
        VariableRecord("enc/kernel", "kernel", "Variable", True, "enc", "enc", "both",
                       (4, 3), "float32", 0, "eager"),  # the same variable again
    ])
    result = plan(write("m", SAVED), cap)
    assert [(p.variable, p.key) for p in result.pairs] == [("enc/kernel", "enc/kernel")]
    with pytest.raises(PlanError) as info:
        result.apply()
    assert str(info.value) == (
        "Nothing was loaded: 1 variable(s) cannot be loaded as the plan stands:\n"
        "  enc/kernel: the target holds only its name (an eager capture); plan against the "
        "model, module or variables to load"
    )


def test_a_target_of_counters_only_is_refused(tf, write):
    with pytest.raises(PlanError) as info:
        plan(write("m", SAVED), [tf.Variable(0, name="global_step")])
    assert str(info.value) == (
        "Every variable of the target is optimizer state or a counter; there are no model "
        "weights to pair."
    )


# ---------------------------------------------------------------------------
# Graph targets


def graph_variable(tf, name, shape, dtype=np.float32):
    graph = tf.Graph()
    with graph.as_default():
        return tf.compat.v1.Variable(np.zeros(shape, dtype), name=name)


def test_variables_of_several_graphs_or_eager_ones_are_refused(tf, write):
    prefix = write("kb", {"kernel": [4, 3], "b": [3]})
    first, second = graph_variable(tf, "kernel", (4, 3)), graph_variable(tf, "b", (3,))
    message = ("Nothing was loaded: the target's variables live in several graphs (or some "
               "are eager); plan one graph at a time.")
    with pytest.raises(PlanError) as info:
        plan(prefix, [first, second]).apply()
    assert str(info.value) == message
    eager = tf.Variable(np.zeros(3, np.float32), name="b")
    with pytest.raises(PlanError) as info:
        plan(prefix, [first, eager]).apply()
    assert str(info.value) == message


def test_a_graph_target_needs_a_session_to_cast_and_the_session_of_its_graph(tf, write):
    prefix = write("doubles", {"w": [2, 2], "b": [2]}, dtype="float64")
    w = graph_variable(tf, "w", (2, 2))
    with pytest.raises(PlanError) as info:
        plan(prefix, [w]).apply(cast=True)
    assert str(info.value) == (
        "cast=True needs a session for a graph target (init_from_checkpoint cannot convert "
        "dtypes): pass session=..."
    )
    elsewhere = SimpleNamespace(graph=tf.Graph())
    with pytest.raises(PlanError) as info:
        plan(prefix, [w]).apply(session=elsewhere, cast=True)
    assert str(info.value) == (
        "The session runs another graph than the target's variables live in."
    )


def session(tf, graph):
    """A TF1 Session with its own threads (a forked test worker cannot use the shared ones)."""
    config = tf.compat.v1.ConfigProto(use_per_session_threads=True)
    return tf.compat.v1.Session(graph=graph, config=config)


def test_without_a_session_the_graph_reads_the_checkpoint_when_initialized(tf, write):
    prefix = write("kb", {"kernel": [4, 3], "b": [3]})
    kernel = graph_variable(tf, "kernel", (4, 3))
    assert plan(prefix, [kernel]).apply() == {"kernel": "kernel"}
    with session(tf, kernel.graph) as running:
        running.run(kernel.initializer)
        np.testing.assert_array_equal(running.run(kernel), saved(tf, prefix, "kernel"))


def test_with_a_session_the_values_are_assigned_and_cast_there(tf, write):
    prefix = write("kb", {"kernel": [4, 3], "b": [3]})
    graph = tf.Graph()
    with graph.as_default():
        kernel = tf.compat.v1.Variable(np.zeros((4, 3), np.float32), name="enc/kernel")
        bias = tf.compat.v1.Variable(np.zeros(3, np.float64), name="enc/b")
    with session(tf, graph) as running:
        running.run([kernel.initializer, bias.initializer])
        result = plan(prefix, [kernel, bias])
        with pytest.raises(PlanError, match="dtype float32 saved, float64 here"):
            result.apply(session=running)
        assert result.apply(session=running, cast=True) == {"enc/kernel": "kernel",
                                                            "enc/b": "b"}
        np.testing.assert_array_equal(running.run(kernel), saved(tf, prefix, "kernel"))
        np.testing.assert_array_equal(running.run(bias), saved(tf, prefix, "b"))
    # The load's own ops sit in one scope, apart from the model's.
    assert {op.name.split("/")[0] for op in graph.get_operations()
            if op.type == "Placeholder"} == {"scopekit_load"}


def test_object_based_overrides_take_the_key_or_the_saved_name(tf, tmp_path):
    left = tf.Variable(np.full(2, 1.0, np.float32), name="enc/w")
    right = tf.Variable(np.full(2, 2.0, np.float32), name="dec/w")
    prefix = tf.train.Checkpoint(l=left, r=right).write(os.fspath(tmp_path / "obj"))
    target = tf.Variable(np.zeros(2, np.float32), name="x/w")
    made = plan(prefix, [target])
    assert made.format == "object-based" and made.pairs[0].confidence == "ambiguous"
    assert "  l/.ATTRIBUTES/VARIABLE_VALUE (saved from enc/w)  [2]" in made.to_text().splitlines()
    by_key = made.with_overrides({"x/w": "r/.ATTRIBUTES/VARIABLE_VALUE"})
    by_saved = made.with_overrides({"x/w": "dec/w"})
    assert by_key.pairs == by_saved.pairs
    assert by_key.pairs[0].key == "r/.ATTRIBUTES/VARIABLE_VALUE"
    made.apply(overrides={"x/w": "dec/w"})
    np.testing.assert_array_equal(target.numpy(), right.numpy())


def test_a_damaged_data_file_loads_nothing_and_says_so(tf, tmp_path):
    prefix = os.fspath(tmp_path / "m")
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=["kernel"], shape_and_slices=[""],
                      tensors=[tf.fill([40, 30], 3.0)])
    kernel = tf.Variable(np.zeros((40, 30), np.float32), name="kernel")
    made = plan(prefix, [kernel])
    (data,) = [p for p in os.listdir(tmp_path) if p.startswith("m.data")]
    with open(tmp_path / data, "r+b") as file:
        file.truncate(8)
    with pytest.raises(PlanError) as info:
        made.apply()
    assert re.fullmatch(
        r"Nothing was loaded: TensorFlow cannot read kernel from the checkpoint \(\w+Error\); "
        r"its \.data files are damaged or incomplete\.",
        str(info.value),
    ), str(info.value)
    assert not kernel.numpy().any()


def test_a_variable_of_unknown_shape_loads_the_key_of_its_name(tf, write):
    prefix = write("m", SAVED)
    free = tf.Variable(np.zeros(3, np.float32), shape=tf.TensorShape(None), name="unused/k")
    made = plan(prefix, [free])
    assert made.ok and made.pairs[0].shape is None
    assert made.apply() == {"unused/k": "unused/k"}
    np.testing.assert_array_equal(free.numpy(), saved(tf, prefix, "unused/k"))


def test_long_plan_sections_are_cut_and_say_where_the_rest_is():
    from scopekit.checkpoint import Pair, Plan
    from scopekit.checkpoint.reading import CheckpointKey

    def key(name, holds="weight"):
        return CheckpointKey(name, name, (2,), "", holds)

    undecided = [Pair(f"u{i}", (2,), "float32", confidence="ambiguous", rule="only_shape",
                      why="why", alternatives=tuple(f"a{j}" for j in range(6)))
                 for i in range(27)]
    decided = [Pair(f"d{i}", (2,), "float32", key=f"k{i}", saved_name=f"k{i}",
                    checkpoint_shape=(2,), confidence="exact", rule="exact", why="same")
               for i in range(26)]
    made = Plan(
        checkpoint="big", format="name-based", pairs=undecided + decided,
        unused=[key(f"n{i}") for i in range(28)],
        optimizer_state=[key(f"o{i}", "optimizer") for i in range(20)],
        counters=[key(f"c{i}", "counter") for i in range(9)],
        skipped=[f"s{i}" for i in range(30)],
    )
    text, html = made.to_text().splitlines(), made.to_html()
    for more, where in ((2, ".pairs"), (1, ".pairs"), (3, ".unused"),
                        (4, ".optimizer_state, .counters"), (5, ".skipped")):
        line = f"... {more} more (all of them are in {where})"
        assert "  " + line in text
        assert f"<p>{line}</p>" in html
    assert "      candidates: 'a0', 'a1', 'a2' and 3 more" in text
    assert "# 'u0': ambiguous, one of 'a0', 'a1', 'a2', 'a3', 'a4' and 1 more" in made.to_code()


def test_a_checkpoint_rewritten_after_planning_is_checked_again_when_loading(tf, tmp_path):
    # A training job may write the same prefix again between plan() and apply().
    prefix = os.fspath(tmp_path / "moving")

    def save(shape):
        tf.raw_ops.SaveV2(prefix=prefix, tensor_names=["w"], shape_and_slices=[""],
                          tensors=[tf.fill(shape, 4.0)])

    save([2])
    w = tf.Variable(np.zeros(2, np.float32), name="w")
    made = plan(prefix, [w])
    assert made.ok
    save([3])
    with pytest.raises(PlanError) as info:
        made.apply()
    assert str(info.value) == "Nothing was loaded:\n  w: w holds shape [3], the variable has [2]"
    assert not w.numpy().any()
