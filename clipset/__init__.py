"""Clipset: a private, self-hosted video-sharing platform."""

__version__ = "0.1.0"
