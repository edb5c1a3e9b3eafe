"""The statement search index, defined once: what is indexed, in which column or
weight, and the triggers that keep it in step with every write. quotes/search.py
queries it; the latest search-index migration installs it; the corpus loader bulk-builds
it; tests/test_search_index.py checks the database holds exactly these definitions.
Earlier migrations keep frozen copies of what they installed (a migration must go on
doing what it did when it was written).

PostgreSQL: quotes_statement.search_vector, a tsvector column the Django model does not
know about, GIN-indexed. Weight A is the canonical text, B every distinct wording that
differs from it, C the speaker's name and aliases (or, for a statement credited to an
organization speaking as a body, the organization's). All three use the 'english'
config: queries are stemmed with it too, so names indexed with 'simple' ('jones') would
never match a query stemmed to 'jone'. Also pg_trgm and a trigram GIN index over
speakers' names and aliases for fuzzy speaker search.

SQLite: an FTS5 table quotes_statement_fts(text, wordings, names), rowid = statement id,
with the porter tokenizer to come close to PostgreSQL's english stemming.

Caution for later migrations on SQLite: Django alters a table there by rebuilding it,
which drops the triggers on it and fails while triggers on other tables refer to it.
A migration that alters quotes_statement, quotes_appearance, quotes_speaker or
quotes_organization must drop the SQLite triggers before and create them after.
"""

from typing import Protocol

# Private-use characters: ts_headline()/snippet() emit START and STOP around matches,
# and on PostgreSQL "<" and ">" travel as LT and GT because ts_headline drops anything
# that looks like an HTML tag. The indexed copy of every text has all four stripped,
# so that a statement's own text can never forge a <mark>.
START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
MARKERS = (START, STOP, LT, GT)


class Executor(Protocol):
    def execute(self, sql: str) -> object: ...


# --- SQLite ---------------------------------------------------------------------------

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE quotes_statement_fts USING fts5("
    "text, wordings, names, tokenize = 'porter unicode61 remove_diacritics 2')"
)


def _sqlite_clean(expression: str) -> str:
    for marker in MARKERS:
        expression = f"replace({expression}, char({ord(marker)}), '')"
    return expression


def _sqlite_names(table: str) -> str:
    # A malformed aliases value must not break writes: it just adds no names.
    aliases = (
        f"CASE WHEN json_valid({table}.aliases) THEN "
        f"CASE json_type({table}.aliases) WHEN 'array' THEN {table}.aliases END END"
    )
    return (
        f"{table}.name || coalesce(' ' || "
        f"(SELECT group_concat(alias.value, ' ') FROM json_each({aliases}) AS alias), '')"
    )


# The FTS columns for the statement row `s`. Wordings identical to the canonical text
# add nothing, so they are left out; ' … ' separates wordings in snippets.
SQLITE_COLUMNS = f"""
    {_sqlite_clean("s.text")},
    (SELECT group_concat({_sqlite_clean("w.quoted_text")}, ' … ') FROM (
        SELECT DISTINCT a.quoted_text FROM quotes_appearance AS a
        WHERE a.statement_id = s.id AND a.quoted_text <> s.text
        ORDER BY a.quoted_text) AS w),
    CASE WHEN s.speaker_id IS NOT NULL
        THEN (SELECT {_sqlite_names("p")} FROM quotes_speaker AS p WHERE p.id = s.speaker_id)
        ELSE (SELECT {_sqlite_names("o")} FROM quotes_organization AS o
              WHERE o.id = s.organization_id)
    END"""

SQLITE_REBUILD = (
    "INSERT INTO quotes_statement_fts (rowid, text, wordings, names) "
    f"SELECT s.id, {SQLITE_COLUMNS} FROM quotes_statement AS s"
)


def _sqlite_refresh(ids: str) -> str:
    """Statements re-indexing the statements whose ids `ids` (SQL) yields."""
    return f"""
    DELETE FROM quotes_statement_fts WHERE rowid IN ({ids});
    INSERT INTO quotes_statement_fts (rowid, text, wordings, names)
        SELECT s.id, {SQLITE_COLUMNS} FROM quotes_statement AS s WHERE s.id IN ({ids});"""


# Only statements credited to the organization as a body carry its names.
_ORGANIZATION_STATEMENTS = (
    "SELECT id FROM quotes_statement WHERE speaker_id IS NULL AND organization_id = new.id"
)

