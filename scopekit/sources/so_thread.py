"""The Stack Overflow thread: its examples, shared by its translations and its summary.

``000_bf3f400bfcaca25f.txt`` (Chinese) and ``001_c29cff149f045e48.txt`` (Korean) are
translations of the same question and answers; ``003_699cbc8ef847592e.txt`` (English)
retells the top answer. An example they share is written once here and credited to
each. The code is adapted from the answers (Stack Overflow content, CC BY-SA): the
changes that make it run on TensorFlow 2 are listed in each example's ``ported``.
"""

from __future__ import annotations

from .model import Claim, Example

ZH = "000_bf3f400bfcaca25f.txt"
KO = "001_c29cff149f045e48.txt"
SUMMARY = "003_699cbc8ef847592e.txt"
THREAD = (ZH, KO)

GET_VARIABLE = (
    "tf.get_variable -> tf.compat.v1.get_variable: TensorFlow 2 keeps the TF1 variable API "
    "under tf.compat.v1"
)
VARIABLE_SCOPE = "tf.variable_scope -> tf.compat.v1.variable_scope (TF1 API, moved in TF 2)"
NAME_SCOPE_KEPT = (
    "tf.name_scope kept as it is: TF 2's tf.name_scope(name) still opens a name scope in a graph"
)

FOO_BAR = """\
with tf.name_scope("foo"):
    with tf.compat.v1.variable_scope("bar"):
        x = tf.compat.v1.get_variable("x", shape=())
        x2 = tf.square(x ** 2, name="x2")
print(x.name)
print(x2.name)
"""

NS_VS = """\
with tf.name_scope("ns"):
    with tf.compat.v1.variable_scope("vs"):  # the scope is created here
        v1 = tf.compat.v1.get_variable("v1", [1])
        v2 = tf.Variable([2.0], name="v2")
        v3 = v1 + v2
"""

IMPLICIT_NAME_SCOPE = """\
with tf.compat.v1.variable_scope("foo"):
    x = 1.0 + tf.compat.v1.get_variable("v", [1])
assert x.op.name == "foo/add"
"""

NAME_SCOPE_IN_VARIABLE_SCOPE = """\
with tf.compat.v1.variable_scope("foo"):
    with tf.name_scope("bar"):
        v = tf.compat.v1.get_variable("v", [1])
        x = 1.0 + v
assert v.name == "foo/v:0"
assert x.op.name == "foo/bar/add"
"""

OP_SCOPES = """\
def mysum(a, b, name=None):
    with tf.compat.v1.op_scope([a, b], name, "mysum") as scope:
        v = tf.compat.v1.get_variable("v", 1)
        v2 = tf.Variable([0], name="v2")
        assert v.name == "v:0", v.name
        assert v2.name == "mysum/v2:0", v2.name
        return tf.add(a, b)


def mysum2(a, b, name=None):
    with tf.compat.v1.variable_op_scope([a, b], name, "mysum2") as scope:
        v = tf.compat.v1.get_variable("v", 1)
        v2 = tf.Variable([0], name="v2")
        assert v.name == "mysum2/v:0", v.name
        assert v2.name == "mysum2/v2:0", v2.name
        return tf.add(a, b)


with tf.Graph().as_default():
    op = mysum(tf.Variable(1), tf.Variable(2))
    op2 = mysum2(tf.Variable(1), tf.Variable(2))
    assert op.name == "mysum/Add:0", op.name
    assert op2.name == "mysum2/Add:0", op2.name
"""

TWO_GRAPHS = """\
with tf.Graph().as_default():
    with tf.name_scope("name_scope") as scope:
        v = tf.compat.v1.get_variable("v", [1])
        op = tf.add(v, v)
        v2 = tf.Variable([0], name="v2")
        assert v.name == "v:0", v.name
        assert op.name == "name_scope/Add:0", op.name
        assert v2.name == "name_scope/v2:0", v2.name

with tf.Graph().as_default():
    with tf.compat.v1.variable_scope("name_scope") as scope:
        v = tf.compat.v1.get_variable("v", [1])
        op = tf.add(v, v)
        v2 = tf.Variable([0], name="v2")
        assert v.name == "name_scope/v:0", v.name
        assert op.name == "name_scope/Add:0", op.name
        assert v2.name == "name_scope/v2:0", v2.name
"""

