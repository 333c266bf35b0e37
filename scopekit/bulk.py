"""Pausing Python's cyclic garbage collector while scopekit builds many objects.

Turning 100,000 ops into records or tree nodes allocates enough objects to set off
full collections, and each one walks the whole heap, TensorFlow's graph included:
the cost grows faster than the capture. These objects hold no reference cycles, so
nothing is lost by collecting once afterwards instead.
"""

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    """Disable the cyclic GC for the block (if it was on), then turn it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
