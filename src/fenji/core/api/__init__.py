"""The HTTP API's conventions: personal tokens, authentication, route declarations, the error envelope.

The endpoints themselves live in the apps that own the data (``org/api.py``, ``people/api.py``,
``console/grant_api.py``) and are mounted under ``/api/v1/`` by ``fenji/api.py``.
"""
