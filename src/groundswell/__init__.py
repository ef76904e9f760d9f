"""groundswell: open leadership on social media."""

__version__ = "0.1.0"
