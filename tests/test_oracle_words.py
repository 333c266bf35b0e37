"""The words every view shares (render/words.py), from hand-made records, no TensorFlow.

Each expected phrase is written out here from the records the test made: counts
the test counts itself, device strings as TensorFlow writes them, names quoted
as Python's repr quotes them.
"""

import pytest

from scopekit.records import Capture, OpRecord, ScopeRecord, VariableRecord
from scopekit.render import words
from scopekit.render.present import badges
from scopekit.tree import ScopeNode


def _capture(ops=(), variables=(), scopes=(), mode="fresh", graphs=1, ops_before=0, error=None):
    cap = Capture(graph=None, graph_mode=mode)
    cap.ops, cap.variables, cap.scopes = list(ops), list(variables), list(scopes)
    cap.graphs = [None] * graphs
    cap.ops_before, cap.error, cap.closed = ops_before, error, True
    return cap


def _op(name, internal=False, device="", graph=0, type_="Const"):
    return OpRecord(name, type_, "", "", device, "none", graph, internal)


def _var(name, creator="get_variable", reused=False, kind="", requested=None, path="", graph=0):
    requested = requested if requested is not None else name.rpartition("/")[2]
    return VariableRecord(
        name, requested, creator, reused, "", "", "none", (), "float32", graph, kind, path
    )


def _scope(origin="user"):
    return ScopeRecord("name_scope", "s", "s", "", False, origin)


# -- headline ----------------------------------------------------------------


@pytest.mark.parametrize(
    "variables, ops, scopes, mode, graphs, expected",
    [
        (
            [],
            [],
            [],
            "fresh",
            1,
            "0 variables (0 calls), 0 ops, 0 scopes opened by the cell (fresh graph)",
        ),
        (
            [_var("a"), _var("a", reused=True), _var("b")],
            [_op("x")],
            [_scope(), _scope("library")],
            "given",
            1,
            "2 variables (3 calls), 1 op, 1 scope opened by the cell (default graph)",
        ),
        (
            # Eager variables may share a name: each one made counts, a reused one not.
            [
                _var("v", kind="eager"),
                _var("v", kind="eager"),
                _var("v", kind="eager"),
                _var("w", kind="keras", reused=True),
            ],
            [_op("y"), _op("z")],
            [],
            "eager",
            3,
            "3 variables (4 calls), 2 ops, 0 scopes opened by the cell "
            "(eager, 2 more graphs traced by tf.function)",
        ),
        (
            # --graph default: the cell only reuses a variable made before it.
            [_var("old", reused=True)],
            [],
            [],
            "given",
            1,
            "1 variable (1 call), 0 ops, 0 scopes opened by the cell (default graph)",
        ),
        (
            [_var("a", graph=0), _var("a", graph=1)],
            [],
            [_scope(), _scope()],
            "fresh",
            2,
            "2 variables (2 calls), 0 ops, 2 scopes opened by the cell "
            "(fresh graph, 1 more graph made in the cell)",
        ),
    ],
)
def test_headline_counts_as_the_test_counts(variables, ops, scopes, mode, graphs, expected):
    cap = _capture(ops, variables, scopes, mode=mode, graphs=graphs)
    assert words.headline(cap) == expected


# -- makers and summaries ------------------------------------------------------


def test_maker_says_how_each_record_came_to_be():
    assert words.maker(_var("s/x")) == "get_variable('x')"
    assert words.maker(_var("v", creator="Variable", requested="v")) == "tf.Variable(name='v')"
    keras = _var("kernel", creator="Variable", kind="keras", path="dense/kernel")
    assert words.maker(keras) == "keras weight 'kernel', path='dense/kernel'"
    assert words.maker(_op("a/b", type_="MatMul")) == "MatMul"


def test_variable_summary_counts_calls_and_reuses():
    assert words.variable_summary([_var("x")]) == "get_variable('x')"
    assert words.variable_summary([_var("x"), _var("x", reused=True)]) == (
        "get_variable('x') x2, reused 1x"
    )
    assert words.variable_summary([_var("x"), _var("x", reused=True), _var("x", reused=True)]) == (
        "get_variable('x') x3, reused 2x"
    )
    assert words.variable_summary([_var("x", reused=True)]) == "get_variable('x'), reused 1x"


@pytest.mark.parametrize(
    "device, expected",
    [
        ("", ""),
        ("/job:localhost/replica:0/task:0/device:GPU:0", "on GPU:0"),
        ("/device:CPU:0", "on CPU:0"),
        ("/cpu:0", "on cpu:0"),
    ],
)
def test_device_label_as_tensorflow_writes_devices(device, expected):
    node = ScopeNode(label="a", path="a", op=_op("a", device=device))
    assert words.device_label(node) == expected


