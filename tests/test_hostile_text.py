"""Every string a user controls, through every view that shows it.

One hostile string (markup, both quotes, an ampersand, a newline, bidi controls,
10,000 more characters) goes into each field that can carry user text: op,
variable and scope names, notes, error messages, checkpoint keys and causes,
exercise messages, claim texts. Each view that shows the field must keep it inert:

* HTML: escaped (no tag, no attribute break-out), the text still readable;
* text: the string stays on its own line (a newline in a name must not start a
  new line that reads like the view's own), and bidi controls are not passed raw
  (they would reorder what the reader sees around them);
* widget: the string travels as plain data, unchanged (the view inserts text);
* nothing raises, and the string is not lost.

The oracle is the hostile string itself, and the standard library's html.escape.
"""

import json
import re
from html import escape

import pytest

import scopekit
from scopekit.checkpoint import Comparison, Entry
from scopekit.records import OpRecord, ScopeRecord, VariableRecord

# No '/' in it: a slash would make it a scope path, cut where the views mark prefixes.
MARKUP = "<img src=x onerror=alert(1)>\"'&<script>alert(2)"
TAIL = "after-newline \u202eexe.txt\u2066 end"
HOSTILE = MARKUP + "\n" + TAIL + "x" * 10_000
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

# ---------------------------------------------------------------------------
# The fields, each as the smallest capture (or object) that carries it.


def _capture(ops=(), variables=(), scopes=(), error=None):
    capture = scopekit.Capture(None, "fresh")
    capture.ops, capture.variables, capture.scopes = list(ops), list(variables), list(scopes)
    capture.error = error
    capture.closed = True
    return capture


def _op(name, ns="", vs="", type_="Const"):
    return OpRecord(name, type_, ns, vs, "", "other")


def _var(name, requested, ns="", vs="", creator="get_variable"):
    return VariableRecord(name, requested, creator, False, ns, vs, "other", (), "float32")


def _scope(ns, vs="", kind="name_scope", requested=None):
    return ScopeRecord(kind, requested if requested is not None else ns, ns, vs, False, "user")


def _op_name():
    return _capture(ops=[_op(f"{HOSTILE}/{HOSTILE}", ns=HOSTILE)])


def _op_type():
    return _capture(ops=[_op("a", type_=HOSTILE)])


def _variable_name():
    return _capture(variables=[_var(f"scope/{HOSTILE}", HOSTILE, vs="scope")])


def _scope_names():
    # A name scope and a variable scope, as their records carry them.
    return _capture(
        scopes=[
            _scope(HOSTILE),
            _scope(f"{HOSTILE}_1", HOSTILE, kind="variable_scope", requested=HOSTILE),
        ],
        ops=[_op(f"{HOSTILE}_1/y", ns=f"{HOSTILE}_1", vs=HOSTILE)],
    )


def _note():
    # A renamed variable: the note quotes the name asked for and the one given.
    capture = _capture(variables=[_var(f"{HOSTILE}_1", HOSTILE, creator="Variable")])
    assert capture.notes and HOSTILE in capture.notes[0].message
    return capture


def _error():
    return _capture(ops=[_op("a")], error=ValueError(HOSTILE))


CAPTURE_FIELDS = {
    "op name": _op_name,
    "op type": _op_type,
    "variable name": _variable_name,
    "scope names": _scope_names,
    "note": _note,
    "error message": _error,
}


def _comparison_key():
    return Comparison(
        checkpoint=HOSTILE,
        format="object-based",
        unexpected=[Entry(key=HOSTILE, saved_name=HOSTILE, checkpoint_shape=(2,))],
        missing=[Entry(name=HOSTILE, shape=(2,))],
        matched=[Entry(name=HOSTILE, key=HOSTILE, saved_name=HOSTILE, shape=(1,))],
    )


def _comparison_cause():
    return Comparison(
        checkpoint="ckpt",
        format="name-based",
        missing=[Entry(name="a", shape=(2,), counterpart="b", rule="suffix", cause=HOSTILE)],
        unexpected=[Entry(key="b", saved_name="b", counterpart="a", rule="suffix", cause=HOSTILE)],
    )


# ---------------------------------------------------------------------------
# The checks every view gets.


def check_html(html):
    assert "<img" not in html and "<script" not in html, "markup passed through unescaped"
    assert escape(MARKUP) in html or escape(MARKUP, quote=False) in html
    # Quotes must not end an attribute: no raw quote follows the escaped markup.
    for attribute in re.findall(r"""=(["'])(.*?)\1""", html):
        assert "<" not in attribute[1]


def check_text_keeps_lines(text):
    # The newline inside the user's string must not begin a line of the view.
    for line in text.split("\n"):
        assert not line.lstrip().startswith(TAIL[:12]), f"a name broke a line: {line[:60]!r}"


def check_text_no_raw_bidi(text):
    assert not BIDI.search(text), "raw bidi control in a text view"


def check_not_lost(text):
    assert "x" * 200 in text or "more" in text or "..." in text


# ---------------------------------------------------------------------------
# Tests


@pytest.mark.parametrize("field", list(CAPTURE_FIELDS))
def test_capture_html_escapes_the_users_text(field):
    html = CAPTURE_FIELDS[field]().to_html()
    check_html(html)
    check_not_lost(html)


