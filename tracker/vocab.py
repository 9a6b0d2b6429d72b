"""The controlled vocabulary of claims: categories, subtypes, qualifiers, units.

One place for every list that models, forms, the API, the extractor and the charts share.
"""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "troop_deployment": "Troop deployment",
    "casualties": "Casualties",
    "arms_transfer": "Arms transfer",
    "border_activity": "Border activity",
    "other": "Other",
}

# subtype -> label, per category
SUBTYPES: dict[str, dict[str, str]] = {
    "troop_deployment": {
        "deployed": "In Russia now (in theatre)",
        "sent_total": "Sent in total (rotations included)",
        "additional_deployment": "Additional deployment (one batch)",
        "in_combat": "In combat",
        "workers": "Workers / labourers",
        "withdrawn": "Withdrawn",
    },
    "casualties": {
        "killed": "Killed",
        "wounded": "Wounded",
        "killed_or_wounded": "Killed or wounded",
        "captured": "Captured",
        "missing": "Missing",
    },
    "arms_transfer": {
        "artillery_shells": "Artillery shells",
        "containers": "Containers",
        "ballistic_missiles": "Ballistic missiles",
        "rocket_launchers": "Multiple rocket launchers",
        "self_propelled_artillery": "Self-propelled artillery",
        "artillery_systems": "Artillery systems",
        "drones": "Drones",
        "anti_tank_missiles": "Anti-tank missiles",
        "small_arms": "Small arms and ammunition",
        "other_weapons": "Other weapons",
    },
    "border_activity": {
        "balloons": "Balloons",
        "balloon_launches": "Balloon launches",
        "fence": "Fence / barrier",
        "soldiers_at_border": "Soldiers at the border",
        "mdl_crossings": "MDL crossings",
        "loudspeakers": "Loudspeakers",
        "mines": "Mines laid",
        "gps_jamming": "GPS jamming",
        "warning_shots": "Warning shots",
    },
    "other": {
        "technology_transfer": "Technology transfer",
        "treaty": "Treaty / agreement",
        "visit": "Official visit",
        "payment": "Payment / compensation",
        "training": "Training",
        "other": "Other",
    },
}

# What each subtype counts, in one line: the methodology page, the filters and the API
# schema show these. Troop figures of different kinds never share a line.
SUBTYPE_MEANINGS: dict[str, dict[str, str]] = {
    "troop_deployment": {
        "deployed": "Troops in Russia at the date of the claim: a stock that can fall as units "
        "rotate home or are lost.",
        "sent_total": "Everyone sent since the deployment began, replacements and rotations "
        "included: a running total that never falls.",
        "additional_deployment": "One new batch (“arrived”, “sent another”, "
        "“a further 3,000”): always an increment, summed into a running total.",
        "in_combat": "Troops said to be fighting or on the front line, usually without a number.",
        "workers": "Labourers and military construction workers, not combat troops.",
        "withdrawn": "Troops said to have left Russia or been pulled back.",
    },
    "casualties": {
        "killed": "Killed, as a running total unless the text gives a period.",
        "wounded": "Wounded, as a running total unless the text gives a period.",
        "killed_or_wounded": "Killed and wounded together, as a running total unless the text "
        "gives a period (“in the past week”).",
        "captured": "Taken prisoner.",
        "missing": "Missing.",
    },
}

# Subtypes whose measure is fixed by what they count.
FIXED_MEASURE: dict[str, str] = {
    "deployed": "cumulative",
    "sent_total": "cumulative",
    "additional_deployment": "increment",
}

QUALIFIERS: dict[str, str] = {
    "exact": "Exact",
    "approximately": "Approximately",
    "at_least": "At least",
    "more_than": "More than",
    "up_to": "Up to",
    "fewer_than": "Fewer than",
    "range": "Range",
    "vague": "Vague amount",
    "none": "No number",
}

MEASURES: dict[str, str] = {
    "cumulative": "Cumulative (running figure as of a date)",
    "increment": "Increment (one event or shipment)",
}

