"""Lantoa: collect, understand, search and watch Vietnamese external-information coverage."""

__version__ = "0.1.0"
