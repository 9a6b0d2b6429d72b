"""manage.py train_extractor [--dev-gold PATH]: fit the learned sentence stage.

Training data: our own annotated texts (tests/ingest/extract_texts) and, when --dev-gold is
given, the annotated dev articles beside that gold file (read in place; only hashed features,
labels and article ids are kept in ingest/extract/data/sentence_training.json). Without
--dev-gold the dev examples already in the training file are kept. Writes the training file
and the model (ingest/extract/data/sentence_model.json); the same data gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.extract import learned, training


class Command(BaseCommand):
    help = "Fit the learned sentence stage of the extractor from annotated articles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dev-gold",
            help="gold.json of an annotated set (articles/ beside it), "
            "e.g. ../shared/eval/dev/gold.json",
        )

    def handle(self, *args, **options):
        examples = training.folder_examples(training.OWN_TEXTS, "own")
        if options["dev_gold"]:
            gold = Path(options["dev_gold"])
            if not gold.is_file():
                raise CommandError(f"no gold file at {gold}")
            examples += training.folder_examples(gold.parent, "dev", gold)
        elif learned.TRAINING_PATH.is_file():
            examples += [
                ex for ex in training.load_training() if not ex["article"].startswith("own:")
            ]
        training.save_training(examples)
        raw = training.train_from_repository()
        learned.MODEL_PATH.write_text(raw, encoding="utf-8")
        positives = sum(1 for ex in examples if ex["labels"])
        self.stdout.write(
            f"trained on {len(examples)} sentences ({positives} with a claim without a number) "
            f"from {len({ex['article'] for ex in examples})} articles; "
            f"model sha256 {learned.checksum(raw)[:16]}"
        )
