"""Sphinx configuration for the scopekit site.

Build: `sphinx-build -W --keep-going -n docs docs/_build/html` (tests/test_docs.py does).

Sphinx + MyST-NB: the course notebooks are rendered from their saved outputs (the outputs
nbval checks), the user guide is a MyST text notebook executed at build time so its
examples are always what scopekit prints today, and autodoc reads the API's docstrings.
"""

import logging
import os
import shutil
import sys
from pathlib import Path

# TensorFlow's C++ logs must not reach the pages (the guide runs real TensorFlow).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
# The API pages document the scopekit beside this folder, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

project = "scopekit"
author = "the scopekit authors"
copyright = "the scopekit authors"

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon"]

exclude_patterns = ["_build", "**/.ipynb_checkpoints"]
# The course toctree takes whatever notebooks/*.ipynb exist; tests/test_docs.py checks
# that each of them got a page. They are copied into docs/notebooks/ (git-ignored, made
# afresh by every build) rather than linked: Sphinx resolves a symlinked notebook's links
# from its real folder, so links between notebooks would not resolve.
HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE / "notebooks"
# An exercise check's failure is words, not a traceback: Pygments' traceback lexer gives up
# on it and Sphinx shows it as plain text, which is right. Nothing else is silenced.
suppress_warnings = ["misc.highlighting_failure"]


def _copy_course_notebooks() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    sources = {path.name: path for path in (HERE.parent / "notebooks").glob("*.ipynb")}
    for stale in NOTEBOOKS.glob("*.ipynb"):
        if stale.name not in sources:
            stale.unlink()
    for name, path in sources.items():
        shutil.copy2(path, NOTEBOOKS / name)  # keeps the time stamp: rebuilds stay incremental


_copy_course_notebooks()

# Saved outputs are the claims CI checks; never re-run the course notebooks here.
nb_execution_mode = "off"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
# Show scopekit's static HTML tree, not a widget view that needs a live kernel.
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
# ...and so no page loads the widget manager from a CDN for widgets it never shows.
nb_ipywidgets_js = {}
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

# Broken cross-references are errors (run with -n -W): links between pages are checked.
nitpicky = True
nitpick_ignore_regex = [
    # Outside names autodoc meets in signatures; there is no offline inventory for them.
    (r"py:.*", r"(tf|tensorflow|IPython|traitlets)\..*"),
    (r"py:class", r"(Graph|Operation|InteractiveShell|ScopeNode|Note|optional)"),
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"

html_theme = "furo"
html_title = "scopekit"
html_static_path = []


class _NoCourseYet(logging.Filter):
    """Drop the empty-glob warning of the course toctree while notebooks/ is empty."""

    def filter(self, record):
        return "didn't match any documents" not in record.getMessage()


def setup(app):
    if not any(NOTEBOOKS.glob("*.ipynb")):
        logging.getLogger("sphinx.sphinx.directives.other").addFilter(_NoCourseYet())
