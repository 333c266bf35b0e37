"""What the capture costs, block by block: a finer instrument than run.py's whole builds.

    python benchmarks/hook_cost.py [--blocks 285] [--without name_scope ...] [--ablation 3]

Whole 6,000-op builds take seconds, and this shared machine has slow spells of
about that length, so one pair of builds can differ by 30% for no reason of
ours. Here two graphs grow side by side, one block at a time, alternating which
goes first: one with TensorFlow's own functions, one with scopekit's hooks in
place (swapped in around each of its blocks). Each block pair shares the same
spell, so the median of the per-block ratios shows a hook's cost within a
percent. Opening the capture and closing it (building the records) are timed
once and added as a fraction of the plain graph's whole build time, so the
estimate covers what run.py's whole builds measure.

`--without` puts TensorFlow's own function back for the named hooks (the keys of
scopekit.hooks's patch table), to see what each one costs; `--ablation ROUNDS`
does that for each hook in turn, round after round, and prints the table.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import workload  # noqa: E402

import scopekit  # noqa: E402

capture_module = importlib.import_module("scopekit.hooks")


def per_block_ratios(tf, blocks: int, without=(), build_block=workload.build_block) -> dict:
    """Per-block ratios, the open and close time, and the plain build's total time."""
    plain_graph = tf.Graph()
    with plain_graph.as_default():
        plain_x = tf.ones([1, 4])
    ratios, plain_total = [], 0.0
    session = scopekit.capture()
    start = time.perf_counter()
    session.__enter__()
    fixed = time.perf_counter() - start
    table = capture_module._HOOKS.originals  # key -> (owner, attribute, TF's own)
    hooked = {key: getattr(owner, attr) for key, (owner, attr, _) in table.items()}

    def use(hooks: bool) -> None:
        for key, (owner, attr, original) in table.items():
            keep = hooks and key not in without
            setattr(owner, attr, hooked[key] if keep else original)

    try:
        captured_x = tf.ones([1, 4])
        for block in range(blocks):
            seconds = {}
            for hooks in (False, True) if block % 2 == 0 else (True, False):
                use(hooks)
                if hooks:
                    start = time.perf_counter()
                    captured_x = build_block(tf, block, captured_x)
                else:
                    with plain_graph.as_default():
                        start = time.perf_counter()
                        plain_x = build_block(tf, block, plain_x)
                seconds[hooks] = time.perf_counter() - start
            ratios.append(seconds[True] / seconds[False])
            plain_total += seconds[False]
    finally:
        use(True)  # the capture closes with its hooks, as it opened
        start = time.perf_counter()
        session.__exit__(None, None, None)
        fixed += time.perf_counter() - start
    return {"ratios": ratios, "fixed_s": fixed, "plain_s": plain_total}


def quartiles(values: list) -> tuple:
    """First and third quartiles; a single value is its own spread."""
    q1, _, q3 = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return q1, q3


def estimate(measured: dict) -> dict:
    """Median per-block ratio, plus opening and closing over the plain build time."""
    ratios = measured["ratios"]
    fixed = measured["fixed_s"] / measured["plain_s"]
    return {
        "overhead": statistics.median(ratios) + fixed,
        "block_median": statistics.median(ratios),
        "quartiles": quartiles(ratios),
        "fixed_fraction": fixed,
    }


# What --ablation leaves out, one row each. get_variable and variable_call are not
# left out on their own: without them the scopes TF opens inside variable calls
# are hooked and recorded too, so the capture would cost more, not less.
ABLATION = {
    "all hooks": (),
    "without the name-scope hook": ("name_scope",),
    "without the op hook": ("create_op_helper",),
    "without the variable-scope hook": ("variable_scope_enter",),
    "no hooks (records built at close)": (
        "name_scope",
        "create_op_helper",
        "graph_init",
        "name_scope_v2_enter",
        "variable_scope_enter",
        "get_variable",
        "get_single_variable",
        "variable_call",
    ),
}


def describe(label: str, result: dict) -> str:
    low, high = result["quartiles"]
    return (
        f"{label}: median per-block ratio {result['block_median']:.3f} (quartiles "
        f"{low:.3f}-{high:.3f}), plus {result['fixed_fraction']:.3f} for opening and "
        f"closing: {result['overhead']:.3f}"
    )


def ablation(tf, blocks: int, rounds: int, build_block=workload.build_block) -> None:
    """Each ABLATION row in turn, round after round, then each row's median estimate."""
    estimates = {label: [] for label in ABLATION}
    for _ in range(rounds):
        for label, without in ABLATION.items():
            estimates[label].append(
                estimate(per_block_ratios(tf, blocks, set(without), build_block))
            )
    print(f"{blocks} blocks, {rounds} rounds; medians over rounds:")
    for label, results in estimates.items():
        median = {
            key: statistics.median(r[key] for r in results)
            for key in ("block_median", "fixed_fraction")
        }
        median["overhead"] = median["block_median"] + median["fixed_fraction"]
        median["quartiles"] = tuple(
            statistics.median(r["quartiles"][i] for r in results) for i in (0, 1)
        )
        print("  " + describe(label, median))


# What a block builds: run.py's workload, or a TF1 ResNet unit (--workload resnet).
WORKLOADS = {"scopes": workload.build_block, "resnet": workload.build_residual_unit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=workload.blocks_for(6_000))
    parser.add_argument("--without", nargs="*", default=[], help="hooks to leave out")
    parser.add_argument(
        "--ablation", type=int, metavar="ROUNDS", help="measure each hook's share instead"
    )
    parser.add_argument(
        "--workload",
        choices=sorted(WORKLOADS),
        default="scopes",
        help="what each block builds (default: run.py's scope-dense block)",
    )
    args = parser.parse_args()
    import tensorflow as tf

    build_block = WORKLOADS[args.workload]
    if args.ablation:
        ablation(tf, args.blocks, args.ablation, build_block)
        return
    result = estimate(per_block_ratios(tf, args.blocks, set(args.without), build_block))
    print(describe(f"{args.blocks} blocks, hooks without {args.without or 'none'}", result))


if __name__ == "__main__":
    main()
