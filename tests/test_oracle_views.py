"""The static HTML and text views read back, against the records they were made from.

The HTML is parsed with the standard library's HTMLParser (as a browser or a
sanitizer would see it) and compared with what the test knows it made: the tree's
nesting and order, one table row per variable call and per op asked for (variables
first), the notes, the headline, the error; cut views say how much they left out.
"""

from html.parser import HTMLParser

from scopekit.records import Capture
from scopekit.records import OpRecord, ScopeRecord, VariableRecord


def _prefix_from(name, ns, vs):
    prefix = name.rpartition("/")[0]
    if not prefix:
        return "none"
    return {
        (True, True): "both",
        (True, False): "name_scope",
        (False, True): "variable_scope",
        (False, False): "other",
    }[(prefix == ns, prefix == vs)]


def _op(name, ns, vs="", internal=False, type_="Const"):
    return OpRecord(name, type_, ns, vs, "", _prefix_from(name, ns, vs), 0, internal)


def _var(name, ns, vs, creator="get_variable", reused=False):
    requested = name.rpartition("/")[2]
    return VariableRecord(name, requested, creator, reused, ns, vs, _prefix_from(name, ns, vs))


def _capture(error=None):
    cap = Capture(graph=None, graph_mode="fresh")
    cap.scopes = [
        ScopeRecord("name_scope", "foo", "foo", "", False, "user", None, 0, 0),
        ScopeRecord("variable_scope", "bar", "foo/bar", "bar", False, "user", None, 0, 0),
        ScopeRecord("name_scope", "lib", "lib", "", False, "library", None, 0, 3),
    ]
    cap.ops = [
        _op("bar/x/Initializer/zeros", "foo/bar", "bar", internal=True),
        _op("bar/x", "foo/bar", "bar", internal=True, type_="VarHandleOp"),
        _op("foo/bar/x2", "foo/bar", "bar", type_="Square"),
        _op("lib/op", "lib", type_="Add"),
        *[_op(f"layer_{i}/w", f"layer_{i}", type_="MatMul") for i in range(6)],
        _op("top", ""),
    ]
    cap.variables = [
        _var("bar/x", "foo/bar", "bar"),
        _var("bar/x", "foo/bar", "bar", reused=True),
        _var("foo/v", "foo", "", creator="Variable"),
    ]
    cap.error = error
    cap.closed = True
    return cap


class _Reader(HTMLParser):
    """Collects the <li> tree (label of each item's first <code>), table rows, notes."""

    def __init__(self):
        super().__init__()
        self.stack = [{"label": None, "children": []}]
        self.in_code = False
        self.code_seen = []
        self.rows, self.row, self.cell = [], None, None
        self.lists = []  # class of each open <ul>
        self.notes, self.note = [], None
        self.paragraphs, self.paragraph = [], None
        self.details_open = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul":
            self.lists.append(attrs.get("class", ""))
        elif tag == "li" and self.lists and self.lists[-1] == "sk-notes":
            self.note = ""
        elif tag == "li":
            item = {"label": None, "children": [], "classes": attrs.get("class", "")}
            self.stack[-1]["children"].append(item)
            self.stack.append(item)
        elif tag == "code":
            self.in_code = True
            self.code_seen.append("")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
        elif tag == "p":
            self.paragraph = ""
        elif tag == "details":
            self.details_open.append("open" in attrs)

    def handle_endtag(self, tag):
        if tag == "ul":
            self.lists.pop()
        elif tag == "li" and self.note is not None:
            self.notes.append(self.note)
            self.note = None
        elif tag == "li":
            self.stack.pop()
        elif tag == "code":
            self.in_code = False
            text = self.code_seen.pop()
            item = self.stack[-1]
            if item["label"] is None and self.row is None:
                item["label"] = text
            if self.cell is not None:
                self.cell += text
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            self.rows.append(self.row)
            self.row = None
        elif tag == "p" and self.paragraph is not None:
            self.paragraphs.append(self.paragraph)
            self.paragraph = None

    def handle_data(self, data):
        if self.in_code:
            self.code_seen[-1] += data
        elif self.cell is not None:
            self.cell += data
        if self.note is not None:
            self.note += data
        if self.paragraph is not None:
            self.paragraph += data


def _read(html):
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def _shape(item):
    return [(child["label"], _shape(child)) for child in item["children"]]


def _tree_shape(node):
    return [(child.label, _tree_shape(child)) for child in node.children]


def test_html_tree_is_the_tree_nested_in_order():
    cap = _capture()
    reader = _read(cap.to_html())
    assert _shape(reader.stack[0]) == _tree_shape(cap.tree())
    top = [child.label for child in cap.tree().children]
    assert top == ["foo", "bar", "lib", "layer_[0..5]", "top"]


def test_html_table_has_one_row_per_call_and_per_op_asked_for():
    cap = _capture()
    header, *rows = _read(cap.to_html()).rows
    assert header == ["name", "made by", "name scope", "variable scope", "prefix from"]
    expected = [
        ("bar/x", "get_variable('x')", "foo/bar", "bar", "variable_scope"),
        ("bar/x", "get_variable('x')", "foo/bar", "bar", "variable_scope"),
        ("foo/v", "tf.Variable(name='v')", "foo", "-", "name_scope"),
        ("foo/bar/x2", "Square", "foo/bar", "bar", "name_scope"),
        ("lib/op", "Add", "lib", "-", "name_scope"),
        *[(f"layer_{i}/w", "MatMul", f"layer_{i}", "-", "name_scope") for i in range(6)],
        ("top", "Const", "-", "-", "none"),
    ]
    assert [tuple(row) for row in rows] == expected


