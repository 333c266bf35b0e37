"""The notes a learner reads, on real TensorFlow programs.

Each note is checked whole (kind, subject, message), as ``Capture.to_dict()`` hands
it on, against what TensorFlow itself reports: the names it returned and the
scopes in force (``get_name_scope()``, ``get_variable_scope().name``). Cases where
no note is due matter as much: a false note teaches something untrue.
"""

import pytest

from scopekit import capture


def _notes(cap):
    return cap.to_dict()["notes"]


def test_get_variable_ignoring_an_unrelated_name_scope(tf):
    # A variable scope re-entered by object, without a name scope of its own, inside
    # name scope 'foo': get_variable follows 'bar' and ignores all of 'foo'.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("bar") as bar:
            pass
        with v1.name_scope("foo"):
            with v1.variable_scope(bar, auxiliary_name_scope=False):
                ns = v1.get_default_graph().get_name_scope()
                x = v1.get_variable("x", shape=())
    assert (ns, x.name) == ("foo", "bar/x:0")
    assert {
        "kind": "ignored_name_scope",
        "subject": "bar/x",
        "message": "get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'",
    } in _notes(cap)


def test_get_variable_with_a_slash_in_its_name_still_ignores_the_name_scope(tf):
    # get_variable("sub/w") in name scope 'foo': TF names it from the variable scope
    # and the asked name alone, so 'foo' was ignored here as much as for a plain "w".
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("foo"):
            top = v1.get_variable("sub/w", shape=())
        with v1.variable_scope("a"):
            with v1.name_scope("foo"):
                scopes = (v1.get_default_graph().get_name_scope(), v1.get_variable_scope().name)
                inner = v1.get_variable("sub/w", shape=())
    assert (top.name, inner.name, scopes) == ("sub/w:0", "a/sub/w:0", ("a/foo", "a"))
    assert _notes(cap) == [
        {
            "kind": "ignored_name_scope",
            "subject": "sub/w",
            "message": "get_variable ignored name scope 'foo': sub/w follows the top level",
        },
        {
            "kind": "ignored_name_scope",
            "subject": "a/sub/w",
            "message": "get_variable ignored name scope 'foo': a/sub/w follows variable scope 'a'",
        },
    ]


def test_get_variable_drops_a_trailing_slash_and_still_ignores_the_name_scope(tf):
    # Unlike a name scope, get_variable("x/") is not taken whole: TF names it
    # 'a/x' from the variable scope, and the name scope 'foo' is ignored.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("a"):
            with v1.name_scope("foo"):
                x = v1.get_variable("x/", shape=())
    assert x.name == "a/x:0"
    assert _notes(cap) == [
        {
            "kind": "ignored_name_scope",
            "subject": "a/x",
            "message": "get_variable ignored name scope 'foo': a/x follows variable scope 'a'",
        }
    ]


def test_a_tf_variable_is_never_said_to_ignore_a_name_scope(tf):
    # tf.Variable(name='bar/x') in name scope 'foo', variable scope 'foo/bar': its
    # name follows the name scope, as every tf.Variable's does.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("foo"):
            with v1.variable_scope("bar", auxiliary_name_scope=False):
                scopes = (v1.get_default_graph().get_name_scope(), v1.get_variable_scope().name)
                t = tf.Variable(1.0, name="bar/x")
    assert scopes == ("foo", "foo/bar") and t.name == "foo/bar/x:0"
    assert [n for n in _notes(cap) if n["kind"] == "ignored_name_scope"] == []


