"""manage.py extract_claims PATH... [--json]: the claim mentions found in article files.

Reads the database only for the claimant alias table; writes nothing.
"""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand

from ingest.aliases import claimant_aliases
from ingest.extract import extract_file, extract_mentions


def _html_mentions(raw: str, aliases: dict[str, str]):
    """Main text of an HTML page (trafilatura), then extraction; offsets index that text."""
    import trafilatura

    text = trafilatura.extract(raw, include_comments=False, include_tables=False) or ""
    meta = trafilatura.extract_metadata(raw)
    published = (meta.date if meta is not None else None) or None
    return extract_mentions(text, published=published, aliases=aliases)


class Command(BaseCommand):
    help = "Print the claim mentions found in article files (eval text format or HTML)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="article files: .txt (eval format) or .html")
        parser.add_argument("--json", action="store_true", help="print one JSON list")

    def handle(self, *args, **options):
        aliases = claimant_aliases()
        rows = []
        for path in options["paths"]:
            with open(path, encoding="utf-8", errors="replace") as fh:
                raw = fh.read()
            if path.lower().endswith((".html", ".htm")):
                mentions = _html_mentions(raw, aliases)
            else:
                mentions = extract_file(raw, aliases=aliases)
            rows.extend({"article": os.path.basename(path), **m.to_dict()} for m in mentions)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=1, ensure_ascii=False))
            return
        for r in rows:
            figure = "/".join("" if r[k] is None else f"{r[k]:g}" for k in ("low", "best", "high"))
            self.stdout.write(
                f"{r['article']}  {r['category']}/{r['subtype']}  {r['qualifier']} {figure} "
                f"{r['unit']}  {r['claimant'] or '-'}  {r['claim_date'] or '-'}\n"
                f"    “{r['quote']}”  [{r['quote_start']}:{r['quote_end']}] {r['rule']}"
            )
        self.stdout.write(f"{len(rows)} mentions in {len(options['paths'])} files")