SQLITE_TRIGGERS = {
    "quotes_statement_search_insert": f"""
        AFTER INSERT ON quotes_statement BEGIN {_sqlite_refresh("new.id")} END""",
    "quotes_statement_search_update": f"""
        AFTER UPDATE OF text, speaker_id, organization_id ON quotes_statement
        WHEN old.text IS NOT new.text OR old.speaker_id IS NOT new.speaker_id
            OR old.organization_id IS NOT new.organization_id OR old.id IS NOT new.id
        BEGIN {_sqlite_refresh("old.id, new.id")} END""",
    "quotes_statement_search_delete": """
        AFTER DELETE ON quotes_statement BEGIN
            DELETE FROM quotes_statement_fts WHERE rowid = old.id;
        END""",
    "quotes_appearance_search_insert": f"""
        AFTER INSERT ON quotes_appearance BEGIN {_sqlite_refresh("new.statement_id")} END""",
    "quotes_appearance_search_update": f"""
        AFTER UPDATE OF quoted_text, statement_id ON quotes_appearance
        WHEN old.quoted_text IS NOT new.quoted_text OR old.statement_id IS NOT new.statement_id
        BEGIN {_sqlite_refresh("old.statement_id, new.statement_id")} END""",
    "quotes_appearance_search_delete": f"""
        AFTER DELETE ON quotes_appearance BEGIN {_sqlite_refresh("old.statement_id")} END""",
    "quotes_speaker_search_update": f"""
        AFTER UPDATE OF name, aliases ON quotes_speaker
        WHEN old.name IS NOT new.name OR old.aliases IS NOT new.aliases
        BEGIN {_sqlite_refresh("SELECT id FROM quotes_statement WHERE speaker_id = new.id")} END""",
    "quotes_organization_search_update": f"""
        AFTER UPDATE OF name, aliases ON quotes_organization
        WHEN old.name IS NOT new.name OR old.aliases IS NOT new.aliases
        BEGIN {_sqlite_refresh(_ORGANIZATION_STATEMENTS)} END""",
}


def create_sqlite_triggers(executor: Executor) -> None:
    for name, definition in SQLITE_TRIGGERS.items():
        executor.execute(f"CREATE TRIGGER {name} {definition}")


def drop_sqlite_triggers(executor: Executor) -> None:
    for name in SQLITE_TRIGGERS:
        executor.execute(f"DROP TRIGGER IF EXISTS {name}")


# --- PostgreSQL -----------------------------------------------------------------------


def postgresql_documents(statements: str, wordings: str) -> str:
    """A query of (id, vector): the search vector of every statement in table
    `statements`, from the wordings in table `wordings` (statement_id, quoted_text).
    Set-based, one pass with hash joins rather than one lookup per statement. The
    tables are the real ones for a rebuild, the corpus loader's staging tables for a
    bulk load."""
    return f"""
            SELECT t.id, quotes_search_document(
                t.text,
                w.wordings,
                CASE WHEN t.speaker_id IS NOT NULL
                    THEN quotes_search_names(p.name, p.aliases)
                    ELSE quotes_search_names(o.name, o.aliases)
                END) AS vector
            FROM {statements} AS t
            LEFT JOIN (
                SELECT a.statement_id, string_agg(DISTINCT a.quoted_text, E'\\n') AS wordings
                FROM {wordings} AS a
                JOIN {statements} AS st ON st.id = a.statement_id
                WHERE a.quoted_text <> st.text
                GROUP BY a.statement_id
            ) AS w ON w.statement_id = t.id
            LEFT JOIN quotes_speaker AS p ON p.id = t.speaker_id
            LEFT JOIN quotes_organization AS o ON o.id = t.organization_id"""


# Function name and signature -> (declaration, body), so that a test can compare each
# body with what the database holds.
POSTGRESQL_FUNCTIONS = {
    # IMMUTABLE so that it can back the trigram index on speakers.
    "quotes_search_names(p_name text, p_aliases jsonb)": (
        "RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE",
        """
        SELECT p_name || coalesce(' ' || (
            SELECT string_agg(alias, ' ') FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(p_aliases) = 'array' THEN p_aliases END) AS alias), '')
    """,
    ),
    "quotes_search_document(p_text text, p_wordings text, p_names text)": (
        "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE",
        """
        SELECT setweight(to_tsvector('english', coalesce(p_text, '')), 'A')
            || setweight(to_tsvector('english', coalesce(p_wordings, '')), 'B')
            || setweight(to_tsvector('english', coalesce(p_names, '')), 'C')
    """,
    ),
    # Per-row work: this statement's appearances and one speaker or organization row.
    "quotes_statement_search_vector("
    "p_id bigint, p_text text, p_speaker_id bigint, p_organization_id bigint)": (
        "RETURNS tsvector LANGUAGE sql STABLE",
        """
        SELECT quotes_search_document(
            p_text,
            (SELECT string_agg(DISTINCT quoted_text, E'\\n') FROM quotes_appearance
             WHERE statement_id = p_id AND quoted_text <> p_text),
            CASE WHEN p_speaker_id IS NOT NULL
                THEN (SELECT quotes_search_names(name, aliases) FROM quotes_speaker
                      WHERE id = p_speaker_id)
                ELSE (SELECT quotes_search_names(name, aliases) FROM quotes_organization
                      WHERE id = p_organization_id)
            END)
    """,
    ),
    # Must produce exactly what quotes_statement_search_vector does (a test checks).
    "quotes_rebuild_search_index()": (
        "RETURNS void LANGUAGE sql",
        f"""
        UPDATE quotes_statement AS s SET search_vector = d.vector
        FROM ({postgresql_documents("quotes_statement", "quotes_appearance")}
        ) AS d
        WHERE d.id = s.id
    """,
    ),
}
