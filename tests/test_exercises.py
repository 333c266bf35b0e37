"""Each exercise's check passes on a correct solution and fails, in words, on typical mistakes.

Cells run under the real capture, against real TensorFlow; the checkpoint exercises
write real checkpoints into temporary directories.
"""

import inspect
import logging
import subprocess
import sys

import numpy as np
import pytest

from scopekit import capture
from scopekit.exercises import (
    EXERCISES,
    ExerciseNotSolved,
    check,
    checkpoint_keys,
    describe,
    hint,
    starter,
    write_old_checkpoint,
    write_tf1_mlp_checkpoint,
)
from scopekit.exercises.saving import checkpoint_value


def build(tf, code, namespace=None, eager=False):
    """Run `code` under capture() as %%scopes would; return (capture, namespace)."""
    namespace = {"tf": tf} if namespace is None else {"tf": tf, **namespace}
    try:
        with capture(eager=eager) as cap:
            exec(code, namespace)
    except Exception:  # the capture keeps the error; checks must report it
        pass
    return cap, namespace


def fails(exercise_id, cap, *phrases, **answers):
    """Assert the check fails and its message contains every phrase."""
    with pytest.raises(ExerciseNotSolved) as info:
        check(exercise_id, cap, **answers)
    message = str(info.value)
    assert message.startswith(f"Not solved yet: {EXERCISES[exercise_id].title}")
    assert message.rstrip().endswith(EXERCISES[exercise_id].hint)
    for phrase in phrases:
        assert phrase in message, f"{phrase!r} not in:\n{message}"
    return message


def passes(exercise_id, cap, capsys, **answers):
    check(exercise_id, cap, **answers)
    out = capsys.readouterr().out
    assert out.startswith(f"Solved: {EXERCISES[exercise_id].title}")
    return out


def test_importing_the_exercises_does_not_import_tensorflow():
    code = "import sys, scopekit.exercises, scopekit.magic; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_catalog_has_nine_exercises_each_complete():
    assert len(EXERCISES) >= 9
    levels = [e.level for e in EXERCISES.values()]
    assert levels == sorted(levels, key=["easy", "medium", "hard"].index)  # easy to hard
    for exercise in EXERCISES.values():
        assert exercise.statement and exercise.starter and exercise.hint
        assert hint(exercise.id) == exercise.hint
        assert starter(exercise.id) == exercise.starter
        assert "check(" in describe(exercise.id)
        compile(exercise.starter, exercise.id, "exec")  # the starter is valid Python
        # What check() asks for is exactly what the checker takes.
        params = list(inspect.signature(exercise.checker).parameters)[2:]
        assert params == list(exercise.answers), exercise.id


def test_unknown_exercise_and_wrong_arguments_say_what_to_do(tf):
    cap, _ = build(tf, "x = tf.constant(1.0)")
    with pytest.raises(KeyError, match="The exercises are: predict_names"):
        check("no_such_exercise", cap)
    with pytest.raises(TypeError, match="run the cell with `%%scopes -o cap`"):
        check("reopened_scope", "not a capture")
    with pytest.raises(TypeError, match="missing left, right"):
        check("siamese", cap)


PREDICT_GIVEN = """
with tf.compat.v1.name_scope('outer'):
    a = tf.Variable(1.0, name='a')
    with tf.compat.v1.variable_scope('inner'):
        b = tf.compat.v1.get_variable('b', shape=(), initializer=tf.compat.v1.zeros_initializer())
        c = tf.add(a, b, name='c')
"""


def test_predict_names(tf, capsys):
    cap, _ = build(tf, PREDICT_GIVEN)
    right = {"a": "outer/a", "b": "inner/b", "c": "outer/inner/c"}
    passes("predict_names", cap, capsys, predicted=right)
    fails(
        "predict_names",
        cap,
        "no prediction for 'a' yet (a tf.Variable)",
        "no prediction for 'c' yet (an op of type AddV2)",
        predicted={"a": "?", "b": "?", "c": "?"},
    )
    message = fails("predict_names", cap, predicted={**right, "b": "outer/inner/b"})
    assert "you predicted 'outer/inner/b' for 'b'" in message
    assert "a get_variable variable; look at its prefix: 'inner' comes from the variable scope" in (
        message
    )
    assert "right: 'a' is named 'outer/a'." in message


VS_SOLUTION = """
with tf.compat.v1.name_scope('outer'):
    with tf.compat.v1.variable_scope('inner'):
        v = tf.Variable(0.0, name='v')
        w = tf.compat.v1.get_variable('w', shape=())
answer = {"tf.Variable": "name scope", "get_variable": "variable scope"}
"""


def test_variable_vs_get_variable(tf, capsys):
    cap, ns = build(tf, VS_SOLUTION)
    out = passes("variable_vs_get_variable", cap, capsys, answer=ns["answer"])
    assert "tf.Variable became 'outer/inner/v' and get_variable 'inner/w'" in out
    cap, ns = build(tf, starter("variable_vs_get_variable"))
    fails(
        "variable_vs_get_variable",
        cap,
        "'v' (tf.Variable) and 'w' (get_variable) have the same prefix ''",
        "answer['tf.Variable'] is '?'",
        answer=ns["answer"],
    )
    cap, _ = build(tf, VS_SOLUTION)
    swapped = {"tf.Variable": "variable scope", "get_variable": "name scope"}
    fails("variable_vs_get_variable", cap, "answer['get_variable'] is 'name scope'", answer=swapped)


REOPEN_SOLUTION = """
with tf.compat.v1.name_scope('my_scope') as scope:
    a = tf.constant(1.0, name='a')
with tf.compat.v1.name_scope(scope):
    b = tf.constant(2.0, name='b')
"""


