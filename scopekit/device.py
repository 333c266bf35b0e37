"""Choosing where an exercise graph runs: a GPU when TensorFlow sees one, else the CPU.

Safe on every machine: asking for a GPU where there is none never fails, it falls
back to the CPU and says so in one line. TensorFlow is imported only when a choice
is made, so importing this module is free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

REQUESTS = ("auto", "cpu", "gpu")
CPU = "/device:CPU:0"
GPU = "/device:GPU:0"

NO_GPU_AUTO = "scopekit: TensorFlow sees no GPU, so this runs on the CPU."
NO_GPU_ASKED = (
    "scopekit: --device gpu asked for a GPU but TensorFlow sees none, so this runs on the CPU."
)


@dataclass(frozen=True)
class DeviceChoice:
    """Where a graph will be placed.

    ``requested`` is what the user asked for (auto, cpu, gpu); ``device`` is the
    TensorFlow device string used in ``tf.device``; ``message`` is the one line
    to show the user ("" when nothing needs saying).
    """

    requested: str
    device: str
    message: str = ""

    @property
    def kind(self) -> str:
        """'GPU' or 'CPU'."""
        return "GPU" if self.device == GPU else "CPU"

    @property
    def fell_back(self) -> bool:
        """True when a GPU was wanted (auto or gpu) but the CPU was chosen."""
        return self.requested in ("auto", "gpu") and self.kind == "CPU"


def visible_gpus() -> list:
    """The GPUs TensorFlow can use here (``tf.config.list_physical_devices('GPU')``)."""
    from .hooks import import_tensorflow

    return list(import_tensorflow().config.list_physical_devices("GPU"))


def choose_device(request: str = "auto", gpus: Optional[Sequence] = None) -> DeviceChoice:
    """Decide where to run for ``request`` ('auto', 'cpu' or 'gpu').

    ``gpus`` is the list of visible GPUs; by default TensorFlow is asked. A
    request for a GPU on a machine without one falls back to the CPU with a
    one-line message, it never raises.
    """
    request = (request or "auto").lower()
    if request not in REQUESTS:
        raise ValueError(
            f"device must be one of 'auto', 'cpu' or 'gpu', not {request!r}. "
            "Use 'auto' to take a GPU when there is one."
        )
    if request == "cpu":
        return DeviceChoice("cpu", CPU)
    if gpus is None:
        gpus = visible_gpus()
    if gpus:
        return DeviceChoice(request, GPU)
    return DeviceChoice(request, CPU, NO_GPU_AUTO if request == "auto" else NO_GPU_ASKED)


def short_device(device: str) -> str:
    """'/job:localhost/replica:0/task:0/device:CPU:0' -> 'CPU:0' ('' stays '')."""
    if not device:
        return ""
    tail = device.rpartition("/")[2]
    return tail[len("device:") :] if tail.startswith("device:") else tail
