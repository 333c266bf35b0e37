"""The counts and sentences that sum a source up, on hand-made verdicts.

The oracle is the claim data written here: every count the sentences state is
computed in the test from the checks it made, never by the tallies module.
"""

from scopekit.sources.model import Check, Claim, Example, Result, Unchecked
from scopekit.sources.tallies import LOGGED_ADVICE, Sentences, Verdicts, advice_notes, tally


def _result(example_id, title, checks, shown_only=""):
    """A Result with these (claim, actual, holds) checks, as running its example gave."""
    claims = tuple(claim for claim, _, _ in checks)
    example = Example(id=example_id, title=title, code="", claims=claims, shown_only=shown_only)
    return Result(
        example=example,
        capture=None,
        checks=[Check(claim, actual, holds) for claim, actual, holds in checks],
    )


GARBLED = Claim("a.name", "'a:O'", why="an O for a 0", kind="garbled", finding="O for 0")
GARBLED_AGAIN = Claim("b.name", "'b:O'", why="the same O", kind="garbled", finding="O for 0")
OLD = Claim("c.name", "'c'", why="TF 1 printed no :0", kind="outdated")
UNREACHED = Claim("d.name", "'d:0'", why="the code raises first", kind="wrong")
UNEXPLAINED = Claim("e.name", "'e:0'")
HOLDS = Claim("x.name", "'x:0'")

RESULTS = [
    _result(
        "mixed",
        "Names of a, b, c",
        [
            (HOLDS, "x:0", True),
            (GARBLED, "a:0", False),
            (OLD, "c:0", False),
            (GARBLED_AGAIN, "b:0", False),
            (UNREACHED, None, False),
        ],
    ),
    _result("all-hold", "Scopes nest", [(HOLDS, "x:0", True), (HOLDS, "x:0", True)]),
    _result("shown", "Pasted after another", [(HOLDS, "y", False)] * 3, shown_only="pasted"),
    _result("no-claims", "Nothing to check", []),
    _result("unexplained", "A surprise", [(UNEXPLAINED, "f:0", False), (HOLDS, "x:0", True)]),
    _result("rule", "A rule in words", [(HOLDS, "x:0", True)] * 2 + [(OLD, "c:0", False)]),
    _result("second-rule", "Another rule", [(HOLDS, "x:0", True)]),
]
RULES = frozenset({"rule", "second-rule"})
UNCHECKED = [
    Unchecked("000", "An opinion.", "an opinion"),
    Unchecked("000", "A date.", "a date"),
    Unchecked("000", "See below.", "introduces it", checked_by="mixed"),
]


def _counted_checks():
    return [c for r in RESULTS if r.example.counted for c in r.checks]


def test_tally_counts_counted_claims_and_groups_failures_by_finding():
    checks = _counted_checks()
    claims, holds = len(checks), sum(c.holds for c in checks)
    assert (claims, holds) == (13, 7)
    t = tally(RESULTS, UNCHECKED)
    assert (t.claims, t.holds, t.fail) == (claims, holds, claims - holds)
    assert t.not_reached == sum(c.actual is None for c in checks) == 1
    assert t.shown_only == 3
    assert (t.unchecked, t.checked_by_example) == (2, 1)
    assert t.statements == claims + 3
    # One finding per mistake, in the order first met, with how many claims it spoils.
    assert [(f.kind, f.words, f.count, f.example) for f in t.findings] == [
        ("garbled", "O for 0", 2, "mixed"),
        ("outdated", "TF 1 printed no :0", 2, "mixed"),
        ("wrong", "the code raises first", 1, "mixed"),
        ("unexplained", "no explanation yet", 1, "unexplained"),
    ]
    assert [f.line for f in t.findings] == [
        "O for 0 (garbled, 2 claims; see mixed)",
        "TF 1 printed no :0 (outdated, 2 claims; see mixed)",
        "the code raises first (wrong; see mixed)",
        "no explanation yet (unexplained; see unexplained)",
    ]
    assert t.line == ("13 claims: 7 hold, 6 do not (4 findings); 2 more sentences not checkable")


def test_a_tally_of_one_says_one_in_the_singular():
    one = [_result("one", "One", [(GARBLED, "a:0", False)])]
    t = tally(one, [Unchecked("000", "An opinion.", "an opinion")])
    assert t.line == "1 claim: 0 hold, 1 do not (1 finding); 1 more sentence not checkable"
    assert (
        tally([], []).line
        == "0 claims: 0 hold, 0 do not (0 findings); 0 more sentences not checkable"
    )


