"""Checkpoint keys against the variables a captured cell creates.

``compare(checkpoint_path, capture)`` answers the migration question "will this
checkpoint load into this code, and if not, why?" in four lists:

* matched: a checkpoint key for a variable of the same name and shape;
* missing: a variable the cell makes that the checkpoint has no key for (a
  name-based restore fails with "Key ... not found in checkpoint");
* unexpected: a key no variable of the cell takes;
* shape mismatches: same name, different shape.

Each missing name is paired, where one rule can see it, with the unexpected key
it was probably meant to be, and the rule says why they differ (a ``_1`` suffix,
a name scope get_variable ignored, a Keras auto-name, an extra outer scope).

Both checkpoint formats are read:

* name-based (``tf.compat.v1.train.Saver``): the keys are variable names;
* object-based (``tf.train.Checkpoint``): keys are object paths such as
  ``model/layer/kernel/.ATTRIBUTES/VARIABLE_VALUE``. The checkpoint also records
  the variable name each key was saved from; that name is what is compared (it
  is what a name-based restore of this checkpoint matches on). A
  ``tf.train.Checkpoint.restore`` matches by object path instead, which names
  do not change.

Reading uses TensorFlow's public checkpoint reader and the checkpoint's object
graph, a protocol buffer whose schema ships with TensorFlow. The result object is
plain data with text and HTML views; no path of the checkpoint's directory is
shown, only its file name, so notebook outputs do not depend on a temp dir.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, replace
from html import escape
from typing import Dict, List, Optional, Tuple

from .attribution import basename

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
_NUMBERED = re.compile(r"^(.*)_(\d+)$")


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
        data = asdict(self)
        for k in ("shape", "checkpoint_shape"):
            data[k] = None if data[k] is None else list(data[k])
        return data


@dataclass
class Comparison:
    """The result of :func:`compare`: plain lists, with text and HTML views."""

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

    def to_text(self) -> str:
        """Deterministic text: one section per list, causes under each line."""
        out = [f"Checkpoint {self.checkpoint} ({self.format}): {self.summary()}; {self.verdict()}"]
        for title, entries in self._sections():
            if not entries:
                continue
            out += ["", title]
            for entry in entries:
                out.append("  " + _entry_line(entry, self.format))
                if entry.cause:
                    out.append("      likely cause: " + entry.cause)
        return "\n".join(out)

    def to_html(self) -> str:
        """Static HTML (no script): the same sections as to_text, as tables."""
        parts = [
            "<div class='scopekit-checkpoint'>",
            f"<p><b>Checkpoint</b> <code>{escape(self.checkpoint)}</code> "
            f"({escape(self.format)}): {escape(self.summary())}; {escape(self.verdict())}</p>",
        ]
        for title, entries in self._sections():
            if not entries:
                continue
            rows = "".join(
                "<tr>"
                f"<td><code>{escape(e.name or '-')}</code></td>"
                f"<td><code>{escape(_key_text(e, self.format) or '-')}</code></td>"
                f"<td>{escape(_shapes_text(e))}</td>"
                f"<td>{escape(e.cause)}</td>"
                "</tr>"
                for e in entries
            )
            parts.append(
                f"<h4>{escape(title)}</h4><table><tr><th>variable in the cell</th>"
                "<th>checkpoint key</th><th>shape</th><th>likely cause</th></tr>"
                f"{rows}</table>"
            )
        parts.append("</div>")
        return "".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __repr__(self) -> str:
        return f"<scopekit.checkpoint.Comparison {self.checkpoint}: {self.summary()}>"

    def _sections(self):
        return (
            ("Missing from the checkpoint (the cell makes them)", self.missing),
            ("Unexpected in the checkpoint (no variable of the cell takes them)", self.unexpected),
            ("Shape mismatches", self.shape_mismatches),
            ("Matched", self.matched),
        )


def _shape(shape) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]" if shape is not None else "?"


def _shapes_text(entry: Entry) -> str:
    if entry.shape is not None and entry.checkpoint_shape is not None:
        if tuple(entry.shape) != tuple(entry.checkpoint_shape):
            return f"{_shape(entry.checkpoint_shape)} saved, {_shape(entry.shape)} in the cell"
        return _shape(entry.shape)
    return _shape(entry.shape if entry.shape is not None else entry.checkpoint_shape)


def _key_text(entry: Entry, fmt: str) -> str:
    if fmt == "object-based" and entry.key:
        return f"{entry.key} (saved from {entry.saved_name})"
    return entry.key


def _entry_line(entry: Entry, fmt: str) -> str:
    shapes = _shapes_text(entry)
    if entry.name and entry.key:
        if fmt == "object-based":
            return f"{entry.name} <- {entry.key}  {shapes}"
        return f"{entry.name}  {shapes}"
    if entry.name:
        return f"{entry.name}  {shapes}"
    return f"{_key_text(entry, fmt)}  {shapes}"


# ---------------------------------------------------------------------------
# Reading a checkpoint


@dataclass(frozen=True)
class _Key:
    key: str
    saved_name: str
    shape: tuple


def resolve_checkpoint(path) -> str:
    """The checkpoint prefix for ``path`` (a prefix, a directory, or a data/index file).

    Raises FileNotFoundError with what was looked for and what to pass instead.
    """
    import tensorflow as tf

    path = os.fspath(path)
    if os.path.isdir(path):
        latest = tf.train.latest_checkpoint(path)
        if latest:
            return latest
        prefixes = sorted(
            name[: -len(".index")] for name in os.listdir(path) if name.endswith(".index")
        )
        if len(prefixes) == 1:
            return os.path.join(path, prefixes[0])
        found = ", ".join(prefixes) if prefixes else "none"
        raise FileNotFoundError(
            f"No single checkpoint in the directory {os.path.basename(path)!r} (checkpoints "
            f"found: {found}). Pass the checkpoint prefix, e.g. the path that "
            "Saver.save or Checkpoint.write returned."
        )
    for suffix in (".index", ".meta"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    path = re.sub(r"\.data-\d{5}-of-\d{5}$", "", path)
    if not os.path.exists(path + ".index"):
        raise FileNotFoundError(
            f"No checkpoint at {os.path.basename(path)!r}: there is no "
            f"{os.path.basename(path)}.index file. Pass the prefix that Saver.save or "
            "Checkpoint.write returned (without .index), or the directory holding it."
        )
    return path


def read_checkpoint(path) -> Tuple[str, str, List[_Key]]:
    """(prefix, format, keys): the variable entries of a checkpoint, sorted by key."""
    import tensorflow as tf

    prefix = resolve_checkpoint(path)
    reader = tf.train.load_checkpoint(prefix)
    shapes = reader.get_variable_to_shape_map()
    if OBJECT_GRAPH_KEY not in shapes:
        keys = [_Key(k, k, tuple(s)) for k, s in shapes.items()]
        return prefix, "name-based", sorted(keys, key=lambda k: k.key)
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor(OBJECT_GRAPH_KEY))
    keys = []
    for node in graph.nodes:
        for attribute in node.attributes:
            key = attribute.checkpoint_key
            # Variable values only: optimizer slots and Python state are not variables
            # a cell creates by name.
            if key.endswith(VALUE_SUFFIX) and ".OPTIMIZER_SLOT" not in key and key in shapes:
                keys.append(_Key(key, attribute.full_name or key, tuple(shapes[key])))
    return prefix, "object-based", sorted(keys, key=lambda k: k.key)


# ---------------------------------------------------------------------------
# Likely causes: rules over one missing variable and one unexpected saved name.


def _split(name: str) -> List[str]:
    return name.split("/")


def _one_component_differs(a: str, b: str) -> Optional[Tuple[int, str, str]]:
    pa, pb = _split(a), _split(b)
    if len(pa) != len(pb):
        return None
    diffs = [i for i, (x, y) in enumerate(zip(pa, pb, strict=True)) if x != y]
    if len(diffs) != 1:
        return None
    i = diffs[0]
    return i, pa[i], pb[i]


def _stem(component: str) -> str:
    match = _NUMBERED.match(component)
    return match.group(1) if match else component


def _numbered_pair(x: str, y: str) -> bool:
    """'dense_1' vs 'dense', or 'dense_1' vs 'dense_2': one name, other numbers."""
    return x != y and _stem(x) == _stem(y) and (x != _stem(x) or y != _stem(y))


def _rule_ignored_name_scope(var, saved: str, scopes=()) -> str:
    base = basename(var.name)
    ns, vs = var.name_scope, var.variable_scope
    if ns == vs or not ns:
        return ""
    if var.creator == "get_variable" and saved == f"{ns}/{base}":
        return (
            f"get_variable ignored the name scope '{ns}': the cell makes {var.name} "
            f"(variable scope '{vs or '(top level)'}' only), the checkpoint has {saved}, "
            "the name a tf.Variable in that name scope gets"
        )
    if var.creator == "Variable" and vs and saved == f"{vs}/{base}":
        return (
            f"tf.Variable follows the name scope '{ns}', not the variable scope '{vs}': "
            f"the cell makes {var.name}, the checkpoint has {saved} (saved by get_variable "
            "code, which follows the variable scope)"
        )
    return ""


def _rule_keras_auto_name(var, saved: str, scopes=()) -> str:
    differs = _one_component_differs(var.name, saved)
    if differs is None or getattr(var, "kind", "") != "keras":
        return ""
    index, here, there = differs
    if index == len(_split(var.name)) - 1 or not _numbered_pair(here, there):
        return ""
    return (
        f"Keras auto-name: the layer is '{here}' in the cell and was '{there}' when saved. "
        "Keras numbers unnamed layers per Python session (dense, dense_1, ...); give "
        "layers explicit names, or call keras.backend.clear_session() before building"
    )


def _rule_suffix(var, saved: str, scopes=()) -> str:
    differs = _one_component_differs(var.name, saved)
    if differs is None:
        return ""
    index, here, there = differs
    if not _numbered_pair(here, there):
        return ""
    last = index == len(_split(var.name)) - 1
    if last and getattr(var, "requested", "") and basename(var.requested) != here:
        return (
            f"a _N suffix: the cell asked for '{basename(var.requested)}' but the name was "
            f"taken, so it made '{here}' (the checkpoint has '{there}'): a cell re-run in "
            "the same graph, or a second variable of that name"
        )
    for scope in scopes:
        asked = scope.requested if scope.requested is not None else scope.default_name
        opened = scope.name_scope if scope.kind == "name_scope" else scope.variable_scope
        asked = basename(asked.rstrip("/")) if asked else ""
        # A scope asked for as 'block' that opened as 'block_1' (the one in this name).
        if asked and asked == _stem(here) != here and basename(opened) == here:
            return (
                f"a _N suffix: the scope '{asked}' was reopened as '{here}' "
                f"(the checkpoint has '{there}'): a scope opened twice, or a cell re-run "
                "in the same graph"
            )
    return (
        f"a _N suffix: '{here}' in the cell, '{there}' in the checkpoint: a cell re-run "
        "in the same graph, or a scope opened twice, numbers the later one"
    )


def _rule_outer_scope(var, saved: str, scopes=()) -> str:
    if var.name.endswith("/" + saved):
        extra = var.name[: -len(saved) - 1]
        return (
            f"an extra outer scope: the cell's name has '{extra}/' in front of the "
            f"checkpoint's {saved} (a wrapping model, module or scope)"
        )
    if saved.endswith("/" + var.name):
        extra = saved[: -len(var.name) - 1]
        return (
            f"a missing outer scope: the checkpoint's name has '{extra}/' in front of "
            f"{var.name} (it was saved from inside a model, module or scope)"
        )
    return ""


# Tried in this order: the first that explains a pair names its cause.
RULES = {
    "ignored_name_scope": _rule_ignored_name_scope,
    "keras_auto_name": _rule_keras_auto_name,
    "suffix": _rule_suffix,
    "outer_scope": _rule_outer_scope,
}
RULE_WORDS = {
    "ignored_name_scope": "the name scope get_variable ignored",
    "keras_auto_name": "a Keras auto-name",
    "suffix": "a _N suffix",
    "outer_scope": "an outer scope",
}


def likely_cause(var, saved: str, scopes=()) -> Tuple[str, str]:
    """(rule, cause) explaining why variable ``var`` did not find ``saved``, or ("", "")."""
    for rule, explain in RULES.items():
        cause = explain(var, saved, scopes)
        if cause:
            return rule, cause
    return "", ""


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
    prefix, fmt, keys = read_checkpoint(checkpoint_path)
    result = Comparison(checkpoint=os.path.basename(prefix), format=fmt)
    missing_vars, leftovers = _match_by_name(result, _cell_variables(capture), keys)
    _explain_mismatches(result, missing_vars, leftovers, capture.scopes)
    return result


def _match_by_name(result: Comparison, variables, keys):
    """Fill matched and shape_mismatches; return (missing variables, unused keys)."""
    by_saved: Dict[str, _Key] = {}
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
            f"same name, other shape: {_shape(found.shape)} was saved, the cell makes "
            f"{_shape(var.shape)} (a layer or input size changed); a TF1 Saver restore into "
            "resource variables does not stop at this, the variable silently takes the "
            "saved shape"
        )
        result.shape_mismatches.append(replace(entry, rule="shape", cause=cause))
    return missing, [k for k in keys if k.key not in taken]


def _explain_mismatches(result: Comparison, missing_vars, leftovers, scopes) -> None:
    """Fill missing and unexpected, pairing each missing name with one key a rule explains."""
    paired: Dict[str, Tuple[object, str]] = {}  # key -> (variable, rule)
    for var in missing_vars:
        entry = Entry(name=var.name, shape=var.shape)
        for key in leftovers:
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
