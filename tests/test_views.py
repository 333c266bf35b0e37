"""The tree and the text/HTML views, from hand-made records (no TensorFlow)."""

import re

from scopekit.attribution import prefix_from
from scopekit.capture import Capture
from scopekit.records import OpRecord, ScopeRecord, VariableRecord
from scopekit.tree import build_tree


def op(name, type_="Const", ns=None, vs="", internal=False, graph=0):
    ns = name.rpartition("/")[0] if ns is None else ns
    return OpRecord(name, type_, ns, vs, "", prefix_from(name, ns, vs), graph, internal)


def var(name, requested, creator="get_variable", ns="", vs="", reused=False):
    return VariableRecord(name, requested, creator, reused, ns, vs, prefix_from(name, ns, vs))


def scope(kind, requested, ns, vs, origin="user"):
    return ScopeRecord(kind, requested, ns, vs, False, origin)


def hand_made(ops=(), variables=(), scopes=(), error=None):
    cap = Capture(graph=None, graph_mode="fresh")
    cap.ops, cap.variables, cap.scopes, cap.error = list(ops), list(variables), list(scopes), error
    cap.closed = True
    return cap


FOO_BAR = hand_made(
    ops=[
        op("bar/x/Initializer/zeros", ns="foo/bar", vs="bar", internal=True),
        op("bar/x", "VarHandleOp", ns="foo/bar", vs="bar", internal=True),
        op("bar/x/Assign", "AssignVariableOp", ns="foo/bar", vs="bar", internal=True),
        op("foo/bar/x2", "Square", ns="foo/bar", vs="bar"),
    ],
    variables=[var("bar/x", "x", ns="foo/bar", vs="bar")],
    scopes=[
        scope("name_scope", "foo", "foo", ""),
        scope("variable_scope", "bar", "foo/bar", "bar"),
        scope("name_scope", "x2", "foo/bar/x2", "bar", origin="library"),
    ],
)


def test_text_view_exactly():
    assert FOO_BAR.to_text() == "\n".join(
        [
            "scopekit: 1 variable (1 call), 4 ops, 2 scopes opened by the cell (fresh graph)",
            "",
            "Scope tree",
            "  foo/  [name scope]",
            "    bar/  [name scope of a variable scope]",
            "      x2  Square",
            "  bar/  [variable scope]",
            "    x  <- get_variable('x')  (+2 internal ops)",
            "",
            "Where each name came from",
            "  name        made by            name scope  variable scope  prefix from",
            "  bar/x       get_variable('x')  foo/bar     bar             variable_scope",
            "  foo/bar/x2  Square             foo/bar     bar             name_scope",
            "",
            "Notes",
            "  - get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'",
        ]
    )


def test_variable_view_moves_the_names_that_followed_a_name_scope():
    by_name = build_tree(FOO_BAR.ops, FOO_BAR.variables, FOO_BAR.scopes, view="name")
    by_variable = build_tree(FOO_BAR.ops, FOO_BAR.variables, FOO_BAR.scopes, view="variable")
    assert by_name.find("foo/bar/x2").op.type == "Square"
    assert by_variable.find("foo/bar/x2") is None
    assert by_variable.find("bar/x2").op.type == "Square"
    # get_variable's variable is where its name says in both views.
    assert by_name.find("bar/x").variables and by_variable.find("bar/x").variables


def test_five_numbered_siblings_fold_into_a_series():
    ops = [op(f"layer_{i}/w") for i in range(100)] + [op("layer_a/w")]
    root = build_tree(ops, [], [])
    labels = [child.label for child in root.children]
    assert labels == ["layer_[0..99]", "layer_a"]
    series = root.children[0]
    assert series.series_size == 100 and series.op_count == 100
    assert root.find("layer_42/w").op.name == "layer_42/w"
    four = build_tree([op(f"block_{i}/w") for i in range(4)], [], [])
    assert [c.label for c in four.children] == [f"block_{i}" for i in range(4)]


def test_series_counts_the_unnumbered_first_member():
    root = build_tree([op("dense/k")] + [op(f"dense_{i}/k") for i in range(1, 6)], [], [])
    assert [c.label for c in root.children] == ["dense_[0..5]"]


def test_deep_chains_print_on_one_line():
    deep = "/".join(f"l{i}" for i in range(120))
    cap = hand_made(ops=[op(deep + "/y", "Identity")])
    tree_line = cap.to_text().splitlines()[3]
    assert tree_line == "  " + deep + "/y  Identity"
    assert len(cap.to_text().splitlines()) < 12


def test_big_captures_are_cut_and_say_what_was_cut():
    ops = [op(f"block{i}x/op{j}") for i in range(300) for j in range(3)]  # no series
    cap = hand_made(ops=ops)
    text = cap.to_text()
    assert "... 1050 more nodes not shown" in text
    assert "... 840 more names not shown" in text
    assert len(text.splitlines()) < 250
    html = cap.to_html()
    assert "more nodes not shown" in html and "more names not shown" in html
    assert len(html) < 200_000


def test_html_escapes_every_user_string_and_runs_no_script():
    evil = "<img src=x onerror=alert(1)>"
    cap = hand_made(
        ops=[op(f"ns/{evil}", "Const")],
        variables=[var(f"ns/{evil}", evil, creator="Variable", ns="ns")],
        scopes=[scope("name_scope", "ns", "ns", "")],
        error=ValueError("<script>alert(2)</script>"),
    )
    html = cap.to_html()
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    # The text view keeps the name intact.
    assert f"ns/{evil}" in cap.to_text()


def test_html_folds_with_details_and_dims_library_scopes():
    html = FOO_BAR.to_html()
    assert html.count("<details") == html.count("</details>") >= 2
    assert re.search(r"<span class='part-variable_scope'[^>]*>bar/</span>x", html)
    assert "sk-badge sk-vs" in html and "sk-badge sk-ns" in html


def test_views_are_deterministic():
    assert FOO_BAR.to_text() == FOO_BAR.to_text()
    assert FOO_BAR.to_html() == FOO_BAR.to_html()
    assert "0x" not in FOO_BAR.to_html()


def test_error_is_said_after_the_partial_tree():
    cap = hand_made(ops=[op("a")], error=ZeroDivisionError("division by zero"))
    assert cap.to_text().endswith(
        "The cell raised ZeroDivisionError: division by zero\n"
        "What it made before that is shown above."
    )


def test_thousands_deep_nesting_renders_without_recursion_errors():
    path = ""
    ops = [op("/".join(f"s{i}" for i in range(3000)) + "/deepest", "Const")]  # deepest first
    for i in range(3000):
        path = f"{path}/s{i}" if path else f"s{i}"
        ops.append(op(path + "/leaf", "Const"))  # a branch at every level
    cap = hand_made(ops=ops)
    text = cap.to_text()
    assert "more nodes not shown" in text
    assert "more nodes not shown" in cap.to_html()
