"""Regression: the extractor against our own hand-annotated gold.

The real-article eval set (EVAL_DIR, outside the repository) is read only by `make eval`
(manage.py eval_extraction); the suite scores our own texts with our scorer, which matches as
score.py does.
"""

import json
from pathlib import Path

from ingest.extract import extract_file
from ingest.extract.evaluation import score

OWN = Path(__file__).resolve().parent / "extract_texts"


def _f1(folder: Path) -> float:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts, pred = {}, []
    for path in sorted((folder / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        texts[path.name] = raw
        pred += [{"article": path.name, **m.to_dict()} for m in extract_file(raw)]
    assert texts, f"no articles in {folder}"
    return score(gold, pred, texts).overall["f1"]


def test_own_texts_f1():
    assert _f1(OWN) >= 0.85


def test_quotes_are_verbatim_slices_of_the_file():
    for path in sorted((OWN / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        for m in extract_file(raw):
            assert raw[m.quote_start : m.quote_end] == m.quote


def test_every_mention_uses_the_shared_vocabulary():
    from tracker.vocab import MEASURES, QUALIFIERS, UNITS, subtype_is_valid

    for folder in (OWN / "articles",):
        for path in sorted(folder.glob("*.txt")):
            for m in extract_file(path.read_text(encoding="utf-8")):
                assert subtype_is_valid(m.category, m.subtype), (m.category, m.subtype)
                assert m.qualifier in QUALIFIERS
                assert m.unit in UNITS
                assert m.measure in MEASURES or m.measure == ""
