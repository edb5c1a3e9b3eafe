"""Attribution rules: in a parsed article, who is credited with what, through which cue.

Each rule reads one sentence's dependency parse (spaCy, en_core_web_sm labels) and
yields a Frame (quotes.extraction.frames): the cue, the source's noun phrase
(quotes.extraction.sources), and the content's characters (quotes.extraction.content
for a cue verb; here for 'according to', polls, speech nouns and speaker labels). The
quotation marks found beforehand widen the content to whole quotes, so a partial quote's
candidate covers the reported speech around the quoted words; quotes no cue claims are
continued or credited by quotes.extraction.continuation. find_frames runs them all.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from quotes.extraction import lexicon
from quotes.extraction.content import content_of, cue_tokens, quote_follows
from quotes.extraction.continuation import (
    continue_over_paragraphs,
    continue_quotes,
    dash_credits,
    unattributed_quotes,
)
from quotes.extraction.frames import (
    Frame,
    char_span,
    cue_family,
    doc_text,
    in_quote,
    sentence_bounds,
    trim,
    with_quotes,
)
from quotes.extraction.quotemarks import Quote
from quotes.extraction.sources import (
    name_next_to,
    noun_owner,
    noun_phrase,
    source_of,
    subject_of,
    third_person,
)

__all__ = ["Frame", "cue_family", "doc_text", "find_frames"]


def verb_frame(
    verb: Token, sent: Span, quotes: list[Quote], any_verb: bool = False
) -> Frame | None:
    """The attribution a cue verb makes, if any (see quotes.extraction.content)."""
    found = cue_family(verb, any_verb)
    if found is None or verb.dep_ in ("amod", "compound", "nmod"):
        return None
    lemma, family = found
    source = source_of(verb)
    if source is not None and in_quote(source.root, quotes):
        # '“Like Oakland. Or Ferguson,” Trump said': the parse took a quoted word for
        # the subject; the speaker is the name beside the cue.
        names = [name_next_to(v) for v in (verb, verb.head)]
        source = next((n for n in names if n is not None and not in_quote(n.root, quotes)), None)
    if family in ("belief", "finding", "learned") and not third_person(source):
        return None
    if in_quote(verb, quotes):
        return None  # '“He told me no,” she said.': within the speaker's own words
    content = content_of(verb, sent, source, quotes, lemma, family)
    if content is None:
        return None
    (start, end), rule = content
    if rule == "passive":
        source = None  # 'the dissolution of the club was announced': by no one named
    return _frame(verb.doc, cue_tokens(verb), lemma, family, source, start, end, rule, quotes)


# '…, speaking on the condition of anonymity because …' is about the source, not content.
_ANONYMITY_TAIL = re.compile(
    r",\s+(?:speaking|who spoke|who requested|who asked|who insisted|on condition)\b"
    r"[^“”\"]*anonymity"
)


def _frame(doc, cue, lemma, family, source, start, end, rule, quotes) -> Frame | None:
    start, end = trim(doc, start, end)
    verb = cue[0]
    if start > verb.idx and rule in ("clause", "object"):
        # 'pledged to oppose legal status for undocumented immigrants “today, tomorrow,
        # forever.”': quoted words after the complement belong to it.
        sentence_end = sentence_bounds(verb.sent)[1]
        if end < sentence_end and quote_follows(verb, end, sentence_end):
            end = sentence_end
    tail = _ANONYMITY_TAIL.search(doc_text(doc), start, end)
    if tail is not None:
        end = tail.start()
    start, end, touched = with_quotes(start, end, quotes)
    if end - start < 2:
        return None
    return Frame(cue, lemma, family, source, start, end, rule, touched)


def according_frame(token: Token, sent: Span, quotes: list[Quote]) -> Frame | None:
    """'According to the BBC, the mines would be delivered soon.' / '…, according to
    an Associated Press-GfK poll released Thursday.'"""
    doc = token.doc
    if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
        return None
    objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
    if not objects or in_quote(token, quotes):
        return None
    source = noun_phrase(objects[0])
    phrase_start = token.idx
    phrase_end = max(t.idx + len(t.text) for t in objects[0].subtree)
    s_start, s_end = sentence_bounds(sent)
    left = doc_text(doc)[s_start:phrase_start].strip(" ,—–-\n")
    right = doc_text(doc)[phrase_end:s_end].strip(" ,.—–-\n")
    if len(left) > 3 and len(right) > 3:
        start, end = s_start, s_end
    elif len(left) > 3:
        start, end = s_start, phrase_start
    else:
        start, end = phrase_end, s_end
    cue = [token, doc[token.i + 1]]
    return _frame(doc, cue, "according to", "according", source, start, end, "according", quotes)


