"""Mutation testing of the modules that decide what users are told (see tests/MUTATION.md).

    python tests/run_mutation.py                 # every module below
    python tests/run_mutation.py attribution     # some of them, by short name

For each module, mutmut mutates that one file and runs only the tests chosen for
it below (mutmut narrows them further to the tests that reach the mutated
function). Each module runs in its own scratch copy of the project, so the
working tree is never touched and modules do not share mutmut's cache. Prints,
per module, killed / survived / other counts and the survivors' names; the scratch
directory stays for `mutmut show NAME` (its path is printed, mutmut's log is in it).

Slow (minutes to an hour per module) and CPU-heavy: not part of `.ci/run`.
Needs the `mutation` extra (mutmut).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tests_in(path: str, leaving_out: tuple = ()) -> list:
    """The node ids of a test file's top-level test functions, but those left out."""
    names = re.findall(r"^def (test_\w+)", (ROOT / path).read_text(), flags=re.MULTILINE)
    return [f"{path}::{name}" for name in names if name not in leaving_out]


# module short name -> (file to mutate, tests that check what users are told about it).
# Fast subsets: hand-made records first; real-TensorFlow tests where the rule needs them.
MODULES = {
    "attribution": (
        "scopekit/attribution.py",
        [
            "tests/test_attribution.py",
            "tests/test_oracle_notes.py",
            "tests/test_views.py",
            "tests/test_properties.py",
            "tests/test_oracle_origin.py",
            "tests/test_oracle_order.py",
            "tests/test_capture.py::test_get_variable_name_taken_by_a_name_scope",
            "tests/test_capture_truth.py::test_a_name_ending_in_a_slash_is_not_called_renamed",
        ],
    ),
    # Hand-made records only (mutants of the tree's loops often loop forever: each
    # costs a timeout, and TensorFlow in every test would make that timeout long).
    "tree": (
        "scopekit/tree.py",
        [
            "tests/test_views.py",
            *(
                f"tests/test_oracle_tree.py::{name}"
                for name in (
                    "test_hand_made_records_give_the_models_tree",
                    "test_scope_kinds_origin_and_the_name_scope_a_variable_scope_opened",
                    "test_a_scope_of_another_graph_first_does_not_hide_this_graphs_scopes",
                    "test_variable_view_places_everything_by_variable_scope",
                    "test_nested_series_paths_labels_and_sums",
                    "test_a_series_takes_its_origin_from_its_first_member",
                    "test_a_name_scope_the_user_reenters_is_no_longer_only_a_variable_scopes",
                    "test_glued_numbers_fold_from_five_siblings_at_the_top_level",
                    "test_series_of_series_label_path_members_and_neighbours",
                    "test_a_number_written_twice_still_folds_in_creation_order",
                    "test_a_library_scope_holding_a_user_scope_is_not_dimmed",
                    "test_variable_view_keeps_an_op_with_the_variable_whose_name_it_extends",
                )
            ),
            "tests/test_oracle_widget_wide.py",
        ],
    ),
    "words": (
        "scopekit/render/words.py",
        ["tests/test_views.py", "tests/test_oracle_words.py", "tests/test_hostile_text.py"],
    ),
    # test_views is left out: its real-Keras tests make a run minutes instead of seconds.
    "text": (
        "scopekit/render/text.py",
        [
            "tests/test_oracle_views.py",
            "tests/test_oracle_present.py",
            "tests/test_hostile_text.py",
        ],
    ),
    # test_views is left out: its real-Keras tests make a run minutes instead of seconds.
    "html": (
        "scopekit/render/html.py",
        [
            "tests/test_oracle_views.py",
            "tests/test_oracle_present.py",
            "tests/test_hostile_text.py",
        ],
    ),
    "present": (
        "scopekit/render/present.py",
        [
            "tests/test_oracle_present.py",
            "tests/test_oracle_views.py",
            "tests/test_oracle_words.py",
            "tests/test_hostile_text.py",
        ],
    ),
    # Real TensorFlow throughout: the hooks are TF's own calls. Left out: tests that start
    # a fresh Python (seconds each), and tests that run a tf.function eagerly, which hangs
    # in mutmut's forked child once its parent has run TensorFlow (TF's thread pools do
    # not survive a fork; each hang would count as a caught mutant), and so does a
    # Session.run (test_capture's device test). Traced-only versions
    # of those (get_concrete_function) are in test_oracle_hooks.
    "capture": (
        "scopekit/hooks.py",
        [
            "tests/test_oracle_hooks.py",
            *_tests_in(
                "tests/test_capture.py",
                leaving_out=("test_views_built_before_a_run_show_where_the_ops_ran",),
            ),
            "tests/test_capture_truth.py",
            "tests/test_threads.py",
            "tests/test_properties.py",
            "tests/test_oracle_order.py",
            *_tests_in(
                "tests/test_eager.py",
                leaving_out=(
                    "test_tf_function_traces_are_recorded_with_their_name_scopes",
                    "test_keras_weights_built_inside_a_tf_function_keep_their_path",
                    "test_html_view_titles_each_traced_graph",
                    "test_variables_a_tf_function_creates_are_recorded",
                ),
            ),
            *(
                f"tests/test_tf_state.py::{name}"
                for name in (
                    "test_reset_default_graph_in_default_graph_mode_stays",
                    "test_a_patch_installed_before_the_capture_still_runs",
                    "test_a_patch_installed_during_the_capture_stays",
                    "test_a_tensorflow_error_reads_as_without_scopekit",
                )
            ),
        ],
    ),
    # Checkpoints written eagerly (tf.raw_ops.SaveV2, tf.train.Checkpoint) and hand-made
    # records. test_checkpoint.py's tests that open a TF1 Session, build Keras models or
    # run the IPython shell are left out: in mutmut's forked workers they run out of its
    # CPU-time limit (exit -24) on most mutants, which counts them as killed and costs
    # about 20 s each (a Session on TF's shared threads hangs in a forked process once
    # the parent has used one; use_per_session_threads=True avoids it).
    "compare": (
        "scopekit/checkpoint/compare.py",
        [
            "tests/test_oracle_compare.py",
            *(
                f"tests/test_checkpoint.py::{name}"
                for name in (
                    "test_directory_and_save_counter",
                    "test_bad_paths_say_what_to_pass",
                    "test_indexed_pairing_gives_the_quadratic_pairings_answers",
                    "test_comparison_views_escape_and_bound_what_users_control",
                )
            ),
        ],
    ),
    # Hand-made keys and variables, and checkpoints written with tf.raw_ops.SaveV2 into
    # eager variables; the rest of test_checkpoint_plan.py (real Keras models, TF1
    # Sessions: about 26 s a run) would make each of hundreds of mutants cost that.
    "pairing": (
        "scopekit/checkpoint/pairing.py",
        [
            "tests/test_oracle_pairing.py",
            *(
                f"tests/test_checkpoint_plan.py::{name}"
                for name in (
                    "test_a_key_two_variables_fit_goes_to_neither",
                    "test_plan_rules_do_not_fire_where_names_or_shapes_disagree",
                    "test_plan_rules_fire_on_the_matching_cases",
                )
            ),
        ],
    ),
    "rules": (
        "scopekit/checkpoint/rules.py",
        [
            "tests/test_oracle_rules.py",
            "tests/test_oracle_compare.py",
            "tests/test_checkpoint.py::test_each_rule_fires_only_where_it_explains",
            "tests/test_checkpoint.py::test_indexed_pairing_gives_the_quadratic_pairings_answers",
        ],
    ),
    # As for pairing: checkpoints written with tf.raw_ops.SaveV2, eager variables, and
    # graph variables run in Sessions with their own threads (see "compare").
    "plan": (
        "scopekit/checkpoint/plan.py",
        [
            "tests/test_oracle_plan.py",
            "tests/test_oracle_pairing.py::"
            "test_apply_loads_each_variable_from_the_key_its_names_point_to",
            *(
                f"tests/test_checkpoint_plan.py::{name}"
                for name in (
                    "test_a_key_two_variables_fit_goes_to_neither",
                    "test_plan_rules_do_not_fire_where_names_or_shapes_disagree",
                    "test_plan_rules_fire_on_the_matching_cases",
                    "test_hostile_names_are_escaped_in_every_plan_view",
                )
            ),
        ],
    ),
    "checking": (
        "scopekit/exercises/checking.py",
        [
            "tests/test_exercises.py",
            "tests/test_oracle_exercises.py",
            "tests/test_hostile_text.py::test_exercise_message_quotes_the_users_answer_on_its_line",
        ],
    ),
    "catalog": (
        "scopekit/exercises/catalog.py",
        [
            "tests/test_exercises.py",
            "tests/test_oracle_exercises.py",
            "tests/test_hostile_text.py::test_exercise_message_quotes_the_users_answer_on_its_line",
        ],
    ),
    # Hand-made examples: test_sources' `results` fixture runs every source's examples
    # (seconds), which each mutant of the runner would pay again.
    "runner": (
        "scopekit/sources/runner.py",
        [
            "tests/test_oracle_runner.py",
            *(
                f"tests/test_sources.py::{name}"
                for name in (
                    "test_a_failing_assert_does_not_hide_later_claims",
                    "test_claims_after_an_error_are_not_reached",
                    "test_running_leaves_tensorflow_as_it_was",
                )
            ),
        ],
    ),
    # The counts the notebooks' summing-up sentences state; hand-made verdicts, no TF.
    "tallies": ("scopekit/sources/tallies.py", ["tests/test_oracle_tallies.py"]),
}

