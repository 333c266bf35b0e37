"""Property-based tests: random scope programs, run with and without capture().

Hypothesis writes programs of nested name_scope / variable_scope (by string, by
captured object, with default_name, reuse=True, AUTO_REUSE,
auxiliary_name_scope=False) holding tf.Variable, get_variable and ops, from a
tiny alphabet so names collide, scopes reopen and reuse fails often, sometimes
in a graph that already holds ops. For each:

* transparent: the same names (and the same error) as without the capture;
* complete: every op the graph gained is recorded, in order;
* faithful: every record agrees with what TensorFlow said while the program ran
  (``graph.get_name_scope()``, ``get_variable_scope()``, the scope objects and
  names TF returned, which ops each call added), and each ``prefix_from`` agrees
  with the small model of the rule below, never with scopekit's own function.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scopekit import capture
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


def expected_prefix_from(name, name_scope, variable_scope):
    """The documented rule, written again here as the oracle: equality, never 'starts with'.

    The prefix is everything before the last '/'. It came from a scope when it IS
    that scope's full name (as TF reported it at the call).
    """
    prefix = name.rpartition("/")[0]
    if not prefix:
        return "none"
    table = {
        (True, True): "both",
        (True, False): "name_scope",
        (False, True): "variable_scope",
        (False, False): "other",
    }
    return table[(prefix == name_scope, prefix == variable_scope)]


def _reuse_label(tf, reuse):
    if reuse is tf.compat.v1.AUTO_REUSE:
        return "AUTO_REUSE"
    return bool(reuse)


def execute(tf, program):
    """Run a program in the default graph; log what TensorFlow says at each step."""
    v1 = tf.compat.v1
    graph = v1.get_default_graph()
    start = len(graph.get_operations())
    log = {"names": [], "scopes": [], "variables": [], "calls": []}
    captured = []

    def scopes_now():
        return graph.get_name_scope(), v1.get_variable_scope().name

    def made(kind, before, ns, vs):
        # Which ops this one call added, and the scopes TF had in force at the call.
        log["calls"].append((kind, before, len(graph.get_operations()), ns, vs))

    def run(stmts):
        for stmt in stmts:
            kind = stmt[0]
            if kind == "name_scope":
                with v1.name_scope(stmt[1]) as opened:
                    ns, vs = scopes_now()
                    assert ns == opened.rstrip("/")
                    position = len(graph.get_operations()) - start
                    log["scopes"].append(("name_scope", stmt[1], ns, vs, position))
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
                    ns, vs = scopes_now()
                    assert vs == scope.name
                    if auxiliary:  # the name scope TF opened for this scope's ops
                        assert ns == scope.original_name_scope.rstrip("/") or how == "object"
                    asked = target.name if isinstance(target, v1.VariableScope) else target
                    position = len(graph.get_operations()) - start
                    log["scopes"].append(
                        (
                            "variable_scope",
                            asked,
                            ns,
                            vs,
                            position,
                            _reuse_label(tf, scope.reuse),
                            default,
                        )
                    )
                    run(body)
            else:
                ns, vs = scopes_now()
                before = len(graph.get_operations())
                if kind == "Variable":
                    made_object = tf.Variable(1.0, name=stmt[1])
                    log["variables"].append((made_object, stmt[1], "Variable", False, ns, vs))
                elif kind == "get_variable":
                    made_object = v1.get_variable(stmt[1], shape=())
                    # Reused: TF handed back a variable an earlier call returned.
                    reused = any(made_object is earlier[0] for earlier in log["variables"])
                    log["variables"].append((made_object, stmt[1], "get_variable", reused, ns, vs))
                else:
                    made_object = tf.constant(1.0, name=stmt[1])
                log["names"].append(made_object.name)
                made(kind, before, ns, vs)

    try:
        run(program)
        log["error"] = None
    except (ValueError, TypeError) as error:
        log["error"] = (type(error).__name__, str(error))
    log["start"] = start
    return log


def _prepare(tf, graph, ops_before):
    """Ops the graph holds before the program: names the program may ask for again."""
    with graph.as_default():
        for name in ["a", "b", "a_1", "a/b", "b/a"][:ops_before]:
            tf.constant(0.0, name=name)


def check_program(tf, program, ops_before=0):
    plain_graph = tf.Graph()
    _prepare(tf, plain_graph, ops_before)
    with plain_graph.as_default():
        plain = execute(tf, program)
    if ops_before:
        given = tf.Graph()
        _prepare(tf, given, ops_before)
        with capture(graph=given) as cap:
            seen = execute(tf, program)
    else:
        with capture() as cap:
            seen = execute(tf, program)
    graph_ops = cap.graph.get_operations()
    new_ops = graph_ops[seen["start"] :]

    # Transparent.
    assert seen["names"] == plain["names"]
    assert seen["error"] == plain["error"]
    assert [op.name for op in graph_ops] == [op.name for op in plain_graph.get_operations()]
    assert not hooks_installed()

    # Complete: the ops the graph gained, no more (none from before), in order.
    assert cap.ops_before == ops_before
    assert [(r.name, r.type) for r in cap.ops] == [(op.name, op.type) for op in new_ops]
    assert all(r.graph == 0 for r in cap.ops)

    # Faithful: one scope record per scope the program opened, as TF reported it,
    # placed among the ops by how many the block had made when it was entered.
    assert all(s.origin == "user" for s in cap.scopes)
    recorded = []
    for s in cap.scopes:
        if s.kind == "name_scope":
            recorded.append((s.kind, s.requested, s.name_scope, s.variable_scope, s.position))
        else:
            recorded.append(
                (
                    s.kind,
                    s.requested,
                    s.name_scope,
                    s.variable_scope,
                    s.position,
                    s.reuse,
                    s.default_name,
                )
            )
    assert recorded == seen["scopes"]

    # Faithful: one record per variable call that returned, as TF named it and with
    # the scopes TF had in force at the call.
    expected_vars = [
        (obj.name, requested, creator, reused, ns, vs)
        for obj, requested, creator, reused, ns, vs in seen["variables"]
    ]
    assert [
        (r.name + ":0", r.requested, r.creator, r.reused, r.name_scope, r.variable_scope)
        for r in cap.variables
    ] == expected_vars
    for record in cap.variables:
        assert record.prefix_from == expected_prefix_from(
            record.name, record.name_scope, record.variable_scope
        )
        assert record.shape == () and record.dtype == "float32"

    # Faithful: each op carries the scopes in force at the call that made it; the
    # ops a variable call made are that call's (internal), an op asked for is not.
    by_name = {r.name: r for r in cap.ops}
    for kind, first, last, ns, vs in seen["calls"]:
        for op in graph_ops[first:last]:
            record = by_name[op.name]
            assert (record.name_scope, record.variable_scope) == (ns, vs), op.name
            assert record.internal == (kind != "op"), op.name
            assert record.prefix_from == expected_prefix_from(op.name, ns, vs)
    assert sum(last - first for _, first, last, _, _ in seen["calls"]) == len(new_ops)


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
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


@settings(SETTINGS, max_examples=25)
@given(program=programs, ops_before=st.integers(min_value=1, max_value=5))
@example(
    program=[("name_scope", "a", [("op", "b")]), ("name_scope", "b", [("op", "a")])],
    ops_before=5,
)
def test_random_programs_in_a_graph_that_already_holds_ops(tf, program, ops_before):
    check_program(tf, program, ops_before)


@pytest.mark.parametrize(
    "program",
    [
        [("Variable", "a"), ("Variable", "a"), ("Variable", "a_1")],
        [("name_scope", "a_1", []), ("name_scope", "a", [("name_scope", "a", [("op", "a")])])],
        # A top-level variable scope that opens no name scope: the variable's prefix is
        # the variable scope, not the (empty) name scope.
        [("variable_scope", "a", "string", None, False, [("get_variable", "b"), ("op", "b")])],
    ],
)
def test_suffix_collisions_and_scopes_without_a_name_scope(tf, program):
    check_program(tf, program)


@pytest.mark.parametrize(
    "name, ns, vs, expected",
    [
        ("a/x", "", "a", "variable_scope"),
        ("a/b/x", "a", "a/b", "variable_scope"),
        ("a/b/x", "a/b", "a", "name_scope"),
        ("ab/x", "a", "ab", "variable_scope"),
        ("a/x", "a/x", "a/x", "other"),
    ],
)
def test_the_oracle_itself_uses_equality(name, ns, vs, expected):
    # The model above must not be a copy of a prefix check: these are the cases
    # where "the prefix starts with the scope" and "the prefix is the scope" differ.
    assert expected_prefix_from(name, ns, vs) == expected
