"""The ``office`` module (seed 001): 政务办公."""
