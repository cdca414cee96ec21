"""Moved to :mod:`kgtool.engines.store`; this name is kept for one release."""

from kgtool.engines.store import *  # noqa: F403 - a re-export shim: exactly the module's public names
from kgtool.engines.store import __all__ as __all__
