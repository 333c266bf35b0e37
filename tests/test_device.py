"""Device choice, the GPU fallback, placement in the tree, and values from real runs.

Two kinds of test. The CPU path (no GPU, or a GPU asked for where there is none)
runs on every machine: ``no_gpu`` makes scopekit see no GPU, so on a GPU machine
too the fallback really runs on the CPU. The GPU path is marked ``gpu`` and runs
only where TensorFlow sees a GPU; elsewhere it is reported as skipped, with the
reason, never passed (``pytest -m gpu`` runs only those).
"""

import pytest

import scopekit.device
from scopekit import capture
from scopekit.device import CPU, GPU, NO_GPU_ASKED, NO_GPU_AUTO, short_device
from scopekit.exercises import RunError, choose_device, on_device, run, visible_gpus
from tests.conftest import run as run_cell


@pytest.fixture
def no_gpu(monkeypatch):
    """scopekit sees no GPU, as on a machine without one (the fallback path)."""
    monkeypatch.setattr(scopekit.device, "visible_gpus", lambda: [])


@pytest.fixture
def gpu(tf):
    """For tests marked ``gpu``: skip, saying why, where TensorFlow sees no GPU."""
    if not tf.config.list_physical_devices("GPU"):
        pytest.skip("GPU-only test: TensorFlow sees no GPU on this machine")


def test_visible_gpus_is_what_tensorflow_reports(tf):
    assert visible_gpus() == tf.config.list_physical_devices("GPU")


def test_cpu_is_always_the_cpu_and_silent():
    choice = choose_device("cpu")
    assert (choice.device, choice.message, choice.kind) == (CPU, "", "CPU")


@pytest.mark.parametrize("request_", ["auto", "gpu"])
def test_without_a_gpu_auto_and_gpu_fall_back_in_one_line(request_, no_gpu):
    choice = choose_device(request_)
    assert choice.device == CPU and choice.fell_back
    assert choice.message == (NO_GPU_AUTO if request_ == "auto" else NO_GPU_ASKED)
    assert "\n" not in choice.message  # one line


@pytest.mark.gpu
@pytest.mark.parametrize("request_", ["auto", "gpu"])
def test_with_a_gpu_auto_and_gpu_take_it_silently(request_, gpu):
    choice = choose_device(request_)
    assert (choice.device, choice.message, choice.fell_back) == (GPU, "", False)


def test_the_decision_itself_on_both_kinds_of_machine():
    # The rule, given the list of GPUs: the same code path a GPU machine takes.
    assert choose_device("auto", gpus=["a GPU"]).device == GPU
    assert choose_device("gpu", gpus=["a GPU"]).device == GPU
    assert choose_device("cpu", gpus=["a GPU"]).device == CPU
    assert choose_device("gpu", gpus=[]).message == NO_GPU_ASKED


def test_a_bad_request_says_what_to_use():
    with pytest.raises(ValueError, match="one of 'auto', 'cpu' or 'gpu', not 'tpu'"):
        choose_device("tpu")


def test_short_device_names():
    assert short_device("/job:localhost/replica:0/task:0/device:CPU:0") == "CPU:0"
    assert short_device("/device:GPU:0") == "GPU:0"
    assert short_device("") == ""


def build_and_run(tf, device, fetches="y"):
    with capture() as cap, on_device(device, announce=False):
        x = tf.constant([1.0, 2.0, 3.0], name="x")
        with tf.compat.v1.variable_scope("layer"):
            w = tf.compat.v1.get_variable(
                "w", shape=(3,), initializer=tf.compat.v1.constant_initializer(2.0)
            )
        tf.square(x * w, name="y")
    return cap, run(cap, fetches, device=device)


def test_cpu_run_values_and_placement_recorded(tf):
    cap, result = build_and_run(tf, "cpu")
    assert result["y:0"].tolist() == [4.0, 16.0, 36.0]
    assert result.devices() == ["CPU:0"]
    # Every op the run needed is reported, with the device it ran on...
    assert {"x", "layer/w", "mul", "y"} <= set(result.placement)
    assert all(d.endswith("device:CPU:0") for d in result.placement.values())
    # ...and the capture's tree shows it.
    assert cap.ops[[o.name for o in cap.ops].index("y")].device.endswith("CPU:0")
    assert "y  Square  on CPU:0" in cap.to_text()
    assert "on CPU:0" in cap.to_html()
    text = result.to_text()
    assert text.splitlines()[0] == "Ran on CPU:0 (asked: cpu)"
    assert "  y:0 = [ 4., 16., 36.]" in text


