"""Full-text search over statements and fuzzy search over speakers.

One interface, two backends, so that callers never branch on the database vendor:
PostgreSQL full-text search and pg_trgm, or SQLite FTS5 and a trigram measure computed
in Python. The indexes and the triggers that keep them in sync are defined in
quotes/search_index.py, which documents their design.

Queries use web-search syntax: words (all must match), "exact phrase", `or` between
alternatives (binding more loosely than the implicit AND, as in PostgreSQL's
websearch_to_tsquery) and -excluded. The query is parsed here once and rewritten for
each backend, so both agree on what it means and user input never reaches FTS5 MATCH
unquoted. Each word and phrase is expanded with the compound lexicon learned from the
corpus (quotes/variants.py): "landmines" also finds "land mines" and "land-mines", and
the head word "mines" finds "landmines". Known differences: PostgreSQL ignores English
stop words ("the", "may") and SQLite does not; stemming (snowball english vs porter)
differs on rare words.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache, reduce
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import Col, Expression, RawSQL
from django.db.models.functions import Cast

from quotes import variants
from quotes.generation import data_generation
from quotes.models import Speaker, Statement
from quotes.search_index import (
    GT,
    LT,
    SQLITE_REBUILD,
    SQLITE_REBUILD_FIRST_REPORTED,
    SQLITE_WEIGHTS,
    START,
    STOP,
)

SNIPPET_WORDS = 30
# Bounds the work one query can ask of the database.
MAX_TERMS = 32
# Other spellings one term may bring in ("mines": "landmines", "antipersonnel mines"…).
MAX_SPELLINGS = 8
# Equal ranks go newest first: each day since 1900 adds this much (at most ~5e-7, far
# below the gap between ranks that differ).
RECENCY_PER_DAY = 1e-11
# Relevance ordering ranks at most this many matches, the most recent (see
# relevance_candidates); the key that orders by relevance.
RANKED_MATCHES = 1_000
RANK = "search_rank"
# Trigram similarity (0..1) a speaker's name or alias must reach on SQLite; PostgreSQL
# uses pg_trgm.word_similarity_threshold (0.6 by default), a more lenient measure.
SQLITE_SIMILARITY_THRESHOLD = 0.5

_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_USABLE = re.compile(r"[^\W_]")
_WORD = re.compile(r"[^\W_]+")
# Initialisms: two to five capitals ("US", "NATO"), or letters each followed by a dot
# (the last dot optional: "U.S.", "U.N").
_CAPITALS = re.compile(r"[A-Z]{2,5}")
_DOTTED = re.compile(r"(?:[A-Z]\.){1,4}[A-Z]\.?")
# Everyday words an initialism's letters or a stripped contraction can spell: the full-text
# index ignores case, so "U.S." searched as "US" would find every "us", "it's" as "it"
# every "it". A short list of our own: no stopword list of either database fits both.
COMMON_WORDS = frozenset(
    [
        "am",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "ok",
        "on",
        "or",
        "pm",
        "so",
        "to",
        "up",
        "us",
        "we",
        "she",
        "that",
        "there",
        "here",
        "what",
        "who",
        "where",
        "let",
    ]
)
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['\u2019]s\b", re.IGNORECASE)
_MARKERS = str.maketrans("", "", START + STOP + LT + GT)
_MARKS = str.maketrans("", "", START + STOP)


@dataclass(frozen=True)
class Term:
    """A word or quoted phrase of a web-search query, with the other ways the corpus
    writes it (the compound lexicon's)."""

    text: str
    negated: bool = False
    spellings: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.spellings)


# Alternatives separated by `or`; each a list of terms that must all hold.
Query = list[list[Term]]