def test_reopened_scope(tf, capsys):
    cap, _ = build(tf, REOPEN_SOLUTION)
    passes("reopened_scope", cap, capsys)
    cap, _ = build(tf, starter("reopened_scope"))
    message = fails(
        "reopened_scope",
        cap,
        "op 'b' is named 'my_scope_1/b': look at scope 'my_scope_1'",
        "name scope 'my_scope_1' was opened",
    )
    assert "entered only once" not in message and "re-entered my_scope" not in message
    # Merging the two blocks dodges the lesson: the check asks for the re-entry.
    merged = (
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    a = tf.constant(1.0, name='a')\n"
        "    b = tf.constant(2.0, name='b')\n"
    )
    cap, _ = build(tf, merged)
    fails("reopened_scope", cap, "my_scope was entered only once")


DENSE_USE = """
x = tf.ones((1, 3))
h = dense(x, 4)
y = dense(h, 2)
"""
DENSE_SOLUTION = """
def dense(x, units):
    with tf.compat.v1.variable_scope(None, default_name='dense'):
        kernel = tf.compat.v1.get_variable(
            'kernel', shape=(x.shape[-1], units),
            initializer=tf.compat.v1.ones_initializer())
        return tf.matmul(x, kernel)
"""


def test_already_exists(tf, capsys):
    cap, ns = build(tf, DENSE_SOLUTION + DENSE_USE)
    out = passes("already_exists", cap, capsys)
    assert "two kernels, one per layer: 'dense/kernel', 'dense_1/kernel'" in out
    assert "[[12., 12.]]" in out
    cap, ns = build(tf, starter("already_exists") + DENSE_USE)
    fails(
        "already_exists",
        cap,
        "the cell still raises ValueError: Variable dense/kernel already exists, disallowed.",
        "each needs its own variable scope",
    )
    auto = DENSE_SOLUTION.replace(
        "None, default_name='dense'", "'dense', reuse=tf.compat.v1.AUTO_REUSE"
    )
    cap, _ = build(tf, auto + DENSE_USE)
    fails("already_exists", cap, "Reuse shares the first layer's kernel")


EMBED_USE = """
first = embed(tf.constant([1, 2]))
second = embed(tf.constant([3]))
"""
EMBED_SOLUTION = """
def embed(ids):
    with tf.compat.v1.variable_scope('embedding', reuse=tf.compat.v1.AUTO_REUSE):
        table = tf.compat.v1.get_variable(
            'table', shape=(10, 4),
            initializer=tf.compat.v1.constant_initializer(0.5))
    return tf.nn.embedding_lookup(table, ids, name='lookup')
"""


def test_auto_reuse(tf, capsys):
    cap, ns = build(tf, EMBED_SOLUTION + EMBED_USE)
    out = passes("auto_reuse", cap, capsys, fn=ns["embed"])
    assert "one table 'embedding/table', got by 2 calls" in out
    assert "called three times in a new graph, embed() made one variable" in out
    cap, ns = build(tf, starter("auto_reuse") + EMBED_USE)
    fails("auto_reuse", cap, "Variable embedding/table already exists", fn=ns["embed"])
    reuse_true = EMBED_SOLUTION.replace("tf.compat.v1.AUTO_REUSE", "True")
    cap, ns = build(tf, reuse_true + EMBED_USE)
    fails("auto_reuse", cap, "reuse=True only finds variables", fn=ns["embed"])


SIAMESE_GIVEN = """
def tower(x):
    kernel = tf.compat.v1.get_variable(
        'kernel', shape=(3, 2), initializer=tf.compat.v1.constant_initializer(0.1))
    return tf.matmul(x, kernel, name='out')

left_in = tf.compat.v1.placeholder(tf.float32, (None, 3), name='left_in')
right_in = tf.compat.v1.placeholder(tf.float32, (None, 3), name='right_in')
"""
SIAMESE_SOLUTION = """
with tf.compat.v1.variable_scope('tower'):
    left = tower(left_in)
with tf.compat.v1.variable_scope('tower', reuse=True):
    right = tower(right_in)
"""


def test_siamese(tf, capsys):
    cap, ns = build(tf, SIAMESE_GIVEN + SIAMESE_SOLUTION)
    out = passes("siamese", cap, capsys, left=ns["left"], right=ns["right"])
    assert "one variable 'tower/kernel'" in out
    assert "two reads of it: 'tower/out/ReadVariableOp', 'tower_1/out/ReadVariableOp'" in out
    cap, ns = build(tf, SIAMESE_GIVEN + starter("siamese"))
    fails(
        "siamese",
        cap,
        "there are 2 kernels ('left/kernel', 'right/kernel')",
        left=ns["left"],
        right=ns["right"],
    )
    cap, ns = build(tf, SIAMESE_GIVEN + SIAMESE_SOLUTION)
    fails(
        "siamese",
        cap,
        "right should be a tensor the cell built (got str)",
        left=ns["left"],
        right="tower_1/out",
    )
    # Forgetting reuse=True: the second tower fails to build.
    cap, ns = build(tf, SIAMESE_GIVEN + SIAMESE_SOLUTION.replace(", reuse=True", ""))
    fails("siamese", cap, "Variable tower/kernel already exists", left=ns["left"], right=None)


