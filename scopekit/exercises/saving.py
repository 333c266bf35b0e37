"""Saving real TF1 checkpoints for the exercise checks, and reading their keys back.

Everything is written with ``tf.compat.v1.train.Saver`` into a directory the
caller gives (a temporary one in notebooks and tests), so no path is printed.
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Dict, Tuple

import numpy as np

from ..hooks import import_tensorflow
from ..session_run import session_config

# What the model looked like before the refactor: its keys and the values saved.
OLD_VALUES: Dict[str, np.ndarray] = {
    "encoder/dense/kernel": np.arange(6, dtype=np.float32).reshape(3, 2) / 10,
    "encoder/dense/bias": np.array([0.5, -0.5], dtype=np.float32),
}


@contextlib.contextmanager
def quiet_checkpoint_logs():
    """Silence TensorFlow's INFO lines ("Restoring parameters from <path>").

    In Jupyter TensorFlow logs at INFO to stdout; those lines carry the temporary
    checkpoint path, which must not land in a notebook's outputs.
    """
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def write_old_checkpoint(directory: str) -> str:
    """Save the pre-refactor model (``encoder/dense/kernel`` and ``/bias``) in ``directory``.

    Returns the checkpoint prefix to pass to ``Saver.restore``.
    """
    tf = import_tensorflow()
    graph = tf.Graph()
    with graph.as_default():
        with tf.compat.v1.variable_scope("encoder"), tf.compat.v1.variable_scope("dense"):
            for key, value in OLD_VALUES.items():
                tf.compat.v1.get_variable(key.rpartition("/")[2], initializer=tf.constant(value))
        saver = tf.compat.v1.train.Saver()
        with (
            tf.compat.v1.Session(graph=graph, config=session_config()) as session,
            quiet_checkpoint_logs(),
        ):
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, os.path.join(directory, "old_model"))


def checkpoint_keys(path: str) -> Dict[str, Tuple[int, ...]]:
    """The keys a checkpoint holds, with their shapes, sorted by key."""
    tf = import_tensorflow()
    return {key: tuple(shape) for key, shape in sorted(tf.train.list_variables(path))}


def checkpoint_value(path: str, key: str) -> np.ndarray:
    """The value stored under ``key``."""
    tf = import_tensorflow()
    return tf.train.load_checkpoint(path).get_tensor(key)


def save_graph_variables(graph, directory: str) -> str:
    """Save every global variable of ``graph`` with a fresh Saver; return the prefix.

    The variables are initialized first, so this works on any graph a cell built.
    """
    tf = import_tensorflow()
    with graph.as_default():
        variables = tf.compat.v1.global_variables()
        saver = tf.compat.v1.train.Saver(variables)
        with (
            tf.compat.v1.Session(graph=graph, config=session_config()) as session,
            quiet_checkpoint_logs(),
        ):
            session.run(tf.compat.v1.variables_initializer(variables))
            return saver.save(session, os.path.join(directory, "model"))


# The TF1 model exercise 9 moves into Keras 3: an MLP 4 -> 4 -> 4 -> 3 whose two
# hidden layers were auto-named 'fc' and 'fc_1' (in that order, first the input's).
TF1_MLP_SHAPES: Dict[str, Tuple[int, ...]] = {
    "mlp/fc/weights": (4, 4),
    "mlp/fc/biases": (4,),
    "mlp/fc_1/weights": (4, 4),
    "mlp/fc_1/biases": (4,),
    "mlp/logits/weights": (4, 3),
    "mlp/logits/biases": (3,),
}


def write_tf1_mlp_checkpoint(directory: str, seed: int = 9) -> str:
    """Save the TF1 MLP of exercise 9 in ``directory`` with random values; return the prefix.

    The values come from ``numpy.random.default_rng(seed)``, so they are known but
    no two keys hold the same one. Only ``.index`` and ``.data`` files are written
    (no ``.meta``), as when a model is shipped without its graph: nothing records
    which hidden layer was created first.
    """
    tf = import_tensorflow()
    rng = np.random.default_rng(seed)
    graph = tf.Graph()
    with graph.as_default():
        for key, shape in TF1_MLP_SHAPES.items():
            scope, _, name = key.rpartition("/")
            with tf.compat.v1.variable_scope(scope):
                value = rng.standard_normal(shape).astype(np.float32)
                tf.compat.v1.get_variable(name, initializer=tf.constant(value))
        saver = tf.compat.v1.train.Saver()
        with (
            tf.compat.v1.Session(graph=graph, config=session_config()) as session,
            quiet_checkpoint_logs(),
        ):
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, os.path.join(directory, "tf1_mlp"), write_meta_graph=False)