def test_gpu_request_without_a_gpu_runs_on_the_cpu_and_says_so_once(tf, no_gpu, capsys):
    cap, result = build_and_run(tf, "gpu")
    square = next(o for o in cap.ops if o.name == "y")
    assert capsys.readouterr().out == NO_GPU_ASKED + "\n"  # by run(); on_device was quiet
    assert square.device.endswith("CPU:0") and result.devices() == ["CPU:0"]
    assert result["y:0"].tolist() == [4.0, 16.0, 36.0]


@pytest.mark.gpu
def test_gpu_request_with_a_gpu_runs_there(tf, gpu, capsys):
    cap, result = build_and_run(tf, "gpu")
    square = next(o for o in cap.ops if o.name == "y")
    assert capsys.readouterr().out == ""
    assert square.device.endswith("GPU:0") and "GPU:0" in result.devices()
    assert result.placement["y"].endswith("GPU:0")
    assert result["y:0"].tolist() == [4.0, 16.0, 36.0]


def test_on_device_without_a_gpu_places_ops_on_the_cpu(tf, no_gpu, capsys):
    with capture() as cap, on_device("auto") as choice:
        tf.constant(1.0, name="c")
    assert choice.device == CPU and cap.ops[0].device == CPU
    assert capsys.readouterr().out == NO_GPU_AUTO + "\n"


@pytest.mark.gpu
def test_on_device_with_a_gpu_places_ops_on_it(tf, gpu, capsys):
    with capture() as cap, on_device("auto") as choice:
        tf.constant(1.0, name="c")
    assert choice.device == GPU and cap.ops[0].device == GPU
    assert capsys.readouterr().out == ""


def test_run_a_variable_and_several_fetches(tf):
    cap, result = build_and_run(tf, "cpu", fetches="layer/w, x:0")
    assert result["layer/w"].tolist() == [2.0, 2.0, 2.0]
    assert result["x:0"].tolist() == [1.0, 2.0, 3.0]


def test_run_errors_are_explained(tf):
    cap, _ = build_and_run(tf, "cpu")
    with pytest.raises(RunError, match="Nothing named 'nope' in the cell's graph"):
        run(cap, "nope")
    with capture() as empty:
        pass
    with pytest.raises(RunError, match="Nothing named 'y': the cell built nothing in its graph"):
        run(empty, "y")
    with capture() as elsewhere:
        with tf.Graph().as_default():
            tf.constant(1.0, name="own")
    with pytest.raises(RunError, match=r"'own' is in a graph the cell made itself \(graph 1"):
        run(elsewhere, "own")
    with capture(eager=True) as eager:
        tf.constant(1.0, name="x")
    with pytest.raises(RunError, match="An eager capture has no graph to run"):
        run(eager, "x")
    with pytest.raises(RunError, match="Nothing to run"):
        run(cap, " , ")
    with capture() as fed:
        p = tf.compat.v1.placeholder(tf.float32, (2,), name="p")
        tf.identity(p, name="q")
    with pytest.raises(RunError, match="TensorFlow could not run q:0: You must feed a value"):
        run(fed, "q")
    assert run(fed, "q", feed_dict={p: [1.0, 2.0]})["q:0"].tolist() == [1.0, 2.0]


# -- the magic -------------------------------------------------------------

CELL = """%%scopes --text {options}
with tf.compat.v1.variable_scope('tower'):
    w = tf.compat.v1.get_variable('w', shape=(2,), initializer=tf.compat.v1.ones_initializer())
x = tf.constant([1.0, 2.0], name='x')
y = tf.square(x * w, name='y')
"""


def test_magic_device_gpu_without_a_gpu_runs_on_the_cpu(shell, capsys, no_gpu):
    result = run_cell(shell, CELL.format(options="--device gpu --run y,tower/w -o cap"))
    assert result.success
    out = capsys.readouterr().out
    assert out.splitlines()[0] == NO_GPU_ASKED  # the fallback, in one line, before anything
    assert out.count(NO_GPU_ASKED) == 1
    assert "y  Square  on CPU:0" in out
    assert "  y:0 = [1., 4.]" in out
    assert "  tower/w = [1., 1.]" in out
    assert "Where each op ran" in out
    assert shell.user_ns["cap"].ops[-1].device.endswith("CPU:0")


