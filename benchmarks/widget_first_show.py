"""Bytes the scope tree widget sends at first show, for small and big captures.

Run: python benchmarks/widget_first_show.py   (benchmarks/run.py reports the same
ratio for its own synthetic model as row 3.)

Hand-made records, no TensorFlow: "layered" is model/layer_<i>/dense/op<j>
(numbered layers fold into one series node), "flat" is that many unnumbered
top-level ops (the root level is then sent one page of 200 nodes at a time).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scopekit  # noqa: E402
from scopekit.attribution import prefix_from  # noqa: E402
from scopekit.records import OpRecord  # noqa: E402
from scopekit.widget import ScopeTreeWidget, first_show_payload_size  # noqa: E402


def _capture(names) -> scopekit.Capture:
    capture = scopekit.Capture(None, "fresh")
    capture.ops = [
        OpRecord(
            n, "Identity", n.rpartition("/")[0], "", "", prefix_from(n, n.rpartition("/")[0], "")
        )
        for n in names
    ]
    capture.closed = True
    return capture


def measure(label: str, capture) -> None:
    start = time.perf_counter()
    total = first_show_payload_size(capture)
    seconds = time.perf_counter() - start
    tree = len(json.dumps(ScopeTreeWidget(capture).initial))
    print(
        f"{label:<20} {len(capture.ops):>7} ops: first show {total:>6} B "
        f"(tree data {tree:>6} B; the rest is the view's JS/CSS), {seconds:.2f} s"
    )


if __name__ == "__main__":
    layered = lambda n, per: [f"model/layer_{i}/dense/op{j}" for i in range(n) for j in range(per)]  # noqa: E731
    measure("layered 10 x 10", _capture(layered(10, 10)))
    measure("layered 1000 x 100", _capture(layered(1000, 100)))
    measure("flat", _capture(f"n{i}x" for i in range(100)))
    measure("flat", _capture(f"n{i}x" for i in range(100_000)))
