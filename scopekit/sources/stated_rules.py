"""The rules the five sources state in words, each one checked or marked unchecked.

Going through each source sentence by sentence, every statement about names,
prefixes, reuse, sharing, errors, signatures, defaults, deprecations or TensorBoard
is one of:

- a claim of an example in ``so_thread``/``blog``/``howto`` (a printed name, an assert,
  an error, a parameter list);
- a ``prose`` claim here, checked against what one of the programs in ``rules``
  gives, with ``means`` saying what the sentence predicts;
- an :class:`Unchecked` entry: the sentence introduces or restates what an example
  checks (``checked_by``), or it cannot be checked by running code (a motive, an
  opinion, a definition), and ``why`` says so.

Quotes are exact, typos and translation damage included. The Stack Overflow thread
states most rules twice, once per translation; each translation's sentence is its
own claim, credited to that translation only.
"""

from __future__ import annotations

from . import rule_programs as programs
from .model import Claim, Example, Unchecked
from .so_thread import KO, SUMMARY, ZH

BLOG = "002_f4f5a5525d147526.txt"
HOWTO = "004_2ccd8ddd6ba974c2.txt"

PROGRAM = "scopekit's own program, testing what the sentences predict (the source shows no code)"

# --- shared verdict notes -------------------------------------------------------------

FETCH_NEEDS_REUSE = (
    "Holds, with a condition the sentence leaves out: get_variable retrieves only inside a "
    "scope with reuse=True or tf.AUTO_REUSE. With the default reuse, asking again for 'v' "
    "raises ValueError ('Variable v already exists, disallowed...')."
)
DEFAULT_IS_NOT_FETCH_OR_CREATE = (
    "That is what reuse=tf.AUTO_REUSE does. With the default reuse (None at the top), "
    "get_variable refuses a name that exists (ValueError: Variable v already exists, "
    "disallowed); with reuse=True it refuses a name that does not. It was the same in "
    "TensorFlow 1."
)
DEFAULT_IS_NOT_FETCH_ONLY = (
    "That is what reuse=True does. With the default reuse (None at the top), get_variable "
    "creates a variable that does not exist yet, and refuses a name that exists (ValueError: "
    "Variable v already exists, disallowed). It was the same in TensorFlow 1."
)
NEW_EVERY_TIME_WHY = "Holds: each call makes a new variable, and a taken name gets _1, _2 ..."
TF1_ADVICE = (
    "TensorFlow 1 advice. TensorFlow 2 has no tf.variable_scope (nor tf.get_variable): "
    "tf.name_scope is the one scope of TF 2 code, and variable scopes survive only under "
    "tf.compat.v1 for TF1 code."
)
REPLACED_BY = (
    "True in TensorFlow 1, where tf.name_scope(name, default_name, values) took over from "
    "op_scope, and the deprecation warning TensorFlow logs still recommends it. In TF 2 "
    "that replacement fails: tf.name_scope takes only a name (TypeError), and "
    "tf.variable_scope is gone; the working replacements are tf.compat.v1.name_scope and "
    "tf.compat.v1.variable_scope."
)
REPLACEMENT_FAILS = (
    "op_scope's replacement, tf.name_scope(name, default_name, values), fails in TF 2"
)
DEPRECATED_WHY = (
    "Holds: both are marked deprecated and log a warning on every call. The release the "
    "sources name, r0.11, is not checked by running code."
)
ONLY_WAY_WHY = (
    "Among scopes, yes: no name scope reaches get_variable. But a name with a slash, "
    "get_variable('my_scope/var1'), lands under my_scope/ with no scope open at all."
)
NAME_SCOPE_IN_VARIABLE_SCOPE_WHY = (
    "True of variables made with get_variable, which the guide was about (foo/g:0), but "
    "a tf.Variable made there takes the name scope too: foo/bar/w:0."
)
OP_SCOPE_GRAPH_WHY = (
    "Holds: values from two graphs raise ValueError, and values from a graph that is not "
    "the default make that graph the default inside the scope."
)
CHECKS_DEFAULT_GRAPH_WHY = (
    "Half of it: values from two different graphs are refused (ValueError), but values "
    "from one graph that is not the default are accepted, and op_scope makes their graph "
    "the default inside the scope."
)
KO_CHECKS_DEFAULT_WHY = (
    "The translation says the scope checks (확인) that the values' graph is the default "
    "one, where TensorFlow's documentation says it ensures it: values from another graph "
    "are accepted, and their graph becomes the default inside the scope."
)


