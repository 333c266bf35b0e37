"""The reproductions as data: Source, Example, Claim, and the Result of a run.

Plain frozen dataclasses and pure comparison rules; running an example (which needs
TensorFlow) lives in ``runner.py``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

# How a source states a claim, which decides how scopekit checks it:
#   print      the output the source shows for ``print(<expression>)`` in its code
#   assert     ``assert <expression> == <claimed>`` in its code (a bare ``assert E``
#              claims ``True``)
#   comment    a comment or sentence giving the value of <expression> once the code ran
#   error      the error message the source shows for the code
#   raises     the source says the code fails, without showing the message
#   signature  a parameter list the source gives for <expression> (a TF function)
#   prose      a rule stated in words only; ``means`` says what it predicts for <expression>
STATED_AS = ("print", "assert", "comment", "error", "raises", "signature", "prose")

# Why a claim can fail on the TensorFlow installed here.
WHY_KINDS = {
    "garbled": "garbled in the source (translation or copy damage)",
    "outdated": "outdated: true of an old TensorFlow, not of this one",
    "wrong": "wrong: it was not true of TensorFlow 1 either",
    "fresh graph only": "true only in a fresh graph",
    "half true": "half true: it holds in some of the cases the sentence covers, not in others",
}


@dataclass(frozen=True)
class Source:
    """One of the five documents learners read (the seeds in ``../shared/seeds``).

    Attributes:
        file: the seed's file name, e.g. "001_c29cff149f045e48.txt"; it goes in the credit line.
        language: "zh", "ko" or "en".
        title: a readable title for prose, in our words.
        origin: who wrote it and where, as far as the seed names them ("" when it does not).
        licence: the licence the content is under, where the seed or its site states one.
    """

    file: str
    language: str
    title: str
    origin: str = ""
    licence: str = ""

    @property
    def short(self) -> str:
        """The file's number, "000".."004", accepted wherever a name is."""
        return self.file.split("_", 1)[0]

    @property
    def credit(self) -> str:
        """Says the code is adapted from <title>, by whom, under which licence, from which seed."""
        parts = [f"Code and quotes adapted from {self.title}"]
        if self.origin:
            parts.append(self.origin)
        if self.licence:
            parts.append(f"licence: {self.licence}")
        parts.append(f"seed file {self.file}; every change to the code is listed under Ported")
        return "; ".join(parts) + "."

    def __str__(self) -> str:
        return self.credit

    def _repr_markdown_(self) -> str:
        return self.credit


@dataclass(frozen=True)
class Claim:
    """What a source says an expression gives, quoted exactly.

    Attributes:
        expression: what is checked, as Python over the example's names (for
            ``print``/``assert`` claims: the printed or asserted expression).
        claimed: the value exactly as the source writes it (quotes included when
            the source quotes it). Never edited to make it hold.
        stated_as: how the source states it, one of STATED_AS.
        why: our note: why it does not hold here, or what to know although it holds.
        kind: when it is expected not to hold, one of WHY_KINDS.
        means: for a ``prose`` claim, the value the sentence predicts for
            <expression>, in our words (the sentence itself stays in ``claimed``).
        finding: for a claim expected not to hold, the mistake in a few words. In a
            tally, claims with the same finding are one finding, with a count.
    """

    expression: str
    claimed: str
    stated_as: str = "comment"
    why: str = ""
    kind: str = ""
    means: str = ""
    finding: str = ""

    def __post_init__(self):
        if self.stated_as not in STATED_AS:
            raise ValueError(f"stated_as must be one of {STATED_AS}, not {self.stated_as!r}")
        if self.kind and self.kind not in WHY_KINDS:
            raise ValueError(f"kind must be one of {sorted(WHY_KINDS)}, not {self.kind!r}")
        if (self.stated_as == "prose") != bool(self.means):
            raise ValueError("a prose claim, and only a prose claim, says what it means")

    @property
    def expected_text(self) -> str:
        """The claimed value as text: a quoted literal loses its quotes."""
        return self.means if self.stated_as == "prose" else literal_text(self.claimed)


