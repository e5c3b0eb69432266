"""Collaborative pads for mobilizon-py groups: a shared text with its revisions."""

__version__ = "0.1.0"
