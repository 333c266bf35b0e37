"""Bytes the scope tree widget sends at first show, for small and big captures.

Run: PYTHONPATH=. python benchmarks/widget_first_show.py

The captures are hand-made records (no TensorFlow needed): "layered" is
model/layer_<i>/dense/op<j> (numbered layers fold into a series), "flat" is
that many unnumbered top-level ops (the root is then sent one page at a time).
"""

from __future__ import annotations

import json
import time

import comm
from comm.base_comm import BaseComm, CommManager

import scopekit
from scopekit.attribution import prefix_from
from scopekit.records import OpRecord
from scopekit.widget import ScopeTreeWidget


class _Recording(BaseComm):
    kernel = "recording"

    def __init__(self, *args, **kwargs):
        self.sizes = []
        super().__init__(*args, **kwargs)

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        self.sizes.append((msg_type, len(json.dumps(data))))


def _op(name: str) -> OpRecord:
    ns = name.rpartition("/")[0]
    return OpRecord(name, "Identity", ns, "", "", prefix_from(name, ns, ""))


def _capture(ops):
    capture = scopekit.Capture(None, "fresh")
    capture.ops = ops
    return capture


def measure(label: str, ops) -> None:
    opened = []
    comm.create_comm = lambda *a, **k: opened.append(_Recording(*a, **k)) or opened[-1]
    manager = CommManager()
    comm.get_comm_manager = lambda: manager
    capture = _capture(ops)
    start = time.perf_counter()
    widget = ScopeTreeWidget(capture)
    seconds = time.perf_counter() - start
    sent = sum(size for c in opened for _, size in c.sizes)
    tree = len(json.dumps(widget.initial))
    print(
        f"{label:<28} {len(ops):>7} ops: first show {sent:>7} bytes "
        f"(tree data {tree:>6}, rest is the view's JS/CSS and widget state), "
        f"built in {seconds:.2f} s"
    )


if __name__ == "__main__":

    def layered(layers, per):
        return [_op(f"model/layer_{i}/dense/op{j}") for i in range(layers) for j in range(per)]

    measure("layered 10 x 10", layered(10, 10))
    measure("layered 1000 x 100", layered(1000, 100))
    measure("flat", [_op(f"n{i}x") for i in range(100)])
    measure("flat", [_op(f"n{i}x") for i in range(100_000)])
