"""Label catalogue: persuasion techniques (SemEval-2023 and PTC-2020 schemes), frames and genres.

Everything a writer shows about a label (human name, definition, category, colour) comes from here, so the
terminal report, the HTML report and the JSON records can never disagree. The definitions are our own
wording, kept to one sentence so they fit a tooltip.

Two technique schemes exist:

* ``semeval23``: the 23 techniques of SemEval-2023 Task 3 (the default; what our models predict).
* ``ptc14``: the 14 labels of the PTC corpus (SemEval-2020 Task 11), spelled exactly as in its label files,
  merged classes included (``Bandwagon,Reductio_ad_hitlerum`` is one label that contains a comma).

`to_ptc14` maps 23 -> 14 for output; `PTC14_TO_SEMEVAL23` maps 14 -> 23 for training on PTC labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CATEGORIES",
    "FRAMES",
    "GENRES",
    "PTC14",
    "PTC14_TO_SEMEVAL23",
    "SCHEMES",
    "SEMEVAL23_TO_PTC14",
    "TECHNIQUES",
    "LabelInfo",
    "category",
    "colour",
    "definition",
    "from_ptc14",
    "human_name",
    "info",
    "relabel",
    "tint",
    "to_ptc14",
]

SCHEMES = ("semeval23", "ptc14")

CATEGORIES = (
    "Attack on reputation",
    "Justification",
    "Simplification",
    "Distraction",
    "Call",
    "Manipulative wording",
)

# Used for labels we do not know (a plugin's own technique, a typo in a gold file): 7:1 on white.
UNKNOWN_COLOUR = "#595959"
# A highlight background is this share of the label colour over white: black text on it keeps >= 12:1.
TINT_SHARE = 0.36


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """What the reports show about one label."""

    name: str
    human: str
    definition: str
    category: str = ""
    colour: str = UNKNOWN_COLOUR


def _technique(name: str, human: str, category: str, colour: str, text: str) -> LabelInfo:
    return LabelInfo(name, human, text, category, colour)


# The colours are OKLCH hues spread round the circle (neighbours in this list sit ~157 degrees apart), each
# darkened until it reaches >= 4.6:1 contrast on white, so it is readable as text; `tint()` gives the light
# background used for highlighted spans. tests/test_labels.py checks both contrasts and that all differ.
_TECHNIQUES = (
    _technique(
        "Appeal_to_Authority",
        "Appeal to Authority",
        "Justification",
        "#d93448",
        "Treats a claim as true mainly because a person or body presented as an authority says so, "
        "rather than because of evidence.",
    ),
    _technique(
        "Appeal_to_Popularity",
        "Appeal to Popularity",
        "Justification",
        "#0c8470",
        "Argues that something is right or should be done because many people, or supposedly everyone, "
        "already believe or do it.",
    ),
    _technique(
        "Appeal_to_Values",
        "Appeal to Values",
        "Justification",
        "#bd41ae",
        "Supports a position by tying it to values the audience holds dear, such as freedom, tradition, "
        "faith or fairness, instead of arguing for it.",
    ),
    _technique(
        "Appeal_to_Fear-Prejudice",
        "Appeal to Fear or Prejudice",
        "Justification",
        "#578113",
        "Builds support for an idea by stirring up anxiety or panic about the alternative, or by playing on "
        "existing prejudice against a group.",
    ),
    _technique(
        "Flag_Waving",
        "Flag Waving",
        "Justification",
        "#765ee8",
        "Justifies a position by appealing to pride in, or the supposed interests of, a nation or other "
        "group the audience identifies with.",
    ),
    _technique(
        "Causal_Oversimplification",
        "Causal Oversimplification",
        "Simplification",
        "#926f25",
        "Pins a complex outcome on a single cause while ignoring the other factors that contributed to it.",
    ),
    _technique(
        "False_Dilemma-No_Choice",
        "False Dilemma / No Choice",
        "Simplification",
        "#157cb2",
        "Presents two options, or only one, as if no other possibilities existed.",
    ),
    _technique(
        "Consequential_Oversimplification",
        "Consequential Oversimplification",
        "Simplification",
        "#d83b04",
        "Claims that a first step will inevitably set off a chain of events ending in some extreme outcome "
        "(a slippery slope).",
    ),
    _technique(
        "Straw_Man",
        "Straw Man",
        "Distraction",
        "#168280",
        "Swaps an opponent's actual position for a distorted, weaker version that is easier to knock down.",
    ),
    _technique(
        "Red_Herring",
        "Red Herring",
        "Distraction",
        "#cc3990",
        "Draws attention away from the issue under discussion by bringing in an unrelated topic.",
    ),
    _technique(
        "Whataboutism",
        "Whataboutism",
        "Distraction",
        "#19872c",
        "Deflects criticism by pointing at a supposedly similar wrong done by the critic or someone else, "
        "without answering it.",
    ),
    _technique(
        "Slogans",
        "Slogan",
        "Call",
        "#9354dc",
        "Uses a short, catchy and often emotional phrase in place of a reasoned argument.",
    ),
    _technique(
        "Appeal_to_Time",
        "Appeal to Time",
        "Call",
        "#847525",
        "Pushes for action by insisting that the moment is now and that any delay would be fatal.",
    ),
    _technique(
        "Conversation_Killer",
        "Conversation Killer",
        "Call",
        "#0c74dc",
        "Uses a phrase meant to end the discussion and discourage further questions or critical thought.",
    ),
    _technique(
        "Loaded_Language",
        "Loaded Language",
        "Manipulative wording",
        "#b75c16",
        "Picks words or phrases with strong emotional overtones to sway the reader rather than inform.",
    ),
    _technique(
        "Repetition",
        "Repetition",
        "Manipulative wording",
        "#16818e",
        "Repeats the same word, phrase or idea over and over so that it sticks and starts to feel true.",
    ),
    _technique(
        "Exaggeration-Minimisation",
        "Exaggeration / Minimisation",
        "Manipulative wording",
        "#d5346e",
        "Makes something out to be much bigger, better or worse than it is, or plays it down as trivial.",
    ),
    _technique(
        "Obfuscation-Vagueness-Confusion",
        "Obfuscation / Vagueness",
        "Manipulative wording",
        "#088559",
        "Uses deliberately unclear wording, so that readers cannot pin the claim down or can read into it "
        "whatever they like.",
    ),
    _technique(
        "Name_Calling-Labeling",
        "Name Calling / Labelling",
        "Attack on reputation",
        "#aa4ac8",
        "Sticks an insulting or flattering label on a person or group instead of discussing what they "
        "actually say or do.",
    ),
    _technique(
        "Doubt",
        "Casting Doubt",
        "Attack on reputation",
        "#737a0f",
        "Undermines the credibility of a person, group or claim by raising questions about it without real support.",
    ),
    _technique(
        "Guilt_by_Association",
        "Guilt by Association",
        "Attack on reputation",
        "#4f68ec",
        "Discredits a person or idea by linking it to a group, person or thing the audience already despises.",
    ),
    _technique(
        "Appeal_to_Hypocrisy",
        "Appeal to Hypocrisy",
        "Attack on reputation",
        "#a56712",
        "Attacks a target by accusing them of hypocrisy or inconsistency instead of answering their argument.",
    ),
    _technique(
        "Questioning_the_Reputation",
        "Questioning the Reputation",
        "Attack on reputation",
        "#127f9e",
        "Attacks the character or moral standing of a target with negative claims, to undermine them "
        "rather than their arguments.",
    ),
)

TECHNIQUES: tuple[str, ...] = tuple(t.name for t in _TECHNIQUES)

# 23 -> 14. None means "no PTC counterpart": such spans are dropped from ptc14 output. Choices beyond the
# obvious renames: Guilt_by_Association joins Appeal_to_Popularity in the merged PTC class because
# Reductio ad Hitlerum *is* guilt by association; the 2023 additions (values, slippery slope, time,
# vagueness, hypocrisy, reputation) are dropped rather than forced into a near neighbour, because the PTC
# annotators were not asked to mark them and a forced mapping would count as false positives against PTC gold.
SEMEVAL23_TO_PTC14: dict[str, str | None] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Values": None,
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Flag_Waving": "Flag-Waving",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Consequential_Oversimplification": None,
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
    "Slogans": "Slogans",
    "Appeal_to_Time": None,
    "Conversation_Killer": "Thought-terminating_Cliches",
    "Loaded_Language": "Loaded_Language",
    "Repetition": "Repetition",
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "Obfuscation-Vagueness-Confusion": None,
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Doubt": "Doubt",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Hypocrisy": None,
    "Questioning_the_Reputation": None,
}

# 14 -> 23 for training on PTC gold: every 2023 technique the PTC label covers, the one to train on first.
# A merged PTC class cannot be split without re-annotation, so training takes the first entry: the
# sub-class that is far more frequent in the PTC data (Reductio ad Hitlerum outnumbers Bandwagon, and
# Whataboutism outnumbers Straw Men and Red Herring), which keeps the label noise smallest.
PTC14_TO_SEMEVAL23: dict[str, tuple[str, ...]] = {
    "Appeal_to_Authority": ("Appeal_to_Authority",),
    "Appeal_to_fear-prejudice": ("Appeal_to_Fear-Prejudice",),
    "Bandwagon,Reductio_ad_hitlerum": ("Guilt_by_Association", "Appeal_to_Popularity"),
    "Black-and-White_Fallacy": ("False_Dilemma-No_Choice",),
    "Causal_Oversimplification": ("Causal_Oversimplification",),
    "Doubt": ("Doubt",),
    "Exaggeration,Minimisation": ("Exaggeration-Minimisation",),
    "Flag-Waving": ("Flag_Waving",),
    "Loaded_Language": ("Loaded_Language",),
    "Name_Calling,Labeling": ("Name_Calling-Labeling",),
    "Repetition": ("Repetition",),
    "Slogans": ("Slogans",),
    "Thought-terminating_Cliches": ("Conversation_Killer",),
    "Whataboutism,Straw_Men,Red_Herring": ("Whataboutism", "Straw_Man", "Red_Herring"),
}

PTC14: tuple[str, ...] = tuple(PTC14_TO_SEMEVAL23)

# Definitions of the PTC labels that are not spelled like a 2023 technique (the others share its entry).
_PTC_OWN = {
    "Bandwagon,Reductio_ad_hitlerum": (
        "Bandwagon / Reductio ad Hitlerum",
        "Urges acceptance because everyone supposedly agrees, or rejects an idea because a despised group "
        "is said to support it.",
    ),
    "Black-and-White_Fallacy": (
        "Black-and-White Fallacy",
        "Presents two alternatives as the only possibilities when more exist.",
    ),
    "Thought-terminating_Cliches": (
        "Thought-terminating Cliché",
        "Uses a brief, commonplace phrase that discourages critical thought and closes the discussion.",
    ),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Whataboutism / Straw Man / Red Herring",
        "Turns attention away from the argument at hand: by pointing at the opponent's alleged wrongs, by "
        "misrepresenting their position, or by raising an irrelevant topic.",
    ),
}

_FRAMES = {
    "Economic": "Costs, benefits, money and other financial consequences of an issue.",
    "Capacity_and_resources": "Whether there are enough physical, human or financial resources to act.",
    "Morality": "Religious or ethical duties and questions of right and wrong.",
    "Fairness_and_equality": "Whether rights, benefits or burdens are shared fairly among people and groups.",
    "Legality_Constitutionality_and_jurisprudence": (
        "Laws, court rulings, constitutional rights and the limits of legal authority."
    ),
    "Policy_prescription_and_evaluation": ("Policies proposed to fix a problem, and whether existing ones work."),
    "Crime_and_punishment": "Breaking the law, enforcement, sentencing and the consequences of crime.",
    "Security_and_defense": ("Threats to a nation, community or person, and the means of defending against them."),
    "Health_and_safety": "Health care, disease, injury, sanitation and public safety.",
    "Quality_of_life": "Effects on people's wellbeing, comfort and everyday life.",
    "Cultural_identity": "Traditions, customs, values and identity of a social or national group.",
    "Public_opinion": "What the public thinks: polls, protests, popular attitudes and reactions.",
    "Political": "Political actors and processes: parties, elections, lobbying and partisan fights.",
    "External_regulation_and_reputation": (
        "How a country or group is seen by, or dealt with by, other nations and international bodies."
    ),
}

FRAMES: tuple[str, ...] = tuple(_FRAMES)

_GENRES = {
    "opinion": "Expresses the author's own views and tries to win the reader over to them.",
    "reporting": "Tells the reader about events and aims to present the facts objectively.",
    "satire": "Mocks or criticises through humour, irony or exaggeration, often imitating real news.",
}

GENRES: tuple[str, ...] = tuple(_GENRES)

OTHER = "Other"  # the narrative (and sub-narrative) of an article that carries none of the taxonomy

# SemEval-2025 Task 10 subtask 1 (entity framing): each main role and the fine roles (archetypes) it holds.
ROLES: dict[str, tuple[str, ...]] = {
    "Protagonist": ("Guardian", "Martyr", "Peacemaker", "Rebel", "Underdog", "Virtuous"),
    "Antagonist": ("Instigator", "Conspirator", "Tyrant", "Foreign Adversary", "Traitor", "Spy", "Saboteur",
                   "Corrupt", "Incompetent", "Terrorist", "Deceiver", "Bigot"),
    "Innocent": ("Forgotten", "Exploited", "Victim", "Scapegoat"),
}  # fmt: skip


def _build_catalogue() -> dict[str, LabelInfo]:
    catalogue = {t.name: t for t in _TECHNIQUES}
    for name, targets in PTC14_TO_SEMEVAL23.items():
        if name in catalogue:  # spelled like a 2023 technique: same meaning, same entry
            continue
        primary = catalogue[targets[0]]
        human, text = _PTC_OWN.get(name, (primary.human, primary.definition))
        catalogue[name] = LabelInfo(name, human, text, primary.category, primary.colour)
    for name, text in _FRAMES.items():
        catalogue[name] = LabelInfo(name, name.replace("_", " "), text)
    for name, text in _GENRES.items():
        catalogue[name] = LabelInfo(name, name.capitalize(), text)
    return catalogue


_CATALOGUE = _build_catalogue()


def info(label: str) -> LabelInfo:
    """Everything known about a label; an unknown label gets its own name, no definition and grey."""
    found = _CATALOGUE.get(label)
    if found is not None:
        return found
    return LabelInfo(label, label.replace("_", " "), "")


def definition(label: str) -> str:
    """One-sentence definition of a technique (either scheme), frame or genre; "" when unknown."""
    return info(label).definition


def human_name(label: str) -> str:
    """Short reader-facing name ("Loaded Language"); an unknown label has its underscores turned to spaces."""
    return info(label).human


def category(label: str) -> str:
    """The SemEval-2023 group of a technique (PTC labels take their main 2023 counterpart's); "" otherwise."""
    return info(label).category


def colour(label: str) -> str:
    """`#rrggbb`, readable as text on white (>= 4.5:1). A PTC label shares its main 2023 counterpart's."""
    return info(label).colour


def tint(label: str) -> str:
    """Light background for a highlighted span of this label; black text on it keeps >= 12:1 contrast."""
    base = colour(label)
    channels = (int(base[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 + (c - 255) * TINT_SHARE):02x}" for c in channels)


def to_ptc14(label: str) -> str | None:
    """Map a technique to the PTC-2020 scheme. PTC labels map to themselves, so mapping twice is harmless;
    2023-only techniques and unknown labels give None (the caller drops the span)."""
    if label in PTC14_TO_SEMEVAL23:
        return label
    return SEMEVAL23_TO_PTC14.get(label)


def from_ptc14(label: str) -> str | None:
    """The 2023 technique to train on for a PTC label (first of its candidates); None when unknown."""
    if label in SEMEVAL23_TO_PTC14:
        return label
    targets = PTC14_TO_SEMEVAL23.get(label)
    return targets[0] if targets else None


def _map_label(label: str, scheme: str) -> str | None:
    return to_ptc14(label) if scheme == "ptc14" else label


def relabel(record: Mapping[str, Any], scheme: str) -> dict[str, Any]:
    """Return a copy of a `to_record` record with its technique labels in `scheme` (the input is untouched).

    The one place every writer goes through, so all formats agree. For "ptc14": spans whose technique has no
    PTC counterpart are dropped; two spans that become identical (Straw_Man and Red_Herring on the same
    stretch) are merged, keeping the higher score; paragraph label lists are mapped and de-duplicated.
    """
    from .config import check_choice

    check_choice("labels", scheme, SCHEMES)
    out = dict(record)
    if scheme == "semeval23":
        return out
    merged: dict[tuple[int, int, str], dict[str, Any]] = {}
    for item in record.get("techniques", []):
        label = _map_label(item["technique"], scheme)
        if label is None:
            continue
        key = (item["start"], item["end"], label)
        previous = merged.get(key)
        if previous is None or item["score"] > previous["score"]:
            merged[key] = {**item, "technique": label, "definition": definition(label)}
    out["techniques"] = sorted(merged.values(), key=lambda t: (t["start"], t["end"], t["technique"]))
    paragraphs = []
    for para in record.get("paragraphs", []):
        mapped = (_map_label(label, scheme) for label in para["techniques"])
        paragraphs.append({**para, "techniques": list(dict.fromkeys(m for m in mapped if m is not None))})
    out["paragraphs"] = paragraphs
    if "entities" in record:  # the technique spans aimed at each actor, in the same scheme
        out["entities"] = [
            {**actor, "targeted_by": _relabelled_targets(actor["targeted_by"], scheme)} for actor in record["entities"]
        ]
    return out


def _relabelled_targets(targets: list[dict[str, Any]], scheme: str) -> list[dict[str, Any]]:
    mapped = ({**t, "technique": _map_label(t["technique"], scheme)} for t in targets)
    unique = {(t["start"], t["end"], t["technique"]): t for t in mapped if t["technique"] is not None}
    return list(unique.values())