MY_SCOPE_NAME = """\
with tf.name_scope("my_scope"):
    v1 = tf.compat.v1.get_variable("var1", [1], dtype=tf.float32)
    v2 = tf.Variable(1, name="var2", dtype=tf.float32)
    a = tf.add(v1, v2)

print(v1.name)
print(v2.name)
print(a.name)
"""

MY_SCOPE_VARIABLE = """\
with tf.compat.v1.variable_scope("my_scope"):
    v1 = tf.compat.v1.get_variable("var1", [1], dtype=tf.float32)
    v2 = tf.Variable(1, name="var2", dtype=tf.float32)
    a = tf.add(v1, v2)

print(v1.name)
print(v2.name)
print(a.name)
"""

CAPTURED_SCOPE = """\
with tf.compat.v1.variable_scope("foo") as foo_scope:
    pass
with tf.name_scope("bar"):
    with tf.compat.v1.variable_scope(foo_scope):  # the captured object, not "foo"
        x = 1.0 + tf.compat.v1.get_variable("v", [1])
"""
CAPTURED_SCOPE_PORTED = (
    "the answer states this rule in words only, quoting TensorFlow's old guide; the code is "
    "scopekit's, in the style of the guide's examples it quotes",
    VARIABLE_SCOPE,
    GET_VARIABLE,
    NAME_SCOPE_KEPT,
)
CAPTURED_SCOPE_WHY = (
    "The old guide's rule no longer describes TensorFlow: entering a captured variable "
    "scope opens a name scope named after it inside the current one, so the op gets "
    "bar/foo/ instead of staying in bar/."
)
CAPTURED_SCOPE_MEANS = "bar/add"
CAPTURED_SCOPE_FINDING = "a captured variable scope opens a name scope of its own"

SHARING = """\
with tf.name_scope("foo"):
    with tf.compat.v1.variable_scope("var_scope"):
        v = tf.compat.v1.get_variable("var", [1])
with tf.name_scope("bar"):
    with tf.compat.v1.variable_scope("var_scope", reuse=True):
        v1 = tf.compat.v1.get_variable("var", [1])
assert v1 == v
print(v.name)
print(v1.name)
"""

SCOPING = """\
import tempfile

import tensorflow as tf


def scoping(fn, scope1, scope2, vals):
    with fn(scope1):
        a = tf.Variable(vals[0], name="a")
        b = tf.compat.v1.get_variable("b", initializer=vals[1])
        c = tf.constant(vals[2], name="c")

        with fn(scope2):
            d = tf.add(a * b, c, name="res")

        print("\\n  ".join([scope1, a.name, b.name, c.name, d.name]), "\\n")
    return d


d1 = scoping(tf.compat.v1.variable_scope, "scope_vars", "res", [1, 2, 3])
d2 = scoping(tf.name_scope, "scope_name", "res", [1, 2, 3])

with tf.compat.v1.Session() as sess, tempfile.TemporaryDirectory() as logs:
    writer = tf.compat.v1.summary.FileWriter(logs, sess.graph)
    sess.run(tf.compat.v1.global_variables_initializer())
    print(sess.run([d1, d2]))
    writer.close()
"""
SCOPING_PRINT = '"\\n  ".join([scope1, a.name, b.name, c.name, d.name]), "\\n"'

API = """\
import inspect

for scope_function in (
    tf.compat.v1.variable_op_scope,
    tf.compat.v1.op_scope,
    tf.name_scope,
    tf.compat.v1.variable_scope,
):
    print(scope_function.__name__, inspect.signature(scope_function))
"""
API_PORTED = (
    (
        "The question lists the four functions without code; scopekit reads their parameters "
        "with inspect.signature."
    ),
    (
        "tf.op_scope, tf.variable_op_scope, tf.variable_scope -> tf.compat.v1.*; tf.name_scope "
        "is still tf.name_scope in TF 2."
    ),
)
OUTDATED_VARIABLE_OP_SCOPE = (
    "The question quotes an early TF 0.x. The parameters changed while the function was "
    "still current (TensorFlow's RELEASE.md deprecates it in 0.11): the second parameter "
    "became name_or_scope, default_name got a default, and reuse, regularizer, dtype... "
    "were added."
)
OUTDATED_VARIABLE_SCOPE = (
    "The question quotes an early TF 0.x. Today default_name and values come second and "
    "third, and ten more keyword parameters follow (regularizer, custom_getter, "
    "auxiliary_name_scope...)."
)
NAME_SCOPE_V1 = (
    "TF 1's tf.name_scope, today tf.compat.v1.name_scope, takes (name, default_name=None, "
    "values=None): the parameters op_scope's deprecation warning points to. TF 2's new "
    "tf.name_scope takes (name) again, but it is another function: it takes no values and "
    "never switches graphs."
)
OLD_PARAMETERS = "parameter lists of an early TensorFlow 0.x"
OP_SCOPE_SAME = "Unchanged: tf.compat.v1.op_scope still takes these (and logs a deprecation)."

