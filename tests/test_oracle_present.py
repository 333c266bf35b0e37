"""The presentation step as users meet it, against records the test makes itself.

What each row says (kind, folded internal ops, what starts open) is read from the
widget's payload and the static views; the notes' order and grouping from the
notes the test writes. The expected answers are written here from the records,
never computed with scopekit's own functions.
"""

from types import SimpleNamespace

import pytest

import scopekit
from scopekit.records import OpRecord, ScopeRecord, VariableRecord
from scopekit.render.present import group_notes, natural_key
from scopekit.widget import ScopeTreeWidget

from .test_oracle_widget_wide import quiet_comms  # noqa: F401  (a fixture)


def _note(kind, subject, message=None):
    return SimpleNamespace(kind=kind, subject=subject, message=message or f"{kind} {subject}")


def tree_rows(text):
    """The text view's tree section, one stripped row per line."""
    lines = text.split("\n")
    start = lines.index("Scope tree")
    return [line.strip() for line in lines[start + 1 : lines.index("", start)]]


def _first_show(capture):
    widget = ScopeTreeWidget(capture)
    try:
        return widget.initial
    finally:
        widget.close()


def _nodes(initial):
    """Every row sent at first show, by label (labels are unique in these captures)."""
    return {node["label"]: node for batch in initial["batches"] for node in batch["nodes"]}


def test_a_graph_made_in_the_cell_is_a_graph_row_that_starts_open(quiet_comms):  # noqa: F811
    capture = scopekit.Capture(None, "fresh")
    capture.graphs = [None, None]
    capture.ops = [
        OpRecord("main/op", "Const", "main", "", "", "name_scope", 0),
        OpRecord("other/op", "MatMul", "other", "", "", "name_scope", 1),
    ]
    capture.closed = True
    initial = _first_show(capture)
    root_batch = initial["batches"][0]
    # The cell's own graph is spliced into the top level; graph 1 gets one row of its own.
    (graph_row,) = [n for n in root_batch["nodes"] if n["label"] not in ("main",)]
    assert graph_row["kind"] == "graph"
    # A graph row is a container like a scope: it starts open, showing its scope 'other'.
    assert graph_row["id"] in initial["open"]
    assert "other" in _nodes(initial)


@pytest.mark.parametrize("handle_recorded", [True, False])
def test_the_widget_lists_a_calls_own_ops_below_it_and_counts_them_on_its_row(
    quiet_comms,  # noqa: F811
    handle_recorded,
):
    capture = scopekit.Capture(None, "fresh")
    capture.scopes = [ScopeRecord("name_scope", "blk", "blk", "", False, "user", None, 0, 0)]
    # A variable 'blk/w' made by get_variable (its handle op recorded or not), and two ops
    # TF made for it below its name: one flagged internal, one (a regularizer's) that is
    # not but holds nothing the user made.
    handle = [OpRecord("blk/w", "VarHandleOp", "blk", "", "", "name_scope", 0, True)]
    capture.ops = [
        *(handle if handle_recorded else []),
        OpRecord("blk/w/Initializer/zeros", "Const", "blk/w", "", "", "name_scope", 0, True),
        OpRecord("blk/w/Regularizer/mul", "Mul", "blk/w", "", "", "name_scope", 0, False),
        OpRecord("blk/y", "Add", "blk", "", "", "name_scope", 0),
    ]
    capture.variables = [
        VariableRecord("blk/w", "w", "get_variable", False, "blk", "", "name_scope")
    ]
    capture.closed = True
    nodes = _nodes(_first_show(capture))
    # 'blk' starts open: its rows are sent. The variable's row counts both ops TF made for it.
    assert nodes["w"]["kind"] == "variable"
    assert nodes["w"]["folded"] == "+2 internal ops"
    assert nodes["w"]["count"] == 2  # opening it lists them (Initializer, Regularizer)
    # A plain scope's row says what it holds, in words: every op recorded below it.
    assert nodes["blk"]["summary"] == f"{len(capture.ops)} ops, 1 variable"
    # The static views count them on the variable's row and do not list them.
    rows = tree_rows(capture.to_text())
    assert any(row.startswith("w  <-") and row.endswith("(+2 internal ops)") for row in rows)
    assert not any("Regularizer" in row for row in rows)


