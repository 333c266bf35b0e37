"""The static HTML and text views read back, against the records they were made from.

The HTML is parsed with the standard library's HTMLParser (as a browser or a
sanitizer would see it) and compared with what the test knows it made: the tree's
nesting and order, one table row per variable call and per op asked for (variables
first), the notes, the headline, the error; cut views say how much they left out.
"""

from html.parser import HTMLParser

from scopekit.records import Capture, OpRecord, ScopeRecord, VariableRecord


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
    """Reads the HTML as a sanitizer leaves it: text, nesting and a few attributes.

    Per tree (each ``<ul class='sk-tree'>``) the <li> items: label (the item's
    first <code>), path, the row's text, whether it starts open, whether it is
    styled dim; the table's rows (and each name cell's marked pieces); the note
    lines, the "all notes" lines; paragraphs and headings in document order.
    """

    def __init__(self):
        super().__init__()
        self.trees, self.stack = [], []
        self.in_code = False
        self.code_seen = []
        self.rows, self.row, self.cell = [], None, None
        self.marks, self.pieces, self.span = [], None, None
        self.lists = []  # class of each open <ul>
        self.notes, self.every_note, self.note = [], [], None
        self.paragraphs, self.paragraph = [], None
        self.blocks = []  # ("h4", text) and ("tree", root), in document order
        self.heading = None

    def _in(self, css):
        return css in self.lists

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul":
            css = attrs.get("class") or ""
            self.lists.append(css)
            if css == "sk-tree":
                root = {"label": None, "path": "", "children": []}
                self.trees.append(root)
                self.blocks.append(("tree", root))
                self.stack = [root]
        elif tag == "li" and self._in("sk-tree"):
            parent = self.stack[-1]
            item = {
                "label": None,
                "path": None,
                "children": [],
                "text": "",
                "open": False,
                "dim": "opacity" in (attrs.get("style") or ""),
                "parent": parent,
            }
            parent["children"].append(item)
            self.stack.append(item)
        elif tag == "li":
            self.note = ""
        elif tag == "details" and self._in("sk-tree"):
            self.stack[-1]["open"] = "open" in attrs
        elif tag == "code":
            self.in_code = True
            self.code_seen.append("")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""
            if tag == "td" and not self.row:
                self.pieces = []
        elif tag == "span" and self.pieces is not None:
            self.span = [attrs.get("class"), attrs.get("title"), ""]
        elif tag == "p":
            self.paragraph = ""
        elif tag == "h4":
            self.heading = ""

    def handle_endtag(self, tag):
        if tag == "ul":
            self.lists.pop()
        elif tag == "li" and self.note is not None:
            (self.notes if self._in("sk-notes") else self.every_note).append(self.note)
            self.note = None
        elif tag == "li" and self._in("sk-tree"):
            item = self.stack.pop()
            item.pop("parent")
        elif tag == "code":
            self.in_code = False
            text = self.code_seen.pop()
            item = self.stack[-1] if self.stack else None
            if item is not None and item["label"] is None and self.row is None:
                item["label"] = text
                item["path"] = f"{item['parent']['path']}/{text}".lstrip("/")
            if self.cell is not None:
                self.cell += text
        elif tag == "span" and self.span is not None:
            self.pieces.append(tuple(self.span))
            self.span = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
            if self.pieces is not None:
                self.marks.append(self.pieces)
                self.pieces = None
        elif tag == "tr":
            self.rows.append(self.row)
            self.row = None
        elif tag == "p" and self.paragraph is not None:
            self.paragraphs.append(self.paragraph)
            self.paragraph = None
        elif tag == "h4":
            self.blocks.append(("h4", self.heading))
            self.heading = None

    def handle_data(self, data):
        if self.in_code:
            self.code_seen[-1] += data
        elif self.cell is not None:
            self.cell += data
        if self.span is not None:
            self.span[2] += data
        elif self.pieces is not None and self.in_code:
            self.pieces.append(("own", None, data))
        if self.note is not None:
            self.note += data
        if self.paragraph is not None:
            self.paragraph += data
        if self.heading is not None:
            self.heading += data
        if len(self.stack) > 1 and self.row is None:
            self.stack[-1]["text"] += data


