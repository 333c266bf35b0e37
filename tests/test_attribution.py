"""The attribution rules, on hand-made records: no TensorFlow needed."""

import pytest

from scopekit.attribution import explain, name_parts, prefix_from, prefix_of
from scopekit.records import ScopeRecord, VariableRecord


@pytest.mark.parametrize(
    "name, ns, vs, expected",
    [
        ("x", "", "", "none"),
        ("x", "foo", "bar", "none"),
        ("bar/x", "bar", "bar", "both"),
        ("foo/bar/x2", "foo/bar", "bar", "name_scope"),
        ("bar/x", "foo/bar", "bar", "variable_scope"),
        ("bar/x/Initializer/zeros", "foo/bar", "bar", "other"),
        ("my_scope_1/Add", "my_scope_1", "my_scope", "name_scope"),
        # A top-level variable_scope(..., auxiliary_name_scope=False): no name scope is
        # open, and the prefix is the variable scope alone (it merely starts with '').
        ("a/x", "", "a", "variable_scope"),
        # Prefixes that only start with a scope are neither that scope nor 'both'.
        ("a/b/x", "a", "a/b", "variable_scope"),
        ("ab/x", "a", "a", "other"),
        ("a/b/x", "a", "a", "other"),
    ],
)
def test_prefix_from_follows_the_rule_in_the_api(name, ns, vs, expected):
    assert prefix_from(name, ns, vs) == expected


def test_prefix_is_the_name_up_to_its_last_slash():
    assert prefix_of("a/b/c") == "a/b"
    assert prefix_of("c") == ""


def test_name_parts_mark_who_contributed_each_piece():
    assert name_parts("foo/bar/x2", "foo/bar", "bar") == [("foo/bar/", "name_scope"), ("x2", "own")]
    assert name_parts("bar/x", "foo/bar", "bar") == [("bar/", "variable_scope"), ("x", "own")]
    assert name_parts("bar/x", "bar", "bar") == [("bar/", "both"), ("x", "own")]
    # A library scope inside the variable scope: the variable scope's piece is still marked.
    assert name_parts("bar/x/Initializer/zeros", "foo/bar", "bar") == [
        ("bar/", "variable_scope"),
        ("x/Initializer/", "other"),
        ("zeros", "own"),
    ]
    # A prefix starting with the name scope: that piece is the name scope's, the rest other.
    assert name_parts("a/b/c", "a", "z") == [("a/", "name_scope"), ("b/", "other"), ("c", "own")]
    assert name_parts("top", "", "") == [("top", "own")]
    # The scopes agree and the prefix only starts with them.
    assert name_parts("a/b/c", "a", "a") == [("a/", "both"), ("b/", "other"), ("c", "own")]
    # The longer of two matching scopes wins.
    assert name_parts("a/b/c/d", "a", "a/b") == [
        ("a/b/", "variable_scope"),
        ("c/", "other"),
        ("d", "own"),
    ]
    # A scope that is a prefix of a component, not of a path, is no match.
    assert name_parts("ab/c", "a", "") == [("ab/", "other"), ("c", "own")]
    # A top-level auxiliary_name_scope=False variable: its prefix is the variable scope's.
    assert name_parts("a/x", "", "a") == [("a/", "variable_scope"), ("x", "own")]


def _var(name, requested, creator="get_variable", reused=False, ns="", vs=""):
    return VariableRecord(
        name=name,
        requested=requested,
        creator=creator,
        reused=reused,
        name_scope=ns,
        variable_scope=vs,
        prefix_from=prefix_from(name, ns, vs),
    )


def _scope(kind, requested, ns, vs, origin="user", default_name=None):
    return ScopeRecord(kind, requested, ns, vs, False, origin, default_name)


def test_get_variable_ignoring_a_name_scope_is_said_in_words():
    notes = explain([_var("bar/x", "x", ns="foo/bar", vs="bar")], [])
    assert [n.message for n in notes] == [
        "get_variable ignored name scope 'foo': bar/x follows variable scope 'bar'"
    ]
    notes = explain([_var("bar/w", "w", ns="bar/compute", vs="bar")], [])
    assert notes[0].message == (
        "get_variable ignored name scope 'compute': bar/w follows variable scope 'bar'"
    )
    notes = explain([_var("var1", "var1", ns="my_scope", vs="")], [])
    assert notes[0].message == (
        "get_variable ignored name scope 'my_scope': var1 follows the top level"
    )


def test_tf_variable_in_a_name_scope_is_not_a_surprise():
    assert explain([_var("my_scope/var2", "var2", creator="Variable", ns="my_scope")], []) == []


def test_reopened_scope_renamed_variable_and_reuse_are_called_out():
    scopes = [
        _scope("name_scope", "my_scope", "my_scope", ""),
        _scope("name_scope", "my_scope", "my_scope_1", ""),
        _scope("variable_scope", "vs", "vs_1", "vs"),
        _scope("variable_scope", None, "layer_1", "layer_1", default_name="layer"),
        _scope("name_scope", "Add", "my_scope_1/Add", "", origin="library"),
    ]
    variables = [
        _var("var_1_1", "var_1", creator="Variable"),
        _var("bar/x", "x", reused=True, ns="bar", vs="bar"),
    ]
    messages = [n.message for n in explain(variables, scopes)]
    assert messages == [
        "'my_scope' was reopened as 'my_scope_1'",
        "'vs' was reopened as 'vs_1': its ops go to 'vs_1/', its get_variable variables "
        "stay under 'vs/'",
        "default_name 'layer' was taken, so the scope became 'layer_1'",
        "'var_1' was renamed 'var_1_1' because the name was taken",
        "reused bar/x",
    ]


def test_the_same_note_is_said_once():
    scope = _scope("name_scope", "a", "a_1", "")
    assert len(explain([], [scope, scope])) == 1
