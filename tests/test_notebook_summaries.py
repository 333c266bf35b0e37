"""The sentences that sum a source up in notebooks 01-05 and 90 agree with the verdicts.

Each source notebook shows what its source gets right and wrong, and its summary, as
outputs of ``sources.verdicts(...)``; notebook 90 sums up all five the same way. These
tests check that (1) the saved outputs are what the verdicts give now, so no summing-up
sentence can contradict the tallies, and (2) no markdown cell sums a source up by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scopekit import sources

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SOURCE_NOTEBOOKS = {
    "000_bf3f400bfcaca25f.txt": "01-stackoverflow-chinese.ipynb",
    "001_c29cff149f045e48.txt": "02-stackoverflow-korean.ipynb",
    "002_f4f5a5525d147526.txt": "03-blog-variable-sharing.ipynb",
    "003_699cbc8ef847592e.txt": "04-english-summary.ipynb",
    "004_2ccd8ddd6ba974c2.txt": "05-howto-article.ipynb",
}
SUMMING_UP = "90-claims-summary.ipynb"

# Words that sum a source up. In these notebooks they may appear only in generated
# outputs (and headings), never in hand-written prose.
VERDICT_WORDS = re.compile(
    r"\b(holds?|held|accurate|correct(ly)?|right|wrong|true|false|outdated|garbled|"
    r"still work|matches|match)\b",
    re.IGNORECASE,
)


def _cells(name):
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def _text_output(cell):
    """A cell's result as text: its Markdown or plain text, else everything it printed."""
    printed = ""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/markdown" in data:
            return "".join(data["text/markdown"])
        if "text/plain" in data:
            return "".join(data["text/plain"])
        if output.get("output_type") == "stream":
            printed += "".join(output["text"])
    return printed or None


def _output_of(cells, code):
    matching = [c for c in cells if c["cell_type"] == "code" and code in _source(c)]
    assert len(matching) == 1, f"expected one cell running {code!r}, found {len(matching)}"
    return matching[0], _text_output(matching[0])


@pytest.mark.parametrize("notebook", [*SOURCE_NOTEBOOKS.values(), SUMMING_UP])
def test_no_markdown_cell_sums_a_source_up_by_hand(notebook):
    for cell in _cells(notebook):
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).splitlines():
            if line.startswith("#"):
                continue  # headings such as "What it gets right and wrong"
            # "what it gets right and wrong" announces the generated verdicts.
            # Code spans (`reuse=True`) are code, not verdicts.
            prose = re.sub(r"`[^`]*`", "", line).replace("gets right and wrong", "")
            found = VERDICT_WORDS.search(prose)
            assert not found, f"{notebook}: hand-written verdict {found.group(0)!r} in {line!r}"


@pytest.fixture(scope="module")
def verdicts(tf):
    found = {file: sources.verdicts(file) for file in SOURCE_NOTEBOOKS}
    found[None] = sources.verdicts()
    return found


@pytest.mark.parametrize("file", SOURCE_NOTEBOOKS)
def test_source_notebook_opens_and_ends_with_the_generated_verdicts(verdicts, file):
    cells = _cells(SOURCE_NOTEBOOKS[file])
    opening_cell, opening = _output_of(cells, f'sources.verdicts("{file}")')
    summary_cell, summary = _output_of(cells, "verdicts.summary()")
    assert opening == str(verdicts[file].opening())
    assert summary == str(verdicts[file].summary())
    # Lesson first: the verdicts come before any example, the summary after all of them.
    position = {id(c): i for i, c in enumerate(cells)}
    examples = [position[id(c)] for c in cells if "sources.show(" in _source(c)]
    assert position[id(opening_cell)] < min(examples) <= max(examples) < position[id(summary_cell)]


@pytest.mark.parametrize("file", SOURCE_NOTEBOOKS)
def test_saved_counts_agree_with_the_tally(verdicts, file):
    _, summary = _output_of(_cells(SOURCE_NOTEBOOKS[file]), "verdicts.summary()")
    t = verdicts[file].tally
    numbers = re.match(r"- Of the (\d+) claims .*?, (\d+) hold .*? and (\d+) do not", summary)
    assert numbers, summary
    assert tuple(int(n) for n in numbers.groups()) == (t.claims, t.holds, t.claims - t.holds)
    # Each counted claim that fails falls under exactly one listed finding.
    assert sum(f.count for f in t.findings) == t.claims - t.holds
    for finding in t.findings:
        assert f"  - {finding.line}" in summary


def test_claims_summary_notebook_sums_up_all_five_from_the_verdicts(verdicts):
    cells = _cells(SUMMING_UP)
    _, summary = _output_of(cells, "every.summary()")
    assert summary == str(verdicts[None].summary())
    _, per_source = _output_of(cells, "sources.verdicts(source.file).tally.line")
    for file, found in verdicts.items():
        if file is not None:
            assert found.tally.line in per_source


@pytest.mark.parametrize("file", SOURCE_NOTEBOOKS)
def test_source_notebook_credits_its_source(file):
    cells = _cells(SOURCE_NOTEBOOKS[file])
    cell, _ = _output_of(cells, f'sources.source("{file}")')
    credit = "".join(cell["outputs"][0]["data"]["text/markdown"])
    found = sources.source(file)
    assert credit == found.credit
    assert credit.startswith(f"Code and quotes adapted from {found.title}")
    assert file in credit
    if found.short in ("000", "001", "003"):
        assert "CC BY-SA" in credit
    # Prose names the source by its title; the seed file name stays in the credit line.
    for other in cells:
        if other["cell_type"] == "markdown":
            assert ".txt" not in _source(other), _source(other)