def _read(html):
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def _shape(item):
    return [(child["label"], _shape(child)) for child in item["children"]]


def _tree_shape(node):
    return [(child.label, _tree_shape(child)) for child in node.children]


def _walk(item):
    for child in item["children"]:
        yield child
        yield from _walk(child)


def _items(reader, tree=0):
    return {item["path"]: item for item in _walk(reader.trees[tree])}


def _row_text(item):
    """An item's row as a reader sees it, spaces folded."""
    return " ".join(item["text"].split())


# The tree the test's records make, as a reader should see it: what a call made for
# itself (bar/x's initializer) is folded into the call's row, not listed.
LAYERS = [(f"layer_{i}", [("w", [])]) for i in range(6)]
SHOWN = [
    ("foo", [("bar", [("x2", [])]), ("v", [])]),
    ("bar", [("x", [])]),
    ("lib", [("op", [])]),
    ("layer_[0..5]", LAYERS),
    ("top", []),
]
# Everything, when the internal ops are asked for.
EVERYTHING = [
    SHOWN[0],
    ("bar", [("x", [("Initializer", [("zeros", [])])])]),
    *SHOWN[2:],
]


def test_html_tree_is_the_tree_nested_in_order():
    cap = _capture()
    assert [child.label for child in cap.tree().children] == [label for label, _ in SHOWN]
    (tree,) = _read(cap.to_html()).trees
    assert _shape(tree) == SHOWN
    # Asked for, every node of the tree is listed, nested as the tree nests them.
    (tree,) = _read(cap.to_html(internal=True)).trees
    assert _shape(tree) == _tree_shape(cap.tree()) == EVERYTHING


def test_a_calls_own_ops_are_counted_on_its_row_and_listed_on_request():
    cap = _capture()
    items = _items(_read(cap.to_html()))
    # bar/x's initializer (one op below the variable) is counted, not listed.
    assert _row_text(items["bar/x"]) == "x \u2190 get_variable('x') x2, reused 1x (+1 internal op)"
    assert "    x  <- get_variable('x') x2, reused 1x  (+1 internal op)" in (
        cap.to_text().split("\n")
    )
    items = _items(_read(cap.to_html(internal=True)))
    assert "internal op" not in _row_text(items["bar/x"])
    assert _row_text(items["bar/x/Initializer"]) == "Initializer (internal)"
    assert items["bar/x/Initializer"]["dim"] and items["bar/x/Initializer/zeros"]["dim"]
    text = cap.to_text(internal=True).split("\n")
    assert "      Initializer/zeros  Const" in text


def test_text_tree_shows_the_same_rows():
    lines = _capture().to_text().split("\n")
    start = lines.index("Scope tree")
    assert lines[start + 1 : start + 11] == [
        "  foo/  [name scope]",
        "    bar/  [name scope of a variable scope]",
        "      x2  Square",
        "    v  <- tf.Variable(name='v')",
        "  bar/  [variable scope]",
        "    x  <- get_variable('x') x2, reused 1x  (+1 internal op)",
        "  lib/  [library scope]",
        "    op  Add",
        "  layer_[0..5]/  [series of 6: 6 ops, 0 variables]",
        "  top  Const",
    ]
    assert lines[start + 11] == ""


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


PREFIX_WORDS = {"name_scope": "name scope", "variable_scope": "variable scope"}


def test_html_marks_each_prefix_by_who_made_it():
    cap = _capture()
    reader = _read(cap.to_html())
    records = list(cap.variables) + [op for op in cap.ops if not op.internal]
    expected = []
    for record in records:
        prefix, _, own = record.name.rpartition("/")
        source = _prefix_from(record.name, record.name_scope, record.variable_scope)
        if source == "none":
            expected.append([("own", None, record.name)])
        else:
            title = f"from {PREFIX_WORDS[source]}"
            expected.append([(f"part-{source}", title, prefix + "/"), ("own", None, own)])
    assert reader.marks == expected
    # Read without colours, each prefix still says where it came from (its title).
    assert reader.marks[0][0] == ("part-variable_scope", "from variable scope", "bar/")
    assert reader.marks[3][0] == ("part-name_scope", "from name scope", "foo/bar/")


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


