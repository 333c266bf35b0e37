"""The rule ladder of ``plan``: one checkpoint key per target variable, or why not.

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

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

from . import views
from .reading import VALUE_SUFFIX, CheckpointKey
from .targets import TargetVariable

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


def _quoted(items: Sequence[str], limit: int) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def pair_all(targets: List[TargetVariable], keys: List[CheckpointKey]) -> List[Pair]:
    """One row per target, in the targets' order: the rule ladder run once."""
    return _Pairing(targets, keys).run()


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


def make_pair(target: TargetVariable, key: CheckpointKey, rule: str, why: str = "") -> Pair:
    """The row pairing ``target`` with ``key`` by ``rule``; a shape that differs is its problem."""
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
        self.by_name("exact", lambda n: n, lambda k: k.saved_name)  # names saved twice
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
                self.decide(target, make_pair(target, key, "exact"))

    def by_name(
        self,
        rule: str,
        target_form: Callable[[str], str],
        key_form: Callable[[CheckpointKey], Optional[str]],
        why: Optional[Callable] = None,
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
            self.decide(target, make_pair(target, key, rule, why(target, key) if why else ""))
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
                    self.decide(t, make_pair(t, k, "numbered", _numbered_why(t, k, len(group))))
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
                    self.decide(t, make_pair(t, k, "shape_order", why))
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
                self.decide(t, make_pair(t, fit[0], "only_shape"))
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
