"""Peak resident memory of ``manage.py import_votes`` on 10,000- and 40,000-row files: the
target is under 200 MB, and flat in the file's length (the importer streams).

    .venv/bin/python bench/import_memory.py

The importer comes from the history work; until this branch has an ``import_votes`` command,
the script says SKIPPED and exits 0. The files are made by repeating the rows of
``tests/data/unsc_outcomes_1946_2022.csv`` (the recorded outcomes' format) with fresh meeting
records, into a scratch database ``unsc_bench_import`` dropped at the end. Each import runs in
a child process, whose peak resident size the kernel reports (``ru_maxrss``).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, app_environment, manage, scratch_database

DB = "unsc_bench_import"
SOURCE = ROOT / "tests" / "data" / "unsc_outcomes_1946_2022.csv"


def make_file(path: Path, rows: int) -> None:
    with SOURCE.open(newline="") as source:
        reader = csv.DictReader(source)
        fields, original = reader.fieldnames or [], list(reader)
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for n in range(rows):
            row = dict(original[n % len(original)])
            row["meeting_record"] = f"{row['meeting_record']}-bench-{n // len(original)}"
            writer.writerow(row)


# Each import runs under a fresh wrapper, so the peak it reports is that import's alone.
WRAPPER = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "manage.py", "import_votes", sys.argv[1]])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if done.returncode == 0 else -1)
"""


def peak_mb(env: dict[str, str], path: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(path)],
        cwd=ROOT,
        env={**env, "REDIS_URL": ""},
        capture_output=True,
        text=True,
    )
    peak = int(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else -1
    if peak < 0:
        raise RuntimeError(f"import_votes failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return peak / 1024


def main() -> int:
    print(f"bench/import_memory.py: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with scratch_database(DB), tempfile.TemporaryDirectory(prefix="unsc-import-") as tmp:
        env = app_environment(DB, "")
        commands = manage(env, "help", "--commands").split()
        if "import_votes" not in commands:
            print(
                "SKIPPED: this branch has no import_votes command yet (it comes with the "
                "history importers); nothing measured"
            )
            return 0
        manage(env, "migrate", "--noinput")
        figures = []
        for rows in (10_000, 40_000):
            path = Path(tmp) / f"votes-{rows}.csv"
            make_file(path, rows)
            figures.append((rows, peak_mb(env, path)))
        for rows, mb in figures:
            print(f"import_votes, {rows:>6} rows: peak resident {mb:6.0f} MB (target < 200)")
        print(f"40,000 / 10,000 rows: {figures[1][1] / figures[0][1]:.2f} (flat: about 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
