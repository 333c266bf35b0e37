"""The English how-to article (``004_2ccd8ddd6ba974c2.txt``).

Its code is adapted here; each example lists its changes in ``ported``.

A machine translation of a Chinese post: its code was run together into single
lines and its outputs had their first letter capitalised. The code here restores
the line breaks; the outputs are quoted as the article prints them.
"""

from __future__ import annotations

from .model import Claim, Example
from .so_thread import GET_VARIABLE, VARIABLE_SCOPE

HOWTO = "004_2ccd8ddd6ba974c2.txt"

CAPS = "printed names capitalised (Scope1/v1:0 for scope1/v1:0)"
LINE_BREAKS = "line breaks and indentation restored: the article runs each program into one line"
SHAPE = "shape [3jue 3] -> [3, 3]: the article garbled the comma"
CAPITALISED = (
    "The article capitalised the first letter of each output line; TensorFlow names are "
    "case-sensitive, and the scope was opened as lower-case '{}'."
)

REUSE_TRUE = """\
import tensorflow as tf

# the first v1
with tf.compat.v1.variable_scope("scope1"):
    v1 = tf.compat.v1.get_variable(
        "v1", [3, 3], tf.float32, initializer=tf.constant_initializer(1)
    )
    print(v1.name)

# a different scope
with tf.compat.v1.variable_scope("scope2"):
    v1 = tf.compat.v1.get_variable(
        "v1", [3, 3], tf.float32, initializer=tf.constant_initializer(1)
    )
    print(v1.name)

# now share the first one
with tf.compat.v1.variable_scope("scope1", reuse=True):
    v1_share = tf.compat.v1.get_variable(
        "v1", [3, 3], tf.float32, initializer=tf.constant_initializer(1)
    )
    print(v1_share.name)
"""

SCOPE2_AGAIN = """\
with tf.compat.v1.variable_scope("scope2"):
    v1_share = tf.compat.v1.get_variable(
        "v1", [3, 3], tf.float32, initializer=tf.constant_initializer(1)
    )
    print(v1_share.name)
"""

AUTO_REUSE = """\
import tensorflow as tf


def demo():
    with tf.compat.v1.variable_scope("demo", reuse=tf.compat.v1.AUTO_REUSE):
        v = tf.compat.v1.get_variable("v", [1])
    return v


v1 = demo()
v2 = demo()
print(v1.name)
print(v2.name)
"""

REUSE_TRUE_FIRST_ROUND = """\
import tensorflow as tf


def demo():
    with tf.compat.v1.variable_scope("demo", reuse=True):
        v = tf.compat.v1.get_variable("v", [1])
    return v


v1 = demo()
"""

SIGNATURE = """\
import inspect

print(inspect.signature(tf.compat.v1.variable_scope))
"""

REUSE_TRUE_EXAMPLE = Example(
    id="howto-reuse-true",
    title="two scopes, then reuse=True",
    code=REUSE_TRUE,
    claims=(
        Claim(
            "v1.name", "Scope1/v1:0", "print", CAPITALISED.format("scope1"), "garbled", finding=CAPS
        ),
        Claim(
            "v1.name", "Scope2/v1:0", "print", CAPITALISED.format("scope2"), "garbled", finding=CAPS
        ),
        Claim(
            "v1_share.name",
            "Scope1/v1:0",
            "print",
            CAPITALISED.format("scope1"),
            "garbled",
            finding=CAPS,
        ),
    ),
    ported=(LINE_BREAKS, SHAPE, VARIABLE_SCOPE, GET_VARIABLE),
    sources=(HOWTO,),
    note="Apart from the capital letters, the sharing works as the article says.",
)

EXAMPLES = (
    REUSE_TRUE_EXAMPLE,
    Example(
        id="howto-scope2-again",
        title="asking again for an existing name without reuse fails",
        code=SCOPE2_AGAIN,
        claims=(
            Claim(
                'tf.compat.v1.get_variable("v1", [3, 3], ...)',
                "the program reported an error",
                "raises",
                "Holds: scope2/v1 exists and the scope does not reuse, so get_variable "
                "refuses to make a second one (ValueError).",
            ),
        ),
        ported=(LINE_BREAKS, SHAPE, VARIABLE_SCOPE, GET_VARIABLE),
        sources=(HOWTO,),
        after=REUSE_TRUE_EXAMPLE,
        note="The article adds this block at the end of the previous program.",
    ),
    Example(
        id="howto-auto-reuse",
        title="AUTO_REUSE: create on the first call, reuse after",
        code=AUTO_REUSE,
        claims=(
            Claim(
                "v1.name", "Demo/v:0", "print", CAPITALISED.format("demo"), "garbled", finding=CAPS
            ),
            Claim(
                "v2.name", "Demo/v:0", "print", CAPITALISED.format("demo"), "garbled", finding=CAPS
            ),
        ),
        ported=(
            LINE_BREAKS,
            "tf.AUTO_REUSE -> tf.compat.v1.AUTO_REUSE",
            VARIABLE_SCOPE,
            GET_VARIABLE,
            (
                "print(v2.name) restored: the article shows two output lines but only one "
                "print survived its copy"
            ),
        ),
        sources=(HOWTO,),
    ),
    Example(
        id="howto-reuse-true-first-round",
        title="reuse=True fails before the variable exists",
        code=REUSE_TRUE_FIRST_ROUND,
        claims=(
            Claim(
                "demo()",
                "if reuse= True, error",
                "raises",
                "Holds: with reuse=True, get_variable only looks the variable up, and "
                "demo/v does not exist yet.",
            ),
        ),
        ported=(
            (
                "the article only says so in a code comment: this is its AUTO_REUSE program "
                "with reuse=True"
            ),
            VARIABLE_SCOPE,
            GET_VARIABLE,
        ),
        sources=(HOWTO,),
    ),
    Example(
        id="howto-api",
        title="variable_scope's full parameter list",
        code=SIGNATURE,
        claims=(
            Claim(
                "tf.compat.v1.variable_scope",
                "(name_or_scope, default_name=None, values=None, initializer=None, "
                "regularizer=None, caching_device=None, partitioner=None, "
                "custom_getter=None, reuse=None, dtype=None, use_resource=None, "
                "constraint=None, auxiliary_name_scope=True)",
                "signature",
            ),
        ),
        ported=(
            (
                "the article lists the parameters without code; scopekit reads them with "
                "inspect.signature"
            ),
            VARIABLE_SCOPE,
        ),
        sources=(HOWTO,),
    ),
)
