"""Scoring extracted mentions against gold mentions, and article folds for leave-out scores.

The matching follows the eval README (`../shared/eval/score.py`): a prediction matches a gold
mention (one-to-one, greedily, in gold order) when both are in the same article, their quotes
overlap, the category is the same and the set of numbers is the same. This is our own code, so
the test suite can score our own annotated texts without the shared folder; `make eval` still
prints score.py's own figures for the dev set.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field


def quote_span(text: str, m: dict) -> tuple[int, int] | None:
    """Character span of a mention's quote in its article file, or None."""
    s, e = m.get("quote_start"), m.get("quote_end")
    q = m.get("quote") or ""
    if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text):
        if not q or text[s:e].strip() == q.strip() or q.strip() in text[s:e] or text[s:e] in q:
            return (s, e)
    if q:
        i = text.find(q)
        if i < 0:
            i = text.lower().find(q.lower())
        if i >= 0:
            return (i, i + len(q))
    return None


def numbers(m: dict) -> set:
    out = set()
    for k in ("low", "best", "high"):
        v = m.get(k)
        if v is not None:
            try:
                out.add(round(float(v), 3))
            except (TypeError, ValueError):
                out.add(str(v))
    return out


def match(gold: list[dict], pred: list[dict], texts: dict[str, str]) -> list[tuple[dict, dict]]:
    """(gold, prediction) pairs matched one-to-one, greedily in gold order."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pred):
        by_article[p.get("article", "")].append(i)
    used: set[int] = set()
    pairs = []
    for g in gold:
        text = texts[g["article"]]
        gs = quote_span(text, g)
        if gs is None:
            raise ValueError(f"gold quote not found in {g['article']}: {g['quote']!r}")
        for i in by_article.get(g["article"], []):
            if i in used:
                continue
            p = pred[i]
            ps = quote_span(text, p)
            if ps is None or ps[1] <= gs[0] or gs[1] <= ps[0]:
                continue
            if p.get("category") != g["category"] or numbers(p) != numbers(g):
                continue
            used.add(i)
            pairs.append((g, p))
            break
    return pairs


_STOP = {"the", "of", "s", "south", "korea", "korean", "north", "said", "a", "an"}
_SCORER_ALIASES = {
    "jcs": "joint chiefs staff",
    "nis": "national intelligence service",
    "gur": "defence intelligence",
    "hur": "defence intelligence",
    "dod": "department defense",
    "pentagon": "department defense",
}


def _words(s: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", (s or "").lower()) if w not in _STOP}


def claimant_ok(g: str | None, p: str | None) -> bool:
    """The scorer's claimant agreement: half of the gold name's words found in the answer."""
    if not g:
        return True
    gw, pw = _words(g), _words(p)
    for k, v in _SCORER_ALIASES.items():
        if k in gw:
            gw |= set(v.split())
        if k in pw:
            pw |= set(v.split())
    if not gw:
        return bool(_words(g) & _words(p)) or (p or "").lower().startswith((g or "").lower())
    return len(gw & pw) / len(gw) >= 0.5


def _prf(tp: int, npred: int, ngold: int) -> dict[str, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


@dataclass
class Score:
    overall: dict
    with_numbers: dict
    without_numbers: dict
    fields: dict
    counts: dict
    per_category: dict = field(default_factory=dict)

    def line(self) -> str:
        o, w, n, f = self.overall, self.with_numbers, self.without_numbers, self.fields
        return (
            f"F1 {o['f1']:.3f} (P {o['precision']:.3f} R {o['recall']:.3f}); with numbers "
            f"{w['f1']:.3f}; without numbers {n['f1']:.3f} (R {n['recall']:.3f}); claimant "
            f"{f['claimant']:.3f}, subtype {f['subtype']:.3f}, qualifier {f['qualifier']:.3f}, "
            f"claim date {f['claim_date']:.3f}"
        )


def score(gold: list[dict], pred: list[dict], texts: dict[str, str]) -> Score:
    pairs = match(gold, pred, texts)
    kinds = {}
    for kind, want in (("with", True), ("without", False)):
        tp = sum(1 for g, _ in pairs if bool(numbers(g)) == want)
        kinds[kind] = _prf(
            tp,
            sum(1 for p in pred if bool(numbers(p)) == want),
            sum(1 for g in gold if bool(numbers(g)) == want),
        )
    n = len(pairs) or 1
    fields = {
        "subtype": round(sum(g.get("subtype") == p.get("subtype") for g, p in pairs) / n, 3),
        "qualifier": round(sum(g.get("qualifier") == p.get("qualifier") for g, p in pairs) / n, 3),
        "claimant": round(
            sum(claimant_ok(g.get("claimant"), p.get("claimant")) for g, p in pairs) / n, 3
        ),
        "claim_date": round(
            sum(_date_ok(g.get("claim_date"), p.get("claim_date")) for g, p in pairs) / n, 3
        ),
    }
    cats = sorted({g["category"] for g in gold})
    per_cat = {
        c: _prf(
            sum(1 for g, _ in pairs if g["category"] == c),
            sum(1 for p in pred if p.get("category") == c),
            sum(1 for g in gold if g["category"] == c),
        )
        for c in cats
    }
    return Score(
        _prf(len(pairs), len(pred), len(gold)),
        kinds["with"],
        kinds["without"],
        fields,
        {"gold": len(gold), "pred": len(pred), "matched": len(pairs)},
        per_cat,
    )


def _date_ok(g, p) -> bool:
    import datetime as dt

    if not g:
        return True
    try:
        a = dt.date.fromisoformat(str(g)[:10])
        b = dt.date.fromisoformat(str(p)[:10])
    except (TypeError, ValueError):
        return False
    return abs((a - b).days) <= 7


def folds(articles: list[str], k: int) -> list[list[str]]:
    """k folds of whole articles, deterministic: sorted names dealt round-robin."""
    names = sorted(set(articles))
    k = max(1, min(k, len(names)))
    return [names[i::k] for i in range(k)]
