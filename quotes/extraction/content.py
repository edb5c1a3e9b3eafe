"""What was said: the content rules of a cue verb, each reading one sentence's parse
(the clause, the object, a colon, the quote beside the cue, …); content_of picks the
first that applies."""

from __future__ import annotations

from spacy.tokens import Span, Token

from quotes.extraction import lexicon
from quotes.extraction.frames import char_span, cue_family, doc_text, sentence_bounds, token_range
from quotes.extraction.quotemarks import QUOTE_MARKS, Quote
from quotes.extraction.sources import SUBJECTS

# Verbs whose object is what was said: 'called it a “great meeting”', 'denied the report',
# 'declaring it “another super Tuesday”', 'branded the plan a “disaster”'.
OBJECT_CUES = frozenset(
    [
        "call",
        "describe",
        "announce",
        "propose",
        "deny",
        "reject",
        "praise",
        "criticize",
        "criticise",
        "accuse",
        "urge",
        "defend",
        "condemn",
        "decry",
        "mock",
        "dismiss",
        "blame",
        "credit",
        "thank",
        "question",
        "demand",
        "cite",
        "mention",
        "recommend",
        "tout",
        "applaud",
        "blast",
        "slam",
        "lambast",
        "ridicule",
        "reveal",
        "report",
        "refer",
        "declare",
        "proclaim",
        "label",
        "dub",
        "brand",
        "term",
        "hail",
        "characterize",
        "characterise",
        "nickname",
        "herald",
    ]
)


# Verbs whose infinitive is what was said: 'vowed to steer the conflict'.
INFINITIVE_CUES = frozenset(
    [
        "promise",
        "vow",
        "pledge",
        "threaten",
        "urge",
        "ask",
        "demand",
        "propose",
        "agree",
        "refuse",
        "warn",
        "tell",
    ]
)


def _left_content(verb: Token, sent: Span, source: Span | None) -> tuple[int, int]:
    """Content before the cue runs from the sentence start to the source or cue:
    'Clinton’s van was supposed to be escorted …, another source said.'"""
    start, _ = sentence_bounds(sent)
    stops = [verb.idx] + ([source.start_char] if source is not None else [])
    for token in sent:
        if token.i < verb.i and token.dep_ == "aux" and token.head is verb:
            stops.append(token.idx)
    return start, min(stops)


def _clause_content(verb: Token, sent: Span, source: Span | None) -> tuple[int, int] | None:
    """The content clause of a cue: 'said (that) the plan was dead' → the clause;
    '“The plan is dead,” he said.' → everything before the source."""
    clauses = [
        c for c in verb.children if c.dep_ == "ccomp" and c.i not in range(*token_range(source))
    ]
    if not clauses:
        clauses = _stray_that_clause(verb) or _question_clause(verb)
    if not clauses:
        return _gerund_clause(verb, sent)
    clause = max(clauses, key=lambda c: len(list(c.subtree)))
    if clause.i < verb.i:
        return _left_content(verb, sent, source)
    start, end = char_span(clause.subtree)
    sentence_end = sentence_bounds(sent)[1]
    if _runs_to_end(clause, sent) or quote_follows(verb, end, sentence_end):
        end = max(end, sentence_end)
    if _set_off_by_commas(verb, source):
        start = min(start, sentence_bounds(sent)[0])
    return start, end


# Words opening a clause about the circumstances of a remark, not about what was said.
_CIRCUMSTANCE = frozenset(
    ["as", "while", "when", "after", "before", "amid", "during", "with", "in", "at", "on"]
)


