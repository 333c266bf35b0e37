"""Exercises that check themselves, and running exercise graphs on a CPU or GPU.

``check(exercise_id, cap, ...)`` looks at the Capture of your cell (``%%scopes -o
cap``) and at what its graph does, then prints "Solved" or raises
:class:`ExerciseNotSolved` saying what is right, what is wrong and where to look.
``on_device`` / ``run`` place and run a captured graph (``%%scopes --device/--run``);
they live in ``scopekit.session_run`` and are named here too.

Importing this package is light: the exercise catalog (which registers every
exercise) is imported on the first use of a name below, and TensorFlow only when
a check or a run needs it.
"""

import importlib

# Public name -> the module that defines it. Every name comes through the catalog
# import first, so EXERCISES is full whichever name is used first.
_HOMES = {
    "MLP_KEYS": ".catalog",
    "EXERCISES": ".checking",
    "Exercise": ".checking",
    "ExerciseNotSolved": ".checking",
    "Verdict": ".checking",
    "check": ".checking",
    "describe": ".checking",
    "hint": ".checking",
    "starter": ".checking",
    "checkpoint_keys": ".saving",
    "write_old_checkpoint": ".saving",
    "write_tf1_mlp_checkpoint": ".saving",
    "DeviceChoice": "..device",
    "choose_device": "..device",
    "visible_gpus": "..device",
    "RunError": "..session_run",
    "RunResult": "..session_run",
    "on_device": "..session_run",
    "run": "..session_run",
}

__all__ = sorted(_HOMES)


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module(".catalog", __name__)  # registers the exercises
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted([*globals(), *_HOMES])
