"""Small programs that test rules the sources state in words.

A sentence such as "get_variable uses the existing variable if it exists" shows no
code; each program here builds the situations such a sentence talks about and keeps
what TensorFlow did in plain values (names, ``"ValueError"``, ``True``), so a prose
claim compares the sentence's prediction (its ``means``) with one of them. Several
sources state the same rule; they share the program, each with its own quote.
The programs are scopekit's own.
"""

from __future__ import annotations

GET_OR_CREATE = """\
v = tf.compat.v1.get_variable("v", [1])  # "v" does not exist yet: created
try:
    again = tf.compat.v1.get_variable("v", [1])  # asked again, default reuse
except ValueError:
    again = "ValueError"
with tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope(), reuse=True):
    fetched = tf.compat.v1.get_variable("v", [1])  # asked again, reuse=True
    try:
        missing = tf.compat.v1.get_variable("never_made", [1])
    except ValueError:
        missing = "ValueError"
with tf.compat.v1.variable_scope("auto", reuse=tf.compat.v1.AUTO_REUSE):
    auto_first = tf.compat.v1.get_variable("w", [1])  # AUTO_REUSE: created
    auto_again = tf.compat.v1.get_variable("w", [1])  # AUTO_REUSE: fetched
"""

NEW_EVERY_TIME = """\
first = tf.Variable(1.0, name="w")
second = tf.Variable(1.0, name="w")
new_every_time = (first is not second, first.name, second.name)
"""

BOTH_SCOPES = """\
with tf.name_scope("ns"):
    ns_variable = tf.Variable(1.0, name="w")
    ns_got = tf.compat.v1.get_variable("g", [1])
    ns_op = tf.add(ns_variable, 1.0, name="op")
with tf.compat.v1.variable_scope("vs"):
    vs_variable = tf.Variable(1.0, name="w")
    vs_got = tf.compat.v1.get_variable("g", [1])
    vs_op = tf.add(vs_variable, 1.0, name="op")
with tf.compat.v1.variable_scope("foo"):
    with tf.name_scope("bar"):
        inner_variable = tf.Variable(1.0, name="w")
        inner_got = tf.compat.v1.get_variable("g", [1])
        inner_op = tf.add(inner_variable, 1.0, name="op")
slashed = tf.compat.v1.get_variable("my_scope/var1", [1])  # no scope open at all
"""

REUSE_FLAGS = """\
with tf.compat.v1.variable_scope("layer"):
    with tf.compat.v1.variable_scope("dense"):
        w = tf.compat.v1.get_variable("w", [1])
with tf.compat.v1.variable_scope("layer", reuse=True):
    with tf.compat.v1.variable_scope("dense", reuse=False):  # False inside a reusing scope
        w_false = tf.compat.v1.get_variable("w", [1])
    with tf.compat.v1.variable_scope("dense"):  # reuse=None inside a reusing scope
        w_none = tf.compat.v1.get_variable("w", [1])
try:
    with tf.compat.v1.variable_scope("layer"):
        with tf.compat.v1.variable_scope("dense", reuse=False):
            tf.compat.v1.get_variable("w", [1])
    false_at_top = "no error"
except ValueError:
    false_at_top = "ValueError"
shared = (w_false is w, w_none is w, false_at_top)
"""

SCOPE_DEFAULTS = """\
with tf.compat.v1.variable_scope(None, default_name="block"):
    first_default = tf.compat.v1.get_variable("w", [1])
with tf.compat.v1.variable_scope(None, default_name="block"):
    second_default = tf.compat.v1.get_variable("w", [1])
with tf.compat.v1.variable_scope("named", default_name="block"):
    named = tf.compat.v1.get_variable("w", [1])
default_names = (first_default.name, second_default.name, named.name)

with tf.compat.v1.variable_scope("init", initializer=tf.compat.v1.constant_initializer(3.0)):
    initialised = tf.compat.v1.get_variable("w", [1])
with tf.compat.v1.variable_scope("reg", regularizer=lambda variable: tf.reduce_sum(variable)):
    tf.compat.v1.get_variable("w", [1])
regularisation_losses = len(
    tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.REGULARIZATION_LOSSES)
)
with tf.compat.v1.variable_scope("split", partitioner=tf.compat.v1.fixed_size_partitioner(2)):
    split = tf.compat.v1.get_variable("w", [4])


def renaming_getter(getter, name, *args, **kwargs):
    return getter(name + "_seen", *args, **kwargs)


with tf.compat.v1.variable_scope("got", custom_getter=renaming_getter):
    got = tf.compat.v1.get_variable("w", [1])
with tf.compat.v1.variable_scope("typed", dtype=tf.float64):
    typed = tf.compat.v1.get_variable("w", [1])

with tf.compat.v1.Session() as session:
    session.run(tf.compat.v1.global_variables_initializer())
    initial_value = session.run(initialised).tolist()
"""