def test_html_marks_each_prefix_by_who_made_it():
    html = _capture().to_html()
    assert (
        "<code><span class='part-variable_scope' title='from variable scope'>bar/</span>x</code>"
        in html
    )
    assert (
        "<code><span class='part-name_scope' title='from name scope'>foo/bar/</span>x2</code>"
        in (html)
    )
    assert "<code>top</code>" in html


def test_html_notes_headline_and_error():
    cap = _capture(error=ValueError("boom"))
    reader = _read(cap.to_html())
    assert (
        reader.notes
        == [n.message for n in cap.notes]
        == [
            "get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'",
            "reused bar/x",
        ]
    )
    assert "scopekit: 2 variables (3 calls), 11 ops, 2 scopes opened by the cell (fresh graph)" in (
        reader.paragraphs
    )
    assert (
        "The cell raised ValueError: boom\nWhat it made before that is shown above."
        in reader.paragraphs
    )


def test_html_opens_the_first_two_levels_and_dims_library_and_internal_parts():
    html = _capture().to_html()
    reader = _read(html)
    items = {item["label"]: item for item in _walk(reader.stack[0])}
    assert "sk-dim" in items["lib"]["classes"]  # a library scope
    assert "sk-dim" in items["Initializer"]["classes"]  # TF's own initializer ops
    assert "sk-dim" not in items["foo"]["classes"]
    # foo (depth 0) and bar (depth 1) start open; the series starts closed.
    assert "<details open><summary>\u25b8 <code>foo</code>" in html
    assert "<details><summary>\u25b8 <code>layer_[0..5]</code>" in html


def _walk(item):
    for child in item["children"]:
        yield child
        yield from _walk(child)


def test_cut_views_say_how_much_they_left_out():
    cap = _capture()
    total_nodes = sum(1 for _ in cap.tree().walk()) - 1
    html = cap.to_html(max_nodes=3, max_rows=2, max_notes=0)
    assert f"... {total_nodes - 3} more nodes not shown" in html
    assert "... 10 more names not shown" in html  # 12 rows, 2 shown
    assert "... 2 more notes not shown" in html
    text = cap.to_text(max_tree_lines=2, max_rows=2, max_notes=0)
    assert "... 10 more names not shown" in text
    assert "  ... 2 more notes not shown" in text


def test_text_table_and_notes():
    cap = _capture()
    lines = cap.to_text().split("\n")
    start = lines.index("Where each name came from")
    header = lines[start + 1].split()
    assert header[:2] == ["name", "made"]
    rows = [line.split() for line in lines[start + 2 : start + 14]]
    assert [r[0] for r in rows] == [
        "bar/x",
        "bar/x",
        "foo/v",
        "foo/bar/x2",
        "lib/op",
        *[f"layer_{i}/w" for i in range(6)],
        "top",
    ]
    assert rows[-1] == ["top", "Const", "-", "-", "none"]
    assert rows[2] == ["foo/v", "tf.Variable(name='v')", "foo", "-", "name_scope"]
    notes = lines.index("Notes")
    assert lines[notes + 1 : notes + 3] == [
        "  - get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'",
        "  - reused bar/x",
    ]
    assert (
        lines[0]
        == "scopekit: 2 variables (3 calls), 11 ops, 2 scopes opened by the cell (fresh graph)"
    )


def test_html_titles_each_graph_made_in_the_cell_and_says_what_the_graph_held():
    cap = _capture()
    cap.graphs = [None, None]
    cap.ops_before = 3
    cap.ops.append(OpRecord("other/op", "MatMul", "other", "", "/device:GPU:0", "none", 1))
    html = cap.to_html()
    assert html.count("<h4>Graph 1 (made in the cell)</h4><ul class='sk-tree'>") == 1
    assert (
        html.index("<code>foo</code>")
        < html.index("<h4>Graph 1")
        < html.index("<code>other</code>")
    )
    assert (
        "<p>The graph already held 3 ops from before: a name asked for again gets a _1, _2 ... "
        "suffix (--graph fresh gives the same names on every run).</p>" in html
    )
    # The placed op says its type and its device, dimmed.
    assert "<code>op</code> <span class='sk-dim'>MatMul on GPU:0</span>" in html
    assert "[graph 1] <code>" in html  # its table row says which graph


def test_html_badges_and_icons_read_without_styles():
    cap = _capture()
    cap.scopes += [
        ScopeRecord("name_scope", "both", "both", "", False, "user", None, 0, 12),
        ScopeRecord("variable_scope", "both", "both", "both", False, "user", None, 0, 12),
    ]
    cap.ops.append(_op("both/c", "both", "both"))
    html = cap.to_html()
    assert (
        '\u25b8 <code>foo</code> <span class="sk-badge sk-ns">name scope</span></summary>' in html
    )
    assert (
        '<code>both</code> <span class="sk-badge sk-vs">variable scope</span> + '
        '<span class="sk-badge sk-ns">name scope</span>' in html
    )
    assert "\u25cf <code>x</code>" in html  # a variable
    assert "\u25c6 <code>top</code> <span class='sk-dim'>Const</span></li>" in html  # an op
    assert html.startswith("<div class='scopekit-static'><style>") and html.endswith("</div>")