def parse_web_search(q: str) -> Query:
    """The alternatives of `q`, each with at least one required (non-negated) term.

    Terms without a letter or digit are dropped, and so are alternatives made only of
    exclusions: they would match nearly every statement.
    """
    alternatives: Query = [[]]
    count = 0
    for match in _TOKEN.finditer(q.replace("\x00", " ")):
        minus, phrase, word = match.groups()
        if phrase is None and not minus and word.lower() == "or":
            alternatives.append([])
        elif _USABLE.search(phrase or word or "") and count < MAX_TERMS:
            alternatives[-1].append(Term(phrase if phrase is not None else word, bool(minus)))
            count += 1
    return [terms for terms in alternatives if any(not term.negated for term in terms)]


def with_spellings(query: Query, lexicon: variants.Lexicon) -> Query:
    """`query` with each term's other spellings (see Term), and two words typed apart
    that the corpus also writes as one (land mines) matching that compound too: the
    alternative `… landmines …` beside `… land mines …`."""
    expanded: Query = []
    for terms in query:
        spelled = [_spelled(term, lexicon) for term in terms]
        expanded.append(spelled)
        expanded.extend(_joined(spelled, lexicon))
    return expanded


def _joined(terms: list[Term], lexicon: variants.Lexicon) -> Query:
    joined: Query = []
    for index, (first, second) in enumerate(itertools.pairwise(terms)):
        variant = lexicon.joined(first.text.casefold(), second.text.casefold())
        if variant and not (first.negated or second.negated):
            compound = _spelled(Term(variant.compound), lexicon)
            joined.append([*terms[:index], compound, *terms[index + 2 :]])
    return joined


def initialisms(text: str) -> list[str]:
    """The other way to write an initialism as typed: "US" is also printed "U.S.", and
    "U.K." (or "U.K") "UK". Only capitals count, and "U.S." is not widened to "US",
    which the index cannot tell from the pronoun "us" (COMMON_WORDS)."""
    if _CAPITALS.fullmatch(text):
        return [".".join(text) + "."]
    if _DOTTED.fullmatch(text) and (plain := text.replace(".", "")).casefold() not in COMMON_WORDS:
        return [plain]
    return []


def _spelled(term: Term, lexicon: variants.Lexicon) -> Term:
    words = variants.words(term.text)
    if not words:
        return term
    others = [" ".join(phrase) for phrase in lexicon.spellings(words)]
    others += initialisms(term.text)
    # "Austin's" is Austin: PostgreSQL's parser drops the "s", SQLite's tokenizer keeps it
    # as a word of its own, which only the possessive itself would match.
    plain = _POSSESSIVE.sub("", term.text)
    if plain != term.text and plain.casefold() not in COMMON_WORDS:  # not "it's", "he's"
        others.insert(0, plain.casefold())
    if len(words) == 1:  # a head word finds its compounds: "mines", "landmines"
        others += [variant.compound for variant in lexicon.compounds_headed_by(words[0])]
    written = " ".join(words)
    if term.text.casefold() != written:  # "land-mines": PostgreSQL keeps the hyphenated word
        others.insert(0, written)
    unique = [other for other in dict.fromkeys(others) if other != term.text.casefold()]
    return replace(term, spellings=tuple(unique[:MAX_SPELLINGS]))


_lexicons: dict[str, tuple[int | None, variants.Lexicon]] = {}


def lexicon(using: str) -> variants.Lexicon:
    """The compound lexicon of database `using`, kept per process until its data
    generation moves (a rebuild of the lexicon moves it)."""
    generation = data_generation(using)
    cached = _lexicons.get(using)
    if cached is None or cached[0] != generation or generation is None:
        _lexicons[using] = (generation, variants.Lexicon.load(using))
    return _lexicons[using][1]


def parsed(q: str, using: str) -> Query:
    """`q` parsed and expanded, as the backends take it."""
    query = parse_web_search(q)
    return with_spellings(query, lexicon(using)) if query else query


