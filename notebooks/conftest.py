"""Keep each notebook's cells in order under pytest-randomly, also for `pytest notebooks`.

The hook lives in tests/conftest.py; a run that collects only notebooks/ does not load
that file, so it is registered here too (running it twice changes nothing).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for `tests`

from tests.conftest import pytest_collection_modifyitems  # noqa: E402, F401