def test_html_opens_the_first_two_levels_and_dims_library_parts():
    cap = _capture()
    # A third level that holds something: it starts closed.
    cap.scopes = cap.scopes + (
        ScopeRecord("name_scope", "deep", "foo/bar/deep", "bar", False, "user", None, 0, 11),
    )
    cap.ops = cap.ops + (_op("foo/bar/deep/c", "foo/bar/deep", "bar"),)
    items = _items(_read(cap.to_html()))
    assert _shape(items["foo/bar/deep"]) == [("c", [])]
    # The first two levels start open; a series, a library scope and leaves do not.
    opened = {path for path, item in items.items() if item["open"]}
    assert {"foo", "foo/bar", "bar"} <= opened
    assert not {"lib", "layer_[0..5]", "top", "foo/v", "bar/x", "foo/bar/deep"} & opened
    assert not any(path.count("/") >= 2 and "layer_[" not in path for path in opened)
    # Only the scope holding nothing but a library's ops is dimmed, and says so in words.
    assert {path for path, item in items.items() if item["dim"]} == {"lib"}
    assert _row_text(items["lib"]) == "lib [lib] library scope"


def test_cut_views_say_how_much_they_left_out():
    cap = _capture()
    total_nodes = sum(1 for _ in cap.tree().walk()) - 1
    html = cap.to_html(max_nodes=3, max_rows=2, max_notes=0)
    reader = _read(html)
    (tree,) = reader.trees
    assert [item["text"] for item in tree["children"]][-1] == (
        f"... {total_nodes - 3} more nodes not shown"
    )
    assert "... 10 more names not shown" in reader.paragraphs  # 12 rows, 2 shown
    assert len(reader.rows) == 1 + 2
    # No note line before the tree; all of them one click away, none lost.
    assert reader.notes == []
    assert reader.every_note == [note.message for note in cap.notes]
    assert "All 2 notes" in html
    text = cap.to_text(max_tree_lines=2, max_rows=2, max_notes=0)
    assert "  ... 10 more names not shown" in text.split("\n")
    assert "  ... 2 more notes not shown (capture.notes lists them all)" in text.split("\n")
    assert not any(note.message in text for note in cap.notes)


def test_notes_of_one_pattern_read_as_one_line_and_each_stays_one_click_away():
    cap = Capture(graph=None, graph_mode="fresh")
    names = [f"s_{i}/w" for i in (2, 10, 3)]
    cap.variables = [_var(name, name.partition("/")[0], name.partition("/")[0]) for name in names]
    cap.variables = cap.variables + tuple(
        _var(name, name.partition("/")[0], name.partition("/")[0], reused=True) for name in names
    )
    cap.closed = True
    # Three reuses, one pattern: one line, its subjects in number order.
    line = "reused s_2/w (and 2 more like it: s_2/w ... s_10/w)"
    reader = _read(cap.to_html())
    assert reader.notes == [line]
    assert reader.every_note == [f"reused {name}" for name in names]
    assert "  - " + line in cap.to_text().split("\n")


def _tree_section(text):
    lines = text.split("\n")
    start = lines.index("Scope tree") + 1
    return lines[start : lines.index("", start)]


def test_text_tree_says_how_many_rows_it_cut():
    cap = _capture()
    rows = _tree_section(cap.to_text())
    assert len(rows) == 10  # the ten rows of test_text_tree_shows_the_same_rows
    assert _tree_section(cap.to_text(max_tree_lines=2)) == [
        *rows[:2],
        f"  ... {len(rows) - 2} more nodes not shown",
    ]
    assert _tree_section(cap.to_text(max_tree_lines=len(rows))) == rows


