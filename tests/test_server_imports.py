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
import fenji.api
print(" ".join(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""


def test_a_server_process_does_not_load_the_rare_pages_libraries(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fenji.settings", "FENJI_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", LOADED, *RARE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
    # and they still load where they are used
    used = subprocess.run([sys.executable, "-c", LOADED.replace("import fenji.api", "import fenji.core.people.oidc, "
                                                               "fenji.core.seals.image"), *RARE],
                          env=env, capture_output=True, text=True, timeout=120)
    assert used.returncode == 0, used.stderr
    assert {"authlib", "requests", "joserfc", "PIL"} <= set(used.stdout.split())