POLL_NOUNS = frozenset(["poll", "polls", "survey", "surveys", "polling"])


def poll_frames(doc: Doc, quotes: list[Quote], frames: list[Frame]) -> list[Frame]:
    """Findings placed in a poll: 'Trump has a decisive lead in the polls', 'Clinton held
    a 24-point lead among black voters in a CNN national poll'."""
    found = []
    for token in doc:
        if token.lower_ != "in" or token.dep_ != "prep":
            continue
        objects = [c for c in token.children if c.dep_ == "pobj"]
        if not objects or objects[0].lower_ not in POLL_NOUNS or in_quote(token, quotes):
            continue
        sent = token.sent
        s_start, s_end = sentence_bounds(sent)
        if len(doc_text(doc)[s_start : token.idx].split()) < 3:
            continue  # 'In a poll released Thursday, …' leads into a cue of its own
        source = noun_phrase(objects[0])
        frame = _frame(doc, [token], "in", "finding", source, s_start, s_end, "poll", quotes)
        if frame is not None and not any(
            f.start < frame.end and f.end > frame.start for f in frames + found
        ):
            found.append(frame)
    return found


def nominal_frames(doc: Doc, quotes: list[Quote], frames: list[Frame]) -> list[Frame]:
    """Frames of speech nouns whose content no verb's frame already covers ('rejected
    accusations that …' is the verb's)."""
    found = []
    for token in doc:
        frame = nominal_frame(token, token.sent, quotes)
        if frame is not None and not any(
            f.start < frame.end and f.end > frame.start for f in frames + found
        ):
            found.append(frame)
    return found


def nominal_frame(token: Token, sent: Span, quotes: list[Quote]) -> Frame | None:
    """A noun of speech with its 'that' clause: 'Trump’s claim that the election is
    rigged', 'accusations by Democrats that he colluded', 'his promise that Mexico will
    pay'. Only with a source the noun names (a possessive, 'by'/'from', or the subject of
    'made the claim'), since an unowned claim is usually the writer's."""
    if token.lower_ in STANCE_NOUNS:
        return _stance_noun_frame(token, quotes)
    if not token.tag_.startswith("NN") or token.lower_ not in lexicon.SPEECH_NOUNS:
        return None
    clauses = [
        c
        for c in token.children
        if c.dep_ in ("acl", "ccomp", "relcl", "appos")
        and c.i > token.i
        and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
    ]
    if not clauses or in_quote(token, quotes):
        return None
    source = noun_owner(token)
    if source is None or not third_person(source):
        return None
    start, end = char_span(clauses[0].subtree)
    doc = token.doc
    return _frame(doc, [token], token.lemma_, "speech", source, start, end, "nominal", quotes)


# Nouns of stance whose prepositional object is what the owner said or holds: 'Trump’s
# attacks on the judge', 'Ryan’s support for the bill', 'her criticism of the deal'
# (0.69 of them matched an attribution on train; comments, positions, defenses and
# objections were tried too and matched under 0.4).
STANCE_NOUNS = {
    noun: preps
    for nouns, preps in (
        (("attack", "attacks", "criticism", "criticisms"), ("on", "of")),
        (("support", "opposition", "praise"), ("for", "to", "of")),
        (("call", "calls", "demand", "demands"), ("for",)),
        (("question", "questions", "concern", "concerns", "doubts"), ("about", "over")),
    )
    for noun in nouns
}


