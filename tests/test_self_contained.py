"""The suite needs nothing outside the repository: a clone of HEAD alone in an empty folder
collects every test without opening anything beside it (the real eval set, in the folder beside
the checkout, is read only by `make eval`), and no file under tests/ names that folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The eval set lives beside the checkout; only the make targets read it (Makefile, .ci/run).
FORBIDDEN = re.compile(r"\.\./shared|EVAL_DIR|shared/eval")
MAKE_EVAL = re.compile(r"make eval(-dupes)?\b")

# Runs in the clone: pytest's collection under an audit hook that records every file or folder
# opened or listed beside the clone, or in the folder beside the real checkout that holds the
# eval set.
_COLLECT = """
import json, os, sys
beside, clone, shared = (os.path.realpath(p) for p in sys.argv[1:4])
touched = set()

def _inside(path, folder):
    return path == folder or path.startswith(folder + os.sep)

def _hook(event, args):
    if event not in ("open", "os.listdir", "os.scandir", "glob.glob", "os.chdir") or not args:
        return
    path = args[0]
    if path is None or isinstance(path, int):
        return
    path = os.path.realpath(os.fsdecode(path))
    if _inside(path, shared) or (_inside(path, beside) and not _inside(path, clone)):
        touched.add(path)

sys.addaudithook(_hook)
import pytest
code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider"])
print("TOUCHED " + json.dumps(sorted(touched)))
sys.exit(int(code))
"""


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()


@pytest.mark.clone
@pytest.mark.timeout(240)
def test_a_bare_clone_collects_every_test_without_reading_beside_it(tmp_path):
    head = _git("rev-parse", "HEAD", cwd=ROOT)
    alone = tmp_path / "alone"
    alone.mkdir()
    clone = alone / "repo"
    _git("clone", "--quiet", "--no-checkout", str(ROOT), str(clone), cwd=tmp_path)
    _git("checkout", "--quiet", head, cwd=clone)
    env = {k: v for k, v in os.environ.items() if k != "EVAL_DIR"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", _COLLECT, str(alone), str(clone), str(ROOT.parent / "shared")],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=230,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    summary = re.search(r"^(\d+) tests? collected", output, flags=re.M)
    assert summary and int(summary.group(1)) > 0, output[-3000:]
    assert not re.search(r"\b(errors?|skipped)\b", output.splitlines()[-2]), output[-3000:]
    touched = json.loads(re.search(r"^TOUCHED (.*)$", output, flags=re.M).group(1))
    assert touched == []
    assert sorted(p.name for p in alone.iterdir()) == ["repo"]  # nothing made beside it


def test_no_test_file_names_the_eval_set_beside_the_repository():
    found = []
    for path in sorted((ROOT / "tests").rglob("*")):
        if not path.is_file() or path.resolve() == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for number, line in enumerate(text.splitlines(), 1):
            # Naming the make targets that read the eval set is allowed; reading it is not.
            if FORBIDDEN.search(line) and not MAKE_EVAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