def test_a_scope_the_user_opened_below_an_op_stays_listed():
    capture = scopekit.Capture(None, "fresh")
    capture.scopes = [
        ScopeRecord("name_scope", "total", "total", "", False, "user", None, 0, 0),
        ScopeRecord("name_scope", "total/mine", "total/mine", "", False, "user", None, 0, 0),
    ]
    # An op named 'total', TF's own read below it, and a scope the user opened under that name.
    capture.ops = [
        OpRecord("total", "AddN", "", "", "", "none", 0),
        OpRecord("total/read", "Identity", "total", "", "", "name_scope", 0, True),
        OpRecord("total/mine/x", "Square", "total/mine", "", "", "name_scope", 0),
    ]
    capture.closed = True
    rows = tree_rows(capture.to_text())
    # The user's scope 'mine' is listed below 'total'; TF's read is only counted.
    assert any(row.startswith("mine/") for row in rows), rows
    assert any("total" in row and "(+1 internal op)" in row for row in rows), rows
    # 'total' is an op (AddN): its row does not end its label with '/' as a scope's does.
    assert rows[0].startswith("total  "), rows


def test_notes_come_most_instructive_first_whatever_order_they_were_made_in():
    # The course's order: an ignored name scope, then reopened, renamed, same name, reused.
    notes = [
        _note("reused", "a/w"),
        _note("same_name", "b/w"),
        _note("renamed", "c"),
        _note("reopened", "d"),
        _note("ignored_name_scope", "e/w"),
    ]
    groups = group_notes(notes)
    assert [g.kind for g in groups] == [
        "ignored_name_scope",
        "reopened",
        "renamed",
        "same_name",
        "reused",
    ]
    assert [g.line for g in groups] == [
        "ignored_name_scope e/w",
        "reopened d",
        "renamed c",
        "same_name b/w",
        "reused a/w",
    ]


def test_notes_of_kinds_outside_the_course_order_come_last():
    # 'partitioned' and 'custom_getter' notes are real kinds the course does not rank.
    notes = [_note("custom_getter", "g/w"), _note("reused", "a/w"), _note("partitioned", "p/w")]
    assert [g.kind for g in group_notes(notes)] == ["reused", "custom_getter", "partitioned"]


def test_a_grouped_note_keeps_its_kind_and_lists_subjects_numbers_first():
    notes = [_note("reused", name, "reused a layer's weights") for name in ("b", "10", "9")]
    (group,) = group_notes(notes)
    assert group.kind == "reused"
    assert group.subjects == ("9", "10", "b")
    assert group.line == "reused a layer's weights (and 2 more like it: 9 ... b)"
    # Two notes stay two lines, each with its kind.
    pair = group_notes([_note("renamed", "x_1"), _note("renamed", "x_2")])
    assert [(g.kind, g.line) for g in pair] == [
        ("renamed", "renamed x_1"),
        ("renamed", "renamed x_2"),
    ]


@pytest.mark.parametrize(
    "names, expected",
    [
        (["b2_10", "b2_9", "b2_1"], ["b2_1", "b2_9", "b2_10"]),
        (["x", "2", "10"], ["2", "10", "x"]),
    ],
)
def test_natural_order_compares_numbers_as_numbers(names, expected):
    assert sorted(names, key=natural_key) == expected


def test_a_variable_scope_a_library_opened_is_not_dimmed(quiet_comms):  # noqa: F811
    capture = scopekit.Capture(None, "fresh")
    # Two scopes a library opened, each holding one op of its own: a variable scope
    # (it decides variable names, so it stays in full view) and a bare name scope.
    capture.scopes = [
        ScopeRecord("variable_scope", "dense", "dense", "dense", False, "library", None, 0, 0),
        ScopeRecord("name_scope", "helper", "helper", "", False, "library", None, 0, 1),
    ]
    capture.ops = [
        OpRecord("dense/op", "Add", "dense", "dense", "", "both", 0),
        OpRecord("helper/op", "Add", "helper", "", "", "name_scope", 0),
    ]
    capture.closed = True
    nodes = _nodes(_first_show(capture))
    assert nodes["dense"]["dim"] is False
    assert nodes["helper"]["dim"] is True


def test_tf_internal_ops_at_the_top_level_are_listed_when_asked_for():
    capture = scopekit.Capture(None, "fresh")
    # A top-level subtree of TF's own ops only (a saver's), next to the user's op.
    capture.ops = [
        OpRecord("save/Const", "Const", "save", "", "", "name_scope", 0, True),
        OpRecord("y", "Add", "", "", "", "none", 0),
    ]
    capture.closed = True

    assert not any("save" in row for row in tree_rows(capture.to_text()))
    asked = tree_rows(capture.to_text(internal=True))
    assert any(row.startswith("save/Const") or row.startswith("save/") for row in asked), asked
