"""CI smoke run of ``fenji bench`` (issue 7): the tiny dataset, every case, tiny repeats.

Asserts only that every case produced a number or a stated skip — never a timing.
"""

import pytest

from fenji import settings as project_settings
from fenji.bench import datasets, runner

pytestmark = pytest.mark.usefixtures("transactional_db")


def _numbers_or_skips(value, where=""):
    if isinstance(value, dict):
        if "skipped" in value:
            assert isinstance(value["skipped"], str) and value["skipped"], where
            return
        assert value, where
        for key, item in value.items():
            _numbers_or_skips(item, f"{where}.{key}")
    else:
        assert isinstance(value, int | float | str), f"{where}: {value!r}"


def test_tiny_dataset_runs_every_case(settings):
    # The server subprocess hashes with the project's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    loaded = datasets.load("tiny", quiet=True)
    assert loaded["units"] == 60 and loaded["accounts"] == 500
    with pytest.raises(datasets.NotEmpty):
        datasets.load("tiny", quiet=True)

    report = runner.run(dataset="tiny", repeat=3, can_calls=100, http_threads=2, http_requests=20)

    assert set(report["levels"]) == {"root", "mid", "leaf"}
    for label, entry in report["levels"].items():
        for case in ("list", "ruoyi", "counts", "can", "http"):
            assert case in entry, f"{label}: {case} missing"
            _numbers_or_skips(entry[case], f"{label}.{case}")
        # The in-process cases run on every backend; only HTTP may be skipped (in-memory SQLite).
        for case in ("list", "ruoyi", "counts", "can"):
            assert "skipped" not in entry[case], f"{label}.{case}: {entry[case]}"
        assert entry["list"]["rows"] > 0
    print(runner.table(report))  # visible with -s
    assert "root" in runner.table(report)
