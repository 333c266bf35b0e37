"""The widget's first payload at a WIDE tree: many top-level scopes, each holding a few ops.

Deep trees were measured before; a wide one is where a first-show budget that is
never spent shows up (every top-level scope opened: hundreds of nodes more). The
oracle counts the nodes in the state the browser receives and checks the contract
written beside the constant: at most one page of the root plus FIRST_SHOW_BUDGET
nodes, scopes opened from the top of the list down, each opened node's children
sent with it.
"""

import pytest

import scopekit
from scopekit.records import OpRecord
from scopekit.widget import FIRST_SHOW_BUDGET, PAGE, ScopeTreeWidget, first_show_payload_size


def _wide(scopes, ops_each):
    capture = scopekit.Capture(None, "fresh")
    # Names that do not fold into a series: 'blk{i}x' has no trailing number.
    capture.ops = [
        OpRecord(f"blk{i}x/op{j}x", "Identity", f"blk{i}x", "", "", "name_scope")
        for i in range(scopes)
        for j in range(ops_each)
    ]
    capture.closed = True
    return capture


@pytest.fixture
def quiet_comms(monkeypatch):
    import comm
    from comm.base_comm import BaseComm, CommManager

    class Silent(BaseComm):
        kernel = "recording"

        def publish_msg(self, *args, **kwargs):
            pass

    manager = CommManager()
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: Silent(*a, **k))
    monkeypatch.setattr(comm, "get_comm_manager", lambda: manager)


@pytest.mark.parametrize("scopes, ops_each", [(150, 4), (1000, 2), (40, 20)])
def test_first_show_of_a_wide_tree_stays_within_its_budget(quiet_comms, scopes, ops_each):
    widget = ScopeTreeWidget(_wide(scopes, ops_each))
    try:
        initial = widget.initial
    finally:
        widget.close()
    root_batch, *opened_batches = initial["batches"]
    top_labels = [f"blk{i}x" for i in range(scopes)]
    # The root's first page, in creation order.
    assert [n["label"] for n in root_batch["nodes"]] == top_labels[:PAGE]
    assert root_batch["total"] == scopes
    sent_below_root = sum(len(b["nodes"]) for b in opened_batches)
    assert sent_below_root <= FIRST_SHOW_BUDGET, (
        f"{sent_below_root} nodes below the root at first show, budget {FIRST_SHOW_BUDGET}"
    )
    # Opened from the top down: the opened scopes are the first ones of the list.
    ids = {n["id"]: n["label"] for n in root_batch["nodes"]}
    opened_labels = [ids[i] for i in initial["open"]]
    assert opened_labels == top_labels[: len(opened_labels)]
    assert opened_labels, "a wide tree of small user scopes opens its first scopes"
    # Each opened scope came with all its children (they are few), no partial ones.
    for batch in opened_batches:
        assert len(batch["nodes"]) == ops_each
    # The budget is used, not left idle: as many scopes open as fit in it.
    fitting = min(scopes, PAGE, FIRST_SHOW_BUDGET // ops_each)
    assert len(opened_labels) == fitting


def test_first_payload_bytes_do_not_grow_with_width(quiet_comms):
    narrow = first_show_payload_size(_wide(150, 4))
    wide = first_show_payload_size(_wide(5000, 4))
    # Past one page of the root, more top-level scopes add nothing to the first payload.
    assert wide < 1.5 * narrow, (narrow, wide)
