"""Progress bar and one-line summary shared by the ingest commands."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from tqdm import tqdm

from ingest.services import IngestResult

OUTCOMES = ("new", "duplicate", "irrelevant", "failed")
BAR_FROM = 5  # items: below this a bar is noise


def ingest_each(
    items: Sequence,
    run: Callable[[object], IngestResult],
    *,
    label: str,
    report_failure: Callable[[str], None],
) -> Counter:
    """Run each item, with a progress bar when there are many; count outcomes."""
    counts: Counter = Counter({outcome: 0 for outcome in OUTCOMES})
    bar: Iterable = tqdm(items, desc=label, unit="item", disable=len(items) < BAR_FROM)
    for item in bar:
        result = run(item)
        counts[result.outcome] += 1
        if result.outcome == "failed":
            report_failure(f"failed: {item}: {result.reason}")
    return counts


_STAGES = {
    "queued": "Queued: waiting for a worker to process it.",
    "fetched": "Fetched: waiting for a worker to extract its claims.",
    "processed": "Processed: its claims wait for review.",
    "irrelevant": "Processed: not about North Korea and Russia, no claims proposed.",
}


def article_progress(article) -> str:
    """Where an article is in the pipeline, in one sentence for the admin (reload to follow)."""
    if article.status in _STAGES:
        return _STAGES[article.status]
    if article.status == "too_long":  # the error already says "too long, review by hand: …"
        return f"Processed in part, {article.error}" if article.error else "Too long."
    return f"{article.get_status_display()}: {article.error}".rstrip(": ")


def summary(counts: Counter) -> str:
    return ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)
