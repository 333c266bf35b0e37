"""Time from running a display cell to the first visible tree row, in JupyterLab + Chromium.

Starts JupyterLab on a free port (throw-away dirs), opens a notebook whose cells
build a capture without showing it, then runs the cell that shows it (``cap``) and
measures in the page, from the run command to the first ``.sk-row`` drawn in that
cell's output. Each size is shown REPEATS times, interleaved: the first display
builds the widget and the static views; later ones reuse the capture's widget.

Run: python benchmarks/widget_first_row.py [REPEATS]
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOKEN = "scopekit-bench"
CHROMIUM = "/usr/bin/chromium"

# 421 ops: the README-sized model; 40,601 ops: the issue-16 reopened-blocks graph.
BUILD = {
    "small": (
        "with scopekit.capture() as small:\n"
        "    for i in range(30):\n"
        "        with v1.variable_scope(f'layer_{i}'):\n"
        "            w = v1.get_variable('w', shape=(2,))\n"
        "            tf.nn.relu(w, name='act')\n"
    ),
    "large": (
        "with scopekit.capture() as large:\n"
        "    for i in range(2900):\n"
        "        with v1.variable_scope('b%d' % (i // 10)):\n"
        "            with v1.variable_scope('l%d' % i):\n"
        "                w = v1.get_variable('w', shape=(2,))\n"
        "                with tf.name_scope('act'):\n"
        "                    tf.nn.relu(w)\n"
    ),
}


def _cell(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}  # fmt: skip


def _notebook() -> dict:
    cells = [_cell("import scopekit, tensorflow as tf\nv1 = tf.compat.v1")]
    cells += [_cell(BUILD["small"]), _cell(BUILD["large"])]
    cells += [_cell("small"), _cell("large")]
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3",
            "display_name": "Python 3", "language": "python"}}, "nbformat": 4,
            "nbformat_minor": 5}  # fmt: skip


_MEASURE = """async (index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.widgets[index];
  panel.content.activeCellIndex = index;
  const start = performance.now();
  window.jupyterapp.commands.execute('notebook:run-cell');
  return await new Promise((resolve) => {
    const seen = () => {
      const row = cell.node.querySelector('.sk-widget .sk-row');
      if (row && row.offsetParent !== null) resolve(performance.now() - start);
      else requestAnimationFrame(seen);
    };
    seen();
  });
}"""


def main(repeats: int = 3) -> None:
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="scopekit-first-row-"))
    root = home / "root"
    root.mkdir()
    (root / "bench.ipynb").write_text(json.dumps(_notebook()))
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"autoStartDefaultKernel": true}')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_DATA_DIR=str(home / "data"),
               PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="1")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root}", f"--LabApp.user_settings_dir={home / 'settings'}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2).close()
                break
            except OSError:
                time.sleep(1)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/bench.ipynb?reset&token={TOKEN}")
            page.wait_for_function(
                "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                ".kernelDisplayStatus === 'idle'",
                timeout=120_000,
            )
            for index in range(3):  # imports, then both captures (not timed)
                page.evaluate(_MEASURE.replace(".sk-widget .sk-row", "*"), index)
                page.wait_for_timeout(1000)  # the run has started
                page.wait_for_function(
                    "() => window.jupyterapp.shell.currentWidget.sessionContext"
                    ".kernelDisplayStatus === 'idle'",
                    timeout=600_000,
                )
            times = {"small": [], "large": []}
            for _ in range(repeats):  # interleaved
                for name, index in (("small", 3), ("large", 4)):
                    times[name].append(page.evaluate(_MEASURE, index) / 1000)
                    page.wait_for_timeout(500)
                    page.wait_for_function(
                        "() => window.jupyterapp.shell.currentWidget.sessionContext"
                        ".kernelDisplayStatus === 'idle'",
                        timeout=120_000,
                    )
            ops = page.evaluate(
                "() => [...document.querySelectorAll('.sk-headline')].map((h) => h.textContent)"
            )
            browser.close()
        for name in ("small", "large"):
            first, *again = times[name]
            # Only the first display builds the widget and both static views; showing
            # the same capture again reuses its widget (one widget per capture).
            shown = ", ".join(f"{t:.2f}" for t in again)
            median = statistics.median(again) if again else float("nan")
            print(f"{name}: first display {first:.2f} s; again {median:.2f} s ({shown})")
        print("\n".join(ops))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
