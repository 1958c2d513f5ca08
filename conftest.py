"""The suite's fixtures live in the test kit, ``fenji.testing`` (the tree, the personas, ``login``)."""

pytest_plugins = ["fenji.testing.fixtures"]
