"""The ``labor`` module (seed 004): 劳动力资源."""
