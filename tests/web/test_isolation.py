"""The package stands alone: importing it loads none of the project's apps and no database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("api", "config", "members", "resolutions", "votes")


def test_importing_web_loads_no_project_app_and_no_django_db() -> None:
    script = (
        "import json, sys\n"
        "import web.charts, web.diff, web.numbers, web.seats\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )

    loaded = json.loads(result.stdout)
    assert not [name for name in loaded if name.split(".")[0] in PROJECT_PACKAGES]
    assert "django.db" not in loaded
