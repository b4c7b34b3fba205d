"""A service installed from its wheel (as the Dockerfiles install it, not editable) carries every
template, page asset and policy file its package holds: a page that renders in `make run` renders
in a container too."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Distribution folder → its import package.
DISTRIBUTIONS = {"shared": "casework", "shared/dev": "casework_dev", "services/intake": "intake",
                 "services/sustainment": "sustainment", "services/lettings": "lettings",
                 "services/notifications": "notifications"}
#: Files a package holds besides its code that it needs at run time.
DATA = {".html", ".yaml", ".js", ".mjs", ".css", ".woff2", ".png", ".svg", ".ico", ".json", ".txt"}


def data_files(package: Path) -> set[str]:
    return {str(path.relative_to(package.parent)) for path in package.rglob("*")
            if path.is_file() and path.suffix in DATA and "__pycache__" not in path.parts}


@pytest.mark.parametrize("folder", sorted(DISTRIBUTIONS))
def test_the_wheel_holds_every_template_asset_and_policy_file(folder, tmp_path):
    package = ROOT / folder / DISTRIBUTIONS[folder]
    # From a clean copy: setuptools would reuse a build/ folder an earlier build left behind.
    source = tmp_path / "source"
    shutil.copytree(ROOT / folder, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())

    expected = data_files(package)
    assert expected, f"{package} holds no data files: the test looks in the wrong place"
    assert sorted(expected - inside) == []
