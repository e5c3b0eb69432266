"""Polls for mobilizon-py groups: a question with options or dates, one vote per profile."""

__version__ = "0.1.0"
