"""Annotator: an offline desktop tool that turns news articles into labeled training data."""

__version__ = "0.1.0"
