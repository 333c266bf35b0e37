"""A checkpoint-to-code mapping, every pair explained: ``plan(ckpt, target)``.

The plan gives each target variable one checkpoint key, or says why it cannot.
Rules are tried from the most to the least certain (``PAIRING_RULES``); a key is
paired with one variable at most, and a variable two keys fit equally well is
``ambiguous``, never a guess:

1. exact: the saved name is the variable's name (``:0`` dropped);
2. object path: the key of a ``tf.train.Checkpoint`` minus
   ``/.ATTRIBUTES/VARIABLE_VALUE`` is the variable's name;
3. renamed: TF1 layer names vs Keras names (``weights``/``kernel``,
   ``biases``/``bias``, ``BatchNorm``/``batch_normalization``,
   ``LayerNorm``/``layer_normalization``);
4. numbered: names equal but for ``_N`` numbers (a re-run cell, a reopened
   scope, Keras auto-names); several such names pair in number order;
5. outer scope: one name is the other with scopes in front (``tower_0/``, a
   model's name);
6. shape and order: where names say nothing, the remaining variables and keys
   are grouped by scope, put in creation order (the checkpoint's ``.meta`` file
   or object graph gives its order), and paired when shapes and roles (kernel,
   bias, gamma, ...) agree all along; failing that, a key that is the only one
   of a variable's shape and role.

Optimizer state (``kernel/Adam``, ``beta1_power``, ``tf.train.Checkpoint``
slots) and counters (``global_step``, ``save_counter``) are listed apart and
never paired with model weights.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from html import escape
from typing import Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from . import views
from .reading import (
    COUNTER,
    OPTIMIZER,
    VALUE_SUFFIX,
    WEIGHT,
    CheckpointKey,
    open_reader,
    read_checkpoint,
)
from .targets import PlanError, TargetVariable, target_variables

EXACT, RULE, SHAPE_ORDER, AMBIGUOUS, NO_KEY, OVERRIDE = (
    "exact",
    "rule",
    "shape+order",
    "ambiguous",
    "no key",
    "override",
)
CONFIDENCES = (EXACT, RULE, SHAPE_ORDER, OVERRIDE, AMBIGUOUS, NO_KEY)
MAX_ALTERNATIVES = 20  # kept per ambiguous row; the views show fewer

# TF1 / TF-slim component names and the names Keras 3 gives the same thing.
RENAMES = {
    "weights": "kernel",
    "biases": "bias",
    "BatchNorm": "batch_normalization",
    "LayerNorm": "layer_normalization",
}
# Roles a variable's last name component reveals (after RENAMES), in the order a
# layer is paired in: TF-slim makes beta before gamma, Keras gamma before beta.
ROLES = ("kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "embeddings")
_NUMBER = re.compile(r"_(\d+)$")


@dataclass(frozen=True)
class PairingRule:
    """One way of pairing: its name, its confidence and what it means in words."""

    name: str
    confidence: str
    words: str


PAIRING_RULES: Tuple[PairingRule, ...] = (
    PairingRule("exact", EXACT, "the same name"),
    PairingRule(
        "object_path",
        RULE,
        "the tf.train.Checkpoint key is the variable's name + /.ATTRIBUTES/VARIABLE_VALUE",
    ),
    PairingRule(
        "renamed",
        RULE,
        "TF1 layer names vs Keras names (weights/kernel, biases/bias, "
        "BatchNorm/batch_normalization, LayerNorm/layer_normalization)",
    ),
    PairingRule("numbered", RULE, "names equal but for _N numbers, paired in number order"),
    PairingRule("outer_scope", RULE, "an extra or missing outer scope"),
    PairingRule(
        "shape_order",
        SHAPE_ORDER,
        "names say nothing: layers with the same shapes and roles, in creation order",
    ),
    PairingRule(
        "only_shape", SHAPE_ORDER, "names say nothing: the only unused key of this shape and role"
    ),
    PairingRule("override", OVERRIDE, "chosen by the user (overrides)"),
)
RULE_BY_NAME = {rule.name: rule for rule in PAIRING_RULES}


class Pair(NamedTuple):
    """One row of a plan: a target variable and the checkpoint key it loads.

    ``key`` is None when no key was chosen (``confidence`` is then
    ``"ambiguous"``, with the candidates in ``alternatives``, or ``"no key"``).
    ``why`` says in words why this key; ``problem`` is non-empty when the key
    cannot be loaded as it is (a shape that differs).
    """

    variable: str
    shape: Optional[tuple]
    dtype: str
    key: Optional[str] = None
    saved_name: str = ""
    checkpoint_shape: Optional[tuple] = None
    confidence: str = NO_KEY
    rule: str = ""
    why: str = ""
    alternatives: Tuple[str, ...] = ()
    problem: str = ""

    @property
    def paired(self) -> bool:
        """True when a key was chosen."""
        return self.key is not None

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {
            "variable": self.variable,
            "shape": None if self.shape is None else list(self.shape),
            "dtype": self.dtype,
            "key": self.key,
            "saved_name": self.saved_name,
            "checkpoint_shape": None
            if self.checkpoint_shape is None
            else list(self.checkpoint_shape),
            "confidence": self.confidence,
            "rule": self.rule,
            "why": self.why,
            "alternatives": list(self.alternatives),
            "problem": self.problem,
        }


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
                raise PlanError(f"overrides: {name!r} is not a variable of the target.")
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
            pairs.append(p if key is None else _pair(self._targets[p.variable], key, "override"))
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


def _quoted(items: Sequence[str], limit: int) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


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
# Pairing


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
    result = _Pairing([t for t in targets if t.holds == WEIGHT], weights).run()
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


def _renamed(name: str) -> str:
    return "/".join(RENAMES.get(part, part) for part in name.split("/"))


def _stemmed(name: str) -> str:
    return "/".join(_NUMBER.sub("", part) for part in name.split("/"))


def _numbers(name: str) -> tuple:
    """The _N numbers of each component, -1 where there is none (for number order)."""
    out = []
    for part in name.split("/"):
        match = _NUMBER.search(part)
        out.append(int(match.group(1)) if match else -1)
    return tuple(out)


def _nearest(keys: List[CheckpointKey], name: str, parts_of: dict) -> List[CheckpointKey]:
    """The keys whose saved names differ from ``name`` in the fewest components.

    ``parts_of`` caches each key's renamed name components.
    """
    if len(keys) <= 1:
        return keys
    parts = _renamed(name).split("/")
    scored = []
    for key in keys:
        theirs = parts_of.get(key.key)
        if theirs is None:
            theirs = parts_of[key.key] = _renamed(key.saved_name).split("/")
        differ = sum(a != b for a, b in zip(parts, theirs, strict=False))
        scored.append((differ + abs(len(parts) - len(theirs)), key))
    best = min(d for d, _ in scored)
    return [k for d, k in scored if d == best]


def _role(name: str) -> str:
    last = RENAMES.get(name.rsplit("/", 1)[-1], name.rsplit("/", 1)[-1])
    return last if last in ROLES else ""


def _parent(name: str) -> str:
    return name.rpartition("/")[0]


def _fits(target: TargetVariable, key: CheckpointKey) -> bool:
    return target.shape is None or tuple(target.shape) == tuple(key.shape)


def _pair(target: TargetVariable, key: CheckpointKey, rule: str, why: str = "") -> Pair:
    info = RULE_BY_NAME[rule]
    problem = ""
    if not _fits(target, key):
        problem = (
            f"shape {views.shape_text(key.shape)} saved, {views.shape_text(target.shape)} "
            "here (a layer or input size changed)"
        )
    return Pair(
        variable=target.name,
        shape=target.shape,
        dtype=target.dtype,
        key=key.key,
        saved_name=key.saved_name,
        checkpoint_shape=key.shape,
        confidence=info.confidence,
        rule=rule,
        why=why or info.words,
        problem=problem,
    )


class _Pairing:
    """The rule ladder over the still-unpaired targets and keys."""

    def __init__(self, targets: List[TargetVariable], keys: List[CheckpointKey]):
        self.targets = targets
        self.keys = keys
        self.rows: Dict[str, Pair] = {}  # target name -> decided row
        self.taken: set = set()  # keys paired

    def open_targets(self) -> List[TargetVariable]:
        return [t for t in self.targets if t.name not in self.rows]

    def open_keys(self) -> List[CheckpointKey]:
        return [k for k in self.keys if k.key not in self.taken]

    def decide(self, target: TargetVariable, row: Pair) -> None:
        self.rows[target.name] = row
        if row.key:
            self.taken.add(row.key)

    def run(self) -> List[Pair]:
        self.exact()
        self.by_name("exact", lambda n: n, lambda k: k.saved_name, shape_problem_ok=True)
        self.by_name(
            "object_path",
            lambda n: n,
            lambda k: k.key[: -len(VALUE_SUFFIX)] if k.key.endswith(VALUE_SUFFIX) else None,
        )
        self.by_name("renamed", _renamed, lambda k: _renamed(k.saved_name), why=self._renamed_why)
        self.numbered()
        self.outer_scope()
        self.shape_and_order()
        rows = []
        for t in self.targets:
            rows.append(
                self.rows.get(t.name)
                or Pair(
                    variable=t.name,
                    shape=t.shape,
                    dtype=t.dtype,
                    why="no key: no name rule applies and no unused key has this shape",
                )
            )
        return rows

    # -- name rules ------------------------------------------------------------

    def exact(self) -> None:
        """The common case first: one key saved under the target's own name."""
        index: Dict[str, CheckpointKey] = {}
        repeated = set()  # saved names of several keys: left to by_name, which says so
        for key in self.keys:
            if key.saved_name in index:
                repeated.add(key.saved_name)
            index[key.saved_name] = key
        for target in self.targets:
            key = index.get(target.name)
            if key is not None and target.name not in repeated:
                self.decide(target, _pair(target, key, "exact"))

    def by_name(
        self,
        rule: str,
        target_form: Callable[[str], str],
        key_form: Callable[[CheckpointKey], Optional[str]],
        why: Optional[Callable] = None,
        shape_problem_ok: bool = False,
    ) -> None:
        """Pair where the two forms are equal; several fits make the row ambiguous."""
        index = defaultdict(list)
        for key in self.open_keys():
            form = key_form(key)
            if form is not None:
                index[form].append(key)
        if not index:
            return
        wanted = defaultdict(list)  # key -> targets it fits
        found = {}
        for target in self.open_targets():
            candidates = index.get(target_form(target.name), ())
            if not candidates:
                continue
            fitting = [k for k in candidates if _fits(target, k)]
            if not fitting and shape_problem_ok and len(candidates) == 1:
                fitting = list(candidates)  # one name, wrong shape: show it as a problem
            if not fitting:
                continue
            found[target.name] = (target, fitting)
            for key in fitting:
                wanted[key.key].append(target)
        for target, fitting in found.values():
            self._settle(target, fitting, wanted, rule, why)

    def _settle(self, target, fitting, wanted, rule, why=None) -> None:
        """One fitting key wanted by this target only: pair; otherwise ambiguous."""
        if len(fitting) == 1 and len(wanted[fitting[0].key]) == 1:
            key = fitting[0]
            self.decide(target, _pair(target, key, rule, why(target, key) if why else ""))
            return
        rivals = sorted(
            {t.name for k in fitting[:MAX_ALTERNATIVES] for t in wanted[k.key][:4]} - {target.name}
        )
        alternatives = tuple(k.key for k in fitting[:MAX_ALTERNATIVES])
        reason = f"{len(fitting)} keys fit ({RULE_BY_NAME[rule].words})"
        if rivals:
            reason += f"; {_quoted(rivals, 3)} fit(s) the same key(s)"
        self.decide(
            target,
            Pair(
                variable=target.name,
                shape=target.shape,
                dtype=target.dtype,
                confidence=AMBIGUOUS,
                rule=rule,
                why=reason,
                alternatives=alternatives,
            ),
        )

    @staticmethod
    def _renamed_why(target, key) -> str:
        changed = sorted(
            {
                f"'{part}' is '{RENAMES[part]}'"
                for part in key.saved_name.split("/") + target.name.split("/")
                if part in RENAMES
            }
        )
        return "TF1 layer names vs Keras names: " + ", ".join(changed)

    def numbered(self) -> None:
        """Names equal but for _N numbers.

        Where both sides have the same number of such names, they pair in number
        order (dense, dense_1 against dense_2, dense_3). Otherwise each variable
        takes the key that differs from it in the fewest components, if only one does.
        """
        keys = defaultdict(list)
        for key in self.open_keys():
            keys[_stemmed(_renamed(key.saved_name))].append(key)
        targets = defaultdict(list)
        for target in self.open_targets():
            stem = _stemmed(_renamed(target.name))
            if stem in keys:
                targets[stem].append(target)
        for stem, group in targets.items():
            candidates = keys[stem]
            group.sort(key=lambda t: _numbers(t.name))
            candidates.sort(key=lambda k: _numbers(k.saved_name))
            ranked = len(group) == len(candidates) and all(
                _fits(t, k) for t, k in zip(group, candidates, strict=True)
            )
            if ranked:
                for t, k in zip(group, candidates, strict=True):
                    self.decide(t, _pair(t, k, "numbered", _numbered_why(t, k, len(group))))
                continue
            wanted = defaultdict(list)
            fitting = {}
            parts_of: dict = {}
            for t in group:
                fitting[t.name] = _nearest([k for k in candidates if _fits(t, k)], t.name, parts_of)
                for k in fitting[t.name]:
                    wanted[k.key].append(t)
            for t in group:
                if fitting[t.name]:
                    self._settle(
                        t,
                        fitting[t.name],
                        wanted,
                        "numbered",
                        lambda t, k: _numbered_why(t, k, 1),
                    )

    def outer_scope(self) -> None:
        """One name is the other with scopes in front of it."""
        whole = defaultdict(list)  # a key's (renamed) name
        tails = defaultdict(list)  # a key's name without its first components
        for key in self.open_keys():
            name = _renamed(key.saved_name)
            whole[name].append(key)
            parts = name.split("/")
            for i in range(1, len(parts)):
                tails["/".join(parts[i:])].append(key)
        wanted = defaultdict(list)
        found = {}
        for target in self.open_targets():
            name = _renamed(target.name)
            parts = name.split("/")
            candidates = list(tails.get(name, ()))  # the checkpoint has more in front
            for i in range(1, len(parts)):  # the target has more in front: longest tail wins
                if "/".join(parts[i:]) in whole:
                    candidates += whole["/".join(parts[i:])]
                    break
            fitting = [k for k in candidates if _fits(target, k)]
            if fitting:
                found[target.name] = (target, fitting)
                for k in fitting:
                    wanted[k.key].append(target)
        for target, fitting in found.values():
            self._settle(target, fitting, wanted, "outer_scope", _outer_why)

    # -- shape and order ---------------------------------------------------------

    def shape_and_order(self) -> None:
        """Where names say nothing: layers of the same shapes, in creation order.

        The remaining variables and keys are grouped by scope (a layer); a group's
        signature is its (role, shape) list. Groups with the same signature pair in
        creation order when both sides have the same number of them (one each needs
        no order); what is left pairs only where one key alone fits.
        """
        targets = self.open_targets()
        keys = self.open_keys()
        if not targets or not keys:
            return
        ordered = all(k.order is not None for k in keys)
        target_groups = _groups(targets, lambda t: t.name, lambda t: t.order)
        key_groups = _groups(keys, lambda k: k.saved_name, lambda k: k.order or 0)
        for signature, mine in target_groups.items():
            theirs = key_groups.get(signature, [])
            if len(mine) != len(theirs) or (len(mine) > 1 and not ordered):
                continue
            for number, (group, key_group) in enumerate(zip(mine, theirs, strict=True)):
                for t, k in zip(group, key_group, strict=True):
                    why = _order_why(k, number, len(mine))
                    self.decide(t, _pair(t, k, "shape_order", why))
        self.only_shape()

    def only_shape(self) -> None:
        """A key alone of a variable's shape and role, wanted by that variable alone.

        Counted per (shape, role) bucket, so thousands of same-shaped leftovers
        cost their number, not its square. A role "" (unknown) fits any role.
        """
        keys = defaultdict(list)  # (shape, role) -> keys
        keys_of_shape = defaultdict(list)
        for k in self.open_keys():
            keys[tuple(k.shape), _role(k.saved_name)].append(k)
            keys_of_shape[tuple(k.shape)].append(k)
        targets = defaultdict(int)  # (shape, role) -> how many targets
        targets_of_shape = defaultdict(int)
        open_targets = [t for t in self.open_targets() if t.shape is not None]
        for t in open_targets:
            targets[t.shape, _role(t.name)] += 1
            targets_of_shape[t.shape] += 1

        def fitting(shape, role):
            if not role:
                return keys_of_shape.get(shape, [])
            return keys.get((shape, role), []) + keys.get((shape, ""), [])

        def wanted(key) -> int:
            shape, role = tuple(key.shape), _role(key.saved_name)
            if not role:
                return targets_of_shape[shape]
            return targets[shape, role] + targets[shape, ""]

        for t in open_targets:
            fit = fitting(t.shape, _role(t.name))
            if len(fit) == 1 and wanted(fit[0]) == 1:
                self.decide(t, _pair(t, fit[0], "only_shape"))
            elif fit:
                rivals = targets_of_shape[t.shape] - 1
                self.decide(
                    t,
                    Pair(
                        variable=t.name,
                        shape=t.shape,
                        dtype=t.dtype,
                        confidence=AMBIGUOUS,
                        rule="only_shape",
                        why=(
                            f"{len(fit)} unused keys have this shape and role, and "
                            f"{rivals} other variable(s) of this shape are unpaired; names "
                            "say nothing and creation order did not decide"
                        ),
                        alternatives=tuple(k.key for k in fit[:MAX_ALTERNATIVES]),
                    ),
                )


