"""The documented vocabularies: event types and norm kinds.

The tables are regular data, one entry a line; docs/corpus-format.md lists them and a test keeps
the docs in step with this file.
"""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "declaration_of_war": "a state declares war on another",
    "invasion": "armed forces enter the territory of another state",
    "attack": (
        "an attack by land, sea or air forces on another state's territory, vessels or aircraft"
    ),
    "naval_blockade": "a naval blockade of another state's coasts or ports",
    "blockade": (
        "a blockade not known to be naval: a use of force, not Article II's naval blockade "
        "(MID action 13)"
    ),
    "support_for_armed_bands": "support for armed bands that invade another state",
    "occupation": "armed forces take or keep control of another state's territory",
    "reoccupation": "a state occupies again a territory it had occupied before",
    "annexation": "a state declares another's territory its own",
    "incorporation": "a territory is made a constituent part of another state",
    "admission_request": "a body asks that its territory be admitted into another state",
    "liquidation_of_administration": "a state's administration is removed and replaced",
    "withdrawal": "armed forces leave another state's territory",
    "declaration_of_independence": "a people or body proclaims a state's independence",
    "declaration_of_sovereignty": "a body asserts the supremacy of its own laws",
    "restoration_of_independence": "a state restores or reclaims its independence",
    "recognition": "a state recognises another's status (de jure or de facto: see mode)",
    "non_recognition": "a state refuses to recognise a status or a change of it",
    "recognition_withdrawn": "a state withdraws a recognition it had given",
    "resumption_of_relations": "full diplomatic relations are resumed",
    "denunciation": (
        "a party denounces an instrument (named by the event's `instrument`): a bilateral one "
        "ends, a multilateral one binds it no more"
    ),
    "withdrawal_from_treaty": (
        "a party withdraws from an instrument (named by the event's `instrument`)"
    ),
    "expulsion": "an organisation expels a member (the member is the target)",
    "withdrawal_from_organisation": "a member leaves an organisation (the organisation the target)",
    "armistice": "belligerents agree to suspend fighting (an armistice)",
    "ceasefire": "fighting stops under a ceasefire",
    "election": "an election is held",
    "deportation": "people are expelled or deported",
    "decree": "an official decree is issued",
    "condemnation": "a state condemns an act or instrument",
    "statement": "a public statement of policy or intent",
    "formation": "a new state or union is formed",
    "dissolution": "a state or union is dissolved",
    "coup_attempt": "an attempt to overthrow a government",
    "seizure_of_power": "a group takes power in a state",
    "administration": "a territory is put under an administration",
    "reaffirmation": "a state reaffirms principles or an instrument",
    "sphere_assignment": "an instrument assigns a territory to a power's sphere of influence",
    "state_entry": "a state enters the state system (imported datasets)",
    "state_exit": "a state leaves the state system (imported datasets)",
    "cession": "territory is ceded by one state to another",
    "secession": "a territory secedes from a state",
    "unification": "states unify",
    "threat_of_force": "a threat to use force",
    "show_of_force": "a display of force",
    "clash": "an armed clash",
    "alert": "armed forces are put on alert (MID action 8; a nuclear alert is 9)",
    "mobilization": "armed forces are mobilized (MID action 10)",
    "border_fortification": "a border is fortified (MID action 11)",
    "border_violation": "armed forces cross a border without taking territory (MID action 12)",
    "seizure": "armed forces seize material or personnel of another state (MID action 15)",
    "interstate_war": "a state begins or joins an interstate war (MID actions 20, 21)",
    "occupation_of_territory": (
        "armed forces occupy territory of another state, not the state as a whole: no control "
        "of the state follows (MID action 14, CAMEO 192)"
    ),
    "annexation_of_territory": (
        "a state takes by conquest or annexation a part of another's territory, or a territory "
        "that is not the losing state itself (COW territorial change, not a whole unit)"
    ),
    "other": "any other event",
}

NORM_KINDS: dict[str, str] = {
    "prohibition": "forbids its bearers acts of the named categories towards the beneficiaries",
    "obligation": (
        "obliges its bearers to a procedure; an act of the named categories without it breaches it"
    ),
    "renunciation": (
        "its bearers renounce rights; asserting them again (acts of the named "
        "categories) breaches it"
    ),
    "guarantee": "guarantees the beneficiaries' rights; acts of the named categories impair them",
    "definition": "defines acts (the five acts of aggression) and the first-to-commit rule",
    "no_justification": (
        "no consideration excuses the defined acts; claimed justifications are rejected"
    ),
}

#: What else the corpus gives the rules as happenings, with their arguments
#: (engine/from_corpus.py makes them; docs/rule-language.md, "What the corpus gives the
#: rules"). Every event of type ``E`` gives ``E(Actor)`` and ``E(Actor, Target)``.
HAPPENINGS: dict[str, tuple[str, ...]] = {
    "comes_into_existence": ("Actor",),
    "ceases_to_exist": ("Actor",),
    "succession": ("Predecessor", "Actor"),
    "signed": ("Instrument",),
    "enter_into_force": ("Instrument",),
    "end": ("Instrument",),
    "join": ("Actor", "Instrument"),
    "leave": ("Actor", "Instrument"),
    "denounce": ("Actor", "Instrument"),
    "withdraw": ("Actor", "Instrument"),
}

#: Event types that act on an instrument, and the happening each gives the rules: an event of
#: such a type that names an ``instrument`` ``T`` gives ``happening(Actor, T)`` for each actor.
INSTRUMENT_ACTS: dict[str, str] = {
    "denunciation": "denounce",
    "withdrawal_from_treaty": "withdraw",
}

#: The fact relations the corpus gives the rules, with their arguments (engine/from_corpus.py,
#: engine/from_tables.py).
CORPUS_FACTS: dict[str, tuple[str, ...]] = {
    "state": ("Actor",),
    "forbids": ("Instrument", "Clause", "Actor", "Actor", "EventType"),
    "political": ("Instrument",),
    "bilateral": ("Instrument",),
    "supersedes": ("Instrument", "Instrument"),
    "body_of": ("Actor", "Actor"),
}


def happening_arities(name: str) -> tuple[int, ...]:
    """The numbers of arguments a rule may give happening ``name``; () when there is none."""
    if name in HAPPENINGS:
        return (len(HAPPENINGS[name]),)
    if name in EVENT_TYPES:
        return (1, 2)
    return ()


ALL_PERSPECTIVES = "all"
"""The perspective name that asks for every perspective at once (``--perspective all``, the
HTTP API's ``perspective=all``): no perspective of a corpus may be called so."""
