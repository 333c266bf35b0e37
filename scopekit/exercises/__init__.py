"""Exercises that check themselves, and running exercise graphs on a CPU or GPU.

``check(exercise_id, cap, ...)`` looks at the Capture of your cell (``%%scopes -o
cap``) and at what its graph does, then prints "Solved" or raises
:class:`ExerciseNotSolved` saying what is right, what is wrong and where to look.
``on_device`` / ``run`` place and run a captured graph (``%%scopes --device/--run``).

TensorFlow is imported only when a check or a run needs it.
"""

from .catalog import MLP_KEYS  # importing the catalog registers the exercises
from .checking import (
    EXERCISES,
    Exercise,
    ExerciseNotSolved,
    Verdict,
    check,
    describe,
    hint,
    starter,
)
from .saving import checkpoint_keys, write_old_checkpoint
from .device import DeviceChoice, choose_device, visible_gpus
from .running import RunError, RunResult, on_device, run

__all__ = [
    "EXERCISES",
    "MLP_KEYS",
    "DeviceChoice",
    "Exercise",
    "ExerciseNotSolved",
    "RunError",
    "RunResult",
    "Verdict",
    "check",
    "checkpoint_keys",
    "choose_device",
    "describe",
    "hint",
    "on_device",
    "run",
    "starter",
    "visible_gpus",
    "write_old_checkpoint",
]