@pytest.mark.gpu
def test_magic_device_gpu_with_a_gpu_runs_there(shell, capsys, gpu):
    result = run_cell(shell, CELL.format(options="--device gpu --run y,tower/w -o cap"))
    assert result.success
    out = capsys.readouterr().out
    assert "scopekit:" not in out  # no fallback line
    assert "y  Square  on GPU:0" in out
    assert "  y:0 = [1., 4.]" in out
    assert shell.user_ns["cap"].ops[-1].device.endswith("GPU:0")


# A variable, so TensorFlow cannot fold the product into a constant before running.
RUN_ALONE = "%%scopes --text --run z\nz = tf.compat.v1.get_variable('v', initializer=3.0) * 2.0\n"


def test_magic_run_alone_means_auto_and_python_names_work(shell, capsys, no_gpu):
    assert run_cell(shell, RUN_ALONE).success
    out = capsys.readouterr().out
    assert out.splitlines()[0] == NO_GPU_AUTO
    assert "  z (mul:0) = 6." in out
    assert "Ran on CPU:0 (asked: auto)" in out.splitlines()


@pytest.mark.gpu
def test_magic_run_alone_takes_the_gpu(shell, capsys, gpu):
    assert run_cell(shell, RUN_ALONE).success
    out = capsys.readouterr().out
    assert NO_GPU_AUTO not in out and "scopekit:" not in out
    assert "  z (mul:0) = 6." in out
    ran_line = next(line for line in out.splitlines() if line.startswith("Ran on"))
    assert "GPU:0" in ran_line and ran_line.endswith("(asked: auto)")


def test_magic_run_prefers_the_python_name_over_an_older_graph_name(shell, capsys):
    cell = (
        "%%scopes --text --graph default --device cpu --run v\n"
        "v = tf.Variable(1.0, name='v') * 3.0\n"
    )
    for _ in range(2):  # the second run's graph still holds the first run's variable 'v'
        assert run_cell(shell, cell).success
        out = capsys.readouterr().out
        assert "  v (mul" in out and ":0) = 3." in out


def test_magic_run_skips_an_eager_variable_left_in_the_default_graphs_collection(shell, capsys, tf):
    # get_variable through an EagerVariableStore, eagerly, puts an eager variable into
    # the default graph's collection: it has no initializer to run, and the run of a
    # later `--graph default` cell must not fail on it.
    from tensorflow.python.ops.variable_scope import EagerVariableStore

    with EagerVariableStore().as_default():
        eager = tf.compat.v1.get_variable("eager_w", shape=())
    collected = tf.compat.v1.get_default_graph().get_collection("variables")
    assert any(v is eager for v in collected) and eager.initializer is None
    cell = "%%scopes --text --graph default --device cpu --run u\nu = tf.constant(2.0) * 4.0\n"
    assert run_cell(shell, cell).success
    assert ":0) = 8." in capsys.readouterr().out


def test_magic_without_the_options_places_nothing(shell, capsys):
    assert run_cell(shell, CELL.format(options="-o cap")).success
    assert all(op.device == "" for op in shell.user_ns["cap"].ops)
    assert "Where each op ran" not in capsys.readouterr().out


def test_magic_bad_fetch_and_bad_device_say_what_to_do(shell, capsys):
    result = run_cell(shell, CELL.format(options="--run nope -o cap"))
    assert not result.success
    out = capsys.readouterr()
    assert "Nothing named 'nope' in the cell's graph" in out.out + out.err
    assert "Scope tree" in out.out  # the capture is still shown
    result = run_cell(shell, CELL.format(options="--device tpu"))
    assert not result.success
    assert "invalid choice: 'tpu'" in "".join(capsys.readouterr())


def test_magic_run_with_eager_says_why_not(shell, capsys):
    result = run_cell(shell, "%%scopes --eager --run z9\nz9 = tf.constant(1.0)\n")
    assert not result.success
    assert "--run runs a graph in a Session" in "".join(capsys.readouterr())
    assert "z9" not in shell.user_ns  # refused before the cell ran


def test_magic_help_documents_the_options(shell):
    from scopekit.magic import ScopesMagics

    doc = ScopesMagics.scopes.__doc__
    assert "[--device auto|cpu|gpu] [--run FETCHES]" in doc
    assert "falls back to the CPU" in doc or "run on the CPU" in doc
