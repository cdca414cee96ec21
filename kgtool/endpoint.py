"""Moved to :mod:`kgtool.engines.endpoint`; this name is kept for one release."""

from kgtool.engines.endpoint import (
    DEFAULT_TIMEOUT,
    ENV_PASSWORD,
    ENV_TOKEN,
    ENV_USER,
    GRAPH_ACCEPT,
    POST_METHODS,
    SELECT_ACCEPT,
    EndpointEngine,
    bind_for_endpoint,
    check_endpoint_url,
    credentials_header,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "EndpointEngine",
    "GRAPH_ACCEPT",
    "POST_METHODS",
    "SELECT_ACCEPT",
    "bind_for_endpoint",
    "check_endpoint_url",
    "credentials_header",
]
