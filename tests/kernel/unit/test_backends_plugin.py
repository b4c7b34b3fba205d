"""casework.testing runs a test that takes ``backend`` on both backends, and a test marked
``postgresql_only`` on PostgreSQL alone; the mark must give its reason."""

import subprocess
import sys
import textwrap

TESTS = '''
import pytest

def test_anywhere(backend):
    pass

@pytest.mark.postgresql_only(reason="uses LISTEN/NOTIFY")
def test_on_postgresql(backend):
    pass

def test_without_a_backend():
    pass
'''


def collect(tmp_path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_sample.py").write_text(textwrap.dedent(source))
    return subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "casework.testing",
                           "--strict-markers", "-p", "no:cacheprovider", "test_sample.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_each_test_runs_on_both_backends_unless_marked_postgresql_only(tmp_path):
    found = collect(tmp_path, TESTS)
    assert found.returncode == 0, found.stdout + found.stderr
    collected = sorted(line for line in found.stdout.splitlines() if line.startswith("test_sample.py::"))
    assert collected == ["test_sample.py::test_anywhere[postgresql]", "test_sample.py::test_anywhere[sqlite]",
                         "test_sample.py::test_on_postgresql[postgresql]", "test_sample.py::test_without_a_backend"]
    assert "1 deselected" in found.stdout


def test_postgresql_only_without_a_reason_is_an_error(tmp_path):
    found = collect(tmp_path, TESTS.replace('(reason="uses LISTEN/NOTIFY")', ""))
    assert found.returncode != 0
    assert "postgresql_only needs a reason" in found.stdout + found.stderr