def to_fts5(query: Query) -> str:
    """`query` as an FTS5 MATCH expression in which every term is a quoted string."""

    def quoted(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    def either(term: Term) -> str:
        forms = [quoted(form) for form in term.forms]
        return forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"

    alternatives = []
    for terms in query:
        required = " AND ".join(either(term) for term in terms if not term.negated)
        excluded = "".join(f" NOT {either(term)}" for term in terms if term.negated)
        alternatives.append(f"(({required}){excluded})")
    return " OR ".join(alternatives)


def to_tsquery(query: Query) -> SearchQuery:
    """`query` as PostgreSQL full-text query: each form a phrase query (a word is a
    phrase of one), forms of a term OR-ed, terms AND-ed, exclusions negated."""

    def phrase(text: str) -> SearchQuery:
        return SearchQuery(text, config="english", search_type="phrase")

    def required(term: Term) -> SearchQuery:
        return reduce(lambda a, b: a | b, map(phrase, term.forms))

    def excluded(term: Term) -> SearchQuery:
        # None of its forms (a combined query cannot itself be negated).
        return reduce(lambda a, b: a & b, (~phrase(form) for form in term.forms))

    def conjunction(terms: list[Term]) -> SearchQuery:
        parts = [excluded(t) if t.negated else required(t) for t in terms]
        return reduce(lambda a, b: a & b, parts)

    return reduce(lambda a, b: a | b, map(conjunction, query))


def search_statements(queryset: QuerySet[Statement], q: str) -> QuerySet[Statement]:
    """Narrow `queryset` to statements matching the web-search query `q`, annotated with
    `search_rank` (float, higher is more relevant). Does not order. A query with no
    usable terms yields an empty queryset. Must stay a lazy QuerySet (composable with
    further .filter(), .order_by("-search_rank", "-id"), slicing, .count(), and
    prefetch_related), and must work when `queryset` is already filtered/annotated."""
    queryset = queryset.all()  # a manager too
    query = parsed(q, queryset.db)
    if not query:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    vendor = _vendor(queryset.db)
    if vendor == "postgresql":
        return _postgresql_search(queryset, query)
    return _sqlite_search(queryset, query)


def newest_added(queryset: QuerySet[Statement]) -> Any:
    """The order "most recently added first" for `queryset`: by id, except that a
    search on SQLite reads it off the full-text index (its rowids are the ids), which
    hands matches out in that order, where sorting them by the statements' ids would
    first collect every match (70 ms for a common word at 100,000 statements)."""
    if SQLITE_FTS in queryset.all().query.extra_tables:
        return RawSQL(f"{SQLITE_FTS}.rowid", ()).desc()
    return F("pk").desc()


def ranked_candidates(queryset: QuerySet[Statement]) -> list[tuple[int, float]]:
    """(id, search_rank) of the matches relevance ordering ranks (`queryset` from
    search_statements): its RANKED_MATCHES most recently added, in one query.

    Ranking is a score per row, so ranking every match of a term found in a fifth of a
    million statements reads and scores 200,000 rows for each page (~300 ms or more).
    The most recent matches come off an index in id order, the database stopping as
    soon as it has enough (or, for a rare term, the full-text index hands over its few),
    and only those are scored: a page costs the same however common the term. Counting
    is unaffected: callers count `queryset` itself.
    """
    newest = queryset.order_by(newest_added(queryset))
    return list(newest.values_list("pk", RANK)[:RANKED_MATCHES])


def best_matches(queryset: QuerySet[Statement], limit: int) -> list[int]:
    """The ids of the `limit` most relevant of ranked_candidates, best first."""
    pairs = sorted(ranked_candidates(queryset), key=lambda pair: (pair[1], pair[0]), reverse=True)
    return [pk for pk, _ in pairs[:limit]]


def highlights(statements: Iterable[Statement], q: str) -> dict[int, str]:
    """For the given (page of) statements, a short HTML snippet each, keyed by statement
    id: matched words in <mark>…</mark>, everything else escaped. One SQL query for the
    whole page (not one per row). When the match was only in the speaker's name, return a
    snippet of the statement text without marks. Snippets around ~30 words, '…' where cut."""
    page = list(statements)
    if not page:
        return {}
    using = page[0]._state.db or "default"
    query = parsed(q, using)
    ids = [statement.pk for statement in page]
    found: dict[int, str] = {}
    if query and _vendor(using) == "postgresql":
        found = _postgresql_highlights(using, ids, query)
    elif query:
        found = _sqlite_highlights(using, ids, query)
    return {statement.pk: found.get(statement.pk) or _plain(statement.text) for statement in page}


def search_speakers(queryset: QuerySet[Speaker], q: str) -> QuerySet[Speaker]:
    """Speakers whose name or an alias resembles `q`, annotated with `similarity`
    (0..1), most similar first. Tolerant of misspellings."""
    q = " ".join(q.replace("\x00", " ").split())
    if not _USABLE.search(q):
        return queryset.none().annotate(similarity=Value(0.0, output_field=FloatField()))
    if _vendor(queryset.db) == "postgresql":
        names = Func(
            F("name"), F("aliases"), function="quotes_search_names", output_field=TextField()
        )
        similarity = Cast(TrigramWordSimilarity(Value(q), names), FloatField())
        # The operator, not a comparison with the function, so the trigram index applies.
        narrowed = (
            queryset.alias(search_names=names)
            .annotate(similarity=similarity)
            .filter(search_names__trigram_word_similar=q)
        )
    else:
        _register_sqlite_functions(sender=None, connection=connections[queryset.db])
        similarity = Func(
            Value(q),
            F("name"),
            F("aliases"),
            function="quotes_name_similarity",
            output_field=FloatField(),
        )
        narrowed = queryset.annotate(similarity=similarity).filter(
            similarity__gte=SQLITE_SIMILARITY_THRESHOLD
        )
    return narrowed.order_by("-similarity", "name", "pk")


def rebuild_search_index(using: str = "default") -> None:
    """Recompute the whole statement search index in set-based SQL, e.g. after a bulk
    load that bypassed the triggers. Safe to run at any time."""
    vendor = _vendor(using)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        if vendor == "postgresql":
            # Defined beside the triggers (quotes.search_index), so the two cannot drift.
            cursor.execute("SELECT quotes_rebuild_search_index()")
        else:
            cursor.execute("DELETE FROM quotes_statement_fts")
            cursor.execute(SQLITE_REBUILD)
            cursor.execute(SQLITE_REBUILD_FIRST_REPORTED)


# --- Backends -------------------------------------------------------------------------


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"Statement search does not support {vendor}.")
    return vendor


