"""The claimant registry (issue 11): the usual claimants ship in every deployment, each with
its aliases, country, kind, a default source reliability and the written reason for it.

Names are the canonical names the extractor already produces (ingest/extract/claimants.py)
where it has one, so extracted claims resolve to these rows through ingest/aliases.py.

Safe on a database that already has claimants (rules, in order):
- a claimant is matched by its name, else by a name an earlier version of the tracker used for
  it (`former`: it is then renamed and the old name kept as an alias);
- its grade is set only when nobody graded it (reliability F) or it already equals the
  registry's; a grade an editor chose is kept, and the reason then says both grades;
- blank fields are filled, filled ones are kept; aliases are added when no claimant uses that
  text yet (an alias an editor pointed elsewhere stays where it is).
Running it twice changes nothing. The reverse unmarks the registry and removes nothing.
A title alone ("North Korean leader", "Russian President") is not an alias: reports write it
before the name ("signed by North Korean leader Kim Jong Un"), where it is no speaker.

Also adds `Claim.credibility_suggested` (tracker/credibility.py): whether a claim's
credibility is the machine's suggestion, recomputed as claims arrive, or an editor's grade.
"""

from django.db import migrations, models
from django.db.models import Q

SK, UA, US, UK, JP = "South Korea", "Ukraine", "United States", "United Kingdom", "Japan"
RU, NK, INT = "Russia", "North Korea", "International"