def _stance_noun_frame(token: Token, quotes: list[Quote]) -> Frame | None:
    """A stance noun with an owner and its object: 'Ryan’s support for the bill' → 'the
    bill', credited to Ryan."""
    preps = STANCE_NOUNS.get(token.lower_)
    if not preps or not token.tag_.startswith("NN") or in_quote(token, quotes):
        return None
    objects = [
        o
        for c in token.children
        if c.dep_ == "prep" and c.lower_ in preps and c.i > token.i
        for o in c.children
        if o.dep_ == "pobj"
    ]
    source = noun_owner(token)
    if not objects or source is None or not third_person(source):
        return None
    start, end = char_span(objects[0].subtree)
    doc = token.doc
    return _frame(doc, [token], token.lower_, "speech", source, start, end, "nominal", quotes)


# Passive verbs of expectation whose whole clause the annotators count as an attribution
# with no source: 'Trump is expected to deliver a victory speech later tonight'.
EXPECTED_FORMS = frozenset(["expected", "projected", "predicted"])


def expectation_frames(doc: Doc, quotes: list[Quote], frames: list[Frame]) -> list[Frame]:
    """'X is (widely) expected to …': the clause from its subject to the end of the
    infinitive, credited to no one (the writer reports an unattributed expectation)."""
    found = []
    for token in doc:
        if token.lower_ not in EXPECTED_FORMS or token.tag_ != "VBN":
            continue
        if not any(c.dep_ == "auxpass" for c in token.children) or in_quote(token, quotes):
            continue
        subjects = [c for c in token.children if c.dep_ == "nsubjpass"]
        infinitives = [c for c in token.children if c.dep_ == "xcomp" and c.i > token.i]
        if not subjects or not infinitives:
            continue
        start = char_span(subjects[0].subtree)[0]
        end = char_span(infinitives[0].subtree)[1]
        cue = [token, *[c for c in token.children if c.dep_ in ("auxpass", "neg")]]
        frame = _frame(doc, cue, "expect", "finding", None, start, end, "expectation", quotes)
        if frame is not None and not any(
            f.start < frame.end and f.end > frame.start for f in frames + found
        ):
            found.append(frame)
    return found


def quoted_complement_frames(doc: Doc, quotes: list[Quote], frames: list[Frame]) -> list[Frame]:
    """A quote no cue claimed, as what a person's verb names the object: 'Reid has gone
    after Trump as a “spoiled brat”', 'Japan branded North Korea an “outlaw nation”'
    (any verb: the quotation marks say whose words they are; 0.6 of such quotes were an
    attribution on train, against under half for quotes in a plain object)."""
    found = []
    for quote in quotes:
        if not quote.closed or any(f.start < quote.end and f.end > quote.start for f in frames):
            continue
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None:
            continue
        top = span.root
        while top.head.i != top.i and not top.head.tag_.startswith("VB"):
            top = top.head
        verb = top.head
        if verb.i == top.i or verb.i > span.start or in_quote(verb, quotes):
            continue
        if not (top.dep_ == "oprd" or (top.dep_ == "prep" and top.lower_ == "as")):
            continue
        source = subject_of(verb)
        if not third_person(source) or source.start > verb.i:
            continue
        parts = [
            t
            for c in verb.children
            if c.i > verb.i and c.i <= top.i and c.dep_ in ("dobj", "dative", "oprd", "prep")
            for t in c.subtree
        ]
        start, end = char_span(parts or list(top.subtree))
        frame = _frame(
            doc, [verb], verb.lower_, "speech", source, start, end, "quoted-complement", quotes
        )
        if frame is not None:
            found.append(frame)
    return found


def find_frames(doc: Doc, quotes: list[Quote], any_verb: bool = False) -> list[Frame]:
    """Every attribution in the article, in order of content, quotes continued."""
    frames = []
    for sent in doc.sents:
        for token in sent:
            frame = according_frame(token, sent, quotes) or verb_frame(
                token, sent, quotes, any_verb
            )
            if frame is not None:
                frames.append(frame)
    frames = _without_first_person_inside_labels(doc, quotes, frames)
    frames += label_frames(doc, quotes, frames)
    frames += dash_credits(doc, frames, quotes)
    frames += nominal_frames(doc, quotes, frames)
    frames += poll_frames(doc, quotes, frames)
    frames += expectation_frames(doc, quotes, frames)
    frames += quoted_complement_frames(doc, quotes, frames)
    frames = drop_nested_beliefs(_distinct(frames))
    frames.sort(key=lambda f: (f.start, f.end))
    continue_quotes(doc_text(doc), frames, quotes)
    continue_over_paragraphs(doc_text(doc), frames, quotes)
    frames += unattributed_quotes(doc, frames, quotes)
    frames.sort(key=lambda f: (f.start, f.end))
    return frames


