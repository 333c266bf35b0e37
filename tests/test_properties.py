"""Property-based tests: random scope programs, run with and without capture().

Hypothesis writes programs of nested name_scope / variable_scope (by string, by
captured object, with default_name, reuse=True, AUTO_REUSE,
auxiliary_name_scope=False) holding tf.Variable, get_variable and ops, from a
tiny alphabet so names collide, scopes reopen and reuse fails often. For each:

* transparent: the same names (and the same error) as without the capture;
* complete: every op the graph gained is recorded, in order;
* faithful: every record agrees with what TensorFlow's own objects say.
"""

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scopekit import capture
from scopekit.attribution import prefix_from
from scopekit.hooks import hooks_installed

NAMES = st.sampled_from(["a", "b", "a_1"])

leaf = st.one_of(
    st.tuples(st.just("Variable"), NAMES),
    st.tuples(st.just("get_variable"), NAMES),
    st.tuples(st.just("op"), NAMES),
)


def _scopes(children):
    name_scope = st.tuples(st.just("name_scope"), NAMES, children)
    variable_scope = st.tuples(
        st.just("variable_scope"),
        NAMES,
        st.sampled_from(["string", "object", "default_name"]),
        st.sampled_from([None, True, "auto"]),
        st.booleans(),  # auxiliary_name_scope
        children,
    )
    return st.one_of(name_scope, variable_scope)


statements = st.recursive(leaf, lambda inner: _scopes(st.lists(inner, max_size=3)), max_leaves=8)
programs = st.lists(statements, min_size=1, max_size=4)


def execute(tf, program):
    """Run a program in the default graph; log what TensorFlow says it made."""
    v1 = tf.compat.v1
    log = {"names": [], "scopes": [], "variables": []}
    captured = []

    def run(stmts):
        for stmt in stmts:
            kind = stmt[0]
            if kind == "name_scope":
                with v1.name_scope(stmt[1]) as opened:
                    log["scopes"].append(("name_scope", opened.rstrip("/")))
                    run(stmt[2])
            elif kind == "variable_scope":
                _, name, how, reuse, auxiliary, body = stmt
                reuse = v1.AUTO_REUSE if reuse == "auto" else reuse
                if how == "object" and captured:
                    target, default = captured[len(body) % len(captured)], None
                elif how == "default_name":
                    target, default = None, name
                else:
                    target, default = name, None
                with v1.variable_scope(
                    target, default_name=default, reuse=reuse, auxiliary_name_scope=auxiliary
                ) as scope:
                    captured.append(scope)
                    graph = v1.get_default_graph()
                    log["scopes"].append(("variable_scope", graph.get_name_scope(), scope.name))
                    run(body)
            elif kind == "Variable":
                variable = tf.Variable(1.0, name=stmt[1])
                log["names"].append(variable.name)
                log["variables"].append(variable)
            elif kind == "get_variable":
                variable = v1.get_variable(stmt[1], shape=())
                log["names"].append(variable.name)
                log["variables"].append(variable)
            else:
                log["names"].append(tf.constant(1.0, name=stmt[1]).name)

    try:
        run(program)
        log["error"] = None
    except (ValueError, TypeError) as error:
        log["error"] = (type(error).__name__, str(error))
    return log


def check_program(tf, program):
    plain_graph = tf.Graph()
    with plain_graph.as_default():
        plain = execute(tf, program)
    with capture() as cap:
        seen = execute(tf, program)

    # Transparent.
    assert seen["names"] == plain["names"]
    assert seen["error"] == plain["error"]
    assert [op.name for op in cap.graph.get_operations()] == [
        op.name for op in plain_graph.get_operations()
    ]
    assert not hooks_installed()

    # Complete.
    assert [r.name for r in cap.ops] == [op.name for op in cap.graph.get_operations()]

    # Faithful: user scope records are the scopes TF says were opened, in order.
    user = [s for s in cap.scopes if s.origin == "user"]
    assert [
        ("name_scope", s.name_scope)
        if s.kind == "name_scope"
        else (s.kind, s.name_scope, s.variable_scope)
        for s in user
    ] == seen["scopes"]

    # Faithful: one record per call that returned, naming what TF returned.
    assert [r.name + ":0" for r in cap.variables] == [v.name for v in seen["variables"]]
    for record in cap.variables:
        assert record.prefix_from == prefix_from(
            record.name, record.name_scope, record.variable_scope
        )
        if record.creator == "get_variable":
            # get_variable names depend on the variable scope alone, except that
            # the graph suffixes a name a name scope already took (see
            # test_capture.test_get_variable_name_taken_by_a_name_scope).
            expected = (
                f"{record.variable_scope}/{record.requested}"
                if record.variable_scope
                else record.requested
            )
            assert record.name == expected or re.fullmatch(
                re.escape(expected) + r"_\d+", record.name
            )
            assert record.prefix_from in ("variable_scope", "both", "none")
        else:
            # tf.Variable names follow the name scope, suffixed when taken.
            assert record.name.rpartition("/")[0] == record.name_scope
            assert record.name.rpartition("/")[2].startswith(record.requested)
    for record in cap.ops:
        assert record.prefix_from == prefix_from(
            record.name, record.name_scope, record.variable_scope
        )
        if record.type == "Const" and not record.internal:
            assert record.name.rpartition("/")[0] == record.name_scope


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(program=programs)
# Examples Hypothesis found while this suite was written, kept as regular cases.
@example(program=[("variable_scope", "a", "string", True, True, [("get_variable", "a")])])
@example(program=[("name_scope", "a", [("get_variable", "a")])])
@example(
    program=[("name_scope", "a", []), ("variable_scope", "a", "string", None, True, [("op", "a")])]
)
@example(
    program=[
        ("variable_scope", "a", "string", None, False, [("get_variable", "a")]),
        ("variable_scope", "b", "object", True, True, [("get_variable", "a"), ("op", "a")]),
    ]
)
@example(program=[("variable_scope", "a", "default_name", "auto", True, [("Variable", "a_1")])])
def test_random_scope_programs(tf, program):
    check_program(tf, program)


@pytest.mark.parametrize(
    "program",
    [
        [("Variable", "a"), ("Variable", "a"), ("Variable", "a_1")],
        [("name_scope", "a_1", []), ("name_scope", "a", [("name_scope", "a", [("op", "a")])])],
    ],
)
def test_suffix_collisions(tf, program):
    check_program(tf, program)
