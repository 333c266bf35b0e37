"""The exercises, easiest first: statement, starter code, check and hint for each.

Every checker reads the capture (the names TensorFlow gave, the scopes in force,
which call reused what) and, where it matters, runs the graph or writes a real
checkpoint. None reads the source of the answer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from typing import List, Optional

import numpy as np

from ..attribution import basename, prefix_of
from ..hooks import capture as new_capture
from ..hooks import import_tensorflow
from ..render.words import PREFIX_WORDS
from ..session_run import RunError, error_gist, run, session_config
from .checking import Exercise, register
from .saving import (
    OLD_VALUES,
    TF1_MLP_SHAPES,
    checkpoint_keys,
    quiet_checkpoint_logs,
    save_graph_variables,
)

# ---------------------------------------------------------------------------
# Small readers over a capture


def _error_summary(capture) -> str:
    error = capture.error
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


def _stopped(capture, verdict, what_to_do: str) -> bool:
    """Report a cell that raised; True when the check cannot go on."""
    if capture.error is None:
        return False
    summary = _error_summary(capture).rstrip()
    end = "" if summary.endswith((".", "?", "!")) else "."
    verdict.bad(f"the cell still raises {summary}{end} {what_to_do}")
    return True


def _distinct_variables(capture, requested: Optional[str] = None) -> List:
    """One record per distinct variable (first call), optionally only those asked as `requested`."""
    seen, out = set(), []
    for record in capture.variables:
        if requested is not None and basename(record.requested) != requested:
            continue
        if record.name not in seen:
            seen.add(record.name)
            out.append(record)
    return out


def _user_ops(capture, short_name: str) -> List:
    """The ops the cell asked for whose own name (after the last '/') is `short_name`."""
    return [op for op in capture.ops if not op.internal and basename(op.name) == short_name]


def _is_tensor_of(capture, value, what: str, verdict) -> bool:
    """True if `value` is a tensor of the captured graph; else say what was expected."""
    tf = import_tensorflow()
    # A tf.Variable has a graph and an op too, but it is what a layer reads, not its output.
    if isinstance(value, tf.Tensor) and getattr(value, "graph", None) is capture.graph:
        return True
    got = "a tensor of another graph" if isinstance(value, tf.Tensor) else type(value).__name__
    verdict.bad(
        f"{what} should be a tensor the cell built (got {got}); pass the "
        "Python variable that holds it."
    )
    return False


def _same_values(got, expected) -> bool:
    """True when `got` has the expected shape and values (a wrong shape is simply False)."""
    got = np.asarray(got)
    return got.shape == np.shape(expected) and bool(np.allclose(got, expected))


def _names(items) -> str:
    return ", ".join(f"'{name}'" for name in items) or "none"


# ---------------------------------------------------------------------------
# 1. Predict names

PREDICT_SUBJECTS = ("a", "b", "c")


def _check_predict_names(capture, verdict, predicted):
    if _stopped(capture, verdict, "Run the given cell unchanged."):
        return
    if not isinstance(predicted, Mapping):
        verdict.bad(
            "`predicted` should be a dict like {'a': 'outer/a', ...}, "
            f"not a {type(predicted).__name__}."
        )
        return
    for subject in PREDICT_SUBJECTS:
        record = next((v for v in capture.variables if v.requested == subject), None)
        if record is None:
            ops = _user_ops(capture, subject)
            record = ops[0] if ops else None
        if record is None:
            verdict.bad(f"the cell made nothing called '{subject}': run the given cell unchanged.")
            continue
        guess = predicted.get(subject)
        kinds = {"Variable": "a tf.Variable", "get_variable": "a get_variable variable"}
        creator = getattr(record, "creator", None)  # OpRecords have none
        kind = kinds[creator] if creator else f"an op of type {record.type}"
        if guess is None or guess == "?":
            verdict.bad(f"no prediction for '{subject}' yet ({kind}).")
        elif not isinstance(guess, str):
            verdict.bad(
                f"the prediction for '{subject}' should be a name in quotes, like "
                f"'outer/{subject}', not a {type(guess).__name__}."
            )
        elif guess == record.name:
            verdict.ok(f"'{subject}' is named '{record.name}'.")
        else:
            prefix = prefix_of(record.name)
            source = PREFIX_WORDS[record.prefix_from]
            verdict.bad(
                f"you predicted '{guess}' for '{subject}', {kind}; look at its prefix: "
                f"'{prefix}' comes from the {source} "
                f"(name scope '{record.name_scope}', variable scope '{record.variable_scope}')."
            )


register(
    Exercise(
        id="predict_names",
        title="Predict the names a cell creates",
        level="easy",
        statement=(
            "Before running the given cell, write in `predicted` the full name TensorFlow "
            "will give to the tf.Variable 'a', the get_variable 'b' and the op 'c'."
        ),
        starter='predicted = {"a": "?", "b": "?", "c": "?"}\n',
        hint=(
            "tf.Variable and ops take the name scope (a variable_scope opens a name scope "
            "of the same name); get_variable takes only the variable scope."
        ),
        checker=_check_predict_names,
        answers={"predicted": "dict: short name -> full name"},
    )
)

# ---------------------------------------------------------------------------
# 2. tf.Variable vs get_variable, explained with %%scopes

TRUTH = {"tf.Variable": "name scope", "get_variable": "variable scope"}


def _check_variable_vs_get_variable(capture, verdict, answer):
    if _stopped(capture, verdict, "Fix the error first."):
        return
    plain = [v for v in capture.variables if v.creator == "Variable"]
    got = [v for v in capture.variables if v.creator == "get_variable" and not v.reused]
    if not plain or not got:
        missing = "tf.Variable(...)" if not plain else "tf.compat.v1.get_variable(...)"
        verdict.bad(f"the cell made no variable with {missing}: make one of each, side by side.")
        return
    pair = next(
        (
            (v, g)
            for v in plain
            for g in got
            if (v.name_scope, v.variable_scope) == (g.name_scope, g.variable_scope)
            and prefix_of(v.name) != prefix_of(g.name)
        ),
        None,
    )
    if pair is None:
        v, g = plain[0], got[0]
        verdict.bad(
            f"'{v.name}' (tf.Variable) and '{g.name}' (get_variable) have the same prefix "
            f"'{prefix_of(v.name)}', so the cell does not show the difference. Make both "
            "in the same `with` blocks, inside a name scope the variable scope does not "
            "have (tf.compat.v1.name_scope around a variable_scope)."
        )
    else:
        v, g = pair
        verdict.ok(
            f"made in the same scopes (name scope '{v.name_scope}', variable scope "
            f"'{v.variable_scope}'), tf.Variable became '{v.name}' and get_variable '{g.name}'."
        )
    if not isinstance(answer, Mapping):
        verdict.bad(
            '`answer` should be a dict: {"tf.Variable": ..., "get_variable": ...}, '
            f"not a {type(answer).__name__}."
        )
        return
    for creator, truth in TRUTH.items():
        said = str(answer.get(creator, "?")).replace("_", " ").strip().lower()
        if said == truth:
            verdict.ok(f"{creator} names follow the {truth}.")
        else:
            verdict.bad(
                f"answer[{creator!r}] is {answer.get(creator, '?')!r}: compare the "
                f"'prefix from' column of the {creator} row with its two scopes "
                "('name scope' or 'variable scope')."
            )


register(
    Exercise(
        id="variable_vs_get_variable",
        title="Show why tf.Variable and get_variable land in different places",
        level="easy",
        statement=(
            "Write a %%scopes cell that makes one tf.Variable and one get_variable in the "
            "same `with` blocks yet gives them different prefixes, then say in `answer` "
            "which scope each one's name follows ('name scope' or 'variable scope')."
        ),
        starter=(
            "v = tf.Variable(0.0, name='v')\n"
            "w = tf.compat.v1.get_variable('w', shape=())\n"
            'answer = {"tf.Variable": "?", "get_variable": "?"}\n'
        ),
        hint=(
            "At the top level both scopes are empty, so the names agree. Open "
            "tf.compat.v1.name_scope('outer') and inside it variable_scope('inner')."
        ),
        checker=_check_variable_vs_get_variable,
        answers={"answer": 'dict: {"tf.Variable": ..., "get_variable": ...}'},
    )
)

# ---------------------------------------------------------------------------
# 3. my_scope_1


def _check_reopened_scope(capture, verdict):
    if _stopped(capture, verdict, "Fix the error first."):
        return
    for short in ("a", "b"):
        ops = _user_ops(capture, short)
        if not ops:
            verdict.bad(f"there is no op named '{short}': keep tf.constant(..., name='{short}').")
        elif prefix_of(ops[0].name) == "my_scope":
            verdict.ok(f"op '{ops[0].name}' is in my_scope/.")
        else:
            verdict.bad(
                f"op '{short}' is named '{ops[0].name}': look at scope "
                f"'{prefix_of(ops[0].name) or '(top level)'}'."
            )
    # Every `with` that asked for my_scope, by name or by the re-entry name 'my_scope/'.
    entries = [
        s
        for s in capture.scopes
        if s.origin == "user"
        and s.kind == "name_scope"
        and ((s.requested or "").rstrip("/") == "my_scope" or s.name_scope == "my_scope")
    ]
    reopened = sorted(
        {
            s.name_scope
            for s in capture.scopes
            if s.origin == "user" and basename(s.name_scope).startswith("my_scope_")
        }
    )
    if reopened:
        verdict.bad(
            f"name scope {_names(reopened)} was opened: a second name_scope('my_scope') "
            "makes a new scope instead of re-entering the first."
        )
    if len(entries) < 2:
        verdict.bad(
            "my_scope was entered only once: keep two separate `with` blocks, the second "
            "one re-entering the scope the first one opened."
        )
    elif not reopened:
        verdict.ok("the second `with` block re-entered my_scope.")


register(
    Exercise(
        id="reopened_scope",
        title="Fix the cell that creates my_scope_1",
        level="easy",
        statement=(
            "Both constants should live in my_scope/, but the second `with` block puts "
            "'b' in my_scope_1/. Keep the two blocks and make the second one re-enter "
            "the first scope."
        ),
        starter=(
            "with tf.compat.v1.name_scope('my_scope'):\n"
            "    a = tf.constant(1.0, name='a')\n"
            "with tf.compat.v1.name_scope('my_scope'):\n"
            "    b = tf.constant(2.0, name='b')\n"
        ),
        hint=(
            "`with tf.compat.v1.name_scope('my_scope') as scope:` gives the full scope "
            "name ending in '/'; a name ending in '/' re-enters that scope as is."
        ),
        checker=_check_reopened_scope,
        answers={},
    )
)

# ---------------------------------------------------------------------------
# 4. "Variable ... already exists, disallowed"


def _check_already_exists(capture, verdict):
    advice = "Each call of dense() builds a new layer, so each needs its own variable scope."
    if capture.error is not None and "Trying to share" in str(capture.error):
        advice = "Reuse shares the first layer's kernel; these two layers need their own."
    if _stopped(capture, verdict, advice):
        return
    kernels = _distinct_variables(capture, "kernel")
    shapes = sorted(tuple(k.shape or ()) for k in kernels)
    if shapes == [(3, 4), (4, 2)]:
        verdict.ok(f"two kernels, one per layer: {_names(k.name for k in kernels)}.")
    else:
        verdict.bad(
            f"expected two kernels of shapes (3, 4) and (4, 2), found "
            f"{_names(f'{k.name} {k.shape}' for k in kernels)}."
        )
    plain = [k.name for k in kernels if k.creator != "get_variable"]
    if plain:
        verdict.bad(
            f"{_names(plain)} {'is' if len(plain) == 1 else 'are'} made with tf.Variable, "
            "which never shares and so hides the "
            "error instead of fixing it: keep get_variable and give each layer its own "
            "variable scope."
        )
    reused = [v.name for v in capture.variables if v.reused]
    if reused:
        verdict.bad(f"{_names(reused)} was reused: these layers must not share weights.")
    # The second layer's product is the cell's last matmul: run it.
    matmuls = [op.name for op in capture.ops if op.type == "MatMul" and not op.internal]
    if not matmuls:
        verdict.bad("the cell computes no matmul: keep h = dense(x, 4) and y = dense(h, 2).")
        return
    try:
        value = next(iter(run(capture, matmuls[-1], record_placement=False).values.values()))
    except RunError as error:
        verdict.bad(f"running the output failed: {error}")
        return
    if _same_values(value, [[12.0, 12.0]]):
        verdict.ok("the two stacked layers compute [[12., 12.]] from ones, as they should.")
    else:
        verdict.bad(f"the output is {value.tolist()}, expected [[12.0, 12.0]]: is y = dense(h, 2)?")


register(
    Exercise(
        id="already_exists",
        title='Fix "Variable dense/kernel already exists, disallowed"',
        level="medium",
        statement=(
            "dense() is called twice to stack two different layers, and the second call "
            "fails. Make each call build its own layer, without renaming by hand at the "
            "call site."
        ),
        starter=(
            "def dense(x, units):\n"
            "    with tf.compat.v1.variable_scope('dense'):\n"
            "        kernel = tf.compat.v1.get_variable(\n"
            "            'kernel', shape=(x.shape[-1], units),\n"
            "            initializer=tf.compat.v1.ones_initializer())\n"
            "        return tf.matmul(x, kernel)\n"
        ),
        hint=(
            "variable_scope(None, default_name='dense') opens 'dense' the first time and "
            "'dense_1' the next, like a name scope does."
        ),
        checker=_check_already_exists,
        answers={},
    )
)

# ---------------------------------------------------------------------------
# 5. AUTO_REUSE


def _check_auto_reuse(capture, verdict, fn):
    tf = import_tensorflow()
    if capture.error is not None and "does not exist" in str(capture.error):
        advice = "reuse=True only finds variables, it never creates them, so the first call fails."
    else:
        advice = "embed() must work on its first call and on every call after."
    if _stopped(capture, verdict, advice):
        return
    tables = _distinct_variables(capture, "table")
    calls = [v for v in capture.variables if basename(v.requested) == "table"]
    if len(tables) == 1 and len(calls) >= 2 and all(v.reused for v in calls[1:]):
        verdict.ok(
            f"one table '{tables[0].name}', got by {len(calls)} calls, reused after the first."
        )
    else:
        verdict.bad(
            f"expected one table shared by both calls, found {_names(t.name for t in tables)} "
            f"from {len(calls)} get_variable call(s)."
        )
    modes = {s.reuse for s in capture.scopes if s.kind == "variable_scope" and s.origin == "user"}
    if "AUTO_REUSE" in modes:
        verdict.ok("the variable scope is opened with reuse=AUTO_REUSE.")
    else:
        verdict.bad("no variable scope was opened with reuse=tf.compat.v1.AUTO_REUSE.")
    # Behaviour: a brand-new graph, three calls, no error, one variable.
    if not callable(fn):
        verdict.bad(
            f"fn should be your embed function itself (fn=embed), not a {type(fn).__name__}."
        )
        return
    try:
        with new_capture() as fresh:
            for ids in ([0], [1, 2], [3]):
                fn(tf.constant(ids))
    except Exception as error:  # noqa: BLE001 - any failure is the learner's to see
        verdict.bad(
            f"calling embed() three times in a new graph raised {type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else ''}"
        )
        return
    made = _distinct_variables(fresh)
    if len(made) == 1:
        verdict.ok("called three times in a new graph, embed() made one variable.")
    else:
        verdict.bad(
            f"called three times in a new graph, embed() made {_names(v.name for v in made)}."
        )


register(
    Exercise(
        id="auto_reuse",
        title="Make a function safe to call twice with AUTO_REUSE",
        level="medium",
        statement=(
            "embed() should share one embedding table between all its calls. The second "
            "call fails. Change only embed() so that any number of calls, the first "
            "included, use the same table."
        ),
        starter=(
            "def embed(ids):\n"
            "    with tf.compat.v1.variable_scope('embedding'):\n"
            "        table = tf.compat.v1.get_variable(\n"
            "            'table', shape=(10, 4),\n"
            "            initializer=tf.compat.v1.constant_initializer(0.5))\n"
            "    return tf.nn.embedding_lookup(table, ids, name='lookup')\n"
        ),
        hint=(
            "reuse=True fails on the first call (nothing to reuse yet); "
            "reuse=tf.compat.v1.AUTO_REUSE creates the table once and reuses it after."
        ),
        checker=_check_auto_reuse,
        answers={"fn": "your embed function"},
    )
)

# ---------------------------------------------------------------------------
# 6. Siamese towers


def _reads_of(graph, capture, variable_name: str) -> List[str]:
    """The ReadVariableOp ops the cell's own computations use to read a variable."""
    internal = {op.name for op in capture.ops if op.internal}
    return [
        op.name
        for op in graph.get_operations()
        if op.type == "ReadVariableOp"
        and op.inputs[0].op.name == variable_name
        and op.name not in internal
    ]


