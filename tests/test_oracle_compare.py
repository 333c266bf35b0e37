"""scopekit.checkpoint.compare against what each test saved itself.

Every checkpoint here is written with TensorFlow (``tf.raw_ops.SaveV2`` for a
name-based one, ``tf.train.Checkpoint`` for an object-based one), and the cell's
variables are hand-made records, so the test knows which key was saved for which
variable and why their names differ (a reopened scope, an ignored name scope, a
Keras auto-name, an outer scope). The expected lists, counterparts and causes are
written down from that knowledge; ``tf.train.list_variables`` says what the
checkpoint holds. Fast (no graph building) so mutation runs can afford them.
"""

import os
import re

import numpy as np
import pytest

from scopekit.checkpoint import VALUE_SUFFIX, compare
from scopekit.records import Capture, ScopeRecord, VariableRecord


@pytest.fixture(scope="session")
def write(tf, tmp_path_factory):
    """write(name, {key: shape}): a name-based checkpoint of exactly those keys."""
    folder = tmp_path_factory.mktemp("compare")

    def save(name, keys):
        prefix = os.fspath(folder / name)
        if not os.path.exists(prefix + ".index"):
            tensors = [tf.zeros(shape) for shape in keys.values()]
            tf.raw_ops.SaveV2(
                prefix=prefix,
                tensor_names=list(keys),
                shape_and_slices=[""] * len(keys),
                tensors=tensors,
            )
        assert dict(tf.train.list_variables(prefix)) == {k: list(s) for k, s in keys.items()}
        return prefix

    return save


def var(name, shape=(2,), ns=None, vs=None, creator="get_variable", kind="", requested=None):
    """A variable record as a capture makes it (scopes default to the name's prefix)."""
    prefix = name.rpartition("/")[0]
    ns = prefix if ns is None else ns
    vs = prefix if vs is None else vs
    return VariableRecord(
        name, requested or name.rpartition("/")[2], creator, False, ns, vs, "both",
        None if shape is None else tuple(shape), "float32", 0, kind,
    )


def cell(variables, scopes=()):
    made = Capture(graph=None, graph_mode="eager")
    made.replace_records(variables=variables, scopes=scopes)
    made.closed = True
    return made


def rows(entries):
    return [(e.name, e.key, e.counterpart, e.rule) for e in entries]


# ---------------------------------------------------------------------------
# One checkpoint, one cell: every list and every cause

SAVED = {
    "enc/w": [2, 3],
    "enc/b": [3],
    "block/w": [2],  # saved from the first 'block'; the cell reopened it as block_1
    "layer/v": [2],  # a tf.Variable in name scope 'layer'; the cell uses get_variable
    "model/u": [2],  # saved inside a model scope the cell does not have
    "x": [2],  # saved at the top level; the cell wraps it in 'tower'
    "net/dense/kernel": [2, 2],  # Keras named the layer dense when saving, dense_1 now
    "zzz": [5],  # nothing in the cell is meant for it
}


def the_cell():
    return cell(
        [
            var("enc/w", (2, 3)),
            var("enc/b", (4,)),
            var("block_1/w", ns="block_1", vs="", creator="Variable"),
            var("v", ns="layer", vs=""),
            var("u"),
            var("tower/x"),
            var("net/dense_1/kernel", (2, 2), kind="keras"),
            var("other", (7,)),
        ],
        scopes=[ScopeRecord("name_scope", "block", "block_1", "", False, "user")],
    )


