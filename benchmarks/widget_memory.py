"""Memory over N reruns of one %%scopes cell whose output is the widget.

Each rerun captures a graph of VARIABLES get_variable calls and shows it the way
the magic does (Capture._repr_mimebundle_ in a kernel, the same cell id), then
drops the capture, as a rerun replaces the cell's output. Resident memory after
each rerun should stay flat: the earlier run's widget is closed and no widget
holds a graph.

Run: python benchmarks/widget_memory.py [RERUNS] [VARIABLES]
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(reruns: int = 6, variables: int = 4000) -> None:
    import comm
    import tensorflow as tf
    from comm.base_comm import BaseComm, CommManager

    import scopekit
    from scopekit import widget as widget_module

    class QuietComm(BaseComm):
        """A comm with a kernel-like presence that sends nowhere (no front end here)."""

        kernel = "benchmark"

        def publish_msg(self, *args, **kwargs):
            pass

    manager = CommManager()
    comm.create_comm = lambda *a, **k: QuietComm(*a, **k)
    comm.get_comm_manager = lambda: manager
    widget_module.kernel_can_show_widgets = lambda: True
    widget_module._running_cell_id = lambda: "the-cell"

    def comm_closed(c):  # a kernel unregisters a closed comm
        manager.comms.pop(c.comm_id, None)

    v1 = tf.compat.v1
    print(f"{reruns} reruns of a cell with {variables} get_variable calls")
    print(f"before: {rss_mb():.0f} MB")
    for run in range(1, reruns + 1):
        with scopekit.capture() as cap:
            for i in range(variables):
                v1.get_variable(f"v{i}", shape=(4,))
        cap._repr_mimebundle_()
        for c in list(manager.comms.values()):
            if getattr(c, "_closed", False):
                comm_closed(c)
        del cap
        gc.collect()
        print(f"after run {run}: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