def _check_siamese(capture, verdict, left, right):
    tf = import_tensorflow()
    if _stopped(capture, verdict, "The second tower must reuse the first tower's variables."):
        return
    kernels = _distinct_variables(capture, "kernel")
    if len(kernels) != 1:
        verdict.bad(
            f"there are {len(kernels)} kernels ({_names(k.name for k in kernels)}): both "
            "towers should get the same one."
        )
        return
    kernel = kernels[0]
    calls = [v for v in capture.variables if v.name == kernel.name]
    if len(calls) >= 2 and calls[1].reused:
        verdict.ok(f"one variable '{kernel.name}'; the second tower's get_variable reused it.")
    else:
        verdict.bad(
            f"'{kernel.name}' was got by {len(calls)} call(s): each tower should ask for it."
        )
    reads = _reads_of(capture.graph, capture, kernel.name)
    if len(reads) == 2:
        verdict.ok(f"two reads of it: {_names(reads)}.")
    else:
        verdict.bad(
            f"expected two reads of '{kernel.name}' (one per tower), found {_names(reads)}."
        )
    # Behaviour: set the kernel, feed each tower its own input: each output must be its
    # own input times that one kernel (an extra tower, a swapped input or a copy fail).
    if not (
        _is_tensor_of(capture, left, "left", verdict)
        & _is_tensor_of(capture, right, "right", verdict)
    ):
        return
    graph = capture.graph
    variable = next(
        (
            v
            for v in graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
            if v.op.name == kernel.name
        ),
        None,
    )
    inputs = {}
    for name in ("left_in", "right_in"):
        op = next((o for o in graph.get_operations() if o.name == name), None)
        if op is None or op.type != "Placeholder":
            verdict.bad(f"the placeholder '{name}' is gone: keep the two given input lines.")
            return
        inputs[name] = op.outputs[0]
    if variable is None or not kernel.shape or len(kernel.shape) != 2:
        verdict.bad(f"'{kernel.name}' is not a 2-D kernel among the graph's global variables.")
        return
    samples = {
        "left_in": np.arange(6, dtype=np.float32).reshape(2, 3),
        "right_in": np.arange(6, 12, dtype=np.float32).reshape(2, 3),
    }
    new_kernel = np.full(kernel.shape, 2.0, dtype=np.float32)
    new_kernel[0, 0] = -1.0  # not symmetric in its inputs: a swapped input shows
    try:
        with tf.compat.v1.Session(graph=graph, config=session_config()) as session:
            # Every variable the towers may read (a bias too), not only the kernel.
            everything = graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
            session.run(tf.compat.v1.variables_initializer(everything))
            session.run(variable.initializer, {variable.initial_value: new_kernel})
            out_left, out_right = session.run(
                [left, right], {inputs[k]: samples[k] for k in inputs}
            )
    except (tf.errors.OpError, ValueError, TypeError) as error:
        # TF's first line is only "Graph execution error:"; the gist says what went wrong.
        gist = error_gist(getattr(error, "message", error))
        verdict.bad(f"running the two towers failed ({type(error).__name__}: {gist}).")
        return
    if _same_values(out_left, samples["left_in"] @ new_kernel) and _same_values(
        out_right, samples["right_in"] @ new_kernel
    ):
        verdict.ok("after the kernel is changed, each tower computes its input times it.")
    else:
        verdict.bad(
            "after the kernel is changed, the towers do not both compute their own input "
            "times it: is each tower fed its own placeholder (left_in, right_in)?"
        )