def _groups(items, name_of, order_of) -> Dict[tuple, List[list]]:
    """{signature: [group, ...]}: items by scope, groups in creation order.

    A group's members are sorted by role (kernel, bias, gamma, beta, ...), then
    creation order; its signature is the (role, shape) of each member.
    """
    scopes: Dict[str, list] = {}
    for item in sorted(items, key=order_of):
        scopes.setdefault(_parent(name_of(item)), []).append(item)
    rank = {role: i for i, role in enumerate(ROLES)}
    by_signature: Dict[tuple, List[list]] = defaultdict(list)
    for members in scopes.values():
        members.sort(key=lambda i: rank.get(_role(name_of(i)), len(ROLES)))  # stable
        signature = tuple((_role(name_of(i)), tuple(i.shape or ())) for i in members)
        by_signature[signature].append(members)
    return by_signature


def _order_why(key: CheckpointKey, number: int, count: int) -> str:
    role = _role(key.saved_name)
    what = f"shape {views.shape_text(key.shape)}" + (f", role {role}" if role else "")
    if count == 1:
        return f"names say nothing: the only layer of this shape on each side ({what})"
    return (
        f"names say nothing: layer {number + 1} of {count} with the same shapes, in "
        f"creation order on both sides ({what})"
    )


def _same_role(a: str, b: str) -> bool:
    ra, rb = _role(a), _role(b)
    return not ra or not rb or ra == rb