MLP_GIVEN = """
x = tf.compat.v1.placeholder(tf.float32, (None, 4), name='x')

def dense(inputs, units, activation=None):
    weights = tf.compat.v1.get_variable('weights', shape=(inputs.shape[-1], units))
    biases = tf.compat.v1.get_variable(
        'biases', shape=(units,), initializer=tf.compat.v1.zeros_initializer())
    out = tf.matmul(inputs, weights) + biases
    return activation(out) if activation else out
"""
MLP_SOLUTION = """
with tf.compat.v1.variable_scope('mlp'):
    with tf.compat.v1.variable_scope('hidden1'):
        h1 = dense(x, 8, tf.nn.relu)
    with tf.compat.v1.variable_scope('hidden2'):
        h2 = dense(h1, 8, tf.nn.relu)
    with tf.compat.v1.variable_scope('logits'):
        logits = dense(h2, 3)
"""


def test_mlp_keys(tf, capsys):
    cap, ns = build(tf, MLP_GIVEN + MLP_SOLUTION)
    out = passes("mlp_keys", cap, capsys, logits=ns["logits"])
    assert "exactly the six keys" in out and "shape (2, 3)" in out
    cap, ns = build(tf, MLP_GIVEN + starter("mlp_keys"))
    fails(
        "mlp_keys",
        cap,
        "the checkpoint is missing 'mlp/hidden1/biases', 'mlp/hidden1/weights', ",
        "the checkpoint has a key 'weights' that is not in the list. get_variable ignored"
        " name scope 'mlp/hidden1' and followed no variable scope (none was open).",
        "logits for a batch of 2 have shape (2, 8), expected (2, 3).",
        logits=ns["logits"],
    )
    # All six variables, but the second hidden layer is skipped in the computation.
    skipped = MLP_SOLUTION.replace("logits = dense(h2, 3)", "logits = dense(h1, 3)")
    cap, ns = build(tf, MLP_GIVEN + skipped)
    fails(
        "mlp_keys",
        cap,
        "logits are not computed from 'mlp/hidden2/biases', 'mlp/hidden2/weights'",
        logits=ns["logits"],
    )


RESTORE_GIVEN = """
with tf.compat.v1.variable_scope('model'):
    with tf.compat.v1.variable_scope('encoder'):
        kernel = tf.compat.v1.get_variable('kernel', shape=(3, 2))
        bias = tf.compat.v1.get_variable('bias', shape=(2,))
"""
RESTORE_SOLUTION = """
saver = tf.compat.v1.train.Saver({'encoder/dense/kernel': kernel, 'encoder/dense/bias': bias})
"""


def test_restore_checkpoint(tf, tmp_path, capsys, caplog):
    old = write_old_checkpoint(str(tmp_path))
    assert checkpoint_keys(old) == {"encoder/dense/bias": (2,), "encoder/dense/kernel": (3, 2)}
    cap, ns = build(tf, RESTORE_GIVEN + RESTORE_SOLUTION)
    # In Jupyter TensorFlow logs "Restoring parameters from <path>" at INFO: not here.
    caplog.set_level(logging.INFO, logger="tensorflow")
    out = passes("restore_checkpoint", cap, capsys, saver=ns["saver"], checkpoint=old)
    assert not [r for r in caplog.records if str(tmp_path) in r.getMessage()]
    assert "'model/encoder/kernel' holds the checkpoint's 'encoder/dense/kernel'" in out
    cap, ns = build(tf, RESTORE_GIVEN + starter("restore_checkpoint"))
    message = fails(
        "restore_checkpoint",
        cap,
        "the Saver asks the checkpoint for 'model/encoder/bias', 'model/encoder/kernel', "
        "which it does not have; its keys are 'encoder/dense/bias', 'encoder/dense/kernel'.",
        saver=ns["saver"],
        checkpoint=old,
    )
    assert str(tmp_path) not in message  # no temporary path in what learners see
    swapped = RESTORE_SOLUTION.replace(
        "'encoder/dense/kernel': kernel", "'encoder/dense/kernel': bias"
    )
    swapped = swapped.replace("'encoder/dense/bias': bias", "'encoder/dense/bias': kernel")
    cap, ns = build(tf, RESTORE_GIVEN + swapped)
    fails(
        "restore_checkpoint",
        cap,
        "'model/encoder/kernel' now holds the checkpoint's 'encoder/dense/bias' (shape (2,)), "
        "not 'encoder/dense/kernel'",
        saver=ns["saver"],
        checkpoint=old,
    )
    fails(
        "restore_checkpoint",
        cap,
        "saver should be a tf.compat.v1.train.Saver, not dict",
        saver={},
        checkpoint=old,
    )
    fails(
        "restore_checkpoint",
        cap,
        "there is no checkpoint where `checkpoint` points",
        saver=ns["saver"],
        checkpoint=str(tmp_path / "missing"),
    )
    partial = "saver = tf.compat.v1.train.Saver({'encoder/dense/kernel': kernel})\n"
    cap, ns = build(tf, RESTORE_GIVEN + partial)
    fails(
        "restore_checkpoint",
        cap,
        "'model/encoder/bias' was not restored",
        saver=ns["saver"],
        checkpoint=old,
    )


MOVE_GIVEN = """
import keras
import scopekit.checkpoint

model = keras.Sequential([
    keras.Input((4,)),
    keras.layers.Dense(4, activation='relu', name='hidden1'),
    keras.layers.Dense(4, activation='relu', name='hidden2'),
    keras.layers.Dense(3, name='logits'),
], name='mlp')
"""
MOVE_SOLUTION = """
moving = scopekit.checkpoint.plan(tf1_checkpoint, model)
moving.apply(overrides={
    'mlp/hidden1/kernel': 'mlp/fc/weights', 'mlp/hidden1/bias': 'mlp/fc/biases',
    'mlp/hidden2/kernel': 'mlp/fc_1/weights', 'mlp/hidden2/bias': 'mlp/fc_1/biases',
})
"""


def _moving(code, checkpoint):
    """Code that reads the checkpoint path as the notebook's `tf1_checkpoint`."""
    return f"tf1_checkpoint = {checkpoint!r}\n" + code


