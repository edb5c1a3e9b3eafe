"""Which existing statement each of an article's candidates repeats: all of them at
once, in a fixed number of queries per article (a batch import's matching was ~50 of
them: the search, its lexicon's generation and the appearances, for each candidate).

A candidate's shortlist is what quotes.extraction.resolve's match_statement would
compare, found more cheaply: the statements sharing two of the wording's rarest words
(not any one: a common word matches tens of thousands), the most recent SEARCHED of
them, ordered by how many of those words their text holds. On PostgreSQL the searches
of an article are one query, each candidate's full-text query written out as a
literal: built from quotes.search's parse of the same words, its phrases normalised
once per process, the planner then has constants to estimate (the expression of
phraseto_tsquery calls search_statements writes cost 3 to 18 ms of planning each).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from django.db import connections

from quotes import search, variants
from quotes.extraction import Candidate as Extracted
from quotes.extraction.resolve import (
    MIN_SIMILARITY,
    SHORTLIST,
    distinctive_words,
    similarity,
    wording_of,
    words,
)
from quotes.extraction.types import StatementMatch
from quotes.generation import remembered
from quotes.models import Appearance, Statement

# Statements sharing two rare words with a candidate that are compared with it, at most.
SEARCHED = 60
# The rarest words of a wording whose pairs are searched: any pair of a repeated remark's
# three rarest words rarely misses it, where the pairs of six (the extractor's
# SEARCH_WORDS) are dominated by the commonest, whose matches crowd it out of the newest
# SEARCHED. bench/matching.py at 1,000,000 generated statements: 94.0 % of its
# wordings found with three, 65.0 % with six (2.5 and 12.3 ms a wording).
PAIRED = 3
# The rarest words of a wording in English among which, on PostgreSQL, the PAIRED rarest
# in the archive are chosen: enough that stop words, words in no statement and the
# archive's common ones still leave PAIRED.
CONSIDERED = 6 * PAIRED
# Phrases normalised by PostgreSQL (phraseto_tsquery), kept per process: the words of
# news repeat, so after the first articles nearly every one is known.
_normalised: dict[str, str] = {}
_NORMALISED_KEPT = 200_000
# Walking the ids down reads SEARCHED / share rows, collecting the matches share × rows,
# each several times dearer: the queries of 60 PolNeAR articles at 100,000 statements
# cost least in all with this factor (1,732 ms, against 3,228 left to the planner).
DENSE = 0.3

# Normal forms some statement holds (statements are rarely deleted: a stale entry only
# costs a search that finds nothing).
_held: set[str] = set()
_spelled_pairs: dict[str, search.Query] = {}
_spelled_with: variants.Lexicon | None = None
_statistics_of: dict[str, tuple[float, dict[str, float]]] = {}
_LEXEME = re.compile(r"'((?:[^']|'')*)'")

Row = tuple[int, str]


def repeated_statements(
    items: Sequence[Extracted], using: str = "default"
) -> list[StatementMatch | None]:
    """For each candidate, the existing statement it repeats (or None), as
    proposals.repeated_statement finds it for one."""
    wordings = [wording_of(item) for item in items]
    searched = _rarest(
        [distinctive_words(wording, limit=CONSIDERED) for wording in wordings], using
    )
    with remembered():  # one read of the data generation for all the searches
        found = _recent(searched, using)
    shortlists = [_shortlist(rows, words_) for rows, words_ in zip(found, searched, strict=True)]
    printed = _appearances({pk for shortlist in shortlists for pk in shortlist}, using)
    return [
        _best(wording, shortlist, printed)
        for wording, shortlist in zip(wordings, shortlists, strict=True)
    ]


def _rarest(considered: list[list[str]], using: str) -> list[list[str]]:
    """The PAIRED words of each list (rarest in English first) to search for. On
    PostgreSQL, the rarest in the archive itself, by the planner's statistics of the
    search vectors, none that the index leaves out (stop words) and none that no
    statement holds (a name new to the archive, a typo: a pair with it finds nothing).
    A word rare in English may be in a tenth of the archive, and pairs of such words
    found hundreds of statements newer than the one repeated. bench/matching.py has the
    figures: at 1,000,000 generated statements, 94 % of its wordings found so (65 % with
    six words), 94 % of those with two made-up words too (0 % before such words were
    left out). On SQLite (no statistics), the PAIRED rarest in English."""
    if connections[using].vendor != "postgresql":
        return [words_[:PAIRED] for words_ in considered]
    _normalise({word for words_ in considered for word in words_}, using)
    _, frequencies = _statistics(using)
    lexemes_of = []  # per list: normal form -> its first word, rarest in English first
    for words_ in considered:
        lexemes: dict[str, str] = {}
        for word in words_:
            if lexeme := _normalised[word]:  # a stop word has none
                lexemes.setdefault(lexeme, word)
        lexemes_of.append(lexemes)
    absent = _absent({lexeme for lexemes in lexemes_of for lexeme in lexemes}, frequencies, using)
    chosen = []
    for lexemes in lexemes_of:
        held = [lexeme for lexeme in lexemes if lexeme not in absent]
        # Stable: among words the statistics do not list (rarer than every listed one),
        # English rarity decides.
        ranked = sorted(held, key=lambda lexeme: _phrase_share(lexeme, frequencies))
        chosen.append([lexemes[lexeme] for lexeme in ranked[:PAIRED]])
    return chosen


def _absent(lexemes: set[str], frequencies: dict[str, float], using: str) -> set[str]:
    """The normal forms (tsqueries) no statement holds, asked of the full-text index in
    one query for those the statistics do not list (rare ones: a short posting list
    each) and not already seen held. Held ones are remembered; absent ones are asked
    again, as the next article of a batch may be the one that adds them."""
    unknown = sorted(
        lexeme
        for lexeme in lexemes
        if lexeme not in _held and not _phrase_share(lexeme, frequencies)
    )
    if not unknown:
        return set()
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT q FROM unnest(%s::text[]) AS q WHERE NOT EXISTS "
            f"(SELECT 1 FROM {Statement._meta.db_table} WHERE search_vector @@ q::tsquery)",
            [unknown],
        )
        absent = {row[0] for row in cursor.fetchall()}
    if len(_held) > _NORMALISED_KEPT:
        _held.clear()
    _held.update(set(unknown) - absent)
    return absent


def _query(searched: list[str]) -> str:
    """The web-search query of the statements sharing two of the words."""
    if len(searched) < 2:
        return ""
    return " or ".join(f"{a} {b}" for a, b in itertools.combinations(searched, 2))


def _recent(searched: list[list[str]], using: str) -> list[list[Row]]:
    """(id, text) of the SEARCHED most recent statements each query finds."""
    queries = [_query(words_) for words_ in searched]
    if connections[using].vendor == "postgresql":
        return _recent_on_postgresql(queries, using)
    found = []
    for query in queries:
        if not query:
            found.append([])
            continue
        matches = search.search_statements(Statement.objects.using(using), query)
        found.append(list(matches.order_by("-id").values_list("id", "text")[:SEARCHED]))
    return found


def _recent_on_postgresql(queries: list[str], using: str) -> list[list[Row]]:
    lexicon = search.lexicon(using)
    parsed = [_spelled(q, lexicon) for q in queries]
    _normalise(
        {form for query in parsed for terms in query for t in terms for form in t.forms}, using
    )
    literals = [_tsquery(query) for query in parsed]
    rows, frequencies = _statistics(using)
    branches, params = [], []
    for n, (query, literal) in enumerate(zip(parsed, literals, strict=True)):
        if literal:
            # Where no part of the query is common, matches are few: collect them off
            # the full-text index and sort them ("id + 0"), rather than let the planner
            # walk the ids down (it estimates a word it has no statistics for at half
            # the rarest it has, and then reads the whole table for a word no statement
            # holds: 145 ms at 100,000 statements, against 0.1).
            dense = _density(query, frequencies) >= DENSE * math.sqrt(SEARCHED / max(rows, 1.0))
            branches.append(
                f"(SELECT %s AS n, id, text FROM {Statement._meta.db_table} "
                f"WHERE search_vector @@ %s::tsquery ORDER BY {'id' if dense else 'id + 0'} "
                "DESC LIMIT %s)"
            )
            params += [n, literal, SEARCHED]
    found: list[list[Row]] = [[] for _ in queries]
    if branches:
        with connections[using].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(branches), params)
            for n, pk, text in cursor.fetchall():
                found[n].append((pk, text))
    for matches in found:  # each branch came newest first; UNION ALL keeps no order
        matches.sort(key=lambda row: -row[0])
    return found


def _spelled(query: str, lexicon: variants.Lexicon) -> search.Query:
    """search.with_spellings(search.parse_web_search(query), lexicon), an alternative (a
    pair of words) at a time: each is spelled out on its own, and pairs recur."""
    global _spelled_with
    if _spelled_with is not lexicon:
        _spelled_pairs.clear()
        _spelled_with = lexicon
    spelled: search.Query = []
    for pair in query.split(" or ") if query else ():
        if pair not in _spelled_pairs:
            if len(_spelled_pairs) > _NORMALISED_KEPT:
                _spelled_pairs.clear()
            _spelled_pairs[pair] = search.with_spellings(search.parse_web_search(pair), lexicon)
        spelled += _spelled_pairs[pair]
    return spelled


def _statistics(using: str) -> tuple[float, dict[str, float]]:
    """The statements' estimated count and the share of them holding each of the
    commonest lexemes: what PostgreSQL's planner knows (pg_stats), read once a process."""
    if using not in _statistics_of:
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text::text[], "
                "s.most_common_elem_freqs FROM pg_class c LEFT JOIN pg_stats s "
                "ON s.schemaname = current_schema() AND s.tablename = c.relname "
                "AND s.attname = 'search_vector' "
                "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
                [Statement._meta.db_table],
            )
            row = cursor.fetchone() or (0.0, None, None)
        elements, shares = row[1] or [], row[2] or []
        # reltuples is -1 for a table never vacuumed nor analysed (PostgreSQL 14+):
        # unknown, as 0 is.
        _statistics_of[using] = (
            max(float(row[0] or 0.0), 0.0),
            dict(zip(elements, shares, strict=False)),
        )
    return _statistics_of[using]


