"""Running a captured graph on the chosen device and saying where each op ran.

``on_device`` places what a block builds (``tf.device`` around it); ``run`` runs
fetches of a captured graph in a ``tf.compat.v1.Session`` after initializing its
variables, and reports the values and the device each op actually ran on (read
from the session's partition graphs, which every TensorFlow build can return,
with or without a GPU). The ``%%scopes --device/--run`` options are glue over
these two (see ``CellRun``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from .device import DeviceChoice, choose_device, short_device
from .hooks import import_tensorflow

MAX_PLACEMENT_NAMES = 40


class RunError(ValueError):
    """A fetch could not be found or run; the message says what to do."""


@contextlib.contextmanager
def on_device(device: str = "auto", announce: bool = True):
    """Place every op built in the block on ``device`` ('auto', 'cpu' or 'gpu').

    Use it inside ``scopekit.capture()`` so it applies to the captured graph::

        with scopekit.capture() as cap, on_device("auto"):
            y = tf.square(tf.constant(3.0), name="y")

    Yields the :class:`DeviceChoice`. Without a GPU, 'auto' and 'gpu' place on
    the CPU and print one line saying so (``announce=False`` keeps it quiet).
    """
    choice = device if isinstance(device, DeviceChoice) else choose_device(device)
    if announce and choice.message:
        print(choice.message)
    tf = import_tensorflow()
    with tf.device(choice.device):
        yield choice


@dataclass
class RunResult:
    """What ``run`` computed: values by fetch name, and where each op ran.

    ``placement`` maps op name -> full device name, for the ops of the captured
    graph that executed, in graph order.
    """

    values: Dict[str, object]
    placement: Dict[str, str]
    choice: Optional[DeviceChoice]
    used: Sequence[str] = ()  # every device the run used, folded constants included

    def __getitem__(self, name: str):
        return self.values[name]

    def devices(self) -> List[str]:
        """The short names of the devices that ran something ('CPU:0', 'GPU:0')."""
        seen: List[str] = []
        for device in [*self.placement.values(), *self.used]:
            short = short_device(device)
            if short not in seen:
                seen.append(short)
        return seen

    def to_text(self) -> str:
        """Deterministic text: the values, then the ops each device ran."""
        ran_on = ", ".join(self.devices())
        asked = f" (asked: {self.choice.requested})" if self.choice else ""
        lines = [f"Ran on {ran_on}{asked}"]
        for name, value in self.values.items():
            lines.append(f"  {name} = {_format_value(value)}")
        lines.append("Where each op ran")
        by_device: Dict[str, List[str]] = {}
        for op_name, device in self.placement.items():
            by_device.setdefault(short_device(device), []).append(op_name)
        if not by_device:
            lines.append(
                "  none of the cell's ops: TensorFlow precomputed the result (constant folding)"
            )
        for device, names in by_device.items():
            shown = ", ".join(names[:MAX_PLACEMENT_NAMES])
            more = (
                f", ... {len(names) - MAX_PLACEMENT_NAMES} more"
                if len(names) > MAX_PLACEMENT_NAMES
                else ""
            )
            lines.append(f"  {device} ({len(names)} ops): {shown}{more}")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text()}

    def __repr__(self) -> str:
        return self.to_text()


def _format_value(value) -> str:
    if value is None:
        return "(op ran, no value)"
    array = np.asarray(value)
    if array.dtype.kind in "SUO":
        return repr(value)
    return np.array2string(array, precision=4, suppress_small=True, separator=", ")


def _resolve(capture, fetch, namespace):
    """A fetch (name, tensor, op or variable) -> (display name, what to give Session.run)."""
    tf = import_tensorflow()
    graph = capture.graph
    if not isinstance(fetch, str):
        if getattr(fetch, "graph", None) is not graph:
            raise RunError(
                f"{fetch!r} does not belong to the captured graph; fetch something the cell built."
            )
        return fetch.name, fetch
    name = fetch.strip()
    # A Python variable of the cell comes first: it is what the learner sees in the code
    # (`v = tf.Variable(1.0, name='v') * 3.0`: --run v means the product, not the variable).
    candidate = namespace.get(name) if namespace is not None and name.isidentifier() else None
    if candidate is not None and getattr(candidate, "graph", None) is graph:
        label = getattr(candidate, "name", name)
        same = label == name or label.startswith(name + ":")  # y is y:0: say it once
        return (label if same else f"{name} ({label})"), candidate
    element = _graph_element(graph, name)
    if element is None:
        raise RunError(_not_found(capture, name, getattr(candidate, "graph", None)))
    if isinstance(element, tf.Operation):
        for variable in graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES):
            if variable.op is element:
                return name, variable  # the variable's value, not its resource handle
        if element.outputs:
            return element.outputs[0].name, element.outputs[0]
    return name, element


def _graph_element(graph, name):
    """The op or tensor called ``name`` in ``graph``, or None."""
    try:
        return graph.as_graph_element(name, allow_tensor=True, allow_operation=True)
    except (KeyError, ValueError):
        return None


def _not_found(capture, name: str, python_graph) -> str:
    """Why ``name`` is not in the graph the cell started in, and what to do instead.

    ``python_graph`` is the graph of the Python variable called ``name``, if any.
    """
    for index, other in enumerate(capture.graphs[1:], start=1):
        if python_graph is other or _graph_element(other, name) is not None:
            return (
                f"{name!r} is in a graph the cell made itself (graph {index}, from "
                "`with tf.Graph().as_default():` or tf.compat.v1.reset_default_graph()), "
                "and a run (--run, run()) uses the graph the cell started in. Build it there, "
                "or run it in a tf.compat.v1.Session on its own graph "
                f"(with -o cap: cap.graphs[{index}])."
            )
    if python_graph is not None:
        return (
            f"{name!r} holds a tensor of a graph from outside this cell (an earlier cell's?); "
            "--run runs what the cell built. Build it in this cell."
        )
    known = [op.name for op in capture.graph.get_operations()][:12]
    if not known:
        return f"Nothing named {name!r}: the cell built nothing in its graph."
    return (
        f"Nothing named {name!r} in the cell's graph. Fetch an op or tensor name "
        f"such as {', '.join(repr(k) for k in known)}."
    )


def session_config(choice: Optional[DeviceChoice] = None):
    """Session options every run uses (``run``, the exercise checks, their checkpoints).

    Soft placement lets an op without a kernel for the requested device (a GPU) run
    on the CPU instead of failing; memory growth keeps one run from taking a whole GPU.
    """
    tf = import_tensorflow()
    config = tf.compat.v1.ConfigProto(allow_soft_placement=True)
    config.gpu_options.allow_growth = True
    if choice is not None and choice.kind == "CPU":
        # Hide GPUs from this session: ops without an explicit device stay on the CPU too.
        config.device_count["GPU"] = 0
    return config


def run(
    capture,
    fetches,
    device: Optional[str] = None,
    feed_dict=None,
    namespace=None,
    record_placement: bool = True,
) -> RunResult:
    """Run ``fetches`` of the captured graph in a fresh ``tf.compat.v1.Session``.

    ``fetches``: an op or tensor name ("tower/out" or "tower/out:0"), several
    names separated by commas, or a list of names, tensors, ops and variables of
    ``capture.graph``. Every variable of the graph is initialized first.

    ``device``: None runs where the graph's ops were placed (see ``on_device``);
    'cpu' keeps the whole run on the CPU; 'auto' and 'gpu' let the session use a
    GPU when TensorFlow sees one and otherwise fall back to the CPU with one line.

    Returns a :class:`RunResult`. Unless ``record_placement`` is False, the
    capture's ``OpRecord.device`` of every op that ran is set to the device it
    ran on, so the tree shows the placement.
    """
    tf = import_tensorflow()
    choice = (
        None
        if device is None
        else (device if isinstance(device, DeviceChoice) else choose_device(device))
    )
    if choice is not None and choice.message and not isinstance(device, DeviceChoice):
        print(choice.message)
    graph = capture.graph
    if graph is None:
        raise RunError(
            "An eager capture has no graph to run: its values were computed as the cell ran."
        )
    if isinstance(fetches, str):
        fetches = [part for part in fetches.split(",") if part.strip()]
    if not fetches:
        raise RunError("Nothing to run: name at least one op or tensor, e.g. run(cap, 'y').")
    resolved = [_resolve(capture, fetch, namespace) for fetch in fetches]
    options = tf.compat.v1.RunOptions(output_partition_graphs=True)
    metadata = tf.compat.v1.RunMetadata()
    variables = [
        variable
        for key in (tf.compat.v1.GraphKeys.GLOBAL_VARIABLES, tf.compat.v1.GraphKeys.LOCAL_VARIABLES)
        for variable in graph.get_collection(key)
        # An eager variable can land in the default graph's collection (get_variable
        # through an EagerVariableStore): it has its value already and no initializer.
        if getattr(variable, "initializer", None) is not None
    ]
    with tf.compat.v1.Session(graph=graph, config=session_config(choice)) as session:
        try:
            for variable in variables:  # creation order: later initializers may read earlier ones
                session.run(variable.initializer)
            outputs = session.run(
                [target for _, target in resolved],
                feed_dict=feed_dict,
                options=options,
                run_metadata=metadata,
            )
        except tf.errors.OpError as error:
            raise RunError(
                f"TensorFlow could not run {', '.join(n for n, _ in resolved)}: "
                f"{error_gist(error.message)}"
            ) from None
    names_in_graph = {op.name for op in graph.get_operations()}
    ran: Dict[str, str] = {}
    used: List[str] = []
    for partition in metadata.partition_graphs:
        for node in partition.node:
            if node.device not in used:
                used.append(node.device)
            # Nodes TensorFlow added (send/receive, folded constants) are not the cell's ops.
            if node.name in names_in_graph:
                ran[node.name] = node.device
    order = {op.name: i for i, op in enumerate(graph.get_operations())}
    placement = dict(sorted(ran.items(), key=lambda item: order[item[0]]))
    if record_placement:
        _record_placement(capture, placement)
    values = {name: value for (name, _), value in zip(resolved, outputs, strict=True)}
    return RunResult(values=values, placement=placement, choice=choice, used=used)


def error_gist(message: str) -> str:
    """The line of a TensorFlow error that says what went wrong (its last unindented one)."""
    lines = [line for line in str(message).splitlines() if line and not line[0].isspace()]
    lines = [line for line in lines if not line.startswith(("Node:", "Detected at node"))]
    return lines[-1] if lines else str(message).strip()


def _record_placement(capture, placement: Dict[str, str]) -> None:
    """Show in the capture's tree where each op ran (graph 0 only: the one that ran)."""
    capture.set_op_devices(placement, graph=0)


class CellRun:
    """What ``%%scopes --device D --run FETCHES`` asks of one cell.

    ``placed()`` wraps the cell (it places the ops, printing the one-line GPU
    fallback notice); ``finish(capture)`` runs the fetches afterwards.
    """

    def __init__(self, device: Optional[str], fetches: Optional[str]):
        self.fetches: Sequence[str] = [f for f in (fetches or "").split(",") if f.strip()]
        wanted = device is not None or bool(self.fetches)
        self.choice = choose_device(device or "auto") if wanted else None

    def placed(self):
        """A context manager placing the cell's ops (a no-op without the options)."""
        if self.choice is None:
            return contextlib.nullcontext()
        return on_device(self.choice)

    def finish(self, capture, namespace=None) -> Optional[RunResult]:
        """Run the fetches, if any were asked for."""
        if not self.fetches:
            return None
        return run(capture, self.fetches, device=self.choice, namespace=namespace)
