"""Benchmark of the voting engine: exact projection, power indices, and Monte Carlo for contrast.

Run from the project root:

    .venv/bin/python bench/engine.py

It measures, in one run, the median time of one ``project`` call for a contested 15-member
draft with the priors estimated from the repository's recorded ballots and their blocs (target:
under 5 ms), the same without blocs and with the engine's first model (fixed row, independent
members) for comparison, the full analysis, the estimation of the priors, the median time of
``power_indices`` for the 15-member Council, and a 100,000-sample Monte Carlo estimate of the
first model (its time against the exact projection's, and its absolute error on p_adopted). The
Monte Carlo estimate exists only here, for comparison: the engine itself never samples.
"""

from __future__ import annotations

import math
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

# Run as a script from anywhere: make the project importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROJECT_TARGET_S = 1e-3
FORECAST_TARGET_S = 5e-3
POWER_TARGET_S = 50e-3
MONTE_CARLO_SAMPLES = 100_000
SEED = 20191230


def median_seconds(function: Callable[[], object], repetitions: int) -> float:
    """Median wall time of ``repetitions`` single calls, after one warm-up call."""
    function()
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def history_priors() -> tuple[object, float]:
    """The priors of the repository's recorded ballots, and the seconds their estimation took.
    The file is read by the project's reader (Django is set up for it; no database is used)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
    django.setup()
    from charter import estimate
    from votes.forecast import HISTORY_FILE, read_votes

    votes = list(read_votes(HISTORY_FILE))
    started = time.perf_counter()
    priors = estimate(votes)
    return priors, time.perf_counter() - started


def main() -> None:
    from charter import (
        PositionInput,
        Result,
        Rule,
        Stance,
        VoteProbabilities,
        analyse,
        power_indices,
        project,
        rule_for,
        vote_probabilities,
    )

    permanent = ("CHN", "FRA", "RUS", "GBR", "USA")
    elected = ("BEL", "CIV", "DOM", "GNQ", "DEU", "IDN", "KWT", "PER", "POL", "ZAF")
    rule = rule_for(
        date(2019, 12, 30), [(c, True) for c in permanent] + [(c, False) for c in elected]
    )
    p = PositionInput
    s = Stance
    # A contested draft (p_adopted about 0.24), so that sampling error is visible.
    positions = {
        "USA": p(s.YES, 1.0),
        "GBR": p(s.YES, 0.9),
        "FRA": p(s.LEANING_YES, 0.8),
        "RUS": p(s.LEANING_NO, 0.6),
        "CHN": p(s.ABSTAIN, 0.7),
        "BEL": p(s.YES, 0.9),
        "DEU": p(s.YES, 0.9),
        "POL": p(s.LEANING_YES, 0.8),
        "DOM": p(s.LEANING_YES, 0.6),
        "PER": p(s.LEANING_YES, 0.5),
        "KWT": p(s.UNDECIDED, 0.5),
        "IDN": p(s.UNDECIDED, 0.5),
        "CIV": p(s.LEANING_YES, 0.7),
        "GNQ": p(s.LEANING_NO, 0.5),
        "ZAF": p(s.ABSTAIN, 0.6),
    }

    def monte_carlo(
        rule: Rule, probs: Mapping[str, VoteProbabilities], samples: int, seed: int
    ) -> dict[Result, float]:
        rng = random.Random(seed)
        rows = [(code in rule.permanent, probs[code]) for code in rule.members]
        counts = dict.fromkeys(Result, 0)
        for _ in range(samples):
            yes = 0
            blocked = False
            for is_permanent, row in rows:
                draw = rng.random()
                if draw < row.yes:
                    yes += 1
                elif draw < row.yes + row.no and is_permanent:
                    blocked = True
            if yes < rule.quota:
                counts[Result.FAILED] += 1
            elif blocked and rule.has_veto:
                counts[Result.VETOED] += 1
            else:
                counts[Result.ADOPTED] += 1
        return {result: count / samples for result, count in counts.items()}

    history, estimate_s = history_priors()
    from charter import Direction, Priors, topic_of

    assert isinstance(history, Priors)
    priors = history.for_council(rule, topic_of("DPRK"), Direction.LIFTS)
    forecast = project(rule, positions, priors=priors)
    forecast_s = median_seconds(lambda: project(rule, positions, priors=priors), 2000)
    no_blocs_s = median_seconds(
        lambda: project(rule, positions, priors=priors, blocs=False), repetitions=2000
    )
    full_s = median_seconds(lambda: analyse(rule, positions, priors=priors), repetitions=20)
    exact = project(rule, positions)
    project_s = median_seconds(lambda: project(rule, positions), repetitions=2000)
    power_s = median_seconds(lambda: power_indices(rule), repetitions=200)
    probs = {code: vote_probabilities(positions[code]) for code in rule.members}
    analyse_s = median_seconds(lambda: analyse(rule, positions), repetitions=50)
    mc_timings = []
    mc_errors = []
    for repetition in range(3):
        started = time.perf_counter()
        estimate = monte_carlo(rule, probs, MONTE_CARLO_SAMPLES, SEED + repetition)
        mc_timings.append(time.perf_counter() - started)
        mc_errors.append(abs(estimate[Result.ADOPTED] - exact.p_adopted))
    mc_s = statistics.median(mc_timings)
    standard_error = math.sqrt(exact.p_adopted * (1 - exact.p_adopted) / MONTE_CARLO_SAMPLES)

    def verdict(seconds: float, target: float) -> str:
        return "met" if seconds < target else "NOT met"

    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()} ({platform.python_implementation()})"
    )
    print(
        f"draft: 15 members, quota {rule.quota}; first model: exact p_adopted "
        f"{exact.p_adopted:.6f}, p_vetoed {exact.p_vetoed:.6f}, p_failed {exact.p_failed:.6f}"
    )
    print(f"priors: {history.describe()}; estimated in {estimate_s * 1e3:.0f} ms")
    blocs = ", ".join("+".join(b.members) for b in priors.blocs) or "none"
    print(
        f"forecast (priors, blocs {blocs}): p_adopted {forecast.p_adopted:.6f}, "
        f"p_vetoed {forecast.p_vetoed:.6f}, p_failed {forecast.p_failed:.6f}"
    )
    print(
        f"project with priors and blocs, median of 2000 calls: {forecast_s * 1e3:8.3f} ms"
        f"   target < 5 ms: {verdict(forecast_s, FORECAST_TARGET_S)}"
    )
    print(
        f"project with priors, no blocs, median of 2000 calls: {no_blocs_s * 1e3:8.3f} ms"
        f"   ({forecast_s / no_blocs_s:.1f} x faster with blocs off)"
    )
    print(
        f"project, first model (fixed row), 2000 calls:       {project_s * 1e3:8.3f} ms"
        f"   target < 1 ms: {verdict(project_s, PROJECT_TARGET_S)}; priors and blocs cost "
        f"{forecast_s / project_s:.1f} x"
    )
    print(
        f"analyse with priors and blocs (projection, pivotal, both paths), median of 20: "
        f"{full_s * 1e3:.1f} ms   (no target)"
    )
    print(
        f"power_indices (15 members), median of 200 calls: {power_s * 1e3:8.3f} ms"
        f"   target < 50 ms: {verdict(power_s, POWER_TARGET_S)}"
    )
    print(
        f"Monte Carlo, {MONTE_CARLO_SAMPLES:,} samples, median of 3 runs: "
        f"{mc_s * 1e3:8.1f} ms = {mc_s / project_s:,.0f} x the exact projection"
    )
    print(
        "Monte Carlo absolute error on p_adopted, 3 runs: "
        + ", ".join(f"{error:.6f}" for error in mc_errors)
        + f" (standard error {standard_error:.6f}; the exact DP has none)"
    )
    print(f"analyse, first model, median of 50 calls: {analyse_s * 1e3:.2f} ms   (no target)")


if __name__ == "__main__":
    main()
