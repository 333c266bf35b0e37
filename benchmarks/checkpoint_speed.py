"""How long checkpoint.compare and checkpoint.plan take on a 50,000-key checkpoint.

    python benchmarks/checkpoint_speed.py            # the targets of issues 17 and 21
    python benchmarks/checkpoint_speed.py --quick    # 5,000 keys, for a smoke run

The checkpoint is real (written with tf.raw_ops.SaveV2, one small tensor per key,
named like a deep model: net/stage_S/block_B/conv/kernel ...). The variables
compared against it are records (what a capture of such a model holds), since
building 50,000 real variables would time TensorFlow, not scopekit.

Cases, each timed `--repeats` times, medians reported:

* compare, 1,000 variables under an extra outer scope (every one explained);
* compare, 1,000 variables with nothing similar in the checkpoint;
* plan, 50,000 variables, 1,000 of them renamed (250 each: an extra outer
  scope, TF1/Keras renames, a _N number, a name that says nothing: with every
  tensor of one shape, those 250 are rightly left ambiguous);
* the reference: the pairing compare used before (each missing variable tried
  against every unexpected key), on a smaller checkpoint, with its result
  checked equal to the indexed pairing's.

Also printed: the size of compare's text and HTML views for the first case.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def key_names(count: int):
    names = []
    per_block = ("conv/weights", "conv/biases", "BatchNorm/gamma", "BatchNorm/beta")
    block = 0
    while len(names) < count:
        for part in per_block:
            names.append(f"net/stage_{block // 100}/block_{block % 100}/{part}")
        block += 1
    return names[:count]


def write_checkpoint(directory: str, names) -> str:
    import tensorflow as tf

    prefix = os.path.join(directory, "big.ckpt")
    tensors = [tf.constant([float(i), 0.5], tf.float32) for i in range(len(names))]
    tf.raw_ops.SaveV2(
        prefix=prefix,
        tensor_names=list(names),
        shape_and_slices=[""] * len(names),
        tensors=tensors,
    )
    return prefix


def records(names):
    from scopekit.records import Capture, VariableRecord

    cap = Capture(graph=None, graph_mode="eager")
    cap.variables = [
        VariableRecord(
            name, name.rsplit("/", 1)[-1], "get_variable", False, "", name.rpartition("/")[0],
            "variable_scope", (2,), "float32",
        )
        for name in names
    ]
    cap.closed = True
    return cap


def renamed(names, count: int):
    """``names`` with ``count`` of them renamed four ways (a quarter each)."""
    out = list(names)
    step = len(names) // count
    for n, i in enumerate(range(0, step * count, step)):
        name = names[i]
        kind = n % 4
        if kind == 0:
            out[i] = "tower_0/" + name
        elif kind == 1:
            for old, new in (("weights", "kernel"), ("biases", "bias"), ("BatchNorm", "bn")):
                out[i] = out[i].replace(f"/{old}", f"/{new}")
            out[i] = out[i].replace("/bn/", "/batch_normalization/")
        elif kind == 2:
            out[i] = name.replace("/conv/", "/conv_1/").replace("/BatchNorm/", "/BatchNorm_1/")
        else:
            out[i] = f"renamed_{n}/{name.rsplit('/', 1)[-1]}"
    return out


def timed(function, repeats: int):
    """(median wall s, median CPU s of this process, min wall, result of the last run).

    On a shared machine the wall time grows with the load; the process's CPU time
    much less, so both are printed.
    """
    walls, cpus = [], []
    result = None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus), min(walls), result


def reference_pairs(missing_vars, leftovers, scopes):
    """The pairing compare used before the indexes: every missing name against every key."""
    from scopekit.checkpoint.rules import likely_cause

    paired = {}
    pairs = []
    for var in missing_vars:
        chosen = ("", "", "")
        for key in leftovers:
            if key.key in paired:
                continue
            rule, cause = likely_cause(var, key.saved_name, scopes)
            if rule:
                paired[key.key] = var.name
                chosen = (key.saved_name, rule, cause)
                break
        pairs.append((var.name, *chosen))
    return pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 keys instead of 50,000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from scopekit.checkpoint import compare, plan
    from scopekit.checkpoint.compare import Comparison, _explain_mismatches
    from scopekit.checkpoint.reading import read_checkpoint

    keys = 5_000 if args.quick else 50_000
    names = key_names(keys)
    with tempfile.TemporaryDirectory() as directory:
        prefix = write_checkpoint(directory, names)
        outer = records(["tower_0/" + n for n in names[:: keys // 1000][:1000]])
        unrelated = records([f"other_{i}/thing/w" for i in range(1000)])
        target = records(renamed(names, 1000))

        rows = []
        for label, cap in (("compare, 1,000 under an extra outer scope", outer),
                           ("compare, 1,000 with nothing similar", unrelated)):
            median, cpu, low, result = timed(lambda cap=cap: compare(prefix, cap), args.repeats)
            rows.append((f"{label}, {keys:,} keys", median, cpu, low))
            if cap is outer:
                explained = sum(1 for e in result.missing if e.rule)
                text, html = result.to_text(), result.to_html()
        median, cpu, low, made = timed(lambda: plan(prefix, target), args.repeats)
        rows.append((f"plan, {keys:,} keys x {keys:,} variables, 1,000 renamed", median, cpu, low))

        # The old quadratic pairing against the indexed one, on 5,000 keys x 300 names.
        _, _, small_keys = read_checkpoint(prefix)
        small_keys = small_keys[:5000]
        mixed = records(
            ["tower_0/" + k.key for k in small_keys[:100]]
            + [k.key.replace("block_", "block_9", 1) + "_1" for k in small_keys[100:200]]
            + [f"nothing_{i}/w" for i in range(100)]
        )
        start = time.perf_counter()
        old = reference_pairs(mixed.variables, small_keys, ())
        old_time = time.perf_counter() - start
        start = time.perf_counter()
        new = Comparison("x", "name-based")
        _explain_mismatches(new, mixed.variables, small_keys, ())
        new_time = time.perf_counter() - start
        same = old == [(e.name, e.counterpart, e.rule, e.cause) for e in new.missing]

    print(f"{'case':<66} {'wall s':>7} {'CPU s':>7} {'min wall':>9}  (medians of {args.repeats})")
    for label, median, cpu, low in rows:
        print(f"{label:<66} {median:7.3f} {cpu:7.3f} {low:9.3f}")
    print(f"outer-scope case: {explained} of 1,000 missing names explained; "
          f"text view {len(text):,} chars, HTML view {len(html):,} chars")
    counts = made.counts()
    print("plan rows by confidence: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    print(f"pairing only, 5,000 keys x 300 names: before {old_time:.2f} s, indexed "
          f"{new_time:.3f} s, same pairs and causes: {same}")


if __name__ == "__main__":
    main()