# unit as printed -> (normalised unit, factor)
UNIT_NORMALISATION: dict[str, tuple[str, float]] = {
    "miles": ("km", 1.609344),
    "mile": ("km", 1.609344),
    "km": ("km", 1.0),
    "kilometers": ("km", 1.0),
    "kilometres": ("km", 1.0),
    "m": ("km", 0.001),
    "meters": ("km", 0.001),
    "metres": ("km", 0.001),
}

UNITS: dict[str, str] = {
    "troops": "troops",
    "workers": "workers",
    "rounds": "rounds",
    "containers": "containers",
    "missiles": "missiles",
    "launchers": "launchers",
    "systems": "systems",
    "drones": "drones",
    "balloons": "balloons",
    "incidents": "incidents",
    "loudspeakers": "loudspeakers",
    "mines": "mines",
    "km": "km",
    "miles": "miles",
    "m": "metres",
    "usd": "US dollars",
    "": "(no unit)",
}


def subtype_choices() -> list[tuple[str, str]]:
    """Flat (value, label) list for form fields; labels carry the category."""
    return [
        (sub, f"{CATEGORIES[cat]}: {label}")
        for cat, subs in SUBTYPES.items()
        for sub, label in subs.items()
    ]


def subtype_meaning(category: str, subtype: str) -> str:
    """What a subtype counts, in one line ('' when the label says it all)."""
    return SUBTYPE_MEANINGS.get(category, {}).get(subtype, "")


def subtype_rows(category: str) -> list[tuple[str, str, str]]:
    """(subtype, label, meaning) of a category, in vocabulary order, for tables."""
    return [
        (sub, label, subtype_meaning(category, sub)) for sub, label in SUBTYPES[category].items()
    ]


def subtype_help() -> str:
    """One paragraph saying what the troop subtypes count (API parameter descriptions)."""
    troops = SUBTYPE_MEANINGS["troop_deployment"]
    return "What is counted. Troop figures: " + "; ".join(
        f"{sub} = {meaning}" for sub, meaning in troops.items()
    )


def subtype_is_valid(category: str, subtype: str) -> bool:
    return subtype in SUBTYPES.get(category, {})


def normalise_unit(unit: str) -> tuple[str, float]:
    """(normalised unit, factor) for a unit as printed; unknown units are kept as they are."""
    return UNIT_NORMALISATION.get((unit or "").lower(), (unit or "", 1.0))


