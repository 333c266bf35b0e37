"""Bounded text and HTML for checkpoint comparisons and plans.

Both views follow the tree views' rule for big inputs: first the counts and the
causes grouped, then the first rows of each section, then "... N more". Every
string that can come from a user (variable names, checkpoint keys, causes) is
escaped in HTML, and control characters are shown escaped in text, so a name
cannot break a line or inject markup.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import Callable, Iterable, List, Sequence, Tuple

MAX_ROWS = 25  # rows shown per section; the objects keep them all
MAX_GROUPS = 12  # cause groups shown in the summary


def one_line(text: str) -> str:
    """``text`` on one line: control and bidi characters escaped as \\n, \\u202e."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def shape_text(shape) -> str:
    """'[2, 3]' for a shape tuple, '?' for None."""
    return "[" + ", ".join(str(d) for d in shape) + "]" if shape is not None else "?"


def grouped(labels: Iterable[str]) -> List[Tuple[str, int]]:
    """(label, count) for the non-empty labels, most common first, ties by label."""
    counts = Counter(label for label in labels if label)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def text_groups(title: str, groups: Sequence[Tuple[str, int]]) -> List[str]:
    """A summary block: '<title>' then one '  N  label' line per group."""
    if not groups:
        return []
    width = len(str(groups[0][1]))
    lines = ["", title]
    for label, count in groups[:MAX_GROUPS]:
        lines.append(f"  {count:>{width}}  {one_line(label)}")
    if len(groups) > MAX_GROUPS:
        lines.append(f"  ... {len(groups) - MAX_GROUPS} more kinds")
    return lines


def text_section(title: str, rows: Sequence, line: Callable, where: str) -> List[str]:
    """A titled list of rows, cut after MAX_ROWS with '... N more (in <where>)'."""
    if not rows:
        return []
    out = ["", f"{title} ({len(rows)})"]
    for row in rows[:MAX_ROWS]:
        out.extend("  " + one_line(text) for text in line(row))
    if len(rows) > MAX_ROWS:
        out.append(f"  ... {len(rows) - MAX_ROWS} more (all of them are in {where})")
    return out


def html_groups(title: str, groups: Sequence[Tuple[str, int]]) -> str:
    """The summary block as a bare list (it must read well without CSS)."""
    if not groups:
        return ""
    items = "".join(
        f"<li>{count} &times; {escape(label)}</li>" for label, count in groups[:MAX_GROUPS]
    )
    if len(groups) > MAX_GROUPS:
        items += f"<li>... {len(groups) - MAX_GROUPS} more kinds</li>"
    return f"<p>{escape(title)}</p><ul>{items}</ul>"


def html_section(title: str, headers: Sequence[str], rows: Sequence, cells: Callable, where: str):
    """A titled table of the first MAX_ROWS rows; ``cells(row)`` gives plain strings."""
    if not rows:
        return ""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells(row)) + "</tr>"
        for row in rows[:MAX_ROWS]
    )
    more = ""
    if len(rows) > MAX_ROWS:
        more = f"<p>... {len(rows) - MAX_ROWS} more (all of them are in {escape(where)})</p>"
    return f"<h4>{escape(title)} ({len(rows)})</h4><table><tr>{head}</tr>{body}</table>{more}"