@dataclass(frozen=True)
class Example:
    """One program a source shows (or one that tests a rule it states), adapted to run here.

    Attributes:
        id: short stable name, e.g. ``"so-foo-bar"``.
        title: what the example shows, in a few words.
        code: the program as scopekit runs it (ported only as far as needed).
        claims: what the sources say it gives.
        ported: each change made so it runs on TensorFlow 2, and why.
        sources: file names of every source that shows this example.
        after: an example whose code runs first, in the same graph and namespace,
            as when a source runs two snippets in one program.
        note: what the example teaches, in our words.
        shown_only: when set, why this run is outside the setting the claims are made
            for (a snippet pasted after another one, say): its verdicts are shown to
            teach, never counted in a tally.
    """

    id: str
    title: str
    code: str
    claims: tuple[Claim, ...]
    ported: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    after: Example | None = None
    note: str = ""
    shown_only: str = ""

    @property
    def counted(self) -> bool:
        """Whether its verdicts count in a tally (they do unless it is shown only)."""
        return not self.shown_only


@dataclass(frozen=True)
class Unchecked:
    """A sentence of a source that no claim of its own checks, and why.

    ``checked_by`` names the example whose claims check what the sentence says, when
    one does (the sentence then introduces or restates it); otherwise the sentence
    cannot be checked by running code (an opinion, a motive, a date), and ``why``
    says so.
    """

    source: str
    quote: str
    why: str
    checked_by: str = ""


@dataclass(frozen=True)
class Check:
    """One claim checked: what TensorFlow here gives and whether it matches."""

    claim: Claim
    actual: str | None  # None when the code never got to it
    holds: bool

    @property
    def verdict(self) -> str:
        """'holds', or 'does not hold: <why kind>' in words."""
        if self.holds:
            return "holds"
        if self.actual is None:
            return "not reached: the code stopped before it"
        return "does not hold: " + WHY_KINDS.get(self.claim.kind, "unexplained")


@dataclass
class Result:
    """What running an example gave.

    Attributes:
        example: the example that ran.
        capture: the ``scopekit.Capture`` of the run (every op, variable, scope).
        checks: one Check per claim, in the example's order.
        error: the exception the code raised, or None.
        stdout: everything the code printed.
        logged: TensorFlow's own log warnings during the run (deprecations).
    """

    example: Example
    capture: Any
    checks: list[Check] = field(default_factory=list)
    error: BaseException | None = None
    stdout: str = ""
    logged: list[str] = field(default_factory=list)

    @property
    def actual(self) -> list[str | None]:
        """Per claim, the value on the TensorFlow installed here."""
        return [c.actual for c in self.checks]

    @property
    def holds(self) -> list[bool]:
        """Per claim, whether it holds here."""
        return [c.holds for c in self.checks]

    @property
    def error_text(self) -> str:
        """``"ValueError: ..."`` or ``""``."""
        return "" if self.error is None else describe_error(self.error)


def describe_error(error: BaseException) -> str:
    """An exception as one line: its type and message."""
    return f"{type(error).__name__}: {error}"


def literal_text(text: str) -> str:
    """``'a'`` and ``"a"`` -> ``a``; anything that is not a Python literal stays as it is."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if isinstance(value, str) else repr(value)


def normal_expression(expression: str) -> str:
    """One spelling per expression, so ``print(a.name)`` matches claim ``a.name``."""
    try:
        return ast.unparse(ast.parse(expression.strip(), mode="eval").body)
    except SyntaxError:
        return expression.strip()


def value_text(value: Any) -> str:
    """How a checked value reads: strings as they are, other values as Python writes them."""
    return value if isinstance(value, str) else repr(value)


def same_printed(claimed: str, printed: str) -> bool:
    """Printed text matches when every line matches, ignoring spaces at line ends."""
    return _lines(claimed) == _lines(printed)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def same_signature(claimed: str, actual: str) -> bool:
    """A parameter list matches exactly; one ending in ``…)`` matches as a prefix."""
    for dots in ("\u2026)", "...)"):
        if claimed.endswith(dots):
            head = claimed[: -len(dots)].rstrip().rstrip(",")
            return actual.startswith(head) and actual[len(head) : len(head) + 1] in (",", ")")
    return claimed == actual
