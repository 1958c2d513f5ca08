"""fenji (分级): a platform for hierarchical public organizations."""

__version__ = "0.1.0"
