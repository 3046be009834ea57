"""The API and the site at 100 drafts and at 10,000 drafts with 150,000 positions, side by side
in one run.

    .venv/bin/python bench/scale.py           # make bench-scale

It creates the database ``unsc_bench_scale`` (``BENCH_DB_PREFIX`` + ``_scale``), migrates it,
loads the seed and imports the Council's whole history (``load_history``: the 1994-2025
ballots, the UN Digital Library sample and the 1946-2022 outcomes). Then, under the production
settings, in one process (Django's test client, no network, the caches cleared before each
request so every request does its full work):

1. it generates drafts, each with a position for every member of its Council, up to 100
   drafts, and times each URL below (median of ``--repeat`` requests) and counts its queries;
2. it generates more, up to 10,000 drafts and 150,000 positions, and does the same.

It prints both timings, their ratio (target: at most 1.5) and both query counts (target: the
same). The URLs are two lists: ``API`` and the site's ``PAGES``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import ROOT, app_environment, bench_db, manage, scratch_database

DB = bench_db("scale")
# The analysts' site: the dashboard, the drafts list, a draft's page, the decisions since 1946.
PAGES: list[str] = ["/", "/drafts/", "/drafts/{slug}/", "/votes/"]
API = [
    "/api/v1/drafts/",
    "/api/v1/drafts/{slug}/",
    "/api/v1/drafts/{slug}/tally/",
    "/api/v1/drafts/{slug}/projection/",
]

MEASURE = r"""
import datetime as dt, json, random, statistics, time
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from members.models import Member
from resolutions.models import Draft, SanctionsRegime
from votes.models import Position, Stance

URLS = {urls}
TARGET_DRAFTS, REPEAT = {drafts}, {repeat}
rng = random.Random(1)
regime = SanctionsRegime.objects.get(slug="dprk-1718")
day = dt.date(2019, 12, 16)
council = list(Member.objects.seated_on(day))
stances = [s.value for s in Stance if s.value != "not_participating"]
have = Draft.objects.count()
batch = []
for n in range(have, TARGET_DRAFTS):
    batch.append(Draft(title=f"Generated draft {{n}}", slug=f"generated-{{n}}", regime=regime,
                       circulated_on=day))
    if len(batch) == 1000 or n == TARGET_DRAFTS - 1:
        drafts = Draft.objects.bulk_create(batch)
        Position.objects.bulk_create(
            [Position(draft=d, member=m, stance=rng.choice(stances), confidence="0.7",
                      as_of=day, source="bench/scale.py") for d in drafts for m in council],
            batch_size=5000)
        batch = []
target = Draft.objects.filter(symbol=None, regime__slug="dprk-1718").order_by("pk").first()
client = Client(SERVER_NAME="127.0.0.1")
result = {{"drafts": Draft.objects.count(), "positions": Position.objects.count(), "urls": {{}}}}
for template in URLS:
    url = template.format(slug=target.slug)
    times, queries = [], None
    for i in range(REPEAT + 2):
        for each in caches.all():
            each.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        if i >= 2:  # two warm-ups: the first projection read may compute and store it
            times.append(elapsed)
            queries = len(captured)
    result["urls"][template] = [statistics.median(times) * 1000, queries]
print(json.dumps(result))
"""


def measure(env: dict[str, str], drafts: int, repeat: int) -> dict[str, Any]:
    import json

    script = MEASURE.format(urls=API + PAGES, drafts=drafts, repeat=repeat)
    measured: dict[str, Any] = json.loads(
        manage(env, "shell", "-c", script).strip().splitlines()[-1]
    )
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100, help="drafts in the small database")
    parser.add_argument("--large", type=int, default=10_000, help="drafts in the large one")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per URL")
    args = parser.parse_args()
    print(f"bench/scale.py: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    with scratch_database(DB):
        env = app_environment(DB, "", CONN_MAX_AGE="60")
        manage(env, "migrate", "--noinput")
        # The site's pages name their static files through the production manifest.
        manage(env, "collectstatic", "--noinput")
        manage(env, "load_seed")
        manage(env, "load_history", "--no-progress")
        print("history imported (load_history)", flush=True)
        small = measure(env, args.small, args.repeat)
        print(f"small: {small['drafts']} drafts, {small['positions']} positions", flush=True)
        large = measure(env, args.large, args.repeat)
        print(f"large: {large['drafts']} drafts, {large['positions']} positions")
    print()
    print(f"{'url':<36} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries':>9}  target")
    for url in API + PAGES:
        (s_ms, s_q), (l_ms, l_q) = small["urls"][url], large["urls"][url]
        ok = l_ms / s_ms <= 1.5 and s_q == l_q
        print(
            f"{url:<36} {s_ms:>9.2f} {l_ms:>9.2f} {l_ms / s_ms:>6.2f} {s_q:>4} {l_q:>4}  "
            f"{'met' if ok else 'NOT MET'}"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}; root {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
