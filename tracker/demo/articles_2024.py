"""Demo articles of 2024, written for this project (invented outlets, our own words).

Text is hard-wrapped here; `tracker.demo.load.article_text` joins each paragraph's lines.
"""

from __future__ import annotations

ARTICLES_2024: list[dict] = [
    {
        "key": "balloons-june",
        "outlet": "hanriver",
        "path": "/north/2024/06/10/balloon-barrage",
        "title": "North Korea keeps up balloon barrage as Seoul restarts loudspeakers",
        "published": "2024-06-10T08:30:00+09:00",
        "text": """
North Korea has sent trash-laden balloons across the border for the third time in two
weeks, the Joint Chiefs of Staff said on Monday, as Seoul switched its propaganda loudspeakers
back on for the first time in six years.

According to the JCS, the North floated about 260 balloons on May 28 and 29, most carrying
cigarette butts, waste paper and manure. A second wave followed on June 1 and 2, when roughly
720 balloons were released. Over the weekend of June 8 and 9 the military counted about 330
more, of which some 80 came down on South Korean soil.

Taken together, the three waves bring the total to nearly 1,300 balloons since late May, the
military said. No hazardous substances had been found in the debris collected so far.

In response, the South Korean military said it had resumed broadcasts from loudspeakers along
the front line on Sunday. Officials declined to say how many units were operating.
""",
    },
    {
        "key": "treaty",
        "outlet": "seoulwire",
        "path": "/diplomacy/2024/06/19/putin-kim-pact",
        "title": "Putin and Kim sign pact pledging mutual military assistance",
        "published": "2024-06-19T21:10:00+09:00",
        "text": """
Russian President Vladimir Putin and North Korean leader Kim Jong Un signed a comprehensive
strategic partnership treaty in Pyongyang on Wednesday, committing each side to provide
military assistance without delay if the other comes under armed attack.

North Korean state media said the treaty raised relations between the two countries to the
level of an alliance. KCNA described the visit as a historic event and said the leaders had
also agreed to expand cooperation in science and technology.

Putin arrived in Pyongyang early on Wednesday on his first visit to the country in 24 years.
Analysts in Seoul said the wording of the mutual defence clause was the strongest language
between the two sides since the end of the Cold War.

South Korea's national security adviser said Seoul would reconsider its position on supplying
weapons to Ukraine in response. The Kremlin said Russia did not rule out military-technical
cooperation with Pyongyang under the new agreement.
""",
    },
    {
        "key": "mdl-june",
        "outlet": "borderwatch",
        "path": "/dmz/2024/06/21/third-crossing",
        "title": "Warning shots as North Korean soldiers cross border line a third time",
        "published": "2024-06-21T11:00:00+09:00",
        "text": """
South Korean troops fired warning shots after North Korean soldiers briefly crossed the
Military Demarcation Line on Thursday, the third such incursion this month, the Joint Chiefs
of Staff said.

About 20 to 30 soldiers carrying tools crossed the line in the central front area and
returned north after the warnings, the JCS said. Similar crossings took place on June 9 and
June 18, and the military judged that none of them were intentional.

The soldiers are part of a large work force building what appear to be anti-tank barriers and
walls near the border. The JCS said several thousand North Korean troops had been mobilised
for the construction, which began in April. Some of the work crews were injured when mines
exploded, the military added, and the North had laid thousands of new mines along the line.

A military official told reporters that the barriers built so far stretched about 4 km, in
several separate segments.
""",
    },
    {
        "key": "balloons-july",
        "outlet": "hanriver",
        "path": "/north/2024/07/25/balloons-presidential-office",
        "title": "Balloon debris lands in presidential compound",
        "published": "2024-07-25T09:45:00+09:00",
        "text": """
Debris from a North Korean trash balloon fell inside the presidential compound in central
Seoul on Wednesday, the presidential security service said, after the North launched another
wave of about 500 balloons.

It was the tenth time since late May that the North had sent balloons, the Joint Chiefs of
Staff said. Earlier launches included about 350 balloons on June 24 and 25 and roughly 250 on
June 26, followed by a lull of almost a month before about 500 were sent on July 18.

A JCS spokesperson said the military estimated that more than 2,000 balloons had now crossed
the border since the campaign began. The spokesperson said the military was not shooting them
down because the debris could cause further harm when it fell.
""",
    },
    {
        "key": "deploy-oct18",
        "outlet": "seoulwire",
        "path": "/security/2024/10/18/nis-special-forces-russia",
        "title": "Spy agency says North Korea has sent special forces to Russia",
        "published": "2024-10-18T16:20:00+09:00",
        "text": """
North Korea has sent about 1,500 special forces soldiers to Russia's Far East in the first
stage of a deployment that could see it join the war in Ukraine, South Korea's National
Intelligence Service said on Friday.

The spy agency said Russian navy ships had carried the troops from ports near the border
between October 8 and 13. It assessed that Pyongyang had decided to send a total of 12,000
soldiers in four brigades, including special operations units.

The soldiers were given Russian uniforms and identity documents stating they came from Yakutia
and Buryatia, the NIS said. It released satellite images of what it said were gatherings of
North Korean troops at military facilities in Ussuriysk and Khabarovsk.

Moscow has denied the reports. The Kremlin's spokesman called them fake news on Friday, and
North Korea's foreign ministry did not comment.
""",
    },
    {
        "key": "deploy-oct24",
        "outlet": "atlantic",
        "path": "/analysis/2024/10/24/pentagon-confirms-troops",
        "title": "Pentagon confirms North Korean troops in Russia",
        "published": "2024-10-24T14:00:00+00:00",
        "text": """
The United States said on Wednesday it had evidence that North Korea had sent about 3,000
soldiers to eastern Russia for training, the first confirmation from Washington of reports
from Seoul and Kyiv.

US Defense Secretary Lloyd Austin said it remained to be seen what the troops would do next.
The Pentagon did not give details of the intelligence behind the figure.

South Korea's National Intelligence Service told lawmakers on the same day that it believed
an additional 1,500 soldiers had left the North, bringing the total sent to Russia to about
3,000 so far.

Ukraine's military intelligence agency, known by its Ukrainian acronym HUR, gave a far higher
figure. It said some 12,000 North Korean personnel, including 500 officers and three generals,
were already in Russia and were being trained at five military bases.
""",
    },
    {
        "key": "deploy-nov",
        "outlet": "atlantic",
        "path": "/analysis/2024/11/05/kursk-north-korean-units",
        "title": "North Korean units reach Kursk as estimates climb",
        "published": "2024-11-05T10:30:00+00:00",
        "text": """
Thousands of North Korean soldiers have moved to Russia's Kursk region, where Ukrainian forces
hold a strip of territory, US officials said on Monday.

The Pentagon said it now believed about 10,000 North Korean troops were in eastern Russia,
up from the 3,000 it reported a week earlier. Of those, roughly 8,000 had
moved to the Kursk region, a State Department spokesperson told reporters.

Ukraine's defence intelligence said on Monday that 11,000 North Korean soldiers were in the
Kursk region and that the first clashes with Ukrainian units had already taken place. The
agency did not say whether there had been casualties.

South Korea's spy agency said last week that more than 10,000 troops had been deployed and
that some had been moved to the front lines. The NIS said the North was also sending older
artillery, including 170mm self-propelled guns and 240mm multiple rocket launchers.
""",
    },
    {
        "key": "arms-nov",
        "outlet": "seoulwire",
        "path": "/security/2024/11/13/containers-rail-shipments",
        "title": "Seoul tallies 13,000 containers of North Korean arms sent to Russia",
        "published": "2024-11-13T18:00:00+09:00",
        "text": """
North Korea has shipped more than 13,000 containers of artillery shells, missiles and
anti-tank rockets to Russia since August last year, the National Intelligence Service told
lawmakers on Wednesday.

The agency said the containers were equivalent to about 8 million rounds of ammunition. It
said the North had also sent KN-23 short-range ballistic missiles, some of which had been
fired at targets in Ukraine.

The NIS said North Korea was believed to be supplying 240mm rocket launchers and 170mm
self-propelled guns along with the troops. It warned that Pyongyang was seeking technology
transfers from Moscow in return, including for satellites and nuclear submarines, but said
it had no confirmation that any transfer had taken place.

In a separate briefing, the Defense Intelligence Agency said it had tracked one shipment of
about 1,000 containers through the port of Rajin in late October.
""",
    },
    {
        "key": "balloons-nov",
        "outlet": "hanriver",
        "path": "/north/2024/11/29/balloon-campaign-32nd",
        "title": "North Korea sends balloons for the 32nd time",
        "published": "2024-11-29T12:15:00+09:00",
        "text": """
North Korea launched trash balloons again overnight, the 32nd such launch since late May, the
Joint Chiefs of Staff said on Friday, as the campaign approached its seventh month.

The JCS said around 7,000 balloons had been sent in total since the campaign began. The
largest single wave came on September 4 and 5, when about 420 were counted, while a launch on
October 2 involved roughly 120 balloons. Another wave of about 100 balloons was recorded on
November 28.

The military has tallied damage from fires started by timer devices attached to some of the
balloons. Officials said North Korean troops also blew up sections of two roads linking the
countries on October 15, part of what Pyongyang calls the fortification of its southern
border.
""",
    },
    {
        "key": "cas-dec19",
        "outlet": "seoulwire",
        "path": "/security/2024/12/19/nis-first-casualty-estimate",
        "title": "Spy agency gives first estimate of North Korean losses in Kursk",
        "published": "2024-12-19T17:40:00+09:00",
        "text": """
At least 100 North Korean soldiers have been killed in fighting in Russia's Kursk region,
South Korea's National Intelligence Service said on Thursday, in its first estimate of losses
since the troops were deployed.

A lawmaker who attended the closed-door briefing said the agency had put the number of
wounded at nearly 1,000. The high casualty rate reflected the soldiers' unfamiliarity with
open terrain and with drone warfare, the NIS said.

The agency said some of the dead included officers, and that North Korea appeared to be
preparing to send more troops. It did not give a figure for a possible second deployment.
""",
    },
    {
        "key": "cas-dec23",
        "outlet": "hanriver",
        "path": "/security/2024/12/23/jcs-1100-casualties",
        "title": "JCS: about 1,100 North Korean casualties in Russia",
        "published": "2024-12-23T15:05:00+09:00",
        "text": """
About 1,100 North Korean soldiers have been killed or wounded fighting against Ukraine, the
Joint Chiefs of Staff said on Monday, a sharp rise from the spy agency's estimate last week.

The JCS said the North appeared to be preparing an additional deployment of troops to Russia
as well as more supplies of suicide drones, which it had begun producing in large numbers.

The military also said North Korea had sent about 20,000 containers of weapons and munitions
to Russia. It had also supplied 240mm rocket launchers and 170mm self-propelled guns, the JCS
said, as well as short-range ballistic missiles.
""",
    },
    {
        "key": "cas-dec24",
        "outlet": "kyiv",
        "path": "/war/2024/12/24/zelensky-north-korean-losses",
        "title": "Zelensky says over 3,000 North Koreans killed or wounded",
        "published": "2024-12-24T09:00:00+02:00",
        "text": """
More than 3,000 North Korean soldiers have been killed or wounded in the Kursk region,
President Volodymyr Zelensky said on Monday evening, citing preliminary data.

Zelensky said there was a risk that Pyongyang would send more soldiers and military equipment
to the Russian army. He did not say how the figure had been calculated.

The estimate is almost three times that of Seoul. South Korea's Joint Chiefs of Staff said
earlier on Monday that about 1,100 North Korean soldiers have been killed or wounded, while
the country's spy agency said last week that at least 100 had died.
""",
    },
    {
        "key": "balloons-oct",
        "outlet": "borderwatch",
        "path": "/dmz/2024/10/10/balloon-log",
        "title": "Balloon log: a summer and autumn of launches",
        "published": "2024-10-10T08:00:00+09:00",
        "text": """
North Korea's balloon campaign has become a near-weekly event since late May. Border Watch
Daily has compiled the launches announced by the Joint Chiefs of Staff since early August.

On August 10 the JCS counted about 240 balloons. A wave on August 21 involved roughly 100
balloons, and about 160 followed on August 22. The campaign then intensified: the military
said the North sent about 380 balloons on September 4, around 300 on September 11 and about
200 on September 15.

By mid-September the JCS said some 5,500 balloons had been launched in more than 20 waves.
Later in the month the military said the North had sent about 120 balloons on September 22
and about 150 on September 23, the 23rd launch since the campaign started.

Early this month the JCS reported about 100 more on October 1 and 2. Officials said the
military had not ruled out shooting the balloons down if one caused casualties.
""",
    },
    {
        "key": "dod-dec",
        "outlet": "atlantic",
        "path": "/analysis/2024/12/17/pentagon-hundreds-casualties",
        "title": "Pentagon: North Korean troops suffering hundreds of casualties",
        "published": "2024-12-17T13:00:00+00:00",
        "text": """
North Korean troops fighting for Russia in the Kursk region have suffered hundreds of
casualties, ranging from soldiers killed to those with minor wounds, a Pentagon spokesperson
said on Monday.

US officials now estimate that between 11,000 and 12,000 North Korean soldiers are in Russia,
up from the figure of about 10,000 they gave in early November. Most are in the Kursk region,
where they have joined assaults alongside Russian units.

Ukraine's defence intelligence said on the same day that at least 200 North Koreans had been
killed or wounded in recent battles. The agency said North Korean units were being used as
infantry in the Kursk offensive.

South Korea's spy agency has put the deployment at 10,000 to 12,000 since November, when it
said the soldiers had been assigned to Russian airborne and marine units.
""",
    },
]
