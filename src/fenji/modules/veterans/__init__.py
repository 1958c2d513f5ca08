"""The ``veterans`` module (seed 000): 离退休干部服务."""
