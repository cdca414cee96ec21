"""Moved to :mod:`kgtool.engines.store`; this name is kept for one release."""

from kgtool.engines.store import *  # noqa: F403
from kgtool.engines.store import __all__ as __all__
