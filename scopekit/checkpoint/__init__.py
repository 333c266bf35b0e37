"""Checkpoints against code: why a checkpoint does not load, and the mapping that loads it.

* :func:`compare` (``compare.py``): a checkpoint's keys against the variables a
  captured cell makes, with the likely cause of every mismatch (``rules.py``).
* :func:`plan` (``plan.py``, rules in ``pairing.py``): one key per target variable, each pair
  with the rule that chose it and a confidence; ``Plan.apply()`` loads the
  values, ``Plan.to_code()`` prints the mapping for code without scopekit.
* ``reading.py`` reads checkpoints of both formats; ``views.py`` draws the
  bounded text and HTML.

TensorFlow is imported only when a checkpoint is read.
"""

from .compare import Comparison, Entry, compare
from .plan import PAIRING_RULES, Pair, PairingRule, Plan, PlanError, plan
from .reading import (
    VALUE_SUFFIX,
    CheckpointKey,
    CheckpointReadError,
    check_readable,
    read_checkpoint,
    resolve_checkpoint,
)
from .rules import RULES, Rule, likely_cause

__all__ = [
    "PAIRING_RULES",
    "RULES",
    "VALUE_SUFFIX",
    "CheckpointKey",
    "CheckpointReadError",
    "Comparison",
    "Entry",
    "Pair",
    "PairingRule",
    "Plan",
    "PlanError",
    "Rule",
    "check_readable",
    "compare",
    "likely_cause",
    "plan",
    "read_checkpoint",
    "resolve_checkpoint",
]