def _claim(expression, quote, means, why="", kind="", finding=""):
    """A sentence quoted from a source, predicting ``means`` for ``expression``."""
    return Claim(expression, quote, "prose", why, kind, means, finding)


def _rules(id_, title, code, source, claims, note=""):
    """One of scopekit's programs with the claims of one source it tests."""
    return Example(
        id=id_,
        title=title,
        code=code,
        claims=tuple(claims),
        ported=(PROGRAM,),
        sources=(source,),
        note=note,
    )


# --- the Stack Overflow thread, in each translation -------------------------------------


def _thread(lang, source, quotes):
    """The thread's stated rules in one translation (``quotes`` maps a key to its sentence)."""
    q = quotes
    examples = [
        _rules(
            f"so-rules-get-variable-{lang}",
            "get_variable and tf.Variable, as the thread describes them",
            programs.GET_OR_CREATE + programs.NEW_EVERY_TIME,
            source,
            [
                _claim(
                    "(v.name, fetched is v, again, missing)",
                    q["variable_scope_checks"],
                    "('v:0', True, 'ValueError', 'ValueError')",
                    "Holds: it creates, shares with reuse=True, and refuses both an "
                    "accidental second creation and fetching a variable that was never made.",
                ),
                _claim(
                    "(v.name, fetched is v)",
                    q["create_or_retrieve"],
                    "('v:0', True)",
                    FETCH_NEEDS_REUSE,
                ),
                _claim(
                    "new_every_time",
                    q["new_every_time"],
                    "(True, 'w:0', 'w_1:0')",
                    NEW_EVERY_TIME_WHY,
                ),
            ],
        ),
        _rules(
            f"so-rules-prefixes-{lang}",
            "what each scope prefixes, as the thread states it",
            programs.BOTH_SCOPES,
            source,
            [
                _claim(
                    "(ns_variable.name, ns_op.name, vs_variable.name, vs_op.name)",
                    q["same_effect"],
                    "('ns/w:0', 'ns/op:0', 'vs/w:0', 'vs/op:0')",
                ),
                _claim("ns_got.name", q["ignored"], "g:0"),
                _claim(
                    "slashed.name.startswith('my_scope/')",
                    q["only_way"],
                    "False",
                    ONLY_WAY_WHY,
                    "half true",
                    "'the only way' to prefix get_variable: a name with a slash also does",
                ),
                _claim("ns_op.name", q["name_scope_ops"], "ns/op:0"),
                _claim(
                    "(vs_got.name, vs_variable.name, vs_op.name)",
                    q["variable_scope_both"],
                    "('vs/g:0', 'vs/w:0', 'vs/op:0')",
                ),
                _claim(
                    "(inner_got.name, inner_variable.name, inner_op.name)",
                    q["ops_only"],
                    "('foo/g:0', 'foo/w:0', 'foo/bar/op:0')",
                    NAME_SCOPE_IN_VARIABLE_SCOPE_WHY,
                    "half true",
                    "a name scope inside a variable scope also names tf.Variable",
                ),
            ],
        ),
        _rules(
            f"so-rules-op-scope-{lang}",
            "op_scope and variable_op_scope with values from another graph",
            programs.OP_SCOPE_GRAPHS,
            source,
            [
                _claim(
                    "(op_scope_op.name, op_scope_graph)",
                    q["op_scope_graph"],
                    "('fallback/out:0', \"the values' graph\")",
                ),
                _claim(
                    "(variable_op_scope_variable.name, variable_op_scope_graph)",
                    q["variable_op_scope_graph"],
                    "('fallback_vars/v:0', \"the values' graph\")",
                ),
                *q["question_graph_claims"],
            ],
        ),
        _rules(
            f"so-rules-defaults-{lang}",
            "a variable scope's initializer",
            programs.SCOPE_DEFAULTS,
            source,
            [
                _claim(
                    "initial_value",
                    q["initializer"],
                    "[3.0]",
                    "Holds (checked for variable_scope; variable_op_scope passes its "
                    "initializer on the same way).",
                )
            ],
        ),
        _rules(
            f"so-rules-tf2-{lang}",
            "the thread's advice and deprecations, on TensorFlow 2",
            programs.TF2_API,
            source,
            [
                _claim(
                    "tf2_has['variable_scope']",
                    quote,
                    "True",
                    TF1_ADVICE,
                    "outdated",
                    "TF 1 advice: use variable_scope, not name_scope",
                )
                for quote in q["advice"]
            ]
            + [
                _claim("deprecated", quote, "(True, True)", DEPRECATED_WHY)
                for quote in q["deprecated"]
            ]
            + [
                _claim(
                    "(deprecated, name_scope_with_values)",
                    q["replaced_by"],
                    "((True, True), 'works')",
                    REPLACED_BY,
                    "outdated",
                    REPLACEMENT_FAILS,
                )
            ],
        ),
    ]
    return examples


