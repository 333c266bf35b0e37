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


def pytest_collection_modifyitems(items):
    """Keep each notebook's cells in order, whatever order the unit tests run in.

    pytest-randomly shuffles the items of each test module; nbval's cells have no
    module, so they would be shuffled together, and a notebook's cells depend on
    the ones above them. Notebooks still come in a random order, each whole.
    """
    _keep_ordered_scenarios(items)
    slots = [index for index, item in enumerate(items) if hasattr(item, "cell_num")]
    if not slots:
        return
    cells = [items[index] for index in slots]
    notebooks = list(dict.fromkeys(cell.parent for cell in cells))  # first-seen order
    ordered = [
        cell
        for notebook in notebooks
        for cell in sorted((c for c in cells if c.parent is notebook), key=lambda c: c.cell_num)
    ]
    for index, cell in zip(slots, ordered, strict=True):
        items[index] = cell


def _keep_ordered_scenarios(items):
    """Keep the tests of a module that sets ``ORDERED_SCENARIO`` in file order.

    Such a module is one scenario over one live page (tests/test_browser.py: a learner
    clicks, searches and toggles one widget, step after step); its reason is in its
    ``ORDERED_SCENARIO`` string. Its slots in the random order stay where they are.
    """
    slots = [
        index
        for index, item in enumerate(items)
        if getattr(getattr(item, "module", None), "ORDERED_SCENARIO", None)
    ]
    in_file_order = sorted((items[index] for index in slots), key=lambda item: item.reportinfo()[1])
    for index, item in zip(slots, in_file_order, strict=True):
        items[index] = item
