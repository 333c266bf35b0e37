"""Checkpoint keys against the variables a captured cell creates.

``compare(checkpoint_path, capture)`` answers the migration question "will this
checkpoint load into this code, and if not, why?" in four lists:

* matched: a checkpoint key for a variable of the same name and shape;
* missing: a variable the cell makes that the checkpoint has no key for (a
  name-based restore fails with "Key ... not found in checkpoint");
* unexpected: a key no variable of the cell takes;
* shape mismatches: same name, different shape.

Each missing name is paired, where one rule can see it, with the unexpected key
it was probably meant to be (each key with one variable at most), and the rule
says why they differ (see ``rules.py``). For an object-based checkpoint the name
compared is the variable name each key was saved from (what a name-based restore
matches on); a ``tf.train.Checkpoint.restore`` matches by object path instead.

The pairing looks up candidates in indexes built once over the unexpected keys,
so it costs about one dictionary look-up per name component, not one rule call
per (missing, unexpected) pair.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from html import escape
from typing import Dict, List, Optional, Tuple

from ..attribution import basename
from . import views
from .reading import VALUE_SUFFIX, CheckpointKey, read_checkpoint
from .rules import RULE_WORDS, likely_cause

__all__ = ["Comparison", "Entry", "VALUE_SUFFIX", "compare"]


@dataclass(frozen=True)
class Entry:
    """One line of a comparison.

    ``name`` is the variable name in the cell ("" for an unexpected key);
    ``key`` the checkpoint key ("" for a missing variable); ``saved_name`` the
    variable name the key was saved from (the key itself in a name-based
    checkpoint). ``counterpart`` is, for a missing variable, the key it was
    probably meant to load, and for an unexpected key, the variable it was
    probably meant for; ``rule`` and ``cause`` say why they differ.
    """

    name: str = ""
    key: str = ""
    saved_name: str = ""
    shape: Optional[tuple] = None
    checkpoint_shape: Optional[tuple] = None
    counterpart: str = ""
    rule: str = ""
    cause: str = ""

    def to_dict(self) -> dict:
        """JSON-ready (shapes as lists)."""
        data = asdict(self)
        for k in ("shape", "checkpoint_shape"):
            data[k] = None if data[k] is None else list(data[k])
        return data


@dataclass
class Comparison:
    """The result of :func:`compare`: plain lists, with bounded text and HTML views."""

    checkpoint: str
    format: str  # "name-based" or "object-based"
    matched: List[Entry] = field(default_factory=list)
    missing: List[Entry] = field(default_factory=list)
    unexpected: List[Entry] = field(default_factory=list)
    shape_mismatches: List[Entry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every variable of the cell finds a key of its shape."""
        return not self.missing and not self.shape_mismatches

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {
            "checkpoint": self.checkpoint,
            "format": self.format,
            "ok": self.ok,
            **{
                part: [e.to_dict() for e in getattr(self, part)]
                for part in ("matched", "missing", "unexpected", "shape_mismatches")
            },
        }

    def summary(self) -> str:
        """'2 matched, 1 missing, 1 unexpected, 0 shape mismatches'."""
        return (
            f"{len(self.matched)} matched, {len(self.missing)} missing, "
            f"{len(self.unexpected)} unexpected, {len(self.shape_mismatches)} "
            f"shape mismatch{'es' if len(self.shape_mismatches) != 1 else ''}"
        )

    def verdict(self) -> str:
        """What the lists mean for a restore, in one phrase."""
        if self.ok:
            return "every variable of the cell has a key"
        if self.format == "object-based":
            # tf.train.Checkpoint.restore matches object paths, which names do not change.
            return "a restore by name would fail (tf.train.Checkpoint restores by object path)"
        return "restoring the cell's variables would fail or load the wrong shapes"

    def cause_groups(self) -> List[Tuple[str, int]]:
        """(likely cause, how many variables) over missing names and shape mismatches."""
        labels = [RULE_WORDS.get(e.rule, "no rule explains the name") for e in self.missing]
        labels += ["same name, other shape"] * len(self.shape_mismatches)
        return views.grouped(labels)

    def to_text(self) -> str:
        """Deterministic text: counts and causes first, then the first rows of each list."""
        out = [
            views.one_line(
                f"Checkpoint {self.checkpoint} ({self.format}): {self.summary()}; {self.verdict()}"
            )
        ]
        out += views.text_groups("Likely causes, by how many variables they explain:",
                                 self.cause_groups())
        for title, entries, where in self._sections():
            out += views.text_section(title, entries, self._text_lines, where)
        return "\n".join(out)

    def to_html(self) -> str:
        """Static HTML (no script, no CSS needed): the same parts as to_text."""
        parts = [
            "<div class='scopekit-checkpoint'>",
            f"<p><b>Checkpoint</b> <code>{escape(self.checkpoint)}</code> "
            f"({escape(self.format)}): {escape(self.summary())}; {escape(self.verdict())}</p>",
            views.html_groups("Likely causes, by how many variables they explain:",
                              self.cause_groups()),
        ]
        headers = ("variable in the cell", "checkpoint key", "shape", "likely cause")
        for title, entries, where in self._sections():
            parts.append(views.html_section(title, headers, entries, self._cells, where))
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __repr__(self) -> str:
        return f"<scopekit.checkpoint.Comparison {self.checkpoint}: {self.summary()}>"

    def _sections(self):
        return (
            ("Missing from the checkpoint (the cell makes them)", self.missing, ".missing"),
            (
                "Unexpected in the checkpoint (no variable of the cell takes them)",
                self.unexpected,
                ".unexpected",
            ),
            ("Shape mismatches", self.shape_mismatches, ".shape_mismatches"),
            ("Matched", self.matched, ".matched"),
        )

    def _text_lines(self, entry: Entry) -> List[str]:
        lines = [_entry_line(entry, self.format)]
        if entry.cause:
            lines.append("    likely cause: " + entry.cause)
        return lines

    def _cells(self, entry: Entry) -> Tuple[str, str, str, str]:
        return (
            entry.name or "-",
            _key_text(entry, self.format) or "-",
            _shapes_text(entry),
            entry.cause,
        )


