"""scopekit: see which scope shaped each TensorFlow name.

``import scopekit`` is light: TensorFlow is imported only when a capture runs, and
the IPython magic module only when ``%load_ext scopekit`` asks for it.

``scopekit.capture`` is the function; the module that hooks TensorFlow for it is
``scopekit.hooks``, and ``Capture`` with its records lives in ``scopekit.records``.
"""

from . import checkpoint  # scopekit.checkpoint.compare; TensorFlow is imported on use
from .hooks import capture
from .records import Capture, OpRecord, ScopeRecord, VariableRecord

__all__ = ["Capture", "OpRecord", "ScopeRecord", "VariableRecord", "capture", "checkpoint"]
__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """Register ``%%scopes`` (called by ``%load_ext scopekit``)."""
    from .hooks import quiet_tensorflow_logs
    from .magic import ScopesMagics

    quiet_tensorflow_logs()
    ipython.register_magics(ScopesMagics)


def unload_ipython_extension(ipython):
    """Unregister ``%%scopes`` (``%unload_ext scopekit``; ``%reload_ext`` loads it again)."""
    from .magic import ScopesMagics

    manager = ipython.magics_manager
    cell_magics = manager.magics["cell"]
    if isinstance(getattr(cell_magics.get("scopes"), "__self__", None), ScopesMagics):
        del cell_magics["scopes"]
    manager.registry.pop(ScopesMagics.__name__, None)
