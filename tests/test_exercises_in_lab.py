"""The student notebook in real JupyterLab, in real Chromium.

What a learner sees when running the first exercise from a clean notebook: the
device demo names the device and says "no GPU" in one line (on a machine without
one), and an unsolved check shows the friendly message without any traceback frames.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import playwright.sync_api as playwright
import pytest

CHROMIUM = "/usr/bin/chromium"
STUDENT = Path(__file__).resolve().parent.parent / "notebooks" / "07-exercises.ipynb"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the student notebook with its outputs cleared."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    root = tmp_path_factory.mktemp("lab")
    notebook = json.loads(STUDENT.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    (root / "exercises.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(STUDENT.parent.parent)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--IdentityProvider.token=",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--allow-root",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 90 s")
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)


def test_first_exercise_in_jupyterlab(lab, tf, tmp_path):
    has_gpu = bool(tf.config.list_physical_devices("GPU"))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.goto(f"{lab}/lab/tree/exercises.ipynb")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)
        # From the top, run cell after cell up to the first check (Shift+Enter each).
        cells = page.locator(".jp-Notebook .jp-Cell")
        cells.first.click()
        page.keyboard.press("Escape")  # command mode
        sources = json.loads(STUDENT.read_text(encoding="utf-8"))["cells"]
        first_check = next(
            i
            for i, c in enumerate(sources)
            if c["cell_type"] == "code" and "exercises.check(" in "".join(c["source"])
        )
        for _ in range(first_check + 1):
            page.keyboard.press("Shift+Enter")
        error = page.locator(".jp-Cell").nth(first_check).locator(".jp-OutputArea-output")
        try:
            error.get_by_text("ExerciseNotSolved: Not solved yet").wait_for(timeout=180_000)
        except playwright.Error:
            page.screenshot(path=str(tmp_path / "lab.png"))  # what the page showed instead
            raise
        shown = error.inner_text()
        assert "no prediction for 'a' yet (a tf.Variable)" in shown
        assert "Hint: " in shown
        assert "Traceback" not in shown and "checking.py" not in shown
        # The device demo above it ran and said where.
        text = page.locator(".jp-Notebook").inner_text()
        assert "Ran on CPU:0 (asked: cpu)" in text
        assert "y:0 = [ 4., 16., 36.]" in text
        if not has_gpu:
            assert text.count("TensorFlow sees no GPU, so this runs on the CPU.") == 1
        browser.close()
