"""What the hooks cost, block by block: a finer instrument than run.py's whole builds.

    python benchmarks/hook_cost.py [--blocks 285] [--without name_scope ...]

Whole 6,000-op builds take seconds, and this shared machine has slow spells of
about that length, so one pair of builds can differ by 30% for no reason of
ours. Here two graphs grow side by side, one block at a time, alternating which
goes first: one with TensorFlow's own functions, one with scopekit's hooks in
place (swapped in around each of its blocks). Each block pair shares the same
spell, so the median of the per-block ratios shows a hook's cost within a
percent or two. It leaves out what run.py includes: opening the capture and
building the records at its end.

`--without` puts TensorFlow's own function back for the named hooks (the keys of
scopekit.capture's patch table), to see what each one costs.
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

capture_module = importlib.import_module("scopekit.capture")


def per_block_ratios(tf, blocks: int, without=()) -> list:
    plain_graph = tf.Graph()
    with plain_graph.as_default():
        plain_x = tf.ones([1, 4])
    ratios = []
    with scopekit.capture():
        captured_x = tf.ones([1, 4])
        table = capture_module._HOOKS.originals  # key -> (owner, attribute, TF's own)
        hooked = {key: getattr(owner, attr) for key, (owner, attr, _) in table.items()}

        def use(hooks: bool) -> None:
            for key, (owner, attr, original) in table.items():
                keep = hooks and key not in without
                setattr(owner, attr, hooked[key] if keep else original)

        for block in range(blocks):
            seconds = {}
            for hooks in (False, True) if block % 2 == 0 else (True, False):
                use(hooks)
                if hooks:
                    start = time.perf_counter()
                    captured_x = workload.build_block(tf, block, captured_x)
                else:
                    with plain_graph.as_default():
                        start = time.perf_counter()
                        plain_x = workload.build_block(tf, block, plain_x)
                seconds[hooks] = time.perf_counter() - start
            ratios.append(seconds[True] / seconds[False])
        use(True)  # the capture closes with its hooks, as it opened
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=workload.blocks_for(6_000))
    parser.add_argument("--without", nargs="*", default=[], help="hooks to leave out")
    args = parser.parse_args()
    import tensorflow as tf

    ratios = per_block_ratios(tf, args.blocks, set(args.without))
    quartiles = statistics.quantiles(ratios, n=4)
    print(
        f"{args.blocks} blocks, hooks without {args.without or 'none'}: median per-block "
        f"ratio {statistics.median(ratios):.3f} (quartiles {quartiles[0]:.3f}-{quartiles[2]:.3f})"
    )


if __name__ == "__main__":
    main()
