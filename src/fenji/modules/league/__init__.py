"""The ``league`` module (seed 002): 共青团（智慧团建）."""
