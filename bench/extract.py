"""Extraction throughput: articles per second, rule-based extractor vs the naive baseline.

    python bench/extract.py [--seconds 3]

Texts: the eval set in ../shared/eval (read in place, never copied) plus our own test texts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.extract import extract_mentions, parse_text_file  # noqa: E402
from ingest.extract.baseline import naive_mentions  # noqa: E402


def load_texts() -> list[tuple[str, str | None]]:
    folders = [
        ROOT.parent / "shared" / "eval" / "dev" / "articles",
        ROOT / "tests" / "ingest" / "extract_texts" / "articles",
        ROOT / "tests" / "ingest" / "extract_holdout" / "articles",
        ROOT / "tests" / "ingest" / "extract_holdout2" / "articles",
        ROOT / "tests" / "ingest" / "extract_holdout3" / "articles",
        ROOT / "tests" / "ingest" / "extract_holdout4" / "articles",
        ROOT / "tests" / "ingest" / "extract_holdout5" / "articles",
    ]
    texts = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            headers, body = parse_text_file(path.read_text(encoding="utf-8"))
            texts.append((body, headers.get("published")))
    if not texts:
        sys.exit("no texts found")
    return texts


def rate(fn, texts, seconds: float) -> tuple[float, float]:
    """(articles per wall-clock second, articles per CPU second of this process).

    On a shared machine the wall-clock rate falls with the load; the CPU rate is the rate of
    one core and is the figure to compare with the ≥ 100 articles/s target."""
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for body, published in texts:
            fn(body, published)
        done += len(texts)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    texts = load_texts()
    extract_mentions(texts[0][0], published=texts[0][1])  # compile regexes once
    ours = rate(lambda b, p: extract_mentions(b, published=p), texts, args.seconds)
    naive = rate(lambda b, p: naive_mentions(b), texts, args.seconds)
    chars = sum(len(b) for b, _ in texts) / len(texts)
    print(f"texts: {len(texts)} (mean {chars:.0f} characters)")
    print(f"rule-based extractor: {ours[0]:8.1f} articles/s   {ours[1]:8.1f} per CPU second")
    print(f"naive baseline:       {naive[0]:8.1f} articles/s   {naive[1]:8.1f} per CPU second")
    print(f"ratio baseline/ours:  {naive[1] / ours[1]:8.1f}x (CPU)")


if __name__ == "__main__":
    main()
