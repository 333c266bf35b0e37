"""Reading a checkpoint: its keys, shapes, dtypes, what each key holds, and its order.

Both checkpoint formats are read:

* name-based (``tf.compat.v1.train.Saver``): the keys are variable names. The
  ``.meta`` file a Saver writes beside the checkpoint (unless
  ``write_meta_graph=False``) lists the variables in creation order; that order
  is read when the file is there.
* object-based (``tf.train.Checkpoint``): keys are object paths such as
  ``model/layer/kernel/.ATTRIBUTES/VARIABLE_VALUE``. The checkpoint's object
  graph also records the variable name each key was saved from (its
  ``saved_name`` here) and, through its node order, the order of the objects.

Reading uses TensorFlow's public checkpoint reader and the object graph / meta
graph protocol buffers whose schemas ship with TensorFlow. No path of the
checkpoint's directory is put in a message, only its file name, so notebook
outputs do not depend on a temporary directory.
"""

from __future__ import annotations

import os
import re
from typing import List, NamedTuple, Optional, Tuple

OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"

# What a key holds: a model weight, an optimizer's state, or a training counter.
WEIGHT, OPTIMIZER, COUNTER = "weight", "optimizer", "counter"

# TF1 optimizers name their slots after themselves (kernel/Adam, kernel/Adam_1,
# kernel/Momentum); ExponentialMovingAverage names its shadow copies the same way.
_SLOT = re.compile(
    r"^(Adam|AdamW|Adamax|Nadam|LazyAdam|Momentum|RMSProp|Adagrad|AdagradDA|"
    r"ProximalAdagrad|Adadelta|Ftrl|ExponentialMovingAverage)(_\d+)?$"
)
_SLOT_TAIL = re.compile("/" + _SLOT.pattern[1:])  # the slot name as a last component
# Adam's running powers of beta1/beta2 sit at the top level, beside the slots.
_OPTIMIZER_ROOT = re.compile(r"^beta[12]_power(_\d+)?$")
_COUNTERS = {"global_step", "save_counter"}
_OPTIMIZER_PARTS = ("_iterations/", "_learning_rate/", "_variables/")


class CheckpointReadError(ValueError):
    """The file is there but TensorFlow cannot read it as a checkpoint."""


class CheckpointKey(NamedTuple):
    """One variable value stored in a checkpoint.

    ``key`` is what ``tf.train.load_checkpoint(...).get_tensor`` takes;
    ``saved_name`` the variable name it was saved from (the key itself in a
    name-based checkpoint); ``dtype`` the dtype's name ("" when read with
    ``read_checkpoint(..., dtypes=False)``, as compare and plan do); ``holds`` is
    ``"weight"``, ``"optimizer"`` (a slot, Adam's beta powers, a moving-average
    shadow) or ``"counter"`` (``global_step``, ``save_counter``); ``order`` its
    place in creation order, None when the checkpoint does not record it.
    """

    key: str
    saved_name: str
    shape: tuple
    dtype: str = ""
    holds: str = WEIGHT
    order: Optional[int] = None
    object_slot: bool = False  # a tf.train.Checkpoint optimizer slot (.OPTIMIZER_SLOT)


def what_it_holds(name: str) -> str:
    """'weight', 'optimizer' or 'counter' for a variable or key name."""
    if "/" not in name:
        if name in _COUNTERS:
            return COUNTER
        return OPTIMIZER if _OPTIMIZER_ROOT.match(name) else WEIGHT
    return OPTIMIZER if _SLOT_TAIL.search(name) else WEIGHT