def test_text_tree_joins_bare_chains_names_both_kinds_and_escapes_controls():
    cap = Capture(graph=None, graph_mode="fresh")
    cap.scopes = [
        ScopeRecord("name_scope", "both", "both", "", False, "user", None, 0, 0),
        ScopeRecord("variable_scope", "both", "both", "both", False, "user", None, 0, 0),
    ]
    cap.ops = [
        _op("both/c", "both", "both"),
        _op("deep/a/b/c", "deep/a/b"),  # three bare scopes: one row
        _op("tab\tcr\rend", ""),
    ]
    cap.closed = True
    assert _tree_section(cap.to_text()) == [
        "  both/  [variable scope + name scope]",
        "    c  Const",
        "  deep/a/b/c  Const",
        "  tab\\tcr\\rend  Const",
    ]


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
    other = OpRecord("other/op", "MatMul", "other", "", "/device:GPU:0", "none", 1)
    cap.ops = cap.ops + (other,)
    reader = _read(cap.to_html())
    # The main tree, then the heading of the graph made in the cell, then its tree.
    blocks = [(kind, value if kind == "h4" else _shape(value)) for kind, value in reader.blocks]
    trees = [value for kind, value in blocks if kind == "tree"]
    assert trees == [SHOWN, [("other", [("op", [])])]]
    graph_1 = blocks.index(("h4", "Graph 1 (made in the cell)"))
    assert blocks[graph_1 - 1] == ("tree", SHOWN) and blocks[graph_1 + 1][0] == "tree"
    assert blocks.count(("h4", "Graph 1 (made in the cell)")) == 1
    assert (
        "The graph already held 3 ops from before: a name asked for again gets a _1, _2 ... "
        "suffix (--graph fresh gives the same names on every run)." in reader.paragraphs
    )
    # The placed op says its type and its device (TF's device string, shortened).
    assert _row_text(_items(reader, tree=1)["other/op"]) == "op MatMul on GPU:0"
    # Its table row says which graph.
    assert ["[graph 1] other/op", "MatMul", "other", "-", "none"] in reader.rows


def test_html_badges_read_without_styles_and_without_glyphs():
    cap = _capture()
    cap.scopes = cap.scopes + (
        ScopeRecord("name_scope", "both", "both", "", False, "user", None, 0, 12),
        ScopeRecord("variable_scope", "both", "both", "both", False, "user", None, 0, 12),
    )
    cap.ops = cap.ops + (_op("both/c", "both", "both"),)
    html = cap.to_html()
    items = _items(_read(html))
    # Each kind in letters and words, readable where colours and classes are stripped.
    assert _row_text(items["foo"]) == "foo [N] name scope"
    assert _row_text(items["foo/bar"]) == "bar [N] name scope of a variable scope"
    assert _row_text(items["bar"]) == "bar [V] variable scope"
    assert _row_text(items["both"]) == "both [V] variable scope [N] name scope"
    assert _row_text(items["foo/v"]) == "v \u2190 tf.Variable(name='v')"  # a variable
    assert _row_text(items["top"]) == "top Const"  # an op: its type
    legend = [p for p in _read(html).paragraphs if p.startswith("Key:")]
    assert legend == [
        "Key: [N] name scope [V] variable scope [lib] library scope; "
        "name parts: from name scope from variable scope"
    ]
    # No stylesheet, no script, no marker glyph of its own (the browser draws <details>').
    assert "<style" not in html and "<script" not in html
    assert not set("\u25b8\u25be\u25cf\u25c6") & set(html)
    assert html.startswith("<div class='scopekit-static'>") and html.endswith("</div>")


class _StrayText(HTMLParser):
    """Text a browser would show where the markup has no place for it (between list
    items or table rows, or between the blocks of the view), plus all text in order."""

    HOLDERS = ("div", "ul", "table", "tr")

    def __init__(self):
        super().__init__()
        self.open, self.stray, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "hr", "img"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data):
        self.text.append(data)
        if data.strip() and (not self.open or self.open[-1] in self.HOLDERS):
            self.stray.append(data)


def _stray(html):
    reader = _StrayText()
    reader.feed(html)
    reader.close()
    return reader


def test_html_has_no_text_outside_its_rows_and_no_more_line_when_all_rows_fit():
    cap = _capture()
    reader = _stray(cap.to_html())
    assert reader.stray == []
    # All 13 records fit in the table: nothing is said to be left out.
    assert "more names not shown" not in "".join(reader.text)
    # An empty capture has no table and no stray text either.
    empty = Capture(graph=None, graph_mode="fresh")
    empty.closed = True
    reader = _stray(empty.to_html())
    assert reader.stray == []
    assert "Where each name came from" not in "".join(reader.text)