def test_device_label_of_a_scope_is_empty():
    assert words.device_label(ScopeNode(label="s", path="s")) == ""


# -- badges (render/present.py: every view shows the same letter and words) ------

N = ("ns", "N", "name scope")
N_OF_V = ("ns", "N", "name scope of a variable scope")
V = ("vs", "V", "variable scope")
LIB = ("lib", "lib", "library scope")


@pytest.mark.parametrize(
    "kinds, opened_by_vs, origin, has_op, expected",
    [
        ({"name_scope"}, False, "user", False, [N]),
        ({"name_scope"}, True, "user", False, [N_OF_V]),
        ({"variable_scope"}, False, "user", False, [V]),
        ({"variable_scope", "name_scope"}, False, "user", False, [V, N]),
        # Opened by hand too: no longer only the variable scope's name scope.
        ({"variable_scope", "name_scope"}, True, "user", False, [V, N]),
        (set(), False, "library", False, [LIB]),
        (set(), False, "library", True, []),
        (set(), False, "user", False, []),
        (set(), False, "", False, []),
    ],
)
def test_badges(kinds, opened_by_vs, origin, has_op, expected):
    node = ScopeNode(
        label="n",
        path="n",
        scope_kinds=frozenset(kinds),
        origin=origin,
        op=_op("n") if has_op else None,
        opened_by_variable_scope=opened_by_vs,
    )
    assert [(b.css, b.letter, b.words) for b in badges(node)] == expected


def test_a_library_scope_holding_a_variable_is_not_called_a_bare_library_scope():
    node = ScopeNode(label="n", path="n", origin="library", variables=[_var("n")])
    assert badges(node) == ()


# -- the table rows ------------------------------------------------------------


def test_origin_rows_list_variables_then_the_ops_asked_for():
    variables = [_var("a"), _var("b", creator="Variable")]
    ops = [_op("a", internal=True), _op("c"), _op("d", graph=1), _op("e")]
    cap = _capture(ops, variables)
    rows, total = words.origin_rows(cap)
    assert total == 5  # two variable calls, three ops the user asked for
    assert [(r.name, r.kind, r.graph) for r in rows] == [
        ("a", "variable", 0),
        ("b", "variable", 0),
        ("c", "op", 0),
        ("d", "op", 1),
        ("e", "op", 0),
    ]
    assert [r.made_by for r in rows] == ["get_variable('a')", "tf.Variable(name='b')"] + [
        "Const"
    ] * 3
    assert rows[0].record is variables[0] and rows[2].record is ops[1]
    assert (rows[0].name_scope, rows[0].variable_scope, rows[0].prefix_from) == ("", "", "none")
    limited, total = words.origin_rows(cap, limit=3)
    assert [r.name for r in limited] == ["a", "b", "c"] and total == 5
    assert [r.name for r in words.origin_rows(cap, limit=1)[0]] == ["a"]
    assert words.origin_rows(cap, limit=0)[0] == []


# -- lines about the graph and the error ----------------------------------------


def test_graph_line_says_how_many_ops_were_there_before():
    assert words.graph_line(_capture()) == ""
    assert words.graph_line(_capture(ops_before=1)) == (
        "The graph already held 1 op from before: a name asked for again gets a _1, _2 ... "
        "suffix (--graph fresh gives the same names on every run)."
    )
    assert words.graph_line(_capture(ops_before=7)).startswith("The graph already held 7 ops ")


def test_graph_title():
    cap = _capture(graphs=3)
    assert words.graph_title(cap, 0) == ""
    assert words.graph_title(cap, 2) == "Graph 2 (made in the cell)"
    cap.graph_labels = {0: "Created eagerly (no graph)"}
    assert words.graph_title(cap, 0) == "Created eagerly (no graph)"


def test_error_line_names_the_error_and_says_what_is_shown():
    assert words.error_line(_capture()) == ""
    assert words.error_line(_capture(error=KeyError("k"))) == (
        "The cell raised KeyError: 'k'\nWhat it made before that is shown above."
    )


def test_error_line_when_the_errors_own_message_cannot_be_read():
    class Unprintable(Exception):
        def __str__(self):
            raise ValueError("no")

    assert words.error_line(_capture(error=Unprintable())) == (
        "The cell raised Unprintable: (its message could not be read: ValueError)\n"
        "What it made before that is shown above."
    )


def test_an_op_below_a_call_two_levels_down_is_the_calls_own():
    # 'total/inner/ReadVariableOp' lies under the call 'total' (no op named
    # 'total/inner'): it belongs to that call and is not listed on its own.
    ops = [_op("total"), _op("total/inner/ReadVariableOp"), _op("other/x")]
    rows, total = words.origin_rows(_capture(ops))
    assert [r.name for r in rows] == ["total", "other/x"] and total == 2
