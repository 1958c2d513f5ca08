#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenji.settings")
    # manage.py belongs to a checkout: its data directory is this checkout's var/, from wherever it is run.
    os.environ.setdefault("FENJI_VAR_DIR", str(Path(__file__).resolve().parent / "var"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
