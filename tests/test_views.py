"""The tree and the three views (text, static HTML, widget payload), from hand-made records
and from real TensorFlow captures (TF's own objects are the oracle there)."""

import re
from html.parser import HTMLParser

from scopekit.attribution import prefix_from
from scopekit.records import Capture, OpRecord, ScopeRecord, VariableRecord
from scopekit.render.present import group_notes
from scopekit.tree import build_tree
from scopekit.widget import ScopeTreeWidget


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


# ---------------------------------------------------------------------------
# One presentation for the three views (scopekit/render/present.py)

class _TopLevel(HTMLParser):
    """The static tree's first level as a person sees it: text, open or not, dimmed or not."""

    def __init__(self):
        super().__init__()
        self.rows, self._depth, self._in_tree, self._row = [], 0, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "sk-tree" in (attrs.get("class") or ""):
            self._in_tree, self._depth = True, 0
        elif self._in_tree and tag == "ul":
            self._depth += 1
        elif self._in_tree and tag == "li" and self._depth == 0:
            self._row = {"text": "", "dim": "opacity" in (attrs.get("style") or ""), "open": False}
            self.rows.append(self._row)
        elif self._in_tree and tag == "details" and self._depth == 0:
            self._row["open"] = "open" in attrs

    def handle_endtag(self, tag):
        if self._in_tree and tag == "ul":
            if self._depth == 0:
                self._in_tree = False
            self._depth -= 1
        if tag == "summary" and self._depth == 0:
            self._row["done"] = True

    def handle_data(self, data):
        if self._in_tree and self._depth == 0 and self._row and not self._row.get("done"):
            self._row["text"] += data


def _first_levels(capture):
    """(label, badge words, dimmed, starts open) of each top-level row, per view."""
    text = []
    for line in capture.to_text().split("Scope tree", 1)[1].splitlines()[1:]:
        if not line.startswith("  ") or line.startswith("   "):
            if text and not line.strip():
                break
            continue
        label = line.strip().split("  ")[0].rstrip("/")
        text.append((label, re.findall(r"\[([a-z ]+(?: \+ [a-z ]+)*)\]", line)))
    parser = _TopLevel()
    parser.feed(capture.to_html())
    html = [
        (row["text"].split()[0], row["dim"], row["open"])
        for row in parser.rows
        if not row["text"].startswith("...")
    ]
    widget = ScopeTreeWidget(capture)
    initial = widget.initial
    nodes = initial["batches"][0]["nodes"]
    shown = [
        (n["label"], [w for _c, _l, w in n["badges"]], n["dim"], n["id"] in initial["open"])
        for n in nodes
    ]
    widget.close()
    return text, html, shown


LIBRARY_WITH_VARIABLES = hand_made(
    ops=[
        op("model/dense/kernel", "VarHandleOp", internal=True),
        op("model/dense/MatMul", "MatMul"),
        op("model/inner/Reshape", "Reshape"),
        op("helpers/x", "Identity"),
    ],
    variables=[var("model/dense/kernel", "kernel", creator="Variable", ns="model/dense")],
    scopes=[
        scope("name_scope", "model", "model", "", origin="library"),
        scope("name_scope", "dense", "model/dense", "", origin="library"),
        scope("name_scope", "inner", "model/inner", "", origin="library"),
        scope("name_scope", "helpers", "helpers", "", origin="library"),
    ],
)


def test_three_views_agree_on_the_first_level_and_show_library_scopes_with_variables():
    for capture in (FOO_BAR, LIBRARY_WITH_VARIABLES):
        text, html, widget = _first_levels(capture)
        assert [label for label, *_ in text] == [label for label, *_ in widget]
        assert [label for label, *_ in html] == [label for label, *_ in widget]
        # Badge words: the text view's brackets say what the widget's badges say.
        for (_, words), (_, badges, _, _) in zip(text, widget, strict=True):
            assert words == ([" + ".join(badges)] if badges else [])
        # Dimmed and starting open: the static view and the widget agree.
        assert [(d, o) for _, d, o in html] == [(d, o) for _, _, d, o in widget]
    _, html, widget = _first_levels(LIBRARY_WITH_VARIABLES)
    # A library scope holding a variable is open and not dimmed; one holding only
    # library ops is dimmed and closed.
    assert ("model", ["library scope"], False, True) in widget
    assert ("helpers", ["library scope"], True, False) in widget


