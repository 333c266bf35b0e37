"""scopekit benchmarks: one command, a printed table.

    python benchmarks/run.py [--quick] [--markdown RESULTS.md]

Shared machines are noisy, so every target is a ratio measured in one process
with the two sides interleaved (A B A B ...), and the median is reported.

1. capture overhead: build the workload with and without capture(); and, less
   noisy, the two graphs grown side by side block by block (hook_cost.py)
2. analysis cost: notes + both tree views, as a fraction of TF's own build time
3. view cost: bytes the widget sends at first show, small vs large capture;
   sizes of the text and static HTML views of the large one
4. memory: the capture's own Python memory as a fraction of the graph's
5. the notebook suite: wall time of the README test command's notebook part
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import hook_cost  # noqa: E402
import workload  # noqa: E402

import scopekit  # noqa: E402


def _tf():
    import tensorflow as tf

    return tf


def _plain_build(tf, blocks):
    graph = tf.Graph()
    with graph.as_default():
        workload.build(tf, blocks)
    return graph


def _captured_build(tf, blocks):
    with scopekit.capture() as cap:
        workload.build(tf, blocks)
    return cap


def capture_overhead(tf, ops: int, pairs: int) -> dict:
    """Median ratio of captured to plain build time, over interleaved pairs.

    The order alternates (A B, B A, A B...), so a slow spell on the shared machine
    does not always fall on the same side; records are built inside capture(),
    so their cost is part of the captured side.
    """
    blocks = workload.blocks_for(ops)
    _plain_build(tf, 2), _captured_build(tf, 2)  # warm both paths
    ratios, plain_times = [], []
    for pair in range(pairs):
        times = {}
        sides = (_plain_build, _captured_build)
        for build in sides if pair % 2 == 0 else reversed(sides):
            gc.collect()
            start = time.perf_counter()
            result = build(tf, blocks)
            times[build] = time.perf_counter() - start
            del result
        ratios.append(times[_captured_build] / times[_plain_build])
        plain_times.append(times[_plain_build])
    real_ops = len(_plain_build(tf, blocks).get_operations())
    return {
        "ops": real_ops,
        "median_ratio": statistics.median(ratios),
        "quartiles": hook_cost.quartiles(ratios),
        "ratios": ratios,
        "plain_s": statistics.median(plain_times),
    }


def analysis_cost(tf, ops: int, pairs: int) -> dict:
    """Attribution (notes) and tree building for both views, over TF's build time."""
    blocks = workload.blocks_for(ops)
    fractions = []
    for _ in range(pairs):
        start = time.perf_counter()
        _plain_build(tf, blocks)
        build = time.perf_counter() - start
        cap = _captured_build(tf, blocks)
        start = time.perf_counter()
        _ = cap.notes  # attribution
        cap.tree(view="name")
        cap.tree(view="variable")
        fractions.append((time.perf_counter() - start) / build)
    return {"ops": len(cap.ops), "median_fraction": statistics.median(fractions)}


def view_cost(tf) -> dict:
    """Bytes the widget sends at first show; sizes of the text and HTML views."""
    from views import first_show_bytes, synthetic_capture

    small, large = synthetic_capture(100), synthetic_capture(100_000)
    result = {
        "small_ops": len(small.ops),
        "large_ops": len(large.ops),
        "text_bytes": len(large.to_text().encode()),
        "html_bytes": len(large.to_html().encode()),
    }
    try:
        result["widget_small"] = first_show_bytes(small)
        result["widget_large"] = first_show_bytes(large)
        result["widget_ratio"] = result["widget_large"] / result["widget_small"]
    except ImportError as missing:
        result["widget_error"] = f"widget not available: {missing}"
    return result


def memory(tf, ops: int) -> dict:
    """Capture records' Python memory (tracemalloc) over the graph's (RSS growth)."""
    blocks = workload.blocks_for(ops)
    script = (
        "import os,sys,resource;sys.path[:0]=[%r,%r];"
        "import tensorflow as tf, workload;"
        "g=tf.Graph();before=int(open('/proc/self/statm').read().split()[1]);"
        "exec('with g.as_default(): workload.build(tf,%d)');"
        "after=int(open('/proc/self/statm').read().split()[1]);"
        "print((after-before)*os.sysconf('SC_PAGE_SIZE'))"
    ) % (str(ROOT), str(HERE), blocks)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    graph_bytes = int(done.stdout.strip().splitlines()[-1])
    tracemalloc.start()
    cap = _captured_build(tf, blocks)
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    own = snapshot.filter_traces([tracemalloc.Filter(True, str(ROOT / "scopekit") + "/*")])
    capture_bytes = sum(stat.size for stat in own.statistics("filename"))
    return {
        "ops": len(cap.ops),
        "capture_bytes": capture_bytes,
        "graph_bytes": graph_bytes,
        "fraction": capture_bytes / graph_bytes,
    }


