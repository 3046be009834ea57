"""The cost of the JSON depth limit (api/parsers.py): our parser against DRF's, side by side
in one run, on a typical body and on large and hostile ones. Prints ratios.

    .venv/bin/python bench/json_depth.py
"""

from __future__ import annotations

import io
import json
import os
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django

django.setup()

from rest_framework.parsers import BaseParser  # noqa: E402
from rest_framework.parsers import JSONParser as DRFJSONParser  # noqa: E402

from api.parsers import JSONParser  # noqa: E402

BODIES = {
    "a position (110 B)": {
        "member": "BEL",
        "stance": "yes",
        "confidence": 0.7,
        "as_of": "2019-12-20",
        "source": "Statement of Belgium",
    },
    "40,000 small objects": [{"USA": "yes", "note": "x" * 40} for _ in range(40_000)],
    "one string of 600,000 escaped quotes": {"source": '\\"' * 600_000},
    "40,000 objects 5 levels down": [[[[{"a": [1, 2, 3]}] * 40_000]]],
}


def per_call(parser: BaseParser, raw: bytes, number: int) -> float:
    def run() -> None:
        parser.parse(io.BytesIO(raw))

    return min(timeit.repeat(run, number=number, repeat=5)) / number


def main() -> None:
    print(f"{'body':<40} {'bytes':>9}  ours / DRF's")
    for name, body in BODIES.items():
        raw = json.dumps(body).encode()
        number = 2000 if len(raw) < 10_000 else 3
        ours = per_call(JSONParser(), raw, number)
        theirs = per_call(DRFJSONParser(), raw, number)
        print(f"{name:<40} {len(raw):>9}  {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
