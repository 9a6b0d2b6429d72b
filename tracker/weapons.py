"""The weapon-system registry: printed labels resolved to registry rows, and the registry file
loaded into the database.

A label names systems through their aliases. Matching ignores case, spaces, hyphens, dots and
slashes ("KN 23" = "kn-23", "170 mm" = "170mm"), keeps word edges ("Grad" is not found in
"Stalingrad"), accepts a plural ("KN-23s", "152mm shells") and prefers the longest alias where
two overlap ("152mm howitzer" over "152mm"). Every alias found counts, so "KN-23/KN-24" and
"170mm SPG and 240mm MRL" name two systems each.

The matching works on a plain index [(slug, aliases)], so migrations (historical models) and
the running site (`resolve_all`) share it.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.registries import RegistryCopy

REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "weapon_systems.json"
_CHUNK = re.compile(r"[^\W_]+")
_PLURAL = ("s", "es")

Index = list[tuple[str, list[str]]]


def normalise(text: str) -> str:
    """An alias as matched: lower case, letters and digits only ("KN-23" → "kn23")."""
    return "".join(_CHUNK.findall((text or "").casefold()))


def _chunks(text: str) -> tuple[str, set[int], list[tuple[int, int]]]:
    """The label's letters and digits joined, the offsets where words start, and the words'
    (start, end) spans in the joined text."""
    joined, starts, spans = "", set(), []
    for chunk in _CHUNK.findall((text or "").casefold()):
        starts.add(len(joined))
        spans.append((len(joined), len(joined) + len(chunk)))
        joined += chunk
    return joined, starts, spans


def _ends_word(spans: list[tuple[int, int]], end: int, joined: str) -> bool:
    for start, stop in spans:
        if start < end <= stop:
            return end == stop or joined[end:stop] in _PLURAL
    return False


def match_slugs(text: str, index: Index) -> list[str]:
    """The slugs of the systems `text` names, in the order they appear (each once)."""
    joined, starts, spans = _chunks(text)
    if not joined:
        return []
    found: list[tuple[int, int, str]] = []  # (start, end, slug)
    for slug, aliases in index:
        for alias in {normalise(a) for a in aliases} | {normalise(slug)}:
            if not alias:
                continue
            at = joined.find(alias)
            while at >= 0:
                end = at + len(alias)
                if at in starts and _ends_word(spans, end, joined):
                    found.append((at, end, slug))
                at = joined.find(alias, at + 1)
    # Longest first; an alias inside a longer one already taken is not a second system.
    found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, slug in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, slug))
    slugs: list[str] = []
    for _, _, slug in sorted(taken):
        if slug not in slugs:
            slugs.append(slug)
    return slugs


# --- The running site -------------------------------------------------------------------------


def _read_registry() -> tuple[Index, dict]:
    from tracker.models import WeaponSystem

    rows = {system.slug: system for system in WeaponSystem.objects.order_by("slug")}
    return [(slug, list(system.aliases or [])) for slug, system in rows.items()], rows


# The registry of this process, read again when a system is saved or deleted.
_registry = RegistryCopy("weapon-systems", _read_registry)


def forget_index(**kwargs) -> None:
    """Read the registry again on next use, in every process (a system was saved or deleted)."""
    _registry.bump()


_unrecorded = contextvars.ContextVar("weapon_links_unrecorded", default=False)


@contextmanager
def links_unrecorded() -> Iterator[None]:
    """Inside, links added or removed write no history: an import's, which
    tracker.validity.backfill then dates from their claims' creation."""
    token = _unrecorded.set(True)
    try:
        yield
    finally:
        _unrecorded.reset(token)


