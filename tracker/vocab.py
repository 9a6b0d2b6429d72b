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
        "deployed": "Deployed",
        "additional_deployment": "Additional deployment",
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


def subtype_is_valid(category: str, subtype: str) -> bool:
    return subtype in SUBTYPES.get(category, {})


def normalise_unit(unit: str) -> tuple[str, float]:
    """(normalised unit, factor) for a unit as printed; unknown units are kept as they are."""
    return UNIT_NORMALISATION.get((unit or "").lower(), (unit or "", 1.0))
