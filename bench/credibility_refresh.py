"""The credibility refresh an ingested claim starts, against the density of its series: CPU per
refresh (up to MAX_REFRESH pending claims regraded against every claim within two merge
windows) for windows of 200 to 4,000 claims, in this process, no database (the facts are made
up: 40 claimants, figures spread as bench/api.py spreads its million claims, 15% pending).

    .venv/bin/python bench/credibility_refresh.py [--runs 5]

At a million claims over 36 series and 4.7 years (bench/api.py's data), a series holds about
2,000 claims in the 120 days a refresh reads; an empty database (bench/ingest.py) a few hundred.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")


def window_of(n: int, rng: random.Random, day: dt.date):
    from tracker import credibility

    facts = []
    for pk in range(1, n + 1):
        best = float(rng.randrange(10, 20000))
        claimant = rng.randrange(40)
        facts.append(
            credibility.ClaimFacts(
                pk=pk,
                claim_date=day + dt.timedelta(days=rng.randrange(-60, 61)),
                status="pending" if rng.random() < 0.15 else "approved",
                suggested=True,
                figure=(best, best),
                vague=False,
                bound=False,
                voice=frozenset({("claimant", claimant)}),
                reliability="ABCDEF"[claimant % 6],
                country="somewhere",
                official=True,
                credibility=6,
            )
        )
    return sorted(facts, key=lambda f: (f.claim_date, f.pk))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="refreshes timed per density")
    args = parser.parse_args()
    import django

    django.setup()
    from tracker.models import Claim
    from tracker.services import _credibility_refresh

    day = dt.date(2026, 11, 1)
    claim = Claim(
        category="casualties",
        subtype="killed_or_wounded",
        norm_unit="troops",
        measure="cumulative",
        claim_date=day,
    )
    print(f"{'claims in the 120 days read':>28} {'ms of CPU per refresh':>22} {'regraded':>9}")
    for n in (200, 500, 1000, 2000, 4000):
        facts = window_of(n, random.Random(n), day)
        started = time.process_time()
        for _ in range(args.runs):
            changed = _credibility_refresh(claim, facts, 30)
        ms = 1000 * (time.process_time() - started) / args.runs
        print(f"{n:>28,} {ms:>22.1f} {len(changed):>9}")


if __name__ == "__main__":
    main()