def _interrupting(verb: Token, sent: Span, source: Span | None) -> tuple[int, int] | None:
    """An attribution set between commas inside what was said, with words of it on both
    sides: 'In contrast, Berkman said, there seem to be more Republicans “who …”' / '“It’s
    our bad luck,” he said, that both men went to this mosque.' → the whole sentence.
    Not when another cue follows ('…,” he said, adding that …': that is a remark of its
    own)."""
    if source is None or verb.dep_ == "relcl" or verb.tag_ in ("VBG", "VBN"):
        return None
    doc = verb.doc
    group = {verb.i, *range(source.start, source.end)}
    group |= {c.i for c in verb.children if c.dep_ in ("aux", "neg", "advmod") and c.i < verb.i}
    first, last = min(group), max(group)
    if len(group) != last - first + 1 or last - first > 12:
        return None
    before = [t for t in doc[sent.start : first] if not t.is_space]
    while before and before[-1].text in QUOTE_MARKS:
        before.pop()
    after = [t for t in doc[last + 1 : sent.end] if not t.is_space]
    if not before or before[-1].text != "," or not after or after[0].text != ",":
        return None
    said_before = [t for t in before if not t.is_punct]
    said_after = [t for t in after if not t.is_punct]
    if len(said_before) < 2 or len(said_after) < 3:
        return None
    lead = said_after[1:2] if said_after[0].lower_ in ("and", "but", "then") else said_after[:1]
    if lead and (cue_family(lead[0]) is not None or lead[0].tag_ == "VBG"):
        return None  # '…, adding that …', '…, speaking on condition of anonymity'
    if lead and lead[0].lower_ in _CIRCUMSTANCE:
        return None  # '“The talks will go on,” he said, as reporters waited outside.'
    return sentence_bounds(sent)


def _set_off_by_commas(verb: Token, source: Span | None) -> bool:
    """Whether the source and cue stand between commas inside what was said: 'After the
    court ruled, Smith said, most such laws were thought safe' (both sides are his)."""
    if verb.dep_ == "relcl" or verb.tag_ == "VBG":
        return False
    doc = verb.doc
    first = min(verb.i, source.start if source is not None else verb.i)
    last = max(verb.i + 1, source.end if source is not None else verb.i + 1)
    if first - 1 <= verb.sent.start or last >= verb.sent.end:
        return False
    return doc[first - 1].text == "," and doc[last].text == ","


# Verbs of saying whose content the parse may take for a gerund's complement: 'Gomez said
# seeing so many officers was a welcome sight' (seeing: xcomp of said).
GERUND_CLAUSE_CUES = frozenset(["say", "add", "argue", "note", "explain", "insist", "tell"])


def _gerund_clause(verb: Token, sent: Span) -> tuple[int, int] | None:
    """'said having Trump on the ticket puts them at risk' → 'having … at risk': a gerund
    right after the cue whose clause runs to the sentence's end."""
    found = cue_family(verb)
    if found is None or found[0] not in GERUND_CLAUSE_CUES:
        return None
    gerunds = [c for c in verb.children if c.dep_ == "xcomp" and c.tag_ == "VBG"]
    if not gerunds or gerunds[0].i != verb.i + 1:
        return None
    gerund = gerunds[0]
    inner = [t for t in gerund.subtree if t.dep_ in ("ccomp", "conj") and t.tag_.startswith("VB")]
    start, end = char_span(gerund.subtree)
    sentence_end = sentence_bounds(sent)[1]
    if not inner:
        # 'who said using a private server was improper': the parse left 'was' outside.
        following = [t for t in sent if t.i > max(x.i for x in gerund.subtree)]
        if not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in following[:3]):
            return None
        end = sentence_end
    return start, end


def quote_follows(verb: Token, end: int, sentence_end: int) -> bool:
    """Whether the sentence goes on past the clause with quoted words and no other cue:
    'Zimmerman said he had received offers, but “the offers were to use the gun …”'."""
    text = doc_text(verb.doc)
    rest = text[end:sentence_end]
    if not any(mark in rest for mark in '“"'):
        return False
    return not any(
        cue_family(t) and t.idx >= end for t in verb.sent if t.idx < sentence_end and t is not verb
    )


def _question_clause(verb: Token) -> list[Token]:
    """The question asked, parsed as an adverbial clause: 'asked workers if they planned
    to attend the caucuses'."""
    if not verb.lower_.startswith("ask"):
        return []
    return [
        c
        for c in verb.children
        if c.dep_ == "advcl"
        and c.i > verb.i
        and any(m.dep_ == "mark" and m.lower_ in ("if", "whether") for m in c.children)
    ]


