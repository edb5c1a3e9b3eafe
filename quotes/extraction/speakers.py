"""Who a source mention is: a named person, an anonymous source or an organization.

One article-level speaker per person, organization or unnamed source, in reading order:
'Defense Secretary Lloyd Austin told reporters …' then '… he said' are one speaker;
'one of the officials said' introduces a new unnamed official and 'the official said'
refers back to the latest one; 'U.S. officials said' twice is one group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from quotes.extraction import lexicon
from quotes.extraction.gazetteer import Gazetteer, normalise
from quotes.extraction.types import GazetteerMatch, Speaker, TextSpan

# Heads of organizations speaking as bodies: 'the State Department said'.
ORGANIZATION_HEADS = frozenset(
    [
        "department",
        "ministry",
        "administration",
        "campaign",
        "committee",
        "council",
        "government",
        "agency",
        "office",
        "party",
        "commission",
        "court",
        "board",
        "embassy",
        "pentagon",
        "kremlin",
        "house",
        "senate",
        "congress",
        "police",
        "army",
        "military",
        "university",
        "institute",
        "foundation",
        "group",
        "organization",
        "organisation",
        "association",
        "union",
        "company",
        "corporation",
        "bureau",
        "service",
        "network",
        "center",
        "centre",
        "coalition",
        "alliance",
        "caucus",
        "firm",
        "bank",
        "fund",
        "federation",
        "league",
        "times",
        "post",
        "newspaper",
        "magazine",
        "channel",
        "station",
        "paper",
        "network",
    ]
)
COUNTRIES = {
    "u.s.": "United States",
    "us": "United States",
    "american": "United States",
    "united states": "United States",
    "u.k.": "United Kingdom",
    "british": "United Kingdom",
    "ukrainian": "Ukraine",
    "russian": "Russia",
    "chinese": "China",
    "israeli": "Israel",
    "iranian": "Iran",
    "french": "France",
    "german": "Germany",
    "european": "European Union",
    "mexican": "Mexico",
    "canadian": "Canada",
}
_DETERMINERS = re.compile(
    r"^(?:(?:one|two|three|several|some|many|other|another|a|an|the|of|these|those|both)\s+)+",
    re.IGNORECASE,
)


@dataclass
class ArticleSpeaker:
    """One speaker of the article, named or not, with what the article says of them."""

    key: int
    name: str
    anonymous: bool = False
    is_organization: bool = False
    head: str = ""
    plural: bool = False
    description: str = ""
    title: str = ""
    organization: str = ""
    country: str = ""
    match: GazetteerMatch | None = None
    org_match: GazetteerMatch | None = None
    aliases: set[str] = field(default_factory=set)

    def speaker(self, mention: TextSpan) -> Speaker:
        match = self.match
        return Speaker(
            mention=mention,
            name=match.name if match else self.name,
            anonymous=self.anonymous,
            is_organization=self.is_organization,
            description=self.description or (match.description if match else ""),
            title=self.title,
            organization=self.organization or (match.organization if match else ""),
            country=self.country,
            speaker_id=match.speaker_id if match else None,
            organization_id=(self.org_match.organization_id if self.org_match else None)
            or (match.organization_id if match else None),
            match_score=match.score if match else None,
            key=self.key,
        )


def _singular(word: str) -> str:
    word = word.lower()
    for plural, single in (
        ("spokespeople", "spokesperson"),
        ("spokesmen", "spokesman"),
        ("spokeswomen", "spokeswoman"),
        ("people", "person"),
    ):
        if word == plural:
            return single
    return word[:-1] if word.endswith("s") and word[:-1] in lexicon.ANONYMOUS_NOUNS else word


class SpeakerResolver:
    """Resolves the source mentions of one article, in reading order."""

    def __init__(self, doc: Doc, gazetteer: Gazetteer | None) -> None:
        self.doc = doc
        self.gazetteer = gazetteer
        self.speakers: list[ArticleSpeaker] = []
        # (character offset, speaker) of every person mentioned so far, for pronouns.
        self.recent: list[tuple[int, ArticleSpeaker]] = []
        # Read once: Doc.ents (and Span.ents, which reads it) builds every entity's Span
        # anew from the tokens on each read, and a resolution read it up to five times.
        self.entities: tuple[Span, ...] = tuple(doc.ents)

    def _ents_in(self, span: Span) -> list[Span]:
        """span.ents: the entities inside the span, in order."""
        return [e for e in self.entities if e.start >= span.start and e.end <= span.end]

    def resolve(self, source: Span) -> Speaker:
        mention = TextSpan(source.start_char, source.end_char, source.text)
        root = source.root
        if root.lower_ in lexicon.PERSON_PRONOUNS and root.tag_.startswith("PRP"):
            found = self._antecedent(root)
        else:
            found = (
                self._person(source)
                or self._anonymous(source)
                or self._organization(source)
                or self._other(source)
            )
        if found is None:
            return Speaker(mention=mention, name=source.text)
        self.recent.append((source.start_char, found))
        return found.speaker(mention)

    def _new(self, name: str, **facts: object) -> ArticleSpeaker:
        speaker = ArticleSpeaker(key=len(self.speakers) + 1, name=name, **facts)
        self.speakers.append(speaker)
        return speaker

    # --- pronouns ------------------------------------------------------------------

    def _antecedent(self, pronoun: Token) -> ArticleSpeaker | None:
        """'he said' → the latest person mentioned before it (a speaker or not, so 'Biden
        approved the mines. “…,” he said.' is Biden); 'they' → the latest group."""
        plural = pronoun.lower_ in ("they", "them", "their")
        self._note_people_before(pronoun.idx)
        for _, speaker in reversed(self.recent):
            if speaker.plural == plural or (plural and speaker.is_organization):
                return speaker
        return None

    def _note_people_before(self, offset: int) -> None:
        """Record the named people of the last sentences before `offset` as mentioned."""
        known = {at for at, _ in self.recent}
        for ent in self.entities:
            if ent.label_ != "PERSON" or ent.start_char >= offset or ent.start_char in known:
                continue
            if offset - ent.start_char > 600:
                continue
            speaker = self._named(ent.text, ent)
            self.recent.append((ent.start_char, speaker))
        self.recent.sort(key=lambda pair: pair[0])

    # --- named people --------------------------------------------------------------

    def _person(self, source: Span) -> ArticleSpeaker | None:
        """'Defense Secretary Lloyd Austin' → Lloyd Austin (title Defense Secretary);
        'Ben Linden, the advocacy director for … Amnesty International USA' → Ben Linden."""
        name_span = self._name_in(source)
        if name_span is None:
            return None
        speaker = self._named(name_span.text, name_span)
        title = self.doc.text[source.start_char : name_span.start_char].strip(" ,")
        after = self.doc.text[name_span.end_char : source.end_char].strip(" ,")
        speaker.title = speaker.title or title
        speaker.description = speaker.description or after
        for ent in self._ents_in(source):
            if ent.label_ in ("ORG", "GPE") and not speaker.organization and self.gazetteer:
                match = self.gazetteer.organization(ent.text)
                if match is not None:
                    speaker.org_match, speaker.organization = match, match.name
        return speaker

    def _name_in(self, source: Span) -> Span | None:
        """The printed name in a source: a PERSON entity, else a proper noun standing as
        the head or in apposition to it ('Kremlin spokesman, Dmitry Perskov')."""
        root = source.root
        people = [e for e in self._ents_in(source) if e.label_ == "PERSON"]
        if people and root.lower_ not in ORGANIZATION_HEADS:
            return people[0]
        if root.lower_ in ORGANIZATION_HEADS:
            return None  # 'the Biden administration' is not Biden
        if root.tag_ == "NNP" and (
            root.ent_type_ not in ("ORG", "GPE", "NORP") or self._known_person(root)
        ):
            return self._proper_run(root)
        # A person named in apposition to their role; NER often calls a misspelt name an
        # organization, so its label is not trusted here.
        if root.lower_ not in lexicon.ANONYMOUS_NOUNS:
            return None
        for token in root.children:
            known_organization = self.gazetteer and self.gazetteer.organization(token.text)
            if token.dep_ == "appos" and token.tag_ == "NNP" and not known_organization:
                return self._proper_run(token)
        return None

    def _known_person(self, root: Token) -> bool:
        """NER calls some surnames organizations ('Trump said'): the gazetteer knows better."""
        if self.gazetteer is None:
            return False
        text = self._proper_run(root).text
        return self.gazetteer.person(text) is not None and self.gazetteer.organization(text) is None

    def _proper_run(self, root: Token) -> Span:
        start = root.i
        while (
            start > 0
            and self.doc[start - 1].tag_ == "NNP"
            and self.doc[start - 1].dep_ == "compound"
        ):
            start -= 1
        return self.doc[start : root.i + 1]

    def _named(self, text: str, span: Span) -> ArticleSpeaker:
        """The article's speaker for a printed name: 'Miller said' after 'State
        Department spokesman Matthew Miller said' is Matthew Miller."""
        name = re.sub(r"['’]s?$", "", text.strip())
        key = normalise(name)
        surname = key.split()[-1] if key else key
        for speaker in self.speakers:
            if speaker.anonymous or speaker.is_organization:
                continue
            known = normalise(speaker.name)
            if not known or not key:
                continue
            if key == known or key in speaker.aliases or surname == known.split()[-1]:
                if len(key) > len(known):
                    speaker.name = name
                speaker.aliases.add(key)
                return speaker
        match = self.gazetteer.person(name) if self.gazetteer else None
        return self._new(name, match=match, aliases={key})

    # --- anonymous sources -----------------------------------------------------------

    def _anonymous(self, source: Span) -> ArticleSpeaker | None:
        """'a U.S. official' (new), 'the official' (the latest official), 'U.S. officials'
        (one group however often), 'a Pentagon spokesperson' (Department of Defense)."""
        root, partitive = _head_token(source)
        head = _singular(root.text)
        if head not in lexicon.ANONYMOUS_NOUNS or self._name_in(source) is not None:
            return None
        plural = not partitive and (root.tag_ in ("NNS", "NNPS") or root.lower_ == "people")
        words = source.text.lower().split()
        description = _describe(source)
        if words[0] == "the" and len(words) <= 3:
            for speaker in reversed(self.speakers):
                if speaker.anonymous and speaker.head == head and speaker.plural == plural:
                    return speaker
        indefinite = words[0] in ("a", "an", "one", "another") or words[:2] == ["one", "of"]
        if not indefinite:
            for speaker in self.speakers:
                if speaker.anonymous and normalise(speaker.description) == normalise(description):
                    return speaker
        speaker = self._new(
            _display(description, plural),
            anonymous=True,
            head=head,
            plural=plural,
            description=description,
        )
        if partitive:
            self._join_group(speaker)
        for ent in self._ents_in(source):
            if ent.label_ in ("ORG", "GPE", "NORP"):
                self._set_organization(speaker, ent.text)
        for token in source:
            country = COUNTRIES.get(token.lower_)
            if country and not speaker.country:
                speaker.country = country
        return speaker

    def _join_group(self, speaker: ArticleSpeaker) -> None:
        """'one of the officials' is one of the 'U.S. officials' the article cited before:
        a U.S. official, of the same organization and country."""
        for group in reversed(self.speakers[:-1]):
            if group.anonymous and group.plural and group.head == speaker.head:
                speaker.name = _display(group.description, plural=False)
                speaker.organization = speaker.organization or group.organization
                speaker.org_match = speaker.org_match or group.org_match
                speaker.country = speaker.country or group.country
                return

    def _set_organization(self, speaker: ArticleSpeaker, text: str) -> None:
        country = COUNTRIES.get(text.lower())
        if country:
            speaker.country = speaker.country or country
        match = self.gazetteer.organization(text) if self.gazetteer else None
        if match:
            speaker.org_match = match
            speaker.organization = match.name
        elif not country:
            speaker.organization = re.sub(r"^the\s+", "", text, flags=re.I)

    # --- organizations and the rest ---------------------------------------------------

    def _looks_organization(self, source: Span) -> bool:
        root = source.root
        return root.lower_ in ORGANIZATION_HEADS or root.ent_type_ in ("ORG", "GPE", "NORP")

    def _organization(self, source: Span) -> ArticleSpeaker | None:
        """'the State Department said' → the organization speaking as a body."""
        text = re.sub(r"^the\s+", "", source.text, flags=re.I)
        match = self.gazetteer.organization(text) if self.gazetteer else None
        if match is None and not self._looks_organization(source):
            return None
        name = match.name if match else text
        for speaker in self.speakers:
            if speaker.is_organization and speaker.name == name:
                return speaker
        speaker = self._new(name, is_organization=True, organization=name, org_match=match)
        speaker.plural = True  # 'the Pentagon … they said' refers back to it
        return speaker

    def _other(self, source: Span) -> ArticleSpeaker | None:
        """Anything else that speaks: 'a poll', 'the report', 'critics'."""
        name = _DETERMINERS.sub("", source.text).strip() or source.text
        for speaker in self.speakers:
            if not speaker.anonymous and normalise(speaker.name) == normalise(name):
                return speaker
        plural = source.root.tag_ in ("NNS", "NNPS")
        return self._new(name, description=source.text, plural=plural)


def _head_token(source: Span) -> tuple[Token, bool]:
    """The noun naming a source, and whether it is picked out of a group: 'one of the
    officials' → (officials, True); 'a U.S. official' → (official, False)."""
    root = source.root
    if root.lower_ in ("one", "some", "several", "two", "three", "each", "many", "none"):
        for prep in root.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0], root.lower_ in ("one", "each", "none")
    return root, False


def _describe(source: Span) -> str:
    """How the outlet described an unnamed source, without its determiners: 'one of the
    U.S. officials' → 'U.S. officials'; 'a Pentagon spokesperson' → 'Pentagon spokesperson'."""
    return _DETERMINERS.sub("", source.text.strip()).strip() or source.text


def _display(description: str, plural: bool) -> str:
    """A display name for an unnamed source: 'U.S. officials' → 'U.S. officials';
    'one of the officials' → 'official'."""
    words = description.split()
    if not plural and words and words[-1].lower().endswith("s"):
        single = _singular(words[-1])
        if single != words[-1].lower():
            words[-1] = single
    return " ".join(words)[:200] or description
