"""What an attribution says around the remark: the outlet it was relayed through, the
setting and place, the date said (against the publication date), the anonymity reason.
"""

from __future__ import annotations

import calendar
import datetime
import re

from spacy.tokens import Span, Token

from quotes.extraction import lexicon
from quotes.extraction.attribution import Frame, doc_text
from quotes.extraction.gazetteer import Gazetteer
from quotes.extraction.types import Outlet, Precision, TextSpan

# Cues through which a remark reaches another outlet: 'told the Post', 'spoke with the WP',
# 'in an interview with the BBC'.
RELAY_CUES = frozenset(["tell", "speak", "talk", "say", "give"])
RELAY_FORMS = frozenset(
    form for verb in ("speak", "talk", "tell") for form in lexicon.inflections(verb)
)
# Audiences that make a setting: 'told reporters', 'said to a group of reporters'.
AUDIENCES = frozenset(
    [
        "reporters",
        "journalists",
        "supporters",
        "crowd",
        "audience",
        "lawmakers",
        "congress",
        "senators",
        "voters",
        "students",
        "donors",
        "group",
        "members",
        "press",
        "rally",
    ]
)
SETTING_PREPOSITIONS = frozenset(["during", "at", "while", "in", "on", "before", "after"])
SETTING_NOUNS = frozenset(
    [
        "visit",
        "trip",
        "interview",
        "statement",
        "briefing",
        "conference",
        "speech",
        "rally",
        "hearing",
        "meeting",
        "debate",
        "event",
        "appearance",
        "call",
        "letter",
        "email",
        "tweet",
        "post",
        "announcement",
        "alert",
        "broadcast",
        "address",
        "session",
        "summit",
        "show",
        "program",
        "programme",
        "town",
        "hall",
    ]
)
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY_MONTH = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?", re.I
)
_MONTH_DAY = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}}))?\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<year>(?:19|20)\d{{2}})\b", re.I)
_YEAR = re.compile(r"\b(?:in|since|of)\s+(?P<year>(?:19|20)\d{2})\b", re.I)
_WEEKDAY = re.compile(
    r"\b(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I
)
_RELATIVE = re.compile(
    r"\b(?P<rel>yesterday|today|tonight|this morning|last year|last month)\b", re.I
)
# 'spoke on the condition of anonymity to candidly discuss …', '… because of the subject’s
# sensitivity', 'who was not authorized to speak publicly'.
_ANONYMITY = re.compile(
    r"(?:condition(?:s)? of anonymity|anonymity|not be named|not be identified)"
    r"[,]?\s+(?P<reason>(?:to|because|since|as|in order to)\b[^.;:“”\"]*)",
    re.I,
)
_NOT_AUTHORIZED = re.compile(
    r"\b(?P<reason>(?:was|were|is|are)?\s*not (?:authorized|permitted|allowed) to "
    r"(?:speak|discuss|comment)[^.;,:“”\"]*)",
    re.I,
)


def attribution_text(frame: Frame, sent: Span) -> tuple[int, str]:
    """The sentence around the content (the attribution as printed), content blanked."""
    text = doc_text(sent.doc)
    start, end = sent.start_char, sent.end_char
    chunk = text[start:end]
    lo, hi = max(frame.start, start) - start, min(frame.end, end) - start
    if lo < hi:
        chunk = chunk[:lo] + " " * (hi - lo) + chunk[hi:]
    return start, chunk


def relay(frame: Frame, gazetteer: Gazetteer | None) -> Outlet | None:
    """'one US official told the Post' → The Washington Post; 'tells the BBC' → BBC;
    'US officials who spoke with the WP' → The Washington Post; 'according to the BBC'."""
    candidates: list[Token] = []
    if frame.family == "according" and frame.source is not None:
        candidates.append(frame.source.root)
    if frame.lemma in RELAY_CUES or frame.family == "speech":
        candidates += [c for c in frame.head.children if c.dep_ in ("dative", "dobj")]
        candidates += _objects(frame.head, ("to", "with"))
    if frame.source is not None:
        # 'US officials who spoke with the WP': the relative clause is not in the mention.
        for token in frame.source.root.subtree:
            if token.dep_ == "relcl" and token.lower_ in RELAY_FORMS:
                candidates += _objects(token, ("to", "with"))
                candidates += [c for c in token.children if c.dep_ in ("dative", "dobj")]
    for prep in frame.head.children:
        if prep.dep_ == "prep" and prep.lower_ == "in":
            for noun in _objects(prep.head, ("in",)):
                if noun.lower_ == "interview":
                    candidates += _objects(noun, ("with",))
    for token in candidates:
        outlet = _outlet(token, gazetteer)
        if outlet is not None:
            return outlet
    return None


def _objects(head: Token, prepositions: tuple[str, ...]) -> list[Token]:
    return [
        obj
        for prep in head.children
        if prep.dep_ in ("prep", "dative") and prep.lower_ in prepositions
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]


