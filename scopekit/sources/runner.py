"""Running an example: a fresh graph, its prints and asserts observed, its claims checked.

The example's code runs under ``scopekit.capture()`` (a fresh ``tf.Graph`` in graph
mode, as TensorFlow 1 ran), with ``tf`` already bound as every source assumes.
Before it runs, its ``print(...)`` calls and ``assert`` statements are rewritten to
also record what they printed or compared, so a claim made inside a function
(``assert v.name == "v:0"`` in ``mysum``) can be checked. An ``assert`` records its
value instead of stopping the program, so one claim that fails does not hide the
claims after it; the printed text, the names and the graph are the same either way.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import logging
from collections import Counter
from dataclasses import dataclass

from ..hooks import capture, import_tensorflow
from .model import (
    Check,
    Claim,
    Example,
    Result,
    describe_error,
    normal_expression,
    same_printed,
    same_signature,
    value_text,
)

_OBSERVE = "__scopekit_observe__"
_PRINT = "__scopekit_print__"


@dataclass(frozen=True)
class Observation:
    """One print or assert that ran: which expression, and what it gave."""

    kind: str  # "print" or "assert"
    expression: str  # normalised with normal_expression
    text: str


class _Instrument(ast.NodeTransformer):
    """Rewrites ``print(...)`` statements and ``assert`` statements to record themselves."""

    def visit_Assert(self, node: ast.Assert):
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)
            and isinstance(test.comparators[0], ast.Constant)
        ):
            observed = test.left  # assert <observed> == <claimed literal>
        else:
            observed = test  # assert <observed>: claims True
        call = _call(_OBSERVE, [ast.Constant(normal_expression(ast.unparse(observed))), observed])
        return ast.copy_location(ast.Expr(call), node)

    def visit_Expr(self, node: ast.Expr):
        value = node.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "print"
        ):
            label = normal_expression(", ".join(ast.unparse(arg) for arg in value.args))
            call = _call(_PRINT, [ast.Constant(label), *value.args], value.keywords)
            return ast.copy_location(ast.Expr(call), node)
        return node


def _call(name: str, args, keywords=()):
    return ast.Call(
        func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=list(keywords)
    )


def _compile(example: Example):
    tree = _Instrument().visit(ast.parse(example.code))
    ast.fix_missing_locations(tree)
    return compile(tree, f"<scopekit example {example.id}>", "exec")


class _CollectLogs(logging.Filter):
    """Keeps TensorFlow's log warnings (op_scope's deprecation) as part of the result."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.messages.append(record.getMessage())
        return False  # shown in the result's view, not on stderr


@contextlib.contextmanager
def _tensorflow_logs():
    logger = logging.getLogger("tensorflow")
    collect = _CollectLogs()
    logger.addFilter(collect)
    try:
        yield collect.messages
    finally:
        logger.removeFilter(collect)


def _chain(example: Example) -> list[Example]:
    """The examples that run before this one in the same program, oldest first."""
    chain: list[Example] = []
    current = example
    while current.after is not None:
        current = current.after
        if current in chain or current is example:
            raise ValueError(f"example {example.id!r} runs after itself")
        chain.insert(0, current)
    return chain


def run_example(example: Example) -> Result:
    """Run ``example`` (after the examples it follows) in one fresh graph; check its claims."""
    tf = import_tensorflow()
    observations: list[Observation] = []

    def observe(expression, value):
        observations.append(Observation("assert", expression, value_text(value)))

    def recording_print(expression, *args, **kwargs):
        if "file" in kwargs:  # printing somewhere else: not the program's output
            print(*args, **kwargs)
            return
        buffer = io.StringIO()
        print(*args, file=buffer, **kwargs)
        text = buffer.getvalue()
        print(text, end="")
        observations.append(Observation("print", expression, text))

    namespace: dict[str, object] = {
        "__name__": "__scopekit_example__",
        "tf": tf,
        _OBSERVE: observe,
        _PRINT: recording_print,
    }
    stdout = io.StringIO()
    result = Result(example=example, capture=None)
    own_output_starts = 0
    with _tensorflow_logs() as logged:
        try:
            with contextlib.redirect_stdout(stdout), capture() as captured:
                result.capture = captured
                for earlier in _chain(example):
                    exec(_compile(earlier), namespace)  # noqa: S102 - the catalog's own code
                observations.clear()  # only this example's prints and asserts count
                del logged[:]
                own_output_starts = len(stdout.getvalue())
                exec(_compile(example), namespace)  # noqa: S102 - the catalog's own code
        except Exception as error:  # noqa: BLE001 - the error is part of the result
            result.error = error
    result.stdout = stdout.getvalue()[own_output_starts:]
    result.logged = list(logged)
    seen: Counter = Counter()
    for claim in example.claims:
        result.checks.append(_check(claim, observations, namespace, result.error, seen))
    return result


def _check(claim: Claim, observations, namespace, error, seen: Counter) -> Check:
    return _CHECKERS[claim.stated_as](claim, observations, namespace, error, seen)


def _observed(claim: Claim, observations, seen: Counter) -> str | None:
    """The n-th claim about an expression is checked against its n-th observation."""
    key = (claim.stated_as, normal_expression(claim.expression))
    index = seen[key]
    seen[key] += 1
    matching = [o for o in observations if (o.kind, o.expression) == key]
    return matching[index].text if index < len(matching) else None


def _check_print(claim, observations, namespace, error, seen) -> Check:
    actual = _observed(claim, observations, seen)
    if actual is None:
        return Check(claim, None, False)
    return Check(claim, actual.rstrip("\n"), same_printed(claim.claimed, actual))


def _check_assert(claim, observations, namespace, error, seen) -> Check:
    actual = _observed(claim, observations, seen)
    if actual is None:
        return Check(claim, None, False)
    return Check(claim, actual, actual == claim.expected_text)


def _check_error(claim, observations, namespace, error, seen) -> Check:
    actual = "no error" if error is None else describe_error(error)
    return Check(claim, actual, actual == claim.claimed)


def _check_raises(claim, observations, namespace, error, seen) -> Check:
    actual = "no error" if error is None else describe_error(error)
    return Check(claim, actual, error is not None)


def _evaluated(claim: Claim, namespace, error):
    """The claim's expression evaluated after the code ran (_NOT_REACHED if the code stopped
    before defining a name it uses)."""
    try:
        return eval(claim.expression, namespace)
    except NameError:
        if error is not None:
            return _NOT_REACHED  # the code stopped before defining it
        raise


_NOT_REACHED = object()


def _check_signature(claim, observations, namespace, error, seen) -> Check:
    value = _evaluated(claim, namespace, error)
    if value is _NOT_REACHED:
        return Check(claim, None, False)
    signature = inspect.signature(value).replace(return_annotation=inspect.Signature.empty)
    actual = str(signature)
    return Check(claim, actual, same_signature(claim.claimed, actual))


def _check_value(claim, observations, namespace, error, seen) -> Check:
    value = _evaluated(claim, namespace, error)
    if value is _NOT_REACHED:
        return Check(claim, None, False)
    actual = value_text(value)
    return Check(claim, actual, actual == claim.expected_text)


# How each way of stating a claim (model.STATED_AS) is checked.
_CHECKERS = {
    "print": _check_print,
    "assert": _check_assert,
    "error": _check_error,
    "raises": _check_raises,
    "signature": _check_signature,
    "comment": _check_value,
    "prose": _check_value,
}