def on_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Links between claims and systems added or removed (`add`, `remove`, `set`, `clear`),
    which send no save or delete signals: their history rows, so that `?as_of=` shows which
    systems a claim named then — a creation row for each link added, a deletion row for each
    link about to be removed."""
    if action not in ("post_add", "pre_remove", "pre_clear") or pk_set == set():
        return
    if _unrecorded.get():
        return
    mine, theirs = ("weaponsystem_id", "claim_id") if reverse else ("claim_id", "weaponsystem_id")
    links = sender.objects.filter(**{mine: instance.pk})
    if pk_set is not None:  # None: clear, every link of `instance`
        links = links.filter(**{f"{theirs}__in": pk_set})
    _links_recorded(links, kind="-" if action.startswith("pre_") else "+")


def on_linked_deleted(sender, instance, **kwargs) -> None:
    """A claim or a system about to be deleted takes its links with it, without signals: their
    deletion rows."""
    from tracker.models import Claim

    links = Claim.weapon_systems.through.objects
    column = "claim_id" if isinstance(instance, Claim) else "weaponsystem_id"
    _links_recorded(links.filter(**{column: instance.pk}), kind="-")


def _links_recorded(links, *, kind: str) -> None:
    from tracker.models import History

    History.created_rows_insert(list(links.only("pk")), kind=kind)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, pre_delete

    from tracker.models import Claim, WeaponSystem

    _registry.connect(WeaponSystem)
    m2m_changed.connect(
        on_links_changed, sender=Claim.weapon_systems.through, dispatch_uid="weapon-links-history"
    )
    for model in (Claim, WeaponSystem):
        pre_delete.connect(on_linked_deleted, sender=model, dispatch_uid=f"weapon-links-{model}")


def alias_index() -> Index:
    """[(slug, aliases)] of every registry row, kept per process until a system changes."""
    return _registry.get()[0]


def resolve_all(text: str) -> list:
    """The WeaponSystem rows a printed label names, in the label's order ([] for none)."""
    if not normalise(text):
        return []
    index, rows = _registry.get()
    return [rows[slug] for slug in match_slugs(text, index) if slug in rows]


def alias_clash(*, system) -> str:
    """A message when one of `system`'s aliases (or its slug) is another system's; else ''."""
    from tracker.models import WeaponSystem

    mine = {normalise(a): a for a in [*(system.aliases or []), system.slug] if normalise(a)}
    others = WeaponSystem.objects.exclude(pk=system.pk) if system.pk else WeaponSystem.objects
    for slug, name, aliases in others.values_list("slug", "name", "aliases"):
        theirs = {normalise(a) for a in [*(aliases or []), slug]}
        for key, alias in mine.items():
            if key in theirs:
                return f"“{alias}” already names {name}."
    return ""


# --- The registry file ----------------------------------------------------------------------

FIELDS = ("name", "kind", "calibre", "origin", "notes")


def registry_entries(path: Path = REGISTRY_FILE) -> list[dict]:
    """The systems in the registry file, as written."""
    return json.loads(path.read_text(encoding="utf-8"))["systems"]


def registry_load(model, entries: Iterable[dict]) -> dict[str, int]:
    """Create or complete the registry's systems (`model`: WeaponSystem, or its historical
    model in a migration). Safe to run again and on an edited registry: a system is matched by
    slug; blank fields are filled and filled ones kept (an editor's change stays); aliases
    missing from a row are added unless another system already uses them. Returns counts."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    taken = {
        normalise(a): slug
        for slug, aliases in model.objects.values_list("slug", "aliases")
        for a in [*(aliases or []), slug]
    }
    for entry in entries:
        system = model.objects.filter(slug=entry["slug"]).first()
        fresh = [a for a in entry.get("aliases", []) if taken.get(normalise(a), entry["slug"])
                 == entry["slug"]]  # fmt: skip
        if system is None:
            model.objects.create(
                slug=entry["slug"],
                aliases=fresh,
                **{name: entry.get(name, "") for name in FIELDS},
            )
            counts["created"] += 1
        else:
            changed = False
            for name in FIELDS:
                if not getattr(system, name) and entry.get(name):
                    setattr(system, name, entry[name])
                    changed = True
            have = {normalise(a) for a in system.aliases or []}
            extra = [a for a in fresh if normalise(a) not in have]
            if extra:
                system.aliases = [*(system.aliases or []), *extra]
                changed = True
            if changed:
                system.save()
            counts["updated" if changed else "unchanged"] += 1
        for alias in [*fresh, entry["slug"]]:
            taken[normalise(alias)] = entry["slug"]
    return counts


def claims_link_unlinked() -> int:
    """Link every claim that has a printed label but no system to the systems the label names
    (after the registry grew). Returns the number of links made; bumps the caches once."""
    from django.db import transaction

    from tracker.cache import data_changed
    from tracker.models import Claim, WeaponSystem

    forget_index()
    index = alias_index()
    ids = dict(WeaponSystem.objects.values_list("slug", "id"))
    Link = Claim.weapon_systems.through
    labels = (
        Claim.objects.exclude(weapon_system="")
        .filter(weapon_systems__isnull=True)
        .values_list("id", "weapon_system", "category")
    )
    with transaction.atomic():
        links, categories = [], set()
        for claim_id, label, category in labels.iterator(2000):
            for slug in match_slugs(label, index):
                links.append(Link(claim_id=claim_id, weaponsystem_id=ids[slug]))
                categories.add(category)
        Link.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
        data_changed(categories=categories, claimants=True)
    return len(links)