def test_html_lists_top_level_internal_ops_when_asked_for():
    cap = Capture(graph=None, graph_mode="fresh")
    cap.ops = [_op("save/Const", "save", internal=True), _op("y", "", type_="Add")]
    cap.closed = True
    assert [label for label, _ in _shape(_read(cap.to_html()).trees[0])] == ["y"]
    shown = _shape(_read(cap.to_html(internal=True)).trees[0])
    assert [label for label, _ in shown] == ["save", "y"]


def test_html_shows_a_bidi_control_in_a_name_as_its_code_point():
    cap = Capture(graph=None, graph_mode="fresh")
    cap.ops = [_op("evil\u202eexe", "", type_="Add")]
    cap.closed = True
    html = cap.to_html()
    assert "\u202e" not in html
    assert "evil\\u202eexe" in "".join(_stray(html).text)


def test_html_draws_sixty_one_levels_and_counts_the_deeper_ones():
    from scopekit.render.html import MAX_DEPTH

    # One op at the end of a chain of 62 scopes: 63 nodes, depths 0 to 62.
    path = "/".join(f"a{i}" for i in range(62))
    cap = Capture(graph=None, graph_mode="fresh")
    cap.ops = [_op(f"{path}/op", path, type_="Add")]
    cap.closed = True
    (tree,) = _read(cap.to_html(max_nodes=1000)).trees
    depth, item = 0, tree
    while item["children"] and item["children"][0]["label"] is not None:
        item, depth = item["children"][0], depth + 1
    assert depth == MAX_DEPTH + 1  # levels 0 .. MAX_DEPTH are drawn
    left_out = 63 - (MAX_DEPTH + 1)
    assert f"... {left_out} more nodes not shown" in "".join(_stray(cap.to_html()).text)


def test_text_titles_graphs_with_ops_says_what_the_graph_held_and_marks_table_rows():
    cap = _capture()
    cap.graphs = [None, None, None]  # graph 2 was made in the cell and holds nothing
    cap.ops_before = 3
    cap.ops = cap.ops + (OpRecord("other/op", "MatMul", "other", "", "", "none", 1),)
    lines = cap.to_text().split("\n")
    titles = [line for line in lines if line.startswith("Scope tree")]
    assert titles == ["Scope tree", "Scope tree of graph 1 (made in the cell)"]
    assert any("already held 3 ops from before" in line for line in lines[:3])
    rows = lines[lines.index("Where each name came from") + 1 :]
    assert any(row.strip().startswith("[graph 1] other/op") for row in rows)


def test_text_lists_internal_ops_below_a_joined_chain_when_asked_for():
    from scopekit.render.text import tree_lines

    cap = Capture(graph=None, graph_mode="fresh")
    # 'outer/inner' is a bare chain (one line); the variable below it has an initializer.
    cap.ops = [_op("outer/inner/w/Initializer/zeros", "outer/inner/w", internal=True)]
    cap.variables = [_var("outer/inner/w", "outer/inner", "", creator="Variable")]
    cap.closed = True
    assert not any("Initializer" in line for line in cap.to_text().split("\n"))
    assert any("Initializer" in line for line in cap.to_text(internal=True).split("\n"))
    # tree_lines on its own counts them, as the view does by default.
    assert not any("Initializer" in line for line in tree_lines(cap.tree()))
    assert any("internal op" in line for line in tree_lines(cap.tree()))


def test_text_sections_are_set_apart_and_the_table_header_names_the_columns():
    cap = _capture(error=ValueError("boom"))
    lines = cap.to_text().split("\n")
    assert lines[0].startswith("scopekit: ")  # the headline stays when the cell raised
    # Each section starts after one blank line.
    for title in ("Scope tree", "Where each name came from", "Notes"):
        assert lines[lines.index(title) - 1] == ""
    assert lines[-3] == ""
    assert lines[-2:] == [
        "The cell raised ValueError: boom",
        "What it made before that is shown above.",
    ]
    header = lines[lines.index("Where each name came from") + 1]
    columns = ["name", "made by", "name scope", "variable scope", "prefix from"]
    assert [cell for cell in header.strip().split("  ") if cell.strip()] == columns
    # A capture that made nothing says so under its tree title.
    empty = Capture(graph=None, graph_mode="fresh")
    empty.closed = True
    lines = empty.to_text().split("\n")
    assert lines[lines.index("Scope tree") + 1] == "  (nothing)"