def test_move_checkpoint(tf, tmp_path, capsys):
    ckpt = write_tf1_mlp_checkpoint(str(tmp_path))
    # The oracle: TensorFlow's own reader, and a forward pass written here in numpy.
    reader = tf.train.load_checkpoint(ckpt)
    cap, ns = build(tf, _moving(MOVE_GIVEN + MOVE_SOLUTION, ckpt), eager=True)
    assert cap.error is None, cap.error
    layers = {layer.name: layer for layer in ns["model"].layers}
    for layer, old in (("hidden1", "fc"), ("hidden2", "fc_1"), ("logits", "logits")):
        np.testing.assert_array_equal(
            layers[layer].kernel.numpy(), reader.get_tensor(f"mlp/{old}/weights")
        )
    out = passes("move_checkpoint", cap, capsys, model=ns["model"], checkpoint=ckpt)
    assert "'hidden2/kernel' holds the checkpoint's 'mlp/fc_1/weights'" in out
    assert "computes what the TF1 model computed" in out
    # The starter plans but loads nothing: every weight is still its initial value.
    cap, ns = build(tf, _moving(MOVE_GIVEN + starter("move_checkpoint"), ckpt), eager=True)
    assert cap.error is None, cap.error
    message = fails(
        "move_checkpoint",
        cap,
        "'hidden1/kernel' holds no value of the checkpoint (still its initial value?)",
        model=ns["model"],
        checkpoint=ckpt,
    )
    assert str(tmp_path) not in message
    fails(
        "move_checkpoint",
        cap,
        "there is no checkpoint where `checkpoint` points",
        model=ns["model"],
        checkpoint=str(tmp_path / "missing"),
    )

    # A model whose variables live in a graph has no value to compare: a verdict, no crash.
    class GraphModel(tf.Module):
        def __call__(self, x):
            return x

    with tf.Graph().as_default():
        graph_model = GraphModel()
        graph_model.kernel = tf.Variable(tf.zeros((4, 4)), name="hidden1/kernel")
    fails(
        "move_checkpoint",
        cap,
        "'hidden1/kernel' has no value to read here",
        model=graph_model,
        checkpoint=ckpt,
    )
    # The hidden layers swapped: every weight holds a checkpoint value, the wrong one.
    code, _ = WRONG_ANSWERS["move_checkpoint"]["the hidden layers swapped in the overrides"]
    cap, ns = build(tf, _moving(code, ckpt), eager=True)
    fails(
        "move_checkpoint",
        cap,
        "'hidden1/kernel' holds the checkpoint's 'mlp/fc_1/weights', not 'mlp/fc/weights'",
        "'hidden2/bias' holds the checkpoint's 'mlp/fc/biases', not 'mlp/fc_1/biases'",
        model=ns["model"],
        checkpoint=ckpt,
    )
    # apply() without overrides refuses the ambiguous layers and loads nothing.
    refused = MOVE_GIVEN + "scopekit.checkpoint.plan(tf1_checkpoint, model).apply()\n"
    cap, ns = build(tf, _moving(refused, ckpt), eager=True)
    fails(
        "move_checkpoint",
        cap,
        "the cell still raises PlanError",
        model=ns["model"],
        checkpoint=ckpt,
    )
    # The same right code run in graph mode is refused in words.
    cap, ns = build(tf, "x = tf.constant(1.0)")
    fails(
        "move_checkpoint", cap, "run it with `%%scopes -o cap --eager`", model=None, checkpoint=ckpt
    )


def test_move_checkpoint_values_differ_between_keys(tmp_path):
    # Otherwise a swapped layer could hold "the right value" by accident.
    ckpt = write_tf1_mlp_checkpoint(str(tmp_path))
    assert checkpoint_keys(ckpt) == {
        "mlp/fc/biases": (4,),
        "mlp/fc/weights": (4, 4),
        "mlp/fc_1/biases": (4,),
        "mlp/fc_1/weights": (4, 4),
        "mlp/logits/biases": (3,),
        "mlp/logits/weights": (4, 3),
    }
    assert not np.array_equal(
        checkpoint_value(ckpt, "mlp/fc/weights"), checkpoint_value(ckpt, "mlp/fc_1/weights")
    )
    assert not (tmp_path / "tf1_mlp.meta").exists()  # nothing records the creation order


# Other right answers pass too: the checks judge what the graph is, not how it was written.
OTHER_SIAMESE = {
    "reuse_variables": """
with tf.compat.v1.variable_scope('shared') as scope:
    left = tower(left_in)
    scope.reuse_variables()
    right = tower(right_in)
""",
    "auto_reuse": """
for side in ('left', 'right'):
    with tf.compat.v1.variable_scope('tower', reuse=tf.compat.v1.AUTO_REUSE):
        globals()[side] = tower(globals()[side + '_in'])
""",
}


@pytest.mark.parametrize("variant", sorted(OTHER_SIAMESE))
def test_siamese_other_right_answers(tf, capsys, variant):
    cap, ns = build(tf, SIAMESE_GIVEN + OTHER_SIAMESE[variant])
    passes("siamese", cap, capsys, left=ns["left"], right=ns["right"])


def test_reopened_scope_by_its_full_name(tf, capsys):
    code = REOPEN_SOLUTION.replace("name_scope(scope)", "name_scope('my_scope/')")
    cap, _ = build(tf, code)
    passes("reopened_scope", cap, capsys)