register(
    Exercise(
        id="siamese",
        title="Share one set of weights between two towers",
        level="medium",
        statement=(
            "The two towers of this siamese network must share one kernel: one variable, "
            "read twice. Build both towers from tower() so that the second reuses the "
            "first tower's variable."
        ),
        starter=(
            "with tf.compat.v1.variable_scope('left'):\n"
            "    left = tower(left_in)\n"
            "with tf.compat.v1.variable_scope('right'):\n"
            "    right = tower(right_in)\n"
        ),
        hint=(
            "Open the same variable scope twice, the second time with reuse=True (or "
            "call scope.reuse_variables() between the towers)."
        ),
        checker=_check_siamese,
        answers={"left": "the left tower's output", "right": "the right tower's output"},
    )
)

# ---------------------------------------------------------------------------
# 7. MLP with given checkpoint keys

MLP_KEYS = {
    "mlp/hidden1/biases": (8,),
    "mlp/hidden1/weights": (4, 8),
    "mlp/hidden2/biases": (8,),
    "mlp/hidden2/weights": (8, 8),
    "mlp/logits/biases": (3,),
    "mlp/logits/weights": (8, 3),
}


def _variables_feeding(tensor) -> set:
    """Names of the variable ops `tensor` is computed from (walking the graph back)."""
    seen, stack, found = set(), [tensor.op], set()
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        if op.type in ("VarHandleOp", "VariableV2"):
            found.add(op.name)
        stack.extend(t.op for t in op.inputs)
    return found


