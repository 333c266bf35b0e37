"""The Chinese blog post on variable sharing (``002_f4f5a5525d147526.txt``).

Its code is adapted here; each example lists its changes in ``ported``.

The repost lost every indentation and one closing quote; the code here restores
them (the claimed outputs decide where a ``with`` block ends). Each snippet starts
with its own ``import tensorflow as tf``, so each is its own program.
"""

from __future__ import annotations

from .model import Claim, Example
from .so_thread import GET_VARIABLE, NAME_SCOPE_KEPT, VARIABLE_SCOPE

BLOG = "002_f4f5a5525d147526.txt"

INDENTATION = "indentation restored: the repost flattened every line to column 0"

SUFFIXES = """\
import tensorflow as tf

with tf.name_scope("cltdevelop"):
    var_1 = tf.Variable(initial_value=[0], name="var_1")
    var_2 = tf.Variable(initial_value=[0], name="var_1")
    var_3 = tf.Variable(initial_value=[0], name="var_1")
print(var_1.name)
print(var_2.name)
print(var_3.name)
"""

NAME_SCOPE_VS_GET_VARIABLE = """\
import tensorflow as tf

with tf.name_scope("cltdevelop"):
    var_1 = tf.Variable(initial_value=[0], name="var_1")
    var_2 = tf.compat.v1.get_variable(name="var_2", shape=[1])
with tf.compat.v1.variable_scope("aaa"):
    var_3 = tf.Variable(initial_value=[0], name="var_3")
    var_4 = tf.compat.v1.get_variable(name="var_4", shape=[1])
print(var_1.name)
print(var_2.name)
print(var_3.name)
print(var_4.name)
"""

SHARING = """\
import tensorflow as tf

with tf.compat.v1.variable_scope("cltdevelop"):
    var_1 = tf.compat.v1.get_variable("var_1", shape=[1])
with tf.compat.v1.variable_scope("cltdevelop", reuse=True):
    var_2 = tf.compat.v1.get_variable("var_1", shape=[1])
print(var_1.name)
print(var_2.name)
"""

REUSE_BEFORE_CREATE = """\
import tensorflow as tf

with tf.compat.v1.variable_scope("cltdevelop", reuse=True):
    var_1 = tf.compat.v1.get_variable("var_1", shape=[1])
"""

AUTO_REUSE_BEFORE_CREATE = """\
import tensorflow as tf

with tf.compat.v1.variable_scope("cltdevelop", reuse=tf.compat.v1.AUTO_REUSE):
    var_1 = tf.compat.v1.get_variable("var_1", shape=[1])
"""

FAILING_CALL = 'tf.compat.v1.get_variable("var_1", shape=[1])'
# The blog's own words for "the code above raises an error".
SAYS_IT_FAILS = "则上述代码会报错"

SHARING_WITH_REUSE = Example(
    id="blog-sharing-with-reuse",
    title="reuse=True returns the variable made before",
    code=SHARING,
    claims=(
        Claim("var_1.name", "cltdevelop/var_1:0", "print"),
        Claim("var_2.name", "cltdevelop/var_1:0", "print"),
    ),
    ported=(INDENTATION, VARIABLE_SCOPE, GET_VARIABLE),
    sources=(BLOG,),
)

EXAMPLES = (
    Example(
        id="blog-variable-suffixes",
        title="tf.Variable makes a new variable every time",
        code=SUFFIXES,
        claims=(
            Claim("var_1.name", "cltdevelop/var_1:0", "print"),
            Claim("var_2.name", "cltdevelop/var_1_1:0", "print"),
            Claim("var_3.name", "cltdevelop/var_1_2:0", "print"),
        ),
        ported=(
            ("closing quote added to 'cltdevelop: as printed, the string never ends (SyntaxError)"),
            INDENTATION,
            NAME_SCOPE_KEPT,
        ),
        sources=(BLOG,),
        note="A taken name gets _1, _2 ... appended, as the blog says.",
    ),
    Example(
        id="blog-name-scope-vs-get-variable",
        title="a name scope does not prefix get_variable; a variable scope does",
        code=NAME_SCOPE_VS_GET_VARIABLE,
        claims=(
            Claim("var_1.name", "cltdevelop/var_1:0", "print"),
            Claim("var_2.name", "var_2:0", "print"),
            Claim("var_3.name", "aaa/var_3:0", "print"),
            Claim("var_4.name", "aaa/var_4:0", "print"),
        ),
        ported=(
            INDENTATION + "; variable_scope('aaa') is put at top level, the only place "
            "where var_3 is named aaa/var_3 (inside 'cltdevelop' it would be "
            "cltdevelop/aaa/var_3)",
            VARIABLE_SCOPE,
            GET_VARIABLE,
            NAME_SCOPE_KEPT,
        ),
        sources=(BLOG,),
    ),
    SHARING_WITH_REUSE,
    Example(
        id="blog-reuse-before-create",
        title="reuse=True for a variable nobody made",
        code=REUSE_BEFORE_CREATE,
        claims=(
            Claim(FAILING_CALL, SAYS_IT_FAILS, "raises"),
            Claim(
                FAILING_CALL,
                "ValueErrorL Variable cltdevelop/v1 doesnot exist, "
                "or was not created with tf.get_variable()",
                "error",
                "Right error, garbled message: 'ValueErrorL' and 'doesnot' are typos, and the "
                "variable is cltdevelop/var_1 (not v1). The blog also cut the message short: "
                "TensorFlow 1 already went on with 'Did you mean to set reuse=tf.AUTO_REUSE in "
                "VarScope?', as TensorFlow here does.",
                "garbled",
                finding="the error message is mistyped and cut short",
            ),
        ),
        ported=(INDENTATION, VARIABLE_SCOPE, GET_VARIABLE),
        sources=(BLOG,),
    ),
    Example(
        id="blog-auto-reuse-before-create",
        title="AUTO_REUSE for a variable nobody made",
        code=AUTO_REUSE_BEFORE_CREATE,
        claims=(
            Claim(
                FAILING_CALL,
                "调用tf.get_variable创建这个变量会报错",
                "raises",
                "The blog's note puts True and tf.AUTO_REUSE together, but AUTO_REUSE "
                "creates the variable when it does not exist yet; only reuse=True fails.",
                "wrong",
                finding="AUTO_REUSE does not fail for a missing variable: it creates it",
            ),
        ),
        ported=(
            (
                "the blog gives no code for AUTO_REUSE: this is its reuse=True snippet with "
                "reuse=tf.compat.v1.AUTO_REUSE, the case its note describes"
            ),
            VARIABLE_SCOPE,
            GET_VARIABLE,
        ),
        sources=(BLOG,),
    ),
    Example(
        id="blog-reuse-in-one-program",
        title="reuse=True after the sharing snippet, in one program",
        code=REUSE_BEFORE_CREATE,
        claims=(
            Claim(
                FAILING_CALL,
                SAYS_IT_FAILS,
                "raises",
                "Only in a fresh graph. Run after the sharing snippet, as happens in a "
                "notebook's default graph, cltdevelop/var_1 already exists and reuse=True "
                "simply returns it.",
                "fresh graph only",
            ),
        ),
        ported=(INDENTATION, VARIABLE_SCOPE, GET_VARIABLE),
        sources=(BLOG,),
        after=SHARING_WITH_REUSE,
        shown_only=(
            "the blog's claim is about a variable 'that was not created before'; run after "
            "the sharing snippet, it was"
        ),
        note=(
            "The blog runs this snippet in its own program. A reader who runs the two "
            "snippets in one graph sees no error at all."
        ),
    ),
)
