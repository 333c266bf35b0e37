"""The thread rule: a capture records what its own thread does.

Threads build at the same time (a barrier lines them up); each capture must hold
exactly what its own thread made, as TensorFlow's own graph and variables say.
"""

import threading

from scopekit import capture

THREADS = 3
STEPS = 40


def _in_threads(work):
    """Run ``work(k, barrier)`` in THREADS threads at once; re-raise the first error."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def run(k):
        try:
            work(k, barrier)
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_graph_captures_in_concurrent_threads_record_only_their_own_thread(tf):
    captures, built = {}, {}

    def work(k, barrier):
        with capture() as cap:
            barrier.wait()
            x = tf.constant(1.0, name=f"x{k}")
            names = []
            for step in range(STEPS):
                with tf.compat.v1.variable_scope(f"t{k}_{step}"):
                    w = tf.compat.v1.get_variable("w", [], use_resource=True)
                    x = x * w
                    names.append(w.name)
            barrier.wait()
        captures[k], built[k] = cap, names

    _in_threads(work)
    for k, cap in captures.items():
        assert len(cap.graphs) == 1
        assert [o.name for o in cap.ops] == [o.name for o in cap.graph.get_operations()]
        assert [v.name for v in cap.variables] == [n.split(":")[0] for n in built[k]]
        assert {s.name_scope.split("_")[0] for s in cap.scopes} == {f"t{k}"}


def test_a_capture_does_not_adopt_graphs_other_threads_make(tf):
    opened, made = threading.Event(), threading.Event()
    others = []

    def other_thread():
        opened.wait()
        graph = tf.Graph()
        with graph.as_default():
            tf.constant(1.0, name="elsewhere")
        others.append(graph)
        made.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    with capture() as cap:
        tf.constant(1.0, name="here")
        opened.set()
        made.wait()
        own = tf.Graph()
        with own.as_default():
            tf.constant(2.0, name="mine")
    thread.join()
    assert cap.graphs == [cap.graph, own]
    assert [o.name for o in cap.ops] == ["here", "mine"]


def test_a_thread_building_into_the_captured_graph_is_not_recorded(tf):
    with capture() as cap:
        tf.constant(1.0, name="here")

        def other_thread():
            with cap.graph.as_default():
                tf.constant(2.0, name="from_another_thread")

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert "from_another_thread" in [o.name for o in cap.graph.get_operations()]
    assert [o.name for o in cap.ops] == ["here"]


def test_eager_captures_in_concurrent_threads_record_only_their_own_variables(tf):
    captures, made = {}, {}

    def work(k, barrier):
        with capture(eager=True) as cap:
            barrier.wait()
            mine = []
            for step in range(STEPS):
                with tf.name_scope(f"e{k}"):
                    mine.append(tf.Variable(float(step), name=f"v{k}_{step}"))
            barrier.wait()
        captures[k], made[k] = cap, mine

    _in_threads(work)
    for k, cap in captures.items():
        assert [v.name for v in cap.variables] == [v.name.split(":")[0] for v in made[k]]
        assert {s.name_scope for s in cap.scopes} == {f"e{k}"}


def test_an_inner_capture_graph_is_not_the_outer_cells(tf):
    with capture() as outer:
        tf.constant(1.0, name="outside")
        with capture() as inner:
            tf.constant(2.0, name="inside")
    assert len(outer.graphs) == 1 and [o.name for o in outer.ops] == ["outside"]
    assert [o.name for o in inner.ops] == ["inside"]