def test_each_variable_gets_its_key_or_the_key_it_was_meant_for(write):
    result = compare(write("all", SAVED), the_cell())
    assert (result.checkpoint, result.format, result.ok) == ("all", "name-based", False)
    assert rows(result.matched) == [("enc/w", "enc/w", "", "")]
    assert (result.matched[0].shape, result.matched[0].checkpoint_shape) == ((2, 3), (2, 3))
    (mismatch,) = result.shape_mismatches
    assert (mismatch.name, mismatch.key, mismatch.rule) == ("enc/b", "enc/b", "shape")
    assert (mismatch.shape, mismatch.checkpoint_shape) == ((4,), (3,))
    assert mismatch.cause == (
        "same name, other shape: [3] was saved, the cell makes [4] (a layer or input size "
        "changed); a TF1 Saver restore into resource variables does not stop at this, the "
        "variable silently takes the saved shape"
    )
    assert rows(result.missing) == [
        ("block_1/w", "", "block/w", "suffix"),
        ("v", "", "layer/v", "ignored_name_scope"),
        ("u", "", "model/u", "outer_scope"),
        ("tower/x", "", "x", "outer_scope"),
        ("net/dense_1/kernel", "", "net/dense/kernel", "keras_auto_name"),
        ("other", "", "", ""),
    ]
    assert [e.shape for e in result.missing] == [(2,), (2,), (2,), (2,), (2, 2), (7,)]
    assert all(e.checkpoint_shape is None for e in result.missing)
    # Every unexpected key, in key order, names the variable it was probably meant for.
    assert rows(result.unexpected) == [
        ("", "block/w", "block_1/w", "suffix"),
        ("", "layer/v", "v", "ignored_name_scope"),
        ("", "model/u", "u", "outer_scope"),
        ("", "net/dense/kernel", "net/dense_1/kernel", "keras_auto_name"),
        ("", "x", "tower/x", "outer_scope"),
        ("", "zzz", "", ""),
    ]
    assert [e.saved_name for e in result.unexpected] == [e.key for e in result.unexpected]
    assert [e.checkpoint_shape for e in result.unexpected] == [
        tuple(SAVED[e.key]) for e in result.unexpected
    ]
    assert all(e.shape is None for e in result.unexpected)


def test_the_causes_say_in_words_what_differs(write):
    result = compare(write("all", SAVED), the_cell())
    cause = {e.name: e.cause for e in result.missing}
    assert "the scope 'block' was reopened as 'block_1' (the checkpoint has 'block')" in cause[
        "block_1/w"
    ]
    assert cause["v"].startswith("get_variable ignored the name scope 'layer': the cell makes v")
    assert "a missing outer scope: the checkpoint's name has 'model/' in front of u" in cause["u"]
    assert "an extra outer scope: the cell's name has 'tower/' in front" in cause["tower/x"]
    assert "the layer is 'dense_1' in the cell and was 'dense' when saved" in cause[
        "net/dense_1/kernel"
    ]
    assert cause["other"] == ""
    back = {e.key: e.cause for e in result.unexpected}
    assert back == {
        "block/w": "probably block_1/w in the cell (a _N suffix, see above)",
        "layer/v": "probably v in the cell (the name scope get_variable ignored, see above)",
        "model/u": "probably u in the cell (an outer scope, see above)",
        "net/dense/kernel": (
            "probably net/dense_1/kernel in the cell (a Keras auto-name, see above)"
        ),
        "x": "probably tower/x in the cell (an outer scope, see above)",
        "zzz": "",
    }


def test_the_summary_counts_and_groups_the_causes(write):
    result = compare(write("all", SAVED), the_cell())
    assert result.summary() == "1 matched, 6 missing, 6 unexpected, 1 shape mismatch"
    assert result.verdict() == "restoring the cell's variables would fail or load the wrong shapes"
    assert result.cause_groups() == [
        ("an outer scope", 2),
        ("a Keras auto-name", 1),
        ("a _N suffix", 1),
        ("no rule explains the name", 1),
        ("same name, other shape", 1),
        ("the name scope get_variable ignored", 1),
    ]
    assert repr(result) == (
        "<scopekit.checkpoint.Comparison all: 1 matched, 6 missing, 6 unexpected, "
        "1 shape mismatch>"
    )