def _outlet(token: Token, gazetteer: Gazetteer | None) -> Outlet | None:
    """The outlet a noun phrase names: 'the Post', "CNN’s Jake Tapper" (CNN)."""
    words = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("compound", "flat")]
    owners = [c for c in token.children if c.dep_ == "poss"]
    phrases = [owners[0].subtree] if owners else []
    phrases.append(words)
    for tokens in phrases:
        tokens = [t for t in tokens if t.tag_ != "POS" and t.dep_ != "case"]
        if not tokens:
            continue
        text = " ".join(t.text for t in tokens)
        mention = TextSpan(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text), text)
        match = gazetteer.outlet(text) if gazetteer else None
        if match is not None:
            return Outlet(match.name, mention, match.organization_id)
        known = lexicon.OUTLETS.get(text.lower())
        if known is not None and (text[0].isupper() or text.lower().startswith("the ")):
            return Outlet(known, mention)
    return None


def setting(frame: Frame) -> tuple[str, str]:
    """The setting and location: 'told reporters on Wednesday during a visit to Laos' →
    ('told reporters during a visit to Laos', 'Laos'); 'said in a statement' → ('in a
    statement', '')."""
    parts: list[str] = []
    location = ""
    head = frame.head
    audiences = [c for c in head.children if c.dep_ in ("dative", "dobj") and c.lower_ in AUDIENCES]
    audiences += [o for o in _objects(head, ("to",)) if o.lower_ in AUDIENCES]
    content = range(frame.start, frame.end)
    if audiences:
        parts.append(f"{head.text} {_phrase(audiences[0], content)}")
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in SETTING_PREPOSITIONS:
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects and _is_setting_noun(objects[0]):
                parts.append(_phrase(child, content))
        elif (child.dep_ == "advcl" and child.lower_ in ("speaking", "talking", "addressing")) or (
            child.dep_ == "advcl" and any(t.lower_ == "while" for t in child.children)
        ):
            parts.append(_phrase(child, content))
    for part_token in [c for c in head.subtree if c.ent_type_ in ("GPE", "LOC")]:
        if any(part_token.text in part for part in parts):
            location = _entity(part_token)
            break
    return " ".join(p for p in parts if p)[:300], location[:200]


def _is_setting_noun(noun: Token) -> bool:
    words = {t.lower_ for t in noun.subtree}
    return bool(words & SETTING_NOUNS) or noun.ent_type_ in ("GPE", "LOC", "FAC")


def _phrase(token: Token, content: range) -> str:
    """A phrase's words without dates ('on Wednesday' dropped from 'told reporters …')
    and without the content a misparse hung on it."""
    tokens = [
        t for t in token.subtree if t.ent_type_ not in ("DATE", "TIME") and t.idx not in content
    ]
    return " ".join(t.text for t in tokens).replace(" ’s", "’s").replace(" 's", "'s").strip(" ,")


def _entity(token: Token) -> str:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.text
    return token.text


def said_on(
    text: str, published_on: datetime.date | None
) -> tuple[datetime.date | None, Precision]:
    """The date an attribution gives, resolved against the publication date: 'on
    Wednesday' → that weekday on or before publication (day); 'Nov. 20' → day; 'in June
    2022' → month; 'in 2020' → year; nothing → unknown."""
    for finder in (_day, _month, _weekday, _relative, _year):
        found = finder(text, published_on)
        if found is not None:
            return found
    return None, "unknown"


def _day(text: str, published_on: datetime.date | None):
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        match = pattern.search(text)
        if match is None:
            continue
        month = MONTHS.get(match["month"].lower().rstrip("."))
        year = (
            int(match["year"]) if match["year"] else (published_on.year if published_on else None)
        )
        if month is None or year is None:
            continue
        try:
            day = datetime.date(year, month, int(match["day"]))
        except ValueError:
            continue
        if published_on and not match["year"] and day > published_on:
            day = day.replace(year=day.year - 1)
        return day, "day"
    return None


def _month(text: str, published_on: datetime.date | None):
    match = _MONTH_YEAR.search(text)
    if match is None:
        return None
    return datetime.date(int(match["year"]), MONTHS[match["month"].lower().rstrip(".")], 1), "month"


def _weekday(text: str, published_on: datetime.date | None):
    match = _WEEKDAY.search(text)
    if match is None or published_on is None:
        return None
    back = (published_on.weekday() - WEEKDAYS[match["weekday"].lower()]) % 7
    # The day after publication is the day itself once the story is updated overnight:
    # 'told reporters on Wednesday' in a story dated Tuesday.
    if back == 6:
        back = -1
    return published_on - datetime.timedelta(days=back), "day"


def _relative(text: str, published_on: datetime.date | None):
    match = _RELATIVE.search(text)
    if match is None or published_on is None:
        return None
    word = match["rel"].lower()
    if word == "yesterday":
        return published_on - datetime.timedelta(days=1), "day"
    if word == "last year":
        return datetime.date(published_on.year - 1, 1, 1), "year"
    if word == "last month":
        first = published_on.replace(day=1) - datetime.timedelta(days=1)
        return first.replace(day=1), "month"
    return published_on, "day"


def _year(text: str, published_on: datetime.date | None):
    match = _YEAR.search(text)
    return (datetime.date(int(match["year"]), 1, 1), "year") if match else None


def anonymity_reason(text: str) -> str:
    """'speaking on the condition of anonymity because of the subject’s sensitivity' →
    'because of the subject’s sensitivity'."""
    match = _ANONYMITY.search(text) or _NOT_AUTHORIZED.search(text)
    return " ".join(match["reason"].split()).strip(" ,") if match else ""
