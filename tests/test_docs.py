"""The documentation site builds cleanly and every link between its pages works.

The build is the one CI and a contributor run (warnings are errors, nitpicky
cross-references); then every relative link and image in the generated HTML is
followed: the file must exist and, for ``page.html#anchor``, the anchor too. External
links are not followed (no network here).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
STATIC_TREE = re.compile(r"class=[\"']scopekit-static[\"']")  # root of render/html.py's view


class _Page(HTMLParser):
    """Collects a page's anchors (id/name) and the links it makes."""

    def __init__(self):
        super().__init__()
        self.anchors, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.anchors.update(filter(None, (attrs.get("id"), attrs.get("name"))))
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[str]:
    """Every relative link in the site whose target file or anchor does not exist."""
    pages = {path: _parse(path) for path in site.rglob("*.html")}
    broken = []
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # external: not checked offline
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)} -> {link}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif parts.fragment and parts.fragment not in pages.get(target, _Page()).anchors:
                broken.append(f"{where}: no such anchor")
    return broken


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(REPO / "docs"),
            str(out),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, f"docs build failed:\n{done.stderr[-6000:]}"
    return out


def test_no_broken_link_between_pages(site):
    assert broken_links(site) == []


def test_the_link_checker_finds_a_broken_link_and_anchor(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a id="top" href="b.html#top">ok</a><a href="b.html#nowhere">x</a>'
        '<img src="missing.png"><a href="https://example.org/">external</a>'
    )
    (tmp_path / "b.html").write_text('<h1 id="top">b</h1><a href="a.html">back</a>')
    assert broken_links(tmp_path) == [
        "a.html -> b.html#nowhere: no such anchor",
        "a.html -> missing.png: no such file",
    ]


def _saved_html_outputs(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    return [
        "".join(output["data"]["text/html"])
        for cell in cells
        for output in cell.get("outputs", [])
        if "text/html" in output.get("data", {})
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_each_notebook_is_a_page_with_its_saved_static_trees(site, notebook):
    page = site / "notebooks" / f"{notebook.stem}.html"
    assert page.exists(), f"{notebook.name} has no page in the site"
    index_links = _parse(site / "index.html").links
    assert f"notebooks/{notebook.stem}.html" in index_links, "not listed on the front page"
    built = page.read_text(encoding="utf-8")
    trees = sum(len(STATIC_TREE.findall(out)) for out in _saved_html_outputs(notebook))
    # The static tree of every %%scopes output is on the page (not a dead widget view).
    assert len(STATIC_TREE.findall(built)) >= trees
    # Readable offline: no script fetched from another host (e.g. a widget manager CDN).
    assert not re.search(r"<script[^>]*src=\"https?:", built)


def test_guide_shows_what_scopes_prints_today(site):
    page = (site / "guide.html").read_text(encoding="utf-8")
    text = html.unescape(page)  # quotes come escaped one way or another, by version
    for words in (
        "get_variable ignored name scope 'foo'",  # the default example's note
        "'v' was renamed 'v_1' because the name was taken",  # --graph default
        "reused layer/w",  # -o cap
        "ValueError",  # the failing cell's own traceback
    ):
        assert words in text, words
    assert STATIC_TREE.search(page), "the rich view's static tree is missing"


def test_api_reference_documents_the_public_api(site):
    built = (site / "api.html").read_text(encoding="utf-8")
    for anchor in (
        "scopekit.capture",
        "scopekit.Capture",
        "scopekit.OpRecord",
        "scopekit.VariableRecord",
        "scopekit.ScopeRecord",
        "scopekit.VariableRecord.prefix_from",
        "scopekit.magic.ScopesMagics.scopes",
        "scopekit.checkpoint.compare",
        "scopekit.sources.show",
        "scopekit.exercises.check",
    ):
        assert f'id="{anchor}"' in built, anchor


def test_guide_documents_every_option_of_the_magic():
    from scopekit.magic import ScopesMagics

    guide = (REPO / "docs" / "guide.md").read_text(encoding="utf-8")
    options = [
        max(action.option_strings, key=len)
        for action in ScopesMagics.scopes.parser._actions
        if action.option_strings and action.dest != "help"
    ]
    assert options, "no option found: did the magic's parser move?"
    undocumented = [option for option in options if f"`{option}" not in guide]
    assert undocumented == [], f"add these %%scopes options to docs/guide.md: {undocumented}"
