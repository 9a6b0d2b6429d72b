"""A small, realistic set of claims for the dashboard tests and screenshots (not a demo loader:
`manage.py load_demo` is separate)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, OutletFactory
from tracker import services, weapons
from tracker.models import Claim, ClaimRelation, ClaimSource, WeaponSystem

HOSTILE_QUOTE = "<script>alert(1)</script><img src=x onerror=alert(2)> 2,500 troops"


@dataclass
class Demo:
    claimants: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    articles: list = field(default_factory=list)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def build_demo() -> Demo:
    demo = Demo()
    # The registry ships by migration; a transactional test before this one may have flushed it.
    weapons.registry_load(WeaponSystem, weapons.registry_entries())
    c = demo.claimants
    c["jcs"] = ClaimantFactory(
        name="South Korea Joint Chiefs of Staff", short_name="JCS", reliability="B"
    )
    c["nis"] = ClaimantFactory(
        name="South Korea National Intelligence Service", short_name="NIS", reliability="B"
    )
    c["gur"] = ClaimantFactory(
        name="Ukraine Defence Intelligence", short_name="GUR", country="Ukraine", reliability="C"
    )
    c["dod"] = ClaimantFactory(
        name="US Department of Defense", short_name="Pentagon", country="USA", reliability="B"
    )
    c["ukmod"] = ClaimantFactory(
        name="UK Ministry of Defence", short_name="UK MoD", country="UK", reliability="B"
    )
    outlets = [
        OutletFactory(name="Yonhap", domain="yna.example.org"),
        OutletFactory(name="Reuters", domain="reuters.example.org"),
        OutletFactory(name="Kyiv Independent", domain="kyiv.example.org", reliability="C"),
    ]

    def claim(key, who, date, *, quote=None, outlet=0, **fields):
        fields.setdefault("best", None)
        fields.setdefault("qualifier", "approximately" if fields.get("best") else "exact")
        fields.setdefault("reliability", c[who].reliability if who else "C")
        obj = ClaimFactory(claimant=c[who] if who else None, claim_date=_d(date), **fields)
        text = quote or f"Officials said {obj.figure_display} on {date}."
        article = ArticleFactory(
            outlet=outlets[outlet],
            title=f"{obj.get_subtype_display()}: {obj.figure_display}",
            published_at=dt.datetime.combine(_d(date), dt.time(9), tzinfo=dt.UTC),
            text=f"Seoul. {text} The ministry gave no further detail.",
        )
        ClaimSource.objects.create(
            claim=obj, article=article, quote=text, quote_start=7, quote_end=7 + len(text)
        )
        if obj.weapon_system:
            services.claim_weapons_set(claim=obj)  # the registry's systems its label names
        demo.articles.append(article)
        demo.claims[key] = obj
        return obj

    troops = dict(category="troop_deployment", subtype="deployed", unit="troops")
    claim("troops1", "nis", "2024-10-18", best=1500, credibility=2, **troops)
    claim("troops2", "nis", "2024-10-23", best=3000, credibility=2, **troops)
    claim("troops3", "dod", "2024-10-30", best=10000, credibility=2, outlet=1, **troops)
    claim("troops4", "gur", "2024-11-05", low=11000, high=12000, qualifier="range",
          credibility=3, outlet=2, **troops)  # fmt: skip
    claim("troops5", "jcs", "2025-01-13", best=11000, credibility=2, **troops)
    claim("troops6", "nis", "2025-04-03", best=15000, credibility=3, **troops)

    cas = dict(category="casualties", subtype="killed_or_wounded", unit="troops")
    claim("cas1", "nis", "2024-12-19", best=1100, credibility=2, **cas)
    claim("cas2", "jcs", "2024-12-23", best=1100, credibility=1,
          quote="about 1,100 North Korean soldiers were killed or wounded", **cas)  # fmt: skip
    claim("cas3", "gur", "2024-12-23", low=3000, qualifier="more_than", credibility=3,
          outlet=2, **cas)  # fmt: skip
    claim("cas4", "nis", "2025-01-13", best=3000, low=2700, high=3300, credibility=2, **cas)
    claim("cas5", "ukmod", "2025-02-14", best=4000, credibility=3, outlet=1, **cas)
    claim("cas6", "nis", "2025-02-27", best=4700, credibility=2, **cas)
    claim("cas7", "jcs", "2025-04-28", best=4700, low=4500, high=5000, credibility=2, **cas)
    claim("cas_pending", "gur", "2025-05-10", best=6000, credibility=4, outlet=2,
          status=Claim.Status.PENDING, origin="extracted", quote=HOSTILE_QUOTE, **cas)  # fmt: skip

    shells = dict(category="arms_transfer", subtype="artillery_shells", unit="rounds")
    claim("shells1", "nis", "2024-08-01", low=1_000_000, qualifier="more_than", credibility=2,
          **shells)  # fmt: skip
    claim("shells2", "gur", "2024-12-10", best=5_000_000, credibility=3, outlet=2, **shells)
    claim("shells3", "jcs", "2025-03-10", low=9_000_000, qualifier="more_than", credibility=2,
          **shells)  # fmt: skip
    cont = dict(category="arms_transfer", subtype="containers", unit="containers")
    claim("cont1", "nis", "2024-10-18", best=13000, credibility=2, **cont)
    claim("cont2", "jcs", "2025-03-10", best=28000, credibility=2, **cont)
    claim("missiles1", "gur", "2025-01-20", best=148, credibility=3, outlet=2,
          category="arms_transfer", subtype="ballistic_missiles", unit="missiles",
          weapon_system="KN-23/KN-24")  # fmt: skip
    claim("mrl1", "jcs", "2024-11-20", best=200, credibility=2, category="arms_transfer",
          subtype="rocket_launchers", unit="launchers", weapon_system="240mm MRL")  # fmt: skip
    claim("mrl2", "jcs", "2025-03-10", best=220, credibility=2, category="arms_transfer",
          subtype="rocket_launchers", unit="launchers", weapon_system="240mm MRL")  # fmt: skip
    claim("koksan", "jcs", "2025-03-10", best=200, credibility=2, category="arms_transfer",
          subtype="self_propelled_artillery", unit="systems",
          weapon_system="170mm Koksan")  # fmt: skip
    claim("bulsae", "gur", "2025-02-02", qualifier="none", credibility=3, outlet=2,
          category="arms_transfer", subtype="anti_tank_missiles", unit="",
          weapon_system="Bulsae-4 ATGM")  # fmt: skip

    border = dict(category="border_activity", measure="increment")
    claim("ball1", "jcs", "2024-05-29", best=260, subtype="balloons", unit="balloons", **border)
    claim("ball2", "jcs", "2024-06-02", best=720, subtype="balloons", unit="balloons", **border)
    claim("ball3", "jcs", "2024-07-24", best=500, subtype="balloons", unit="balloons", **border)
    claim("ball4", "jcs", "2024-10-10", best=470, subtype="balloons", unit="balloons", **border)
    claim("launch1", "jcs", "2024-06-02", best=1, subtype="balloon_launches",
          unit="incidents", qualifier="exact", **border)  # fmt: skip
    claim("fence1", "jcs", "2024-09-15", best=10, subtype="fence", unit="km",
          category="border_activity", credibility=2)  # fmt: skip
    claim("fence2", "jcs", "2025-02-20", best=12, subtype="fence", unit="miles",
          category="border_activity", credibility=2)  # fmt: skip
    claim("soldiers1", "jcs", "2025-03-05", low=1000, qualifier="vague",
          subtype="soldiers_at_border", unit="troops", category="border_activity")  # fmt: skip
    claim("treaty", None, "2024-06-19", qualifier="none", category="other", subtype="treaty",
          unit="", reliability="A", credibility=1, outlet=1)  # fmt: skip

    ClaimRelation.objects.create(
        from_claim=demo.claims["cas2"], to_claim=demo.claims["cas1"], kind="corroborates"
    )
    ClaimRelation.objects.create(
        from_claim=demo.claims["cas3"], to_claim=demo.claims["cas2"], kind="contradicts"
    )
    return demo


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Series are cached between requests; every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db) -> Demo:
    return build_demo()


@pytest.fixture
def live_demo(transactional_db) -> Demo:
    return build_demo()