def test_internal_ops_are_counted_on_their_call_and_listed_on_request():
    text = FOO_BAR.to_text()
    assert "x  <- get_variable('x')  (+2 internal ops)" in text
    assert "Initializer" not in text and "Assign" not in text
    listed = FOO_BAR.to_text(internal=True)
    assert "Initializer/" in listed and "Assign  AssignVariableOp" in listed
    html = FOO_BAR.to_html()
    assert "(+2 internal ops)" in html and "Initializer" not in html
    assert "Initializer" in FOO_BAR.to_html(internal=True)


def test_variable_view_keeps_internal_ops_with_their_variable():
    cap = hand_made(
        ops=[
            op("foo/v/Initializer/zeros", ns="foo/v/Initializer", internal=True),
            op("foo/v", "VarHandleOp", ns="foo", internal=True),
            op("foo/v/Assign", "AssignVariableOp", ns="foo/v", internal=True),
            op("foo/y", "Square", ns="foo"),
        ],
        variables=[var("foo/v", "v", creator="Variable", ns="foo")],
        scopes=[scope("name_scope", "foo", "foo", "")],
    )
    root = build_tree(cap.ops, cap.variables, cap.scopes, view="variable")
    # Before, the variable view put 'zeros' and 'Assign' at the top level beside 'v'.
    assert sorted(c.label for c in root.children) == ["v", "y"]
    assert {c.label for c in root.find("v").children} == {"Initializer", "Assign"}


def test_hostile_names_stay_on_one_line_in_text():
    cap = hand_made(
        ops=[op("a\nb", "Const", ns=""), op("evil\u202eexe.txt", "Const", ns="")],
        variables=[var("v\r\x1b[31m", "v\r\x1b[31m", creator="Variable")],
    )
    text = cap.to_text()
    assert "a\\nb  Const" in text and "evil\\u202eexe.txt" in text and "v\\r\\u001b[31m" in text
    assert "\u202e" not in text and "\r" not in text and "\x1b" not in text
    # Every tree and table line is still one line: the headline count says 3 rows each.
    assert len(text.splitlines()) == len(hand_made().to_text().splitlines()) + 3 + 5


def test_notes_are_grouped_by_pattern_most_instructive_first():
    from scopekit.attribution import Note

    notes = [Note("reused", "x", "reused x")]
    notes += [
        Note("reopened", f"b{i}_{j}", f"'b{i}' was reopened as 'b{i}_{j}'")
        for i in range(12)
        for j in range(1, 4)
    ]
    ignored = "get_variable ignored name scope 'n': v follows the top level"
    notes += [Note("ignored_name_scope", "v", ignored)]
    groups = group_notes(notes)
    assert [g.kind for g in groups] == ["ignored_name_scope", "reopened", "reused"]
    assert groups[1].count == 36
    assert groups[1].line == "'b0' was reopened as 'b0_1' (and 35 more like it: b0_1 ... b11_3)"


# ---------------------------------------------------------------------------
# The same rules on real TensorFlow captures (TF's own graph is the oracle)


def test_reads_tf_add_makes_for_itself_are_folded_not_listed(tf):
    import scopekit

    v1 = tf.compat.v1
    with scopekit.capture() as cap:
        made = tf.Variable(1.0, name="made")
        fetched = v1.get_variable("fetched", shape=())
        tf.add(made, fetched, name="total")
    graph_names = {o.name for o in cap.graph.get_operations()}
    reads = sorted(n for n in graph_names if n.startswith("total/"))
    assert reads, "TF made no reads inside total/: the test no longer tests anything"
    text = cap.to_text()
    table = text.split("Where each name came from")[1]
    assert re.search(r"^  total +AddV2 ", table, re.M)
    for read in reads:
        assert read not in text and read.rpartition("/")[2] not in table
    assert f"total  AddV2  (+{len(reads)} internal op" in text
    listed = cap.to_text(internal=True)
    assert all(read.rpartition("/")[2] in listed for read in reads)


def _keras_models(tf):
    import keras

    inputs = keras.Input((3,))
    functional = keras.Model(inputs, keras.layers.Dense(1, name="out")(inputs), name="func")

    class Regressor(keras.Model):
        def __init__(self):
            super().__init__(name="subclassed")
            self.hidden = keras.layers.Dense(2, name="hidden")

        def call(self, x):
            return self.hidden(x)

    subclassed = Regressor()
    subclassed(tf.zeros((1, 3)))

    class Module(tf.Module):
        def __init__(self):
            super().__init__(name="mod")
            with self.name_scope:
                self.w = tf.Variable(tf.zeros((2,)), name="w")

    return functional, subclassed, Module


