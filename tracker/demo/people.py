"""Demo claimants and outlets.

Outlets are invented, on `.example` domains; claimants are the real bodies whose figures the
tracker follows, taken from the claimant registry that ships with every deployment.
"""

from __future__ import annotations

# key -> the name of a claimant in the registry (migration 0006_claimant_registry), which
# carries its aliases, country, kind and graded reliability: the demo adds no claimant.
CLAIMANTS: dict[str, str] = {
    "jcs": "South Korea Joint Chiefs of Staff",
    "nis": "South Korea National Intelligence Service",
    "dia": "South Korea Defense Intelligence Agency",
    "gur": "Ukraine Defence Intelligence (GUR)",
    "zelensky": "Volodymyr Zelensky",
    "dod": "US Department of Defense",
    "ukmod": "UK Ministry of Defence",
    "rumod": "Russia Ministry of Defence",
    "kremlin": "Kremlin",
    "kcna": "North Korea KCNA",
    "isw": "Institute for the Study of War",
    "usstate": "US Department of State",
    "rusec": "Russia Security Council",
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
