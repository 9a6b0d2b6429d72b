"""Fuzz what schemathesis does not reach (issue 12): generated values posted to every admin
add/change form, every dashboard filter and every ingest path (API and admin), then every
public page, the feed, the CSV and the API rendered over whatever was stored — with no 5xx,
well-formed XML/JSON/CSV, and no markup of ours-not in a chart's JSON.

Bounded: each stage runs a fixed number of hypothesis examples with no deadline, about a
minute in all on the CI machine (FUZZ_EXAMPLES to run more locally).
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.dom.minidom

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory, ClaimFactory, ClaimSourceFactory, UserFactory
from tests.security.chartcheck import markup_problems, page_figures
from tests.security.conftest import HOSTILE_LONG, P_IMG, P_SVG
from tracker.models import Claim

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs in every CI run: a failure reproduces
    suppress_health_check=list(HealthCheck),
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time, failures printed
    report_multiple_bugs=False,
)

ODD_TEXT = [
    "", " ", "\x00", "\x0c\x1b[31m", "\u202e\u2066evil\u2069", "\u200b\ufeff", "e\u0301\u0327",
    "\U0001f4a3" * 40, "\ud7ff\ue000\ufffd", "𝔑𝔬𝔯𝔱𝔥", "%s%n%x", "{{ 7*7 }}", "${jndi:x}",
    '" onmouseover="x', "</script><script>x</script>", HOSTILE_LONG, P_IMG, P_SVG,
    "x" * 5000, "9" * 400, "-0", "-0.0", "1e309", "-1e309", "NaN", "Infinity", "0x1F",
    "2147483648", "9223372036854775808", "-9223372036854775809", "1.7976931348623157e308",
    "0001-01-01", "9999-12-31", "10000-01-01", "0000-00-00", "2024-02-30", "-1",
    "http://127.0.0.1:99999/", "ftp://example.org/", "javascript:alert(1)", "//evil.example",
    "[" * 200, "on", "true", "null",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(max_size=60),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(str),
)
# A form field may also arrive several times, or empty.
FORM_VALUE = st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3))
JSON_VALUE = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(ODD_TEXT),
        st.text(max_size=40),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

PUBLIC_PAGES = ["/", "/timeline/", "/totals/", "/arms/", "/border/", "/claims/", "/methodology/"]
FILTERS = ["category", "subtype", "claimant", "min_confidence", "date_from", "date_to", "q",
           "pending", "sort", "page", "unit"]  # fmt: skip


def _ok(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code)


def _admin_targets() -> list[tuple[type, str, list[str], str]]:
    """(model, add URL, form field names, change URL name) for every registered admin."""
    from django.test import RequestFactory

    superuser = UserFactory(username="fuzzroot", is_staff=True, is_superuser=True)
    request = RequestFactory().get("/")
    request.user = superuser
    out = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_add_permission(request):
            continue
        fields = list(model_admin.get_form(request).base_fields)
        info = (model._meta.app_label, model._meta.model_name)
        add = reverse("admin:{}_{}_add".format(*info))
        out.append((model, add, fields, "admin:{}_{}_change".format(*info)))
    return out


@pytest.fixture
def seeded(db):
    claim = ClaimFactory()
    ClaimFactory(status=Claim.Status.PENDING, category="arms_transfer", subtype="artillery_shells")
    ClaimSourceFactory(claim=claim, article=ArticleFactory())
    return claim


# Every admin form and page, places and weapon systems included: longer than the default limit.
@pytest.mark.timeout(900)
def test_fuzzed_input_everywhere_never_answers_5xx_and_every_page_renders(
    seeded, django_capture_on_commit_callbacks
):
    editor = UserFactory(username="fuzzeditor", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(editor)
    anonymous = Client()
    targets = [t[1:] for t in _admin_targets()]
    changes = [(t[0], t[2], t[3]) for t in _admin_targets()]

    # 1. Every admin add form, and the change form of an existing row of each model.
    @FUZZ
    @given(st.data())
    def admin_forms(data):
        for add_url, fields, _ in targets:
            post = {name: data.draw(FORM_VALUE, label=name) for name in fields}
            _ok(staff.post(add_url, post), (add_url, post))
        for model_cls, fields, change_name in changes:
            row = model_cls._default_manager.order_by("pk").first()
            if row is None:
                continue
            url = reverse(change_name, args=[row.pk])
            post = {name: data.draw(FORM_VALUE, label=name) for name in fields}
            _ok(staff.post(url, post), (url, post))

    # 2. Every dashboard filter on every public page, as a reader and as an editor.
    @FUZZ
    @given(st.dictionaries(st.sampled_from(FILTERS), FORM_VALUE, max_size=5))
    def dashboard_filters(query):
        for url in PUBLIC_PAGES + ["/claims.csv", "/api/v1/claims/", "/api/v1/series/"]:
            _ok(anonymous.get(url, query), (url, query))
        _ok(staff.get("/totals/", query), ("/totals/ staff", query))

    # 3. Every ingest path: the API (JSON of any shape, form data) and the admin form.
    @FUZZ
    @given(
        st.fixed_dictionaries(
            {}, optional={"url": JSON_VALUE, "text": JSON_VALUE, "title": JSON_VALUE}
        ),
        st.dictionaries(st.sampled_from(["url", "text", "title", "outlet", "published"]),
                        FORM_VALUE, max_size=4),
    )  # fmt: skip
    def ingest_paths(api_body, form):
        # Nothing reaches a broker (CI has Redis): the worker's service runs below instead.
        with django_capture_on_commit_callbacks(execute=False):
            _ok(
                staff.post("/api/v1/articles/ingest", json.dumps(api_body),
                           content_type="application/json"),
                api_body,
            )  # fmt: skip
            _ok(staff.post("/api/v1/articles/ingest", form), form)
            _ok(staff.post(reverse("admin:tracker_article_add_from_source"), form), form)

    # 4. Claim writes through the API with values of any type in every field.
    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(
                [
                    "category",
                    "subtype",
                    "low",
                    "best",
                    "high",
                    "qualifier",
                    "unit",
                    "measure",
                    "claim_date",
                    "period_start",
                    "period_end",
                    "claimant",
                    "location",
                    "weapon_system",
                    "summary",
                    "reliability",
                    "credibility",
                    "notes",
                    "sources",
                ]
            ),
            JSON_VALUE,
            max_size=8,
        )
    )
    def claim_writes(body):  # fmt: skip
        base = {"category": "casualties", "subtype": "killed", "qualifier": "exact", "best": 5,
                "unit": "troops", "measure": "cumulative", "claim_date": "2024-12-01"}  # fmt: skip
        for payload in (body, {**base, **body}):
            _ok(staff.post("/api/v1/claims/", json.dumps(payload),
                           content_type="application/json"), payload)  # fmt: skip
            _ok(staff.patch(f"/api/v1/claims/{seeded.pk}/", json.dumps(payload),
                            content_type="application/json"), payload)  # fmt: skip

    admin_forms()
    dashboard_filters()
    ingest_paths()
    claim_writes()

    # The worker's turn: process every stored text, as process_article would.
    from ingest import services
    from tracker.models import Article

    for article in Article.objects.exclude(raw="").filter(status=Article.Status.QUEUED):
        services.article_process(article=article)
    assert Article.objects.exclude(status=Article.Status.QUEUED).exists()

    # Approve whatever was stored, so the public pages render it.
    Claim.objects.update(status=Claim.Status.APPROVED)
    assert Claim.objects.count() > 2

    # 5. Every public page, the feed, the CSV and the API over the fuzzed data.
    from tracker.cache import bump_data_version

    bump_data_version()
    pages = PUBLIC_PAGES + [c.get_absolute_url() for c in Claim.objects.all()[:40]]
    pages += [f"/claimants/{pk}/" for pk in Claim.objects.values_list("claimant", flat=True)[:20]
              if pk]  # fmt: skip
    pages += [f"/articles/{pk}/" for pk in Claim.objects.values_list("sources__article",
              flat=True)[:20] if pk]  # fmt: skip
    from tracker import vocab

    pages += [f"/totals/?category={c}&subtype={s}" for c, subs in vocab.SUBTYPES.items()
              for s in subs]  # fmt: skip
    for url in pages:
        response = anonymous.get(url)
        _ok(response, url)
        if response.status_code == 200:
            for name, figure in page_figures(response.content.decode()).items():
                assert markup_problems(figure) == [], (url, name)
    feed = anonymous.get("/feeds/claims.atom")
    assert feed.status_code == 200
    xml.dom.minidom.parseString(feed.content)
    claims_csv = anonymous.get("/claims.csv")
    assert claims_csv.status_code == 200
    body = b"".join(claims_csv.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) > 1 and len({len(r) for r in rows}) == 1
    for url in ["/api/v1/claims/?page_size=100", "/api/v1/articles/", "/api/v1/claimants/",
                "/api/v1/outlets/", "/api/v1/relations/"]:  # fmt: skip
        response = staff.get(url)
        assert response.status_code == 200, url
        json.loads(response.content)
    export = staff.get("/api/v1/export.jsonl")
    assert export.status_code == 200
    for line in b"".join(export.streaming_content).decode().splitlines():
        json.loads(line)
