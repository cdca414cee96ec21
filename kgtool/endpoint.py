"""Moved to :mod:`kgtool.engines.endpoint`; this name is kept for one release."""

from kgtool.engines.endpoint import *  # noqa: F403
from kgtool.engines.endpoint import __all__ as __all__
