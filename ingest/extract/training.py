"""Training examples for the learned sentence stage, from annotated article files.

An example is one sentence: its hashed features (the same ones the pipeline computes) and
the categories of the gold claims without a number whose quotes overlap it. No text is kept.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from . import learned
from .evaluation import numbers, quote_span
from .pipeline import extract_mentions
from .text import body_offset, parse_text_file

ROOT = Path(__file__).resolve().parents[2]
OWN_TEXTS = ROOT / "tests" / "ingest" / "extract_texts"


def article_examples(raw: str, gold: list[dict], source: str) -> list[dict]:
    """One example per sentence of the article file `raw`, labelled from its gold mentions."""
    headers, body = parse_text_file(raw)
    shift = body_offset(raw, body)
    spans = []
    for g in gold:
        if numbers(g):
            continue
        span = quote_span(raw, g)
        if span is None:
            continue
        s, e = span
        if s < shift:  # found in the header title: the headline repeated as the first body line
            at = body.find(g["quote"])
            if at < 0:
                continue
            s, e = at, at + len(g["quote"])
        else:
            s, e = s - shift, e - shift
        spans.append((s, e, g["category"]))
    with learned.using(None), learned.collecting() as rows:
        extract_mentions(body, published=headers.get("published"))
    out = []
    for start, end, feats in rows:
        labels = sorted({c for s, e, c in spans if s < end and start < e})
        out.append({"article": source, "features": feats, "labels": labels})
    return out


def folder_examples(folder: Path, prefix: str, gold_path: Path | None = None) -> list[dict]:
    """Examples of every annotated article in `folder` (articles/*.txt beside gold.json)."""
    gold_path = gold_path or folder / "gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    by_article: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_article[g["article"]].append(g)
    out: list[dict] = []
    for path in sorted((folder / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        out += article_examples(raw, by_article.get(path.name, []), f"{prefix}:{path.name}")
    return out


def save_training(examples: list[dict]) -> str:
    raw = json.dumps(
        {"examples": [[ex["article"], ex["labels"], ex["features"]] for ex in examples]},
        separators=(",", ":"),
    )
    learned.TRAINING_PATH.parent.mkdir(parents=True, exist_ok=True)
    learned.TRAINING_PATH.write_text(raw + "\n", encoding="utf-8")
    return raw


def load_training() -> list[dict]:
    data = json.loads(learned.TRAINING_PATH.read_text(encoding="utf-8"))
    return [{"article": a, "labels": lab, "features": f} for a, lab, f in data["examples"]]


def train_from_repository() -> str:
    """The model file's text, trained from the training data the repository keeps."""
    return learned.train(load_training()).to_json()