def test_mlp_with_a_loop_over_layer_names(tf, capsys):
    loop = """
h = x
with tf.compat.v1.variable_scope('mlp'):
    for name, units, act in [('hidden1', 8, tf.nn.relu), ('hidden2', 8, tf.nn.relu),
                             ('logits', 3, None)]:
        with tf.compat.v1.variable_scope(name):
            h = dense(h, units, act)
logits = h
"""
    cap, ns = build(tf, MLP_GIVEN + loop)
    passes("mlp_keys", cap, capsys, logits=ns["logits"])


# ---------------------------------------------------------------------------
# Wrong answers a learner plausibly writes: none may be "Solved". Each entry is
# (code run under the capture, the check's keyword answers from the namespace).
# One unusual right answer per exercise must be Solved: the checks judge what the
# graph is and does, not how it was written.

PREDICT_RIGHT = {"a": "outer/a", "b": "inner/b", "c": "outer/inner/c"}

WRONG_ANSWERS = {
    "predict_names": {
        "b follows the name scope": (
            PREDICT_GIVEN,
            lambda ns: {"predicted": {**PREDICT_RIGHT, "b": "outer/inner/b"}},
        ),
        "c follows the variable scope": (
            PREDICT_GIVEN,
            lambda ns: {"predicted": {**PREDICT_RIGHT, "c": "inner/c"}},
        ),
        "a inside inner": (
            PREDICT_GIVEN,
            lambda ns: {"predicted": {**PREDICT_RIGHT, "a": "outer/inner/a"}},
        ),
        "tensor name with :0": (
            PREDICT_GIVEN,
            lambda ns: {"predicted": {**PREDICT_RIGHT, "c": "outer/inner/c:0"}},
        ),
    },
    "variable_vs_get_variable": {
        "answers swapped": (
            VS_SOLUTION.replace(
                '"name scope", "get_variable": "variable scope"',
                '"variable scope", "get_variable": "name scope"',
            ),
            lambda ns: {"answer": ns["answer"]},
        ),
        "only a variable scope, same prefix": (
            """
with tf.compat.v1.variable_scope('inner'):
    v = tf.Variable(0.0, name='v')
    w = tf.compat.v1.get_variable('w', shape=())
answer = {"tf.Variable": "name scope", "get_variable": "variable scope"}
""",
            lambda ns: {"answer": ns["answer"]},
        ),
        "different with blocks": (
            """
with tf.compat.v1.name_scope('outer'):
    v = tf.Variable(0.0, name='v')
with tf.compat.v1.variable_scope('inner'):
    w = tf.compat.v1.get_variable('w', shape=())
answer = {"tf.Variable": "name scope", "get_variable": "variable scope"}
""",
            lambda ns: {"answer": ns["answer"]},
        ),
    },
    "reopened_scope": {
        "the starter": (starter("reopened_scope"), lambda ns: {}),
        "variable_scope twice": (
            starter("reopened_scope").replace("name_scope", "variable_scope"),
            lambda ns: {},
        ),
        "blocks merged": (
            "with tf.compat.v1.name_scope('my_scope'):\n"
            "    a = tf.constant(1.0, name='a')\n"
            "    b = tf.constant(2.0, name='b')\n",
            lambda ns: {},
        ),
        "second block at the top level": (
            "with tf.compat.v1.name_scope('my_scope'):\n"
            "    a = tf.constant(1.0, name='a')\n"
            "with tf.compat.v1.name_scope(None):\n"
            "    b = tf.constant(2.0, name='b')\n",
            lambda ns: {},
        ),
    },
    "already_exists": {
        "reuse=True on the second call": (
            """
def dense(x, units, calls=[0]):
    calls[0] += 1
    with tf.compat.v1.variable_scope('dense', reuse=calls[0] > 1):
        kernel = tf.compat.v1.get_variable(
            'kernel', shape=(x.shape[-1], units), initializer=tf.compat.v1.ones_initializer())
        return tf.matmul(x, kernel)
"""
            + DENSE_USE,
            lambda ns: {},
        ),
        "tf.Variable instead of get_variable": (
            """
def dense(x, units):
    with tf.compat.v1.variable_scope('dense'):
        kernel = tf.Variable(tf.ones((x.shape[-1], units)), name='kernel')
        return tf.matmul(x, kernel)
"""
            + DENSE_USE,
            lambda ns: {},
        ),
        "kernels transposed": (
            DENSE_SOLUTION.replace(
                "shape=(x.shape[-1], units)", "shape=(units, x.shape[-1])"
            ).replace("tf.matmul(x, kernel)", "tf.matmul(x, kernel, transpose_b=True)")
            + DENSE_USE,
            lambda ns: {},
        ),
        "a name scope instead of a variable scope": (
            DENSE_SOLUTION.replace("variable_scope(None", "name_scope(None") + DENSE_USE,
            lambda ns: {},
        ),
        "AUTO_REUSE shares the kernel": (
            DENSE_SOLUTION.replace(
                "None, default_name='dense'", "'dense', reuse=tf.compat.v1.AUTO_REUSE"
            )
            + DENSE_USE,
            lambda ns: {},
        ),
    },
    "auto_reuse": {
        "reuse=True": (
            EMBED_SOLUTION.replace("tf.compat.v1.AUTO_REUSE", "True") + EMBED_USE,
            lambda ns: {"fn": ns["embed"]},
        ),
        "a new table per call (default_name)": (
            EMBED_SOLUTION.replace(
                "'embedding', reuse=tf.compat.v1.AUTO_REUSE", "None, default_name='embedding'"
            )
            + EMBED_USE,
            lambda ns: {"fn": ns["embed"]},
        ),
        "a Python cache of the first table": (
            """
cache = {}
def embed(ids):
    if 'table' not in cache:
        with tf.compat.v1.variable_scope('embedding'):
            cache['table'] = tf.compat.v1.get_variable(
                'table', shape=(10, 4), initializer=tf.compat.v1.constant_initializer(0.5))
    return tf.nn.embedding_lookup(cache['table'], ids, name='lookup')
"""
            + EMBED_USE,
            lambda ns: {"fn": ns["embed"]},
        ),
        "AUTO_REUSE but a tf.Variable table": (
            EMBED_SOLUTION.replace(
                "tf.compat.v1.get_variable(\n            'table', shape=(10, 4),\n"
                "            initializer=tf.compat.v1.constant_initializer(0.5))",
                "tf.Variable(tf.fill((10, 4), 0.5), name='table')",
            )
            + EMBED_USE,
            lambda ns: {"fn": ns["embed"]},
        ),
    },
    "siamese": {
        "the starter: two kernels": (
            SIAMESE_GIVEN + starter("siamese"),
            lambda ns: {"left": ns["left"], "right": ns["right"]},
        ),
        "three towers": (
            SIAMESE_GIVEN
            + SIAMESE_SOLUTION
            + "with tf.compat.v1.variable_scope('tower', reuse=True):\n"
            + "    third = tower(left_in)\n",
            lambda ns: {"left": ns["left"], "right": ns["right"]},
        ),
        "the right tower fed the left input": (
            SIAMESE_GIVEN + SIAMESE_SOLUTION.replace("tower(right_in)", "tower(left_in)"),
            lambda ns: {"left": ns["left"], "right": ns["right"]},
        ),
        "two scopes with the same initial values": (
            SIAMESE_GIVEN
            + """
# Same initial values, so both towers agree until training moves one of them.
with tf.compat.v1.variable_scope('tower'):
    left = tower(left_in)
with tf.compat.v1.variable_scope('copy'):
    right = tower(right_in)
""",
            lambda ns: {"left": ns["left"], "right": ns["right"]},
        ),
        "one tower passed twice": (
            SIAMESE_GIVEN + SIAMESE_SOLUTION,
            lambda ns: {"left": ns["left"], "right": ns["left"]},
        ),
    },
    "mlp_keys": {
        "the starter: name scopes": (
            MLP_GIVEN + starter("mlp_keys"),
            lambda ns: {"logits": ns["logits"]},
        ),
        "hidden2 with 16 units: right keys, wrong shapes": (
            MLP_GIVEN + MLP_SOLUTION.replace("h2 = dense(h1, 8,", "h2 = dense(h1, 16,"),
            lambda ns: {"logits": ns["logits"]},
        ),
        "a layer one name off (output)": (
            MLP_GIVEN
            + MLP_SOLUTION.replace("variable_scope('logits')", "variable_scope('output')"),
            lambda ns: {"logits": ns["logits"]},
        ),
        "hidden2 skipped in the computation": (
            MLP_GIVEN + MLP_SOLUTION.replace("logits = dense(h2, 3)", "logits = dense(h1, 3)"),
            lambda ns: {"logits": ns["logits"]},
        ),
        "an extra step counter in the checkpoint": (
            MLP_GIVEN + MLP_SOLUTION + "step = tf.compat.v1.train.get_or_create_global_step()\n",
            lambda ns: {"logits": ns["logits"]},
        ),
    },
    "restore_checkpoint": {
        "the starter: default keys": (
            RESTORE_GIVEN + starter("restore_checkpoint"),
            lambda ns: {"saver": ns["saver"]},
        ),
        "keys swapped": (
            RESTORE_GIVEN + "saver = tf.compat.v1.train.Saver("
            "{'encoder/dense/kernel': bias, 'encoder/dense/bias': kernel})\n",
            lambda ns: {"saver": ns["saver"]},
        ),
        "keys without the dense level": (
            RESTORE_GIVEN + "saver = tf.compat.v1.train.Saver("
            "{'encoder/kernel': kernel, 'encoder/bias': bias})\n",
            lambda ns: {"saver": ns["saver"]},
        ),
        "new variables named like the old keys": (
            RESTORE_GIVEN
            + """
with tf.compat.v1.variable_scope('encoder/dense'):
    old_kernel = tf.compat.v1.get_variable('kernel', shape=(3, 2))
    old_bias = tf.compat.v1.get_variable('bias', shape=(2,))
saver = tf.compat.v1.train.Saver([old_kernel, old_bias])
""",
            lambda ns: {"saver": ns["saver"]},
        ),
    },
    "move_checkpoint": {
        "the hidden layers swapped in the overrides": (
            MOVE_GIVEN
            + MOVE_SOLUTION.replace("fc_1/", "OTHER/")
            .replace("fc/", "fc_1/")
            .replace("OTHER/", "fc/"),
            lambda ns: {"model": ns["model"]},
        ),
        "one suffix off: both hidden layers read fc_1, key fc unused": (
            MOVE_GIVEN
            + """
reader = tf.train.load_checkpoint(tf1_checkpoint)
old = {'hidden1': 'fc_1', 'hidden2': 'fc_1', 'logits': 'logits'}  # meant fc, fc_1
for layer in model.layers:
    layer.kernel.assign(reader.get_tensor(f'mlp/{old[layer.name]}/weights'))
    layer.bias.assign(reader.get_tensor(f'mlp/{old[layer.name]}/biases'))
""",
            lambda ns: {"model": ns["model"]},
        ),
        "kernels loaded by hand, biases left at their initial value": (
            MOVE_GIVEN
            + """
reader = tf.train.load_checkpoint(tf1_checkpoint)
old = {'hidden1': 'fc', 'hidden2': 'fc_1', 'logits': 'logits'}
for layer in model.layers:
    layer.kernel.assign(reader.get_tensor(f'mlp/{old[layer.name]}/weights'))
""",
            lambda ns: {"model": ns["model"]},
        ),
        "Keras auto-names instead of hidden1, hidden2, logits": (
            MOVE_GIVEN.replace(", name='hidden1'", "")
            .replace(", name='hidden2'", "")
            .replace(", name='logits'", "")
            + """
names = [w.path for w in model.weights]
moving = scopekit.checkpoint.plan(tf1_checkpoint, model)
moving.apply(overrides={
    names[0]: 'mlp/fc/weights', names[1]: 'mlp/fc/biases',
    names[2]: 'mlp/fc_1/weights', names[3]: 'mlp/fc_1/biases',
})
""",
            lambda ns: {"model": ns["model"]},
        ),
        "no relu: the right weights in another model": (
            MOVE_GIVEN.replace("activation='relu', ", "") + MOVE_SOLUTION,
            lambda ns: {"model": ns["model"]},
        ),
    },
}

