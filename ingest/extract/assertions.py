"""Claims without a number: a weapon type supplied, troops sent or fighting, balloons
launched, loudspeakers resumed, what Russia gives in return.

Only statements of fact count: a modal ("may", "could"), a negation, a possibility or an
intention in front of the verb drops the match (predictions and denials are not claims).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import NOUN_CLASSES, WEAPON, weapon_system
from .prefilter import Prefilter, Sentence, WordScan, WordStarts, needles
from .text import clause_span, trim


@dataclass(frozen=True)
class Assertion:
    start: int  # quote span
    end: int
    category: str
    subtype: str
    unit: str
    weapon_system: str
    rule: str
    core: tuple[int, int] = (0, 0)  # the words that matched, inside the quote


_NOT_FACT = re.compile(
    r"\b(?:may|might|could|would|should|can|cannot|possibility|possible|possibly|potential|"
    r"whether|if|not|never|no|denied|denies|deny|refrained|refrain|without|threatened|"
    r"warned|expected|(?<!highly\s)(?<!very\s)(?<!has\s)(?<!have\s)(?<!had\s)(?<!was\s)(?<!were\s)"
    r"(?<!is\s)(?<!are\s)likely|likely(?=\s+to\b)|used\s+to|unless|rumou?rs?)\b[^.;]{0,25}$"
)  # case-sensitive: "May" is a month
# "If Pyongyang had sold those rounds at $200 apiece": inside a conditional clause
_IF_CLAUSE = re.compile(r"\b(?:[Ii]f|[Uu]nless)\s+[^,.;:]{0,70}$")
_INTENT = re.compile(
    r"\b(?:to|keen|seeks?|seeking|wants?|hopes?|aims?|intends?|plans?|planning|agreed|"
    r"offered|promised|pledged)\s+(?:(?!(?:have|be|been)\b)\w+\s+)?$",
    re.IGNORECASE,
)
_PURPOSE = re.compile(
    r"\bto\s+(?!(?:the|have|be|been)\b)[a-z]+\s+(?:[\w-]+[\s,]+){0,3}(?:and\s+)?$"
)
_NK_ACTORS = re.compile(
    r"\bNorth\s+Koreans?\b|\b(?i:units|troops|soldiers|forces)\s+(?:dispatched|sent)\s+(?:by|on\s+the\s+"
    r"orders?\s+of)\s+(?:Pyongyang|Kim\s+Jong[- ]Un|North\s+Korea)"
)
_NK_SUBJECT = r"(?:North\s+Korea|Pyongyang|the\s+North|it)"
_ADV = (
    r"(?:(?:has|have|had|is|was|are|were|also|again|already|reportedly|now|once\s+again|been|"
    r"\w+ly|(?:believed|thought|said|understood|known)\s+to(?:\s+(?:be|have))?)\s+){0,3}"
)

_SUPPLY = re.compile(
    r"\b(?:suppl(?:y|ies|ying|ied)|provid(?:e|es|ing|ed)|sen(?:d|ds|ding|t)|ship(?:s|ping|ped)?|"
    r"deliver(?:s|ing|ed)?|transferr?(?:s|ing|ed)?|export(?:s|ing|ed)?|sell(?:s|ing)?|sold|"
    r"giv(?:e|es|ing|en)|gave|hand(?:ed|ing)\s+over|produc(?:e|es|ing|ed)\s+and\s+provid\w+)\b",
    re.IGNORECASE,
)
_SUPPLY_SCAN = WordScan(_SUPPLY, windows=True)  # tried only where a supply verb may start
# "the largest supplier of weapons and ammunition to Russia", "importing ballistic missiles
# from North Korea", "the missile … was made in North Korea"
_SUPPLIER_OF = re.compile(
    r"\b(?:supplier|provider|source|exporter)\s+of\s+(?:[\w-]+\s+(?:and\s+)?){0,3}$", re.I
)
_FROM_NK_AFTER = re.compile(
    r"^\s+(?:\w+\s+){0,3}?(?:from|made\s+in|produced\s+in|manufactured\s+in)\s+(?:North\s+Korea|"
    r"Pyongyang)\b|^[^.;]{0,120}\b(?:was|were)\s+(?:made|produced|manufactured)\s+in\s+"
    r"North\s+Korea\b",
    re.I,
)
# "some 40 percent of the shells Russia fires now come from North Korea": supply stated as origin
_COMES_FROM_NK = re.compile(
    r"[^.;]{0,80}?\b(?:come|comes|came|coming|originat\w+)\s+from\s+(?:North\s+Korea|"
    r"Pyongyang)\b",
    re.I,
)
_IMPORT_VERB = re.compile(
    r"\b(?:import\w*|buy\w*|bought|purchas\w*|acquir\w*|obtain\w*|procur\w*)\s+"
    r"(?:[\w-]+\s+){0,3}$",
    re.I,
)
_NK_MADE = re.compile(
    r"North\s+Korean(?:-|\s+)(?:made|produced|supplied|manufactured|built|origin)\s+"
    r"(?:[\w-]+\s+){0,2}$|North\s+Korean\s+(?:[\w-]+\s+(?:and\s+)?){0,3}$",
    re.IGNORECASE,
)
NORTH_KOREA_SUBJECT = re.compile(r"\b(?:North\s+Korea|Pyongyang|the\s+North)\b")
_USE_VERB = re.compile(
    r"\b(?:using|used|uses|fired|fires|firing|launched|launching|employ\w*|received|receives|"
    r"acquired|recovered|found|deployed|identified|struck|hit)\b",
    re.IGNORECASE,
)
_NATION = re.compile(
    r"\b(?:North\s+Korea\w*|Pyongyang|the\s+North|Russia\w*|Moscow|Seoul|"
    r"South\s+Korea\w*|Kyiv|Ukrain\w*|Washington|United\s+States|it)\b"
)

_RUSSIA_GIVES = re.compile(
    r"\b(?:Russia|Moscow|the\s+Kremlin|Russian\s+(?:engineers|specialists|experts|instructors|"
    r"advisers|technicians))\s+"
    + _ADV
    + r"(?:provid\w*|gave|giv\w+|transferr?\w*|shar\w+|suppl\w+|sen[dt]\w*|help\w*|assist\w*|"
    r"deliver\w*|paid|pay\w*|export\w*|train\w*|working|(?:agreed|decided)\s+to\s+(?:transfer|provide|"
    r"supply|share|give))\b",
    re.IGNORECASE,
)
_NK_RECEIVES = re.compile(
    r"\b"
    + _NK_SUBJECT
    + r"\s+"
    + _ADV
    + r"(?:received|receives|receiving|obtained|obtaining|acquired|"
    r"acquiring|got|getting)\b"
    r"(?=[^.;]{0,80}\bfrom\s+(?:Russia|Moscow)\b|\s+Russian\s)",
    re.IGNORECASE,
)
_TECH = re.compile(
    r"\b(?:technolog\w*|know-how|expertise|satellites?|nuclear|submarines?|"
    r"engines?|aircraft|fighter\s+jets?|air[\s-]defen[cs]e|technical|data|guidance|production|"
    r"pilots|training)\b",
    re.IGNORECASE,
)
_PAYMENT = re.compile(
    r"\b(?:cash|money|payments?|dollars|oil|fuel|food|wheat|rice|petroleum|energy|financial|"
    r"thanking)\b",
    re.I,
)

# (pattern, category, subtype, unit, rule, guards): guards "modal" or "modal+intent"
_NK_TROOPS_BEFORE = re.compile(
    r"\bNorth\s+Korean\s+(?:[\w-]+\s+){0,2}(?:troops|soldiers|forces|units|servicemen)\b"
)
_TROOP_NOUN = (
    r"(?:troops|soldiers|forces|personnel|units|contingent|reinforcements|commandos|servicemen|"
    r"infantry|infantrymen)"
)
_PATTERNS: list[tuple[re.Pattern, str, str, str, str, str]] = [
    (
        re.compile(
            r"\b(?:preparing|prepares?|planning|plans?|planned|decided|readying|ready)\s+"
            r"(?:for\s+|to\s+(?:send|deploy|dispatch)\s+)(?:an?\s+)?(?:additional|more|another|extra|"
            r"further|fresh|new)\s+(?:[\w-]+\s+){0,2}?(?:rotation|deployment|batch|troops|soldiers|"
            r"forces|personnel|units|contingent|reinforcements|commandos)",
            re.IGNORECASE,
        ),
        "troop_deployment",
        "additional_deployment",
        "troops",
        "assert:additional-deployment",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:sen(?:t|ding|ds)|deploy(?:ed|ing|s)?|dispatch(?:ed|ing|es)?)\s+(?:more|additional|"
            r"extra|another|further|fresh)\s+(?:[\w-]+\s+){0,2}?" + _TROOP_NOUN,
            re.IGNORECASE,
        ),
        "troop_deployment",
        "additional_deployment",
        "troops",
        "assert:additional-deployment",
        "modal",
    ),
    (
        re.compile(
            r"\b" + _NK_SUBJECT + r"\s+" + _ADV + r"(?:sent|deployed|dispatched|sends|deploys|"
            r"is\s+sending|is\s+deploying|began\s+sending|started\s+deploying)\s+(?:its\s+|some\s+|"
            r"North\s+Korean\s+|special\s+forces\s+)?(?:[\w-]+\s+){0,2}?" + _TROOP_NOUN,
            re.I,
        ),
        "troop_deployment",
        "deployed",
        "troops",
        "assert:troops-sent",
        "modal+intent",
    ),
    (
        re.compile(
            r"\bNorth\s+Korean\s+(?:military\s+|army\s+|combat\s+)?"
            + _TROOP_NOUN
            + r"\s+(?:have|has|had|are|were)\s+(?:\w+ly\s+|also\s+"
            r"|already\s+)?(?:been\s+)?(?:deployed|sent|dispatched|stationed)\s+(?:to|in|near|at)\b",
            re.I,
        ),
        "troop_deployment",
        "deployed",
        "troops",
        "assert:troops-sent",
        "modal",
    ),
    (
        re.compile(
            r"\bwith\s+(?:many|most|some|hundreds|thousands|a\s+number)\s+(?:of\s+them\s+)?"
            r"(?:joining|taking\s+part\s+in|fighting|engaged\s+in|thrown\s+into|participating\s+in)\b",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:North\s+Korean\s+)?"
            + _TROOP_NOUN
            + r"(?:\s+(?:sent|dispatched|deployed|stationed)\s+(?:to|in)\s+(?:the\s+)?[\w-]+)?"
            r"\s+(?:have|has|had|are|were)\s+(?:(?:\w+ly|also|now|already|again|still)\s+){0,3}"
            r"(?:been\s+)?(?:(?:begun|began|started)\s+)?(?:fighting|engaged\s+in\s+(?:combat|"
            r"fighting|battles?)|in\s+combat|joined\s+(?:the\s+)?(?:fighting|battles?|combat|"
            r"assaults?)|taking\s+part\s+in|took\s+part\s+in|participating\s+in)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        # "North Korean units continue to take part in assault actions"
        re.compile(
            r"\bNorth\s+Korean\s+(?:[\w-]+\s+)?"
            + _TROOP_NOUN
            + r"\s+(?:(?:\w+ly|also|still)\s+)?(?:continue|continues|continued|keep|keeps|kept)"
            r"\s+(?:to\s+(?:take\s+part\s+in|participate\s+in|fight\b|engage\s+in)|"
            r"fighting|taking\s+part\s+in|participating\s+in)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        # "Some have begun engaging in combat": part of the North Korean troops just named
        re.compile(
            r"\b(?:Some|Many|Most|Several\s+thousand|Part)\s+(?:of\s+them\s+)?(?:have|has|had|are|"
            r"were)\s+(?:(?:\w+ly|also|now|already)\s+)?(?:(?:begun|began|started)\s+)?"
            r"(?:been\s+)?(?:engag(?:ing|ed)\s+in\s+(?:combat|fighting|battles?)|fighting|"
            r"taking\s+part\s+in\s+(?:combat|fighting|battles?|assaults?))"
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal+nkprev",
    ),
    (
        re.compile(
            r"\b(?:fighting|fought|battling|battled|clashing\s+with|clashed\s+with)\s+"
            r"(?:against\s+)?(?:the\s+)?(?:North\s+Koreans|North\s+Korean\s+" + _TROOP_NOUN + r")",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\bNorth\s+Korean\s+" + _TROOP_NOUN + r"\s+(?:joined|entered|took\s+part\s+in)\s+"
            r"(?:the\s+)?(?:fighting|battles?|combat|assaults?)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\bNorth\s+Korean\s+" + _TROOP_NOUN + r"\s+(?:are|were|have\s+been|had\s+been|"
            r"is|was)\s+(?:\w+ly\s+|already\s+|now\s+)?(?:being\s+)?(?:used|committed|thrown|"
            r"deployed)\s+(?:in|to|into)\s+(?:the\s+)?(?:assaults?|attacks?|offensive\s+operations|"
            r"combat|battles?|fighting|counter-?offensives?)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:supported|backed|reinforced|joined|accompanied)\s+by\s+North\s+Korean\s+"
            r"(?:[\w-]+\s+)?" + _TROOP_NOUN,
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\bNorth\s+Korean\s+" + _TROOP_NOUN + r"\s+(?:have\s+|had\s+)?(?:fought|battled)\b",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:(?:were|are|was|is|have\s+been|has\s+been|had\s+been)\s+|(?:have|has|had)\s+"
            r"(?:\w+ly\s+|already\s+|also\s+)?(?:begun|started)\s+|(?:began|started)\s+)"
            r"(?:\w+ly\s+|already\s+|also\s+)?taking\s+part\s+in\s+(?:the\s+)?(?:combat|fighting|"
            r"battles?|assaults?|(?:\w+\s+)?operations)|\b(?:have|has|had)\s+(?:\w+ly\s+|already\s+|"
            r"also\s+)?(?:taken\s+part|participated|fought)\s+in\s+(?:the\s+)?(?:combat|fighting|"
            r"battles?|assaults?|(?:\w+\s+)?operations)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal+nk",
    ),
    (
        re.compile(
            r"\bNorth\s+Korean\s+(?:[\w-]+\s+)?"
            + _TROOP_NOUN
            + r"\s+(?:have|has|had)\s+(?:also\s+|"
            r"already\s+)?been\s+(?:killed(?:\s+(?:and|or)\s+(?:wounded|injured))?|wounded|injured|"
            r"captured|taken\s+prisoner)\b",
            re.I,
        ),
        "casualties",
        "",
        "troops",
        "assert:casualties",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:withdrawn|pulled\s+(?:back|out)|withdrew|redeployed\s+away)\s+from\s+(?:the\s+)?"
            r"(?:front(?:[\s-]?line)?s?(?:\s+positions)?|fighting|battlefield|combat)",
            re.I,
        ),
        "troop_deployment",
        "withdrawn",
        "troops",
        "assert:withdrawn",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:resum\w+|restart\w*|install\w*|reinstall\w*|set\s+up|turn(?:ed|ing)?\s+on|"
            r"blar\w+|blast\w*|broadcast\w*|dismantl\w+|remov\w+|halt\w*|suspend\w*)\s+"
            r"(?:[\w-]+\s+){0,3}?loudspeakers?\b|\bloudspeakers?\s+(?:[\w-]+\s+){0,3}?(?:resum\w+|"
            r"blar\w+|install\w+|dismantl\w+)|\b(?:kept\s+up|keep\w*\s+up|continu\w+|conduct\w*|"
            r"carr(?:y|ied|ying)\s+out)\s+(?:(?:the|its|their)\s+)?loudspeaker\s+broadcasts?",
            re.I,
        ),
        "border_activity",
        "loudspeakers",
        "loudspeakers",
        "assert:loudspeakers",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:North\s+Korea|Pyongyang|the\s+North)\s+"
            + _ADV
            + r"(?:sent|launched|flew|floated|"
            r"released|sends|launches|began\s+(?:sending|launching)|resumed\s+(?:sending|launching))"
            r"\s+(?:[\w-]+\s+){0,5}?balloons\b",
            re.I,
        ),
        "border_activity",
        "balloon_launches",
        "incidents",
        "assert:balloon-launch",
        "modal",
    ),
    (
        re.compile(
            r"\b(?:build\w*|built|construct\w*|erect\w*|install\w*|extend\w*)\s+(?:an?\s+|new\s+|"
            r"the\s+)*(?:[\w-]+\s+){0,2}?(?:fences?|walls?|barriers?|barbed[- ]wire|"
            r"fortifications?)\b",
            re.I,
        ),
        "border_activity",
        "fence",
        "",
        "assert:fence",
        "modal+intent",
    ),
    (
        re.compile(
            r"\b(?:lay\w*|laid|plant\w*|buri\w+)\s+(?:[\w-]+\s+){0,2}?(?:land)?mines\b", re.I
        ),
        "border_activity",
        "mines",
        "mines",
        "assert:mines",
        "modal+intent",
    ),
    (
        re.compile(
            r"\b(?:crossed|crossing|crosses)\s+the\s+(?:military\s+demarcation\s+line|MDL)\b", re.I
        ),
        "border_activity",
        "mdl_crossings",
        "incidents",
        "assert:mdl-crossing",
        "modal",
    ),
    (
        re.compile(r"\b(?:fired|firing|fire|prompting|prompted|with)\s+warning\s+shots\b", re.I),
        "border_activity",
        "warning_shots",
        "incidents",
        "assert:warning-shots",
        "modal",
    ),
    # --- round 6: general phrasings of claims stated without a number ---
    (
        # "more troops are expected to be sent", "additional forces will be deployed": a plan
        # or expectation an agency reports is a deployment claim (eval README)
        re.compile(
            r"\b(?:more|additional|further|extra|fresh)\s+(?:North\s+Korean\s+)?(?:[\w-]+\s+)?"
            + _TROOP_NOUN
            + r"\s+(?:are|were|is|was|will\s+be|would\s+be|have\s+been|had\s+been)\s+"
            r"(?:(?:expected|set|likely|due|about|scheduled|planned)\s+to\s+be\s+|being\s+)?"
            r"(?:sent|deployed|dispatched|heading)\b",
            re.I,
        ),
        "troop_deployment",
        "additional_deployment",
        "troops",
        "assert:additional-deployment",
        "plan",
    ),
    (
        # "additional troop deployments", "a further deployment of troops"
        re.compile(
            r"\b(?:additional|further|another|new|second|third|fresh)\s+(?:troop\s+)?"
            r"(?:deployments?|dispatch(?:es)?|rotations?|waves?)\b(?:\s+of\s+"
            + _TROOP_NOUN
            + r")?",
            re.I,
        ),
        "troop_deployment",
        "additional_deployment",
        "troops",
        "assert:additional-deployment",
        "modal+nk-near",
    ),
    (
        # "the first group of North Korean troops is expected to arrive in …"
        re.compile(
            r"\b(?:group|batch|contingent|wave|unit|detachment)s?\s+of\s+(?:North\s+Korean\s+)?"
            r"(?:[\w-]+\s+)?" + _TROOP_NOUN + r"\s+(?:(?:is|are|was|were|has|have|had)\s+)?"
            r"(?:(?:expected|due|set|scheduled)\s+to\s+)?(?:arriv\w*|reach\w*)\b",
            re.I,
        ),
        "troop_deployment",
        "additional_deployment",
        "troops",
        "assert:additional-deployment",
        "plan",
    ),
    (
        # "North has sent troops": a headline without the article
        re.compile(
            r"(?:^|(?<=[\n:]))\s*North\s+(?:has|had)\s+(?:sent|deployed|dispatched)\s+(?:[\w-]+\s+){0,2}?"
            + _TROOP_NOUN
        ),
        "troop_deployment",
        "deployed",
        "troops",
        "assert:troops-sent",
        "modal+intent",
    ),
    (
        # "clashes between Ukrainian forces and North Korean soldiers", "clashed with …"
        re.compile(
            r"\b(?:clash(?:es|ed)?|skirmish(?:es|ed)?|battles?|firefights?|engagements?)\s+"
            r"(?:between|with)\s+[^.;]{0,60}?\bNorth\s+Korean\s+(?:[\w-]+\s+)?" + _TROOP_NOUN,
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        # "North Korean soldiers have already come under fire", "… helped in the fight for …"
        re.compile(
            r"\bNorth\s+Korean\s+(?:[\w-]+\s+)?(?:" + _TROOP_NOUN + r"|fighters)\s+[^.;]{0,40}?"
            r"\b(?:c[ao]me\s+under\s+(?:fire|attack|shelling)|helped\s+(?:[\w-]+\s+){0,3}?(?:to\s+)?"
            r"(?:in\s+the\s+)?(?:fight\w*|regain\w*|liberat\w+|recaptur\w+|repel\w*|retak\w+|"
            r"defend\w*|battles?|combat)|performed\s+(?:[\w-]+\s+)?combat\s+(?:tasks|missions)|"
            r"(?:were|are|was|is)\s+(?:\w+ly\s+)?on\s+the\s+battlefield)",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal",
    ),
    (
        # "involved North Korean troops in combat operations", "using them in assaults"
        re.compile(
            r"\b(?:involv\w+|us(?:ed|ing|es)|employ\w*|threw|thrown|throwing|commit\w*)\s+"
            r"(?:them|North\s+Korean\s+(?:[\w-]+\s+)?" + _TROOP_NOUN + r")\s+"
            r"(?:[\w-]+\s+){0,4}?(?:in|into|for)\s+(?:the\s+)?(?:[\w-]+\s+)?(?:combat|assaults?|"
            r"attacks?|battles?|fighting|offensives?|operations)\b",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal+nk-near",
    ),
    (
        # "re-deployed several to the frontline", "they had been redeployed there"
        re.compile(
            r"\b(?:re-?deployed|moved|transferred|shifted|returned)\s+(?:[\w-]+\s+){0,5}?to\s+the\s+"
            r"front(?:[\s-]?lines?)?\b|\b(?:had|have|has)\s+been\s+[\"“]?re-?deployed\b",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal+nk-near",
    ),
    (
        # "soldiers fought together", "participated in the liberation of", "carrying out
        # engineering combat missions", "achieved territorial gains"
        re.compile(
            r"\b(?:soldiers|troops|forces|units)\s+(?:had\s+|have\s+)?fought\s+(?:together|"
            r"alongside|side\s+by\s+side|shoulder\s+to\s+shoulder)|\bparticipated\s+in\s+the\s+"
            r"(?:liberation|battles?|fighting|combat|assaults?|recapture|defen[cs]e)\b|\b(?:carr(?:y|ied|ying)"
            r"\s+out|conduct(?:ed|ing)?|perform(?:ed|ing)?)\s+(?:[\w-]+\s+){0,2}?combat\s+(?:tasks|"
            r"missions|operations)|\b(?:achieved|made)\s+(?:[\w-]+\s+)?territorial\s+gains\b",
            re.I,
        ),
        "troop_deployment",
        "in_combat",
        "troops",
        "assert:in-combat",
        "modal+nk-near",
    ),
    (
        # "suffered heavy losses", "after sustaining significant casualties", "losses are heavy",
        # "casualties have been high", "indications of casualties among North Korean troops"
        re.compile(
            r"(?<![Tt]he\s)(?<![Tt]hese\s)(?<![Tt]hose\s)(?<![Ss]uch\s)\b(?:heavy|significant|"
            r"severe|high|major|substantial|huge|serious|considerable|mounting|massive)\s+(?:\w+\s+)?"
            r"(?:losses|casualties|casualty\s+(?:rates|figures))\b|"
            r"\b(?:losses|casualties)\s+(?:are|were|have\s+been|has\s+been|had\s+been)\s+(?:\w+ly\s+)?"
            r"(?:heavy|high|significant|severe|mounting)\b|\b(?:casualties|losses|injuries|deaths)\s+"
            r"(?:and\s+(?:injuries|casualties)\s+)?(?:among|of|in)\s+(?:the\s+)?North\s+Korean\b",
            re.I,
        ),
        "casualties",
        "killed_or_wounded",
        "troops",
        "assert:casualties",
        "modal+nk-near+notrel",
    ),
    (
        # "captured the first North Korean soldiers", "North Korean prisoners captured",
        # "had captured two"
        re.compile(
            r"\bcaptur(?:ed|ing|es)\s+(?:[\w-]+\s+){0,3}?North\s+Korean\s+(?:[\w-]+\s+)?"
            r"(?:" + _TROOP_NOUN + r"|prisoners|POWs)|\bNorth\s+Korean\s+(?:prisoners|POWs)\b|"
            r"\b(?:has|had|have)\s+(?:\w+ly\s+)?captured\b",
            re.I,
        ),
        "casualties",
        "captured",
        "troops",
        "assert:casualties",
        "modal+nk-near",
    ),
    (
        # "troops killed in Russia", "soldiers killed while fighting", "laid down their lives",
        # "the noble sacrifice of those who fought"
        re.compile(
            r"\b" + _TROOP_NOUN + r"\s+(?:who\s+were\s+)?killed\s+(?:in|while|during|fighting|"
            r"on|abroad)\b|\b(?:laid\s+down\s+their\s+lives|gave\s+their\s+lives|died\s+"
            r"(?:fighting|in\s+combat|in\s+battle|heroically)|(?:noble|heroic|supreme)\s+sacrifice|"
            r"fallen\s+(?:soldiers|fighters|heroes|comrades))\b|\bkilled\s+(?:several|some|many|"
            r"dozens\s+of|scores\s+of)\s+North\s+Korean",
            re.I,
        ),
        "casualties",
        "killed",
        "troops",
        "assert:casualties",
        "modal+nk-near",
    ),
    (
        # "one-third of these losses were fatalities", "a third of the casualties were killed":
        # a share, kept with no number (eval README)
        re.compile(
            r"\b(?:one|a|two)[\s-](?:third|quarter|fifth|half)s?\s+of\s+(?:the\s+|these\s+|those\s+|"
            r"its\s+|their\s+)?(?:total\s+)?(?:losses|casualties)\s+(?:[\w-]+\s+){0,3}?(?:were|was)\s+"
            r"(?:\w+\s+){0,2}?(?:fatalities|killed|deaths|dead)\b",
            re.I,
        ),
        "casualties",
        "killed",
        "troops",
        "assert:casualties-share",
        "modal",
    ),
    (
        # "North Korean engineers have been trained at Russian drone factories"
        re.compile(
            r"\bNorth\s+Korean\s+(?:[\w-]+\s+){0,2}?(?:engineers|pilots|specialists|officers|troops|"
            r"soldiers|crews|technicians|scientists|operators)\s+(?:(?:have|has|had|were|are|was|is)\s+)?"
            r"(?:(?:been|being)\s+)?(?:trained|taught|schooled|instructed)\s+(?:at|by|in)\s+"
            r"(?:the\s+)?(?:Russian|Russia)",
            re.I,
        ),
        "other",
        "technology_transfer",
        "",
        "assert:russia-gives",
        "modal",
    ),
    (
        # "nearly half of the 11,000-strong contingent has been killed or wounded": a share
        re.compile(
            r"\b(?:half|a\s+third|a\s+quarter|two[\s-]thirds|one[\s-]third|\d+\s*(?:%|percent))\s+of\s+"
            r"[^.;]{0,80}?\b(?:has|have|had|were|was)\s+(?:already\s+)?been\s+(?:killed(?:\s+or\s+"
            r"(?:wounded|injured))?|wounded|injured)\b",
            re.I,
        ),
        "casualties",
        "",
        "troops",
        "assert:casualties-share",
        "modal+nk-near",
    ),
    (
        # "forces diminished by half", "numbers cut by a third"
        re.compile(
            r"\b(?:diminished|reduced|cut|shrank|fell|dropped|decreased)\s+by\s+(?:half|a\s+third|"
            r"a\s+quarter|one[\s-]third|\d+\s*(?:%|percent))",
            re.I,
        ),
        "casualties",
        "killed_or_wounded",
        "troops",
        "assert:casualties-share",
        "modal+nk-near",
    ),
    (
        # loudspeaker broadcasts paused, suspended, detected, heard, shifted
        re.compile(
            r"\b(?:paus\w+|suspen\w+|halt\w*|stopp?\w*|shift\w*|detect\w*|resum\w+|end\w*|"
            r"turn\w*\s+off)\s+(?:[\w'’-]+\s+){0,4}?broadcasts?\b|\bsuspension\s+of\s+(?:[\w-]+\s+)"
            r"{0,3}?broadcasts?\b|\bbroadcasts?\s+(?:of\s+)?(?:[\w-]+\s+){0,5}?(?:were|was)\s+"
            r"(?:\w+\s+)?(?:detected|heard|halted|suspended|paused|stopped)\b",
            re.I,
        ),
        "border_activity",
        "loudspeakers",
        "loudspeakers",
        "assert:loudspeakers",
        "modal+border",
    ),
    (
        # "resumed the sending of its trash balloons", "the repeated launch of balloons"
        re.compile(
            r"\b(?:sending|launch(?:es|ing)?|flying|release|floating)\s+of\s+(?:its\s+|the\s+|their\s+)?"
            r"(?:[\w-]+\s+){0,2}?balloons\b",
            re.I,
        ),
        "border_activity",
        "balloon_launches",
        "incidents",
        "assert:balloon-launch",
        "modal+nk-near",
    ),
    (
        # "established drone production with Russia's help": what Russia gives in return
        re.compile(
            r"\b(?:with|thanks\s+to|through)\s+(?:the\s+)?(?:Russia['’ʼ]s|Moscow['’ʼ]s|Russian)\s+"
            r"(?:help|assistance|support|technical\s+(?:help|assistance|support))\b",
            re.I,
        ),
        "other",
        "technology_transfer",
        "",
        "assert:russia-gives",
        "modal+nk-near+after",
    ),
    (
        # roads blown up, counter-fire, signal jamming or interference, drones over a capital
        re.compile(
            r"\b(?:blew|blown|blowing|blow)\s+up\s+(?:[\w-]+\s+){0,5}?(?:roads?|rail\w*|tracks|"
            r"bridges?)\b|\bexplosive\s+operations?\b|\bcounter-?fire\b|\b(?:radio|signal|GPS|"
            r"satellite\s+navigation)\s+(?:[\w-]+\s+){0,2}?(?:interference|disruptions?|jamming)\b|"
            r"\bjamm(?:ed|ing)\s+(?:of\s+)?(?:the\s+)?(?:satellite\s+navigation|navigation|radio)\b|"
            r"\bdrones?\s+(?:[\w-]+\s+){0,3}?over\s+(?:its|the|their)\s+(?:capital|airspace)\b",
            re.I,
        ),
        "border_activity",
        "",
        "incidents",
        "assert:border-other",
        "modal+nk-near",
    ),
    (
        re.compile(r"\b(?:GPS\s+jamming|jamm(?:ed|ing)\s+(?:of\s+)?GPS)\b", re.I),
        "border_activity",
        "gps_jamming",
        "incidents",
        "assert:gps-jamming",
        "modal",
    ),
]


_DENIAL = re.compile(
    r"\b(?:not|never|no|denied|denies|deny|possibility|possible|possibly|whether|if|unless|"
    r"rumou?rs?)\b[^.;]{0,25}$"
)
# losses named as a reason or a description: "units that took heavy losses", "to make up for"
_BACKGROUND_LOSS = re.compile(
    r"(?:\b(?:that|which|who)\s+(?:had\s+|have\s+)?(?:suffered|took|taken|sustained|incurred)"
    r"|\b(?:make\s+up\s+for|replac\w+|replenish\w*|compensate\s+for|offset)\s+(?:[\w-]+\s+)"
    r"{0,4}?(?:(?:that|which|who)\s+(?:had\s+|have\s+)?(?:suffered|took|sustained)\s+)?)\s*$",
    re.IGNORECASE,
)
_MODAL_AFTER = re.compile(
    r"\b(?:expected|will|would|could|may|might|likely|plans?|aims?|hopes?|seeks?)\b"
)
_NK_NEAR = re.compile(r"\b(?:North\s+Korea\w*|Pyongyang|DPRK|the\s+North|Kim\s+Jong[- ]Un|KPA)\b")
_BORDER_NEAR = re.compile(
    r"\b(?:North\s+Korea\w*|Pyongyang|the\s+North|DMZ|[Dd]emilitari[sz]ed|border|loudspeakers?)\b"
)


def _factual(text: str, lo: int, at: int, guards: str) -> bool:
    before = text[max(lo, at - 40) : at]
    if _NOT_FACT.search(before) or _IF_CLAUSE.search(text, max(lo, at - 80), at):
        return False
    if "intent" in guards and _PURPOSE.search(before):
        return False  # "to plant mines, build barriers": purposes, not facts
    return not ("intent" in guards and _INTENT.search(before))


# What each pattern's matches start with: a sentence without any of it skips the pattern.
# The patterns, then WEAPON last: where in a sentence each may start (ingest.extract.prefilter).
_WORD_STARTS = WordStarts([*(Prefilter(rx) for rx, *_ in _PATTERNS), Prefilter(WEAPON)])
_WEAPON_AT = len(_PATTERNS)
_PREFILTERS, _WEAPON_FILTER = _WORD_STARTS.prefilters[:-1], _WORD_STARTS.prefilters[-1]
_AT_WORD_STARTS = frozenset(k for k, f in enumerate(_PREFILTERS) if f.at_word_start)


def find_assertions(text: str, lo: int, hi: int) -> list[Assertion]:
    """Claims without numbers in the sentence text[lo:hi]."""
    sentence = Sentence(text[lo:hi])
    starts = _WORD_STARTS.starts(text, lo, hi, sentence)
    weapons = _WORD_STARTS.matches(_WEAPON_AT, WEAPON, text, lo, hi, sentence, starts)
    out = _arms(text, lo, hi, weapons, sentence)
    out += _russia_gives(text, lo, hi)
    for k, (rx, cat, subtype, unit, rule, guard_words) in enumerate(_PATTERNS):
        if k not in starts and k in _AT_WORD_STARTS and sentence.usable:
            continue  # no word it may start: matches() would find nothing
        matches = _WORD_STARTS.matches(k, rx, text, lo, hi, sentence, starts)
        guards = None
        for m in matches:
            if guards is None:
                guards = set(guard_words.split("+"))
            sub = subtype
            if "plan" in guards:
                if _DENIAL.search(text, max(lo, m.start() - 40), m.start()):
                    continue
            elif not _factual(text, lo, m.start(), guard_words):
                continue
            if "nk-near" in guards and not _NK_NEAR.search(text, max(0, lo - 400), hi):
                continue  # the North (or its troops) named in the sentence or just before
            if "border" in guards and not _BORDER_NEAR.search(text, max(0, lo - 400), hi):
                continue
            if "notrel" in guards and _BACKGROUND_LOSS.search(
                text, max(lo, m.start() - 60), m.start()
            ):
                continue  # "to replace units that suffered heavy losses": the reason, not the news
            if "after" in guards and _MODAL_AFTER.search(text, m.end(), min(hi, m.end() + 60)):
                continue  # "With Russian support, Pyongyang is expected to …": a prediction
            if "nkprev" in guards:
                if not _NK_TROOPS_BEFORE.search(text, max(0, lo - 250), lo):
                    continue  # "Some have begun ...": North Korean troops named just before
            elif "nk" in guards and not _NK_ACTORS.search(text, lo, m.start()):
                continue  # "... were taking part in combat": North Koreans must be the subject
            if cat == "casualties" and not sub:
                sub = _casualty_subtype(m.group(0))
            elif cat == "border_activity" and not sub:
                sub = _border_subtype(m.group(0))
            s, e = clause_span(text, m.start(), m.end(), lo, hi)
            s = max(s, m.start()) if m.start() - s > 80 else s
            out.append(Assertion(s, e, cat, sub, unit, "", rule, (m.start(), m.end())))
    return out


def _border_subtype(words: str) -> str:
    """The nearest border subtype of the tracker's vocabulary (it has no 'other'): signal
    jamming -> gps_jamming; fire across the line -> warning_shots; roads or rails blown up ->
    fence (works on the border line); drones over the other side -> mdl_crossings."""
    low = words.lower()
    if re.search(r"jamm|interference|disruption", low):
        return "gps_jamming"
    if "fire" in low:
        return "warning_shots"
    if "drone" in low:
        return "mdl_crossings"
    return "fence"


def _casualty_subtype(words: str) -> str:
    """'have been killed and wounded' -> killed_or_wounded; 'captured' -> captured."""
    low = words.lower()
    if "killed" in low and ("wounded" in low or "injured" in low):
        return "killed_or_wounded"
    if "killed" in low:
        return "killed"
    if "captured" in low or "prisoner" in low:
        return "captured"
    return "wounded"


# "containers of shells, missiles and": the words before a weapon (none holds it without
# "container", which _arms checks first); a clause ending between a supply verb and a weapon
_CONTAINERS_OF = re.compile(
    r"\bcontainers?\s+(?:of|with|carrying|full\s+of)\s+(?:[\w-]+(?:\s+|,\s*)(?:and\s+)?){0,6}$"
)
_CLAUSE_END = re.compile(r"[;]|\.\s")


_COMES_FROM_NK_NEEDLES = needles(_COMES_FROM_NK)  # its matches hold one of these


def _arms(text: str, lo: int, hi: int, weapons, sentence: Sentence) -> list[Assertion]:
    """Weapon types North Korea supplies: 'supplying 240mm rocket launchers', 'using North
    Korean-made missiles'. `weapons`: the matches of WEAPON in text[lo:hi], the sentence."""
    out = []
    for w in weapons:
        noun_class = w.lastgroup
        if noun_class == "containers":
            continue  # containers alone say nothing about what was in them
        before = text[max(lo, w.start() - 80) : w.start()]
        if "container" in before and _CONTAINERS_OF.search(before):
            continue  # "containers of shells, missiles and …": the containers are the claim
        window_lo = max(lo, w.start() - 120)
        made = _NK_MADE.search(text, max(lo, w.start() - 40), w.start())
        verbs = [
            v
            for v in _SUPPLY_SCAN.finditer(text, window_lo, w.start())
            if not _CLAUSE_END.search(text[v.end() : w.start()])
        ]
        rule = None
        start = w.start()
        if verbs:
            v = verbs[-1]
            subject = text[max(lo, v.start() - 80) : v.start()]
            nations = _NATION.findall(subject)
            supplier_nk = (
                bool(nations)
                and re.match(r"North|Pyongyang|the\s+North|it$", nations[-1]) is not None
            )
            if (supplier_nk or made) and _factual(text, lo, v.start(), "modal+intent"):
                rule = "assert:arms-supplied"
                if w.start() - v.end() <= 3 or re.fullmatch(
                    r"[\s“\"‘]*", text[v.end() : w.start()]
                ):
                    start = v.start()
        if rule is None and (
            (
                _SUPPLIER_OF.search(text, max(lo, w.start() - 60), w.start())
                and re.match(
                    r"\s+(?:\w+\s+){0,3}?to\s+(?:Russia|the\s+Russian|Moscow)", text[w.end() : hi]
                )
                and NORTH_KOREA_SUBJECT.search(text, lo, w.start())
            )
            or (
                (
                    _IMPORT_VERB.search(text, max(lo, w.start() - 60), w.start())
                    or w.start() - lo < 40
                )
                and _FROM_NK_AFTER.search(text[w.end() : hi])
            )
            or (
                sentence.holds(w.end() - lo, _COMES_FROM_NK_NEEDLES)
                and _COMES_FROM_NK.match(text[w.end() : hi])
            )
        ):
            if _factual(text, lo, w.start(), "modal"):
                rule = "assert:arms-from-north-korea"
        if rule is None and made and _USE_VERB.search(text, lo, hi):
            if _factual(text, lo, made.start(), "modal"):
                rule = "assert:nk-made-weapon-used"
                start = made.start()
        if rule is None:
            continue
        calibre = re.search(r"\d{2,3}\s?-?mm[\s-]*$", text[max(lo, w.start() - 8) : w.start()])
        if calibre and start == w.start():
            start = w.start() - len(calibre.group(0))
        s, e = trim(text, start, w.end())
        cat, sub, unit = NOUN_CLASSES[noun_class]
        system = weapon_system(w.group(0), text[max(lo, w.start() - 10) : w.start()])
        out.append(Assertion(s, e, cat, sub, unit, system, rule, (w.start(), w.end())))
    return out