class _SearchVector(Expression):
    """quotes_statement.search_vector, a column only the database knows (quotes.search_index),
    aliased like the statement row so that it survives joins and subqueries."""

    output_field = SearchVectorField()

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Col:
        pk = F("pk").resolve_expression(query, *args, **kwargs)
        return Col(pk.alias, _SEARCH_VECTOR_FIELD)


_SEARCH_VECTOR_FIELD = SearchVectorField()
_SEARCH_VECTOR_FIELD.set_attributes_from_name("search_vector")
_SEARCH_VECTOR_FIELD.model = Statement  # expressions hash their columns' fields by model


def _recency(vendor: str) -> Func:
    """Days since 1900 of the statement's date (or its first report), times
    RECENCY_PER_DAY: added to a rank, it puts equal ranks newest first."""
    day = Func(
        F("said_on"),
        F("first_reported_on"),
        template="coalesce(%(expressions)s)",
        output_field=TextField(),
    )
    days = _DAYS if vendor == "postgresql" else _SQLITE_DAYS
    return Func(day, template=days, output_field=FloatField())


_DAYS = f"(coalesce(%(expressions)s - DATE '1900-01-01', 0) * {RECENCY_PER_DAY})"
_SQLITE_DAYS = (
    f"(coalesce(julianday(%(expressions)s) - julianday('1900-01-01'), 0) * {RECENCY_PER_DAY})"
)


