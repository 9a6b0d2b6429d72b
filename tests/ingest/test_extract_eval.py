"""Regression: the extractor against hand-annotated gold (the shared eval set and our own).

The eval set lives outside the project (../shared/eval) and is read in place; its absence
is a failure, not a skip. score.py's own matching is used, loaded from that folder.
"""

import importlib.util
import json
from pathlib import Path

from ingest.extract import extract_file

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
OWN = Path(__file__).resolve().parent / "extract_texts"


def _score_module():
    path = EVAL / "score.py"
    assert path.is_file(), f"eval scorer missing: {path}"
    spec = importlib.util.spec_from_file_location("eval_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _f1(folder: Path) -> float:
    score = _score_module()
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    texts, pred = {}, []
    for path in sorted((folder / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        texts[path.name] = raw
        pred += [{"article": path.name, **m.to_dict()} for m in extract_file(raw)]
    assert texts, f"no articles in {folder}"
    used, matched = set(), 0
    for g in gold:  # the same greedy one-to-one matching as score.py
        text = texts[g["article"]]
        gs = score.span(text, g)
        assert gs is not None, g["quote"]
        for i, p in enumerate(pred):
            if i in used or p["article"] != g["article"]:
                continue
            ps = score.span(text, p)
            if ps is None or ps[1] <= gs[0] or gs[1] <= ps[0]:
                continue
            if p["category"] != g["category"] or score.numbers(p) != score.numbers(g):
                continue
            used.add(i)
            matched += 1
            break
    precision = matched / len(pred) if pred else 0.0
    recall = matched / len(gold)
    return 2 * precision * recall / (precision + recall) if matched else 0.0


def test_shared_dev_set_f1():
    assert (EVAL / "dev" / "articles").is_dir(), f"eval set missing: {EVAL / 'dev'}"
    assert _f1(EVAL / "dev") >= 0.85


def test_own_texts_f1():
    assert _f1(OWN) >= 0.85


def test_quotes_are_verbatim_slices_of_the_file():
    for path in sorted((OWN / "articles").glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        for m in extract_file(raw):
            assert raw[m.quote_start : m.quote_end] == m.quote


def test_every_mention_uses_the_shared_vocabulary():
    from tracker.vocab import MEASURES, QUALIFIERS, UNITS, subtype_is_valid

    for folder in (EVAL / "dev" / "articles", OWN / "articles"):
        for path in sorted(folder.glob("*.txt")):
            for m in extract_file(path.read_text(encoding="utf-8")):
                assert subtype_is_valid(m.category, m.subtype), (m.category, m.subtype)
                assert m.qualifier in QUALIFIERS
                assert m.unit in UNITS
                assert m.measure in MEASURES or m.measure == ""