# (name, short name, country, kind, reliability, reason, aliases, former names)
REGISTRY: list[tuple[str, str, str, str, str, str, list[str], list[str]]] = [
    # South Korea
    ("South Korea Joint Chiefs of Staff", "JCS", SK, "military", "B",
     "Runs the surveillance of the North and briefs on it; its deployment and casualty figures "
     "have repeatedly been borne out by other governments, though some were revised later.",
     ["Joint Chiefs of Staff", "South Korean Joint Chiefs of Staff", "South Korean military",
      "South Korea military official", "South Korea military officials"],
     []),
    ("South Korea National Intelligence Service", "NIS", SK, "intelligence", "B",
     "The first and most detailed source on the deployment; its estimates, usually relayed by "
     "lawmakers after closed briefings, were later matched by US, UK and Ukrainian figures.",
     ["National Intelligence Service", "spy agency", "South Korean spy agency",
      "South Korean intelligence"],
     []),
    ("South Korea Ministry of National Defense", "MND", SK, "military", "B",
     "Speaks for the armed forces' assessments, generally in line with the JCS and the NIS; "
     "figures are given sparingly and with caveats.",
     ["Ministry of National Defense", "South Korean defense ministry",
      "South Korean defence ministry", "South Korea defense minister",
      "South Korea defence minister"],
     []),
    ("South Korea Defense Intelligence Agency", "ROK DIA", SK, "intelligence", "B",
     "Military intelligence with its own collection; its rare public figures have agreed with "
     "the NIS and the JCS.",
     ["Korea Defense Intelligence Agency", "South Korean Defense Intelligence Agency",
      "South Korean military intelligence"],
     []),
    ("South Korea presidential office", "ROK presidential office", SK, "government", "B",
     "Relays the National Security Council's assessments, which rest on the NIS and the JCS; "
     "statements carry some political framing.",
     ["presidential office", "South Korean presidential office"],
     []),
    ("South Korea Ministry of Unification", "Unification ministry", SK, "government", "C",
     "Follows the North's public statements closely but has no collection of its own on the "
     "deployment; its figures are second-hand.",
     ["Ministry of Unification"],
     []),
    ("Yoon Suk Yeol", "", SK, "government", "C",
     "A head of state's statements: they relay intelligence assessments with political "
     "framing, and are graded below the agencies they quote.",
     ["Yoon Suk-yeol", "President Yoon"],
     []),
    ("Lee Jae-myung", "", SK, "government", "C",
     "A head of state's statements: they relay intelligence assessments with political "
     "framing, and are graded below the agencies they quote.",
     ["Lee Jae Myung", "President Lee Jae-myung"],
     []),
    ("South Korea government", "", SK, "government", "C",
     "Unnamed officials: usually relaying the NIS or the JCS, but which office speaks cannot "
     "be checked.",
     ["South Korean government", "South Korean officials"],
     []),
    # Ukraine
    ("Volodymyr Zelensky", "Zelensky", UA, "government", "C",
     "Ukraine's president, speaking for a party to the war with an interest in stressing the "
     "North's role; his figures have often come first and were sometimes confirmed later, "
     "sometimes not.",
     ["Zelenskyy", "Zelenskiy", "President Zelensky"],
     ["Volodymyr Zelensky / Office of the President of Ukraine"]),
    ("Ukraine Office of the President", "", UA, "government", "C",
     "The president's office speaks for a party to the war; its figures rest on GUR and the "
     "General Staff and are not independently checked.",
     ["Office of the President of Ukraine", "Ukrainian presidential office"],
     []),
    ("Ukraine Defence Intelligence (GUR)", "GUR", UA, "intelligence", "C",
     "Has direct access (intercepts, prisoners, the front) but is a party to the war; several "
     "early figures were confirmed by others, some were not.",
     ["HUR", "Ukrainian military intelligence", "Main Intelligence Directorate",
      "Defence Intelligence of Ukraine", "Ukrainian Defence Intelligence",
      "Ukrainian Defense Intelligence"],
     []),
    ("Ukraine Security Service (SBU)", "SBU", UA, "intelligence", "C",
     "Counter-intelligence of a party to the war; publishes intercepts and interrogations that "
     "show what it says, but selects what it shows.",
     ["Ukrainian Security Service", "Security Service of Ukraine"],
     []),
    ("Ukraine General Staff", "", UA, "military", "C",
     "Reports from the front of a party to the war; daily loss figures for the enemy are not "
     "independently verified.",
     ["General Staff of Ukraine", "Ukrainian General Staff",
      "General Staff of the Armed Forces of Ukraine"],
     []),
    ("Ukraine Ministry of Defence", "", UA, "military", "C",
     "Ministry of a party to the war; its figures repeat the General Staff's and GUR's.",
     ["Ukrainian defence ministry", "Ukrainian defense ministry",
      "Ministry of Defence of Ukraine", "Ukraine defence minister", "Ukraine defense minister"],
     []),
    ("Ukraine Ministry of Foreign Affairs", "", UA, "government", "C",
     "Diplomatic statements of a party to the war; figures come from GUR and the General Staff.",
     ["Ukrainian foreign ministry", "Ministry of Foreign Affairs of Ukraine"],
     []),
    ("Ukraine Special Operations Forces", "", UA, "military", "C",
     "Front-line unit reports with video of engagements; counts of enemy losses are the unit's "
     "own and unchecked.",
     ["Ukrainian Special Operations Forces"],
     []),
    ("Ukraine Prosecutor General's Office", "", UA, "government", "C",
     "Documents cases for courts, so what it names is specific; it is still an organ of a party "
     "to the war.",
     ["Prosecutor General's Office", "Ukrainian prosecutors"],
     []),
    ("Ukraine government", "", UA, "government", "C",
     "Unnamed Ukrainian officials: a party to the war, and which office speaks cannot be "
     "checked.",
     ["Ukrainian government", "Ukrainian officials", "Ukrainian authorities"],
     []),
    # United States
    ("US Department of Defense", "Pentagon", US, "military", "B",
     "Draws on US intelligence; its deployment figures moved in step with South Korea's and "
     "held up over time.",
     ["Department of Defense", "Defense Department", "DoD", "Department of War"],
     []),
    ("US Department of State", "State Department", US, "government", "B",
     "Relays assessments of the US intelligence community, usually after the Pentagon and with "
     "the same figures.",
     ["US State Department", "Department of State"],
     []),
    ("US White House", "White House", US, "government", "B",
     "The National Security Council's spokespeople relay intelligence assessments; figures "
     "have matched the Pentagon's, with occasional political framing.",
     ["White House National Security Council", "US National Security Council"],
     []),
    ("US Indo-Pacific Command", "INDOPACOM", US, "military", "B",
     "The US command facing North Korea; its commanders' testimony draws on their own "
     "intelligence and has matched other US figures.",
     ["Indo-Pacific Command"],
     []),
    ("US Defense Intelligence Agency", "", US, "intelligence", "B",
     "US military intelligence; publishes rarely, and what it publishes is sourced and hedged.",
     [],
     []),
    ("US government", "", US, "government", "C",
     "Unnamed US officials: usually relaying intelligence, but which office speaks cannot be "
     "checked.",
     ["American officials", "US officials"],
     []),
    # United Kingdom
    ("UK Ministry of Defence", "UK MoD", UK, "military", "B",
     "Publishes regular assessments from Defence Intelligence; its figures have agreed with "
     "those of the US and South Korea.",
     ["British Ministry of Defence", "British defence ministry", "British defense ministry"],
     []),
    ("UK Defence Intelligence", "", UK, "intelligence", "B",
     "Writes the UK's published intelligence updates on the war: sourced, hedged, and in line "
     "with allied estimates.",
     ["British military intelligence", "British Defence Intelligence"],
     []),
    # Japan
    ("Japan Ministry of Defense", "", JP, "military", "B",
     "Watches North Korea's missiles and shipping with its own sensors; statements are sparse "
     "and cautious.",
     ["Japan Defense Ministry", "Japan Defence Ministry"],
     []),
    ("Japan government", "", JP, "government", "C",
     "Unnamed Japanese officials or the cabinet, mostly relaying allied assessments.",
     ["Japanese government"],
     []),
    # International
    ("NATO", "", INT, "international", "B",
     "Relays allied intelligence; its figures have matched those of its member states.",
     ["North Atlantic Treaty Organization", "NATO officials"],
     []),
    ("European Union", "EU", INT, "international", "C",
     "Statements relay member states' assessments; it rarely gives its own figures.",
     ["European External Action Service"],
     []),
    ("UN Panel of Experts on North Korea", "UN Panel of Experts", INT, "international", "B",
     "Investigated sanctions breaches for the Security Council with documented evidence; its "
     "mandate ended in April 2024, so it covers the early arms transfers only.",
     ["Panel of Experts"],
     []),
    ("Multilateral Sanctions Monitoring Team", "MSMT", INT, "international", "B",
     "Eleven states' joint reports on sanctions breaches since 2025, each claim sourced; it "
     "took over from the UN panel.",
     [],
     []),
    # Research
    ("Institute for the Study of War", "ISW", US, "ngo", "C",
     "Careful open-source analysis that names its sources, but second-hand: it mostly weighs "
     "other claimants' figures.",
     [],
     []),
    ("Center for Strategic and International Studies", "CSIS", US, "ngo", "C",
     "Satellite-imagery analysis (Beyond Parallel) that shows its evidence; estimates from "
     "imagery carry wide margins.",
     ["Beyond Parallel"],
     []),
    ("Royal United Services Institute", "RUSI", UK, "ngo", "C",
     "Research with field access and interviews; figures are analysts' estimates.",
     [],
     []),
    ("38 North", "", US, "ngo", "C",
     "Imagery and open-source analysis of North Korea; careful, but it estimates from what "
     "can be seen.",
     [],
     []),
    # Russia
    ("Kremlin", "", RU, "government", "D",
     "Denied the deployment for months before confirming it in April 2025; statements serve "
     "Moscow's position.",
     ["Dmitry Peskov", "Peskov", "Kremlin spokesman"],
     []),
    ("Vladimir Putin", "Putin", RU, "government", "D",
     "Russia's president: denied, then acknowledged the deployment; statements serve Moscow's "
     "position.",
     ["President Putin"],
     []),
    ("Russia Ministry of Defence", "Russia MoD", RU, "military", "D",
     "A party to the war that long denied the North's role; its figures cannot be checked "
     "and have been contradicted.",
     ["Russian Defence Ministry", "Russian Defense Ministry", "Russian Ministry of Defence",
      "Russian General Staff"],
     []),
    ("Russia Ministry of Foreign Affairs", "", RU, "government", "D",
     "Diplomatic statements of a party to the war, which denied the deployment for months.",
     ["Russian Foreign Ministry", "Maria Zakharova", "Zakharova"],
     []),
    ("Russia Security Council", "", RU, "government", "D",
     "Announced later deployments (deminers, builders) itself; a party to the war whose "
     "figures cannot be checked.",
     ["Russian Security Council"],
     []),
    ("Russia government", "", RU, "government", "D",
     "Unnamed Russian officials: a party to the war, and which office speaks cannot be checked.",
     ["Russian government", "Russian officials"],
     []),
    # North Korea
    ("North Korea KCNA", "KCNA", NK, "media", "E",
     "State news agency: it prints what the leadership wants known and denied the deployment "
     "until April 2025; figures cannot be checked.",
     ["Korean Central News Agency", "North Korean state media"],
     ["Korean Central News Agency (KCNA)"]),
    ("Kim Jong Un", "", NK, "government", "E",
     "North Korea's leader: statements are propaganda and deny or reveal as it suits him.",
     ["Kim Jong-un"],
     []),
    ("North Korea government", "", NK, "government", "E",
     "North Korean officials and ministries: statements are propaganda and cannot be checked.",
     ["North Korean government"],
     []),
]  # fmt: skip


