"""The words of questions that are not names: the verbs and nouns of event types
(:data:`ACTS`: "invaded" is ``invasion``) and the other words the forms know
(:data:`VOCABULARY`). :mod:`foedus.ask.lexicon` puts them in its table beside the corpus's
names."""

from __future__ import annotations

#: Event types and the words that name them: verbs in every tense, and nouns.
ACTS: dict[str, list[str]] = {
    "invasion": ["invade", "invades", "invaded", "invading", "invasion", "invasions"]
    + [f"{re}{w}" for re in ("re", "re-") for w in ("invade", "invaded", "invasion")],
    "reoccupation": [
        "reoccupy",
        "reoccupies",
        "reoccupied",
        "reoccupation",
        "re-occupy",
        "re-occupied",
        "re-occupation",
    ],
    "occupation": ["occupy", "occupies", "occupied", "occupying", "occupation", "occupations"]
    + ["take over", "takes over", "took over", "taken over", "taking over", "takeover"],
    "annexation": ["annex", "annexes", "annexed", "annexing", "annexation", "annexations"],
    "incorporation": [
        "incorporate",
        "incorporates",
        "incorporated",
        "incorporating",
        "incorporation",
    ],
    "attack": ["attack", "attacks", "attacked", "attacking"],
    "declaration_of_war": [f"{verb} war" for verb in "declare declared declares declaring".split()]
    + ["declaration of war", "declarations of war"],
    # "blockade" alone: a blockade not known to be naval where the corpus records such
    # (an imported MID's action 13), else a naval one (Article II's): forms.Parsed.act
    "blockade": "blockade blockades blockaded blockading".split(),
    "naval_blockade": ["naval blockade", "naval blockades", "blockade by sea"],
    "withdrawal": [
        "withdraw",
        "withdraws",
        "withdrew",
        "withdrawn",
        "withdrawing",
        "withdrawal",
        "withdrawals",
        "pull out",
        "pulled out",
        "pull its troops out",
        "pulled its troops out",
        "pull their troops out",
        "leave",
        "leaves",
        "left",
    ],
    "declaration_of_independence": [
        f"{verb} {pron}independence"
        for verb in ("declare", "declares", "declared", "proclaim", "proclaims", "proclaimed")
        for pron in ("", "its ", "their ")
    ]
    + [
        "declaration of independence",
        "proclamation of independence",
        "become independent",
        "became independent",
        "becomes independent",
    ],
    "restoration_of_independence": [
        f"{verb} {pron}independence"
        for verb in (
            "restore",
            "restores",
            "restored",
            "regain",
            "regains",
            "regained",
            "reclaim",
            "reclaimed",
            "restoring",
            "regaining",
        )
        for pron in ("", "its ", "their ")
    ]
    + ["restoration of independence", "independence restored"]
    + [
        f"{verb} {pron}independence back"
        for verb in ("get", "gets", "got", "getting", "win", "won")
        for pron in ("its ", "their ")
    ],
    "declaration_of_sovereignty": [
        f"{verb} {pron}sovereignty"
        for verb in ("declare", "declares", "declared")
        for pron in ("", "its ", "their ")
    ]
    + ["declaration of sovereignty"],
    "statement": [
        f"{verb} {pron}intention"
        for verb in ("declare", "declares", "declared", "state", "states", "stated")
        for pron in ("its ", "their ", "the ")
    ]
    + ["statement", "statements"],
    "non_recognition": [
        "not recognise",
        "not recognize",
        "refuse to recognise",
        "refuse to recognize",
        "refused to recognise",
        "refused to recognize",
    ],
    "recognition": [
        "recognise",
        "recognize",
        "recognises",
        "recognizes",
        "recognised",
        "recognized",
        "recognition",
    ],
    "resumption_of_relations": [
        "resume relations",
        "resumed relations",
        "resumption of relations",
        "restore relations",
        "restored relations",
        *(
            f"{verb} {adj}relations"
            for verb in ("resume", "resumes", "resumed", "restore", "restores", "restored")
            for adj in ("diplomatic ", "full diplomatic ")
        ),
        "resumption of diplomatic relations",
    ],
    "election": ["elections", "election", "elect", "elected", "hold elections", "held elections"],
    "deportation": ["deport", "deports", "deported", "deporting", "deportation", "deportations"],
    "decree": ["decree", "decrees", "decreed"],
    "condemnation": ["condemn", "condemns", "condemned", "condemnation"],
    "denunciation": "denounce denounces denounced denouncing denunciation denunciations".split(),
    "formation": ["formed", "founded", "formation", "created", "creation"],
    "dissolution": [
        "dissolve",
        "dissolves",
        "dissolved",
        "dissolution",
        "break up",
        "broke up",
        "breakup",
        "collapse",
        "collapsed",
    ],
    "coup_attempt": ["coup", "coups", "coup attempt", "attempted coup", "coup attempts"]
    + ["overthrow", "overthrew", "overthrown", "overthrowing"],
    "seizure_of_power": [
        "seize power",
        "seized power",
        "take power",
        "took power",
        "seizure of power",
    ],
    "liquidation_of_administration": [
        "liquidate",
        "liquidated",
        "liquidation",
        "liquidation of administration",
    ],
    "administration": ["administer", "administers", "administered"],
    "admission_request": [
        "request admission",
        "requested admission",
        "admission request",
        "ask to join",
        "asked to join",
    ],
    "reaffirmation": ["reaffirm", "reaffirms", "reaffirmed", "reaffirmation"],
    "sphere_assignment": [
        "sphere of influence",
        "spheres of influence",
        "sphere of interest",
        "sphere",
        "spheres",
        "assign",
        "assigns",
        "assigned",
    ],
    "secession": ["secede", "seceded", "secession"],
    "cession": ["cede", "ceded", "cession"],
    "unification": ["unify", "unified", "unification"],
    "threat_of_force": ["threaten", "threatened", "threat of force"],
    "clash": ["clash", "clashes", "clashed"],
}

