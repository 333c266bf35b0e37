"""``plan(ckpt, target)``: the checkpoint-to-code mapping, and loading it.

:func:`plan` reads the checkpoint and the target and runs the pairing rules
(``pairing.py``); the :class:`Plan` it returns shows every pair with its reason,
loads the values (``apply``: all of them or none) and prints the mapping as
plain TensorFlow code (``to_code``).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from html import escape
from typing import Dict, List, Mapping, Optional, Tuple

from . import views
from .pairing import (
    AMBIGUOUS,
    CONFIDENCES,
    EXACT,
    PAIRING_RULES,
    RULE_BY_NAME,
    Pair,
    PairingRule,
    _quoted,
    make_pair,
    pair_all,
)
from .reading import COUNTER, OPTIMIZER, WEIGHT, CheckpointKey, open_reader, read_checkpoint
from .targets import PlanError, target_variables

__all__ = ["PAIRING_RULES", "Pair", "PairingRule", "Plan", "PlanError", "plan"]


@dataclass
class Plan:
    """What :func:`plan` found: one :class:`Pair` per target variable, and the rest.

    ``unused``: weight keys no variable takes. ``optimizer_state`` and ``counters``:
    keys listed apart (never paired with weights). ``skipped``: target variables
    that are optimizer state or counters themselves.
    """

    checkpoint: str
    format: str
    pairs: List[Pair]
    unused: List[CheckpointKey] = field(default_factory=list)
    optimizer_state: List[CheckpointKey] = field(default_factory=list)
    counters: List[CheckpointKey] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
    _prefix: str = field(default="", repr=False)
    # Private: {name: TargetVariable} to load into, {key: CheckpointKey} to read.
    _targets: dict = field(default_factory=dict, repr=False)
    _keys: dict = field(default_factory=dict, repr=False)

    # -- what it says -------------------------------------------------------

    @property
    def ambiguous(self) -> List[Pair]:
        """Rows where two or more keys fit equally well."""
        return [p for p in self.pairs if p.confidence == AMBIGUOUS]

    @property
    def ok(self) -> bool:
        """True when every target variable has one key it can load as it is."""
        return all(p.paired and not p.problem for p in self.pairs)

    def mapping(self) -> Dict[str, str]:
        """{checkpoint key: variable name} for every paired row without a problem."""
        return {p.key: p.variable for p in self.pairs if p.paired and not p.problem}

    def counts(self) -> Dict[str, int]:
        """How many rows have each confidence."""
        counts = {c: 0 for c in CONFIDENCES}
        for p in self.pairs:
            counts[p.confidence] += 1
        return counts

    def summary(self) -> str:
        """One line: the rows by confidence and the keys left over."""
        counts = self.counts()
        rows = ", ".join(f"{counts[c]} {c}" for c in CONFIDENCES if counts[c] or c in (EXACT,))
        problems = sum(1 for p in self.pairs if p.problem)
        extra = f", {problems} with a problem" if problems else ""
        return (
            f"{len(self.pairs)} variables: {rows}{extra}; {len(self.unused)} keys unused, "
            f"{len(self.optimizer_state)} optimizer-state and {len(self.counters)} counter "
            "keys listed apart"
        )

    def rule_groups(self) -> List[Tuple[str, int]]:
        """(rule in words, how many rows it paired), most used first."""
        return views.grouped(
            f"{p.confidence}: {RULE_BY_NAME[p.rule].words}" if p.rule else p.confidence
            for p in self.pairs
        )

    # -- loading ------------------------------------------------------------

    def with_overrides(self, overrides: Mapping) -> "Plan":
        """A copy where ``overrides`` decide: {name, Keras variable or tf_variable.ref(): key}.

        The key may be a checkpoint key or the saved name the plan shows.
        """
        by_saved = {k.saved_name: k for k in self._keys.values()}
        chosen: Dict[str, CheckpointKey] = {}
        for target, wanted in overrides.items():
            name = target if isinstance(target, str) else _name_of(target)
            if name not in self._targets:
                shown = name or target  # something without a name: say what was given
                raise PlanError(f"overrides: {shown!r} is not a variable of the target.")
            key = self._keys.get(wanted) or by_saved.get(wanted)
            if key is None:
                raise PlanError(
                    f"overrides: the checkpoint has no key {wanted!r} (give a key from "
                    "tf.train.list_variables or a saved name from the plan)."
                )
            chosen[name] = key
        pairs = []
        for p in self.pairs:
            key = chosen.get(p.variable)
            if key is not None:
                p = make_pair(self._targets[p.variable], key, "override")
            pairs.append(p)
        uses = Counter(p.key for p in pairs if p.key)
        taken = set(uses)
        twice = sorted(k for k, n in uses.items() if n > 1)
        if twice:
            raise PlanError(
                f"overrides: the key {twice[0]!r} would load into two variables; each key "
                "goes to one variable."
            )
        unused = [k for k in self.unused if k.key not in taken]
        return replace(self, pairs=pairs, unused=unused)

    def apply(
        self,
        session=None,
        overrides: Optional[Mapping] = None,
        cast: bool = False,
        skip_unpaired: bool = False,
    ) -> Dict[str, str]:
        """Load the checkpoint's values into the target: all of them, or none.

        Eager and Keras variables are assigned. Variables of a graph capture are
        assigned in ``session`` when one is given; without one,
        ``tf.compat.v1.train.init_from_checkpoint`` makes their initializers
        read the checkpoint (run ``global_variables_initializer`` after).
        Shapes must be equal; dtypes are cast only with ``cast=True``. Rows
        without a key stop the load unless ``skip_unpaired=True`` (those
        variables keep their values). Returns {variable name: key} loaded.
        """
        active = self.with_overrides(overrides) if overrides else self
        rows = active._loadable(skip_unpaired)
        values, casts = active._read_values(rows, cast)
        graphs = {id(t.graph): t.graph for t, _ in rows if t.graph is not None}
        if graphs:
            if len(graphs) > 1 or any(t.graph is None for t, _ in rows):
                raise PlanError(
                    "Nothing was loaded: the target's variables live in several graphs "
                    "(or some are eager); plan one graph at a time."
                )
            (graph,) = graphs.values()
            _load_graph(graph, rows, values, session, active._prefix, casts)
        else:
            _load_eager(rows, values)
        return {t.name: k.key for t, k in rows}

    def _loadable(self, skip_unpaired: bool):
        problems = []
        rows = []
        for p in self.pairs:
            target = self._targets[p.variable]
            if p.confidence == AMBIGUOUS:
                problems.append(
                    f"{p.variable}: ambiguous between {_quoted(p.alternatives, 3)}; choose "
                    f"with overrides={{{p.variable!r}: <key>}}"
                )
            elif not p.paired:
                if not skip_unpaired:
                    problems.append(f"{p.variable}: no key (pass skip_unpaired=True to keep it)")
            elif p.problem:
                problems.append(f"{p.variable}: {p.problem}")
            elif target.variable is None:
                problems.append(
                    f"{p.variable}: the target holds only its name (an eager capture); "
                    "plan against the model, module or variables to load"
                )
            else:
                rows.append((target, self._keys[p.key]))
        if problems:
            shown = "\n  ".join(problems[:10])
            more = f"\n  ... {len(problems) - 10} more" if len(problems) > 10 else ""
            raise PlanError(
                f"Nothing was loaded: {len(problems)} variable(s) cannot be loaded as the "
                f"plan stands:\n  {shown}{more}"
            )
        if not rows:
            raise PlanError("Nothing was loaded: no row of the plan has a key.")
        return rows

    def _read_values(self, rows, cast: bool):
        """(values, how many were cast): every value read and checked before any assignment."""
        import numpy as np

        reader = open_reader(self._prefix)
        values, problems = [], []
        casts = 0
        for target, key in rows:
            try:
                value = np.asarray(reader.get_tensor(key.key))
            except Exception as error:  # noqa: BLE001 - a damaged .data file
                raise PlanError(
                    f"Nothing was loaded: TensorFlow cannot read {key.key} from the "
                    f"checkpoint ({type(error).__name__}); its .data files are damaged "
                    "or incomplete."
                ) from None
            if target.shape is not None and tuple(value.shape) != tuple(target.shape):
                problems.append(
                    f"{target.name}: {key.key} holds shape {list(value.shape)}, the "
                    f"variable has {list(target.shape)}"
                )
            elif target.dtype and value.dtype.name != target.dtype:
                if not cast:
                    problems.append(
                        f"{target.name}: dtype {value.dtype.name} saved, {target.dtype} here "
                        "(pass cast=True to convert)"
                    )
                value = value.astype(target.dtype)
                casts += 1
            values.append(value)
        if problems:
            shown = "\n  ".join(problems[:10])
            more = f"\n  ... {len(problems) - 10} more" if len(problems) > 10 else ""
            raise PlanError(f"Nothing was loaded:\n  {shown}{more}")
        return values, casts

    # -- code and views -------------------------------------------------------

    def to_code(self, checkpoint: Optional[str] = None) -> str:
        """The mapping as Python: a dict literal and an init_from_checkpoint call.

        ``checkpoint`` is the path written into the code (default: the
        checkpoint's file name, which you replace by its real path).
        """
        path = checkpoint if checkpoint is not None else self.checkpoint
        lines = [
            "# checkpoint key -> variable name (made by scopekit.checkpoint.plan)",
            "assignment_map = {",
        ]
        for p in self.pairs:
            if p.paired and not p.problem:
                lines.append(f"    {p.key!r}: {p.variable!r},  # {p.confidence}")
        lines.append("}")
        for p in self.pairs:
            if p.confidence == AMBIGUOUS:
                lines.append(f"# {p.variable!r}: ambiguous, one of {_quoted(p.alternatives, 5)}")
            elif not p.paired:
                lines.append(f"# {p.variable!r}: no key in the checkpoint")
            elif p.problem:
                lines.append(f"# {p.variable!r}: {p.problem}")
        lines += [
            "# TF1 graph code: run before global_variables_initializer.",
            f"tf.compat.v1.train.init_from_checkpoint({path!r}, assignment_map)",
        ]
        return "\n".join(lines)

    def to_text(self) -> str:
        """Bounded text: counts and rules first, then the rows needing a decision, then pairs."""
        out = [
            views.one_line(
                f"Plan for checkpoint {self.checkpoint} ({self.format}): {self.summary()}"
            ),
            "Ready to apply." if self.ok else _not_ready(self),
        ]
        out += views.text_groups("Pairs by rule:", self.rule_groups())
        undecided = [p for p in self.pairs if not p.paired or p.problem]
        decided = [p for p in self.pairs if p.paired and not p.problem]
        out += views.text_section("Needs a decision", undecided, _undecided_lines, ".pairs")
        out += views.text_section("Pairs", decided, _pair_lines, ".pairs")
        out += views.text_section(
            "Unused keys", self.unused, lambda k: [f"{_key_label(k)}  {views.shape_text(k.shape)}"],
            ".unused",
        )
        apart = self.optimizer_state + self.counters
        out += views.text_section(
            "Listed apart: optimizer state and counters (never paired with weights)",
            apart, lambda k: [f"{_key_label(k)}  ({k.holds})"], ".optimizer_state, .counters",
        )
        if self.skipped:
            out += views.text_section(
                "Target variables left out (optimizer state or counters)", self.skipped,
                lambda name: [name], ".skipped",
            )
        return "\n".join(out)

    def to_html(self) -> str:
        """Static HTML with the same parts as to_text; all text escaped."""
        undecided = [p for p in self.pairs if not p.paired or p.problem]
        decided = [p for p in self.pairs if p.paired and not p.problem]
        pair_headers = ("variable", "checkpoint key", "shape", "confidence", "why")
        parts = [
            "<div class='scopekit-checkpoint-plan'>",
            f"<p><b>Plan</b> for checkpoint <code>{escape(self.checkpoint)}</code> "
            f"({escape(self.format)}): {escape(self.summary())}</p>",
            f"<p>{escape('Ready to apply.' if self.ok else _not_ready(self))}</p>",
            views.html_groups("Pairs by rule:", self.rule_groups()),
            views.html_section("Needs a decision", pair_headers, undecided, _pair_cells, ".pairs"),
            views.html_section("Pairs", pair_headers, decided, _pair_cells, ".pairs"),
            views.html_section(
                "Unused keys", ("checkpoint key", "shape"), self.unused,
                lambda k: (_key_label(k), views.shape_text(k.shape)), ".unused",
            ),
            views.html_section(
                "Listed apart: optimizer state and counters (never paired with weights)",
                ("checkpoint key", "holds"), self.optimizer_state + self.counters,
                lambda k: (_key_label(k), k.holds), ".optimizer_state, .counters",
            ),
            views.html_section(
                "Target variables left out (optimizer state or counters)",
                ("variable",), self.skipped, lambda name: (name,), ".skipped",
            ),
            "</div>",
        ]
        return "".join(parts)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def __repr__(self) -> str:
        return f"<scopekit.checkpoint.Plan {self.checkpoint}: {self.summary()}>"


def _not_ready(plan: Plan) -> str:
    undecided = sum(1 for p in plan.pairs if not p.paired or p.problem)
    return (
        f"Not ready: {undecided} variable(s) need a decision (apply refuses until "
        "overrides={variable: key} settles them, or skip_unpaired=True for those without a key)."
    )


def _key_label(key: CheckpointKey) -> str:
    if key.saved_name != key.key:
        return f"{key.key} (saved from {key.saved_name})"
    return key.key


def _pair_lines(p: Pair) -> List[str]:
    return [
        f"{p.variable} <- {p.key}  {views.shape_text(p.shape)}  [{p.confidence}]",
        f"    {p.why}",
    ]


def _undecided_lines(p: Pair) -> List[str]:
    head = f"{p.variable}  {views.shape_text(p.shape)}  [{p.confidence}]"
    if p.problem:
        return [f"{p.variable} <- {p.key}  [{p.confidence}]", f"    problem: {p.problem}"]
    if p.alternatives:
        return [head, f"    candidates: {_quoted(p.alternatives, 3)}", f"    {p.why}"]
    return [head, f"    {p.why}"]


def _pair_cells(p: Pair) -> Tuple[str, ...]:
    key = p.key or (f"one of {_quoted(p.alternatives, 3)}" if p.alternatives else "-")
    why = p.why + (f" Problem: {p.problem}" if p.problem else "")
    return (p.variable, key, views.shape_text(p.shape), p.confidence, why)


def _name_of(variable) -> str:
    if hasattr(variable, "deref"):  # variable.ref(): how a tf.Variable becomes a dict key
        variable = variable.deref()
    name = getattr(variable, "path", None) or getattr(variable, "name", "")
    return name[:-2] if name.endswith(":0") else name


# ---------------------------------------------------------------------------
# Loading


def _load_eager(rows, values) -> None:
    """Assign every value; put the old values back if any assignment fails."""
    import numpy as np

    old = [np.array(t.variable.numpy()) for t, _ in rows]
    done = 0
    try:
        for (target, _), value in zip(rows, values, strict=True):
            target.variable.assign(value)
            done += 1
    except Exception as error:
        for (target, _), value in zip(rows[:done], old[:done], strict=True):
            target.variable.assign(value)
        raise PlanError(
            f"Nothing was loaded: assigning {rows[done][0].name} failed ({error})."
        ) from None


def _load_graph(graph, rows, values, session, prefix, casts: int) -> None:
    import tensorflow as tf

    if session is None:
        if casts:
            raise PlanError(
                "cast=True needs a session for a graph target (init_from_checkpoint "
                "cannot convert dtypes): pass session=..."
            )
        with graph.as_default():
            tf.compat.v1.train.init_from_checkpoint(
                prefix, {key.key: target.variable for target, key in rows}
            )
        return
    if session.graph is not graph:
        raise PlanError("The session runs another graph than the target's variables live in.")
    with graph.as_default(), tf.name_scope("scopekit_load"):
        feeds = {}
        assigns = []
        for (target, _), value in zip(rows, values, strict=True):
            holder = tf.compat.v1.placeholder(target.variable.dtype.base_dtype, value.shape)
            feeds[holder] = value
            assigns.append(target.variable.assign(holder))
        group = tf.group(*assigns)
    session.run(group, feed_dict=feeds)


# ---------------------------------------------------------------------------
# Making a plan


def plan(checkpoint, target, overrides: Optional[Mapping] = None) -> Plan:
    """Pair each variable of ``target`` with one key of ``checkpoint``, saying why.

    ``checkpoint``: a TF1 ``Saver`` prefix, a ``tf.train.Checkpoint`` prefix, or a
    directory holding one. ``target``: a scopekit ``Capture`` (graph or eager), a
    Keras 3 model or layer, a ``tf.Module``, or a list of variables.
    ``overrides``: {variable or name: key} decided by you. Returns a :class:`Plan`.
    """
    targets = target_variables(target)
    # dtypes are checked on the values apply() reads, not on 50,000 keys here.
    prefix, fmt, keys = read_checkpoint(checkpoint, dtypes=False)
    by_key = {k.key: k for k in keys}
    weights = [k for k in keys if k.holds == WEIGHT]
    result = pair_all([t for t in targets if t.holds == WEIGHT], weights)
    paired = {p.key for p in result if p.key}
    made = Plan(
        checkpoint=os.path.basename(prefix),
        format=fmt,
        pairs=result,
        unused=[k for k in weights if k.key not in paired],
        optimizer_state=[k for k in keys if k.holds == OPTIMIZER],
        counters=[k for k in keys if k.holds == COUNTER],
        skipped=[t.name for t in targets if t.holds != WEIGHT],
        _prefix=prefix,
        _targets={t.name: t for t in targets if t.holds == WEIGHT},
        _keys=by_key,
    )
    if not made.pairs:
        raise PlanError(
            "Every variable of the target is optimizer state or a counter; there are no "
            "model weights to pair."
        )
    return made.with_overrides(overrides) if overrides else made