def _stray_that_clause(verb: Token) -> list[Token]:
    """A 'that' clause the parser hung on a noun after the cue: 'told reporters during a
    visit to Laos that Ukraine needs mines' (attached to Laos, not to told)."""
    for token in verb.subtree:
        if token.i <= verb.i or token.dep_ not in ("acl", "relcl", "ccomp", "advcl"):
            continue
        marks = [
            c for c in token.children if c.dep_ == "mark" and c.lower_ == "that" and c.tag_ == "IN"
        ]
        if marks and token.head is not verb and cue_family(token.head) is None:
            return [token]
    return []


def _runs_to_end(clause: Token, sent: Span) -> bool:
    """Whether only punctuation follows the clause in its sentence."""
    last = max(t.i for t in clause.subtree)
    return all(t.is_punct or t.is_space for t in sent[last + 1 - sent.start :])


def _trailing_content(verb: Token, sent: Span, source: Span | None) -> tuple[int, int] | None:
    """An attribution closing its sentence after a comma, when the parse gave the cue no
    clause: 'Those who do take on heavy debt struggle, even with a "good" job, he said.'
    / '…, said Geert Wilders, founder of the Party for Freedom.' → all before the comma.
    Nothing but the source, the cue's setting ('in a statement', 'on Tuesday') and
    punctuation may follow the cue."""
    if source is None or source.start > verb.i + 3:
        return None
    named = set(range(source.start, source.end))
    settings = {
        t.i for c in verb.children if is_setting(c) or c.dep_ == "npadvmod" for t in c.subtree
    }
    for token in verb.doc[verb.i + 1 : sent.end]:
        if not (token.is_punct or token.is_space or token.i in named or token.i in settings):
            return None
    first = min(verb.i, source.start)
    if first - 1 < sent.start or verb.doc[first - 1].text not in (",", "—", "–", "--"):
        return None
    # '…, he wrote:' leads into what follows, and 'In a speech last July, he said' or
    # 'As The Hill reported, …' opens with a setting, not with what was said.
    words = [t for t in sent if not t.is_space and t.i < first - 1]
    last = [t for t in sent if not t.is_space][-1]
    if last.text == ":" or not words or words[0].tag_ in ("IN", "WRB", "RB", "CC"):
        return None
    # A clause, or quoted words ('signals “the beginning of the end”' parsed as nouns).
    if not any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or t.text in QUOTE_MARKS for t in words):
        return None
    return sentence_bounds(sent)[0], verb.doc[first - 1].idx


def _quote_after_sentence(
    verb: Token, sent: Span, source: Span | None, quotes: list[Quote]
) -> tuple[int, int] | None:
    """A cue that ends its sentence with nothing said, right before a quote: 'Iowa State
    University’s Dianne Bystrom agreed. “Mainstream Republicans are running out of
    time …”'. Nothing but the source, settings and punctuation may follow the cue, and
    nothing come before it but its source."""
    if source is None or verb.dep_ != "ROOT" or len(source) > 12:
        return None
    if not any(c.dep_ in SUBJECTS for c in verb.children) or _words_outside(verb, sent, source):
        return None
    end = sentence_bounds(sent)[1]
    text = doc_text(verb.doc)
    if text[end - 1] != "." or text[sentence_bounds(sent)[0] : source.start_char].strip():
        return None
    following = [q for q in quotes if q.closed and 0 <= q.start - end <= 4]
    if not following or "\n\n\n" in text[end : following[0].start]:
        return None
    if leads_into_cue(text, following[0], following[0].end):
        return None  # '“We are at war …,” Rubio said': the quote's own cue follows
    return following[0].start, following[0].end


def _words_outside(verb: Token, sent: Span, source: Span) -> bool:
    """Whether anything but the source, the cue's setting and punctuation follows the cue."""
    named = set(range(source.start, source.end))
    settings = {
        t.i for c in verb.children if is_setting(c) or c.dep_ == "npadvmod" for t in c.subtree
    }
    return any(
        not (t.is_punct or t.is_space or t.i in named or t.i in settings)
        for t in verb.doc[verb.i + 1 : sent.end]
    )