def _check_mlp_keys(capture, verdict, logits):
    if _stopped(capture, verdict, "Fix the error first."):
        return
    with tempfile.TemporaryDirectory() as directory:
        keys = checkpoint_keys(save_graph_variables(capture.graph, directory))
    missing = [k for k in MLP_KEYS if k not in keys]
    extra = [k for k in keys if k not in MLP_KEYS]
    wrong_shape = [k for k in MLP_KEYS if k in keys and keys[k] != MLP_KEYS[k]]
    if not missing and not extra:
        verdict.ok("the checkpoint has exactly the six keys asked for.")
    if missing:
        verdict.bad(f"the checkpoint is missing {_names(missing)}.")
    for key in extra:
        record = next((v for v in capture.variables if v.name == key), None)
        why = ""
        if record is not None and record.name_scope and record.name_scope != record.variable_scope:
            where = (
                f"the variable scope '{record.variable_scope}'"
                if record.variable_scope
                else "no variable scope (none was open)"
            )
            why = f" get_variable ignored name scope '{record.name_scope}' and followed {where}."
        verdict.bad(f"the checkpoint has a key '{key}' that is not in the list.{why}")
    for key in wrong_shape:
        verdict.bad(f"'{key}' has shape {keys[key]}, expected {MLP_KEYS[key]}.")
    if not _is_tensor_of(capture, logits, "logits", verdict):
        return
    unused = sorted(k for k in MLP_KEYS if k in keys and k not in _variables_feeding(logits))
    if unused:
        verdict.bad(f"logits are not computed from {_names(unused)}: wire every layer in.")
    try:
        feeds = _feed_ones(capture.graph)
        value = run(capture, [logits], feed_dict=feeds, record_placement=False)
    except RunError as error:
        verdict.bad(f"running logits failed: {error}")
        return
    shape = np.asarray(value[logits.name]).shape
    if shape == (2, 3):
        verdict.ok("logits for a batch of 2 have shape (2, 3).")
    else:
        verdict.bad(f"logits for a batch of 2 have shape {shape}, expected (2, 3).")


