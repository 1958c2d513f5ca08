"""A server process loads only what every request may need: libraries used by rare pages (the external sign-in's
protocol, drawing a seal, writing Excel, the enrolment QR code) cost ~16 MB in each process and are loaded by
their first use (issue 21: a worker ≤ 150 MB after the list benchmark)."""

import os
import subprocess
import sys

RARE = ("authlib", "requests", "joserfc", "PIL", "xlsxwriter", "segno")

LOADED = """
import sys, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import fenji.api, {also}
print(" ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def _rare_loaded(tmp_path, also: str = "sys") -> set[str]:
    """Which of ``RARE`` a fresh process holds once it has loaded the URLs, the API and the module ``also``."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fenji.settings", "FENJI_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", LOADED.format(also=also), *RARE], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_a_server_process_does_not_load_the_rare_pages_libraries(tmp_path):
    assert _rare_loaded(tmp_path) == set()
    # and they still load where they are used
    assert {"authlib", "requests", "joserfc", "PIL"} <= _rare_loaded(tmp_path, "fenji.core.people.oidc, "
                                                                               "fenji.core.seals.image")