def _parenthetical(verb: Token, sent: Span) -> tuple[int, int] | None:
    """A short cue set inside or after the content it reports, with no clause of its
    own: 'The plan, he said, was dead on arrival.' → the whole sentence."""
    if verb.dep_ not in ("parataxis", "ccomp", "conj", "advcl") or verb.head is verb:
        return None
    # 'his top aide, Tad Devine, told The Huffington Post.': long, but with no clause.
    clauses = [t for t in verb.subtree if t.tag_.startswith("VB") and t is not verb]
    if cue_family(verb.head) is not None or clauses or len(list(verb.subtree)) > 20:
        return None
    if not any(c.dep_ in SUBJECTS for c in verb.children):
        return None
    return sentence_bounds(sent)


def _object_content(verb: Token, lemma: str, family: str) -> tuple[int, int] | None:
    """'calling it a “great meeting”' → 'it a “great meeting”'; 'criticised Khan for making
    “very rude statements”' → 'Khan for making …'; 'vowed to steer the conflict' → 'to
    steer the conflict'; 'called for more “flexibility”' → 'for more “flexibility”'."""
    if lemma == "tell":
        return _told_content(verb)
    if lemma == "say":
        return _said_object(verb)
    if any(c.dep_ == "auxpass" for c in verb.children):
        return None  # 'will be dubbed the “Defeat Crooked Hillary PAC”' names, not says
    deps = {"xcomp"} if lemma in INFINITIVE_CUES else set()
    if lemma in OBJECT_CUES or family == "learned":
        deps |= {"dobj", "oprd", "xcomp", "prep", "attr", "dative", "ccomp"}
    parts = [
        t
        for c in verb.children
        if c.dep_ in deps and c.i > verb.i and not is_setting(c)
        for t in c.subtree
    ]
    if not any(
        c.dep_ in ("dobj", "xcomp", "oprd")
        or (c.dep_ == "prep" and c.lower_ in ("for", "of", "as", "on", "about"))
        # '…,” he said, referring to the party’s convention' / 'refers to him as “…”'.
        or (c.dep_ == "prep" and c.lower_ == "to" and verb.lower_.startswith("refer"))
        for c in verb.children
        if c.i > verb.i
    ):
        return None
    # 'he urged them' names who was spoken to, not what was said.
    words = [t for t in parts if not t.is_punct]
    return char_span(parts) if len(words) > 1 else None


def _said_object(verb: Token) -> tuple[int, int] | None:
    """What was said as a word or name: 'Cruz said "CNN" five times', 'he said Ryan',
    'the candidate said no'."""
    for child in verb.children:
        if child.i > verb.i and child.dep_ in ("dobj", "intj", "attr", "oprd"):
            if child.lower_ in ("so", "this", "that", "it", "something", "nothing"):
                return None
            return char_span(child.subtree)
    return None


def _told_content(verb: Token) -> tuple[int, int] | None:
    """What follows the one told, when the parse made no clause of it: 'with one official
    telling the Post they “self-destruct or lose battery charge …”'."""
    told = [c for c in verb.children if c.dep_ in ("dobj", "dative") and c.i > verb.i]
    if not told:
        return None
    after = max(t.i for t in told[0].subtree)
    rest = [t for t in verb.subtree if t.i > after and not t.is_space]
    words = [t for t in rest if not t.is_punct]
    return char_span(rest) if len(words) > 2 else None


def is_setting(token: Token) -> bool:
    """A prepositional phrase that says where or when, not what: 'in a statement',
    'on Wednesday', 'at a rally'."""
    if token.dep_ != "prep":
        return False
    objects = [c for c in token.children if c.dep_ == "pobj"]
    if token.lower_ in ("at", "during", "after", "before", "while", "since", "in"):
        return True
    if not objects:
        # 'accused Clinton of being too cozy with Wall Street': a gerund, what was said.
        return token.lower_ != "for" and not any(c.dep_ == "pcomp" for c in token.children)
    return objects[0].ent_type_ in ("DATE", "TIME")


