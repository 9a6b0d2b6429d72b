"""The partial plotly.js bundle under static/vendor/ (tools/build_plotly.sh): the files are the
ones recorded when it was built, the page's integrity attribute matches the file, and its
plotly.js has the same major version as the Python plotly package that builds the figures."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import plotly
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
BUNDLE = VENDOR / "plotly" / "plotly-geo.min.js"


def _recorded() -> dict[str, str]:
    lines = (VENDOR / "plotly" / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split() for line in lines if line[:1] != "#")}


def _version(script: Path) -> str:
    return re.search(r"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)", script.read_text()[:300])[1]


def test_vendor_files_match_their_recorded_sha256():
    recorded = _recorded()
    assert "plotly/plotly-geo.min.js" in recorded and "topojson/world_110m.json" in recorded
    for name, digest in recorded.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_the_script_tag_carries_the_bundle_integrity():
    html = render_to_string("tracker/_scripts.html")
    digest = base64.b64encode(hashlib.sha384(BUNDLE.read_bytes()).digest()).decode()
    tag = re.search(r'<script src="[^"]*plotly-geo\.min\.js"[^>]*>', html)[0]
    assert f'integrity="sha384-{digest}"' in tag


def test_the_bundle_has_the_plotly_major_version_of_the_python_package():
    python_copy = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _version(BUNDLE).split(".")[0] == _version(python_copy).split(".")[0]
