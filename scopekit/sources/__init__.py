"""The five sources learners read, reproduced and checked claim by claim.

Each :class:`Source` is one document in the project's seeds; each :class:`Example`
is a program it shows, rewritten in scopekit's own code of the same shape, with the
:class:`Claim` s the sources make about it quoted exactly. ``Example.run()`` runs it
in a fresh graph on the TensorFlow installed here and returns a :class:`Result`
with a :class:`Check` (actual value, holds or not) per claim.

    >>> import scopekit.sources as sources
    >>> [s.short for s in sources.all()]
    ['000', '001', '002', '003', '004']
    >>> sources.show("001")                  # doctest: +SKIP
"""

from __future__ import annotations

from .catalog import all_sources, example, examples_of, find, source
from .model import Check, Claim, Example, Result, Source

__all__ = [
    "Check",
    "Claim",
    "Example",
    "Result",
    "Source",
    "all",
    "example",
    "examples",
    "examples_of",
    "show",
    "source",
    "summary",
    "view",
]


def all():
    """Every Source, in file order."""
    return all_sources()


def examples():
    """Every Example, each once, in catalog order."""
    from .catalog import EXAMPLES

    return list(EXAMPLES)


def view(name: str):
    """The side-by-side view of a source (file name or "001") or of one example, run now."""
    from .sidebyside import SideBySide

    heading, chosen = find(name)
    return SideBySide(heading, [e.run() for e in chosen])


def summary(name: str | None = None):
    """Run every example (or those of one source or example) and tabulate every claim."""
    from .sidebyside import ClaimsTable

    chosen = examples() if name is None else find(name)[1]
    return ClaimsTable([e.run() for e in chosen])


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