def _colon_content(verb: Token, sent: Span, quotes: list[Quote]) -> tuple[int, int] | None:
    """'Cruz continued:' followed by the quote, in the same sentence or the next
    paragraph: 'Lombardi said: “I’m not expecting anything.”'."""
    doc = verb.doc
    after = [t for t in doc[verb.i + 1 : sent.end] if not t.is_space]
    colon = next((t for t in after[:6] if t.text == ":"), None)
    if colon is None and after and after[-1].text == ":" and not any(cue_family(t) for t in after):
        # 'the committee said about its inclusion of Planned Parenthood in the latest
        # draft of its platform:' and the quote in the next paragraph.
        colon = after[-1]
    if colon is None:
        return None
    rest = [t for t in after if t.i > colon.i]
    if rest:
        return rest[0].idx, rest[-1].idx + len(rest[-1].text)
    following = [q for q in quotes if q.start >= colon.idx and q.start - colon.idx < 8]
    return (following[0].start, following[0].end) if following else None


def _adjacent_quote(verb: Token, sent: Span, source: Span | None, quotes: list[Quote]):
    """A quote right before or after the cue that the parse did not attach:
    '“It’s fine,” Trump said of waterboarding.' / 'He says, “that’s how you get smart.”'."""
    near_start = min(verb.idx, source.start_char if source is not None else verb.idx)
    near_end = max(verb.idx + len(verb.text), source.end_char if source is not None else 0)
    text = doc_text(verb.doc)
    for quote in quotes:
        if 0 <= near_start - quote.end <= 3 and leads_into_cue(text, quote, near_start):
            start = sentence_bounds(sent)[0]
            # '“A,” she said, but despite the tone, “B,” said Kunin': B alone is Kunin's.
            if start < quote.start and any(m in text[start : quote.start] for m in QUOTE_MARKS):
                start = quote.start
            return min(quote.start, start), quote.end
        between = text[near_end : quote.start].strip()
        # A real quote, not a word in scare quotes: 'what she calls “real solutions.”'
        real = quote.words(text) >= 3 or text[quote.end - 2] in ".?!,"
        if 0 <= quote.start - near_end <= 3 and between in (",", ":", "") and real:
            return quote.start, quote.end
    return None


def _quote_before(verb: Token, sent: Span, source: Span | None, quotes: list[Quote]):
    """The closed quote right before the source and cue that leads into them, if any:
    '“…,” Spencer said' or '“…,” said Spencer', not '“…,” Trump said, adding'."""
    if verb.tag_ == "VBG":
        return None  # '… has “expanded the party,” claiming that …': the quote is another's
    text = doc_text(verb.doc)
    sentence_start = sentence_bounds(sent)[0]
    for quote in quotes:
        if not quote.closed or not 0 <= verb.idx - quote.end <= 80:
            continue
        # Only a quote opening its sentence: 'Humphrey, who calls Trump a “sociopath,” said'
        # has the quote inside the source's name.
        if text[min(quote.start, sentence_start) : quote.start].strip():
            continue
        between = text[quote.end : verb.idx]
        if "\n" in between:
            continue
        if source is not None and quote.end <= source.start_char < verb.idx:
            between = text[quote.end : source.start_char] + text[source.end_char : verb.idx]
        if between.strip(" \n\t\u00a0") == "" and leads_into_cue(text, quote, quote.end):
            return min(quote.start, sentence_bounds(sent)[0]), quote.end
    return None


def leads_into_cue(text: str, quote: Quote, cue_start: int) -> bool:
    """Whether a quote hands over to the attribution after it: '“…,” he said' or
    '“Who do they think they are?” Trump said', not a sentence closed by a full stop
    ('… “treated me so well.” He touted his victories').
    """
    if text[quote.end : cue_start].strip():
        return False
    # Past a closing inner quote: '“… what can we do to help?’” Renteria told reporters'.
    i = quote.end - 2
    while i > quote.start and text[i] in "'’ ":
        i -= 1
    return text[i] in ",?!—–-" or text[quote.end : quote.end + 1] == ","