def _feed_ones(graph):
    """Ones for every placeholder, a batch of 2; RunError names one without a known rank."""
    feeds = {}
    for op in graph.get_operations():
        if op.type == "Placeholder":
            shape = op.outputs[0].shape
            if shape.rank is None:
                raise RunError(
                    f"the placeholder '{op.name}' has no known shape: give it one, e.g. (None, 4)."
                )
            shape = [2 if d is None else d for d in shape.as_list()]
            feeds[op.outputs[0]] = np.ones(shape, dtype=op.outputs[0].dtype.as_numpy_dtype)
    return feeds


register(
    Exercise(
        id="mlp_keys",
        title="A three-layer MLP whose checkpoint keys match a list",
        level="hard",
        statement=(
            "Build an MLP 4 -> 8 -> 8 -> 3 whose checkpoint keys are exactly those of "
            "MLP_KEYS: mlp/hidden1/weights, mlp/hidden1/biases, mlp/hidden2/..., "
            "mlp/logits/..., with the shapes given."
        ),
        starter=(
            "with tf.compat.v1.name_scope('mlp'):\n"
            "    with tf.compat.v1.name_scope('hidden1'):\n"
            "        h1 = dense(x, 8, tf.nn.relu)\n"
            "    # hidden2 (8 units, relu) and logits (3 units) still to come\n"
            "logits = h1\n"
        ),
        hint=(
            "Checkpoint keys are variable names, and get_variable names follow variable "
            "scopes only: use tf.compat.v1.variable_scope for 'mlp' and each layer."
        ),
        checker=_check_mlp_keys,
        answers={"logits": "the output tensor"},
    )
)

