"""Every source and every example, and lookup by name."""

from __future__ import annotations

from . import blog, howto, so_thread, stated_rules
from .model import Example, Source, Unchecked

STACK_OVERFLOW_LICENCE = "CC BY-SA (Stack Overflow content)"
QUESTION = "“What's the difference of name scope and a variable scope in tensorflow?”"

SOURCES: tuple[Source, ...] = (
    Source(
        so_thread.ZH,
        "zh",
        f"the Chinese translation of the Stack Overflow question {QUESTION} and its answers",
        "Stack Overflow answers, machine-translated; the seed names no translator or site",
        STACK_OVERFLOW_LICENCE,
    ),
    Source(
        so_thread.KO,
        "ko",
        f"the Korean translation of the Stack Overflow question {QUESTION} and its answers",
        "Stack Overflow answers, machine-translated; the seed names no translator or site",
        STACK_OVERFLOW_LICENCE,
    ),
    Source(
        blog.BLOG,
        "zh",
        "a Chinese blog post on variable sharing and the two scopes",
        "reposted from the CSDN blog of user u012609509 "
        "(blog.csdn.net/u012609509/article/details/80045529)",
    ),
    Source(
        so_thread.SUMMARY,
        "en",
        "an English summary of the top Stack Overflow answer",
        "posted on Tencent Cloud's developer community; it retells a Stack Overflow answer",
        "the answer it retells is " + STACK_OVERFLOW_LICENCE,
    ),
    Source(
        howto.HOWTO,
        "en",
        "an English how-to article on tf.name_scope vs tf.variable_scope",
        "Shulou (shulou.com, SLTechnology News&Howtos), machine-translated from Chinese",
        "“all rights reserved”, says the site",
    ),
)

# The programs each source shows, then the programs testing the rules it states in words.
SHOWN: tuple[Example, ...] = (
    so_thread.EXAMPLES + stated_rules.CAPTURED_CASES + blog.EXAMPLES + howto.EXAMPLES
)
RULES: tuple[Example, ...] = stated_rules.EXAMPLES
EXAMPLES: tuple[Example, ...] = SHOWN + RULES
UNCHECKED: tuple[Unchecked, ...] = stated_rules.UNCHECKED


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


def rules_of(name: str) -> list[Example]:
    """The examples testing the rules a source states in words."""
    file = source(name).file
    return [e for e in RULES if file in e.sources]


def unchecked_of(name: str) -> list[Unchecked]:
    """The sentences of a source that no claim of its own checks."""
    file = source(name).file
    return [u for u in UNCHECKED if u.source == file]


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
