"""The profiles: one declaration per system fenji serves (``FENJI_PROFILE``), each in its own file.

This package is wiring, above the modules: a profile names its live modules, composes its duty rules
from ``fenji.core.access.rules`` and points at its demo builder.
"""
