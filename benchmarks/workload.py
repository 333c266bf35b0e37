"""The graph the benchmarks build: deep nested variable scopes, name scopes inside.

Each block opens a variable scope inside a stage's variable scope, a name scope
inside that, makes a get_variable weight and a tf.Variable bias, and applies
them: about 25 ops a block, so `blocks_for(ops)` sizes a run.
"""

OPS_PER_BLOCK = 25  # measured on TF 2.21; build() returns the real count


def blocks_for(ops: int) -> int:
    return max(1, ops // OPS_PER_BLOCK)


def build(tf, blocks: int) -> None:
    """Build `blocks` blocks into the default graph."""
    v1 = tf.compat.v1
    x = tf.ones([1, 4])
    for block in range(blocks):
        with v1.variable_scope(f"stage_{block // 10}"):
            with v1.variable_scope(f"block_{block % 10}"):
                with v1.name_scope("compute"):
                    w = v1.get_variable("w", [4, 4])
                    b = tf.Variable(tf.zeros([4]), name="b")
                    x = tf.nn.relu(tf.matmul(x, w) + b)
