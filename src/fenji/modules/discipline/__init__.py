"""The ``discipline`` module (seed 003): 纪检监察（检举举报）."""
