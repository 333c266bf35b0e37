"""The side-by-side view of examples that ran: code, claims, verdicts, and the capture.

Pure rendering over ``Result`` objects (no TensorFlow, no IPython): deterministic
text for terminals, tests and nbval, and a self-contained static HTML view with the
capture's own scope tree beside the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .model import WHY_KINDS, Check, Claim, Result, Source, Unchecked
from .tallies import advice_notes, tally

CAPTURE_TEXT_LIMITS = {"max_tree_lines": 40, "max_rows": 30, "max_notes": 12}
CAPTURE_HTML_LIMITS = {"max_nodes": 120, "max_rows": 40}


def claim_label(claim: Claim) -> str:
    """The claim as a reader finds it in the source: ``print(x.name)``, ``assert ...``."""
    how = claim.stated_as
    if how == "print":
        return f"print({claim.expression})"
    if how == "assert":
        if claim.claimed == "True" and "==" in claim.expression:
            return f"assert {claim.expression}"
        return f"assert {claim.expression} == {claim.claimed}"
    if how == "error":
        return f"the error {claim.expression} raises"
    if how == "raises":
        return f"{claim.expression} fails"
    if how == "signature":
        return f"parameters of {claim.expression}"
    return claim.expression


def claim_sources(result: Result) -> str:
    return ", ".join(result.example.sources)


def verdict_word(check: Check) -> str:
    """'holds' / 'does not hold' / 'not reached', for tables."""
    if check.holds:
        return "holds"
    return "not reached" if check.actual is None else "does not hold"


def how_it_ran(result: Result) -> str:
    example = result.example
    if example.after:
        return (
            f"in one program after {example.after.id} (same graph, same names), "
            "as a reader running both snippets would"
        )
    return "in a fresh graph"


def counting_note(result: Result) -> str:
    """'' for a counted example; otherwise why its verdicts are shown but not counted."""
    shown_only = result.example.shown_only
    return f"Shown, not counted: {shown_only}." if shown_only else ""


def _indent(text: str, prefix: str = "    ") -> list[str]:
    return [prefix + line if line else prefix.rstrip() for line in text.rstrip("\n").split("\n")]


def _value_lines(label: str, value: str) -> list[str]:
    lines = value.split("\n") if value else [""]
    first = f"    {label:<16}{lines[0]}".rstrip()
    return [first] + [f"    {'':<16}{line}".rstrip() for line in lines[1:]]


def result_text(result: Result, with_capture: bool = True) -> str:
    """One example as text: what ran, each claim with its verdict, then the capture."""
    example = result.example
    out = [f"== {example.id}: {example.title}", f"Sources: {claim_sources(result)}"]
    out.append(f"Runs {how_it_ran(result)}")
    if counting_note(result):
        out.append(counting_note(result))
    if example.note:
        out.append(f"About: {example.note}")
    out += ["", "Code, as scopekit runs it"] + _indent(example.code)
    if example.ported:
        out += ["", "Ported (what changed so it runs on TensorFlow 2, and why)"]
        out += [f"  - {change}" for change in example.ported]
    out += ["", "Claims"]
    for number, check in enumerate(result.checks, 1):
        claim = check.claim
        out.append(f"  {number}. {claim_label(claim)}")
        out += _value_lines("source says", claim.claimed)
        if claim.means:
            out += _value_lines("which means", claim.means)
        actual = (
            "(not reached: the code stopped before it)" if check.actual is None else check.actual
        )
        out += _value_lines("TensorFlow here", actual)
        out += _value_lines("verdict", check.verdict)
        if claim.why:
            out += _value_lines("why", claim.why)
    if result.stdout:
        out += ["", "Printed"] + _indent(result.stdout, "  | ")
    if result.logged:
        out += ["", "TensorFlow logged"] + [f"  WARNING: {line}" for line in result.logged]
        out += [f"  note: {note}" for note in advice_notes(result.logged)]
    if result.error is not None:
        out += ["", "Raised", f"  {result.error_text}"]
    if with_capture and result.capture is not None:
        out += ["", "What scopekit captured"]
        out += _indent(result.capture.to_text(**CAPTURE_TEXT_LIMITS), "  ")
    return "\n".join(out)


STYLE = """
.sk-sources{font-family:system-ui,sans-serif;font-size:13px;line-height:1.45}
.sk-sources h3{font-size:15px;margin:14px 0 2px}
.sk-sources .sk-meta{color:#555;margin:0 0 6px}
.sk-sources .sk-side{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px}
.sk-sources .sk-side > div{overflow-x:auto}
.sk-sources pre{font-family:ui-monospace,monospace;background:#f6f6f6;padding:6px 8px;
margin:4px 0;white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere}
.sk-sources table.sk-claims{border-collapse:collapse;margin:4px 0;table-layout:auto}
.sk-sources table.sk-claims td,.sk-sources table.sk-claims th{border-bottom:1px solid #ddd;
padding:2px 6px;text-align:left !important;vertical-align:top}
.sk-sources table.sk-claims td pre{background:none;padding:0;margin:0}
.sk-sources .sk-holds{color:#176b2c;font-weight:600}
.sk-sources .sk-fails{color:#a11;font-weight:600}
.sk-sources .sk-why{color:#444;font-size:12px}
"""


def _pre(text: str) -> str:
    return f"<pre>{escape(text)}</pre>"


def _means(claim: Claim) -> str:
    if not claim.means:
        return ""
    return f"<div class='sk-why'>which means: <code>{escape(claim.means)}</code></div>"


def result_html(result: Result) -> str:
    """One example as HTML: code and claims on the left, the capture's tree on the right."""
    example = result.example
    parts = [
        f"<h3>{escape(example.id)}: {escape(example.title)}</h3>",
        (
            f"<p class='sk-meta'>Sources: {escape(claim_sources(result))}. "
            f"Runs {escape(how_it_ran(result))}. {escape(counting_note(result))}</p>"
        ),
    ]
    if example.note:
        parts.append(f"<p>{escape(example.note)}</p>")
    left = ["<b>Code, as scopekit runs it</b>", _pre(example.code.rstrip("\n"))]
    if example.ported:
        left.append("<b>Ported</b><ul>")
        left += [f"<li>{escape(change)}</li>" for change in example.ported]
        left.append("</ul>")
    rows = ["<tr><th>claim</th><th>source says</th><th>TensorFlow here</th><th>verdict</th></tr>"]
    for check in result.checks:
        claim = check.claim
        actual = "(not reached)" if check.actual is None else check.actual
        css = "sk-holds" if check.holds else "sk-fails"
        why = f"<div class='sk-why'>{escape(claim.why)}</div>" if claim.why else ""
        rows.append(
            f"<tr><td><code>{escape(claim_label(claim))}</code></td>"
            f"<td>{_pre(claim.claimed)}{_means(claim)}</td><td>{_pre(actual)}</td>"
            f"<td><span class='{css}'>{escape(check.verdict)}</span>{why}</td></tr>"
        )
    left.append("<b>Claims</b><table class='sk-claims'>" + "".join(rows) + "</table>")
    if result.stdout:
        left += ["<b>Printed</b>", _pre(result.stdout.rstrip("\n"))]
    if result.logged:
        left += ["<b>TensorFlow logged</b>", _pre("\n".join(result.logged))]
        left += [
            f"<p class='sk-why'>Note: {escape(note)}</p>" for note in advice_notes(result.logged)
        ]
    if result.error is not None:
        left += ["<b>Raised</b>", _pre(result.error_text)]
    right = ["<b>What scopekit captured</b>"]
    if result.capture is not None:
        right.append(result.capture.to_html(**CAPTURE_HTML_LIMITS))
    parts.append(
        "<div class='sk-side'><div>"
        + "".join(left)
        + "</div><div>"
        + "".join(right)
        + "</div></div>"
    )
    return "".join(parts)


class SideBySide:
    """Displayable results of one source or one example (Jupyter shows the HTML)."""

    def __init__(self, heading: str, results: Sequence[Result]):
        self.heading = heading
        self.results = list(results)

    @property
    def checks(self) -> list[Check]:
        return [check for result in self.results for check in result.checks]

    def counts(self) -> str:
        return counts_sentence(self.results)

    def to_text(self) -> str:
        out = [self.heading, self.counts()] if self.heading else [self.counts()]
        for result in self.results:
            out += ["", result_text(result)]
        return "\n".join(out)

    def to_html(self) -> str:
        body = "".join(result_html(result) for result in self.results)
        heading = f"<b>{escape(self.heading)}</b><br>" if self.heading else ""
        return (
            f"<div class='sk-sources'><style>{STYLE}</style>"
            f"<p>{heading}{escape(self.counts())}</p>{body}</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<scopekit.sources view: {self.heading}; {self.counts()}>"


def counts_sentence(results: Sequence[Result]) -> str:
    """'3 examples, 7 claims: 5 hold, 2 do not' over counted examples, plus the shown-only."""
    t = tally(results)
    examples = sum(1 for r in results if r.example.counted)
    text = (
        f"{examples} example{'s' if examples != 1 else ''}, "
        f"{t.claims} claim{'s' if t.claims != 1 else ''}: "
        f"{t.holds} hold{'s' if t.holds == 1 else ''}, {t.fail} do"
        f"{'es' if t.fail == 1 else ''} not"
    )
    if t.shown_only:
        text += f" (and {t.shown_only} shown outside their setting, not counted)"
    return text


def _short_sources(result: Result) -> str:
    return " ".join(file.split("_", 1)[0] for file in result.example.sources)


class ClaimsTable:
    """Every claim of every example with its verdict: the course's summary table."""

    def __init__(self, results: Sequence[Result]):
        self.results = list(results)

    def rows(self) -> list[tuple]:
        """(example, sources, claim, source says, TensorFlow here, verdict, why) per claim."""
        out = []
        for result in self.results:
            for check in result.checks:
                actual = "(not reached)" if check.actual is None else check.actual
                out.append(
                    (
                        result.example.id,
                        _short_sources(result),
                        claim_label(check.claim),
                        _claimed_and_meaning(check.claim),
                        actual,
                        verdict_word(check)
                        + ("" if result.example.counted else " (shown, not counted)"),
                        check.claim.kind if not check.holds else "",
                    )
                )
        return out

    def counts_lines(self) -> list[str]:
        """The counts first: claims and how many hold, then findings by kind."""
        t = tally(self.results)
        counted = sum(1 for r in self.results if r.example.counted)
        lines = [f"{t.claims} claims in {counted} examples: {t.holds} hold"]
        for kind, words in WHY_KINDS.items():
            failing = [f for f in t.findings if f.kind == kind]
            if failing:
                spoiled = sum(f.count for f in failing)
                lines.append(
                    f"  {spoiled:>3} do not hold: {words} "
                    f"({len(failing)} finding{'s' if len(failing) != 1 else ''})"
                )
        unexplained = [f for f in t.findings if f.kind == "unexplained"]
        if unexplained:
            lines.append(
                f"  {sum(f.count for f in unexplained):>3} do not hold, with no explanation yet"
            )
        if t.shown_only:
            lines.append(f"  {t.shown_only:>3} more shown outside their setting, not counted")
        return lines

    def to_text(self) -> str:
        out = self.counts_lines() + [""]
        for example, sources, label, claimed, actual, verdict, kind in self.rows():
            flag = "ok " if verdict.startswith("holds") else "NO "
            reason = f"  ({kind})" if kind else ""
            out.append(f"{flag} {example} [{sources}]  {_one_line(label)}{reason}")
            out.append(f"      says {_one_line(claimed)!s}")
            if verdict != "holds":
                out.append(f"      gets {_one_line(actual)}")
        return "\n".join(out)

    def to_html(self) -> str:
        head = (
            "<tr><th>example</th><th>sources</th><th>claim</th><th>source says</th>"
            "<th>TensorFlow here</th><th>verdict</th></tr>"
        )
        body = []
        for example, sources, label, claimed, actual, verdict, kind in self.rows():
            css = "sk-holds" if verdict.startswith("holds") else "sk-fails"
            reason = f"<div class='sk-why'>{escape(WHY_KINDS[kind])}</div>" if kind else ""
            body.append(
                f"<tr><td>{escape(example)}</td><td>{escape(sources)}</td>"
                f"<td><code>{escape(label)}</code></td><td>{_pre(claimed)}</td>"
                f"<td>{_pre(actual)}</td>"
                f"<td><span class='{css}'>{escape(verdict)}</span>{reason}</td></tr>"
            )
        counts = "<br>".join(escape(line) for line in self.counts_lines())
        return (
            f"<div class='sk-sources'><style>{STYLE}</style><p>{counts}</p>"
            f"<table class='sk-claims'>{head}{''.join(body)}</table></div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<scopekit.sources claims table: {self.counts_lines()[0]}>"


class RulesView:
    """The rules one source states in words: each claim's verdict, then the unchecked sentences."""

    def __init__(self, source: Source, results: Sequence[Result], unchecked: Sequence[Unchecked]):
        self.source = source
        self.results = list(results)
        self.unchecked = list(unchecked)

    def to_text(self) -> str:
        out = [f"Rules stated in words: {counts_sentence(self.results)}"]
        for result in self.results:
            out += ["", f"== {result.example.id}: {result.example.title}"]
            out += _indent(result.example.code)
            for check in result.checks:
                claim = check.claim
                out.append(f"  - {verdict_word(check)}: {_one_line(claim.claimed)}")
                out += _value_lines("which means", f"{claim.expression} == {claim.means}")
                actual = "(not reached)" if check.actual is None else check.actual
                out += _value_lines("TensorFlow here", actual)
                if claim.why:
                    out += _value_lines("why", claim.why)
            if result.error is not None:
                out += ["", f"  Raised: {result.error_text}"]
            out += [f"  TensorFlow logged: {line}" for line in result.logged]
            out += [f"  note: {note}" for note in advice_notes(result.logged)]
        out += ["", f"Sentences no claim of their own checks ({len(self.unchecked)})"]
        for entry in self.unchecked:
            where = f" (checked by {entry.checked_by})" if entry.checked_by else ""
            out.append(f"  - {entry.quote}")
            out.append(f"      {entry.why}{where}")
        return "\n".join(out)

    def to_html(self) -> str:
        parts = [f"<p>Rules stated in words: {escape(counts_sentence(self.results))}</p>"]
        for result in self.results:
            rows = [
                "<tr><th>the source says</th><th>which means</th><th>TensorFlow here</th>"
                "<th>verdict</th></tr>"
            ]
            for check in result.checks:
                claim = check.claim
                css = "sk-holds" if check.holds else "sk-fails"
                actual = "(not reached)" if check.actual is None else check.actual
                why = f"<div class='sk-why'>{escape(claim.why)}</div>" if claim.why else ""
                rows.append(
                    f"<tr><td>{escape(claim.claimed)}</td>"
                    f"<td><code>{escape(claim.expression)} == {escape(claim.means)}</code></td>"
                    f"<td>{_pre(actual)}</td>"
                    f"<td><span class='{css}'>{escape(check.verdict)}</span>{why}</td></tr>"
                )
            logged = "".join(
                f"<p class='sk-why'>TensorFlow logged: {escape(line)}</p>" for line in result.logged
            ) + "".join(
                f"<p class='sk-why'>Note: {escape(note)}</p>"
                for note in advice_notes(result.logged)
            )
            parts.append(
                f"<h3>{escape(result.example.id)}: {escape(result.example.title)}</h3>"
                f"<details><summary>the program</summary>{_pre(result.example.code)}</details>"
                f"<table class='sk-claims'>{''.join(rows)}</table>{logged}"
            )
        items = "".join(
            f"<li>{escape(u.quote)}<div class='sk-why'>{escape(u.why)}"
            + (f" (checked by {escape(u.checked_by)})" if u.checked_by else "")
            + "</div></li>"
            for u in self.unchecked
        )
        parts.append(
            f"<p><b>Sentences no claim of their own checks ({len(self.unchecked)})</b></p>"
            f"<ul>{items}</ul>"
        )
        return f"<div class='sk-sources'><style>{STYLE}</style>{''.join(parts)}</div>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __str__(self) -> str:
        return self.to_text()


def _claimed_and_meaning(claim: Claim) -> str:
    if not claim.means:
        return claim.claimed
    return f"{claim.claimed}\nwhich means: {claim.means}"


def _one_line(text: str) -> str:
    return text.replace("\n", "\\n")