def cue_tokens(verb: Token) -> list[Token]:
    """The cue as printed: 'has said', 'pointed out', 'also said'."""
    extra = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt")]
    return [verb, *sorted(extra, key=lambda t: t.i)]


# What a finding's object can be reported from: 'a CNN/ORC poll showed a one-point
# difference', 'records show Pate gave only to Rubio'.
EVIDENCE_NOUNS = (
    lexicon.FINDING_NOUNS
    | lexicon.DOCUMENT_NOUNS
    | frozenset(
        ["records", "documents", "results", "numbers", "figures", "video", "polls", "surveys"]
    )
)


def _finding_object(verb: Token, source: Span | None) -> tuple[int, int] | None:
    """What a poll, a study or a record shows when the parse gave it an object rather
    than a clause: 'a Fox News poll shows Sanders with 47 percent versus Clinton'."""
    if source is None or source.root.lower_ not in EVIDENCE_NOUNS:
        return None
    parts = [
        t
        for c in verb.children
        if c.i > verb.i and c.dep_ in ("dobj", "prep", "oprd", "xcomp") and not is_setting(c)
        for t in c.subtree
    ]
    if not any(c.dep_ == "dobj" and c.i > verb.i for c in verb.children):
        return None
    return char_span(parts) if len([t for t in parts if not t.is_punct]) > 1 else None


def content_of(verb, sent, source, quotes, lemma, family):
    """The first content rule that applies, with its name."""
    # '“His legend will live on,” Spencer said, as fighters worked out': the quote
    # handing over to the cue is the content, whatever clause the parse hung after it.
    if family in ("speech", "written"):
        inside = _interrupting(verb, sent, source)
        if inside is not None:
            return inside, "interrupted"
    before = _quote_before(verb, sent, source, quotes)
    if before is not None and family in ("speech", "written"):
        return before, "adjacent-quote"
    rules = [("clause", lambda: _clause_content(verb, sent, source))]
    if family in ("speech", "written", "learned"):
        rules += [
            ("colon", lambda: _colon_content(verb, sent, quotes)),
            ("object", lambda: _object_content(verb, lemma, family)),
            ("adjacent-quote", lambda: _adjacent_quote(verb, sent, source, quotes)),
        ]
    if family == "finding":
        rules.append(("object", lambda: _finding_object(verb, source)))
    if family in ("speech", "written"):
        rules.append(("trailing", lambda: _trailing_content(verb, sent, source)))
        rules.append(("lead-in", lambda: _quote_after_sentence(verb, sent, source, quotes)))
        rules.append(("parenthetical", lambda: _parenthetical(verb, sent)))
    if family in ("speech", "written", "belief", "finding"):
        rules.append(("passive", lambda: passive_content(verb, source)))
    for name, rule in rules:
        found = rule()
        if found is not None and found[1] > found[0]:
            return found, name
    return None


def passive_content(verb: Token, source: Span | None) -> tuple[int, int] | None:
    """A cue in the passive with no one named: 'the dissolution of the club was
    announced' → 'the dissolution of the club'; 'Reagan was criticized for trading a
    guilty man' → 'Reagan … for trading a guilty man'; 'most such laws were thought to
    be safe' (a belief) → all of it (credited to no one). Not for learned
    cues: 0.39 of those matched on train, against 0.67 for the lexicon's."""
    if source is None or not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if any(c.dep_ == "agent" for c in verb.children):
        return None
    if verb.lower_ in ("expected", "projected", "predicted") and any(
        c.dep_ == "xcomp" for c in verb.children
    ):
        return None  # 'Trump is expected to win': attribution.expectation_frames
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass" and c.i < verb.i]
    if not subjects or subjects[0].i != source.root.i or subjects[0].tag_ == "PRP":
        return None
    parts = [t for t in subjects[0].subtree]
    parts += [
        t
        for c in verb.children
        if c.i > verb.i and c.dep_ in ("prep", "xcomp", "oprd") and not is_setting(c)
        for t in c.subtree
    ]
    return char_span(parts)
