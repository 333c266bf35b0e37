"""Every source and every example, and lookup by name."""

from __future__ import annotations

from . import blog, howto, so_thread
from .model import Example, Source

SOURCES: tuple[Source, ...] = (
    Source(
        so_thread.ZH,
        "zh",
        "Stack Overflow: the name_scope / variable_scope question and its answers "
        "(Chinese machine translation)",
    ),
    Source(
        so_thread.KO,
        "ko",
        "The same Stack Overflow question and answers (Korean translation)",
    ),
    Source(
        blog.BLOG,
        "zh",
        "A Chinese blog post on variable sharing and the two scopes (reposted from CSDN)",
    ),
    Source(
        so_thread.SUMMARY,
        "en",
        "An English summary of the top Stack Overflow answer",
    ),
    Source(
        howto.HOWTO,
        "en",
        "An English how-to article on tf.name_scope vs tf.variable_scope "
        "(machine-translated from Chinese)",
    ),
)

EXAMPLES: tuple[Example, ...] = so_thread.EXAMPLES + blog.EXAMPLES + howto.EXAMPLES


def all_sources() -> list[Source]:
    """The five sources, in file order."""
    return list(SOURCES)


def source(name: str) -> Source:
    """A source by file name, file stem, or number ("001")."""
    wanted = str(name).strip()
    for candidate in SOURCES:
        if wanted in (candidate.file, candidate.file[: -len(".txt")], candidate.short):
            return candidate
    raise KeyError(f"no source named {name!r}; {_choices()}")


def example(name: str) -> Example:
    """An example by its id."""
    for candidate in EXAMPLES:
        if candidate.id == name:
            return candidate
    raise KeyError(f"no example named {name!r}; {_choices()}")


def examples_of(name: str) -> list[Example]:
    """The examples a source shows, each one once, in catalog order."""
    file = source(name).file
    return [e for e in EXAMPLES if file in e.sources]


def find(name: str) -> tuple[str, list[Example]]:
    """A heading ("" for one example) and the examples for a source name or an example id."""
    try:
        found = source(name)
    except KeyError:
        pass
    else:
        return f"{found.file} ({found.language}): {found.title}", examples_of(found.file)
    return "", [example(name)]  # the example's own heading says it all


def _choices() -> str:
    numbers = ", ".join(repr(s.short) for s in SOURCES)
    return (
        f"use a source's file name or number ({numbers}) or an example id "
        f"(see scopekit.sources.examples())"
    )