UNUSUAL_RIGHT_ANSWERS = {
    "predict_names": (
        PREDICT_GIVEN + "import types\npredicted = types.MappingProxyType("
        "{'c': 'outer/inner/c', 'b': 'inner/b', 'a': 'outer/a', 'note': 'ignored'})\n",
        lambda ns: {"predicted": ns["predicted"]},
    ),
    "variable_vs_get_variable": (
        # No name scope of its own: the variable scope alone gives get_variable a prefix.
        """
with tf.compat.v1.variable_scope('inner', auxiliary_name_scope=False):
    v = tf.Variable(0.0, name='v')
    w = tf.compat.v1.get_variable('w', shape=())
answer = {"tf.Variable": "Name_Scope", "get_variable": " variable scope "}
""",
        lambda ns: {"answer": ns["answer"]},
    ),
    "reopened_scope": (
        "with tf.compat.v1.name_scope('my_scope'):\n"
        "    a = tf.constant(1.0, name='a')\n"
        "with tf.compat.v1.name_scope(a.op.name.rpartition('/')[0] + '/'):\n"
        "    b = tf.constant(2.0, name='b')\n",
        lambda ns: {},
    ),
    "already_exists": (
        """
import itertools
numbers = itertools.count()
def dense(x, units):
    with tf.compat.v1.variable_scope(f'layer{next(numbers)}'):
        kernel = tf.compat.v1.get_variable(
            'kernel', shape=(x.shape[-1], units), initializer=tf.compat.v1.ones_initializer())
        return tf.matmul(x, kernel)
"""
        + DENSE_USE,
        lambda ns: {},
    ),
    "auto_reuse": (
        # AUTO_REUSE on an outer scope, inherited by 'embedding'.
        """
def embed(ids):
    with tf.compat.v1.variable_scope('model', reuse=tf.compat.v1.AUTO_REUSE):
        with tf.compat.v1.variable_scope('embedding'):
            table = tf.compat.v1.get_variable(
                'table', shape=(10, 4), initializer=tf.compat.v1.constant_initializer(0.5))
    return tf.nn.embedding_lookup(table, ids, name='lookup')
"""
        + EMBED_USE,
        lambda ns: {"fn": ns["embed"]},
    ),
    "siamese": (
        SIAMESE_GIVEN
        + """
shared_tower = tf.compat.v1.make_template('tower', tower)
left = shared_tower(left_in)
right = shared_tower(right_in)
""",
        lambda ns: {"left": ns["left"], "right": ns["right"]},
    ),
    "mlp_keys": (
        MLP_GIVEN
        + """
h = x
layers = [('hidden1', 8, tf.nn.relu), ('hidden2', 8, tf.nn.relu), ('logits', 3, None)]
for name, units, act in layers:
    with tf.compat.v1.variable_scope('mlp/' + name):
        h = dense(h, units, act)
logits = h
""",
        lambda ns: {"logits": ns["logits"]},
    ),
    "restore_checkpoint": (
        RESTORE_GIVEN
        + """
saver = tf.compat.v1.train.Saver({
    v.op.name.replace('model/encoder/', 'encoder/dense/'): v
    for v in tf.compat.v1.global_variables()
})
""",
        lambda ns: {"saver": ns["saver"]},
    ),
    "move_checkpoint": (
        # Not Keras: a tf.Module of plain tf.Variables, planned as a list of variables
        # and settled by the variables themselves (their .ref()), not by their names.
        """
import scopekit.checkpoint

class MLP(tf.Module):
    def __init__(self):
        super().__init__(name='mlp')
        self.layers = []
        for name, shape in (('hidden1', (4, 4)), ('hidden2', (4, 4)), ('logits', (4, 3))):
            kernel = tf.Variable(tf.zeros(shape), name=f'{name}/kernel')
            bias = tf.Variable(tf.zeros(shape[1:]), name=f'{name}/bias')
            self.layers.append((kernel, bias))

    def __call__(self, x):
        for i, (kernel, bias) in enumerate(self.layers):
            x = x @ kernel + bias
            if i < 2:
                x = tf.nn.relu(x)
        return x

model = MLP()
(k1, b1), (k2, b2), _ = model.layers
scopekit.checkpoint.plan(tf1_checkpoint, list(model.variables)).apply(overrides={
    k2.ref(): 'mlp/fc_1/weights', b2.ref(): 'mlp/fc_1/biases',
    k1.ref(): 'mlp/fc/weights', b1.ref(): 'mlp/fc/biases',
})
""",
        lambda ns: {"model": ns["model"]},
    ),
}