OP_SCOPE_GRAPHS = """\
values_graph = tf.Graph()
with values_graph.as_default():
    a = tf.constant(1.0, name="a")
other_graph = tf.Graph()
with other_graph.as_default():
    b = tf.constant(2.0, name="b")


def entered_graph():
    if tf.compat.v1.get_default_graph() is values_graph:
        return "the values' graph"
    return "the default graph"


# The default graph here is neither values_graph nor other_graph.
with tf.compat.v1.op_scope([a], None, "fallback") as op_scope_name:
    op_scope_graph = entered_graph()
    op_scope_op = tf.identity(a, name="out")
with tf.compat.v1.variable_op_scope([a], None, "fallback_vars"):
    variable_op_scope_graph = entered_graph()
    variable_op_scope_variable = tf.compat.v1.get_variable("v", [1])
try:
    with tf.compat.v1.op_scope([a, b], None, "mixed"):
        pass
    mixed_graphs = "no error"
except ValueError:
    mixed_graphs = "ValueError"
"""

TF2_API = """\
tf2_has = {name: hasattr(tf, name) for name in ("variable_scope", "get_variable", "variable")}
histogram_summary_exists = hasattr(tf.compat.v1, "histogram_summary")
deprecated = tuple(
    "deprecated" in (function.__doc__ or "").lower()
    for function in (tf.compat.v1.op_scope, tf.compat.v1.variable_op_scope)
)
try:
    with tf.name_scope("sum", "Sum", []):  # what op_scope's deprecation warning recommends
        pass
    name_scope_with_values = "works"
except TypeError as error:
    name_scope_with_values = f"TypeError: {error}"
"""

CAPTURED_SCOPE_CASES = """\
with tf.compat.v1.variable_scope("foo") as foo_scope:
    pass
with tf.compat.v1.variable_scope(foo_scope):  # reopened at the top level
    top = 1.0 + tf.compat.v1.get_variable("v", [1])
with tf.name_scope("bar"):
    with tf.compat.v1.variable_scope(foo_scope, reuse=True, auxiliary_name_scope=False):
        kept = 1.0 + tf.compat.v1.get_variable("v", [1])
"""

TENSORBOARD_NODES = """\
import glob
import struct
import tempfile


def records(path):
    \"\"\"The records of a TFRecord file, such as an event file for TensorBoard.\"\"\"
    with open(path, "rb") as file:
        while header := file.read(12):  # the data's length (8 bytes) and its checksum
            (length,) = struct.unpack("<Q", header[:8])
            yield file.read(length)
            file.read(4)  # the data's checksum


with tf.compat.v1.variable_scope("scope_vars"):
    tf.compat.v1.get_variable("b", initializer=2)
with tf.name_scope("scope_name"):
    tf.compat.v1.get_variable("b", initializer=2)  # get_variable: the name "b" is free

with tf.compat.v1.Session() as sess, tempfile.TemporaryDirectory() as logs:
    writer = tf.compat.v1.summary.FileWriter(logs, sess.graph)
    writer.close()
    # What TensorBoard's graph tab draws: the graph the writer wrote, node by node.
    written = tf.compat.v1.GraphDef()
    for record in records(glob.glob(logs + "/events.*")[0]):
        event = tf.compat.v1.Event.FromString(record)
        if event.graph_def:
            written.ParseFromString(event.graph_def)
variable_nodes = sorted(node.name for node in written.node if node.op == "VarHandleOp")
"""