def _numbered_why(target, key, group_size: int) -> str:
    here = target.name.split("/")
    there = key.saved_name.split("/")
    if len(here) != len(there):
        return RULE_BY_NAME["numbered"].words
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(here, there, strict=True)) if a != b]
    said = ", ".join(f"'{a}' here, '{b}' in the checkpoint" for _, a, b in diffs) or "renamed"
    last = len(here) - 1
    if any(i == last for i, _, _ in diffs):
        cause = (
            "the variable's own name has another _N number: a second variable of that "
            "name in the same scope"
        )
    elif target.variable is not None and hasattr(target.variable, "path"):
        cause = (
            "Keras numbers unnamed layers per session (dense, dense_1, ...); a re-run "
            "cell or another model built first shifts the numbers"
        )
    else:
        cause = "a re-run cell or a scope opened twice numbers the later one"
    order = f"; {group_size} such names, paired in number order" if group_size > 1 else ""
    return f"a _N number: {said} ({cause}){order}"


def _outer_why(target, key) -> str:
    here, there = _renamed(target.name), _renamed(key.saved_name)
    if there.endswith("/" + here):
        why = f"a missing outer scope: the checkpoint has '{there[: -len(here) - 1]}/' in front"
    else:
        why = f"an extra outer scope: the target has '{here[: -len(there) - 1]}/' in front"
    if (here, there) != (target.name, key.saved_name):
        why += "; and " + _Pairing._renamed_why(target, key)
    return why
