"""Demo articles of 2025, written for this project (invented outlets, our own words)."""

from __future__ import annotations

ARTICLES_2025: list[dict] = [
    {
        "key": "captured-jan",
        "outlet": "kyiv",
        "path": "/war/2025/01/12/two-soldiers-captured",
        "title": "Ukraine says it has captured two North Korean soldiers",
        "published": "2025-01-12T13:30:00+02:00",
        "text": """
Ukrainian forces have captured two North Korean soldiers in the Kursk region, President
Volodymyr Zelensky said on Saturday, the first prisoners taken since Pyongyang's troops
joined the fighting.

The two men were wounded and had been taken to Kyiv, where they were being questioned by the
Security Service of Ukraine, Zelensky said. South Korea's National Intelligence Service
confirmed that two North Korean soldiers had been captured alive.

Zelensky also said that nearly 4,000 North Korean soldiers had now been killed or wounded, up
from his estimate of more than 3,000 last month. Ukraine's military intelligence said separately
that North Korean units had been pulled back from some positions after heavy losses.

The figures remain far apart. South Korea's military had put the toll at about 1,100 killed or
wounded in late December, while Seoul's spy agency said at the time that at least 100 had died.
""",
    },
    {
        "key": "nis-jan",
        "outlet": "seoulwire",
        "path": "/security/2025/01/13/nis-300-killed",
        "title": "NIS raises estimate to 300 North Korean dead",
        "published": "2025-01-13T17:00:00+09:00",
        "text": """
About 300 North Korean soldiers have been killed and 2,700 wounded in the war in Ukraine,
South Korea's National Intelligence Service said on Monday, raising its estimate from last
month.

The agency told lawmakers that memos found on dead soldiers showed they had been ordered to
kill themselves rather than be captured. One of the two soldiers held in Ukraine had tried to
do so, the NIS said.

Britain's Ministry of Defence said in an intelligence update that North Korean units had
probably suffered more than 1,000 casualties in their first weeks of combat, most of them in
assaults across open ground.
""",
    },
    {
        "key": "jcs-feb",
        "outlet": "hanriver",
        "path": "/security/2025/02/27/additional-3000-troops",
        "title": "North Korea sends about 3,000 more troops to Russia, JCS says",
        "published": "2025-02-27T14:20:00+09:00",
        "text": """
North Korea has sent an additional 3,000 or so soldiers to Russia since January, the Joint
Chiefs of Staff said on Thursday, replacing losses suffered by the first contingent.

The JCS estimated that North Korean casualties had reached about 4,000, including killed and
wounded. It did not give separate figures for deaths. Counting the replacements, the JCS put
the number of soldiers sent to Russia since October at about 14,000 in total.

The military also said the North had supplied about 220 pieces of artillery, a mix of 170mm
self-propelled guns and 240mm multiple rocket launchers, as well as an undisclosed number of
short-range ballistic missiles.

North Korea appears to be gaining combat experience with drones and artillery that could be
used to upgrade its own forces, a JCS official said, adding that Moscow might be providing
technology for space launch vehicles in return.
""",
    },
    {
        "key": "missiles-mar",
        "outlet": "monitor",
        "path": "/research/2025/03/20/kn23-deliveries",
        "title": "How many North Korean missiles has Russia fired at Ukraine?",
        "published": "2025-03-20T12:00:00+00:00",
        "text": """
Estimates of how many ballistic missiles North Korea has handed to Russia vary widely between
governments and researchers.

Ukraine's military intelligence said in late 2024 that Russia had received around 100 KN-23
and KN-24 missiles from North Korea. By early 2025 it said the figure was about 150, and it
expected Pyongyang to deliver as many as 250 this year.

The Institute for the Study of War said in its assessment on Wednesday that the accuracy of
the missiles appeared to have improved markedly since their first use in January 2024, which
it attributed to feedback from Russian crews.

ISW also assessed that North Korea had provided millions of artillery shells, accounting for
about half of the ammunition fired by Russian artillery at some points in 2024.
""",
    },
    {
        "key": "russia-confirms",
        "outlet": "monitor",
        "path": "/world/2025/04/28/moscow-pyongyang-confirm",
        "title": "Moscow and Pyongyang confirm North Korean role in Kursk",
        "published": "2025-04-28T10:00:00+00:00",
        "text": """
Russia and North Korea acknowledged for the first time on Monday that North Korean troops
had fought in the Kursk region, months after their deployment was first reported.

Russia's chief of the General Staff said North Korean soldiers had taken part in driving
Ukrainian forces out of the region and praised their heroism. The Russian Defence Ministry did
not give any figure for the number of troops involved.

North Korean state media said the deployment had been ordered by Kim Jong Un under the
mutual defence treaty signed last June. KCNA said a monument would be built in Pyongyang to
honour the soldiers who died.
""",
    },
    {
        "key": "nis-apr",
        "outlet": "seoulwire",
        "path": "/security/2025/04/30/nis-4700-casualties",
        "title": "North Korean casualties in Russia at about 4,700, spy agency says",
        "published": "2025-04-30T16:45:00+09:00",
        "text": """
About 4,700 North Korean soldiers have been killed or wounded since they were sent to fight
for Russia, including around 600 dead, South Korea's National Intelligence Service said on
Wednesday.

The agency said it believed North Korea had deployed about 15,000 troops in total, including
replacements sent early this year. It assessed that the number of soldiers in Russia was now
roughly 11,000 to 12,000.

The NIS said the North was earning hard currency and receiving air defence equipment in
return, but it could not confirm any transfer of nuclear or missile technology.
""",
    },
    {
        "key": "deminers-jun",
        "outlet": "atlantic",
        "path": "/analysis/2025/06/18/deminers-builders-kursk",
        "title": "North Korea to send deminers and builders to Kursk",
        "published": "2025-06-18T09:30:00+00:00",
        "text": """
North Korea will send 1,000 deminers and 5,000 military construction workers to Russia's
Kursk region, the secretary of Russia's Security Council said after a visit to Pyongyang on
Tuesday.

The announcement marks a new phase in the cooperation between the two countries, which have
now openly acknowledged that North Korean combat troops fought in the region.

South Korea's spy agency said later that the deployment of the additional 6,000 personnel
could begin as early as July or August. It added that about 10,000 North Korean soldiers
remained stationed in Russia's border areas.
""",
    },
    {
        "key": "arms-sep",
        "outlet": "seoulwire",
        "path": "/security/2025/09/04/28000-containers",
        "title": "Arms shipments to Russia reach 28,000 containers",
        "published": "2025-09-04T17:30:00+09:00",
        "text": """
North Korea has sent Russia about 28,000 containers of weapons and munitions since the
shipments began in 2023, South Korea's National Intelligence Service told lawmakers on
Thursday.

The agency estimated the shipments at more than 12 million rounds of artillery ammunition.
It said the North had also supplied about 250 ballistic missiles, roughly 200 long-range
artillery pieces and some 120 self-propelled guns of the 170mm Koksan type.

Separately, the NIS said around 2,000 North Korean soldiers had been killed in the fighting
so far. It did not update its estimate of the wounded.

The Joint Chiefs of Staff gave a similar picture on the same day, saying the number of
containers sent had passed 28,000 and that North Korea had supplied about 200 units of 240mm
multiple rocket launchers.
""",
    },
    {
        "key": "border-2025",
        "outlet": "borderwatch",
        "path": "/dmz/2025/08/20/warning-shots-again",
        "title": "Warning shots fired as North Korean troops cross the MDL",
        "published": "2025-08-20T10:10:00+09:00",
        "text": """
South Korean troops fired warning shots on Tuesday after about 10 North Korean soldiers
crossed the Military Demarcation Line in the eastern sector, the Joint Chiefs of Staff said.

The soldiers went back across the line after the shots, the JCS said. It was the latest of a
dozen such crossings this year, most of them by work crews building barriers in the area.

The military said North Korean troops had so far built a barrier of about 20 miles along the
line, and that thousands of soldiers remained involved in the construction. Earlier this year
the JCS said some 10 soldiers had crossed the line in April, prompting a similar response.
""",
    },
    {
        "key": "late-2025",
        "outlet": "monitor",
        "path": "/research/2025/11/06/year-on",
        "title": "A year after Kursk: the ledger of the North Korea–Russia alliance",
        "published": "2025-11-06T12:00:00+00:00",
        "text": """
A year after North Korean troops first appeared on the battlefield, the ledger of the
alliance between Pyongyang and Moscow keeps growing.

South Korea's spy agency said this week that about 5,000 military construction troops had
been moving to Russia since September, and that North Korea was considering a further
deployment. It estimated that around 10,000 soldiers were still stationed near the border.

The Institute for the Study of War said Russia was likely paying for the troops partly with
oil and air defence systems. It estimated North Korean casualties at up to 6,000 over the
whole deployment, a figure it said could not be independently confirmed.

Britain's Ministry of Defence said in an update that North Korea had probably suffered more
than 6,000 casualties since October 2024, including deaths and injuries.

Kim Jong Un hosted Russian officials in Pyongyang again in October, his third high-level
Russian delegation this year, North Korean state media reported.
""",
    },
    {
        "key": "systems-nov",
        "outlet": "kyiv",
        "path": "/war/2025/11/20/north-korean-systems-at-the-front",
        "title": "Ukraine lists the North Korean weapons its investigators have found",
        "published": "2025-11-20T15:00:00+02:00",
        "text": """
Debris from North Korean weapons keeps turning up along the front, Ukraine's military
intelligence said on Wednesday, listing the systems its investigators had identified since the
summer.

The agency said Russian forces had fired KN-23 and KN-24 ballistic missiles at Kharkiv and
Kyiv. Russian units near Kursk were using Bulsae-4 anti-tank guided missiles, it said, as well
as M1991 240mm multiple rocket launchers and Koksan guns brought in by rail.

Most of the North Korean artillery ammunition reaching the front was of 122mm and 152mm
calibre, the agency said, adding that fewer of the 152mm shells now failed to fire than early
in the year.

South Korea's spy agency told lawmakers the same week that North Korea had started to build
Shahed-type attack drones with Russian help, and that Russia had sent Pantsir air defence
systems to guard Pyongyang.
""",
    },
]