def _shapes_text(entry: Entry) -> str:
    if entry.shape is not None and entry.checkpoint_shape is not None:
        if tuple(entry.shape) != tuple(entry.checkpoint_shape):
            return (
                f"{views.shape_text(entry.checkpoint_shape)} saved, "
                f"{views.shape_text(entry.shape)} in the cell"
            )
        return views.shape_text(entry.shape)
    return views.shape_text(entry.shape if entry.shape is not None else entry.checkpoint_shape)


def _key_text(entry: Entry, fmt: str) -> str:
    if fmt == "object-based" and entry.key:
        return f"{entry.key} (saved from {entry.saved_name})"
    return entry.key


def _entry_line(entry: Entry, fmt: str) -> str:
    shapes = _shapes_text(entry)
    if entry.name and entry.key and fmt == "object-based":
        return f"{entry.name} <- {entry.key}  {shapes}"
    if entry.name:
        return f"{entry.name}  {shapes}"
    return f"{_key_text(entry, fmt)}  {shapes}"


# ---------------------------------------------------------------------------
# The comparison


def _cell_variables(capture) -> List[object]:
    """One record per distinct variable name, first call first."""
    seen: Dict[str, object] = {}
    for var in capture.variables:
        seen.setdefault(var.name, var)
    return list(seen.values())


def compare(checkpoint_path, capture) -> Comparison:
    """Compare a checkpoint's keys with the variables ``capture`` recorded.

    ``checkpoint_path`` is the prefix ``Saver.save`` / ``Checkpoint.write``
    returned, or the directory holding one checkpoint. ``capture`` is a
    :class:`scopekit.Capture` (graph mode or ``eager=True``).
    """
    if not hasattr(capture, "variables"):
        raise TypeError(
            f"compare(checkpoint_path, capture) takes a scopekit Capture, not "
            f"{type(capture).__name__}; make one with `with scopekit.capture() as cap:`."
        )
    prefix, fmt, keys = read_checkpoint(checkpoint_path, dtypes=False)
    # tf.train.Checkpoint optimizer slots are not variables a cell makes by name.
    keys = [key for key in keys if not key.object_slot]
    result = Comparison(checkpoint=os.path.basename(prefix), format=fmt)
    missing_vars, leftovers = _match_by_name(result, _cell_variables(capture), keys)
    _explain_mismatches(result, missing_vars, leftovers, capture.scopes)
    return result


