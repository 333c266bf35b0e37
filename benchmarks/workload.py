"""The graph the benchmarks build: deep nested variable scopes, name scopes inside.

Each block opens a variable scope inside a stage's variable scope, a name scope
inside that, makes a get_variable weight and a tf.Variable bias, and applies
them: 21 ops a block, so `blocks_for(ops)` sizes a run. `build_residual_unit` is
a second shape, a TF1 ResNet unit, for hook_cost.py's `--workload resnet`.
"""

OPS_PER_BLOCK = 21  # measured on TF 2.21; the benchmarks report the real count


def blocks_for(ops: int) -> int:
    return max(1, ops // OPS_PER_BLOCK)


def build(tf, blocks: int) -> None:
    """Build `blocks` blocks into the default graph."""
    x = tf.ones([1, 4])
    for block in range(blocks):
        x = build_block(tf, block, x)


def build_block(tf, block: int, x):
    """One block on top of `x`; returns its output."""
    v1 = tf.compat.v1
    with v1.variable_scope(f"stage_{block // 10}"):
        with v1.variable_scope(f"block_{block % 10}"):
            with v1.name_scope("compute"):
                w = v1.get_variable("w", [4, 4])
                b = tf.Variable(tf.zeros([4]), name="b")
                return tf.nn.relu(tf.matmul(x, w) + b)


def build_residual_unit(tf, unit: int, x):
    """One TF1-style ResNet unit on an NHWC `x` of 8 channels; returns its output.

    Two convolutions, each in its own variable scope with a get_variable kernel,
    batch-norm scale and offset, and batch statistics from tf.nn.moments, then the
    shortcut: the shape of a hand-written TF1 ResNet. About 85 ops a unit, most
    of its scopes opened by TF's own functions (moments, batch_normalization).
    """
    v1 = tf.compat.v1
    if x.shape.rank != 4:  # the first unit makes its own image-shaped input
        x = tf.ones([2, 8, 8, 8])
    with v1.variable_scope(f"stage_{unit // 10}"):
        with v1.variable_scope(f"unit_{unit % 10}"):
            y = x
            for conv in (1, 2):
                with v1.variable_scope(f"conv{conv}"):
                    kernel = v1.get_variable("kernel", [3, 3, 8, 8])
                    scale = v1.get_variable("gamma", [8], initializer=v1.ones_initializer())
                    offset = v1.get_variable("beta", [8], initializer=v1.zeros_initializer())
                    y = tf.nn.conv2d(y, kernel, strides=1, padding="SAME")
                    mean, variance = tf.nn.moments(y, axes=[0, 1, 2])
                    y = tf.nn.batch_normalization(y, mean, variance, offset, scale, 1e-3)
                    if conv == 1:
                        y = tf.nn.relu(y)
            with v1.name_scope("shortcut"):
                return tf.nn.relu(y + x)
