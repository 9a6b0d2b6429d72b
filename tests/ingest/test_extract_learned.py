"""The learned sentence stage, its training command and the leave-articles-out evaluation.

Everything here runs on our own annotated texts (tests/ingest/extract_texts); the shared eval
set is read only by `make eval`.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from ingest.extract import extract_mentions, learned, training
from ingest.extract.evaluation import folds, score

OWN = Path(__file__).resolve().parent / "extract_texts"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The training command writes its files here instead of the repository."""
    monkeypatch.setattr(learned, "MODEL_PATH", tmp_path / "sentence_model.json")
    monkeypatch.setattr(learned, "TRAINING_PATH", tmp_path / "sentence_training.json")
    return tmp_path


@pytest.mark.django_db
def test_the_training_command_gives_the_same_model_bytes_each_time(data_dir):
    out = StringIO()
    call_command("train_extractor", stdout=out)
    first = learned.MODEL_PATH.read_text(encoding="utf-8")
    call_command("train_extractor", stdout=out)
    assert learned.MODEL_PATH.read_text(encoding="utf-8") == first
    assert (
        learned.checksum(first) in out.getvalue().replace("\n", " ") or "sha256" in out.getvalue()
    )
    # the training file keeps hashed features, labels and article ids: no text
    raw = learned.TRAINING_PATH.read_text(encoding="utf-8")
    text = OWN / "articles" / sorted(p.name for p in (OWN / "articles").glob("*.txt"))[0]
    assert "North Korea" not in raw and text.name in raw
    model = json.loads(first)
    assert set(model) == {"kind", "buckets", "threshold", "weights"}


def test_a_versioned_model_file_is_the_one_the_training_command_produces():
    """When a model ships, it must be what training on the repository's data gives."""
    if not learned.MODEL_PATH.is_file():
        assert learned.load() is None  # no model file: the stage is off (rules only)
        return
    shipped = learned.MODEL_PATH.read_text(encoding="utf-8")
    assert learned.checksum(training.train_from_repository()) == learned.checksum(shipped)


def test_the_stage_proposes_a_sentence_its_model_accepts_and_nothing_without_one():
    text = "North Korean officials waited near the river crossing for the convoy."
    with learned.using(None):
        assert extract_mentions(text, published="2025-01-01") == []
    # a model that accepts every sentence as a border claim: the stage proposes it, with the
    # rule naming the stage and the whole sentence as the quote
    with learned.collecting() as rows, learned.using(None):
        extract_mentions(text, published="2025-01-01")
    model = learned.Model({"border_activity": {f: 5.0 for f in rows[0][2]}})
    with learned.using(model):
        (m,) = extract_mentions(text, published="2025-01-01")
    assert (m.category, m.qualifier, m.best) == ("border_activity", "none", None)
    assert m.rule.startswith("learned:border_activity")
    assert m.quote == text.rstrip(".")


def test_training_is_deterministic_and_learns_the_labelled_sentences():
    examples = training.folder_examples(OWN, "own")
    a, b = learned.train(examples), learned.train(examples)
    assert a.to_json() == b.to_json()
    positives = [ex for ex in examples if "casualties" in ex["labels"]]
    if positives:
        assert a.prob("casualties", positives[0]["features"]) > 0.5


def test_folds_are_whole_articles_dealt_in_a_fixed_order():
    names = [f"a{i:02}.txt" for i in range(11)]
    got = folds(list(reversed(names)), 5)
    assert got == folds(names, 5)
    assert sorted(n for f in got for n in f) == names
    assert all(len(f) in (2, 3) for f in got)


def test_the_scorer_matches_on_overlap_category_and_numbers():
    text = "Seoul said 300 North Korean troops were killed."
    texts = {"a.txt": text}
    gold = [{"article": "a.txt", "category": "casualties", "best": 300, "quote": "300 North"}]
    right = {"article": "a.txt", "category": "casualties", "best": 300, "quote": "Seoul said 300"}
    wrong = {"article": "a.txt", "category": "casualties", "best": 30, "quote": "Seoul said 300"}
    assert score(gold, [right], texts).overall["f1"] == 1.0
    assert score(gold, [wrong], texts).overall["f1"] == 0.0


@pytest.mark.django_db
def test_eval_extraction_prints_plain_and_leave_out_scores(tmp_path):
    out = StringIO()
    call_command(
        "eval_extraction",
        "--gold",
        str(OWN / "gold.json"),
        "--folds",
        "3",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    printed = out.getvalue()
    assert "plain (as shipped" in printed
    assert "leave-articles-out (3 folds" in printed
    assert "rules + learned stage refitted per fold (3 folds)" in printed
    assert "troop subtypes on matches" in printed
    pooled = json.loads((tmp_path / "dev-leaveout.json").read_text(encoding="utf-8"))
    assert {p["article"] for p in pooled} <= {p.name for p in (OWN / "articles").glob("*.txt")}
    assert all("measure" in p for p in pooled)