# --- Axis titles ------------------------------------------------------------------------------
# What a chart's value axis counts, in words: (quantity, units the words already name). A series
# in one of those units (or with none) is titled by the words alone; any other unit is named once
# after them: "Fence or barrier built (km)", never "Containers (containers)" or "Troops (number)".
AXIS_QUANTITIES: dict[str, dict[str, tuple[str, frozenset[str]]]] = {
    "troop_deployment": {
        "deployed": ("North Korean troops in Russia", frozenset({"troops", "soldiers"})),
        "sent_total": ("North Korean troops sent in total", frozenset({"troops", "soldiers"})),
        "additional_deployment": (
            "Additional North Korean troops sent",
            frozenset({"troops", "soldiers"}),
        ),
        "in_combat": ("North Korean troops in combat", frozenset({"troops", "soldiers"})),
        "workers": ("North Korean workers in Russia", frozenset({"workers", "labourers"})),
        "withdrawn": ("North Korean troops withdrawn", frozenset({"troops", "soldiers"})),
    },
    "casualties": {
        sub: (f"North Korean soldiers {words}", frozenset({"troops", "soldiers"}))
        for sub, words in {
            "killed": "killed",
            "wounded": "wounded",
            "killed_or_wounded": "killed or wounded",
            "captured": "captured",
            "missing": "missing",
        }.items()
    },
    "arms_transfer": {
        "artillery_shells": ("Artillery shells supplied", frozenset({"rounds", "shells"})),
        "containers": ("Containers of munitions shipped", frozenset({"containers"})),
        "ballistic_missiles": ("Ballistic missiles supplied", frozenset({"missiles"})),
        "rocket_launchers": (
            "Multiple rocket launchers supplied",
            frozenset({"launchers", "systems"}),
        ),
        "self_propelled_artillery": (
            "Self-propelled guns supplied",
            frozenset({"systems", "guns", "howitzers"}),
        ),
        "artillery_systems": ("Artillery pieces supplied", frozenset({"systems", "guns"})),
        "drones": ("Drones supplied", frozenset({"drones"})),
        "anti_tank_missiles": ("Anti-tank missiles supplied", frozenset({"missiles"})),
        "small_arms": ("Small arms and ammunition supplied", frozenset()),
        "other_weapons": ("Other weapons supplied", frozenset({"systems"})),
    },
    "border_activity": {
        "balloons": ("Balloons sent south", frozenset({"balloons"})),
        "balloon_launches": ("Balloon launches", frozenset({"incidents", "launches"})),
        "fence": ("Fence or barrier built", frozenset()),
        "soldiers_at_border": (
            "North Korean soldiers at the border",
            frozenset({"troops", "soldiers"}),
        ),
        "mdl_crossings": (
            "Crossings of the Military Demarcation Line",
            frozenset({"incidents", "crossings"}),
        ),
        "loudspeakers": ("Loudspeakers set up", frozenset({"loudspeakers"})),
        "mines": ("Mines laid", frozenset({"mines"})),
        "gps_jamming": ("GPS jamming incidents", frozenset({"incidents"})),
        "warning_shots": ("Warning shots fired", frozenset({"incidents", "shots"})),
    },
    "other": {
        "technology_transfer": ("Technology transfers", frozenset({"incidents"})),
        "treaty": ("Treaties and agreements", frozenset({"incidents"})),
        "visit": ("Official visits", frozenset({"incidents", "visits"})),
        "payment": ("Payments and compensation", frozenset()),
        "training": ("North Koreans in training", frozenset({"troops", "soldiers"})),
        "other": ("Other figures", frozenset()),
    },
}
# A panel that mixes a category's subtypes in one unit: "{unit}" is the unit's name.
CATEGORY_QUANTITIES: dict[str, tuple[str, frozenset[str]]] = {
    "troop_deployment": ("North Korean troops in Russia or sent", frozenset({"troops"})),
    "casualties": (
        "North Korean soldiers killed, wounded, captured or missing",
        frozenset({"troops", "soldiers"}),
    ),
    "arms_transfer": ("{unit} supplied", frozenset()),
    "border_activity": ("{unit} at or across the border", frozenset()),
    "other": ("{unit}: other cooperation", frozenset()),
}
# Units that measure rather than count: named in brackets after the quantity.
MEASURING_UNITS = frozenset({"km", "miles", "m", "usd"})


def axis_title(category: str, subtype: str | None, unit: str) -> str:
    """The value axis of a series (category, subtype, unit) in words, naming the quantity and
    its unit once. `subtype` None: a panel that mixes the category's subtypes in one unit. A
    unit outside the vocabulary is claim text: the caller escapes what this returns."""
    unit = (unit or "").strip()
    unit_name = UNITS.get(unit, unit) if unit else ""
    if subtype is None:
        words, named = CATEGORY_QUANTITIES.get(category, ("{unit}", frozenset()))
        if "{unit}" in words and unit in MEASURING_UNITS:
            words = CATEGORIES.get(category, "Figures")
        elif "{unit}" in words:
            words = words.format(unit=unit_name.capitalize() or "Figures")
            named = frozenset({unit})
    else:
        label = SUBTYPES.get(category, {}).get(subtype, subtype.replace("_", " ").capitalize())
        words, named = AXIS_QUANTITIES.get(category, {}).get(subtype, (label, frozenset()))
    if not unit or unit.lower() in named:
        return words
    if unit in MEASURING_UNITS:
        return f"{words} ({unit_name})"
    return f"{words}, counted in {unit_name}"
