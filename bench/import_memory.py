"""Peak resident memory of ``manage.py import_votes`` on 10,000- and 40,000-row files: the
target is under 200 MB, and flat in the file's length (the importer streams).

    .venv/bin/python bench/import_memory.py        # make bench-import

The files are in the ``sc_ballots`` layout (one row per member's ballot), made by repeating the
votes of ``seed/history/sc_ballots_1994_2025.csv`` (1,716 votes, 25,740 rows) with fresh meeting
records, draft symbols and resolution numbers, so that every vote is a new one; each file ends
on a whole vote. The imports run into a scratch database
(``unsc_bench_import``, or ``BENCH_DB_PREFIX`` + ``_import``) with the seed's Council loaded,
dropped at the end, each in a child process whose peak resident size the kernel reports
(``ru_maxrss``). A third import, of the 40,000-row file again, adds nothing (every vote is
already recorded) and shows what reading and matching alone cost.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import ROOT, app_environment, bench_db, manage, scratch_database

DB = bench_db("import")
SOURCE = ROOT / "seed" / "history" / "sc_ballots_1994_2025.csv"
VOTE_KEY = ("draft_symbol", "voted_on", "meeting_record")  # a vote's rows share these


def make_file(path: Path, rows: int, tag: str) -> int:
    """At least ``rows`` rows, whole votes only, each vote new (``tag`` and the copy's number in
    its meeting record and draft symbol, its resolution number moved past any real one); the
    number of rows written."""
    with SOURCE.open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        fields, original = reader.fieldnames or [], list(reader)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        n = 0
        while True:
            row = dict(original[n % len(original)])
            next_row = original[(n + 1) % len(original)]
            copy = n // len(original)
            same_vote = all(
                next_row[c] == row[c] for c in ("draft_symbol", "voted_on", "meeting_record")
            )
            row["meeting_record"] = f"{row['meeting_record']}-bench-{tag}{copy}"
            row["draft_symbol"] = f"{row['draft_symbol'] or 'S/BENCH'}-bench-{tag}{copy}"
            if row["resolution"]:
                row["resolution"] = str(int(row["resolution"]) + 100_000 * (copy + 1))
            writer.writerow(row)
            written += 1
            n += 1
            if written >= rows and (not same_vote or n % len(original) == 0):
                return written


# Each import runs under a fresh wrapper, so the peak it reports is that import's alone.
WRAPPER = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "manage.py", "import_votes", "--no-progress", sys.argv[1]])
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
        manage(env, "migrate", "--noinput")
        manage(env, "load_seed")
        figures = []
        for rows, tag in ((10_000, "a"), (40_000, "b")):
            path = Path(tmp) / f"votes-{rows}.csv"
            written = make_file(path, rows, tag)
            started = time.perf_counter()
            figures.append((f"{written:,} rows", peak_mb(env, path), time.perf_counter() - started))
        started = time.perf_counter()
        again = peak_mb(env, path)
        figures.append((f"{written:,} rows again", again, time.perf_counter() - started))
        for label, mb, seconds in figures:
            print(
                f"import_votes, {label:<21} peak resident {mb:6.0f} MB (target < 200)  "
                f"{seconds:6.1f} s"
            )
        print(f"40,000 / 10,000 rows: {figures[1][1] / figures[0][1]:.2f} (flat: about 1)")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
