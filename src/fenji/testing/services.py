"""The registry of ``@service`` functions, complete: every product module imported first."""

import importlib
import pkgutil

from fenji.core.audit.transactions import SERVICES

PRODUCT_PACKAGES = ("fenji.core", "fenji.modules", "fenji.profiles")
SKIPPED = (".tests", ".migrations", ".management")


def registered_services() -> set[str]:
    """The dotted names of every ``@service`` in the product (core, modules, profiles), none of the tests'."""
    for package in PRODUCT_PACKAGES:
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, f"{package}."):
            if not any(part in module.name for part in SKIPPED):
                importlib.import_module(module.name)
    return {name for name in SERVICES if not any(part in name for part in SKIPPED)}