def notebook_suite() -> dict:
    start = time.perf_counter()
    # The notebooks' kernels import scopekit from this checkout, installed or not.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return {
        "seconds": time.perf_counter() - start,
        "result": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs, for a smoke run")
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args()
    tf = _tf()
    pairs_small, pairs_large = (3, 1) if args.quick else (25, 5)

    rows = []
    for ops, pairs in ((6_000, pairs_small), (60_000, pairs_large)):
        r = capture_overhead(tf, ops, pairs)
        rows.append(
            (
                f"1. capture overhead, {r['ops']} ops",
                f"{r['median_ratio']:.3f}",
                "<= 1.05",
                f"median of {pairs} interleaved pairs (quartiles {r['quartiles'][0]:.2f}-"
                f"{r['quartiles'][1]:.2f}); plain build {r['plain_s']:.1f} s",
            )
        )
    for ops in (6_000, 60_000):
        blocks = workload.blocks_for(ops) // (10 if args.quick else 1)
        r = hook_cost.estimate(hook_cost.per_block_ratios(tf, blocks))
        rows.append(
            (
                f"1. capture overhead, interleaved blocks, ~{blocks * workload.OPS_PER_BLOCK} ops",
                f"{r['overhead']:.3f}",
                "<= 1.05",
                f"median of {blocks} per-block ratios {r['block_median']:.3f} (quartiles "
                f"{r['quartiles'][0]:.2f}-{r['quartiles'][1]:.2f}) + opening and closing "
                f"{r['fixed_fraction']:.3f}",
            )
        )
    for ops, pairs in ((6_000, pairs_small), (60_000, pairs_large)):
        r = analysis_cost(tf, ops, pairs)
        rows.append(
            (
                f"2. analysis / TF build, {r['ops']} ops",
                f"{r['median_fraction']:.3f}",
                "<= 0.10",
                f"median of {pairs}",
            )
        )
    v = view_cost(tf)
    if "widget_ratio" in v:
        rows.append(
            (
                f"3. widget first-show bytes, {v['large_ops']} vs {v['small_ops']} ops",
                f"{v['widget_ratio']:.2f}",
                "<= 2",
                f"{v['widget_large']} B vs {v['widget_small']} B",
            )
        )
    else:
        rows.append(("3. widget first-show bytes", "n/a", "<= 2", v["widget_error"]))
    rows.append(
        (
            f"3. text / HTML view of {v['large_ops']} ops",
            f"{v['text_bytes']} B / {v['html_bytes']} B",
            "bounded",
            "series folded, 'N more' where cut",
        )
    )
    m = memory(tf, 60_000)
    rows.append(
        (
            f"4. capture memory / graph memory, {m['ops']} ops",
            f"{m['fraction']:.3f}",
            "<= 0.25",
            f"{m['capture_bytes'] / 1e6:.1f} MB vs {m['graph_bytes'] / 1e6:.1f} MB",
        )
    )
    if not args.skip_notebooks:
        n = notebook_suite()
        rows.append(
            ("5. notebook suite wall time", f"{n['seconds']:.0f} s", "a few minutes", n["result"])
        )

    header = ("measure", "value", "target", "how")
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(4)]
    lines = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in [header] + rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    table = "\n".join(lines)
    print(table)
    if args.markdown:
        import tensorflow as tf_module

        about = (
            f"Run on {datetime.date.today().isoformat()}: {platform.platform()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"TensorFlow {tf_module.__version__}.\n\n"
        )
        # Keep the hand-written reading of the results, if the file has one.
        old = Path(args.markdown).read_text() if Path(args.markdown).exists() else ""
        reading = old[old.index("## Reading") :] if "## Reading" in old else ""
        Path(args.markdown).write_text(
            "# Benchmark results\n\n" + about + table + "\n" + ("\n" + reading if reading else "")
        )


if __name__ == "__main__":
    main()