def test_the_text_view_lists_each_section_with_its_rows_and_causes(write):
    result = compare(write("all", SAVED), the_cell())
    lines = result.to_text().splitlines()
    assert lines[0] == (
        "Checkpoint all (name-based): 1 matched, 6 missing, 6 unexpected, 1 shape mismatch; "
        "restoring the cell's variables would fail or load the wrong shapes"
    )
    titles = [line for line in lines if line and not line.startswith(" ")]
    assert titles == [
        lines[0],
        "Likely causes, by how many variables they explain:",
        "Missing from the checkpoint (the cell makes them) (6)",
        "Unexpected in the checkpoint (no variable of the cell takes them) (6)",
        "Shape mismatches (1)",
        "Matched (1)",
    ]
    at = lines.index("Missing from the checkpoint (the cell makes them) (6)")
    assert lines[at + 1] == "  block_1/w  [2]"
    assert lines[at + 2].startswith("      likely cause: a _N suffix: the scope 'block'")
    assert "  other  [7]" in lines and "  zzz  [5]" in lines
    other = lines.index("  other  [7]")
    assert not lines[other + 1].strip().startswith("likely cause")  # no cause, no line
    assert "  enc/b  [3] saved, [4] in the cell" in lines
    assert "  enc/w  [2, 3]" in lines
    assert "  x  [2]" in lines  # an unexpected key: its key, its saved shape
    assert lines[lines.index("  x  [2]") + 1] == (
        "      likely cause: probably tower/x in the cell (an outer scope, see above)"
    )
    assert "  2  an outer scope" in lines and "  1  same name, other shape" in lines