# ---------------------------------------------------------------------------
# 8. Restore a checkpoint whose keys a refactor broke


def _saver_keys(saver, graph, session) -> List[str]:
    """The checkpoint keys a Saver's restore op reads (from its RestoreV2 ops)."""
    scope = saver.saver_def.restore_op_name.rpartition("/")[0]
    keys: List[str] = []
    for op in graph.get_operations():
        if op.type == "RestoreV2" and op.name.startswith(scope + "/"):
            keys += [k.decode() for k in session.run(op.inputs[1])]
    return sorted(keys)


def _check_restore(capture, verdict, saver, checkpoint):
    tf = import_tensorflow()
    if _stopped(capture, verdict, "Fix the error first."):
        return
    if not isinstance(saver, tf.compat.v1.train.Saver):
        verdict.bad(f"saver should be a tf.compat.v1.train.Saver, not {type(saver).__name__}.")
        return
    try:
        old_keys = checkpoint_keys(checkpoint)
    except (tf.errors.OpError, ValueError, TypeError):
        verdict.bad(
            "there is no checkpoint where `checkpoint` points: pass the path "
            "exercises.write_old_checkpoint(...) returned."
        )
        return
    model = _distinct_variables(capture)
    with tf.compat.v1.Session(graph=capture.graph, config=session_config()) as session:
        # Ask the Saver which keys it will read before restoring, so a missing key is
        # reported in words (TensorFlow would also log a C++ warning into the cell).
        absent = [k for k in _saver_keys(saver, capture.graph, session) if k not in old_keys]
        if absent:
            verdict.bad(
                f"the Saver asks the checkpoint for {_names(absent)}, which it does not have; "
                f"its keys are {_names(old_keys)}. A Saver looks each variable up by the key "
                "you give it (by default, the variable's own name)."
            )
            return
        try:
            with quiet_checkpoint_logs():
                saver.restore(session, checkpoint)
        except (tf.errors.InvalidArgumentError, ValueError) as error:
            verdict.bad(
                "restoring failed: a checkpoint value does not fit the variable it was given "
                f"to ({type(error).__name__}); check which old key goes to which variable."
            )
            return
        verdict.ok("the Saver restored without error.")
        graph_vars = {
            v.op.name: v
            for v in capture.graph.get_collection(tf.compat.v1.GraphKeys.GLOBAL_VARIABLES)
        }
        for record in model:
            old_key = next((k for k in OLD_VALUES if basename(k) == basename(record.name)), None)
            try:
                value = session.run(graph_vars[record.name])
            except tf.errors.FailedPreconditionError:  # never assigned: the Saver skipped it
                verdict.bad(f"'{record.name}' was not restored: no old key was mapped to it.")
                continue
            holds = next(
                (
                    k
                    for k, v in OLD_VALUES.items()
                    if np.shape(value) == v.shape and np.allclose(value, v)
                ),
                None,
            )
            if holds is not None and holds == old_key:
                verdict.ok(f"'{record.name}' holds the checkpoint's '{old_key}'.")
            elif holds is not None:
                verdict.bad(
                    f"'{record.name}' now holds the checkpoint's '{holds}' (shape "
                    f"{OLD_VALUES[holds].shape}), not '{old_key}': check which old key goes "
                    "to which variable."
                )
            else:
                verdict.bad(f"'{record.name}' does not hold the value of '{old_key}'.")