def test_verdicts_opening_lists_what_is_right_wrong_and_obsolete():
    v = Verdicts("the test source", RESULTS, UNCHECKED, RULES)
    # Counted examples whose every claim holds, rules apart.
    assert v.right() == ["Scopes nest"]
    assert (v.rules_right(), v.rules_total()) == (3, 4)
    assert [f.words for f in v.wrong()] == [
        "O for 0",
        "the code raises first",
        "no explanation yet",
    ]
    assert [f.words for f in v.obsolete()] == ["TF 1 printed no :0"]
    assert str(v.opening()) == "\n".join(
        [
            "**Right** (7 of 13 claims hold):",
            "- Scopes nest",
            "- 3 of the 4 claims testing rules it states in words",
            "",
            "**Wrong** (3 findings):",
            "- O for 0 (garbled, 2 claims; see mixed)",
            "- the code raises first (wrong; see mixed)",
            "- no explanation yet (unexplained; see unexplained)",
            "",
            "**Obsolete in TensorFlow 2**:",
            "- TF 1 printed no :0 (outdated, 2 claims; see mixed)",
        ]
    )
    assert str(v.opening(most=1)) == "\n".join(
        [
            "**Right** (7 of 13 claims hold):",
            "- Scopes nest",
            "- 3 of the 4 claims testing rules it states in words",
            "",
            "**Wrong** (3 findings):",
            "- O for 0 (garbled, 2 claims; see mixed)",
            "",
            "**Obsolete in TensorFlow 2**:",
            "- TF 1 printed no :0 (outdated, 2 claims; see mixed)",
        ]
    )


def test_verdicts_opening_of_a_source_with_nothing_wrong():
    fine = [_result(f"ok-{n}", f"Example {n}", [(HOLDS, "x:0", True)]) for n in range(5)]
    v = Verdicts("a careful source", fine)
    assert str(v.opening()) == "\n".join(
        ["**Right** (5 of 5 claims hold):", "- Example 0", "- Example 1", "- Example 2"]
    )
    assert str(v.summary()) == (
        "- Of the 5 claims quoted from a careful source, 5 hold on the TensorFlow installed "
        "here and 0 do not.\n"
        "- 5 statements listed: 5 claims, 0 sentences introducing or restating an example, "
        "0 not checkable by running code."
    )


def test_verdicts_summary_states_every_count_and_finding():
    v = Verdicts("the test source", RESULTS, UNCHECKED, RULES)
    assert str(v.summary()) == "\n".join(
        [
            "- Of the 13 claims quoted from the test source, 7 hold on the TensorFlow "
            "installed here and 6 do not, in 4 findings (1 garbled, 1 outdated, 1 wrong, "
            "1 unexplained).",
            "  - O for 0 (garbled, 2 claims; see mixed)",
            "  - TF 1 printed no :0 (outdated, 2 claims; see mixed)",
            "  - the code raises first (wrong; see mixed)",
            "  - no explanation yet (unexplained; see unexplained)",
            "- 16 statements listed: 13 claims, 1 sentence introducing or restating an "
            "example, 2 not checkable by running code.",
            "- 3 more verdicts shown outside the claims' own setting (a snippet run after "
            "another one, say), not counted.",
            "- 1 claim not reached: the code stopped first.",
        ]
    )
    # Two findings of one kind are counted as two of that kind.
    two_garbled = [
        _result("g1", "G1", [(GARBLED, "a:0", False)]),
        _result("g2", "G2", [(OLD, "c:0", False), (UNREACHED, "d", False)]),
        _result("g3", "G3", [(Claim("z", "1", why="another", kind="garbled"), "2", False)]),
        _result("s", "S", [(HOLDS, "x:0", True)], shown_only="pasted"),
    ]
    summary = str(Verdicts("four", two_garbled).summary())
    assert summary.splitlines()[0] == (
        "- Of the 4 claims quoted from four, 0 hold on the TensorFlow installed here and 4 "
        "do not, in 4 findings (2 garbled, 1 outdated, 1 wrong)."
    )
    assert "- 1 more verdict shown outside" in summary
    assert "not reached" not in summary


def test_verdicts_and_sentences_show_as_markdown_and_text():
    v = Verdicts("the test source", RESULTS, UNCHECKED, RULES)
    both = f"{v.opening()}\n\n{v.summary()}"
    assert str(v) == repr(v) == v._repr_markdown_() == both
    sentences = Sentences("**bold** words")
    assert str(sentences) == repr(sentences) == sentences._repr_markdown_() == "**bold** words"


def test_logged_advice_that_fails_in_tf2_gets_its_note():
    logged = [
        "From x.py:3: op_scope (from tensorflow) is deprecated. Instructions for updating: "
        "use tf.name_scope(name, default_name, values)",
        "something else",
    ]
    [(advice, note)] = [(a, n) for a, n in LOGGED_ADVICE.items() if a.startswith("use tf.name")]
    assert advice_notes(logged) == [note]
    assert "TypeError" in note and "tf.compat.v1.name_scope(name, default_name, values)" in note
    assert advice_notes(["nothing to see"]) == []
    both = logged + ["use tf.variable_scope(name, default_name, values) instead"]
    assert advice_notes(both) == list(LOGGED_ADVICE.values())