def _match_by_name(result: Comparison, variables, keys):
    """Fill matched and shape_mismatches; return (missing variables, unused keys)."""
    by_saved: Dict[str, CheckpointKey] = {}
    for key in keys:
        by_saved.setdefault(key.saved_name, key)
    taken = set()
    missing = []
    for var in variables:
        found = by_saved.get(var.name)
        if found is None:
            missing.append(var)
            continue
        taken.add(found.key)
        entry = Entry(
            name=var.name,
            key=found.key,
            saved_name=found.saved_name,
            shape=var.shape,
            checkpoint_shape=found.shape,
        )
        if var.shape is None or tuple(var.shape) == tuple(found.shape):
            result.matched.append(entry)
            continue
        cause = (
            f"same name, other shape: {views.shape_text(found.shape)} was saved, the cell "
            f"makes {views.shape_text(var.shape)} (a layer or input size changed); a TF1 "
            "Saver restore into resource variables does not stop at this, the variable "
            "silently takes the saved shape"
        )
        result.shape_mismatches.append(replace(entry, rule="shape", cause=cause))
    return missing, [k for k in keys if k.key not in taken]


class _Candidates:
    """Indexes over the unexpected keys: which saved names a rule could pair with a name.

    A superset of what the rules accept (each candidate is still checked with
    ``likely_cause``), built in one pass over the keys, one or two entries a key.
    """

    def __init__(self, leftovers: List[CheckpointKey], missing_vars):
        depths = {var.name.count("/") + 1 for var in missing_vars}
        self.by_name = defaultdict(list)  # saved name -> positions
        self.by_stem = defaultdict(list)  # saved name without _N numbers
        self.by_tail = defaultdict(list)  # (depth, the saved name's last `depth` components)
        for position, key in enumerate(leftovers):
            name = key.saved_name
            self.by_name[name].append(position)
            self.by_stem[_without_numbers(name)].append(position)
            parts = name.split("/")
            for depth in depths:
                if depth < len(parts):
                    self.by_tail[depth, "/".join(parts[-depth:])].append(position)

    def of(self, var) -> List[int]:
        """Positions of keys some rule might pair with ``var``, in key order."""
        name = var.name
        parts = name.split("/")
        found = set()
        base = basename(name)
        for scope in (var.name_scope, var.variable_scope):
            if scope:
                found.update(self.by_name.get(f"{scope}/{base}", ()))
        for i in range(1, len(parts)):  # the cell's name has an extra outer scope
            found.update(self.by_name.get("/".join(parts[i:]), ()))
        found.update(self.by_tail.get((len(parts), name), ()))  # the checkpoint's has one
        # Names one _N number apart are equal without their numbers.
        found.update(self.by_stem.get(_without_numbers(name), ()))
        return sorted(found)


_NUMBERS = re.compile(r"_\d+(?=/|$)")


def _without_numbers(name: str) -> str:
    return _NUMBERS.sub("", name)


def _explain_mismatches(result: Comparison, missing_vars, leftovers, scopes) -> None:
    """Fill missing and unexpected, pairing each missing name with one key a rule explains.

    Variables are taken in creation order, keys in key order; a key already paired
    is never offered again.
    """
    candidates = _Candidates(leftovers, missing_vars) if missing_vars and leftovers else None
    paired: Dict[str, Tuple[object, str]] = {}  # key -> (variable, rule)
    for var in missing_vars:
        entry = Entry(name=var.name, shape=var.shape)
        for position in candidates.of(var) if candidates else ():
            key = leftovers[position]
            if key.key in paired:
                continue
            rule, cause = likely_cause(var, key.saved_name, scopes)
            if rule:
                paired[key.key] = (var, rule)
                entry = replace(entry, counterpart=key.saved_name, rule=rule, cause=cause)
                break
        result.missing.append(entry)
    for key in leftovers:
        entry = Entry(key=key.key, saved_name=key.saved_name, checkpoint_shape=key.shape)
        if key.key in paired:
            var, rule = paired[key.key]
            entry = replace(
                entry,
                counterpart=var.name,
                rule=rule,
                cause=f"probably {var.name} in the cell ({RULE_WORDS[rule]}, see above)",
            )
        result.unexpected.append(entry)