register(
    Exercise(
        id="restore_checkpoint",
        title="Restore a checkpoint whose keys a refactor broke",
        level="hard",
        statement=(
            "The old model saved encoder/dense/kernel and encoder/dense/bias. After a "
            "refactor the same weights are model/encoder/kernel and model/encoder/bias. "
            "Build a Saver that restores the old checkpoint into the new model, without "
            "renaming the new variables."
        ),
        starter="saver = tf.compat.v1.train.Saver()\n",
        hint=(
            "A Saver given a dict {checkpoint key: variable} reads each key into that "
            "variable, whatever the variable's own name."
        ),
        checker=_check_restore,
        answers={"saver": "your tf.compat.v1.train.Saver", "checkpoint": "the old checkpoint path"},
    )
)

# ---------------------------------------------------------------------------
# 9. Move a TF1 checkpoint into Keras 3 with scopekit.checkpoint.plan

# Which old key each new weight must hold, by the weight's last two name parts.
MOVED_FROM = {
    "hidden1/kernel": "mlp/fc/weights",
    "hidden1/bias": "mlp/fc/biases",
    "hidden2/kernel": "mlp/fc_1/weights",
    "hidden2/bias": "mlp/fc_1/biases",
    "logits/kernel": "mlp/logits/weights",
    "logits/bias": "mlp/logits/biases",
}


def _weight_name(variable) -> str:
    """A Keras 3 weight's path, or a tf.Variable's name without ':0'."""
    path = getattr(variable, "path", None)
    name = path if isinstance(path, str) else str(getattr(variable, "name", ""))
    return name.split(":")[0]


def _old_mlp(values, x):
    """What the TF1 model computes: relu, relu, then the logits."""
    h = np.maximum(x @ values["mlp/fc/weights"] + values["mlp/fc/biases"], 0)
    h = np.maximum(h @ values["mlp/fc_1/weights"] + values["mlp/fc_1/biases"], 0)
    return h @ values["mlp/logits/weights"] + values["mlp/logits/biases"]


