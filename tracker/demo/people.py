"""Demo claimants (with the aliases articles use for them) and outlets.

Outlets are invented, on `.example` domains; claimants are the real bodies whose figures the
tracker follows, graded with a default source reliability an editor would start from.
"""

from __future__ import annotations

# key -> fields; `aliases` become ClaimantAlias rows.
CLAIMANTS: dict[str, dict] = {
    "jcs": {
        "name": "South Korea Joint Chiefs of Staff",
        "short_name": "JCS",
        "country": "South Korea",
        "kind": "military",
        "reliability": "B",
        "aliases": ["JCS", "Joint Chiefs of Staff", "South Korean military", "Seoul's military"],
    },
    "nis": {
        "name": "South Korea National Intelligence Service",
        "short_name": "NIS",
        "country": "South Korea",
        "kind": "intelligence",
        "reliability": "B",
        "aliases": ["NIS", "National Intelligence Service", "spy agency", "Seoul's spy agency"],
    },
    "dia": {
        "name": "South Korea Defense Intelligence Agency",
        "short_name": "DIA (ROK)",
        "country": "South Korea",
        "kind": "intelligence",
        "reliability": "B",
        "aliases": ["Defense Intelligence Agency", "DIA"],
    },
    "gur": {
        "name": "Ukraine Defence Intelligence (GUR)",
        "short_name": "GUR",
        "country": "Ukraine",
        "kind": "intelligence",
        "reliability": "C",
        "aliases": ["GUR", "HUR", "Ukrainian military intelligence", "Defence Intelligence"],
    },
    "zelensky": {
        "name": "Volodymyr Zelensky / Office of the President of Ukraine",
        "short_name": "Zelensky",
        "country": "Ukraine",
        "kind": "government",
        "reliability": "C",
        "aliases": ["Zelensky", "Zelenskyy", "Ukrainian President", "Office of the President"],
    },
    "dod": {
        "name": "US Department of Defense",
        "short_name": "Pentagon",
        "country": "United States",
        "kind": "military",
        "reliability": "B",
        "aliases": ["Pentagon", "DoD", "Department of Defense", "US defense officials"],
    },
    "ukmod": {
        "name": "UK Ministry of Defence",
        "short_name": "UK MoD",
        "country": "United Kingdom",
        "kind": "military",
        "reliability": "B",
        "aliases": ["UK MoD", "British Ministry of Defence", "British defence intelligence"],
    },
    "rumod": {
        "name": "Russia Ministry of Defence",
        "short_name": "Russia MoD",
        "country": "Russia",
        "kind": "military",
        "reliability": "D",
        "aliases": ["Russian Defence Ministry", "Russian General Staff", "Kremlin"],
    },
    "kcna": {
        "name": "Korean Central News Agency (KCNA)",
        "short_name": "KCNA",
        "country": "North Korea",
        "kind": "media",
        "reliability": "E",
        "aliases": ["KCNA", "Korean Central News Agency", "North Korean state media"],
    },
    "isw": {
        "name": "Institute for the Study of War",
        "short_name": "ISW",
        "country": "United States",
        "kind": "ngo",
        "reliability": "C",
        "aliases": ["ISW", "Institute for the Study of War"],
    },
    "usstate": {
        "name": "US Department of State",
        "short_name": "State Dept",
        "country": "United States",
        "kind": "government",
        "reliability": "B",
        "aliases": ["State Department", "State Department spokesperson"],
    },
    "rusec": {
        "name": "Russia Security Council",
        "short_name": "Russia SC",
        "country": "Russia",
        "kind": "government",
        "reliability": "D",
        "aliases": ["Russian Security Council", "Security Council secretary"],
    },
}

# key -> fields
OUTLETS: dict[str, dict] = {
    "seoulwire": {
        "name": "Seoul Wire",
        "domain": "seoulwire.example",
        "reliability": "B",
        "country": "South Korea",
    },
    "hanriver": {
        "name": "Han River Herald",
        "domain": "hanriverherald.example",
        "reliability": "B",
        "country": "South Korea",
    },
    "kyiv": {
        "name": "Kyiv Dispatch",
        "domain": "kyivdispatch.example",
        "reliability": "C",
        "country": "Ukraine",
    },
    "atlantic": {
        "name": "Atlantic Defence Review",
        "domain": "atlanticdefence.example",
        "reliability": "B",
        "country": "United Kingdom",
    },
    "monitor": {
        "name": "Northern Monitor",
        "domain": "northernmonitor.example",
        "reliability": "C",
        "country": "United States",
    },
    "borderwatch": {
        "name": "Border Watch Daily",
        "domain": "borderwatch.example",
        "reliability": "D",
        "country": "South Korea",
    },
}