def _density(query: search.Query, frequencies: dict[str, float]) -> float:
    """A lower bound, roughly, of the share of statements the query matches: its densest
    alternative's, counting only the lexemes the statistics list (others may be in no
    statement at all)."""
    best = 0.0
    for terms in query:
        # A term of stop words only drops out of its alternative, as in _tsquery.
        phrases = [[_normalised[f] for f in t.forms if _normalised[f]] for t in terms]
        if not any(phrases):
            continue
        share = 1.0
        for forms in filter(None, phrases):
            share *= min(1.0, sum(_phrase_share(phrase, frequencies) for phrase in forms))
        best = max(best, share)
    return best


def _phrase_share(phrase: str, frequencies: dict[str, float]) -> float:
    lexemes = [m.replace("''", "'") for m in _LEXEME.findall(phrase)]
    return min((frequencies.get(lexeme, 0.0) for lexeme in lexemes), default=0.0)


def _normalise(forms: set[str], using: str) -> None:
    """Learn PostgreSQL's tsquery for each new phrase ('mines' → 'mine'; a stop word →
    empty), in one query."""
    new = sorted(form for form in forms if form not in _normalised)
    if not new:
        return
    if len(_normalised) + len(new) > _NORMALISED_KEPT:
        # Emptied, the cache must be refilled with every form of this batch: the
        # callers read the ones it already held too.
        _normalised.clear()
        new = sorted(forms)
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT f, phraseto_tsquery('english', f)::text FROM unnest(%s::text[]) AS f",
            [new],
        )
        _normalised.update(cursor.fetchall())


