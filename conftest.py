"""The suite's fixtures live in the test kit, ``fenji.testing`` (the tree, the personas, ``login``), and the local
OpenID Connect provider of the external-login tests in ``tests/idp`` (``idp``)."""

pytest_plugins = ["fenji.testing.fixtures", "tests.idp.kit"]