ZH_QUOTES = {
    "variable_scope_checks": (
        "变量作用域允许创建新变量并共享已创建的变量,同时提供检查,以防止意外创建或共享。"
    ),
    "create_or_retrieve": (
        "方法tf。Get_variable可以与变量名一起作为参数使用,以创建具有此名称的新变量或检索之前创"
        "建的变量。"
    ),
    "new_every_time": (
        "这与使用tf不同。变量构造函数,每次调用它都会创建一个新变量(如果已经存在这样的变量名,"
        "则可能会在变量名后面添加一个后缀)。"
    ),
    "same_effect": (
        "这两个作用域对所有操作以及使用tf创建的变量具有相同的效果。变量,即作用域将作为操作或变"
        "量名的前缀添加。"
    ),
    "ignored": "但是,名称作用域被tf.get_variable忽略。",
    "only_way": "放置使用tf访问的变量的唯一方法。作用域中的Get_variable是使用变量作用域",
    "name_scope_ops": "Tf.name_scope为默认图中的操作符创建命名空间。",
    "variable_scope_both": "特遣部队。Variable_scope为默认图中的变量和操作符创建命名空间。",
    "ops_only": (
        "除了变量作用域之外,还可以打开名称作用域,这样它们只会影响操作的名称,而不会影响变量的名称。"
    ),
    "op_scope_graph": "特遣部队。Op_scope与tf.name_scope相同,但用于创建指定变量的图。",
    "variable_op_scope_graph": (
        "特遣部队。Variable_op_scope与tf相同。Variable_scope,但用于在其中创建指定变量的图。"
    ),
    "question_graph_claims": [
        _claim(
            "(mixed_graphs, op_scope_graph)",
            "这个上下文管理器验证给定的值是否来自同一个图,确保该图是默认图,并推入名称作用域。",
            "('ValueError', \"the values' graph\")",
            OP_SCOPE_GRAPH_WHY,
        ),
        _claim(
            "(mixed_graphs, variable_op_scope_graph)",
            (
                "这个上下文管理器验证给定的值是否来自同一个图,确保该图是默认图,并推入名称作用域和变"
                "量作用域。"
            ),
            "('ValueError', \"the values' graph\")",
            OP_SCOPE_GRAPH_WHY,
        ),
    ],
    "initializer": "特遣部队。Variable_scope和variable_op_scope添加指定的或默认的初始化式。",
    "advice": [
        "目前,我们建议每个人都使用variable_scope,而不使用name_scope,除了内部代码和库。",
        "除非您知道自己在做什么,否则只坚持使用variable_scope将避免一些令人头痛的问题。",
    ],
    "deprecated": ["对于API r0.11, op_scope和variable_op_scope都已弃用。"],
    "replaced_by": (
        "从r0.11版本开始,op_scope和variable_op_scope都已弃用,并被name_scope和variable_scope所取代。"
    ),
}

