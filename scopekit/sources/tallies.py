"""Tallies and the sentences that sum a source up, generated from the verdicts.

Every sentence a notebook uses to sum up a source ("what it gets right", "what it
gets wrong", the counts) comes from here, so it changes when a verdict changes.
Counting rules:

- only counted examples count (an example ``shown_only`` outside its claims' setting
  teaches, never tallies);
- claims that fail with the same ``finding`` are one finding, with a count, not one
  mistake per claim;
- a sentence no claim checks is listed as unchecked, never counted as holding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Result, Unchecked

# TensorFlow's deprecation warnings recommend TF 1 replacements; these fail in TF 2.
LOGGED_ADVICE = {
    "use tf.name_scope(name, default_name, values)": (
        "TF 2's tf.name_scope takes only a name, so this recommended replacement raises "
        "TypeError there; tf.compat.v1.name_scope(name, default_name, values) works."
    ),
    "use tf.variable_scope(name, default_name, values)": (
        "TF 2 has no tf.variable_scope, so this recommended replacement raises "
        "AttributeError there; tf.compat.v1.variable_scope(name, default_name, values) works."
    ),
}


def advice_notes(logged: Sequence[str]) -> list[str]:
    """A note for each logged warning whose recommended replacement fails in TF 2."""
    return [note for advice, note in LOGGED_ADVICE.items() if any(advice in m for m in logged)]


@dataclass(frozen=True)
class Finding:
    """One mistake of a source, however many of its claims it spoils."""

    kind: str  # one of model.WHY_KINDS
    words: str  # the mistake in a few words
    count: int  # how many claims it spoils
    example: str  # the first example that shows it

    @property
    def line(self) -> str:
        """The finding as a bullet's text: words, kind, and the count when above one."""
        times = f", {self.count} claims" if self.count > 1 else ""
        return f"{self.words} ({self.kind}{times}; see {self.example})"


@dataclass(frozen=True)
class Tally:
    """The counts behind every summing-up sentence."""

    claims: int
    holds: int
    not_reached: int
    findings: tuple[Finding, ...]
    shown_only: int  # claims shown outside their setting, not counted
    unchecked: int  # sentences no claim checks and no example shows
    checked_by_example: int  # sentences that introduce or restate an example

    @property
    def fail(self) -> int:
        """Claims that do not hold (each counted once, whatever its finding)."""
        return self.claims - self.holds

    @property
    def line(self) -> str:
        """The counts in one line."""
        return (
            f"{_count(self.claims, 'claim')}: {self.holds} hold, {self.fail} do not "
            f"({_count(len(self.findings), 'finding')}); {self.unchecked} more "
            f"sentence{'' if self.unchecked == 1 else 's'} not checkable"
        )

    @property
    def statements(self) -> int:
        """Every sentence listed for the source: its claims and its unchecked sentences."""
        return self.claims + self.unchecked + self.checked_by_example


def tally(results: Sequence[Result], unchecked: Sequence[Unchecked] = ()) -> Tally:
    """Count the counted results' claims, grouping their failures into findings."""
    counted = [r for r in results if r.example.counted]
    checks = [c for r in counted for c in r.checks]
    groups: dict[tuple, list] = {}
    for result in counted:
        for check in result.checks:
            if check.holds:
                continue
            claim = check.claim
            key = (claim.kind, claim.finding or claim.why)
            groups.setdefault(key, []).append((result.example.id, claim))
    findings = tuple(
        Finding(
            kind=claim.kind or "unexplained",
            words=claim.finding or claim.why or "no explanation yet",
            count=len(members),
            example=example_id,
        )
        for members in groups.values()
        for example_id, claim in members[:1]
    )
    return Tally(
        claims=len(checks),
        holds=sum(1 for c in checks if c.holds),
        not_reached=sum(1 for c in checks if c.actual is None),
        findings=findings,
        shown_only=sum(len(r.checks) for r in results if not r.example.counted),
        unchecked=sum(1 for u in unchecked if not u.checked_by),
        checked_by_example=sum(1 for u in unchecked if u.checked_by),
    )