def _postgresql_search(queryset: QuerySet[Statement], query: Query) -> QuerySet[Statement]:
    tsquery = to_tsquery(query)
    # A query left with only exclusions once stop words are gone ("the -war") cannot
    # use the index; querytree() says so and the planner folds this to a constant.
    indexable = Func(
        tsquery,
        template="(querytree(%(expressions)s)::text <> 'T')",
        output_field=BooleanField(),
    )
    # float4 from PostgreSQL reaches Python as its shortest decimal, which no longer
    # equals the stored value: keyset cursors need the exact float8.
    rank = Cast(
        SearchRank(_SearchVector(), tsquery, normalization=Value(1), cover_density=True),
        FloatField(),
    )
    rank = rank + _recency("postgresql")
    return (
        queryset.alias(search_vector=_SearchVector())
        .annotate(search_rank=rank)
        .filter(search_vector=tsquery)
        .filter(indexable)
    )


SQLITE_FTS = "quotes_statement_fts"
# The negated bm25 score of the statement's row in the full-text table joined to it:
# higher is more relevant; column weights follow PostgreSQL's A to D.
_SQLITE_BM25 = f"-bm25({SQLITE_FTS}, {', '.join(map(str, SQLITE_WEIGHTS))})"


def _sqlite_search(queryset: QuerySet[Statement], query: Query) -> QuerySet[Statement]:
    # A join with the full-text table, not `id IN (SELECT rowid … MATCH …)` and a bm25()
    # subquery per row: SQLite then reads the matches off the index in rowid order
    # (stopping when a count or a page has enough), and scores each row as it passes,
    # where every correlated subquery ran the whole MATCH again (seconds for a common
    # word). extra() because the ORM cannot join a virtual table.
    joined = queryset.extra(
        tables=[SQLITE_FTS],
        where=[f"{SQLITE_FTS} MATCH %s", f'{SQLITE_FTS}.rowid = "quotes_statement"."id"'],
        params=[to_fts5(query)],
    )
    grouped = any(
        getattr(a, "contains_aggregate", False) for a in queryset.query.annotations.values()
    )
    if grouped:  # bm25() cannot be read in a GROUP BY: a subquery per row instead
        score = _Bm25(Value(to_fts5(query)), F("pk"))
    else:
        score = RawSQL(_SQLITE_BM25, (), output_field=FloatField())
    return joined.annotate(search_rank=score + _recency("sqlite"))


class _Bm25(Func):
    """The negated bm25 score of the statement's FTS5 row, as a subquery (a slow path,
    for querysets counting something per statement)."""

    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper, **extra: Any) -> Any:
        match_sql, match_params = compiler.compile(self.source_expressions[0])
        pk_sql, pk_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"(SELECT {_SQLITE_BM25} FROM {SQLITE_FTS} WHERE {SQLITE_FTS} MATCH {match_sql} "
            f"AND {SQLITE_FTS}.rowid = {pk_sql})"
        )
        return sql, (*match_params, *pk_params)


# --- Highlights -----------------------------------------------------------------------


def _postgresql_prepared(sql: str) -> str:
    return f"translate(translate({sql}, '{START}{STOP}{LT}{GT}', ''), '<>', '{LT}{GT}')"


# One fragment centres the match; ShortWord=0 keeps a fragment from dropping a short
# first or last word ("We will not back down").
_HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxFragments=1, '
    f"MaxWords={SNIPPET_WORDS}, MinWords=20, ShortWord=0"
)

_POSTGRESQL_HIGHLIGHTS = f"""
    SELECT s.id,
        ts_headline('english', t.document, q.query, %s), t.document,
        ts_headline('english', w.document, q.query, %s), w.document
    FROM quotes_statement AS s
    CROSS JOIN (SELECT {{tsquery}} AS query) AS q
    CROSS JOIN LATERAL (SELECT {_postgresql_prepared("s.text")} AS document) AS t
    CROSS JOIN LATERAL (
        SELECT {_postgresql_prepared("string_agg(DISTINCT a.quoted_text, ' … ')")} AS document
        FROM quotes_appearance AS a
        WHERE a.statement_id = s.id AND a.quoted_text <> s.text
    ) AS w
    WHERE s.id = ANY(%s)
"""