NOT_IN_ONE_PROGRAM = (
    "Only in a fresh graph. Run after the name_scope snippet, 'my_scope' is taken as a name "
    "scope, so variable_scope('my_scope') opens name scope 'my_scope_1': tf.Variable and ops "
    "land there, while get_variable still uses variable scope 'my_scope'."
)

IGNORES_NAME_SCOPE = Example(
    id="so-get-variable-ignores-name-scope",
    title="get_variable ignores a name scope",
    code=MY_SCOPE_NAME,
    claims=(
        Claim("v1.name", "var1:0", "print"),
        Claim("v2.name", "my_scope/var2:0", "print"),
        Claim("a.name", "my_scope/Add:0", "print"),
    ),
    ported=(GET_VARIABLE, NAME_SCOPE_KEPT),
    sources=(ZH, KO, SUMMARY),
)

EXAMPLES = (
    Example(
        id="so-foo-bar",
        title="get_variable skips an outer name scope; an op keeps it",
        code=FOO_BAR,
        claims=(
            Claim("x.name", "bar/x:0", "print"),
            Claim("x2.name", "foo/bar/x2:0", "print"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE, NAME_SCOPE_KEPT),
        sources=THREAD,
        note=(
            "get_variable takes its prefix from the variable scope only, so x skips 'foo'; "
            "the op x2 takes the full name scope, foo/bar."
        ),
    ),
    Example(
        id="so-ns-vs",
        title="under ns/vs, only get_variable skips the name scope ns",
        code=NS_VS,
        claims=(
            Claim("v1.name", "'vs/v1:0'"),
            Claim("v2.name", "'ns/vs/v2:0'"),
            Claim("v3.name", "'ns/vs/add:0'"),
        ),
        ported=(
            VARIABLE_SCOPE,
            GET_VARIABLE,
            (
                "shape [1.0] -> [1]: TF 2 refuses a float dimension (TypeError: Dimension value "
                "must be integer); TF 0.x silently took int(1.0)"
            ),
            NAME_SCOPE_KEPT,
        ),
        sources=THREAD,
        note="The answer writes the names as comments; v3 = v1 + v2 is an 'add' op.",
    ),
    Example(
        id="so-implicit-name-scope",
        title="variable_scope opens a name scope of the same name",
        code=IMPLICIT_NAME_SCOPE,
        claims=(Claim("x.op.name", '"foo/add"', "assert"),),
        ported=(VARIABLE_SCOPE, GET_VARIABLE),
        sources=THREAD,
        note="The answer quotes TensorFlow's own variable-scope guide.",
    ),
    Example(
        id="so-name-scope-in-variable-scope",
        title="a name scope inside a variable scope names ops only",
        code=NAME_SCOPE_IN_VARIABLE_SCOPE,
        claims=(
            Claim("v.name", '"foo/v:0"', "assert"),
            Claim("x.op.name", '"foo/bar/add"', "assert"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE, NAME_SCOPE_KEPT),
        sources=THREAD,
    ),
    Example(
        id="so-op-scope",
        title="op_scope and variable_op_scope in one graph",
        code=OP_SCOPES,
        claims=(
            Claim("v.name", '"v:0"', "assert"),
            Claim("v2.name", '"mysum/v2:0"', "assert"),
            Claim("v.name", '"mysum2/v:0"', "assert"),
            Claim("v2.name", '"mysum2/v2:0"', "assert"),
            Claim("op.name", "'mysum/Add:0'", "assert"),
            Claim("op2.name", "'mysum2/Add:0'", "assert"),
        ),
        ported=(
            (
                "tf.op_scope -> tf.compat.v1.op_scope and tf.variable_op_scope -> "
                "tf.compat.v1.variable_op_scope: deprecated since r0.11, still there in TF 2 "
                "(each call logs a deprecation warning)"
            ),
            GET_VARIABLE,
        ),
        sources=THREAD,
        note=(
            "op_scope behaves like name_scope and variable_op_scope like variable_scope, "
            "with a default name ('mysum') used because name is None."
        ),
    ),
    Example(
        id="so-two-graphs",
        title="name_scope vs variable_scope, each in its own graph",
        code=TWO_GRAPHS,
        claims=(
            Claim("v.name", '"v:0"', "assert"),
            Claim("op.name", '"name_scope/Add:0"', "assert"),
            Claim("v2.name", '"name_scope/v2:0"', "assert"),
            Claim("v.name", '"name_scope/v:0"', "assert"),
            Claim("op.name", '"name_scope/Add:0"', "assert"),
            Claim("v2.name", '"name_scope/v2:0"', "assert"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE, NAME_SCOPE_KEPT),
        sources=THREAD,
        note="Each block builds its own tf.Graph, so the two 'name_scope' scopes never clash.",
    ),
    IGNORES_NAME_SCOPE,
    Example(
        id="so-variable-scope-prefixes-all",
        title="a variable scope prefixes everything",
        code=MY_SCOPE_VARIABLE,
        claims=(
            Claim("v1.name", "my_scope/var1:0", "print"),
            Claim("v2.name", "my_scope/var2:0", "print"),
            Claim("a.name", "my_scope/Add:0", "print"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE),
        sources=(ZH, KO, SUMMARY),
    ),
    Example(
        id="so-my-scope-in-one-program",
        title="the two my_scope snippets run one after the other",
        code=MY_SCOPE_VARIABLE,
        claims=(
            Claim("v1.name", "my_scope/var1:0", "print"),
            Claim("v2.name", "my_scope/var2:0", "print", NOT_IN_ONE_PROGRAM, "fresh graph only"),
            Claim("a.name", "my_scope/Add:0", "print", NOT_IN_ONE_PROGRAM, "fresh graph only"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE),
        sources=(ZH, KO, SUMMARY),
        after=IGNORES_NAME_SCOPE,
        note=(
            "The sources print these snippets back to back. Pasted into one program (or "
            "one notebook's default graph), the second one no longer prints what they say."
        ),
        shown_only=(
            "the sources show each snippet as a program of its own; pasted after the other "
            "one, it runs outside that setting"
        ),
    ),
    Example(
        id="so-sharing-across-name-scopes",
        title="one variable shared from two name scopes",
        code=SHARING,
        claims=(
            Claim(
                "v1 == v",
                "True",
                "assert",
                "A bare assert claims True. In a graph, == on variables is identity: "
                "get_variable with reuse=True returned the very same object.",
            ),
            Claim("v.name", "var_scope/var:0", "print"),
            Claim("v1.name", "var_scope/var:0", "print"),
        ),
        ported=(VARIABLE_SCOPE, GET_VARIABLE, NAME_SCOPE_KEPT),
        sources=THREAD,
    ),
    Example(
        id="so-scoping-function",
        title="one function, called with variable_scope then name_scope",
        code=SCOPING,
        claims=(
            Claim(
                SCOPING_PRINT,
                "scope_vars\n  scope_vars/a:0\n  scope_vars/b:0\n  scope_vars/c:0\n"
                "  scope_vars/res/res:0",
                "print",
            ),
            Claim(
                SCOPING_PRINT,
                "scope_name\n  scope_name/a:0\n  b:0\n  scope_name/c:0\n  scope_name/res/res:0 ",
                "print",
                "Holds. The space at the end of the last line comes from print's separator: "
                "the answer prints the joined names and '\\n' as two items, and print puts a "
                "space between them (Python 3's print() does the same). Spaces at line ends "
                "are not compared.",
            ),
        ),
        ported=(
            (
                "print statements -> print() calls: the answer is Python 2 code (a SyntaxError "
                "in Python 3)"
            ),
            GET_VARIABLE,
            VARIABLE_SCOPE + "; tf.name_scope kept",
            (
                "tf.Session -> tf.compat.v1.Session, tf.global_variables_initializer and "
                "tf.summary.FileWriter -> tf.compat.v1.*"
            ),
            (
                "the event file goes to a temporary directory instead of ./logs, so a run leaves "
                "nothing behind"
            ),
        ),
        sources=(KO,),
        note=(
            "Only the Korean translation has this answer. The last line printed differs "
            "from Python 2 (numpy 2 shows its int32 scalars as np.int32(5)), but the source "
            "claims nothing about it."
        ),
    ),
    Example(
        id="so-captured-scope",
        title="reopening a variable scope from its captured object",
        code=CAPTURED_SCOPE,
        claims=(
            Claim(
                "x.op.name",
                "문자열 대신 캡처 된 객체를 사용하여 변수 범위를 열 때 ops의 현재 이름 범위를 "
                "변경하지 않습니다.",
                "prose",
                CAPTURED_SCOPE_WHY,
                "outdated",
                means=CAPTURED_SCOPE_MEANS,
                finding=CAPTURED_SCOPE_FINDING,
            ),
        ),
        ported=CAPTURED_SCOPE_PORTED,
        sources=(KO,),
    ),
    Example(
        id="so-captured-scope-zh",
        title="reopening a variable scope from its captured object, as translated",
        code=CAPTURED_SCOPE,
        claims=(
            Claim(
                "x.op.name",
                "当使用捕获的对象而不是字符串打开变量作用域时,我们不改变操作的当前名称作用域。",
                "prose",
                CAPTURED_SCOPE_WHY,
                "outdated",
                means=CAPTURED_SCOPE_MEANS,
                finding=CAPTURED_SCOPE_FINDING,
            ),
        ),
        ported=CAPTURED_SCOPE_PORTED,
        sources=(ZH,),
    ),
    Example(
        id="so-question-api",
        title="the parameters the question lists",
        code=API,
        claims=(
            Claim(
                "tf.compat.v1.variable_op_scope",
                "(values, name, default_name, initializer=None)",
                "signature",
                OUTDATED_VARIABLE_OP_SCOPE,
                "outdated",
                finding=OLD_PARAMETERS,
            ),
            Claim(
                "tf.compat.v1.op_scope",
                "(values, name, default_name=None)",
                "signature",
                OP_SCOPE_SAME,
            ),
            Claim(
                "tf.compat.v1.name_scope",
                "(name)",
                "signature",
                NAME_SCOPE_V1,
                "outdated",
                finding=OLD_PARAMETERS,
            ),
            Claim(
                "tf.compat.v1.variable_scope",
                "(name_or_scope, reuse=None, initializer=None)",
                "signature",
                OUTDATED_VARIABLE_SCOPE,
                "outdated",
                finding=OLD_PARAMETERS,
            ),
        ),
        ported=API_PORTED,
        sources=(KO,),
    ),
    Example(
        id="so-question-api-zh",
        title="the parameters the question lists, as translated",
        code=API,
        claims=(
            Claim(
                "tf.compat.v1.variable_op_scope",
                "(values, name, default_name, initializer=None)",
                "signature",
                OUTDATED_VARIABLE_OP_SCOPE
                + " (The translation also turned 'tf.' into 特遣部队, 'task force'.)",
                "outdated",
                finding=OLD_PARAMETERS,
            ),
            Claim(
                "tf.compat.v1.op_scope",
                "(values, name, default_name=None)",
                "signature",
                OP_SCOPE_SAME,
            ),
            Claim(
                "tf.compat.v1.name_scope",
                "(名字)",
                "signature",
                "The machine translation translated the parameter name itself: 名字 means "
                "'name'. Read as (name), it is the early TF 0.x list: " + NAME_SCOPE_V1,
                "garbled",
                finding="code translated along with the prose (名字 for name)",
            ),
            Claim(
                "tf.compat.v1.variable_scope",
                "(name_or_scope, reuse=None, initializer=None)",
                "signature",
                OUTDATED_VARIABLE_SCOPE,
                "outdated",
                finding=OLD_PARAMETERS,
            ),
        ),
        ported=API_PORTED,
        sources=(ZH,),
    ),
    Example(
        id="summary-api",
        title="the four ways to open a scope, as the summary lists them",
        code=API,
        claims=(
            Claim(
                "tf.compat.v1.name_scope",
                "(name)",
                "signature",
                NAME_SCOPE_V1,
                "outdated",
                finding=OLD_PARAMETERS,
            ),
            Claim("tf.compat.v1.variable_scope", "(name_or_scope, \u2026)", "signature"),
            Claim(
                "tf.compat.v1.op_scope",
                "(values, name, default_name=None)",
                "signature",
                OP_SCOPE_SAME,
            ),
            Claim(
                "tf.compat.v1.variable_op_scope",
                "(values, name_or_scope, default_name=None, \u2026)",
                "signature",
            ),
        ),
        ported=(
            API_PORTED[0].replace("question", "summary"),
            API_PORTED[1],
            "a list ending in '…' is checked as the start of the real one",
        ),
        sources=(SUMMARY,),
    ),
)