# 'JOEL BENENSON: This is a man who …', 'More from Blumenthal and Cohen: “Data …”',
# 'Pat Caddell: Democrat Voters Worried …': a speaker's label, then what they said.
_LABEL = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))[ \t]*(?:(?:more )?from |per |via )?"
    r"(?P<label>[A-Z](?:[^:\n“”\"\d]{1,60}?)?):[ \t\u00a0]*(?P<rest>\S[^\n]*)",
    re.IGNORECASE,
)


_SMALL_WORDS = frozenset(["of", "and", "the", "for", "at", "de", "von", "van", "da", "al"])


def _without_first_person_inside_labels(
    doc: Doc, quotes: list[Quote], frames: list[Frame]
) -> list[Frame]:
    """A headline 'Sidney Blumenthal: ‘No Idea’ If I Would Have Told Hillary …' is the
    label's words: a first-person cue inside them ('I … Told') is part of what was said."""
    text = doc_text(doc)
    spans = [(m.start("rest"), m.end("rest")) for m in _LABEL.finditer(text)]
    return [
        f
        for f in frames
        if f.source is None
        or f.source.root.lower_ not in lexicon.FIRST_PERSON
        or not any(s <= f.head.idx and f.end <= e for s, e in spans)
    ]


def label_frames(doc: Doc, quotes: list[Quote], frames: list[Frame]) -> list[Frame]:
    """Frames for speaker labels followed by their words, in transcripts and roundups."""
    text = doc_text(doc)
    found = []
    for match in _LABEL.finditer(text):
        label = match.group("label").strip()
        words = label.split()
        if not 1 <= len(words) <= 6 or not all(
            w[0].isupper() or w.lower() in _SMALL_WORDS for w in words
        ):
            continue
        start, end = trim(doc, match.start("rest"), match.end("rest"))
        # Remarks reported inside the label's words ('BENENSON: This is a man who said he'd
        # never run a negative ad') are theirs; a frame reaching outside them is not.
        if len(text[start:end].split()) < 3 or any(
            f.start < end and f.end > start and (f.start < start or f.end > end) for f in frames
        ):
            continue
        source = doc.char_span(match.start("label"), match.end("label"), alignment_mode="expand")
        head = source.root if source is not None else None
        if head is None or head.ent_type_ in ("DATE", "TIME"):
            continue
        frame = _frame(doc, [head], "label", "speech", source, start, end, "label", quotes)
        if frame is not None:
            found.append(frame)
    return found


def _distinct(frames: list[Frame]) -> list[Frame]:
    """One frame per content: '“…,” Biden said, calling it reckless' can reach the same
    quote through 'said' and through 'calling'; the first cue in reading order keeps it."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for frame in sorted(frames, key=lambda f: (f.family == "learned", f.head.i)):
        if (frame.start, frame.end) not in seen:
            seen.add((frame.start, frame.end))
            kept.append(frame)
    return kept


def drop_nested_beliefs(frames: list[Frame]) -> list[Frame]:
    """A belief (or a learned cue) inside reported speech is part of what was said, not
    another remark: 'Rubio says he feels he did “great”' is one attribution (says), not
    two, and so is 'Greene added that the Fed wants to get out of the way' (wants). So is
    a cue's object inside it without quotes: 'said Trump called the deal a disaster'
    (called); a quote keeps its own cue ('argues the mines are safe, with one official
    telling the Post they “self-destruct”')."""
    speech = [f for f in frames if f.family not in ("belief", "finding", "learned")]
    return [
        f
        for f in frames
        if (f.family not in ("belief", "finding", "learned") and (f.rule != "object" or f.quotes))
        or not any(o.start <= f.head.idx < o.end and o is not f for o in speech)
    ]
