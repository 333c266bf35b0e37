"""The scope tree widget without a browser: a recording comm stands in for the front end.

As in ipywidgets' own tests, the comm records every message the widget sends; the
"front end" here sends the same anywidget command messages the browser view sends
(``experimental.invoke`` in scope_tree.js).
"""

from __future__ import annotations

import json
import re

import comm
import pytest
from comm.base_comm import BaseComm, CommManager

import scopekit
from scopekit import widget as widget_module
from scopekit.records import OpRecord, ScopeRecord
from scopekit.widget import PAGE, WIDGET_VIEW_MIME, ScopeTreeWidget

HOSTILE = "<img src=x onerror=alert(1)>"


class RecordingComm(BaseComm):
    """A comm whose messages land in a list instead of on a kernel socket."""

    kernel = "recording"  # ipywidgets only sends on comms that have a kernel

    def __init__(self, *args, **kwargs):
        self.messages = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        self.messages.append((msg_type, json.loads(json.dumps(data))))


@pytest.fixture
def comms(monkeypatch):
    """Every comm opened during the test, recording."""
    opened = []
    manager = CommManager()

    def create(*args, **kwargs):
        opened.append(RecordingComm(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(comm, "create_comm", create)
    monkeypatch.setattr(comm, "get_comm_manager", lambda: manager)
    return opened


def tree_comm(comms, widget):
    return next(c for c in comms if c.comm_id == widget.model_id)


_COMMANDS = {"expand": "expand", "detail": "describe", "search": "find", "reveal": "reveal"}


def from_browser(widget, content):
    """Deliver a request as the browser view sends it: an anywidget command."""
    request = {
        "kind": "anywidget-command",
        "id": f"request-{id(content)}",
        "name": _COMMANDS[content["type"]],
        "msg": {k: v for k, v in content.items() if k != "type"},
    }
    message = {"content": {"data": {"method": "custom", "content": request}}, "buffers": []}
    widget.comm.handle_msg(message)


def answers(widget, comms):
    """The answers the widget sent to commands, oldest first (and forget them)."""
    record = tree_comm(comms, widget)
    sent = [
        data["content"]["response"]
        for kind, data in record.messages
        if kind == "comm_msg"
        and data.get("method") == "custom"
        and data["content"].get("kind") == "anywidget-command-response"
    ]
    record.messages.clear()
    return sent


def first_show(widget, comms) -> dict:
    """The state the browser gets when the widget opens."""
    kind, data = tree_comm(comms, widget).messages[0]
    assert kind == "comm_open"
    return data["state"]


def labels_in(payload) -> set:
    return set(re.findall(r'"label": "([^"]*)"', json.dumps(payload)))


def hand_made(ops=(), variables=(), scopes=()):
    capture = scopekit.Capture(None, "fresh")
    capture.ops, capture.variables, capture.scopes = list(ops), list(variables), list(scopes)
    capture.closed = True
    return capture


def op(name, ns=None, vs="", type_="Identity"):
    ns = name.rpartition("/")[0] if ns is None else ns
    return OpRecord(name, type_, ns, vs, "", scopekit.attribution.prefix_from(name, ns, vs))


@pytest.fixture
def demo(tf):
    """The README example plus a series of 8 layers and a reused variable."""
    with scopekit.capture() as cap:
        v1 = tf.compat.v1
        with v1.name_scope("foo"), v1.variable_scope("bar"):
            x = v1.get_variable("x", shape=())
            tf.square(x, name="x2")
        for i in range(8):
            with v1.variable_scope(f"layer_{i}"):
                v1.get_variable("w", shape=(2, 2))
        with v1.variable_scope("bar", reuse=True):
            v1.get_variable("x")
    return cap


def detail_of(widget, comms, node_id) -> dict:
    """The detail pane's content, asked for as the browser does when a node is selected."""
    answers(widget, comms)
    from_browser(widget, {"type": "detail", "id": node_id})
    (answer,) = answers(widget, comms)
    assert answer["id"] == node_id
    return answer["detail"]


def node_by_label(batch, label):
    return next(n for n in batch["nodes"] if n["label"] == label)


# ---------------------------------------------------------------------------
# First show and lazy expansion


def test_first_show_sends_top_levels_only(comms, demo):
    widget = ScopeTreeWidget(demo)
    initial = first_show(widget, comms)["initial"]
    root = initial["batches"][0]
    assert root["id"] == initial["root"]
    assert [n["label"] for n in root["nodes"]] == ["foo", "bar", "layer_[0..7]"]
    # The user scopes of the first two levels start open (as in the static view);
    # the series and the variable's own ops do not.
    foo = node_by_label(root, "foo")
    foo_bar = node_by_label(initial["batches"][1], "bar")
    assert initial["open"] == [foo["id"], node_by_label(root, "bar")["id"], foo_bar["id"]]
    shown = labels_in(initial)
    assert "layer_3" not in shown and "Initializer" not in shown
    assert answers(widget, comms) == []  # nothing else was sent


def test_expand_sends_only_that_nodes_children(comms, demo):
    widget = ScopeTreeWidget(demo)
    series = node_by_label(first_show(widget, comms)["initial"]["batches"][0], "layer_[0..7]")
    assert series["kind"] == "series" and series["count"] == 8
    from_browser(widget, {"type": "expand", "id": series["id"], "page": 0})
    (answer,) = answers(widget, comms)
    (batch,) = answer["batches"]
    assert batch["id"] == series["id"] and batch["total"] == 8
    assert [n["label"] for n in batch["nodes"]] == [f"layer_{i}" for i in range(8)]
    # One level: the layers' own children (w, its initializer...) are not in it.
    assert "w" not in labels_in(answer)
    layer = batch["nodes"][0]
    from_browser(widget, {"type": "expand", "id": layer["id"], "page": 0})
    (answer,) = answers(widget, comms)
    assert [n["label"] for n in answer["batches"][0]["nodes"]] == ["w"]


def test_expand_of_unknown_node_is_ignored(comms, demo):
    widget = ScopeTreeWidget(demo)
    from_browser(widget, {"type": "expand", "id": 987654, "page": 0})
    assert answers(widget, comms) == [{"batches": []}]


def test_wide_node_is_sent_in_pages(comms):
    # 450 unnumbered siblings: no series, so the root is paged.
    widget = ScopeTreeWidget(hand_made(ops=[op(f"n{i}x") for i in range(450)]))
    initial = first_show(widget, comms)["initial"]
    root = initial["batches"][0]
    assert root["total"] == 450 and len(root["nodes"]) == PAGE
    from_browser(widget, {"type": "expand", "id": initial["root"], "page": 2})
    (answer,) = answers(widget, comms)
    assert [n["label"] for n in answer["batches"][0]["nodes"]] == [
        f"n{i}x" for i in range(400, 450)
    ]


def _first_show_bytes(capture, comms) -> tuple:
    """(tree bytes, all bytes) of the state the browser receives at first show."""
    widget = ScopeTreeWidget(capture)
    state = first_show(widget, comms)
    total = len(json.dumps(state))
    return len(json.dumps(state["initial"])), total


def _layers(n_layers, ops_per_layer):
    return [
        op(f"model/layer_{i}/dense/op{j}") for i in range(n_layers) for j in range(ops_per_layer)
    ]


def test_first_show_costs_the_same_for_100_and_100000_ops(comms):
    small_tree, small_all = _first_show_bytes(hand_made(ops=_layers(10, 10)), comms)
    big_tree, big_all = _first_show_bytes(hand_made(ops=_layers(1000, 100)), comms)
    print(
        f"first show: 100 ops {small_tree} B tree / {small_all} B total; "
        f"100,000 ops {big_tree} B tree / {big_all} B total"
    )
    assert big_tree < 1.2 * small_tree
    assert big_all < 1.1 * small_all


# ---------------------------------------------------------------------------
# What the nodes say


def test_node_kinds_badges_and_detail_of_bar_x(comms, demo):
    widget = ScopeTreeWidget(demo)
    initial = first_show(widget, comms)["initial"]
    root = initial["batches"][0]
    bar = node_by_label(root, "bar")
    assert [css for css, _letter, _words in bar["badges"]] == ["vs", "ns"]
    assert node_by_label(root, "foo")["badges"] == [["ns", "N", "name scope"]]
    bar_batch = next(b for b in initial["batches"] if b["id"] == bar["id"])
    x = node_by_label(bar_batch, "x")
    assert x["kind"] == "variable" and x["name"] == "bar/x"
    assert x["summary"] == "get_variable('x') x2, reused 1x"
    assert "detail" not in x  # sent only when the node is selected
    detail = detail_of(widget, comms, x["id"])
    first, second = detail["sections"][:2]
    assert first["parts"] == [["bar/", "variable_scope"], ["x", "own"]]
    rows = dict(first["rows"])
    assert rows["creator"] == "get_variable('x')"
    assert rows["name scope at creation"] == "'foo/bar'"
    assert rows["variable scope at creation"] == "'bar'"
    assert rows["prefix from"] == "variable scope"
    assert rows["reused"] == "no" and dict(second["rows"])["reused"] == "yes"
    assert rows["op type"] == "VarHandleOp"
    assert (
        "get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'"
        in detail["notes"]
    )


def test_renamed_variable_says_requested_and_final(comms, tf):
    with scopekit.capture() as cap:
        tf.Variable(1.0, name="v")
        tf.Variable(2.0, name="v")
    widget = ScopeTreeWidget(cap)
    nodes = first_show(widget, comms)["initial"]["batches"][0]["nodes"]
    v_1 = node_by_label({"nodes": nodes}, "v_1")
    renamed = dict(detail_of(widget, comms, v_1["id"])["sections"][0]["rows"])
    assert renamed["renamed"] == "yes: asked for 'v', got 'v_1'"
    assert renamed["creator"] == "tf.Variable(name='v')"


def test_library_scopes_are_dimmed_and_closed(comms):
    capture = hand_made(
        ops=[op("user/a"), op("lib/inner/b")],
        scopes=[
            ScopeRecord("name_scope", "user", "user", "", False, "user"),
            ScopeRecord("name_scope", "lib", "lib", "", False, "library"),
        ],
    )
    widget = ScopeTreeWidget(capture)
    initial = first_show(widget, comms)["initial"]
    lib = node_by_label(initial["batches"][0], "lib")
    user = node_by_label(initial["batches"][0], "user")
    assert lib["badges"] == [["lib", "lib", "library scope"]] and lib["dim"]
    assert lib["id"] not in initial["open"] and user["id"] in initial["open"]


def test_graphs_made_in_the_cell_get_their_own_node(comms):
    capture = hand_made(ops=[op("a/b"), OpRecord("c", "NoOp", "", "", "", "none", graph=1)])
    capture.graphs = [None, None]
    widget = ScopeTreeWidget(capture)
    nodes = first_show(widget, comms)["initial"]["batches"][0]["nodes"]
    assert [(n["label"], n["kind"]) for n in nodes] == [
        ("a", "scope"),
        ("Graph 1 (made in the cell)", "graph"),
    ]


def test_eager_capture_shows_each_graph_under_its_title(comms, tf):
    with scopekit.capture(eager=True) as cap:
        tf.Variable(1.0, name="v")

        @tf.function
        def f(x):
            with tf.name_scope("inside"):
                return x * 2.0

        f(tf.constant(1.0))
    widget = ScopeTreeWidget(cap)
    initial = first_show(widget, comms)["initial"]
    eager, traced = initial["batches"][0]["nodes"]
    assert (eager["label"], eager["kind"]) == ("Created eagerly (no graph)", "graph")
    assert traced["label"] == "Graph 1: tf.function 'f' traced in the cell"
    assert initial["open"][:2] == [eager["id"], traced["id"]]
    inside = node_by_label(initial["batches"][2], "inside")
    assert inside["id"] in initial["open"]  # a user scope on the second level
    rows = dict(detail_of(widget, comms, traced["id"])["sections"][0]["rows"])
    assert rows["graph"] == traced["label"]


# ---------------------------------------------------------------------------
# Search and the view toggle


def test_search_finds_an_unopened_node_and_sends_the_way_to_it(comms, demo):
    widget = ScopeTreeWidget(demo)
    root_id = first_show(widget, comms)["initial"]["root"]
    from_browser(widget, {"type": "search", "query": "LAYER_5/w", "index": 0})
    (answer,) = answers(widget, comms)
    search = answer["search"]
    assert search["name"] == "layer_5/w" and search["index"] == 0
    assert search["total"] > 1  # the variable's internal ops contain the text too
    chain = answer["batches"]
    assert chain[0]["id"] == root_id
    assert [b["id"] for b in chain] == answer["open"]
    # root -> series -> layer_5 -> w: each step's batch holds the next node.
    labels = [[n["label"] for n in b["nodes"]] for b in chain]
    assert "layer_[0..7]" in labels[0] and "layer_5" in labels[1] and labels[2] == ["w"]
    assert answer["select"] == chain[2]["nodes"][0]["id"]
    # The next match, and a wrap-around to the first.
    from_browser(widget, {"type": "search", "query": "layer_5/w", "index": search["total"]})
    assert answers(widget, comms)[0]["search"]["index"] == 0


def test_search_without_match_says_so(comms, demo):
    widget = ScopeTreeWidget(demo)
    from_browser(widget, {"type": "search", "query": "nothing-like-this", "index": 0})
    (answer,) = answers(widget, comms)
    assert answer["search"]["total"] == 0 and answer["batches"] == []


def test_search_reaches_past_the_first_page(comms):
    widget = ScopeTreeWidget(hand_made(ops=[op(f"n{i}x") for i in range(450)]))
    from_browser(widget, {"type": "search", "query": "n444x", "index": 0})
    (answer,) = answers(widget, comms)
    (batch,) = answer["batches"]
    assert batch["page"] == 2
    assert any(n["id"] == answer["select"] and n["label"] == "n444x" for n in batch["nodes"])


def test_view_toggle_moves_the_op_that_followed_the_name_scope(comms, demo):
    widget = ScopeTreeWidget(demo)
    first_show(widget, comms)
    widget.view = "variable"
    updates = [
        data["state"]
        for kind, data in tree_comm(comms, widget).messages
        if kind == "comm_msg" and data.get("method") == "update" and "initial" in data["state"]
    ]
    initial = updates[-1]["initial"]
    assert initial["view"] == "variable"
    assert "foo" not in [n["label"] for n in initial["batches"][0]["nodes"]]
    answers(widget, comms)
    # The browser asks for the node it had selected: foo/bar/x2 now sits under bar.
    from_browser(widget, {"type": "reveal", "name": "foo/bar/x2"})
    (answer,) = answers(widget, comms)
    assert [len(answer["batches"]), answer["batches"][-1]["nodes"][-1]["label"]] == [2, "x2"]
    assert any(n["label"] == "bar" for n in answer["batches"][0]["nodes"])


# ---------------------------------------------------------------------------
# Hostile names


def test_hostile_names_travel_as_plain_data(comms):
    capture = hand_made(
        ops=[op(f"{HOSTILE}/{HOSTILE}", type_="<script>alert(2)</script>")],
        scopes=[ScopeRecord("name_scope", HOSTILE, HOSTILE, "", False, "user")],
    )
    widget = ScopeTreeWidget(capture)
    initial = first_show(widget, comms)["initial"]
    outer = initial["batches"][0]["nodes"][0]
    assert outer["label"] == HOSTILE  # as data, not pre-escaped: the view inserts text
    leaf = initial["batches"][1]["nodes"][0]
    assert leaf["summary"] == "<script>alert(2)</script>"
    parts = detail_of(widget, comms, leaf["id"])["sections"][0]["parts"]
    assert parts[0] == [f"{HOSTILE}/", "name_scope"]


def test_view_code_never_parses_strings_as_html():
    source = (widget_module.STATIC / "scope_tree.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source, sink


def test_static_html_in_the_bundle_escapes_hostile_names(comms):
    capture = hand_made(ops=[op(f"{HOSTILE}/y")])
    html = capture._repr_mimebundle_()["text/html"]
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------------------
# Display: the widget joins text/plain and text/html when a kernel can show it


def test_bundle_without_a_kernel_is_the_static_views(shell, comms):
    bundle = hand_made(ops=[op("a/b")])._repr_mimebundle_()
    assert sorted(bundle) == ["text/html", "text/plain"]
    assert comms == []  # no widget was made


def test_bundle_in_a_kernel_adds_the_widget_view(shell, comms, monkeypatch):
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    bundle = hand_made(ops=[op("a/b")])._repr_mimebundle_()
    assert sorted(bundle) == [WIDGET_VIEW_MIME, "text/html", "text/plain"]
    model_id = bundle[WIDGET_VIEW_MIME]["model_id"]
    assert any(c.comm_id == model_id for c in comms)
    assert "a/" in bundle["text/plain"]


def test_bundle_falls_back_when_widgets_cannot_load(shell, comms, monkeypatch):
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    monkeypatch.setitem(__import__("sys").modules, "scopekit.widget", None)
    bundle = hand_made(ops=[op("a/b")])._repr_mimebundle_()
    assert sorted(bundle) == ["text/html", "text/plain"]


def test_scopes_magic_displays_the_widget_with_its_fallbacks(shell, comms, monkeypatch):
    from IPython.utils.capture import capture_output

    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    cell = "%%scopes\nwith tf.compat.v1.variable_scope('bar'):\n    tf.constant(1.0, name='c')"
    with capture_output() as shown:
        shell.run_cell(cell, store_history=False).raise_error()
    (output,) = shown.outputs
    assert sorted(output.data) == [WIDGET_VIEW_MIME, "text/html", "text/plain"]
    with capture_output() as shown:
        shell.run_cell("%%scopes --text\ntf.constant(1.0, name='c')").raise_error()
    assert sorted(shown.outputs[0].data) == ["text/plain"]


def test_scope_inside_a_variable_call_says_tensorflow_opened_it(comms, tf):
    with scopekit.capture() as cap:
        tf.compat.v1.get_variable("w", shape=(2,))
    widget = ScopeTreeWidget(cap)
    w = node_by_label(first_show(widget, comms)["initial"]["batches"][0], "w")
    from_browser(widget, {"type": "expand", "id": w["id"], "page": 0})
    (answer,) = answers(widget, comms)
    initializer = node_by_label(answer["batches"][0], "Initializer")
    assert initializer["dim"]
    rows = dict(detail_of(widget, comms, initializer["id"])["sections"][0]["rows"])
    assert rows["scope"] == "a scope TensorFlow opened inside a variable call, for its own ops"


# ---------------------------------------------------------------------------
# One widget per capture; a rerun releases the earlier run's graph


def test_one_widget_per_capture_across_displays(shell, comms, monkeypatch):
    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    capture = hand_made(ops=[op("a/b")])
    first = capture._repr_mimebundle_()[WIDGET_VIEW_MIME]["model_id"]
    second = capture._repr_mimebundle_()[WIDGET_VIEW_MIME]["model_id"]
    assert first == second
    assert len([c for c in comms if c.comm_id == first]) == 1


def test_rerunning_a_cell_closes_its_widget_and_frees_the_graph(shell, comms, monkeypatch, tf):
    import gc
    import weakref

    monkeypatch.setattr(shell, "kernel", object(), raising=False)
    monkeypatch.setattr(widget_module, "_running_cell_id", lambda: "cell-1")
    graphs, widgets = [], []
    for _run in range(2):  # the same cell, run twice
        with scopekit.capture() as cap:
            for i in range(3):
                tf.compat.v1.get_variable(f"w{i}", shape=(4,))
        graphs.append(weakref.ref(cap.graph))
        bundle = cap._repr_mimebundle_()
        widgets.append(widget_module.widget_for(cap))
        assert bundle[WIDGET_VIEW_MIME]["model_id"] == widgets[-1].model_id
        del cap, bundle
    gc.collect()
    # The first run's widget was closed when the cell showed its second one, and
    # no widget keeps a graph: with the capture gone, both graphs are freed.
    assert widgets[0].comm is None and widgets[1].comm is not None
    assert graphs[0]() is None and graphs[1]() is None
    # Nothing of scopekit's or ipywidgets' holds the closed widget either.
    closed = weakref.ref(widgets[0])
    widgets[0] = None
    comms.clear()  # the test's own record of the comms (a kernel drops closed ones)
    gc.collect()
    assert closed() is None
    widgets[1].close()
