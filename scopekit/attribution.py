"""Which scope shaped each name: pure functions over records, no TensorFlow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Sequence, Tuple


def prefix_of(name: str) -> str:
    """The part of ``name`` before its last ``/`` ("" for a top-level name)."""
    cut = name.rfind("/")
    return name[:cut] if cut >= 0 else ""


def basename(name: str) -> str:
    """The part of ``name`` after its last ``/``."""
    return name[name.rfind("/") + 1 :]


def prefix_from(name: str, name_scope: str, variable_scope: str) -> str:
    """Which scope the prefix of ``name`` equals.

    ``"none"`` for a top-level name, ``"both"`` when the two scopes agree and the
    prefix is that scope, ``"name_scope"`` or ``"variable_scope"`` when it equals
    one of them, ``"other"`` otherwise (a library scope, a scope given by hand...).
    """
    prefix = prefix_of(name)
    if not prefix:
        return "none"
    from_ns = prefix == name_scope
    from_vs = prefix == variable_scope
    if from_ns and from_vs:
        return "both"
    if from_ns:
        return "name_scope"
    if from_vs:
        return "variable_scope"
    return "other"


def _ignored_part(name_scope: str, variable_scope: str) -> str:
    """The part of the name scope the variable scope does not account for.

    'foo/bar' around variable scope 'bar' -> 'foo'; 'bar/compute' inside
    variable scope 'bar' -> 'compute'; unrelated scopes -> the whole name scope.
    The caller asks only when the two differ.
    """
    vs = variable_scope
    if vs and name_scope.startswith(vs + "/"):
        return name_scope[len(vs) + 1 :]
    if vs and name_scope.endswith("/" + vs):
        return name_scope[: -len(vs) - 1]
    return name_scope


def name_parts(name: str, name_scope: str, variable_scope: str) -> List[Tuple[str, str]]:
    """Split ``name`` into (text, source) pieces: who contributed which part.

    Sources are ``"name_scope"``, ``"variable_scope"``, ``"both"``, ``"other"``
    for the prefix and ``"own"`` for the name's own last part. Joining the texts
    gives ``name`` back.
    """
    prefix = prefix_of(name)
    own = basename(name)
    if not prefix:
        return [(own, "own")]
    parts: List[Tuple[str, str]] = []
    source = prefix_from(name, name_scope, variable_scope)
    if source != "other":
        parts.append((prefix + "/", source))
    else:
        # The prefix may still start with one of the scopes: mark that piece.
        matched = ""
        matched_source = ""
        for scope, label in ((name_scope, "name_scope"), (variable_scope, "variable_scope")):
            if scope and prefix.startswith(scope + "/") and len(scope) > len(matched):
                matched, matched_source = scope, label
        if matched:
            if matched == name_scope and matched == variable_scope:
                matched_source = "both"
            parts.append((matched + "/", matched_source))
            parts.append((prefix[len(matched) + 1 :] + "/", "other"))
        else:
            parts.append((prefix + "/", "other"))
    parts.append((own, "own"))
    return parts


@dataclass(frozen=True, slots=True)
class Note:
    """A surprising naming event, said in words.

    ``kind`` is one of ``ignored_name_scope``, ``reopened``, ``renamed``, ``reused``,
    ``same_name`` (eager variables sharing one name), ``absolute`` (a name ending in
    ``/`` taken whole), ``partitioned`` (one variable in N pieces), ``custom_getter``
    (the variables a getter made).
    ``subject`` is the name the note is about.
    """

    kind: str
    subject: str
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def _variable_notes(var) -> Iterable[Note]:
    if var.creator == "get_variable" and var.name_scope and var.name_scope != var.variable_scope:
        # get_variable names every variable <variable scope>/<name asked> (a piece of a
        # partitioned one, <whole>/part_N): whatever the name scope adds is ignored.
        ignored = _ignored_part(var.name_scope, var.variable_scope)
        where = f"variable scope '{var.variable_scope}'" if var.variable_scope else "the top level"
        name = var.partition_of or var.name  # a piece speaks for its whole: one note, not N
        yield Note(
            "ignored_name_scope",
            name,
            f"get_variable ignored name scope '{ignored}': {name} follows {where}",
        )
    if var.reused:
        yield Note("reused", var.name, f"reused {var.name}")
    elif (
        var.creator == "Variable"
        and var.requested.endswith("/")
        and var.name == var.requested.rstrip("/")
    ):
        # tf.Variable takes a name ending in "/" whole, outside the scopes in force
        # (get_variable only drops the "/": its name follows the variable scope).
        outside = var.variable_scope or var.name_scope
        if outside and not var.name.startswith(outside + "/"):
            yield Note(
                "absolute",
                var.name,
                f"'{var.requested}' ends with '/', so it is used as the whole name: "
                f"{var.name}, not under '{outside}'",
            )
    elif var.requested and basename(var.name) != basename(var.requested.rstrip("/")):
        # A piece (table/part_0) or a custom getter's variable is recorded with the name
        # the store was asked for, so only a name TF made unique differs here.
        yield Note(
            "renamed",
            var.name,
            f"'{basename(var.requested.rstrip('/'))}' was renamed '{basename(var.name)}' "
            "because the name was taken",
        )


def _renamed_by_tf(asked: str, got: str) -> bool:
    """True when ``got`` is the name TF gives ``asked`` once it is taken: ``asked_N``.

    TF's unique names only ever append ``_N``; any other name in a scope record is
    not a renaming of the one asked for.
    """
    head, _, number = got.rpartition("_")
    return head == asked and number.isascii() and number.isdigit()


def _scope_notes(scope) -> Iterable[Note]:
    if scope.origin != "user":
        return
    asked = scope.requested if scope.requested is not None else scope.default_name
    if not asked or asked.endswith("/") or not scope.name_scope:
        return
    got = basename(scope.name_scope)
    if not _renamed_by_tf(basename(asked), got):
        # Same name, or a variable scope that opened no name scope
        # (auxiliary_name_scope=False): its record holds the outer name scope.
        return
    # A name scope opened by hand, or the one a variable scope opened for its ops.
    if scope.kind == "name_scope":
        yield Note("reopened", scope.name_scope, f"'{basename(asked)}' was reopened as '{got}'")
    elif scope.requested is None:
        yield Note(
            "reopened",
            scope.name_scope,
            f"default_name '{asked}' was taken, so the scope became '{got}'",
        )
    elif basename(scope.variable_scope) == basename(asked):
        yield Note(
            "reopened",
            scope.name_scope,
            f"'{basename(asked)}' was reopened as '{got}': its ops go to '{scope.name_scope}/', "
            f"its get_variable variables stay under '{scope.variable_scope}/'",
        )


def _same_name_notes(variables: Sequence) -> Iterable[Note]:
    """Eager variables keep the name they ask for: two can share one name."""
    counts: dict = {}
    for var in variables:
        if var.kind in ("eager", "keras") and not var.reused:
            counts[(var.graph, var.name)] = counts.get((var.graph, var.name), 0) + 1
    for (_, name), count in counts.items():
        if count > 1:
            yield Note(
                "same_name",
                name,
                f"{count} variables are named {name}: eager variables are not made unique "
                "(no _1 suffix), so a checkpoint by name cannot tell them apart",
            )


def _made_by_notes(variables: Sequence) -> Iterable[Note]:
    """Partitioned variables and custom getters: one note per whole, per getter call."""
    parts: dict = {}
    getters: dict = {}
    for var in variables:
        if var.partition_of and not var.reused:
            parts.setdefault((var.graph, var.partition_of), []).append(var.name)
        if var.getter and not var.reused:
            key = (var.graph, var.getter, var.variable_scope)
            getters.setdefault(key, []).append(var.name)
    for (_, whole), names in parts.items():
        yield Note(
            "partitioned",
            whole,
            f"{whole} is one variable in {len(names)} parts: {', '.join(names)}",
        )
    for (_, getter, _scope), names in getters.items():
        yield Note(
            "custom_getter",
            names[0],
            f"custom getter {getter} made {', '.join(names)}",
        )


def explain(variables: Sequence, scopes: Sequence) -> List[Note]:
    """The notes a learner should read, in the order the events happened.

    Scope notes come first (they explain the names that follow), then one group per
    variable. Identical notes are said once.
    """
    notes: List[Note] = []
    seen = set()
    for note in (
        [n for s in scopes for n in _scope_notes(s)]
        + [n for v in variables for n in _variable_notes(v)]
        + list(_same_name_notes(variables))
        + list(_made_by_notes(variables))
    ):
        if note not in seen:
            seen.add(note)
            notes.append(note)
    return notes
