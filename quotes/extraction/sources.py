"""Who is credited: the source's noun phrase for a cue, from the dependency parse
(subjects, agents, relative pronouns' antecedents, a name beside the cue, a noun's owner)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from quotes.extraction import lexicon

SUBJECTS = ("nsubj", "nsubjpass", "csubj")


RELATIVE_PRONOUNS = frozenset(["who", "which", "that", "whom", "whose"])


# Children of a source's head that are not part of how the source is named.
NOT_THE_NAME = ("relcl", "acl", "punct", "cc", "advcl")


def noun_phrase(head: Token) -> Span:
    """The words naming a source, without relative clauses or trailing commas:
    'Mary Wareham, deputy director …, who said' → 'Mary Wareham, deputy director …'."""
    keep = [head]
    for child in head.children:
        if child.dep_ in NOT_THE_NAME or (child.dep_ == "prep" and child.i > head.i + 6):
            continue
        keep.extend(child.subtree)
    # A relative clause deeper in, on an apposition: '…, the advocacy group, who said …'.
    relative = {inner.i for t in keep if t.dep_ == "relcl" and t is not head for inner in t.subtree}
    relative.discard(head.i)
    keep = [t for t in keep if not t.is_space and t.i not in relative] or [head]
    first = min(t.i for t in keep)
    last = max(t.i for t in keep)
    doc = head.doc
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    while first < last and (doc[first].is_punct or doc[first].is_space):
        first += 1
    return doc[first : last + 1]


def source_of(verb: Token) -> Span | None:
    """subject_of, or when the parse found none, the name standing right next to the cue:
    '“Go back to Univision,” Trump barked' / '“Yes,” Brent Bozell III tells Breitbart'."""
    found = subject_of(verb)
    if found is not None:
        return found
    return name_next_to(verb)


def name_next_to(verb: Token) -> Span | None:
    """The proper name or pronoun standing right before or after a cue."""
    sent = verb.sent
    for offset in (-1, -2, 1, 2):
        i = verb.i + offset
        if not sent.start <= i < sent.end:
            continue
        near = verb.doc[i]
        if near.tag_ in ("NNP", "NNPS", "PRP") and near.lower_ not in lexicon.FIRST_PERSON:
            while near.dep_ in ("compound", "flat") and near.head.i != near.i:
                near = near.head
            return noun_phrase(near)
    return None


def subject_of(verb: Token) -> Span | None:
    """The source of a cue verb: its subject, or the subject of the verb it hangs from.

    'Austin told reporters …' → Austin; '…, saying that …' and '… and added that …' → the
    subject of the main verb; 'Wareham, who said that …' → Wareham (the relative
    pronoun's antecedent); 'it was announced by the Pentagon' → the Pentagon.
    """
    seen = 0
    while verb is not None and seen < 5:
        seen += 1
        for child in verb.children:
            if child.dep_ == "agent":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return noun_phrase(objects[0])
        for child in _subjects_inverted_first(verb):
            if child.dep_ in SUBJECTS and child.tag_ != "EX":
                if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                    return noun_phrase(_antecedent(verb.head))
                if child.dep_ == "csubj":
                    continue
                return noun_phrase(child)
        # 'began by saying “…”': from pcomp up through its preposition to the verb.
        climbs = ("xcomp", "advcl", "conj", "acl", "pcomp", "prep")
        if verb.dep_ in climbs and verb.head is not verb:
            if verb.dep_ == "acl" and verb.head.tag_.startswith("NN"):
                return noun_phrase(verb.head)
            verb = verb.head
            continue
        return None
    return None


def _subjects_inverted_first(verb: Token) -> list[Token]:
    """The verb's children, a subject right after it first when the parse also made a
    subject of the content before it: 'The rejection of the treaty signals “the end”,
    said Geert Wilders' (both 'rejection' and 'Wilders' parsed as subjects)."""
    children = list(verb.children)
    subjects = [c for c in children if c.dep_ in SUBJECTS and c.tag_ != "EX"]
    if len(subjects) < 2 or subjects[0].i > verb.i:
        return children
    after = [c for c in subjects if c.i > verb.i]
    if not after or verb.i == 0 or verb.doc[verb.i - 1].text != ",":
        return children
    return [after[0], *[c for c in children if c is not after[0]]]


def _antecedent(noun: Token) -> Token:
    """The noun a relative clause is about, above the appositions and prepositions it
    hangs from: 'Mary Wareham, deputy director … at Human Rights Watch, the advocacy
    group, who said' → Wareham."""
    for _ in range(8):
        if noun.dep_ not in ("appos", "pobj", "prep") or noun.head is noun:
            break
        noun = noun.head
    return noun


def third_person(source: Span | None) -> bool:
    if source is None:
        return False
    head = source.root.lower_
    return head not in lexicon.FIRST_PERSON and head not in ("you", "it", "this", "that")


def noun_owner(noun: Token) -> Span | None:
    """Who made a claim: 'Trump’s claim', 'claims by Democrats', 'Trump made the claim'."""
    for child in noun.children:
        if child.dep_ == "poss":
            return noun_phrase(child)
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return noun_phrase(objects[0])
    if noun.dep_ == "dobj" and noun.head.lemma_ in lexicon.CLAIM_MAKING_VERBS:
        return subject_of(noun.head)
    return None
