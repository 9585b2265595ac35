"""Build a static schedule website with calendar and data feeds from a pretalx event."""

__version__ = "0.1.0"
