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
    ]
    texts = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            headers, body = parse_text_file(path.read_text(encoding="utf-8"))
            texts.append((body, headers.get("published")))
    if not texts:
        sys.exit("no texts found")
    return texts


def rate(fn, texts, seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for body, published in texts:
            fn(body, published)
        done += len(texts)
    return done / (time.perf_counter() - start)


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
    print(f"rule-based extractor: {ours:8.1f} articles/s")
    print(f"naive baseline:       {naive:8.1f} articles/s")
    print(f"ratio baseline/ours:  {naive / ours:8.1f}x")


if __name__ == "__main__":
    main()