def _check_move(capture, verdict, model, checkpoint):
    if _stopped(capture, verdict, "Fix the error first (apply() loads nothing when it refuses)."):
        return
    if capture.graph is not None:
        verdict.bad("the cell ran in graph mode: run it with `%%scopes -o cap --eager`.")
        return
    weights = getattr(model, "weights", None)
    if weights is None:
        weights = getattr(model, "variables", None)
    if not callable(model) or not isinstance(weights, (list, tuple)) or not weights:
        verdict.bad(
            "model should be the Keras 3 model (or tf.Module) your cell built and loaded, "
            f"not a {type(model).__name__}."
        )
        return
    tf = import_tensorflow()
    try:
        reader = tf.train.load_checkpoint(checkpoint)
        values = {key: reader.get_tensor(key) for key in TF1_MLP_SHAPES}
    except (tf.errors.OpError, ValueError, TypeError):
        verdict.bad(
            "there is no checkpoint where `checkpoint` points: pass the path "
            "exercises.write_tf1_mlp_checkpoint(...) returned."
        )
        return
    by_name = {}
    for variable in weights:
        short = "/".join(_weight_name(variable).split("/")[-2:])
        by_name.setdefault(short, []).append(variable)
    extra = sorted(set(by_name) - set(MOVED_FROM))
    if extra:
        verdict.bad(
            f"the model has weights the TF1 model did not: {_names(extra)}. Name the layers "
            "'hidden1', 'hidden2' and 'logits', as the statement asks."
        )
    for short, key in MOVED_FROM.items():
        found = by_name.get(short, [])
        if len(found) != 1:
            verdict.bad(
                f"the model has {len(found)} weights named '.../{short}' (expected one): "
                "name the layers 'hidden1', 'hidden2' and 'logits'."
            )
            continue
        try:
            value = np.asarray(found[0].numpy())
        except Exception:  # e.g. a graph-mode variable: it has no value outside a session
            verdict.bad(f"'{short}' has no value to read here: build the model eagerly.")
            continue
        if value.shape != values[key].shape:
            verdict.bad(f"'{short}' has shape {value.shape}, but '{key}' has {values[key].shape}.")
            continue
        holds = next((k for k, v in values.items() if np.array_equal(value, v)), None)
        if holds == key:
            verdict.ok(f"'{short}' holds the checkpoint's '{key}'.")
        elif holds is not None:
            verdict.bad(
                f"'{short}' holds the checkpoint's '{holds}', not '{key}': the two hidden "
                "layers have the same shapes; say which old layer is which with overrides."
            )
        else:
            verdict.bad(
                f"'{short}' holds no value of the checkpoint (still its initial value?): "
                f"it should hold '{key}'."
            )
    if verdict.wrong:
        return
    x = np.linspace(-1.0, 1.0, 8, dtype=np.float32).reshape(2, 4)
    try:
        got = np.asarray(model(tf.constant(x)))
    except Exception as error:  # the learner's model: any failure is a verdict
        verdict.bad(f"calling model on a batch of shape (2, 4) failed: {type(error).__name__}.")
        return
    expected = _old_mlp(values, x)
    if got.shape == expected.shape and np.allclose(got, expected, atol=1e-5):
        verdict.ok("on a batch of 2 the model computes what the TF1 model computed.")
    else:
        verdict.bad(
            "the weights are right but the model computes something other than the TF1 "
            "model: relu after hidden1 and hidden2, no activation after logits."
        )


register(
    Exercise(
        id="move_checkpoint",
        title="Move a TF1 checkpoint into Keras 3 with a plan",
        level="hard",
        statement=(
            "A TF1 MLP 4 -> 4 -> 4 -> 3 (relu, relu, none) saved mlp/fc/*, mlp/fc_1/* and "
            "mlp/logits/* ('fc' is the first hidden layer, 'fc_1' the second). Build it in "
            "Keras 3 with layers named 'hidden1', 'hidden2' and 'logits', and load the "
            "checkpoint into it with scopekit.checkpoint.plan(...).apply(...), settling "
            "what the plan cannot decide with overrides."
        ),
        starter=(
            "moving = scopekit.checkpoint.plan(tf1_checkpoint, model)\nprint(moving.to_text())\n"
        ),
        hint=(
            "The two hidden layers have the same shapes and the checkpoint has no .meta "
            "file, so the plan marks them ambiguous. apply(overrides={'mlp/hidden1/kernel': "
            "'mlp/fc/weights', ...}) names the key of each ambiguous weight (its full path, "
            "as the plan prints it)."
        ),
        checker=_check_move,
        answers={
            "model": "your Keras 3 model",
            "checkpoint": "the TF1 checkpoint path",
        },
    )
)