KO_QUOTES = {
    "variable_scope_checks": (
        "변수 범위를 사용하면 실수로 만들거나 공유하지 않도록 확인하면서 새 변수를 작성하고 이미 작"
        "성된 변수를 공유 할 수 있습니다."
    ),
    "create_or_retrieve": (
        "이 메소드 tf.get_variable는 변수 이름을 인수로 사용하여 해당 이름으로 새 변수를 작성하거나"
        " 이전에 작성된 변수를 검색 할 수 있습니다."
    ),
    "new_every_time": (
        "이것은 tf.Variable호출 될 때마다 새 변수를 생성하는 생성자를 사용하는 것과 다릅니다 (그리"
        "고 그러한 이름을 가진 변수가 이미 존재하는 경우 변수 이름에 접미사를 추가 할 수 있음)."
    ),
    "same_effect": (
        "두 범위는 모든 작업에 동일한 영향을 미치며을 사용하여 생성 된 변수 tf.Variable, 즉 범위는 "
        "작업 또는 변수 이름의 접두사로 추가됩니다."
    ),
    "ignored": "그러나 이름 범위는로 무시됩니다 tf.get_variable.",
    "only_way": (
        "tf.get_variable범위에서 사용하여 액세스 한 변수를 배치하는 유일한 방법 은 다음 예제와 같이"
        " 변수 범위를 사용하는 것입니다."
    ),
    "name_scope_ops": "tf.name_scope 기본 그래프에서 연산자의 네임 스페이스를 만듭니다.",
    "variable_scope_both": (
        "tf.variable_scope 기본 그래프에서 변수와 연산자 모두에 대한 네임 스페이스를 만듭니다."
    ),
    "ops_only": (
        "변수 범위와 함께 이름 범위를 열 수 있으며, 변수의 이름에는 영향을 미치지 않지만 op의 이름"
        "에만 영향을 미칩니다."
    ),
    "op_scope_graph": "tf.op_scopetf.name_scope지정된 변수가 생성 된 그래프의 경우 와 동일 합니다.",
    "variable_op_scope_graph": (
        "tf.variable_op_scopetf.variable_scope지정된 변수가 생성 된 그래프의 경우 와 동일 합니다."
    ),
    "question_graph_claims": [
        _claim(
            "op_scope_graph",
            "이 컨텍스트 관리자는 제공된 값이 동일한 그래프에 있는지 확인하고 해당 그래프가 기본 "
            "그래프인지 확인하고 이름 범위를 푸시합니다.",
            "ValueError",
            KO_CHECKS_DEFAULT_WHY,
            "garbled",
            "'ensures the graph is the default' translated as 'checks that it is'",
        ),
        _claim(
            "variable_op_scope_graph",
            "이 컨텍스트 관리자는 제공된 값이 동일한 그래프에 있는지 확인하고 해당 그래프가 기본 "
            "그래프인지 확인하고 이름 범위 및 변수 범위를 푸시합니다.",
            "ValueError",
            KO_CHECKS_DEFAULT_WHY,
            "garbled",
            "'ensures the graph is the default' translated as 'checks that it is'",
        ),
    ],
    "initializer": "tf.variable_scopevariable_op_scope지정된 추가하거나 초기화 기본.",
    "advice": [
        "현재 내부 코드 및 라이브러리를 제외하고는 모든 사람이 사용 variable_scope하고 사용하지 않"
        "는 것이 좋습니다 name_scope.",
        "고집으로 variable_scope인해 호환성의이 종류 만 당신은 몇 가지 두통을 피할 수 있습니다.",
    ],
    "deprecated": [
        "API의 r0.11에 관해서는, op_scope그리고 variable_op_scope모두 되지 않습니다 .",
        "variable_op_scopeop_scope 는 모두 더 이상 사용되지 않으며 전혀 사용해서는 안됩니다.",
    ],
    "replaced_by": (
        "버전 r0.11로, op_scope그리고 variable_op_scope모두 사용 중지 하고 대체 name_scope하고 "
        "variable_scope."
    ),
}

TENSORBOARD_KO = _rules(
    "so-rules-tensorboard-ko",
    "where TensorBoard draws b",
    programs.TENSORBOARD_NODES,
    KO,
    [
        _claim(
            "variable_nodes",
            "TensorBoard를 열면 비슷한 패턴이 나타납니다 ( 사각형 b외부에 있음 scope_name).",
            "['b', 'scope_vars/b']",
            "Holds, checked on the graph the FileWriter writes, which is what TensorBoard's "
            "graph tab draws: the node b has no scope_name/ prefix, so it sits outside that "
            "box. TensorBoard itself is not started.",
        )
    ],
    note="The Python 2 answer's scoping function, cut down to its two get_variable calls.",
)

# --- the English summary (003) --------------------------------------------------------