PYPROJECT = """\
[tool.mutmut]
source_paths = ["scopekit"]
only_mutate = [{target!r}]
# `-p tensorflow -p keras`: the fork server's test collection imports them once (importing
# runs nothing, so forking after it is safe), instead of every worker importing them again.
pytest_add_cli_args = [
    "-p", "no:randomly", "-p", "no:cacheprovider", "-q", "-p", "tensorflow", "-p", "keras",
]
pytest_add_cli_args_test_selection = {tests}
use_git_change_detection = false
# Fork each mutant's worker from a server that only collected the tests: forked from
# mutmut's main process (the default), which ran the suite for its stats, a worker
# inherits TensorFlow's session thread pools without their threads, and its first
# Session.run hangs until the timeout (counted as "killed").
process_isolation = "forkserver"
# Each pytest command and its output, in mutmut.log: why a run failed, if one does.
debug = true
# A mutant slower than 3x the clean run (plus 15 s) counts as caught by a timeout. The
# constant covers each worker's own pytest start, which mutmut's estimate leaves out: with
# 5 s, workers on a loaded machine timed out while their tests were still passing.
timeout_multiplier = 3.0
timeout_constant = 15.0
"""


def _scratch_copy(target: str, tests: list[str]) -> Path:
    work = Path(tempfile.mkdtemp(prefix=f"scopekit-mutation-{Path(target).stem}-"))
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "scopekit", work / "scopekit", ignore=skip)
    shutil.copytree(ROOT / "tests", work / "tests", ignore=skip)
    existing = [t for t in tests if (ROOT / t.partition("::")[0]).exists()]
    (work / "pyproject.toml").write_text(
        PYPROJECT.format(target=target, tests=json.dumps(existing))
    )
    return work


