"""An editor reviews ten machine proposals with the keyboard in Debian's Chromium, at 1,280 px:
the review bar is on screen without scrolling, and every claim takes at most three actions
(approve seven, fix one figure, reject one with a reason, confirm one as "cannot be judged")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, UserFactory
from tracker import vocab
from tracker.models import Claim, ClaimSource

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1280, 800
SCREENSHOTS = (
    Path(os.environ.get("ARTIFACTS_DIR") or settings.BASE_DIR / "var" / "artifacts") / "screenshots"
)


def _proposals() -> list[Claim]:
    """Ten pending extracted casualty claims, newest first as the list shows them; the eighth
    carries the extractor's wrong figure (1,100 where its quote says 1,200)."""
    claimant = ClaimantFactory(name="Ministry of Examples", short_name="MoE", reliability="B")
    claims = []
    for i in range(10):
        figure = 1000 + 100 * i
        printed = 1200 if i == 7 else figure
        text = (
            f"A spokesman said on Monday that about {printed:,} soldiers had been killed or "
            "wounded since the autumn. The ministry gave no further detail."
        )
        article = ArticleFactory(text=text, title=f"Casualty report {i}")
        claim = ClaimFactory(
            status="pending",
            origin="extracted",
            credibility=6,
            claimant=claimant,
            best=1100 if i == 7 else figure,
            claim_date=dt.date(2025, 3, 20) - dt.timedelta(days=i),
        )
        quote = f"about {printed:,} soldiers had been killed or wounded"
        start = text.index(quote)
        ClaimSource.objects.create(
            claim=claim,
            article=article,
            quote=quote,
            quote_start=start,
            quote_end=start + len(quote),
        )
        claims.append(claim)
    return claims


@pytest.fixture
def desk(browser, live_server, transactional_db):
    editor = UserFactory(username="desk-editor", is_staff=True)
    # Transactional tests flush the Editors group a migration made: grant its permissions.
    editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="tracker"))
    claims = _proposals()
    # Pending, newer, but of another category: the filtered list never leads there.
    other = ClaimFactory(
        status="pending",
        category="arms_transfer",
        subtype="artillery_shells",
        unit="rounds",
        claim_date=dt.date(2025, 4, 1),
    )
    client = Client()
    client.force_login(editor)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    # Script errors and CSP violations; failed loads are told by URL (the admin has no
    # favicon, which the browser asks for anyway).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    yield page, live_server.url, editor, claims, other, errors
    context.close()


def _claim_on_screen(page) -> int:
    return int(page.url.split("/tracker/claim/")[1].split("/")[0])


def _bar_fits_without_scrolling(page) -> None:
    assert page.evaluate("window.scrollY") == 0
    for name in ("_approve_next", "_approve", "_reject_next"):
        box = page.locator(f'#review-bar button[name="{name}"]').bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, name
        assert box["x"] + box["width"] <= WIDTH, name
    skip = page.locator('#review-bar [data-key="s"]')
    if skip.count():
        box = skip.bounding_box()
        assert box["y"] + box["height"] <= HEIGHT and box["x"] + box["width"] <= WIDTH


def test_an_editor_reviews_ten_proposals_with_the_keyboard(desk):
    page, base, editor, claims, other, errors = desk
    actions: dict[int, int] = {}

    def act(claim_id: int, do) -> None:
        actions[claim_id] = actions.get(claim_id, 0) + 1
        do()

    page.goto(f"{base}/admin/tracker/claim/?category__exact=casualties&status__exact=pending")
    list_width = page.evaluate("document.getElementById('result_list').scrollWidth")
    assert list_width <= WIDTH
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "desk-list.png"))
    # Action 0: open the first proposal from the list.
    with page.expect_navigation():
        page.locator("#result_list tbody tr").first.locator("th a, td a").first.click()
    opened = 1

    for index in range(10):
        expected = claims[index]
        current = _claim_on_screen(page)
        assert current == expected.pk, (index, current, expected.pk)
        _bar_fits_without_scrolling(page)
        if index in (0, 7):
            page.screenshot(path=str(SCREENSHOTS / f"desk-claim-{index + 1}.png"))
        with page.expect_navigation():
            if index == 7:
                # The quote says 1,200: fix the figure; Enter saves (four eyes: another
                # editor approves it) and opens the next.
                act(current, lambda: page.locator("#id_best").fill(""))
                act(current, lambda: page.locator("#id_best").type("1200"))
                act(current, lambda: page.keyboard.press("Enter"))
            elif index == 8:
                act(current, lambda: page.keyboard.press("r"))
                act(current, lambda: page.keyboard.press("2"))  # "Wrong figure or unit"
            elif index == 9:
                act(current, lambda: page.keyboard.press("6"))  # cannot be judged, on purpose
                act(current, lambda: page.keyboard.press("n"))
            else:
                act(current, lambda: page.keyboard.press("3"))  # credibility 3
                act(current, lambda: page.keyboard.press("n"))
        page.wait_for_load_state("load")

    # The last one leads back to the list: nothing left that this editor may approve.
    assert "/admin/tracker/claim/?" in page.url and "category__exact=casualties" in page.url
    assert errors == []
    assert max(actions.values()) <= 3
    assert opened + sum(actions.values()) <= 30

    statuses = {c.pk: Claim.objects.get(pk=c.pk) for c in claims}
    for claim in claims[:7]:
        assert (statuses[claim.pk].status, statuses[claim.pk].credibility) == ("approved", 3)
        assert statuses[claim.pk].reviewed_by == editor
    fixed = statuses[claims[7].pk]
    assert (fixed.best, fixed.status, fixed.edited_by) == (1200, "pending", editor)
    rejected = statuses[claims[8].pk]
    assert (rejected.status, rejected.review_note) == ("rejected", "Wrong figure or unit")
    confirmed = statuses[claims[9].pk]
    assert (confirmed.status, confirmed.credibility) == ("approved", 6)
    other.refresh_from_db()
    assert other.status == "pending"


def test_subtype_choices_follow_the_chosen_category(desk):
    page, base, *_, errors = desk
    page.goto(f"{base}/admin/tracker/claim/add/")
    page.select_option("#id_category", "border_activity")
    shown = page.eval_on_selector_all(
        "#id_subtype option:not([hidden])", "options => options.map(o => o.value)"
    )
    assert "balloons" in shown and "killed" not in shown
    assert all(value in ("", *vocab.SUBTYPES["border_activity"]) for value in shown)
    assert errors == []