def _compiled(expression: Any, using: str) -> tuple[str, tuple]:
    """The SQL of a query expression, to run in hand-written SQL."""
    query = Statement.objects.using(using).all().query
    compiler = query.get_compiler(using)
    sql, params = compiler.compile(expression.resolve_expression(query))
    return sql, tuple(params)


def _postgresql_highlights(using: str, ids: list[int], query: Query) -> dict[int, str]:
    tsquery, tsquery_params = _compiled(to_tsquery(query), using)
    sql = _POSTGRESQL_HIGHLIGHTS.replace("{tsquery}", tsquery)
    params = (_HEADLINE_OPTIONS, _HEADLINE_OPTIONS, *tsquery_params, ids)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = {}
    for pk, text_headline, text, wording_headline, wordings in rows:
        # A wording is shown only when it, not the canonical text, holds the match.
        if START not in text_headline and wording_headline and START in wording_headline:
            found[pk] = _render(_with_ellipses(wording_headline, wordings))
        else:
            found[pk] = _render(_with_ellipses(text_headline, text))
    return found


def _with_ellipses(headline: str, document: str) -> str:
    """`headline` with '…' where ts_headline cut words from `document`; cut punctuation
    (an opening quote, a full stop) is put back instead."""
    shown = " ".join(headline.split())
    plain = shown.translate(_MARKS)
    whole = " ".join(document.split())
    at = whole.find(plain)
    if at < 0:
        return shown
    before, after = whole[:at], whole[at + len(plain) :]
    before = "…" if _USABLE.search(before) else before
    after = "…" if _USABLE.search(after) else after
    return before + shown + after


def _sqlite_highlights(using: str, ids: list[int], query: Query) -> dict[int, str]:
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        "SELECT rowid, snippet(quotes_statement_fts, 0, %s, %s, '…', %s), "
        "snippet(quotes_statement_fts, 1, %s, %s, '…', %s) FROM quotes_statement_fts "
        f"WHERE quotes_statement_fts MATCH %s AND rowid IN ({placeholders})"
    )
    marks = (START, STOP, SNIPPET_WORDS)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, (*marks, *marks, to_fts5(query), *ids))
        rows = cursor.fetchall()
    found = {}
    for pk, text_snippet, wording_snippet in rows:
        if START not in text_snippet and wording_snippet and START in wording_snippet:
            found[pk] = _render(wording_snippet)
        else:
            found[pk] = _render(text_snippet)
    return found


def _render(snippet: str) -> str:
    """Escape a marked-up snippet as HTML, then turn the private markers into tags."""
    escaped = html.escape(" ".join(snippet.split()))
    for marker, markup in ((START, "<mark>"), (STOP, "</mark>"), (LT, "&lt;"), (GT, "&gt;")):
        escaped = escaped.replace(marker, markup)
    return escaped


def _plain(text: str) -> str:
    """A snippet of `text` without marks, for statements the query did not match."""
    words = text.translate(_MARKERS).split()
    cut = "…" if len(words) > SNIPPET_WORDS else ""
    return html.escape(" ".join(words[:SNIPPET_WORDS])) + cut


# --- SQLite support -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _word_runs(name: str) -> Iterator[str]:
    """Every run of consecutive words in `name`, so "Austin" can match "Lloyd Austin"."""
    words = _WORD.findall(name)
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            yield " ".join(words[start:end])


def name_similarity(q: str, name: str | None, aliases: str | None) -> float:
    """The best trigram (Jaccard) similarity between `q` and a run of words in the name
    or one of the aliases (a JSON list, as SQLite stores it): 0..1."""
    wanted = _trigrams(q)
    try:
        others = json.loads(aliases or "[]")
    except ValueError:
        others = []
    names = [name or "", *(alias for alias in others if isinstance(alias, str))]
    scores = (
        len(wanted & grams) / len(wanted | grams)
        for candidate in names
        for run in _word_runs(candidate)
        if (grams := _trigrams(run))
    )
    return max(scores, default=0.0) if wanted else 0.0


def _register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(
            "quotes_name_similarity", 3, name_similarity, deterministic=True
        )


connection_created.connect(_register_sqlite_functions)
