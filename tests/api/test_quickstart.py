"""The quickstart in docs/api.md works: its Python (httpx) and pandas snippets, taken from the
marked code blocks, run against a live server on loopback with its address put in."""

import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.factories import ClaimantFactory, ClaimFactory

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
MARKED = re.compile(r"<!-- quickstart: (\w+) -->\s*```python\n(.*?)```", re.S)
DOC_BASE = "http://localhost:8000"
MATCHING = 105  # more than one page of 100: the snippet must follow `next`


def snippets() -> dict[str, str]:
    found = dict(MARKED.findall(DOC.read_text(encoding="utf-8")))
    assert set(found) == {"python", "pandas"}, "docs/api.md lost a marked quickstart block"
    return found


def run(code: str, base: str) -> str:
    assert DOC_BASE in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace(DOC_BASE, base), str(DOC), "exec"), {"__name__": "__main__"})
    return out.getvalue()


@pytest.fixture
def published(transactional_db):
    nis = ClaimantFactory(name="National Intelligence Service")
    wanted = [
        ClaimFactory(claimant=nis, best=1000 + i, reliability="B", credibility=2)
        for i in range(MATCHING)
    ]
    ClaimFactory(claimant=nis, best=7, reliability="E", credibility=5)  # low confidence
    ClaimFactory(claimant=nis, category="arms_transfer", subtype="containers", unit="containers")
    ClaimFactory(claimant=nis, best=8, status="pending")
    return wanted


def test_the_python_quickstart_prints_every_matching_claim_and_the_headline(live_server, published):
    output = run(snippets()["python"], live_server.url).splitlines()
    claims = [line for line in output if " | " in line]
    assert len(claims) == MATCHING
    assert all(line.startswith("2024-12-23 | National Intelligence Service | ") for line in claims)
    assert "about 1,104 troops" in "\n".join(claims)
    assert output[-1].startswith("headline: ") and output[-1] != "headline: None"


def test_the_pandas_quickstart_reads_the_csv(live_server, published):
    output = run(snippets()["pandas"], live_server.url)
    assert f"{MATCHING} claims" in output
    for claim in published[:3]:
        assert str(claim.pk) in output
