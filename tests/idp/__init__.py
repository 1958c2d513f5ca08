"""A real OpenID Connect provider for the tests of the external login (django-oauth-toolkit, OIDC on).

It stands in for the national electronic social-security card platform: its users sign in on its own page,
and its ID tokens and userinfo answers carry the ID number the test linked to that user (``validators``).
It serves on the same live server as fenji, under ``/idp/``, but is reached as ``127.0.0.1`` while fenji is
reached as ``localhost``: browsers and ``requests`` keep cookies per host, so signing in at the provider
never signs anyone in at fenji.
"""
