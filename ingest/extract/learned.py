"""A learned sentence stage for claims stated without a number.

A small logistic regression per category over hashed sentence features (words, word pairs,
cue flags and what the rules found in the sentence) says whether a sentence states a claim of
that category as a fact. Pure Python, deterministic, no text stored: the model file holds
feature-hash weights only (`data/sentence_model.json`), and the training data the repository
keeps (`data/sentence_training.json`) holds hashed features and labels per sentence, keyed by
article id. `manage.py train_extractor` builds both; `manage.py eval_extraction` refits it
without each fold it scores.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from .lexicon import NORTH_KOREA

DATA = Path(__file__).resolve().parent / "data"
MODEL_PATH = DATA / "sentence_model.json"
TRAINING_PATH = DATA / "sentence_training.json"

CATEGORIES = ("troop_deployment", "casualties", "arms_transfer", "border_activity", "other")
BUCKETS = 1 << 18
EPOCHS = 12
RATE = 0.3
L2 = 1e-4
THRESHOLD = 0.5

_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*|\d[\d,.]*")
_MODAL = re.compile(
    r"\b(?:may|might|could|would|should|can|will|expected|likely|possib\w+|potential\w*|plans?|"
    r"if|whether|unless)\b",
    re.I,
)
_NEG = re.compile(r"\b(?:not|no|never|denied|denies|deny|without|n't)\b", re.I)
_RUSSIA = re.compile(r"\b(?:Russia\w*|Moscow|Kremlin|Putin|Kursk)\b")
_UKRAINE = re.compile(r"\b(?:Ukrain\w*|Kyiv|Kiev|Zelensky\w*)\b")
_SOUTH = re.compile(r"\b(?:South\s+Korea\w*|Seoul)\b")
_PAST = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?(?:been\s+)?\w+(?:ed|en|wn|t)\b|\b\w+ed\b")


def _h(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % BUCKETS


def sentence_features(sentence: str, *, first: bool, rule_hits: set[str]) -> list[int]:
    """Hashed features of one sentence (sorted, unique)."""
    words = ["<n>" if w[0].isdigit() else w for w in _WORD.findall(sentence.lower())]
    feats = {"bias"}
    feats.update("w:" + w for w in words)
    feats.update("b:" + a + "_" + b for a, b in zip(words, words[1:], strict=False))
    if first:
        feats.add("first")
    if sentence.rstrip().endswith("?"):
        feats.add("question")
    for name, rx in (
        ("nk", NORTH_KOREA),
        ("ru", _RUSSIA),
        ("ua", _UKRAINE),
        ("sk", _SOUTH),
        ("modal", _MODAL),
        ("neg", _NEG),
        ("past", _PAST),
    ):
        if rx.search(sentence):
            feats.add("cue:" + name)
    if NORTH_KOREA.search(sentence) and _RUSSIA.search(sentence):
        feats.add("cue:nk+ru")
    feats.update("rule:" + r for r in rule_hits)
    return sorted({_h(f) for f in feats})


@dataclass
class Model:
    weights: dict[str, dict[int, float]]

    def prob(self, category: str, features: list[int]) -> float:
        w = self.weights.get(category)
        if not w:
            return 0.0
        z = sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        data = {
            "kind": "hashed-feature logistic regression, one per category",
            "buckets": BUCKETS,
            "threshold": THRESHOLD,
            "weights": {
                c: {str(k): v for k, v in sorted(w.items())}
                for c, w in sorted(self.weights.items())
            },
        }
        return json.dumps(data, indent=0, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, raw: str) -> Model:
        data = json.loads(raw)
        return cls(
            {c: {int(k): float(v) for k, v in w.items()} for c, w in data["weights"].items()}
        )


def train(examples: list[dict]) -> Model:
    """Fit one logistic regression per category (AdaGrad SGD in a fixed order, L2).

    `examples`: {"features": [int], "labels": [category]} in a deterministic order.
    """
    weights: dict[str, dict[int, float]] = {}
    for cat in CATEGORIES:
        w: dict[int, float] = {}
        g2: dict[int, float] = {}
        pos = sum(1 for ex in examples if cat in ex["labels"])
        if not pos:
            continue
        # weigh the rare positives up (balanced classes)
        wpos = (len(examples) - pos) / pos if pos else 1.0
        wpos = max(1.0, min(wpos, 8.0)) ** 0.5
        for _ in range(EPOCHS):
            for ex in examples:
                feats = ex["features"]
                y = 1.0 if cat in ex["labels"] else 0.0
                z = sum(w.get(f, 0.0) for f in feats)
                p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
                grad = (p - y) * (wpos if y else 1.0)
                for f in feats:
                    gi = grad + L2 * w.get(f, 0.0)
                    g2[f] = g2.get(f, 0.0) + gi * gi
                    w[f] = w.get(f, 0.0) - RATE * gi / math.sqrt(g2[f])
        weights[cat] = {f: round(v, 5) for f, v in w.items() if abs(round(v, 5)) > 0}
    return Model(weights)


def checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


_loaded: Model | None = None
_override: list[Model | None] = []


def load() -> Model | None:
    """The versioned model, read once at start (None when the file is absent)."""
    global _loaded
    if _loaded is None and MODEL_PATH.is_file():
        _loaded = Model.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    return _loaded


def current() -> Model | None:
    if _override:
        return _override[-1]
    return load()


@contextlib.contextmanager
def using(model: Model | None):
    """Extract with another model (the leave-out folds); None switches the stage off."""
    _override.append(model)
    try:
        yield
    finally:
        _override.pop()


_SUBTYPE_CUES: dict[str, list[tuple[str, re.Pattern]]] = {
    "troop_deployment": [
        (
            "withdrawn",
            re.compile(r"\b(?:withdr[ae]wn?|pulled\s+(?:back|out|off)|returned\s+home)\b", re.I),
        ),
        (
            "in_combat",
            re.compile(
                r"\b(?:combat|fight\w*|fought|battl\w*|clash\w*|assaults?|attack\w*|front\s?lines?|"
                r"offensive|liberat\w+|recaptur\w+|repel\w*|under\s+fire|operations)\b",
                re.I,
            ),
        ),
        (
            "additional_deployment",
            re.compile(
                r"\b(?:more|additional|another|further|fresh|new\s+batch|second|third|rotation|"
                r"expected|preparing|plans?|will|reinforc\w+)\b",
                re.I,
            ),
        ),
        ("workers", re.compile(r"\b(?:workers|labou?rers)\b", re.I)),
    ],
    "casualties": [
        ("captured", re.compile(r"\b(?:captur\w+|prisoners?|POWs?|taken\s+prisoner)\b", re.I)),
        ("missing", re.compile(r"\bmissing\b", re.I)),
        (
            "killed",
            re.compile(
                r"\b(?:killed|dead|deaths?|died|fatalit\w+|sacrifice\w*|laid\s+down\s+their\s+"
                r"lives|fallen|coffins?)\b",
                re.I,
            ),
        ),
        ("wounded", re.compile(r"\b(?:wounded|injur\w+)\b", re.I)),
    ],
    "border_activity": [
        ("balloon_launches", re.compile(r"\bballoons?\b", re.I)),
        ("loudspeakers", re.compile(r"\b(?:loudspeakers?|broadcasts?|noises?)\b", re.I)),
        ("mdl_crossings", re.compile(r"\b(?:demarcation|MDL|crossed)\b", re.I)),
        ("warning_shots", re.compile(r"\bwarning\s+shots\b", re.I)),
        ("mines", re.compile(r"\bmines\b", re.I)),
        ("fence", re.compile(r"\b(?:fences?|walls?|barriers?)\b", re.I)),
    ],
    "other": [
        (
            "technology_transfer",
            re.compile(
                r"\b(?:technolog\w*|know-how|technical|satellites?|data|production|instructors|"
                r"training)\b",
                re.I,
            ),
        ),
        ("payment", re.compile(r"\b(?:oil|fuel|petroleum|food|cash|money|aid|payment\w*)\b", re.I)),
    ],
}
_DEFAULT_SUBTYPE = {
    "troop_deployment": "deployed",
    "casualties": "killed_or_wounded",
    "arms_transfer": "other_weapons",
    "border_activity": "fence",
    "other": "other",
}


def guess_subtype(category: str, sentence: str) -> tuple[str, str]:
    """(subtype, unit) for a claim of `category` stated in `sentence`, from cue words."""
    from .lexicon import NOUN_CLASSES, WEAPON

    if category == "arms_transfer":
        for w in WEAPON.finditer(sentence):
            if w.lastgroup != "containers":
                _, sub, unit = NOUN_CLASSES[w.lastgroup]
                return sub, unit
        return "other_weapons", ""
    if category == "casualties":
        killed = _SUBTYPE_CUES["casualties"][2][1].search(sentence)
        wounded = _SUBTYPE_CUES["casualties"][3][1].search(sentence)
        if killed and wounded:
            return "killed_or_wounded", "troops"
    for sub, rx in _SUBTYPE_CUES.get(category, []):
        if rx.search(sentence):
            unit = {"troop_deployment": "troops", "casualties": "troops"}.get(category, "")
            return sub, unit
    unit = {"troop_deployment": "troops", "casualties": "troops"}.get(category, "")
    return _DEFAULT_SUBTYPE[category], unit


_collector: list[list] = []


@contextlib.contextmanager
def collecting():
    """Record (sentence start, end, features) for every sentence extracted inside the block."""
    rows: list = []
    _collector.append(rows)
    try:
        yield rows
    finally:
        _collector.pop()


def record(start: int, end: int, features: list[int]) -> None:
    if _collector:
        _collector[-1].append((start, end, features))


def is_collecting() -> bool:
    return bool(_collector)