class Sentences:
    """Generated sentences in Markdown: Jupyter renders them, ``str()`` and print give the text."""

    def __init__(self, text: str):
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


class Verdicts:
    """What a source (or all five) gets right and wrong, in sentences made from the checks.

    ``opening()`` gives the few points a notebook starts with; ``summary()`` the
    concluding sentences; ``str()`` both.
    """

    def __init__(
        self,
        title: str,
        results: Sequence[Result],
        unchecked: Sequence[Unchecked] = (),
        rule_ids: frozenset[str] = frozenset(),
    ):
        self.title = title
        self.results = list(results)
        self.unchecked = list(unchecked)
        self.rule_ids = rule_ids  # examples testing rules stated in words
        self.tally = tally(self.results, self.unchecked)

    def right(self) -> list[str]:
        """Titles of the shown examples whose every claim holds, in catalog order."""
        return [
            r.example.title
            for r in self.results
            if r.example.counted and r.checks and all(r.holds) and r.example.id not in self.rule_ids
        ]

    def rules_right(self) -> int:
        """How many claims of the rules the source states in words hold."""
        return sum(1 for r in self._rule_results() for c in r.checks if c.holds)

    def rules_total(self) -> int:
        """How many claims test the rules the source states in words."""
        return sum(len(r.checks) for r in self._rule_results())

    def _rule_results(self) -> list[Result]:
        return [r for r in self.results if r.example.counted and r.example.id in self.rule_ids]

    def obsolete(self) -> list[Finding]:
        """Findings that are true of an old TensorFlow only."""
        return [f for f in self.tally.findings if f.kind == "outdated"]

    def wrong(self) -> list[Finding]:
        """Every other finding: garbled, wrong, half true, fresh graph only."""
        return [f for f in self.tally.findings if f.kind != "outdated"]

    def opening(self, most: int = 3) -> Sentences:
        """Up to ``most`` things the source gets right, wrong, and obsolete, as bullets."""
        t = self.tally
        lines = [f"**Right** ({t.holds} of {t.claims} claims hold):"]
        lines += [f"- {title}" for title in self.right()[:most]]
        if self.rules_total():
            lines.append(
                f"- {self.rules_right()} of the {self.rules_total()} claims testing rules "
                "it states in words"
            )
        if self.wrong():
            lines.append(f"\n**Wrong** ({_count(len(self.wrong()), 'finding')}):")
        lines += [f"- {f.line}" for f in self.wrong()[:most]]
        if self.obsolete():
            lines.append("\n**Obsolete in TensorFlow 2**:")
            lines += [f"- {f.line}" for f in self.obsolete()[:most]]
        return Sentences("\n".join(lines))

    def summary(self) -> Sentences:
        """The concluding sentences: counts, every finding, what was not checked."""
        t = self.tally
        kinds = {}
        for f in t.findings:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
        kind_words = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        lines = [
            f"- Of the {t.claims} claims quoted from {self.title}, {t.holds} hold on the "
            f"TensorFlow installed here and {t.fail} do not"
            + (f", in {len(t.findings)} findings ({kind_words})." if t.findings else "."),
        ]
        lines += [f"  - {f.line}" for f in t.findings]
        if t.statements:
            lines.append(
                f"- {_count(t.statements, 'statement')} listed: {_count(t.claims, 'claim')}, "
                f"{_count(t.checked_by_example, 'sentence')} introducing or restating an "
                f"example, {t.unchecked} not checkable by running code."
            )
        if t.shown_only:
            lines.append(
                f"- {_count(t.shown_only, 'more verdict')} shown outside the claims' own "
                "setting (a snippet run after another one, say), not counted."
            )
        if t.not_reached:
            lines.append(f"- {_count(t.not_reached, 'claim')} not reached: the code stopped first.")
        return Sentences("\n".join(lines))

    def __str__(self) -> str:
        return f"{self.opening()}\n\n{self.summary()}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        return str(self)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