def test_library_scopes_holding_user_weights_are_open_in_every_view(tf):
    import keras

    import scopekit

    with scopekit.capture(eager=True) as cap:
        model = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(2, name="hidden"), keras.layers.Dense(1)],
            name="regressor",
        )
        _functional, _subclassed, module_class = _keras_models(tf)
        module = module_class()
    # Oracle: the weights the models themselves list.
    expected = [w.path for w in model.weights] + [w.path for w in _functional.weights]
    expected += [w.path for w in _subclassed.weights] + [module.w.name.rpartition(":")[0]]
    text = cap.to_text()
    for path in expected:
        assert path in text
    widget = ScopeTreeWidget(cap)
    initial = widget.initial
    by_id = {node["id"]: node for batch in initial["batches"] for node in batch["nodes"]}
    eager = initial["batches"][1]  # the "Created eagerly" graph node's children
    by_label = {node["label"]: node for node in eager["nodes"]}
    # The functional model's layer scope 'out' and the subclassed model hold weights;
    # 'func' itself holds nothing (Keras builds its layers outside it).
    for top in ("regressor", "out", "subclassed"):
        node = by_label[top]
        assert not node["dim"] and node["id"] in initial["open"], top
    assert by_label["func"]["dim"] and by_label["func"]["id"] not in initial["open"]
    # The layers inside the Sequential model are shown, not dimmed.
    inside = next(b for b in initial["batches"] if b["id"] == by_label["regressor"]["id"])
    dims = {n["label"]: n["dim"] for n in inside["nodes"]}
    # Keras numbers its auto-names per process ('dense', 'dense_3'): ask the model.
    layer_names = [layer.name for layer in model.layers]
    assert layer_names[0] == "hidden" and all(dims.pop(name) is False for name in layer_names)
    assert list(dims.values()) == [True]  # Keras's own inner functional scope: empty, dimmed
    assert by_id
    html = cap.to_html()
    assert re.search(r"<details open><summary><code>regressor</code>", html)
    widget.close()


def test_reopened_blocks_fold_into_a_handful_of_rows_with_grouped_notes(tf):
    import scopekit

    v1 = tf.compat.v1
    with scopekit.capture() as cap:
        for i in range(60):  # the 40,601-op benchmark graph, smaller
            with v1.variable_scope("b%d" % (i // 10)):
                with v1.variable_scope("l%d" % i):
                    w = v1.get_variable("w", shape=(2,))
                    with tf.name_scope("act"):
                        tf.nn.relu(w)
    top = [c.label for c in cap.tree().children]
    assert len(top) <= 3, top
    assert "b[0..5]_[1..9]" in top or any(label.startswith("b[0..5]") for label in top)
    groups = group_notes(cap.notes)
    assert len(cap.notes) > 8 and len(groups) <= 8
    text = cap.to_text()
    notes = text.split("\nNotes\n")[1].splitlines()
    assert len(notes) <= 8
    html = cap.to_html()
    assert f"All {len(cap.notes)} notes" in html


def test_magic_internal_flag_lists_internal_ops(shell):
    from IPython.utils.capture import capture_output

    cell = "x = tf.compat.v1.get_variable('x', shape=())"
    with capture_output() as plain:
        shell.run_cell("%%scopes --text\n" + cell, store_history=False).raise_error()
    with capture_output() as listed:
        shell.run_cell("%%scopes --text --internal\n" + cell, store_history=False).raise_error()
    assert "internal op" in plain.outputs[0].data["text/plain"]
    assert "Initializer" not in plain.outputs[0].data["text/plain"]
    assert "Initializer" in listed.outputs[0].data["text/plain"]
    with capture_output() as both:
        shell.run_cell("%%scopes --internal\n" + cell, store_history=False).raise_error()
    assert "Initializer" in both.outputs[0].data["text/html"]


def test_v1_layer_scopes_holding_user_weights_are_open_in_every_view(tf):
    # tf.compat.v1.layers in graph mode: TF refuses it beside Keras 3, and tf-keras
    # ships the same legacy layers (see tests/test_checkpoint_plan.py's v1_layers).
    from tf_keras.api._v1.keras.__internal__ import legacy

    import scopekit

    with scopekit.capture() as cap:
        x = tf.compat.v1.placeholder(tf.float32, (None, 3), name="x")
        legacy.layers.dense(x, 2, name="hidden")
    # Oracle: the variables TF's graph holds.
    expected = [v.op.name for v in cap.graph.get_collection("variables")]
    assert expected == ["hidden/kernel", "hidden/bias"]
    text = cap.to_text()
    for name in expected:
        assert name in text
    widget = ScopeTreeWidget(cap)
    top = {node["label"]: node for node in widget.initial["batches"][0]["nodes"]}
    assert not top["hidden"]["dim"] and top["hidden"]["id"] in widget.initial["open"]
    assert re.search(r"<details open><summary><code>hidden</code>", cap.to_html())
    widget.close()