SUMMARY_RULES = (
    _rules(
        "summary-rules-get-variable",
        "get_variable and tf.Variable, as the summary describes them",
        programs.GET_OR_CREATE + programs.NEW_EVERY_TIME,
        SUMMARY,
        [
            _claim(
                "(v.name, fetched is v)",
                "The method tf.get_variable can be used with the name of the variable as argument "
                "to either create a new variable with such name or retrieve the one that was "
                "created before.",
                "('v:0', True)",
                FETCH_NEEDS_REUSE,
            ),
            _claim(
                "new_every_time",
                "This is different from using the tf.Variable constructor which will create a new "
                "variable every time it is called (and potentially add a suffix to the variable "
                "name if a variable with such name already exists).",
                "(True, 'w:0', 'w_1:0')",
                NEW_EVERY_TIME_WHY,
            ),
        ],
    ),
    _rules(
        "summary-rules-prefixes",
        "what each scope prefixes, as the summary states it",
        programs.BOTH_SCOPES,
        SUMMARY,
        [
            _claim(
                "(ns_variable.name, ns_op.name, vs_variable.name, vs_op.name)",
                "Both scopes have the same effect on all operations as well as variables created "
                "using tf.Variable, i.e. the scope will be added as a prefix to the operation or "
                "variable name.",
                "('ns/w:0', 'ns/op:0', 'vs/w:0', 'vs/op:0')",
            ),
            _claim(
                "ns_op.name",
                "1. tf.name_scope creates namespace for operators in the default graph.",
                "ns/op:0",
            ),
            _claim(
                "(vs_got.name, vs_variable.name, vs_op.name)",
                "2. tf.variable_scope creates namespace for both variables and operators in the "
                "default graph.",
                "('vs/g:0', 'vs/w:0', 'vs/op:0')",
            ),
            _claim("ns_got.name", "However, name scope is ignored by tf.get_variable.", "g:0"),
            _claim(
                "slashed.name.startswith('my_scope/')",
                "The only way to place a variable accessed using tf.get_variable in a scope is to "
                "use variable scope",
                "False",
                ONLY_WAY_WHY,
                "half true",
                "'the only way' to prefix get_variable: a name with a slash also does",
            ),
        ],
    ),
    _rules(
        "summary-rules-op-scope",
        "op_scope and variable_op_scope, as the summary describes them",
        programs.OP_SCOPE_GRAPHS + programs.TF2_API,
        SUMMARY,
        [
            _claim(
                "(op_scope_op.name, variable_op_scope_variable.name)",
                "name scope, created using tf.name_scope or tf.op_scope variable scope, created "
                "using tf.variable_scope or tf.variable_op_scope",
                "('fallback/out:0', 'fallback_vars/v:0')",
            ),
            _claim(
                "op_scope_name",
                "they accept an argument default_name which is used instead of name when it is "
                "set to None.",
                "fallback/",
            ),
            _claim(
                "op_scope_graph",
                "Moreover, they accept a list of tensors (values) in order to check if all the "
                "tensors are from the same, default graph.",
                "ValueError",
                CHECKS_DEFAULT_GRAPH_WHY,
                "half true",
                "values must come from one graph, not from the default one",
            ),
            _claim(
                "histogram_summary_exists",
                "This is useful when creating new operations, for example, see the implementation "
                "of tf.histogram_summary.",
                "True",
                "tf.histogram_summary is gone: TensorFlow 1.0 replaced it with "
                "tf.summary.histogram, and tf.compat.v1 has no histogram_summary.",
                "outdated",
                "cites tf.histogram_summary, which no longer exists",
            ),
        ],
    ),
)

# --- the Chinese blog post (002) ------------------------------------------------------

BLOG_RULES = (
    _rules(
        "blog-rules-get-variable",
        "the blog's two ways to make a variable, stated in words",
        programs.GET_OR_CREATE + programs.NEW_EVERY_TIME,
        BLOG,
        [
            _claim(
                "new_every_time",
                (
                    "tf.Variable():只要使用该函数,一律创建新的variable,如果出现重名,变量名后面会自"
                    "动加上后缀1,2…."
                ),
                "(True, 'w:0', 'w_1:0')",
                NEW_EVERY_TIME_WHY,
            ),
            _claim(
                "again",
                "tf.get_variable():如果变量存在,则使用以前创建的变量,如果不存在,则新创建一个变量。",
                "v:0",
                DEFAULT_IS_NOT_FETCH_OR_CREATE,
                "wrong",
                "get_variable's default is not fetch-or-create (that is AUTO_REUSE)",
            ),
        ],
    ),
    _rules(
        "blog-rules-scopes",
        "what the blog says each scope does",
        programs.BOTH_SCOPES + programs.SCOPE_DEFAULTS,
        BLOG,
        [
            _claim(
                "(ns_variable.name, vs_variable.name, ns_got.name)",
                (
                    "这两种作用域都会给tf.Variable()创建的变量加上词头,而tf.name_scope对tf.get_vari"
                    "able()创建的变量没有词头影响"
                ),
                "('ns/w:0', 'vs/w:0', 'g:0')",
            ),
            _claim(
                "initial_value",
                (
                    "变量域(variable scope):通过tf.variable_scope()来实现;可以通过设置reuse 标志以"
                    "及初始化方式来影响域下的变量。"
                ),
                "[3.0]",
                "Holds: a scope's initializer becomes the default of every get_variable in it "
                "(its reuse flag is checked by the sharing examples).",
            ),
        ],
    ),
)

# --- the English how-to article (004) -------------------------------------------------