def test_every_exercise_has_three_wrong_answers_and_an_unusual_right_one():
    for exercise_id in EXERCISES:
        assert len(WRONG_ANSWERS[exercise_id]) >= 3, exercise_id
        assert exercise_id in UNUSUAL_RIGHT_ANSWERS, exercise_id


def _with_checkpoint(exercise_id, answers, tmp_path):
    if exercise_id == "restore_checkpoint":
        answers = {**answers, "checkpoint": write_old_checkpoint(str(tmp_path))}
    if exercise_id == "move_checkpoint":
        answers = {**answers, "checkpoint": _tf1_checkpoint(tmp_path)}
    return answers


def _tf1_checkpoint(tmp_path):
    """The TF1 checkpoint of exercise 9, written once per test directory."""
    prefix = tmp_path / "tf1_mlp"
    if not (tmp_path / "tf1_mlp.index").exists():
        assert write_tf1_mlp_checkpoint(str(tmp_path)) == str(prefix)
    return str(prefix)


def _build_for(tf, exercise_id, code, tmp_path):
    """Build an exercise's cell as the notebook runs it (eager or graph, with its checkpoint)."""
    if exercise_id == "move_checkpoint":
        namespace = {"tf1_checkpoint": _tf1_checkpoint(tmp_path)}
        return build(tf, code, namespace, eager=True)
    return build(tf, code)


