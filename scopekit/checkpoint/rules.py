"""Why a variable did not find a checkpoint key: the rules ``compare`` explains with.

Each rule looks at one variable record the cell made and one saved name, and
returns a sentence when it explains the difference, "" when it does not. The
rules are one table, tried in order; the first that explains a pair names its
cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from ..attribution import basename

_NUMBERED = re.compile(r"^(.*)_(\d+)$")


def _split(name: str) -> List[str]:
    return name.split("/")


def _one_component_differs(a: str, b: str) -> Optional[Tuple[int, str, str]]:
    pa, pb = _split(a), _split(b)
    if len(pa) != len(pb):
        return None
    diffs = [i for i, (x, y) in enumerate(zip(pa, pb, strict=True)) if x != y]
    if len(diffs) != 1:
        return None
    i = diffs[0]
    return i, pa[i], pb[i]


def _stem(component: str) -> str:
    match = _NUMBERED.match(component)
    return match.group(1) if match else component


def _numbered_pair(x: str, y: str) -> bool:
    """'dense_1' vs 'dense', or 'dense_1' vs 'dense_2': one name, other numbers."""
    return x != y and _stem(x) == _stem(y) and (x != _stem(x) or y != _stem(y))


def _rule_ignored_name_scope(var, saved: str, scopes=()) -> str:
    base = basename(var.name)
    ns, vs = var.name_scope, var.variable_scope
    if ns == vs:
        return ""
    # An empty name scope counts: variable_scope(..., auxiliary_name_scope=False) opens
    # none, so a tf.Variable there gets no prefix while get_variable code saved vs/name.
    if var.creator == "get_variable" and ns and saved == f"{ns}/{base}":
        return (
            f"get_variable ignored the name scope '{ns}': the cell makes {var.name} "
            f"(variable scope '{vs or '(top level)'}' only), the checkpoint has {saved}, "
            "the name a tf.Variable in that name scope gets"
        )
    if var.creator == "Variable" and vs and saved == f"{vs}/{base}":
        return (
            f"tf.Variable follows the name scope '{ns or '(top level)'}', not the variable "
            f"scope '{vs}': the cell makes {var.name}, the checkpoint has {saved} (saved by "
            "get_variable code, which follows the variable scope)"
        )
    return ""


def _rule_keras_auto_name(var, saved: str, scopes=()) -> str:
    differs = _one_component_differs(var.name, saved)
    if differs is None or getattr(var, "kind", "") != "keras":
        return ""
    index, here, there = differs
    if index == len(_split(var.name)) - 1 or not _numbered_pair(here, there):
        return ""
    return (
        f"Keras auto-name: the layer is '{here}' in the cell and was '{there}' when saved. "
        "Keras numbers unnamed layers per Python session (dense, dense_1, ...); give "
        "layers explicit names, or call keras.backend.clear_session() before building"
    )


def _rule_suffix(var, saved: str, scopes=()) -> str:
    differs = _one_component_differs(var.name, saved)
    if differs is None:
        return ""
    index, here, there = differs
    if not _numbered_pair(here, there):
        return ""
    last = index == len(_split(var.name)) - 1
    if last and getattr(var, "requested", "") and basename(var.requested) != here:
        return (
            f"a _N suffix: the cell asked for '{basename(var.requested)}' but the name was "
            f"taken, so it made '{here}' (the checkpoint has '{there}'): a cell re-run in "
            "the same graph, or a second variable of that name"
        )
    for scope in scopes:
        asked = scope.requested if scope.requested is not None else scope.default_name
        opened = scope.name_scope if scope.kind == "name_scope" else scope.variable_scope
        asked = basename(asked.rstrip("/")) if asked else ""
        # A scope asked for as 'block' that opened as 'block_1' (the one in this name).
        if asked and asked == _stem(here) != here and basename(opened) == here:
            return (
                f"a _N suffix: the scope '{asked}' was reopened as '{here}' "
                f"(the checkpoint has '{there}'): a scope opened twice, or a cell re-run "
                "in the same graph"
            )
    return (
        f"a _N suffix: '{here}' in the cell, '{there}' in the checkpoint: a cell re-run "
        "in the same graph, or a scope opened twice, numbers the later one"
    )


def _rule_outer_scope(var, saved: str, scopes=()) -> str:
    if var.name.endswith("/" + saved):
        extra = var.name[: -len(saved) - 1]
        return (
            f"an extra outer scope: the cell's name has '{extra}/' in front of the "
            f"checkpoint's {saved} (a wrapping model, module or scope)"
        )
    if saved.endswith("/" + var.name):
        extra = saved[: -len(var.name) - 1]
        return (
            f"a missing outer scope: the checkpoint's name has '{extra}/' in front of "
            f"{var.name} (it was saved from inside a model, module or scope)"
        )
    return ""


@dataclass(frozen=True)
class Rule:
    """One likely cause: its name, a short phrase for it, and the test that explains."""

    name: str
    words: str
    explain: Callable[..., str]


# Tried in this order: the first that explains a pair names its cause.
RULES: Tuple[Rule, ...] = (
    Rule("ignored_name_scope", "the name scope get_variable ignored", _rule_ignored_name_scope),
    Rule("keras_auto_name", "a Keras auto-name", _rule_keras_auto_name),
    Rule("suffix", "a _N suffix", _rule_suffix),
    Rule("outer_scope", "an outer scope", _rule_outer_scope),
)
RULE_WORDS = {rule.name: rule.words for rule in RULES}


def likely_cause(var, saved: str, scopes=()) -> Tuple[str, str]:
    """(rule, cause) explaining why variable ``var`` did not find ``saved``, or ("", "")."""
    for rule in RULES:
        cause = rule.explain(var, saved, scopes)
        if cause:
            return rule.name, cause
    return "", ""