@pytest.mark.parametrize("field", list(CAPTURE_FIELDS))
def test_capture_text_keeps_each_users_string_on_its_line(field):
    text = CAPTURE_FIELDS[field]().to_text()
    check_not_lost(text)
    check_text_no_raw_bidi(text)
    if field == "error message":
        # The error's own message may have lines; it is said after the tree, in full,
        # each bidi control written out as its code.
        assert _bidi_written_out(HOSTILE) in text
        return
    check_text_keeps_lines(text)


def _bidi_written_out(text):
    return BIDI.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@pytest.mark.parametrize("view", ["to_text", "to_html"])
def test_capture_views_do_not_pass_bidi_controls_raw(view):
    check_text_no_raw_bidi(getattr(_op_name(), view)())


@pytest.mark.parametrize("field", list(CAPTURE_FIELDS))
def test_widget_payload_carries_the_users_text_as_plain_data(field, monkeypatch):
    pytest.importorskip("anywidget")
    import comm
    from comm.base_comm import BaseComm, CommManager

    from scopekit.widget import ScopeTreeWidget

    class Silent(BaseComm):
        kernel = "recording"

        def publish_msg(self, *args, **kwargs):
            pass

    manager = CommManager()
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: Silent(*a, **k))
    monkeypatch.setattr(comm, "get_comm_manager", lambda: manager)
    capture = CAPTURE_FIELDS[field]()
    widget = ScopeTreeWidget(capture)
    try:
        state = {"header": widget.header, "initial": widget.initial}
        payload = json.dumps(state)  # what the comm sends: JSON, no HTML
        assert json.loads(payload) == state
        strings = set(_strings(state))
        if field in ("op name", "scope names", "variable name", "op type"):
            # The node's label or summary carries the string, unchanged and unescaped.
            assert any(HOSTILE in s for s in strings), sorted(s[:40] for s in strings)
        if field in ("note", "error message"):
            assert any(HOSTILE in s for s in strings)
        assert not any(escape(MARKUP) in s for s in strings), "pre-escaped data"
    finally:
        widget.close()


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


CHECKPOINT_FIELDS = {"checkpoint key": _comparison_key, "likely cause": _comparison_cause}


@pytest.mark.parametrize("field", list(CHECKPOINT_FIELDS))
def test_checkpoint_comparison_html_escapes_keys_and_causes(field):
    comparison = CHECKPOINT_FIELDS[field]()
    check_html(comparison.to_html())
    check_html(comparison._repr_mimebundle_()["text/html"])
    assert json.loads(json.dumps(comparison.to_dict()))["checkpoint"] == comparison.checkpoint


@pytest.mark.parametrize("field", list(CHECKPOINT_FIELDS))
def test_checkpoint_comparison_text_keeps_each_key_on_its_line(field):
    text = CHECKPOINT_FIELDS[field]().to_text()
    check_not_lost(text)
    check_text_keeps_lines(text)
    check_text_no_raw_bidi(text)


def test_exercise_message_quotes_the_users_answer_on_its_line(tf):
    from scopekit import exercises

    v1 = tf.compat.v1
    with scopekit.capture() as cap:  # the exercise's cell: a tf.Variable, a get_variable, an op
        with v1.variable_scope("outer"):
            tf.Variable(1.0, name="a")
            v1.get_variable("b", shape=())
            tf.constant(1.0, name="c")
    with pytest.raises(exercises.ExerciseNotSolved) as raised:
        exercises.check("predict_names", cap, predicted={"a": HOSTILE, "b": "?", "c": "?"})
    shown = "\n".join(raised.value._render_traceback_())
    check_not_lost(shown)
    wrong = [line for line in shown.split("\n") if line.startswith("  wrong: ")]
    assert any(MARKUP in line for line in wrong)
    check_text_keeps_lines(shown)
    check_text_no_raw_bidi(shown)
    # The answer is quoted whole on its one line, its newline written as \n.
    assert any(MARKUP + "\\n" + "after-newline" in line for line in wrong)


def _claims_result():
    from scopekit.sources.model import Check, Claim, Example, Result

    claim = Claim(expression=HOSTILE, claimed=HOSTILE, why=HOSTILE, kind="")
    example = Example(id="hostile", title=HOSTILE, code=HOSTILE, claims=(claim,), note=HOSTILE)
    return Result(
        example=example,
        capture=_op_name(),
        checks=[Check(claim=claim, actual=HOSTILE, holds=False)],
        error=ValueError(HOSTILE),
        stdout=HOSTILE,
        logged=[HOSTILE],
    )


def test_claim_texts_are_escaped_in_the_sources_views():
    from scopekit.sources.sidebyside import ClaimsTable, SideBySide

    result = _claims_result()
    for view in (SideBySide(HOSTILE, [result]), ClaimsTable([result])):
        check_html(view.to_html())
        check_not_lost(view.to_text())


def test_claims_table_text_keeps_each_claim_on_its_line():
    from scopekit.sources.sidebyside import ClaimsTable

    text = ClaimsTable([_claims_result()]).to_text()
    check_not_lost(text)
    check_text_keeps_lines(text)