@pytest.mark.parametrize(
    "exercise_id, label",
    [(e, label) for e, answers in WRONG_ANSWERS.items() for label in answers],
)
def test_a_plausible_wrong_answer_is_not_solved(tf, tmp_path, exercise_id, label):
    code, answers = WRONG_ANSWERS[exercise_id][label]
    cap, ns = _build_for(tf, exercise_id, code, tmp_path)
    fails(exercise_id, cap, **_with_checkpoint(exercise_id, answers(ns), tmp_path))


@pytest.mark.parametrize("exercise_id", sorted(UNUSUAL_RIGHT_ANSWERS))
def test_an_unusual_right_answer_is_solved(tf, tmp_path, capsys, exercise_id):
    code, answers = UNUSUAL_RIGHT_ANSWERS[exercise_id]
    cap, ns = _build_for(tf, exercise_id, code, tmp_path)
    assert cap.error is None, cap.error
    passes(exercise_id, cap, capsys, **_with_checkpoint(exercise_id, answers(ns), tmp_path))


SOLVED_CELLS = {
    "predict_names": (PREDICT_GIVEN, {"predicted": PREDICT_RIGHT}),
    "variable_vs_get_variable": (VS_SOLUTION, {"answer": "answer"}),
    "reopened_scope": (REOPEN_SOLUTION, {}),
    "already_exists": (DENSE_SOLUTION + DENSE_USE, {}),
    "auto_reuse": (EMBED_SOLUTION + EMBED_USE, {"fn": "embed"}),
    "siamese": (SIAMESE_GIVEN + SIAMESE_SOLUTION, {"left": "left", "right": "right"}),
    "mlp_keys": (MLP_GIVEN + MLP_SOLUTION, {"logits": "logits"}),
    "restore_checkpoint": (RESTORE_GIVEN + RESTORE_SOLUTION, {"saver": "saver"}),
    "move_checkpoint": (MOVE_GIVEN + MOVE_SOLUTION, {"model": "model"}),
}


def _wrong_values(tf, cap):
    """Arguments of the wrong type, as a learner passes them by mistake."""
    # An eager cell has no graph: the shapeless tensors come from a graph of their own.
    with (cap.graph or tf.Graph()).as_default():
        no_shape = tf.compat.v1.placeholder(tf.float32, None, name="no_shape")
        no_shape_variable = tf.compat.v1.get_variable(
            "no_shape_variable", initializer=tf.zeros((2,)), validate_shape=False
        )
    return {
        "None": None,
        "a list": [1, 2],
        "a list of a tensor": [no_shape],
        "a dict of lists": {"a": ["outer/a"], "tf.Variable": []},
        "a tensor without a known shape": no_shape,
        "a variable without a known shape": no_shape_variable,
        "the capture": cap,
    }


@pytest.mark.parametrize("exercise_id", sorted(SOLVED_CELLS))
def test_wrong_typed_answers_get_a_verdict_never_a_crash(tf, tmp_path, exercise_id):
    code, given = SOLVED_CELLS[exercise_id]
    cap, ns = _build_for(tf, exercise_id, code, tmp_path)
    right = {k: ns[v] if isinstance(v, str) else v for k, v in given.items()}
    right = _with_checkpoint(exercise_id, right, tmp_path)
    wrong_values = _wrong_values(tf, cap)
    for name in right:
        for label, wrong in wrong_values.items():
            try:
                check(exercise_id, cap, **{**right, name: wrong})
            except ExerciseNotSolved:
                continue  # a verdict in words
            except TypeError as error:  # only check()'s own, friendly one
                assert "check(" in str(error) or "should be" in str(error), (label, error)
                continue
            raise AssertionError(f"{exercise_id}: {name}={label} was Solved")


def test_check_refuses_bad_calls_in_words(tf):
    cap, ns = build(tf, SIAMESE_GIVEN + SIAMESE_SOLUTION)
    with pytest.raises(TypeError, match=r"check\('siamese', cap, left=<.*colour not expected"):
        check("siamese", cap, left=ns["left"], right=ns["right"], colour="red")
    with pytest.raises(TypeError, match="missing right.*colour not expected"):
        check("siamese", cap, left=ns["left"], colour="red")
    for wrong_id in (None, ["siamese"], 6):
        with pytest.raises(TypeError, match="the exercise id should be a string such as"):
            check(wrong_id, cap)
    for wrong_capture in (None, [cap], ns["left"]):
        with pytest.raises(TypeError, match="needs the Capture of your cell"):
            check("siamese", wrong_capture, left=ns["left"], right=ns["right"])
