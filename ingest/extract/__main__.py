"""python -m ingest.extract PATH... [--json]: print the mentions found in text files."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import extract_file


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.extract", description=__doc__)
    ap.add_argument("paths", nargs="+", help="article text files (eval header format or plain)")
    ap.add_argument("--json", action="store_true", help="print one JSON list")
    args = ap.parse_args(argv)
    rows = []
    for path in args.paths:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
        for m in extract_file(raw):
            rows.append({"article": os.path.basename(path), **m.to_dict()})
    if args.json:
        json.dump(rows, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for r in rows:
            figure = "/".join("" if r[k] is None else str(r[k]) for k in ("low", "best", "high"))
            print(
                f"{r['article']}\t{r['category']}/{r['subtype']}\t{r['qualifier']} {figure} "
                f"{r['unit']}\t{r['claimant'] or '-'}\t{r['claim_date']}\t{r['quote'][:70]!r}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