def resolve_checkpoint(path) -> str:
    """The checkpoint prefix for ``path`` (a prefix, a directory, or a data/index file).

    Raises FileNotFoundError with what was looked for and what to pass instead.
    """
    import tensorflow as tf

    path = os.fspath(path)
    if os.path.isdir(path):
        latest = tf.train.latest_checkpoint(path)
        if latest:
            return latest
        prefixes = sorted(
            name[: -len(".index")] for name in os.listdir(path) if name.endswith(".index")
        )
        if len(prefixes) == 1:
            return os.path.join(path, prefixes[0])
        found = ", ".join(prefixes) if prefixes else "none"
        raise FileNotFoundError(
            f"No single checkpoint in the directory {os.path.basename(path)!r} (checkpoints "
            f"found: {found}). Pass the checkpoint prefix, e.g. the path that "
            "Saver.save or Checkpoint.write returned."
        )
    for suffix in (".index", ".meta"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    path = re.sub(r"\.data-\d{5}-of-\d{5}$", "", path)
    if not os.path.exists(path + ".index"):
        raise FileNotFoundError(
            f"No checkpoint at {os.path.basename(path)!r}: there is no "
            f"{os.path.basename(path)}.index file. Pass the prefix that Saver.save or "
            "Checkpoint.write returned (without .index), or the directory holding it."
        )
    return path


def open_reader(prefix: str):
    """TensorFlow's checkpoint reader for ``prefix``, or a CheckpointReadError."""
    import tensorflow as tf

    try:
        return tf.train.load_checkpoint(prefix)
    except (tf.errors.OpError, ValueError) as error:
        raise CheckpointReadError(
            f"TensorFlow cannot read the checkpoint {os.path.basename(prefix)!r} "
            f"({type(error).__name__}): its .index or .data files are damaged or "
            "incomplete. Save it again, or copy all of its files (.index and every "
            ".data-*) together."
        ) from None


def check_readable(path) -> str:
    """The checkpoint prefix for ``path``, once TensorFlow has read its index.

    For checking a checkpoint before running anything that needs it: raises
    FileNotFoundError (nothing there) or CheckpointReadError (damaged), each saying
    what to do.
    """
    prefix = resolve_checkpoint(path)
    try:
        open_reader(prefix).get_variable_to_shape_map()
    except CheckpointReadError:
        raise
    except Exception as error:  # noqa: BLE001 - any reader failure means a bad file
        raise CheckpointReadError(
            f"TensorFlow cannot list the checkpoint {os.path.basename(prefix)!r}: {error}"
        ) from None
    return prefix


def read_checkpoint(path, dtypes: bool = True) -> Tuple[str, str, List[CheckpointKey]]:
    """(prefix, format, keys): every variable value of a checkpoint, sorted by key.

    ``dtypes=False`` skips reading the dtypes (a noticeable share of the time on
    checkpoints with tens of thousands of keys).
    """
    prefix = resolve_checkpoint(path)
    reader = open_reader(prefix)
    try:
        shapes = reader.get_variable_to_shape_map()
        dtype_names = _dtype_names(reader) if dtypes else {}
    except Exception as error:  # noqa: BLE001 - any reader failure means a bad file
        raise CheckpointReadError(
            f"TensorFlow cannot list the checkpoint {os.path.basename(prefix)!r}: {error}"
        ) from None
    if OBJECT_GRAPH_KEY not in shapes:
        order = _meta_graph_order(prefix)
        keys = [
            CheckpointKey(
                k,
                k,
                tuple(s),
                dtype_names.get(k, ""),
                what_it_holds(k),
                order.get(k),
            )
            for k, s in shapes.items()
        ]
        return prefix, "name-based", sorted(keys, key=lambda k: k.key)
    return prefix, "object-based", _object_keys(reader, shapes, dtype_names)


def _dtype_names(reader) -> dict:
    """{key: dtype name}."""
    return {key: dtype.name for key, dtype in reader.get_variable_to_dtype_map().items()}


def _object_keys(reader, shapes, dtype_names) -> List[CheckpointKey]:
    from tensorflow.core.protobuf import trackable_object_graph_pb2

    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    try:
        graph.ParseFromString(reader.get_tensor(OBJECT_GRAPH_KEY))
    except Exception as error:  # noqa: BLE001 - a damaged object graph
        raise CheckpointReadError(f"The checkpoint's object graph is damaged: {error}") from None
    found = []
    for node in graph.nodes:
        for attribute in node.attributes:
            key = attribute.checkpoint_key
            # Variable values only: Python state and the object graph are not variables.
            if key.endswith(VALUE_SUFFIX) and key in shapes:
                found.append((key, attribute.full_name or key[: -len(VALUE_SUFFIX)]))
    # A Keras 3 optimizer tracks its own state under _iterations, _learning_rate and
    # _variables; the weights it trains (_trainable_variables) are the model's.
    roots = {key.split("/_iterations/")[0] for key, _ in found if "/_iterations/" in key}
    own = tuple(f"{root}/{part}" for root in roots for part in _OPTIMIZER_PARTS)
    keys = []
    for key, saved in found:
        slot = ".OPTIMIZER_SLOT" in key
        holds = OPTIMIZER if slot or key.startswith(own) else what_it_holds(saved)
        keys.append(
            CheckpointKey(
                key, saved, tuple(shapes[key]), dtype_names.get(key, ""), holds, len(keys), slot
            )
        )
    return sorted(keys, key=lambda k: k.key)


def _meta_graph_order(prefix: str) -> dict:
    """{variable name: creation index} from the Saver's .meta file, {} without one."""
    path = prefix + ".meta"
    if not os.path.exists(path):
        return {}
    from tensorflow.core.framework import variable_pb2
    from tensorflow.core.protobuf import meta_graph_pb2

    meta = meta_graph_pb2.MetaGraphDef()
    try:
        with open(path, "rb") as file:
            meta.ParseFromString(file.read())
    except Exception:  # noqa: BLE001 - a damaged .meta only loses the order
        return {}
    order: dict = {}
    for collection in ("variables", "local_variables"):
        for raw in meta.collection_def[collection].bytes_list.value:
            variable = variable_pb2.VariableDef()
            variable.ParseFromString(raw)
            name = variable.variable_name.split(":")[0]
            order.setdefault(name, len(order))
    return order
