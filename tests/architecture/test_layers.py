"""The layers hold: charter (pure) <- members <- resolutions <- votes, with api and core as
plumbing that imports no app, and config on top. import-linter checks the contracts of
pyproject.toml; these tests run it as ``make lint`` does, and show that it catches a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["config", "votes", "resolutions", "members", "api", "core", "web", "charter"]


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_every_contract_is_kept() -> None:
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def _copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_a_lower_app_importing_a_higher_one_breaks_the_layers(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "members" / "breach.py").write_text("from votes.models import Position\n")

    result = _lint_imports(copy)

    assert result.returncode != 0
    assert "members.breach -> votes.models" in result.stdout


def test_the_engine_importing_django_breaks_its_contract(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "charter" / "breach.py").write_text("import django.db\n")

    result = _lint_imports(copy)

    assert result.returncode != 0
    assert "charter.breach -> django" in result.stdout


def test_the_api_plumbing_importing_an_app_breaks_its_contract(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "api" / "breach.py").write_text("from resolutions.models import Draft\n")

    result = _lint_imports(copy)

    assert result.returncode != 0
    assert "api.breach -> resolutions.models" in result.stdout
