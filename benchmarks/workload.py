"""The graph the benchmarks build: deep nested variable scopes, name scopes inside.

Each block opens a variable scope inside a stage's variable scope, a name scope
inside that, makes a get_variable weight and a tf.Variable bias, and applies
them: 21 ops a block, so `blocks_for(ops)` sizes a run.
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