def test_reused_and_renamed_notes_name_their_variable(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("s"):
            v1.get_variable("w", shape=())
        with v1.variable_scope("s", reuse=True):
            reused = v1.get_variable("w", shape=())
        first = tf.Variable(1.0, name="v")
        second = tf.Variable(1.0, name="v")
    assert (reused.name, first.name, second.name) == ("s/w:0", "v:0", "v_1:0")
    notes = _notes(cap)
    assert {"kind": "reused", "subject": "s/w", "message": "reused s/w"} in notes
    assert {
        "kind": "renamed",
        "subject": "v_1",
        "message": "'v' was renamed 'v_1' because the name was taken",
    } in notes


def test_reopened_name_scope_note_names_the_scope_tf_opened(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("a"):
            pass
        with v1.name_scope("a") as again:
            pass
    assert again == "a_1/"
    assert _notes(cap) == [
        {"kind": "reopened", "subject": "a_1", "message": "'a' was reopened as 'a_1'"}
    ]


def test_reopened_variable_scope_note(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("vs"):
            pass
        with v1.variable_scope("vs") as again:
            pass
        with v1.variable_scope(None, default_name="layer"):
            pass
        with v1.variable_scope(None, default_name="layer") as layer:
            pass
    assert again.original_name_scope == "vs_1/" and layer.name == "layer_1"
    assert _notes(cap) == [
        {
            "kind": "reopened",
            "subject": "vs_1",
            "message": "'vs' was reopened as 'vs_1': its ops go to 'vs_1/', its get_variable "
            "variables stay under 'vs/'",
        },
        {
            "kind": "reopened",
            "subject": "layer_1",
            "message": "default_name 'layer' was taken, so the scope became 'layer_1'",
        },
    ]


def test_reentering_a_name_scope_by_its_full_name_is_no_surprise(tf):
    # name_scope('a/') re-enters 'a' itself, and name_scope(None) opens nothing:
    # no scope was renamed, so no note.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("a") as a:
            pass
        with v1.name_scope(a) as again:
            c = tf.constant(1.0, name="c")
        with v1.name_scope(None):
            d = tf.constant(1.0, name="d")
    assert (a, again, c.name, d.name) == ("a/", "a/", "a/c:0", "d:0")
    assert _notes(cap) == []


def test_auxiliary_name_scope_false_is_not_a_reopened_scope(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("bar") as bar:
            pass
        with v1.name_scope("foo"):
            with v1.variable_scope(bar, auxiliary_name_scope=False):
                # TF opened no name scope: the one in force is still 'foo'.
                assert v1.get_default_graph().get_name_scope() == "foo"
        with v1.name_scope("head"):
            # The same with a name: the scope is 'inner', its ops still go to 'head/'.
            with v1.variable_scope("inner", auxiliary_name_scope=False) as inner:
                assert v1.get_default_graph().get_name_scope() == "head"
        # A real reopening next to them is still said, with TF's own new name.
        with v1.variable_scope("bar") as again:
            opened = v1.get_default_graph().get_name_scope()
    assert (inner.name, again.name, opened) == ("inner", "bar", "bar_1")
    assert [n for n in _notes(cap) if n["kind"] == "reopened"] == [
        {
            "kind": "reopened",
            "subject": "bar_1",
            "message": "'bar' was reopened as 'bar_1': its ops go to 'bar_1/', "
            "its get_variable variables stay under 'bar/'",
        }
    ]


def test_eager_variables_sharing_a_name_are_counted(tf):
    with capture(eager=True) as cap:
        made = [tf.Variable(float(i), name="v") for i in range(3)]
        tf.Variable(1.0, name="solo")
    assert {v.name for v in made} == {"v:0"}
    assert [n for n in _notes(cap) if n["kind"] == "same_name"] == [
        {
            "kind": "same_name",
            "subject": "v",
            "message": "3 variables are named v: eager variables are not made unique "
            "(no _1 suffix), so a checkpoint by name cannot tell them apart",
        }
    ]


def test_keras_weights_sharing_a_name_are_counted(tf):
    keras = pytest.importorskip("keras")
    import numpy as np

    with capture(eager=True) as cap:
        one = keras.Variable(np.zeros(2), name="w")
        two = keras.Variable(np.zeros(2), name="w")
    assert one.name == two.name == "w"
    assert [v.kind for v in cap.variables] == ["keras", "keras"]
    same = [n for n in _notes(cap) if n["kind"] == "same_name"]
    assert [n["message"].split(":")[0] for n in same] == ["2 variables are named w"]


def test_graph_variables_in_two_graphs_share_no_name_note(tf):
    # Graph-mode names are unique per graph; two graphs may each hold 'v'.
    with capture() as cap:
        tf.Variable(1.0, name="v")
        with tf.Graph().as_default():
            other = tf.Variable(1.0, name="v")
    assert other.name == "v:0" and len(cap.graphs) == 2
    assert _notes(cap) == []


def test_an_eager_variable_reused_is_one_variable_not_two(tf):
    # Eager get_variable reuses through a variable store (what tf-keras's
    # track_tf1_style_variables keeps per layer): the second call returns the same
    # object, so no "2 variables are named s/w".
    from tensorflow.python.ops.variable_scope import EagerVariableStore

    v1 = tf.compat.v1
    with capture(eager=True) as cap:
        with EagerVariableStore().as_default():
            with v1.variable_scope("s", reuse=v1.AUTO_REUSE):
                first = v1.get_variable("w", shape=())
                second = v1.get_variable("w", shape=())
    assert first is second
    assert [(v.name, v.reused) for v in cap.variables] == [("s/w", False), ("s/w", True)]
    assert _notes(cap) == [{"kind": "reused", "subject": "s/w", "message": "reused s/w"}]


def test_a_tf_variable_named_with_a_trailing_slash_gets_only_the_absolute_note(tf):
    # tf.Variable(name="x/") in name scope 'foo' is named 'x' whole: the note says
    # so, and no "ignored name scope" note (that is get_variable's rule, not this).
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("foo"):
            x = tf.Variable(1.0, name="x/")
            y = tf.Variable(1.0, name="foo/y/")
    assert (x.name, y.name) == ("x:0", "foo/y:0")
    assert _notes(cap) == [
        {
            "kind": "absolute",
            "subject": "x",
            "message": "'x/' ends with '/', so it is used as the whole name: x, not under 'foo'",
        }
    ]


def _partitioned(tf, scope, shape, parts=2, name_scopes=None):
    """A partitioned variable; the name scope TF had in force is appended to name_scopes."""
    v1 = tf.compat.v1
    with v1.variable_scope(scope, reuse=v1.AUTO_REUSE):
        if name_scopes is not None:
            name_scopes.append(v1.get_default_graph().get_name_scope())
        return v1.get_variable("table", shape=shape, partitioner=v1.fixed_size_partitioner(parts))


def test_partitioned_variables_get_one_note_per_whole_naming_tfs_pieces(tf):
    # In a name scope of its own: get_variable ignores 'model', said once per whole
    # variable (a note per piece would only repeat it).
    name_scopes = []
    with capture() as cap:
        with tf.compat.v1.name_scope("model"):
            first = _partitioned(tf, "emb", [4, 2], name_scopes=name_scopes)
            # reused: its pieces are not new parts
            _partitioned(tf, "emb", [4, 2], name_scopes=name_scopes)
            second = _partitioned(tf, "pos", [6, 2], name_scopes=name_scopes)
    pieces = {p.name.split("/part_")[0]: [v.name[:-2] for v in p] for p in (first, second)}
    assert list(pieces) == ["emb/table", "pos/table"]
    notes = [n for n in _notes(cap) if n["kind"] not in ("reused", "reopened")]
    # What get_variable ignored: the name scope TF had in force, less the part the
    # variable scope accounts for ('model/emb' -> 'model'; 'model/emb_1' is all foreign).
    wholes = ["emb/table", "emb/table", "pos/table"]
    ignored = []
    for whole, ns in zip(wholes, name_scopes, strict=True):
        vs = whole.split("/")[0]
        ignored.append((whole, ns.removesuffix("/" + vs), vs))
    assert [i[1] for i in ignored] == ["model", "model/emb_1", "model"]
    assert notes == [
        {
            "kind": "ignored_name_scope",
            "subject": whole,
            "message": f"get_variable ignored name scope '{ns}': {whole} follows "
            f"variable scope '{vs}'",
        }
        for whole, ns, vs in ignored
    ] + [
        {
            "kind": "partitioned",
            "subject": whole,
            "message": f"{whole} is one variable in 2 parts: {', '.join(names)}",
        }
        for whole, names in pieces.items()
    ]


def test_partitioned_variables_of_two_graphs_are_two_wholes(tf):
    # The same whole name in two graphs: two variables, each with its own pieces.
    with capture() as cap:
        with tf.Graph().as_default():
            first = [v.name[:-2] for v in _partitioned(tf, "emb", [4, 2])]
        with tf.Graph().as_default():
            second = [v.name[:-2] for v in _partitioned(tf, "emb", [6, 2], parts=3)]
    assert first == second[:2]  # the same names, in two graphs
    assert [n["message"] for n in _notes(cap) if n["kind"] == "partitioned"] == [
        f"emb/table is one variable in 2 parts: {', '.join(first)}",
        f"emb/table is one variable in 3 parts: {', '.join(second)}",
    ]


def _doubling_getter(getter, name, *args, **kwargs):
    return getter(name + "/a", *args, **kwargs) + getter(name + "/b", *args, **kwargs)


def test_a_custom_getter_gets_one_note_per_scope_it_served(tf):
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.variable_scope("one", custom_getter=_doubling_getter):
            v1.get_variable("v", [2])
        with v1.variable_scope("two", custom_getter=_doubling_getter):
            v1.get_variable("w", [2])
        made = [v.name[:-2] for v in v1.global_variables()]
        with v1.variable_scope("one", custom_getter=_doubling_getter, reuse=True):
            v1.get_variable("v", [2])  # reused: the getter made nothing new
    assert made == ["one/v/a", "one/v/b", "two/w/a", "two/w/b"]
    # No "'v' was renamed 'a'": the getter chose those names, TF renamed nothing.
    assert [n for n in _notes(cap) if n["kind"] in ("custom_getter", "renamed")] == [
        {
            "kind": "custom_getter",
            "subject": made[0],
            "message": f"custom getter _doubling_getter made {made[0]}, {made[1]}",
        },
        {
            "kind": "custom_getter",
            "subject": made[2],
            "message": f"custom getter _doubling_getter made {made[2]}, {made[3]}",
        },
    ]


def test_names_ending_in_capital_x_are_not_cut(tf):
    # Names are compared whole: a trailing 'X' is part of the name, not a separator.
    v1 = tf.compat.v1
    with capture() as cap:
        first = tf.Variable(1.0, name="IDX")
        second = tf.Variable(1.0, name="IDX")
        with v1.name_scope("foo"):
            top = v1.get_variable("MAX", shape=())
            whole = tf.Variable(1.0, name="LUX/")
    assert [v.name for v in (first, second, top, whole)] == ["IDX:0", "IDX_1:0", "MAX:0", "LUX:0"]
    assert _notes(cap) == [
        {
            "kind": "renamed",
            "subject": "IDX_1",
            "message": "'IDX' was renamed 'IDX_1' because the name was taken",
        },
        {
            "kind": "ignored_name_scope",
            "subject": "MAX",
            "message": "get_variable ignored name scope 'foo': MAX follows the top level",
        },
        {
            "kind": "absolute",
            "subject": "LUX",
            "message": "'LUX/' ends with '/', so it is used as the whole name: LUX, "
            "not under 'foo'",
        },
    ]


def test_a_name_scope_given_whole_is_never_a_reopening_even_if_it_looks_numbered(tf):
    # name_scope("outer/_7/") enters the scope given whole: nothing was renamed.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("outer"), v1.name_scope("outer/_7/"):
            c = tf.constant(1.0, name="c")
    assert c.name == "outer/_7/c:0"
    assert _notes(cap) == []


def test_a_variable_scope_without_a_name_scope_inside_a_numbered_one_is_not_reopened(tf):
    # 'inner' opens no name scope (auxiliary_name_scope=False): its record holds the
    # outer 'layer_2', which the user named so; no scope was renamed.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("layer_2"):
            with v1.variable_scope("inner", auxiliary_name_scope=False):
                ns = v1.get_default_graph().get_name_scope()
                c = tf.constant(1.0, name="c")
    assert (ns, c.name) == ("layer_2", "layer_2/c:0")
    assert _notes(cap) == []


def test_get_variable_with_a_trailing_slash_is_not_said_to_be_taken_whole(tf):
    # At the top level get_variable("x/") and tf.Variable(name="t/") both give a bare
    # name, for different reasons: get_variable follows the (empty) variable scope and
    # drops the '/'; only tf.Variable takes the name whole.
    v1 = tf.compat.v1
    with capture() as cap:
        with v1.name_scope("foo"):
            x = v1.get_variable("x/", shape=())
            t = tf.Variable(1.0, name="t/")
    assert (x.name, t.name) == ("x:0", "t:0")
    assert _notes(cap) == [
        {
            "kind": "ignored_name_scope",
            "subject": "x",
            "message": "get_variable ignored name scope 'foo': x follows the top level",
        },
        {
            "kind": "absolute",
            "subject": "t",
            "message": "'t/' ends with '/', so it is used as the whole name: t, not under 'foo'",
        },
    ]
