"""Full-text search index for statements, kept in sync by database triggers (see
quotes/search_index.py for the design).

The definitions as this migration installed them, frozen: quotes/search_index.py holds
the current ones, and later migrations change what is installed. 0005 imports the
SQLite trigger helpers below to survive its table rebuilds.
"""

from django.db import migrations

# Characters quotes/search.py uses as private markers in highlights; stripped from the
# indexed copy so that a statement's own text can never forge a <mark>.
SQLITE_MARKERS = [57344, 57345, 57346, 57347]


def _sqlite_clean(expression: str) -> str:
    for code in SQLITE_MARKERS:
        expression = f"replace({expression}, char({code}), '')"
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


def create_sqlite_triggers(schema_editor) -> None:
    for name, definition in SQLITE_TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER {name} {definition}")


def drop_sqlite_triggers(schema_editor) -> None:
    for name in SQLITE_TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_sqlite(schema_editor) -> None:
    schema_editor.execute(
        "CREATE VIRTUAL TABLE quotes_statement_fts USING fts5("
        "text, wordings, names, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    schema_editor.execute(
        "INSERT INTO quotes_statement_fts (rowid, text, wordings, names) "
        f"SELECT s.id, {SQLITE_COLUMNS} FROM quotes_statement AS s"
    )
    create_sqlite_triggers(schema_editor)


def uninstall_sqlite(schema_editor) -> None:
    drop_sqlite_triggers(schema_editor)
    schema_editor.execute("DROP TABLE IF EXISTS quotes_statement_fts")


POSTGRESQL_INSTALL = [
    # Not dropped on reverse: IF NOT EXISTS cannot tell whether this migration created
    # it, and other objects in the database may depend on it.
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE quotes_statement ADD COLUMN search_vector tsvector",
    # IMMUTABLE so that it can back the trigram index on speakers.
    """
    CREATE FUNCTION quotes_search_names(p_name text, p_aliases jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT p_name || coalesce(' ' || (
            SELECT string_agg(alias, ' ') FROM jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(p_aliases) = 'array' THEN p_aliases END) AS alias), '')
    $$""",
    """
    CREATE FUNCTION quotes_search_document(p_text text, p_wordings text, p_names text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('english', coalesce(p_text, '')), 'A')
            || setweight(to_tsvector('english', coalesce(p_wordings, '')), 'B')
            || setweight(to_tsvector('english', coalesce(p_names, '')), 'C')
    $$""",
    # Per-row work: this statement's appearances and one speaker or organization row.
    """
    CREATE FUNCTION quotes_statement_search_vector(
        p_id bigint, p_text text, p_speaker_id bigint, p_organization_id bigint
    ) RETURNS tsvector LANGUAGE sql STABLE AS $$
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
    $$""",
    # Set-based: one pass with hash joins rather than one lookup per statement. Must
    # produce exactly what quotes_statement_search_vector does (a test checks).
    """
    CREATE FUNCTION quotes_rebuild_search_index() RETURNS void LANGUAGE sql AS $$
        UPDATE quotes_statement AS s SET search_vector = d.vector
        FROM (
            SELECT t.id, quotes_search_document(
                t.text,
                w.wordings,
                CASE WHEN t.speaker_id IS NOT NULL
                    THEN quotes_search_names(p.name, p.aliases)
                    ELSE quotes_search_names(o.name, o.aliases)
                END) AS vector
            FROM quotes_statement AS t
            LEFT JOIN (
                SELECT a.statement_id, string_agg(DISTINCT a.quoted_text, E'\\n') AS wordings
                FROM quotes_appearance AS a
                JOIN quotes_statement AS st ON st.id = a.statement_id
                WHERE a.quoted_text <> st.text
                GROUP BY a.statement_id
            ) AS w ON w.statement_id = t.id
            LEFT JOIN quotes_speaker AS p ON p.id = t.speaker_id
            LEFT JOIN quotes_organization AS o ON o.id = t.organization_id
        ) AS d
        WHERE d.id = s.id
    $$""",
    "SELECT quotes_rebuild_search_index()",
    # Built after the backfill: faster than maintaining it row by row.
    "CREATE INDEX quotes_statement_search_vector ON quotes_statement USING gin (search_vector)",
    """
    CREATE INDEX quotes_speaker_names_trgm ON quotes_speaker
    USING gin (quotes_search_names(name, aliases) gin_trgm_ops)""",
    """
    CREATE FUNCTION quotes_statement_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := quotes_statement_search_vector(
            NEW.id, NEW.text, NEW.speaker_id, NEW.organization_id);
        RETURN NEW;
    END $$""",
    """
    CREATE TRIGGER quotes_statement_search_insert BEFORE INSERT ON quotes_statement
    FOR EACH ROW EXECUTE FUNCTION quotes_statement_search_row()""",
    """
    CREATE TRIGGER quotes_statement_search_update
    BEFORE UPDATE OF text, speaker_id, organization_id ON quotes_statement
    FOR EACH ROW WHEN (
        OLD.text IS DISTINCT FROM NEW.text
        OR OLD.speaker_id IS DISTINCT FROM NEW.speaker_id
        OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION quotes_statement_search_row()""",
    # Statement-level with transition tables: a bulk insert of many appearances of one
    # statement re-indexes that statement once, not once per appearance.
    """
    CREATE FUNCTION quotes_appearance_search_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        affected bigint[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            affected := ARRAY(SELECT statement_id FROM new_rows);
        ELSIF TG_OP = 'DELETE' THEN
            affected := ARRAY(SELECT statement_id FROM old_rows);
        ELSE
            affected := ARRAY(
                SELECT unnest(ARRAY[o.statement_id, n.statement_id])
                FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
                WHERE o.statement_id IS DISTINCT FROM n.statement_id
                    OR o.quoted_text IS DISTINCT FROM n.quoted_text);
        END IF;
        UPDATE quotes_statement
        SET search_vector = quotes_statement_search_vector(id, text, speaker_id, organization_id)
        WHERE id = ANY(affected);
        RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER quotes_appearance_search_insert AFTER INSERT ON quotes_appearance
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION quotes_appearance_search_changed()""",
    """
    CREATE TRIGGER quotes_appearance_search_update AFTER UPDATE ON quotes_appearance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION quotes_appearance_search_changed()""",
    """
    CREATE TRIGGER quotes_appearance_search_delete AFTER DELETE ON quotes_appearance
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION quotes_appearance_search_changed()""",
    """
    CREATE FUNCTION quotes_speaker_search_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE quotes_statement
        SET search_vector = quotes_statement_search_vector(id, text, speaker_id, organization_id)
        WHERE speaker_id = NEW.id;
        RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER quotes_speaker_search_update AFTER UPDATE OF name, aliases ON quotes_speaker
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases)
    EXECUTE FUNCTION quotes_speaker_search_renamed()""",
    """
    CREATE FUNCTION quotes_organization_search_renamed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE quotes_statement
        SET search_vector = quotes_statement_search_vector(id, text, speaker_id, organization_id)
        WHERE organization_id = NEW.id AND speaker_id IS NULL;
        RETURN NULL;
    END $$""",
    """
    CREATE TRIGGER quotes_organization_search_update
    AFTER UPDATE OF name, aliases ON quotes_organization
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases)
    EXECUTE FUNCTION quotes_organization_search_renamed()""",
]

POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS quotes_organization_search_update ON quotes_organization",
    "DROP TRIGGER IF EXISTS quotes_speaker_search_update ON quotes_speaker",
    "DROP TRIGGER IF EXISTS quotes_appearance_search_delete ON quotes_appearance",
    "DROP TRIGGER IF EXISTS quotes_appearance_search_update ON quotes_appearance",
    "DROP TRIGGER IF EXISTS quotes_appearance_search_insert ON quotes_appearance",
    "DROP TRIGGER IF EXISTS quotes_statement_search_update ON quotes_statement",
    "DROP TRIGGER IF EXISTS quotes_statement_search_insert ON quotes_statement",
    "DROP FUNCTION IF EXISTS quotes_organization_search_renamed()",
    "DROP FUNCTION IF EXISTS quotes_speaker_search_renamed()",
    "DROP FUNCTION IF EXISTS quotes_appearance_search_changed()",
    "DROP FUNCTION IF EXISTS quotes_statement_search_row()",
    "DROP INDEX IF EXISTS quotes_speaker_names_trgm",
    "DROP INDEX IF EXISTS quotes_statement_search_vector",
    "DROP FUNCTION IF EXISTS quotes_rebuild_search_index()",
    "DROP FUNCTION IF EXISTS quotes_statement_search_vector(bigint, text, bigint, bigint)",
    "DROP FUNCTION IF EXISTS quotes_search_document(text, text, text)",
    "DROP FUNCTION IF EXISTS quotes_search_names(text, jsonb)",
    "ALTER TABLE quotes_statement DROP COLUMN IF EXISTS search_vector",
]


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL_INSTALL:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        install_sqlite(schema_editor)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL_UNINSTALL:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        uninstall_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("quotes", "0002_curators_group")]

    operations = [migrations.RunPython(install, uninstall)]