def _tsquery(query: search.Query) -> str:
    """search.to_tsquery(query) written out (its forms normalised): forms of a term
    OR-ed, terms AND-ed, alternatives OR-ed; an empty part drops out, as PostgreSQL's
    && and || drop an empty operand. Excluded terms never occur in these queries."""
    return _either(
        _all(_either(_normalised[form] for form in term.forms) for term in terms) for terms in query
    )


def _either(parts: Iterable[str]) -> str:
    return " | ".join(f"( {part} )" for part in parts if part)


def _all(parts: Iterable[str]) -> str:
    return " & ".join(f"( {part} )" for part in parts if part)


def _shortlist(rows: list[Row], searched: list[str]) -> dict[int, str]:
    """The SHORTLIST rows holding most of the words (by substring: an order, not a
    score), the most recent first among equals."""
    ranked = sorted(rows, key=lambda row: (-sum(w in row[1].lower() for w in searched), -row[0]))
    return dict(ranked[:SHORTLIST])


def _appearances(ids: set[int], using: str) -> list[tuple[int, int, str]]:
    """(id, statement id, wording) of the statements' appearances, in the model's order."""
    if not ids:
        return []
    printed = Appearance.objects.using(using).filter(statement_id__in=ids)
    return list(printed.values_list("id", "statement_id", "quoted_text"))


def _best(
    wording: str, shortlist: dict[int, str], printed: list[tuple[int, int, str]]
) -> StatementMatch | None:
    """The most similar of the shortlist's texts and appearances, if any reaches
    MIN_SIMILARITY (the first of equals: the statements' texts, then the wordings)."""
    if not shortlist:
        return None
    options = [(text, pk, None) for pk, text in shortlist.items()] + [
        (text, statement_id, pk) for pk, statement_id, text in printed if statement_id in shortlist
    ]
    mine = word_counts(wording)
    best: StatementMatch | None = None
    for known, statement_id, appearance_id in options:
        if not may_be_similar(mine, word_counts(known)):
            continue
        score = similarity(wording, known)
        if score >= MIN_SIMILARITY and (best is None or score > best.similarity):
            best = StatementMatch(statement_id, score, appearance_id)
    return best


@lru_cache(maxsize=20_000)
def word_counts(text: str) -> Counter:
    """The words of a wording, counted (the same statements come up for many candidates)."""
    return Counter(words(text))


def may_be_similar(a: Counter, b: Counter) -> bool:
    """Whether two wordings (their word counts) can reach MIN_SIMILARITY at all: no
    alignment shares more words than both hold, which bounds both of resolve.similarity's
    measures, so most of the shortlist is passed over without aligning it (difflib)."""
    la, lb = a.total(), b.total()
    if not la or not lb:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    shared = sum(min(n, large[w]) for w, n in small.items() if w in large)
    ratio = 2 * shared / (la + lb)
    contained = 0.9 * shared / min(la, lb) if min(la, lb) >= 5 else 0.0
    return max(ratio, contained) >= MIN_SIMILARITY