def _find(Claimant, name: str, former: list[str]):
    found = Claimant.objects.filter(name__iexact=name).order_by("pk").first()
    if found is not None:
        return found
    for old in former:
        found = Claimant.objects.filter(name__iexact=old).order_by("pk").first()
        if found is not None:
            return found
    return None


def _text_taken(Claimant, ClaimantAlias, text: str, claimant) -> bool:
    """Whether `text` already names or aliases a claimant (other than `claimant` by name)."""
    others = Claimant.objects.exclude(pk=claimant.pk)
    return (
        ClaimantAlias.objects.filter(alias__iexact=text).exists()
        or others.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).exists()
    )


def install_registry(apps, schema_editor):
    Claimant = apps.get_model("tracker", "Claimant")
    ClaimantAlias = apps.get_model("tracker", "ClaimantAlias")
    for name, short, country, kind, grade, reason, aliases, former in REGISTRY:
        claimant = _find(Claimant, name, former)
        if claimant is None:
            claimant = Claimant.objects.create(
                name=name, short_name=short, country=country, kind=kind, reliability=grade,
                reliability_reason=reason, registry=True,
            )  # fmt: skip
        else:
            if claimant.name != name:  # a former name the tracker used: keep it as an alias
                aliases = [claimant.name, *aliases]
                claimant.name = name
            if not claimant.short_name and short and not _text_taken(
                Claimant, ClaimantAlias, short, claimant
            ):
                claimant.short_name = short
            claimant.country = claimant.country or country
            if claimant.kind == "other":
                claimant.kind = kind
            if claimant.reliability in ("F", grade):
                claimant.reliability = grade
                claimant.reliability_reason = claimant.reliability_reason or reason
            elif not claimant.reliability_reason:
                claimant.reliability_reason = (
                    f"Graded {claimant.reliability} by an editor; the registry's default is "
                    f"{grade}: {reason}"
                )
            claimant.registry = True
            claimant.save()
        for alias in aliases:
            if alias.lower() in (name.lower(), short.lower()):
                continue
            if not _text_taken(Claimant, ClaimantAlias, alias, claimant):
                ClaimantAlias.objects.create(claimant=claimant, alias=alias)


def uninstall_registry(apps, schema_editor):
    apps.get_model("tracker", "Claimant").objects.update(registry=False)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_troop_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="claimant",
            name="registry",
            field=models.BooleanField(
                default=False,
                db_default=False,
                help_text="One of the usual claimants the tracker ships with (migration "
                "0006_claimant_registry); the others were met in articles or added by editors.",
                verbose_name="in the registry",
            ),
        ),
        migrations.AddField(
            model_name="claimant",
            name="reliability_reason",
            field=models.TextField(
                blank=True,
                default="",
                db_default="",
                help_text="The written reason for the default reliability, shown with the grade.",
                verbose_name="why this reliability",
            ),
        ),
        migrations.AlterField(
            model_name="claimant",
            name="kind",
            field=models.CharField(
                choices=[
                    ("military", "Military"),
                    ("intelligence", "Intelligence"),
                    ("government", "Government"),
                    ("media", "Media"),
                    ("ngo", "NGO / research"),
                    ("international", "International organisation"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="claim",
            name="credibility_suggested",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="credibility_suggested",
            field=models.BooleanField(default=False, db_default=False, editable=False),
        ),
        migrations.RunPython(install_registry, uninstall_registry, elidable=False),
    ]