#: Acts whose object may be another act ("recognised the Soviet annexation"): with another
#: act named, the act asked about (:mod:`foedus.ask.objects`).
ON_ACTS = frozenset({"recognition", "non_recognition"})

#: Words the forms know besides names, dates, perspectives and acts: a word outside them (and
#: the concepts of :mod:`foedus.ask.intent`) may be a misspelling (:mod:`foedus.ask.entities`);
#: a one-word name that is one of them ("AND", the COW code of Andorra) names only as written.
VOCABULARY: frozenset[str] = frozenset(
    """
a an the of in on at to by for from with and or but nor as into onto towards toward within inside
between against during since before after until till through throughout under over about
according concerning regarding involving involved involve involves upon among amongst via
was were is are be been being did does do done has have had will would could can should may might
what which who whom whose when where how why whether if then than that this these those there
here it its they their them his her he she we us our you your i me my any all every each some
ever still also already yet just only even both either neither not no yes more most first last
please tell show list give find get see know want like let name names say says said explain
anything something everything nothing one ones other another same such much many
treaty treaties agreement agreements pact pacts instrument instruments convention conventions
protocol protocols accord accords charter charters declaration declarations
bound bind binds binding force forced effect shared share shares sharing party parties
signed sign signs signing signatory signatories member members joined join text clauses clause
obligations obligation norms norm terms say
status sovereign sovereignty independent state states country countries nation free legally
controlled control controls ruled rule rules governed govern held hold holds true fact facts
fluent fluents situation position standing legal under occupation part
aggressor aggressors aggression aggressive attacked struck started start starts war wars strike
breach breached breaches breaching violate violated violates violation violations violating
broke break breaks broken infringe infringed infringement contravene contravened
happened happen happens happening event events occurred occur occurs took take place
timeline history over time period periods change changed changes chronology
compare compared comparison differ differs differed difference differences disagree disagreed
disagreement disagreements view views perspective perspectives agree
year years date dates day days month months
acts act actions action troops forces army military carry carried out conduct committed commit
did its s de jure facto summary details detail information info non valid effective
allies ally alliance linked tied link tie concluded conclude come came into leave left last
sphere spheres influence assigned put placed moved eyes point
independence relationship relations relation doing legal illegal lawful unlawful whom peace
people government governments soldiers country end ended ending long
right shortly soon immediately straight directly three become became becomes times back eve
world cease ceased ceases lose loses lost losing stop stopped stops again second
""".split()
)
