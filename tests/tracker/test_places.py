"""The gazetteer (tracker/data/places.json), its loader and the place resolver."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.models import PRECISION_OF_KIND, Place
from tracker.places import Gazetteer, gazetteer_entries, names_of, normalise, places_load, resolve


@pytest.fixture
def places(db):
    places_load()  # transactional tests elsewhere may have flushed the migration's rows


def test_gazetteer_has_at_least_80_places_with_valid_coordinates_and_kinds():
    entries = gazetteer_entries()
    assert len(entries) >= 80
    kinds = {k for k, _ in Place.Kind.choices}
    for entry in entries:
        assert -90 <= entry["latitude"] <= 90 and -180 <= entry["longitude"] <= 180, entry
        assert entry["kind"] in kinds, entry
        assert entry["name"].strip() and entry["country"].strip(), entry
    assert len({e["slug"] for e in entries}) == len(entries)


def test_no_name_of_the_gazetteer_points_at_two_places():
    owner: dict[str, str] = {}
    for entry in gazetteer_entries():
        for name in names_of(entry):
            assert owner.setdefault(name, entry["slug"]) == entry["slug"], (name, owner[name])


def test_gazetteer_covers_the_places_the_tracker_reports_on():
    slugs = {e["slug"] for e in gazetteer_entries()}
    wanted = {
        "sudzha", "korenevo", "glushkovo", "kurchatov", "kursk-oblast", "belgorod-oblast",
        "sergeevsky", "rajin", "vostochny-port", "dunai", "vladivostok", "tumangang-khasan",
        "sunan", "knevichi", "kursk-khalino", "kyiv", "kharkiv", "zaporizhzhia", "dmz", "mdl",
        "seoul", "paju", "incheon", "pyongyang", "moscow",
    }  # fmt: skip
    assert wanted <= slugs


def test_coordinates_sit_in_the_right_part_of_the_world():
    by_country = {"Russia": (41, 70, 19, 180), "North Korea": (37.5, 43.1, 124, 131)}
    by_country |= {"South Korea": (33, 38.7, 124.5, 130), "Ukraine": (44, 52.5, 22, 40.3)}
    for entry in gazetteer_entries():
        south, north, west, east = by_country[entry["country"]]
        assert south <= entry["latitude"] <= north, entry["slug"]
        assert west <= entry["longitude"] <= east, entry["slug"]


def test_the_migration_loaded_the_gazetteer(db):
    assert Place.objects.filter(slug="rajin", kind="port").exists()


def test_loading_twice_changes_nothing_and_a_changed_entry_updates_by_slug(places, tmp_path):
    assert places_load() == {"created": 0, "updated": 0, "total": len(gazetteer_entries())}
    entries = gazetteer_entries()
    entries[0] = {**entries[0], "latitude": 10.5, "aliases": ["Another name"]}
    entries.append({**entries[1], "slug": "new-place", "name": "New place", "aliases": []})
    path = tmp_path / "places.json"
    path.write_text(json.dumps(entries), encoding="utf-8")
    call_command("load_places", str(path))
    changed = Place.objects.get(slug=entries[0]["slug"])
    assert changed.latitude == 10.5 and changed.aliases == ["Another name"]
    assert Place.objects.filter(slug="new-place").exists()


def test_load_places_command_reports_counts(places, capsys):
    call_command("load_places")
    assert "0 places created, 0 updated" in capsys.readouterr().out


def test_normalise_ignores_case_accents_apostrophes_and_dashes():
    assert normalise("SUDŽA") == "sudza"
    assert normalise("Namp'o") == "nampo"
    assert normalise("Khasan–Tumangang") == normalise("khasan tumangang")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Troops were seen near SUDŽA on Tuesday.", "sudzha"),
        ("shells loaded at the Najin port", "rajin"),
        ("Cargo crossed at Khasan-Tumangang overnight.", "tumangang-khasan"),
        ("Cargo reached Khasan station.", "khasan"),
        ("jets at the Kursk Khalino air base", "kursk-khalino"),
        ("North Korean troops fought in Kursk", "kursk-oblast"),
        ("A missile struck Kiev", "kyiv"),
        ("удар по Запорожье", "zaporizhzhia"),
        ("freighters left Namp'o", "nampo"),
        ("a ship docked at Vostochny", "vostochny-port"),
        ("launches from the Vostochny Cosmodrome", "vostochny-cosmodrome"),
        ("balloons landed in the presidential compound in Seoul", "yongsan"),
        ("soldiers crossed the MDL in the central front", "dmz-central"),
        ("North Korea sent troops to Russia", "north-korea"),
    ],
)
def test_resolve_finds_the_place_by_any_name(places, text, slug):
    place = resolve(text)
    assert place is not None and place.slug == slug


def test_resolve_prefers_any_finer_place_to_a_country(places):
    assert resolve("North Korea and Russia said troops were in Korenevo").slug == "korenevo"


def test_resolve_matches_whole_words_only(places):
    assert resolve("Rajinder and Sunanda met in Sudzhanka") is None
    assert resolve("") is None


def test_countries_can_be_left_out(places):
    assert resolve("North Korea sent shells to Russia", countries=False) is None


def test_a_place_added_in_the_admin_resolves_at_once(places):
    Place.objects.create(
        name="Test Range", slug="test-range", kind="training_ground", country="Russia",
        latitude=50, longitude=40, aliases=["Polygon Seven"],
    )  # fmt: skip
    assert resolve("drills at polygon seven").slug == "test-range"
    assert Gazetteer.load().resolve("POLYGON-SEVEN").default_precision == "exact"


def test_every_kind_has_a_precision():
    assert set(PRECISION_OF_KIND) == {k for k, _ in Place.Kind.choices}


def test_admin_finds_a_place_by_alias(places, superuser_client):
    response = superuser_client.get("/admin/tracker/place/", {"q": "najin"})
    assert response.status_code == 200
    assert "Rajin" in response.content.decode()
    response = superuser_client.get("/admin/tracker/place/", {"q": "Суджа"})
    assert "Sudzha" in response.content.decode()


def test_editors_may_extend_the_gazetteer_and_analysts_may_read_it(editor, analyst):
    assert editor.has_perm("tracker.add_place") and editor.has_perm("tracker.change_place")
    assert analyst.has_perm("tracker.view_place") and not analyst.has_perm("tracker.add_place")


def test_the_gazetteer_is_kept_per_process_until_a_place_is_saved(db, django_assert_num_queries):
    kept = Gazetteer.current()
    with django_assert_num_queries(0):
        assert Gazetteer.current() is kept  # the pipeline's next article reads no place
    Place.objects.create(
        name="Test Range", slug="test-range", kind="training_ground", country="Russia",
        latitude=50, longitude=40,
    )  # fmt: skip
    assert Gazetteer.current() is not kept
    assert resolve("drills at the test range").slug == "test-range"


def test_a_place_rolled_back_is_not_kept(db):
    Gazetteer.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Place.objects.create(
            name="Test Range", slug="test-range", kind="training_ground", country="Russia",
            latitude=50, longitude=40,
        )  # fmt: skip
        assert resolve("drills at the test range").slug == "test-range"  # seen inside
        raise RuntimeError("roll back")
    assert resolve("drills at the test range") is None


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("2,000 containers shipped from Rajin to Dunai", "rajin"),
        ("freighters left Namp'o with shells for Vostochny", "nampo"),
        ("shells loaded at the Najin port were unloaded at Dunai", "rajin"),
        ("munitions moved out of Rajin by sea", "rajin"),
        ("cargo from the northeastern port of Rajin reached Vostochny", "rajin"),
        ("shipped to Russia from Rajin", "rajin"),
        # Where a shipment went, or passed, is not where it left from.
        ("2,000 containers shipped from North Korea to Dunai", None),
        ("containers arrived at Dunai from the sea", None),
        ("a ship docked at Vostochny", None),
        ("cargo crossed at Khasan-Tumangang", None),
        ("shells sent from North Korea to Russia", None),  # countries are never origins
        ("shells moved out by rail from the depot to Rajin", None),
        ("shells stored in Rajin were left behind", None),
    ],
)
def test_shipped_from_is_the_place_a_start_cue_leads_to(places, text, origin):
    found = Gazetteer.load().shipped_from(text)
    assert (found.slug if found else None) == origin


def test_resolve_besides_leaves_one_place_out(places):
    gazetteer = Gazetteer.load()
    rajin = Place.objects.get(slug="rajin")
    text = "shells shipped from Rajin to Vostochny"
    assert gazetteer.resolve(text, besides=rajin).slug == "vostochny-port"
    assert gazetteer.resolve("shells shipped from Rajin", besides=rajin, countries=False) is None


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        # A capital standing for its government is no place in prose...
        ("Pyongyang has shipped more than 10,000 containers", None),
        ("Seoul says North Korea has deployed more troops", None),
        ("securing critical support from Moscow", None),
        ("sanctions on Pyongyang were tightened", None),
        ("Pyongyang sent troops to the Kursk region", "kursk-oblast"),
        # ... and a place where something is put there.
        ("balloons landed in Seoul", "seoul"),
        ("a missile struck Kyiv overnight", "kyiv"),
        ("an attack on Kyiv killed four", "kyiv"),
        ("drones were seen over central Kyiv", "kyiv"),
        ("Putin visited Pyongyang in June", "pyongyang"),
        ("residents of Seoul received an alert", "seoul"),
        ("during his visits to Pyongyang", "pyongyang"),
        ("shells were sent to Moscow", None),
        ("with the support of Moscow", None),
        ("troops trained near Vladivostok", "vladivostok"),  # not a capital: any mention
    ],
)
def test_in_prose_a_capital_is_a_place_only_where_something_is_put_there(places, text, slug):
    found = Gazetteer.load().resolve(text, countries=False, prose=True)
    assert (found.slug if found else None) == slug


def test_outside_prose_a_capitals_name_is_its_place(places):
    # An editor's location field, the 0015 migration's input: a name, not a sentence.
    assert resolve("Pyongyang").slug == "pyongyang" and resolve("Seoul").slug == "seoul"


def _normalise_every_char(text: str) -> str:
    """normalise as first written: accents taken off every text, ASCII or not."""
    text = re.sub(r"['’ʼ‘`´]", "", unicodedata.normalize("NFKD", text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", text.replace("_", " ")))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300) | st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_normalise_gives_what_it_gave_before_its_ascii_shortcut(text):
    assert normalise(text) == _normalise_every_char(text)


PROSE_WORDS = st.sampled_from(
    "Pyongyang Moscow Seoul Kyiv Kiev Rajin Najin Dunai Vostochny Kursk Sudža North Korea Russia "
    "from to in at on of out left loaded arrived struck attack residents visit the port said "
    "has sent shells 1,000 . , — ' ’ Khasan-Tumangang".split()
)


# The places loaded once serve every example: reading writes nothing.
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(PROSE_WORDS, max_size=60).map(" ".join) | st.text(max_size=400))
def test_reading_prose_never_raises_and_keeps_to_its_rules(places, text):
    gazetteer = Gazetteer.load()
    named = {m.place for m in gazetteer.matches(text)}
    in_prose = gazetteer.resolve(text, countries=False, prose=True)
    assert in_prose is None or (in_prose in named and in_prose.kind != Place.Kind.COUNTRY)
    origin = gazetteer.shipped_from(text)
    assert origin is None or (origin in named and origin.kind != Place.Kind.COUNTRY)
    # A capital only where something is put there ("loaded in Pyongyang"), not "from Pyongyang".
    assert origin is None or origin in {m.place for m in gazetteer.matches(text, prose=True)}
    assert gazetteer.resolve(text, besides=origin, prose=True) != origin or origin is None


def test_a_capital_is_an_origin_only_where_something_is_put_there(places):
    gazetteer = Gazetteer.load()
    assert gazetteer.shipped_from("shells sent from Pyongyang to Vostochny") is None
    assert gazetteer.shipped_from("shells loaded in Pyongyang").slug == "pyongyang"
