"""The README's table of course notebooks, made from notebooks/*.ipynb so it cannot drift.

    python docs/notebook_table.py          # print the table
    python docs/notebook_table.py --write  # put it into README.md between the markers

tests/test_readme.py fails, naming this command, when README.md and notebooks/ disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SLUG = "scopekit/scopekit"  # the GitHub repository Binder builds from
BEGIN = "<!-- notebook-table: made by docs/notebook_table.py, do not edit by hand -->"
END = "<!-- end of notebook-table -->"


def binder_url(path: str) -> str:
    """A Binder link that opens JupyterLab on ``path`` (relative to the repository)."""
    return f"https://mybinder.org/v2/gh/{SLUG}/HEAD?urlpath=lab/tree/{path}"


def notebook_title(notebook: Path) -> str:
    """The first ``# Title`` line of the notebook's markdown cells."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    raise ValueError(
        f"{notebook.name} has no title: start its first markdown cell with '# Title' "
        "(the README table and the docs page use it)"
    )


def notebook_table(repo: Path = REPO) -> str:
    """A markdown table: one row per notebook, in file-name order."""
    rows = ["| Notebook | What it is | Open |", "| --- | --- | --- |"]
    # By stem, as the docs sidebar lists them: 07-exercises before 07-exercises-solutions.
    for notebook in sorted((repo / "notebooks").glob("*.ipynb"), key=lambda path: path.stem):
        path = f"notebooks/{notebook.name}"
        title = notebook_title(notebook).replace("|", "\\|")
        rows.append(f"| [{notebook.stem}]({path}) | {title} | [Binder]({binder_url(path)}) |")
    if len(rows) == 2:
        rows.append("| *(no notebook yet)* | | |")
    return "\n".join(rows)


def readme_with_table(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README.md needs the two marker lines:\n{BEGIN}\n{END}")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main(argv: list[str]) -> int:
    table = notebook_table()
    if argv[1:] == ["--write"]:
        readme = REPO / "README.md"
        readme.write_text(readme_with_table(readme.read_text(encoding="utf-8"), table))
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