class _Table:
    """The HTML's tables as lists of cell texts, read the way a browser does."""

    def __init__(self, html):
        from html.parser import HTMLParser

        self.headings, self.tables = [], []
        reader = HTMLParser()
        state = {"cell": None, "heading": None}

        def start(tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                state["cell"] = ""
            elif tag == "h4":
                state["heading"] = ""

        def end(tag):
            if tag in ("td", "th"):
                self.tables[-1][-1].append(state["cell"])
                state["cell"] = None
            elif tag == "h4":
                self.headings.append(state["heading"])
                state["heading"] = None

        def data(text):
            for part in ("cell", "heading"):
                if state[part] is not None:
                    state[part] += text

        reader.handle_starttag, reader.handle_endtag, reader.handle_data = start, end, data
        reader.convert_charrefs = True
        reader.feed(html)


def test_the_html_view_has_one_row_per_entry_with_dashes_for_what_is_not_there(write):
    result = compare(write("all", SAVED), the_cell())
    html = result.to_html()
    assert result._repr_mimebundle_() == {"text/plain": result.to_text(), "text/html": html}
    read = _Table(html)
    assert read.headings == [
        "Missing from the checkpoint (the cell makes them) (6)",
        "Unexpected in the checkpoint (no variable of the cell takes them) (6)",
        "Shape mismatches (1)",
        "Matched (1)",
    ]
    header = ["variable in the cell", "checkpoint key", "shape", "likely cause"]
    assert all(table[0] == header for table in read.tables)
    missing, unexpected, mismatches, matched = (table[1:] for table in read.tables)
    assert [row[:3] for row in missing] == [
        ["block_1/w", "-", "[2]"],
        ["v", "-", "[2]"],
        ["u", "-", "[2]"],
        ["tower/x", "-", "[2]"],
        ["net/dense_1/kernel", "-", "[2, 2]"],
        ["other", "-", "[7]"],
    ]
    assert missing[-1][3] == ""
    assert unexpected[-1] == ["-", "zzz", "[5]", ""]
    assert unexpected[0][3] == "probably block_1/w in the cell (a _N suffix, see above)"
    assert mismatches == [["enc/b", "enc/b", "[3] saved, [4] in the cell",
                           result.shape_mismatches[0].cause]]
    assert matched == [["enc/w", "enc/w", "[2, 3]", ""]]
    assert html.startswith(
        "<div class='scopekit-checkpoint'><p><b>Checkpoint</b> <code>all</code> (name-based): "
        "1 matched"
    )
    assert html.endswith("</table></div>")
    # The parts follow each other with nothing a browser would show between them.
    assert "</p><p>Likely causes, by how many variables they explain:</p><ul>" in html
    assert "<li>2 &times; an outer scope</li>" in html
    assert "</ul><h4>Missing from the checkpoint" in html
    assert "</table><h4>Unexpected in the checkpoint" in html


def test_to_dict_is_json_ready_with_shapes_as_lists(write):
    import json

    result = compare(write("all", SAVED), the_cell())
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {
        "checkpoint", "format", "ok", "matched", "missing", "unexpected", "shape_mismatches"
    }
    assert (data["checkpoint"], data["format"], data["ok"]) == ("all", "name-based", False)
    assert data["matched"] == [
        {
            "name": "enc/w", "key": "enc/w", "saved_name": "enc/w", "shape": [2, 3],
            "checkpoint_shape": [2, 3], "counterpart": "", "rule": "", "cause": "",
        }
    ]
    assert data["missing"][-1]["shape"] == [7] and data["missing"][-1]["checkpoint_shape"] is None
    assert data["unexpected"][-1]["shape"] is None
    assert data["unexpected"][-1]["checkpoint_shape"] == [5]
    assert [e["name"] for e in data["shape_mismatches"]] == ["enc/b"]


# ---------------------------------------------------------------------------
# Verdicts


def test_every_key_found_is_ok_and_says_so(write):
    prefix = write("fine", {"enc/w": [2, 3], "enc/b": [3], "spare": [1]})
    result = compare(prefix, cell([var("enc/w", (2, 3)), var("enc/b", (3,))]))
    assert result.ok
    assert result.summary() == "2 matched, 0 missing, 1 unexpected, 0 shape mismatches"
    assert result.verdict() == "every variable of the cell has a key"
    assert result.cause_groups() == []
    text = result.to_text()
    assert "Likely causes" not in text and "Likely causes" not in result.to_html()
    assert [e.key for e in result.unexpected] == ["spare"]


def test_a_shape_mismatch_alone_or_a_missing_name_alone_is_not_ok(write):
    prefix = write("fine", {"enc/w": [2, 3], "enc/b": [3], "spare": [1]})
    wrong_shape = compare(prefix, cell([var("enc/w", (2, 3)), var("enc/b", (5,))]))
    assert not wrong_shape.ok and not wrong_shape.missing
    assert wrong_shape.cause_groups() == [("same name, other shape", 1)]
    missing = compare(prefix, cell([var("enc/w", (2, 3)), var("enc/c", (3,))]))
    assert not missing.ok and not missing.shape_mismatches
    assert missing.verdict() == "restoring the cell's variables would fail or load the wrong shapes"


def test_a_variable_of_unknown_shape_matches_its_name_and_shows_the_saved_shape(write):
    prefix = write("fine", {"enc/w": [2, 3], "enc/b": [3], "spare": [1]})
    result = compare(prefix, cell([var("enc/w", None)]))
    assert result.ok and rows(result.matched) == [("enc/w", "enc/w", "", "")]
    assert "  enc/w  [2, 3]" in result.to_text().splitlines()
    assert _Table(result.to_html()).tables[-1][1] == ["enc/w", "enc/w", "[2, 3]", ""]
    unknown = compare(prefix, cell([var("gone", None)]))
    assert "  gone  ?" in unknown.to_text().splitlines()


def test_a_variable_recorded_twice_is_one_row_with_the_first_records_scopes(write):
    # get_variable reusing enc/w inside the name scope enc_1: two records, one variable,
    # made by the first call in name scope 'enc'. The checkpoint's enc_1/w is a _N
    # suffix away from it; the reuse's name scope must not be blamed.
    prefix = write("reused", {"enc_1/w": [2]})
    first = var("enc/w")
    again = VariableRecord("enc/w", "w", "get_variable", True, "enc_1", "enc", "variable_scope",
                           (2,), "float32", 0, "")
    result = compare(prefix, cell([first, again]))
    assert rows(result.missing) == [("enc/w", "", "enc_1/w", "suffix")]
    assert len(result.unexpected) == 1


def test_something_that_is_not_a_capture_is_refused_with_what_to_pass(write):
    prefix = write("fine", {"enc/w": [2, 3], "enc/b": [3], "spare": [1]})
    with pytest.raises(TypeError) as info:
        compare(prefix, {"enc/w": None})
    assert str(info.value) == (
        "compare(checkpoint_path, capture) takes a scopekit Capture, not dict; make one "
        "with `with scopekit.capture() as cap:`."
    )


# ---------------------------------------------------------------------------
# Pairing: each key with one variable at most, in creation and key order


def test_a_key_goes_to_the_first_variable_made_and_the_first_key_wins(write):
    prefix = write("order", {"q": [2], "a/p": [2], "b/p": [2]})
    result = compare(prefix, cell([var("q_2"), var("q_1"), var("p")]))
    assert rows(result.missing) == [
        ("q_2", "", "q", "suffix"),
        ("q_1", "", "", ""),  # 'q' went to q_2, made first
        ("p", "", "a/p", "outer_scope"),  # a/p and b/p both fit: the first key
    ]
    assert rows(result.unexpected) == [
        ("", "a/p", "p", "outer_scope"),
        ("", "b/p", "", ""),
        ("", "q", "q_2", "suffix"),
    ]
    assert result.cause_groups() == [
        ("a _N suffix", 1), ("an outer scope", 1), ("no rule explains the name", 1)
    ]  # ties in alphabetical order


def test_keys_found_only_through_a_scope_or_a_deep_outer_scope(write):
    prefix = write(
        "deep", {"dec/w": [2], "vs/w2": [2], "c": [2], "x/y/a/w": [2], "k_3/z": [2]}
    )
    result = compare(
        prefix,
        cell(
            [
                # get_variable in variable scope enc under name scope dec: TF1 code
                # with tf.Variable there saved dec/w
                var("enc/w", ns="dec", vs="enc"),
                # tf.Variable in name scope ns, variable scope vs: get_variable saved vs/w2
                var("ns/w2", ns="ns", vs="vs", creator="Variable"),
                var("t/a/c"),  # two scopes more in the cell
                var("a/w"),  # two scopes more in the checkpoint
                var("k/z"),  # k_3 in the checkpoint
            ]
        ),
    )
    assert rows(result.missing) == [
        ("enc/w", "", "dec/w", "ignored_name_scope"),
        ("ns/w2", "", "vs/w2", "ignored_name_scope"),
        ("t/a/c", "", "c", "outer_scope"),
        ("a/w", "", "x/y/a/w", "outer_scope"),
        ("k/z", "", "k_3/z", "suffix"),
    ]
    cause = {e.name: e.cause for e in result.missing}
    assert "tf.Variable follows the name scope 'ns', not the variable scope 'vs'" in cause["ns/w2"]
    assert "'t/a/' in front of the checkpoint's c" in cause["t/a/c"]
    assert "the checkpoint's name has 'x/y/' in front of a/w" in cause["a/w"]
    assert not [e for e in result.unexpected if not e.counterpart]


# ---------------------------------------------------------------------------
# Object-based checkpoints


@pytest.fixture(scope="session")
def object_checkpoint(tf, tmp_path_factory):
    """Two variables both named v (a, b), enc/k with TF1 Adam slots, Adam's beta powers."""
    a = tf.Variable(np.zeros(2, np.float32), name="v")
    b = tf.Variable(np.zeros(3, np.float32), name="v")
    k = tf.Variable(np.ones((2, 2), np.float32), name="enc/k")
    optimizer = tf.compat.v1.train.AdamOptimizer()
    optimizer.minimize(lambda: tf.reduce_sum(k), var_list=[k])
    prefix = tf.train.Checkpoint(a=a, b=b, c=k, optimizer=optimizer).write(
        os.fspath(tmp_path_factory.mktemp("object") / "obj")
    )
    keys = {key for key, _ in tf.train.list_variables(prefix)}
    assert f"c/.OPTIMIZER_SLOT/optimizer/m{VALUE_SUFFIX}" in keys
    return prefix


def test_object_based_keys_match_by_the_name_they_were_saved_from(object_checkpoint):
    result = compare(object_checkpoint, cell([var("v", (2,)), var("enc/k", (2, 2))]))
    assert (result.checkpoint, result.format, result.ok) == ("obj", "object-based", True)
    # Two keys were saved from variables named v: the first key is v's, the other unused.
    assert rows(result.matched) == [
        ("v", f"a{VALUE_SUFFIX}", "", ""),
        ("enc/k", f"c{VALUE_SUFFIX}", "", ""),
    ]
    assert [e.saved_name for e in result.matched] == ["v", "enc/k"]
    # Adam's slots are the optimizer's, not variables a cell makes by name: not listed.
    assert [(e.key, e.saved_name) for e in result.unexpected] == [
        (f"b{VALUE_SUFFIX}", "v"),
        (f"optimizer/beta1_power{VALUE_SUFFIX}", "beta1_power"),
        (f"optimizer/beta2_power{VALUE_SUFFIX}", "beta2_power"),
    ]
    lines = result.to_text().splitlines()
    assert f"  v <- a{VALUE_SUFFIX}  [2]" in lines
    assert f"  b{VALUE_SUFFIX} (saved from v)  [3]" in lines
    matched = _Table(result.to_html()).tables[-1][1:]
    assert matched[0] == ["v", f"a{VALUE_SUFFIX} (saved from v)", "[2]", ""]


def test_object_based_mismatch_says_a_restore_by_name_would_fail(object_checkpoint):
    result = compare(object_checkpoint, cell([var("enc_1/k", (2, 2))]))
    assert rows(result.missing) == [("enc_1/k", "", "enc/k", "suffix")]
    assert result.verdict() == (
        "a restore by name would fail (tf.train.Checkpoint restores by object path)"
    )
    unexpected = {e.key: e for e in result.unexpected}
    assert unexpected[f"c{VALUE_SUFFIX}"].counterpart == "enc_1/k"
    lines = result.to_text().splitlines()
    assert "  enc_1/k  [2, 2]" in lines  # a missing variable has no key to show
    assert not any(re.search(r"OPTIMIZER_SLOT", line) for line in lines)


def test_long_lists_are_cut_and_say_where_the_rest_is():
    from scopekit.checkpoint import Comparison, Entry

    many = [Entry(name=f"v{i}", key=f"v{i}", saved_name=f"v{i}", shape=(2,),
                  checkpoint_shape=(2,)) for i in range(30)]
    made = Comparison(
        checkpoint="big", format="name-based", matched=many,
        missing=[Entry(name=f"m{i}", shape=(2,)) for i in range(26)],
        unexpected=[Entry(key=f"k{i}", saved_name=f"k{i}", checkpoint_shape=(2,))
                    for i in range(27)],
        shape_mismatches=[Entry(name=f"s{i}", key=f"s{i}", shape=(3,), checkpoint_shape=(2,),
                                rule="shape") for i in range(28)],
    )
    text, html = made.to_text(), made.to_html()
    for count, where in ((1, ".missing"), (2, ".unexpected"), (3, ".shape_mismatches"),
                         (5, ".matched")):
        assert f"  ... {count} more (all of them are in {where})" in text.splitlines()
        assert f"<p>... {count} more (all of them are in {where})</p>" in html
    assert text.count("\n  ... ") == 4