HOWTO_RULES = (
    _rules(
        "howto-rules-get-variable",
        "get_variable and reuse, as the article states them",
        programs.GET_OR_CREATE + programs.NEW_EVERY_TIME + programs.REUSE_FLAGS,
        HOWTO,
        [
            _claim(
                "hasattr(tf.compat.v1, 'variable')",
                "Tf.name_scope () and tf.variable_scope () are two scopes and are typically used "
                "in conjunction with the two functions tf.variable () and tf.get_variable () that "
                "create / call variables.",
                "True",
                "There is no tf.variable, in TF 1 or 2: the function is tf.Variable, with a "
                "capital V (the article lower-cased it; it also puts a space before every '()').",
                "garbled",
                "tf.Variable written as tf.variable",
            ),
            _claim(
                "v.name",
                "The tf.get_variable () function needs to be used under the scope of "
                "tf.variable_scope",
                "(an error: no variable scope is open)",
                "get_variable works at the top level, with no variable scope open: it made v:0. "
                "It was the same in TensorFlow 1.",
                "wrong",
                "get_variable does not need a variable scope",
            ),
            _claim(
                "(fetched is v, again)",
                "If a shared variable with the same name exists, it will not report an error. If "
                "it is not set to a shared variable, it will report an error.",
                "(True, 'ValueError')",
                "Holds: with reuse=True get_variable returns the existing variable; without it, "
                "asking for an existing name raises ValueError.",
            ),
            _claim(
                "new_every_time[0]",
                "If you use tf.Variable (), you will create a new variable each time.",
                "True",
                NEW_EVERY_TIME_WHY,
            ),
            _claim(
                "again",
                "so we use get_variable (), which searches for variable names, uses them "
                "directly, and doesn't create new ones.",
                "v:0",
                DEFAULT_IS_NOT_FETCH_ONLY,
                "wrong",
                "get_variable's default is not fetch-only (that is reuse=True)",
            ),
            _claim(
                "shared[0]",
                "You need to use the flag reuse when sharing variables, which can be shared when "
                "reuse = True, but not when False.",
                "False",
                "Half true: at the top, reuse=False refuses an existing variable (ValueError), "
                "but inside a scope opened with reuse=True, reuse=False inherits True and the "
                "variable is shared (w_false is w).",
                "half true",
                "reuse=False inherits reuse=True from its parent",
            ),
            _claim(
                "(auto_first.name, auto_again is auto_first)",
                "if it is tf.AUTO_REUSE, we create variables (if they do not exist), otherwise we "
                "return them (for creating variables in the first round)",
                "('auto/w:0', True)",
            ),
            _claim(
                "shared[1]",
                "if it is None, we inherit the reuse flag of the parent scope.",
                "True",
            ),
        ],
    ),
    _rules(
        "howto-rules-parameters",
        "what the article says each parameter of variable_scope does",
        programs.SCOPE_DEFAULTS,
        HOWTO,
        [
            _claim(
                "default_names",
                "2. Default_name: if the name_or_scope parameter is None, the default name is "
                "used, which will be unique; if name_or_scope is provided, it will not be used, "
                "so it is not required and can be None.",
                "('block/w:0', 'block_1/w:0', 'named/w:0')",
            ),
            _claim(
                "initial_value",
                "4. Initializer: the default initializer for variables in this range.",
                "[3.0]",
            ),
            _claim(
                "regularisation_losses",
                "5. Regularizer: the default regularizer for variables in this range.",
                "1",
            ),
            _claim(
                "type(split).__name__",
                "7. Partitioner: the default partitioning program for variables in this range.",
                "PartitionedVariable",
            ),
            _claim(
                "got.name",
                "8. Custom_getter: the default custom inhalation of variables in this range.",
                "got/w_seen:0",
                "Holds: the getter runs for every get_variable in the scope. 'Custom "
                "inhalation' is the translation's word for a custom getter.",
            ),
            _claim(
                "typed.dtype.name",
                "10. Dtype: the type of variable created in this scope.",
                "float64",
            ),
        ],
    ),
)


def _captured_cases(source, quote, lang):
    """The captured-scope sentence run where the old guide's rule does and does not hold."""
    return Example(
        id=f"so-captured-scope-cases{lang}",
        title="a captured variable scope reopened at the top, and with auxiliary_name_scope=False",
        code=programs.CAPTURED_SCOPE_CASES,
        claims=(
            _claim(
                "top.op.name",
                quote,
                "add",
                "Reopened at the top level, the captured scope opens a new name scope foo_1/ "
                "(foo/ was used before), so the op is not left in the top-level name scope.",
                "outdated",
                "a captured variable scope opens a name scope of its own",
            ),
            _claim(
                "kept.op.name",
                quote,
                "bar/add",
                "With auxiliary_name_scope=False the captured scope opens no name scope: the "
                "op stays in bar/, which is what the old guide describes.",
            ),
        ),
        ported=(PROGRAM,),
        sources=(source,),
        shown_only=(
            "the same sentence run in two more settings, to show when it holds; the verdict "
            "that counts is the one under bar/ above"
        ),
    )