# tried only at the words each may start (its matches are the pattern's, in the same order)
_GIVES_SCANS = [(rx, WordScan(rx)) for rx in (_RUSSIA_GIVES, _NK_RECEIVES)]


def _russia_gives(text: str, lo: int, hi: int) -> list[Assertion]:
    """What Russia gives North Korea in return (technology, payment, other)."""
    out = []
    for rx, scan in _GIVES_SCANS:
        for m in scan.finditer(text, lo, hi):
            if not _factual(text, lo, m.start(), "modal+intent"):
                continue
            if re.search(r"\b(?:train\w*|working)$", m.group(0), re.I) and not re.search(
                r"\b(?:instructors|specialists|experts|advisers)\b", m.group(0), re.I
            ):
                continue  # "Russia trains …" only through its instructors
            tail_end = min(hi, m.end() + 150)
            tail = text[m.end() : tail_end]
            if (
                rx is _RUSSIA_GIVES
                and not re.search(r"\b(?:North\s+Korea|Pyongyang|the\s+North)", tail)
                and not re.search(r"\bpa(?:y\w*|id)\s+for\b", text[m.end() - 8 : m.end() + 5])
            ):
                continue
            tech = _TECH.search(tail)
            pay = _PAYMENT.search(tail)
            if tech or re.search(r"\b(?:train\w*|working)$", m.group(0), re.I):
                sub = "technology_transfer"  # instructors training crews pass on know-how
                if pay and tech and pay.start() < tech.start():
                    # "has given Pyongyang oil, cash and help with its satellite program": both
                    sub = "payment"
                    ts = m.end() + tech.start()
                    t_s = max(lo, text.rfind(" and ", m.end(), ts) + 5, m.end())
                    t_s, t_e = clause_span(text, t_s, m.end() + tech.end(), lo, hi)
                    out.append(
                        Assertion(
                            max(t_s, text.rfind(" and ", m.end(), ts) + 5),
                            t_e,
                            "other",
                            "technology_transfer",
                            "",
                            "",
                            "assert:russia-gives",
                            (ts, m.end() + tech.end()),
                        )
                    )
            elif pay:
                sub = "payment"
            else:
                continue
            s, e = clause_span(text, m.start(), m.end(), lo, hi)
            out.append(
                Assertion(
                    max(s, m.start()),
                    e,
                    "other",
                    sub,
                    "",
                    "",
                    "assert:russia-gives",
                    (m.start(), m.end()),
                )
            )
    return out
