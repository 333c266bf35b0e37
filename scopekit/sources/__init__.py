"""The five sources learners read, reproduced and checked claim by claim.

Each :class:`Source` is one document in the project's seeds; each :class:`Example`
is a program it shows (adapted so it runs on TensorFlow 2, every change listed) or a
program of scopekit's testing a rule it states in words, with the :class:`Claim` s
quoted exactly. :func:`run` runs one in a fresh graph on the TensorFlow installed
here and returns a :class:`Result` with a :class:`Check` (actual value, holds or not)
per claim. Sentences no claim checks are :class:`Unchecked` entries, each with why.

    >>> import scopekit.sources as sources
    >>> [s.short for s in sources.all_sources()]
    ['000', '001', '002', '003', '004']
    >>> sources.show("001")                  # doctest: +SKIP
"""

from __future__ import annotations

from .catalog import (
    RULES,
    all_sources,
    example,
    examples_of,
    find,
    rules_of,
    source,
    unchecked_of,
)
from .model import Check, Claim, Example, Result, Source, Unchecked

__all__ = [
    "Check",
    "Claim",
    "Example",
    "Result",
    "Source",
    "Unchecked",
    "all_sources",
    "example",
    "examples",
    "examples_of",
    "rules",
    "run",
    "show",
    "source",
    "summary",
    "unchecked",
    "verdicts",
    "view",
]


def examples():
    """Every Example, each once, in catalog order."""
    from .catalog import EXAMPLES

    return list(EXAMPLES)


def run(chosen):
    """Run an Example (after the examples it follows) in a fresh graph; return its Result."""
    from .runner import run_example

    return run_example(chosen)


def view(name: str):
    """The side-by-side view of a source (file name or "001") or of one example, run now."""
    from .sidebyside import SideBySide

    heading, chosen = find(name)
    return SideBySide(heading, [run(e) for e in chosen])


def rules(name: str):
    """The rules a source states in words: each claim with its verdict, and what is unchecked."""
    from .sidebyside import RulesView

    return RulesView(source(name), [run(e) for e in rules_of(name)], unchecked_of(name))


def unchecked(name: str) -> list[Unchecked]:
    """The sentences of a source that no claim of its own checks, each with why."""
    return unchecked_of(name)


def summary(name: str | None = None, *more: str):
    """Run every example (or those of the sources or examples named) and tabulate every claim."""
    from .sidebyside import ClaimsTable

    if name is None:
        chosen = examples()
    else:
        chosen = [e for each in (name, *more) for e in find(each)[1]]
    return ClaimsTable([run(e) for e in chosen])


def verdicts(name: str | None = None):
    """What a source (or, without a name, all five) gets right and wrong, from its verdicts."""
    from .catalog import UNCHECKED
    from .tallies import Verdicts

    rule_ids = frozenset(e.id for e in RULES)
    if name is None:
        results = [run(e) for e in examples()]
        return Verdicts("the five sources", results, UNCHECKED, rule_ids)
    found = source(name)
    results = [run(e) for e in examples_of(name)]
    return Verdicts(found.title, results, unchecked_of(name), rule_ids)


def show(name: str) -> None:
    """Display the side-by-side view: under the cell in Jupyter, as text elsewhere."""
    shown = view(name)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(shown)
    else:
        print(shown.to_text())
