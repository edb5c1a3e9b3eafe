"""Words the rules recognise: cues of speech and writing, sources, outlets.

The cue lists were drawn from the cues annotated in the PolNeAR train split and kept
where a verb with a complement was annotated as a cue at least about half the time
(`said` 0.93, `argued` 0.90, `think` only 0.08: beliefs in the first person are not
attributions worth proposing, so `think` and `want` are not here).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LEARNED_CUES_FILE = Path(__file__).with_name("learned_cues.tsv")
# A learned cue is used when at least this share of its uses in the train split were
# annotated attributions: proposing a cue helps F1 only above about half the F1 reached
# (about 0.37). A form's share here runs below its candidates' share matched by the scorer
# (forms at 0.40-0.45 had 0.47 of their candidates matched on train), and learned cues
# inside reported speech are dropped (attribution.drop_nested_beliefs), so 0.3 still helps:
# all@0.3 F1 on dev .748 at 0.4, .752 at 0.35, .754 at 0.3, .753 at 0.25 (with the file as
# 1.2 learned it); rebuilt with the 1.3 rules: .762 at 0.35, .764 at 0.3.
LEARNED_MIN_PRECISION = 0.3
LEARNED_MIN_COUNT = 3

# Verbs that report speech: "…, he said." / "She told reporters that …".
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "ask",
        "announce",
        "report",
        "suggest",
        "note",
        "argue",
        "declare",
        "explain",
        "acknowledge",
        "insist",
        "warn",
        "claim",
        "state",
        "recall",
        "conclude",
        "reply",
        "respond",
        "admit",
        "contend",
        "assert",
        "maintain",
        "predict",
        "promise",
        "vow",
        "pledge",
        "urge",
        "deny",
        "confirm",
        "describe",
        "accuse",
        "criticize",
        "criticise",
        "praise",
        "blast",
        "slam",
        "complain",
        "concede",
        "emphasize",
        "emphasise",
        "stress",
        "observe",
        "remark",
        "quip",
        "joke",
        "muse",
        "recount",
        "testify",
        "speculate",
        "caution",
        "allege",
        "charge",
        "counter",
        "retort",
        "interject",
        "exclaim",
        "shout",
        "yell",
        "chant",
        "proclaim",
        "boast",
        "brag",
        "lament",
        "scoff",
        "tout",
        "propose",
        "estimate",
        "indicate",
        "reveal",
        "signal",
        "hint",
        "mention",
        "cite",
        "continue",
        "threaten",
        "demand",
        "question",
        "dismiss",
        "defend",
        "reject",
        "mock",
        "decry",
        "condemn",
        "applaud",
        "thank",
        "ridicule",
        "lambast",
        "blame",
        "credit",
        "insinuate",
        "agree",
        "disagree",
        "recommend",
        "advise",
        "caution",
        "forecast",
        "surmise",
        "reiterate",
        "repeat",
        "clarify",
        "whisper",
        "murmur",
        "scream",
        "cry",
        "sigh",
        "laugh",
        "smile",
        "grumble",
        "protest",
        "object",
        "assure",
        "reassure",
        "inform",
        "notify",
        "remind",
        "brief",
        "announce",
        "declare",
        "pronounce",
        "concur",
        "bark",
        "snap",
        "echo",
        "quote",
        "interrupt",
        "chide",
        "scold",
        "rebuke",
        "berate",
        "taunt",
        "tease",
        "needle",
        "plead",
        "beg",
        "implore",
        "insinuate",
        "acknowledge",
        "summarize",
        "summarise",
        "characterize",
        "characterise",
        "label",
        "dub",
        "brand",
        "call",
        "refer",
        "term",
        "nickname",
        "reason",
        "herald",
        "hail",
    ]
)
# Verbs that cue speech only with their particle: "Trump shot back", "she pointed out".
PHRASAL_VERBS = {
    "shoot": "back",
    "fire": "back",
    "hit": "back",
    "push": "back",
    "point": "out",
    "lash": "out",
    "speak": "out",
    "weigh": "in",
    "chime": "in",
    "sound": "off",
}
# Verbs of writing: "…, she wrote." / "he tweeted". Their candidates are written statements.
WRITTEN_VERBS = frozenset(
    ["write", "tweet", "post", "email", "e-mail", "text", "blog", "publish", "read"]
)
# Findings of polls and studies, annotated as attributions in the corpus: "A poll shows …".
FINDING_VERBS = frozenset(["show", "find", "suggest", "indicate", "reveal", "conclude", "estimate"])
# Belief and intention cues, proposed only for a third-person source with a clause:
# "Republicans believe that …" yes, "I think …" no.
BELIEF_VERBS = frozenset(
    ["believe", "think", "feel", "fear", "hope", "expect", "worry", "doubt", "know"]
)

# Nouns of speech whose 'that' clause is what was said: "his claim that …".
SPEECH_NOUNS = frozenset(
    [
        "claim",
        "claims",
        "accusation",
        "accusations",
        "allegation",
        "allegations",
        "assertion",
        "assertions",
        "argument",
        "suggestion",
        "insistence",
        "contention",
        "warning",
        "warnings",
        "promise",
        "promises",
        "pledge",
        "vow",
        "threat",
        "threats",
        "denial",
        "admission",
        "complaint",
        "complaints",
        "charge",
        "charges",
        "comment",
        "comments",
        "remark",
        "remarks",
        "prediction",
        "declaration",
        "announcement",
        "boast",
        "insinuation",
        "statement",
        "statements",
        # Beliefs and findings are attributions in the corpus too: 'his belief that …'.
        "belief",
        "beliefs",
        "view",
        "hope",
        "fear",
        "fears",
        "concern",
        "concerns",
        "worry",
        "assessment",
        "conclusion",
        "finding",
        "findings",
        "explanation",
        "response",
        "assurance",
        "assurances",
        "proposal",
        "demand",
        "demands",
        "suggestions",
        "arguments",
        "testimony",
        "acknowledgment",
    ]
)
# Verbs that make a claim their object: "Trump made the claim that …".
CLAIM_MAKING_VERBS = frozenset(
    [
        "make",
        "repeat",
        "issue",
        "level",
        "reiterate",
        "renew",
        "double",
        "offer",
        "voice",
        "express",
        "share",
        "give",
    ]
)

# Nouns naming a written text that can speak: "an alert issued by the State Department
# reads …", "the statement said", "a letter from the American Legion warns".
DOCUMENT_NOUNS = frozenset(
    [
        "statement",
        "alert",
        "letter",
        "memo",
        "memorandum",
        "release",
        "email",
        "e-mail",
        "tweet",
        "post",
        "message",
        "note",
        "filing",
        "complaint",
        "lawsuit",
        "report",
        "advisory",
        "notice",
        "transcript",
        "op-ed",
        "editorial",
        "column",
        "essay",
        "blog",
    ]
)
# Nouns naming a finding that can speak: "a poll released Thursday shows …".
FINDING_NOUNS = frozenset(
    ["poll", "survey", "study", "analysis", "report", "data", "research", "review"]
)
# Settings that make a remark written: "said in a statement", "in an emailed statement".
WRITTEN_SETTINGS = frozenset(
    ["statement", "letter", "email", "e-mail", "tweet", "post", "memo", "release"]
)

# Heads of unnamed sources: "a U.S. official", "one of the officials", "sources said".
ANONYMOUS_NOUNS = frozenset(
    [
        "official",
        "officials",
        "source",
        "sources",
        "aide",
        "aides",
        "spokesperson",
        "spokespeople",
        "spokesman",
        "spokesmen",
        "spokeswoman",
        "spokeswomen",
        "adviser",
        "advisers",
        "advisor",
        "advisors",
        "person",
        "people",
        "official",
        "diplomat",
        "diplomats",
        "officer",
        "officers",
        "staffer",
        "staffers",
        "strategist",
        "strategists",
        "insider",
        "insiders",
        "operative",
        "operatives",
        "analyst",
        "analysts",
        "expert",
        "experts",
        "observer",
        "observers",
        "critic",
        "critics",
        "supporter",
        "supporters",
        "advocate",
        "advocates",
        "campaigner",
        "campaigners",
        "activist",
        "activists",
        "lawmaker",
        "lawmakers",
        "member",
        "members",
        "representative",
        "representatives",
        "employee",
        "employees",
        "worker",
        "workers",
        "lawyer",
        "lawyers",
        "attorney",
        "attorneys",
        "friend",
        "friends",
        "ally",
        "allies",
        "associate",
        "associates",
        "confidant",
        "confidants",
        "donor",
        "donors",
        "voter",
        "voters",
        "resident",
        "residents",
        "economist",
        "economists",
        "researcher",
        "researchers",
        "investigator",
        "investigators",
        "prosecutor",
        "prosecutors",
        "agent",
        "agents",
        "negotiator",
        "negotiators",
        "leader",
        "leaders",
        "witness",
        "witnesses",
        "participant",
        "participants",
        "executive",
        "executives",
        "organizer",
        "organizers",
        "colleague",
        "colleagues",
    ]
)
# Pronouns that refer back to the last speaker: "he said", "she added".
PERSON_PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "they": "p",
    "them": "p",
    "their": "p",
}
FIRST_PERSON = frozenset(["i", "we", "me", "us", "my", "our"])

# Outlets a remark can be relayed through, by how they are printed ("told the Post",
# "according to the BBC"), beyond those the gazetteer knows. Lower case.
OUTLETS = {
    "the post": "The Washington Post",
    "the washington post": "The Washington Post",
    "washington post": "The Washington Post",
    "the wp": "The Washington Post",
    "wp": "The Washington Post",
    "the bbc": "BBC",
    "bbc": "BBC",
    "bbc news": "BBC",
    "the new york times": "The New York Times",
    "new york times": "The New York Times",
    "the times": "The New York Times",
    "cnn": "CNN",
    "nbc news": "NBC News",
    "nbc": "NBC News",
    "abc news": "ABC News",
    "abc": "ABC News",
    "cbs news": "CBS News",
    "cbs": "CBS News",
    "fox news": "Fox News",
    "msnbc": "MSNBC",
    "npr": "NPR",
    "reuters": "Reuters",
    "the associated press": "The Associated Press",
    "associated press": "The Associated Press",
    "the ap": "The Associated Press",
    "ap": "The Associated Press",
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "politico": "Politico",
    "axios": "Axios",
    "bloomberg": "Bloomberg",
    "bloomberg news": "Bloomberg",
    "the wall street journal": "The Wall Street Journal",
    "wall street journal": "The Wall Street Journal",
    "the journal": "The Wall Street Journal",
    "the guardian": "The Guardian",
    "the hill": "The Hill",
    "breitbart news": "Breitbart News",
    "breitbart": "Breitbart News",
    "the new york sun": "The New York Sun",
    "the sun": "The New York Sun",
    "the epoch times": "The Epoch Times",
    "epoch times": "The Epoch Times",
    "usa today": "USA Today",
    "the los angeles times": "Los Angeles Times",
    "los angeles times": "Los Angeles Times",
    "the financial times": "Financial Times",
    "financial times": "Financial Times",
    "the economist": "The Economist",
    "the atlantic": "The Atlantic",
    "the new yorker": "The New Yorker",
    "time": "Time",
    "newsweek": "Newsweek",
    "al jazeera": "Al Jazeera",
    "tass": "TASS",
    "ria novosti": "RIA Novosti",
    "interfax": "Interfax",
}


def inflections(verb: str) -> set[str]:
    """The forms of a regular English verb: "say" → says, sayed, saying (irregular
    past forms come from IRREGULAR)."""
    forms = {verb}
    if verb.endswith("e"):
        forms |= {verb + "s", verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2:-1] not in "aeiou":
        forms |= {verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"}
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {verb + "es", verb + "ed", verb + "ing"}
    else:
        forms |= {verb + "s", verb + "ed", verb + "ing"}
    forms |= IRREGULAR.get(verb, set())
    if verb in DOUBLED:
        forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


IRREGULAR = {
    "say": {"said"},
    "tell": {"told"},
    "write": {"wrote", "written", "writing"},
    "think": {"thought"},
    "feel": {"felt"},
    "know": {"knew", "known"},
    "find": {"found"},
    "show": {"shown"},
    "read": {"read"},
    "speak": {"spoke", "spoken"},
    "hear": {"heard"},
    "swear": {"swore", "sworn"},
    "foresee": {"foresaw", "foreseen"},
    "forecast": {"forecast"},
    "cry": {"cried"},
    "shoot": {"shot"},
    "hit": {"hit"},
    "lay": {"laid"},
}
DOUBLED = frozenset(["admit", "quip", "regret"])


def _forms(verbs: frozenset[str]) -> dict[str, str]:
    return {form: verb for verb in verbs for form in inflections(verb)}


# Printed form → lemma, so the pipeline needs no lemmatizer: "told" → "tell".
SPEECH_FORMS = _forms(SPEECH_VERBS)
WRITTEN_FORMS = _forms(WRITTEN_VERBS)
FINDING_FORMS = _forms(FINDING_VERBS)
BELIEF_FORMS = _forms(BELIEF_VERBS)
PHRASAL_FORMS = {form: verb for verb in PHRASAL_VERBS for form in inflections(verb)}


@lru_cache(maxsize=1)
def learned_cues() -> frozenset[str]:
    """Verb forms learned from the PolNeAR train split (bench/extraction_cues.py writes the
    file): 'endorsed' is an attribution in 75 % of its uses there, 'support' in 15 %."""
    if not LEARNED_CUES_FILE.exists():
        return frozenset()
    forms = set()
    for line in LEARNED_CUES_FILE.read_text(encoding="utf-8").splitlines()[1:]:
        form, uses, hits = line.split("\t")[:3]
        if int(uses) >= LEARNED_MIN_COUNT and int(hits) >= LEARNED_MIN_PRECISION * int(uses):
            forms.add(form)
    return frozenset(forms - set(SPEECH_FORMS) - set(WRITTEN_FORMS))
