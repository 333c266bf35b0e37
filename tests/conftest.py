"""Shared fixtures: a real IPython shell with scopekit loaded, TensorFlow imported once."""

import os

import pytest

# Before TensorFlow is imported anywhere in the test session.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@pytest.fixture(scope="session")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture
def shell(tf):
    """A real InteractiveShell with scopekit loaded, as a notebook kernel has it."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(history_length=0)
    shell.run_cell("%load_ext scopekit", store_history=False)
    shell.run_line_magic("colors", "nocolor")  # tracebacks as plain text, for asserting
    shell.user_ns["tf"] = tf
    yield shell
    shell.user_ns.pop("cap", None)


@pytest.fixture
def shown(shell):
    """Everything the shell displays while the test runs, as mime bundles."""
    from IPython.core.displaypub import CapturingDisplayPublisher

    publisher = CapturingDisplayPublisher()
    original = shell.display_pub
    shell.display_pub = publisher
    yield publisher.outputs
    shell.display_pub = original


def run(shell, cell):
    """Run a cell; return IPython's ExecutionResult."""
    return shell.run_cell(cell, store_history=False)