def run_module(name: str) -> dict:
    """Run mutmut on one module; return its counts and survivors."""
    target, tests = MODULES[name]
    work = _scratch_copy(target, tests)
    # No PYTHONPATH: mutmut runs pytest in work/mutants, whose rootdir puts the mutated
    # package first on sys.path (a PYTHONPATH to the not-yet-made mutants/ would be cached
    # as missing by the import system, and `tests` not found).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    mutmut = [sys.executable, "-m", "mutmut"]
    with open(work / "mutmut.log", "w") as log:
        subprocess.run(
            [*mutmut, "run", "--max-children", "1"],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    listing = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, env=env, capture_output=True, text=True
    ).stdout
    status: dict = {}
    survivors = []
    for line in listing.splitlines():
        mutant, _, state = line.strip().rpartition(": ")
        if not mutant:
            continue
        status[state] = status.get(state, 0) + 1
        if state == "survived":
            survivors.append(mutant)
    return {"module": target, "work": str(work), "status": status, "survivors": survivors}


def main(argv: list[str]) -> int:
    names = argv or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        print(f"unknown module(s) {unknown}; choose from {list(MODULES)}")
        return 2
    for name in names:
        result = run_module(name)
        killed = result["status"].get("killed", 0)
        survived = result["status"].get("survived", 0)
        score = killed / (killed + survived) if killed + survived else 0.0
        print(f"\n== {result['module']}: {killed} killed, {survived} survived ({score:.0%})")
        print(f"   all states: {result['status']}")
        print(f"   scratch copy (for `mutmut show NAME`): {result['work']}")
        for mutant in result["survivors"]:
            print(f"   survived: {mutant}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
