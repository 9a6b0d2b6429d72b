"""manage.py eval_extraction [--gold ../shared/eval/dev/gold.json] [--folds 5]

Scores the extractor on an annotated set two ways and prints both:

- plain: the extractor as shipped (when a learned stage ships, it was trained on this set, so
  the plain figure flatters it);
- leave-articles-out: the articles are dealt into k folds (sorted names, round-robin); for each
  fold every fitted component (the learned sentence stage) is refitted on our own texts plus
  the other folds only, and the fold is extracted with that model. The pooled predictions are
  scored. The rules are fixed English patterns, not fitted, so for the rules alone the
  leave-out score equals the plain one.

Each is scored with our own scorer (same matching as score.py) and, when --score-py is given,
with that script too. Also prints the rules alone (no learned stage), measure agreement on
matches that ingest/extract/data/dev_measure.json annotates, and troop subtype agreement.
Deterministic; writes predictions under var/eval/. Only `make eval` runs it on ../shared/eval.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.aliases import claimant_aliases
from ingest.extract import extract_file, learned, training
from ingest.extract.evaluation import folds, match, quote_span, score

MEASURE_PATH = learned.DATA / "dev_measure.json"


class Command(BaseCommand):
    help = "Plain and leave-articles-out scores of the extractor on an annotated set."

    def add_arguments(self, parser):
        parser.add_argument("--gold", default="../shared/eval/dev/gold.json")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--score-py", help="also score with this score.py (e.g. ../shared/eval/score.py)"
        )
        parser.add_argument("--out", default="var/eval", help="folder for the prediction files")

    def handle(self, *args, **options):
        gold_path = Path(options["gold"])
        if not gold_path.is_file():
            raise CommandError(f"no gold file at {gold_path}")
        folder = gold_path.parent / "articles"
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        paths = sorted(folder.glob("*.txt"))
        texts = {p.name: p.read_text(encoding="utf-8") for p in paths}
        out_dir = Path(options["out"])
        if not out_dir.is_absolute():
            out_dir = Path(settings.BASE_DIR) / out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        aliases = claimant_aliases()

        def extract(names, model):
            with learned.using(model):
                return [
                    {"article": n, **m.to_dict()}
                    for n in names
                    for m in extract_file(texts[n], aliases=aliases)
                ]

        names = sorted(texts)
        plain = extract(names, learned.load())
        rules = extract(names, None)
        by_article = defaultdict(list)
        for g in gold:
            by_article[g["article"]].append(g)
        own = training.folder_examples(training.OWN_TEXTS, "own")
        dev = {n: training.article_examples(texts[n], by_article[n], "dev:" + n) for n in names}
        pooled = []
        k = options["folds"]
        for fold in folds(names, k):
            train_set = own + [ex for n in names if n not in fold for ex in dev[n]]
            pooled += extract(fold, learned.train(train_set))
        pooled.sort(key=lambda p: (p["article"], p["quote_start"]))

        shipped = "with its learned stage" if learned.load() else "rules only, no model file"
        for label, pred in (
            (f"plain (as shipped: {shipped})", plain),
            (
                f"leave-articles-out ({k} folds, as shipped)",
                plain if learned.load() is None else pooled,
            ),
            ("rules alone (no learned stage)", rules),
            (f"rules + learned stage refitted per fold ({k} folds)", pooled),
        ):
            s = score(gold, pred, texts)
            self.stdout.write(f"{label}: {s.line()}")
        leaveout = plain if learned.load() is None else pooled
        self._measure(gold, leaveout, texts)
        self._troops(gold, leaveout, texts)
        for name, pred in (("plain", plain), ("leaveout", leaveout)):
            path = out_dir / f"dev-{name}.json"
            path.write_text(json.dumps(pred, indent=1, ensure_ascii=False), encoding="utf-8")
            if options["score_py"]:
                self.stdout.write(f"== score.py, {name}")
                done = subprocess.run(
                    [sys.executable, options["score_py"], str(gold_path), str(path)],
                    capture_output=True,
                    text=True,
                )
                self.stdout.write(done.stdout + done.stderr)

    def _measure(self, gold, pred, texts):
        if not MEASURE_PATH.is_file():
            self.stdout.write("measure: no annotations file")
            return
        notes = json.loads(MEASURE_PATH.read_text(encoding="utf-8"))["mentions"]
        want = {(n["article"], n["quote_start"], n["quote_end"]): n["measure"] for n in notes}
        agree = total = 0
        misses = Counter()
        for g, p in match(gold, pred, texts):
            span = quote_span(texts[g["article"]], g)
            key = (g["article"], *span) if span else None
            if key in want:
                total += 1
                if p.get("measure") == want[key]:
                    agree += 1
                else:
                    misses[(want[key], p.get("measure"))] += 1
        rate = agree / total if total else 0.0
        self.stdout.write(
            f"measure agreement on annotated matches: {rate:.3f} ({agree}/{total}); "
            f"disagreements (ours -> extractor): {dict(misses)}"
        )

    def _troops(self, gold, pred, texts):
        pairs = Counter(
            (g["subtype"], p.get("subtype"))
            for g, p in match(gold, pred, texts)
            if g["category"] == "troop_deployment"
        )
        total = sum(pairs.values()) or 1
        same = sum(v for (a, b), v in pairs.items() if a == b)
        sent_total = sum(v for (a, b), v in pairs.items() if a == "deployed" and b == "sent_total")
        self.stdout.write(
            f"troop subtypes on matches: {same}/{total} agree ({same / total:.3f}); gold "
            f"'deployed' given 'sent_total': {sent_total} (the dev gold predates sent_total)"
        )
        for (a, b), v in sorted(pairs.items()):
            if a != b:
                self.stdout.write(f"  gold {a} -> extractor {b}: {v}")