EXAMPLES: tuple[Example, ...] = (
    *_thread("zh", ZH, ZH_QUOTES),
    *_thread("ko", KO, KO_QUOTES),
    TENSORBOARD_KO,
    *SUMMARY_RULES,
    *BLOG_RULES,
    *HOWTO_RULES,
)

CAPTURED_CASES = (
    _captured_cases(
        ZH, "当使用捕获的对象而不是字符串打开变量作用域时,我们不改变操作的当前名称作用域。", "-zh"
    ),
    _captured_cases(
        KO,
        (
            "문자열 대신 캡처 된 객체를 사용하여 변수 범위를 열 때 ops의 현재 이름 범위를 변경하지 "
            "않습니다."
        ),
        "",
    ),
)

# --- sentences no claim of their own checks -------------------------------------------

MOTIVE = "a motive or a bit of history, not something running code can show"
OPINION = "advice or an opinion about readability; its TF 2 status is checked with the advice"
DEFINITION = "a definition of a word, predicting no name or behaviour"


def _thread_unchecked(source, sentences):
    return tuple(Unchecked(source, quote, why, by) for quote, why, by in sentences)


UNCHECKED: tuple[Unchecked, ...] = (
    *_thread_unchecked(
        ZH,
        [
            (
                "使用默认图形的graph. name_scope()的包装器。",
                "says how name_scope is built, not what it names",
                "",
            ),
            (
                (
                    "除了variable_scope的功能基本上扩展了name_scope的功能之外,它们在一起的行为方式"
                    "可能会让你感到惊讶"
                ),
                "introduces the example below it",
                "so-foo-bar",
            ),
            ("这种行为有它的用途,并且证明了这两个作用域的共存", OPINION, ""),
            ("Name_scope和variable_scope可以嵌套", "introduces the example below it", "so-ns-vs"),
            (
                '当我们使用tf.variable_scope("name")时,会隐式地打开一个tf.name_scope("name")。',
                "introduces the example below it",
                "so-implicit-name-scope",
            ),
            ("命名空间是一种以分层方式组织变量和操作符名称的方法", DEFINITION, ""),
            (
                (
                    "tf定义的作用域。Variable_op_scope或tf。Variable_scope与tf兼容。Get_variable(它"
                    "忽略了另外两个作用域)"
                ),
                "restates what the op_scope example asserts",
                "so-op-scope",
            ),
            (
                (
                    "特遣部队。Op_scope和tf。Variable_op_scope只是从指定变量列表中选择一个图来创建"
                    "范围。"
                ),
                "restates the two sentences on op_scope's graph, checked as claims",
                "so-rules-op-scope-zh",
            ),
            (
                "您可以将它们看作两组:variable_op_scope和op_scope以一组变量作为输入,用于创建操作。",
                "introduces the example below it",
                "so-op-scope",
            ),
            ("正是为了实现变量共享机制,引入了一种单独类型的作用域(变量作用域)。", MOTIVE, ""),
            (
                "这允许我们轻松地在程序的不同部分共享变量,甚至在不同的名称范围内",
                "introduces the example below it",
                "so-sharing-across-name-scopes",
            ),
        ],
    ),
    *_thread_unchecked(
        KO,
        [
            (
                "Graph.name_scope()기본 그래프 를 사용하기 위한 래퍼입니다 .",
                "says how name_scope is built, not what it names",
                "",
            ),
            (
                (
                    "variable_scope기능이 기본적으로의 기능을 확장 한다는 사실 외에도 name_scope서"
                    "로 잘 어울리지 않는 방법을 고려하십시오."
                ),
                "introduces the example below it",
                "so-foo-bar",
            ),
            (
                "name_scopevariable_scope중첩 될 수 있습니다 :",
                "introduces the example below it",
                "so-ns-vs",
            ),
            (
                (
                    '우리가 할 때 with tf.variable_scope("name")이것은 암묵적으로을 엽니 다 '
                    'tf.name_scope("name").'
                ),
                "introduces the example below it",
                "so-implicit-name-scope",
            ),
            (
                "네임 스페이스는 변수와 연산자의 이름을 계층 적으로 구성하는 방법입니다",
                DEFINITION,
                "",
            ),
            (
                (
                    "범위에 의해 정의 tf.variable_op_scope되거나 tf.variable_scope호환되는 tf.get_v"
                    "ariable범위 (다른 두 가지 범위는 무시)"
                ),
                "restates what the op_scope example asserts",
                "so-op-scope",
            ),
            (
                (
                    "tf.op_scope그리고 tf.variable_op_scope막에 대한 범위를 만들기 위해 지정된 변수"
                    "리스트에서 선택 그래프."
                ),
                "restates the two sentences on op_scope's graph, checked as claims",
                "so-rules-op-scope-ko",
            ),
            (
                (
                    "variable_op_scopeop_scope입력으로 변수 세트를 가지고 작업을 만들 수 있도록 설"
                    "계되었습니다."
                ),
                "introduces the example below it",
                "so-op-scope",
            ),
            (
                "변수 공유 메커니즘의 목적을 위해 별도의 유형의 범위 (변수 범위)가 도입되었습니다.",
                MOTIVE,
                "",
            ),
            (
                (
                    "이를 통해 다른 이름 범위 내에서도 프로그램의 여러 부분에서 변수를 쉽게 공유 할"
                    " 수 있습니다."
                ),
                "introduces the example below it",
                "so-sharing-across-name-scopes",
            ),
            (
                (
                    "이제 tf.variable_scope()모든 변수의 이름에 접두사를 추가하는 방법 (어떻게 작성"
                    "하든 상관 없음), ops, constant가 표시됩니다."
                ),
                "sums up the names the scoping function printed",
                "so-scoping-function",
            ),
            (
                (
                    "반면에 사용하려는 변수와 범위를 알고 있다고 가정하므로 tf.name_scope()작성된 "
                    "변수는 무시합니다 tf.get_variable()."
                ),
                "sums up the names the scoping function printed",
                "so-scoping-function",
            ),
            (
                (
                    "tf.variable_scope():에 전달 된 이름의 네임 스페이스를 관리합니다 tf.get_variab"
                    "le()."
                ),
                "restates what the variable-scope example prints",
                "so-variable-scope-prefixes-all",
            ),
        ],
    ),
    Unchecked(
        SUMMARY,
        "It is for the purpose of the variable sharing mechanism that a separate type of scope "
        "(variable scope) was introduced.",
        MOTIVE,
    ),
    Unchecked(
        SUMMARY,
        "tf.name_scope(name) (for name scope) and tf.variable_scope(name_or_scope, …) (for "
        "variable scope) create a scope with the name specified as argument",
        "gives the parameter lists, checked as signature claims",
        "summary-api",
    ),
    Unchecked(
        BLOG,
        (
            "之所以会出现这两种类型的scope,主要是后者(variable "
            "scope)为了实现tensorflow中的变量共享机制"
        ),
        MOTIVE,
    ),
    Unchecked(
        BLOG,
        (
            "在tensorflow中变量共享机制是通过tf.get_variable()和tf.variable_scope()两者搭配使用来实"
            "现的。"
        ),
        "introduces the example below it",
        "blog-sharing-with-reuse",
    ),
    Unchecked(
        BLOG,
        (
            "当 reuse 设置为 True 或者 tf.AUTO_REUSE 时,表示这个scope下的变量是重用的或者共享的,也"
            "说明这个变量以前就已经创建好了。"
        ),
        "the condition of the next sentence, whose claims check it for True and for AUTO_REUSE",
        "blog-auto-reuse-before-create",
    ),
    Unchecked(
        HOWTO,
        "Why use two different scopes? The main reason is related to variable sharing.",
        MOTIVE,
    ),
    Unchecked(
        HOWTO,
        "Variable sharing mainly involves two functions: tf.Variable () and tf.get_variable ()",
        "names the two functions; what each does is checked with the next sentences",
        "howto-rules-get-variable",
    ),
    Unchecked(
        HOWTO,
        "1. Name_or_scope: name of the scope.",
        "describes the parameter every example passes; the scope names they print check it",
        "howto-reuse-true",
    ),
    Unchecked(
        HOWTO,
        "3. Values: a list of Tensor parameters passed to the operation function.",
        "says what to pass, predicting no name or behaviour",
    ),
    Unchecked(
        HOWTO,
        "6. Caching_device: the default cache device for variables in this range.",
        "needs a second device: a caching device only changes where reads are cached, "
        "which changes no name on a one-CPU machine",
    ),
    Unchecked(
        HOWTO,
        "If it is True, we can start to share variables and restructure variables;",
        "checked by the article's own reuse=True program",
        "howto-reuse-true",
    ),
)
