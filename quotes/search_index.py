"""The statement search index, defined once: what a statement is found by, with which
weight, and the triggers that keep it (and each statement's first report date) in step
with every write, on both databases. quotes/search.py queries it; migration
0016_search_document installs it; the corpus loader bulk-builds it; tests check the
database holds exactly these definitions and that a rebuild equals what the triggers
keep. Earlier migrations keep frozen copies of what they installed.

A statement is searchable by, most weight first:
  A  its own words (the canonical text);
  B  every outlet's wording of it that differs from them;
  C  who said it: the speaker's name, aliases and description, the title they held
     then, the organization spoken for with its parents' names and aliases ("Pentagon"
     finds the Defense Department's statements, "Kremlin" its spokesman's), and for an
     anonymous source the organization the outlet tied them to;
  D  the context: setting, location, anonymity reason and topics.

PostgreSQL: quotes_statement.search_vector, a tsvector column the Django model does not
know about, GIN-indexed, weights A to D, all parts with the 'english' configuration
(queries are stemmed with it too: names indexed with 'simple' would never match). SQLite:
an FTS5 table quotes_statement_fts(text, wordings, names, context), rowid = statement
id, porter stemming to come close to PostgreSQL's, bm25 weights 10, 4, 2, 1.

An organization's names reach ORGANIZATION_DEPTH levels up (itself and five parents: an
embassy, its department, its government): SQLite triggers cannot walk a tree of any
depth (no WITH in a trigger), and both databases must index the same words.

Statement.first_reported_on, the earliest published date of the sources that printed the
statement, is kept by triggers on both databases too, so that no write path (admin
inlines, loaddata, raw SQL) can leave it stale; a write of a stale value is corrected.

Caution for later migrations on SQLite: Django alters a table there by rebuilding it,
which drops the triggers on it and fails while triggers on other tables refer to it.
A migration that alters one of these tables must drop the SQLite triggers before and
create them after (drop_sqlite_triggers / create_sqlite_triggers).
"""

from typing import Protocol

# Private-use characters: ts_headline()/snippet() emit START and STOP around matches,
# and on PostgreSQL "<" and ">" travel as LT and GT because ts_headline drops anything
# that looks like an HTML tag. The indexed copy of every text has all four stripped,
# so that a statement's own text can never forge a <mark>.
START, STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
MARKERS = (START, STOP, LT, GT)
ORGANIZATION_DEPTH = 6
# FTS5 column weights, in column order: PostgreSQL's A to D as ts_rank_cd weighs them.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0, 1.0)
# Statement columns whose change re-indexes the statement.
INDEXED_COLUMNS = (
    "text", "speaker_id", "organization_id", "speaker_title", "setting", "location",
    "anonymity_reason",
)  # fmt: skip


class Executor(Protocol):
    def execute(self, sql: str) -> object: ...


# --- SQLite ---------------------------------------------------------------------------

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE quotes_statement_fts USING fts5("
    "text, wordings, names, context, tokenize = 'porter unicode61 remove_diacritics 2')"
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


def _sqlite_organization(organization_id: str) -> str:
    """The names of organization `organization_id` and its parents, as text."""
    joins = "".join(
        f" LEFT JOIN quotes_organization AS o{n} ON o{n}.id = o{n - 1}.parent_id"
        for n in range(1, ORGANIZATION_DEPTH)
    )
    names = " || ' ' || ".join(
        f"coalesce({_sqlite_names(f'o{n}')}, '')" for n in range(ORGANIZATION_DEPTH)
    )
    return (
        f"coalesce((SELECT {names} FROM quotes_organization AS o0{joins} "
        f"WHERE o0.id = {organization_id}), '')"
    )


def _sqlite_people(s: str) -> str:
    speaker = (
        f"(SELECT {_sqlite_names('p')} || ' ' || p.description || ' ' || "
        f"{_sqlite_organization('p.organization_id')} "
        f"FROM quotes_speaker AS p WHERE p.id = {s}.speaker_id)"
    )
    return (
        f"coalesce({speaker}, '') || ' ' || {s}.speaker_title || ' ' || "
        f"{_sqlite_organization(f'{s}.organization_id')}"
    )


def _sqlite_context(s: str) -> str:
    topics = (
        "(SELECT group_concat(topic, ' ') FROM (SELECT t.name AS topic "
        "FROM quotes_statement_topics AS st JOIN quotes_topic AS t ON t.id = st.topic_id "
        f"WHERE st.statement_id = {s}.id ORDER BY t.name))"
    )
    return (
        f"{s}.setting || ' ' || {s}.location || ' ' || {s}.anonymity_reason || ' ' || "
        f"coalesce({topics}, '')"
    )


def _sqlite_wordings(s: str) -> str:
    # Wordings identical to the canonical text add nothing; ' … ' separates wordings in
    # snippets.
    return f"""(SELECT group_concat({_sqlite_clean("w.quoted_text")}, ' … ') FROM (
        SELECT DISTINCT a.quoted_text FROM quotes_appearance AS a
        WHERE a.statement_id = {s}.id AND a.quoted_text <> {s}.text
        ORDER BY a.quoted_text) AS w)"""


# The FTS columns for the statement row `s`.
SQLITE_COLUMNS = ", ".join(
    [
        _sqlite_clean("s.text"),
        _sqlite_wordings("s"),
        _sqlite_clean(_sqlite_people("s")),
        _sqlite_clean(_sqlite_context("s")),
    ]
)

SQLITE_REBUILD = (
    "INSERT INTO quotes_statement_fts (rowid, text, wordings, names, context) "
    f"SELECT s.id, {SQLITE_COLUMNS} FROM quotes_statement AS s"
)


def _sqlite_first_reported(statement_id: str) -> str:
    return (
        "(SELECT min(src.published_on) FROM quotes_appearance AS a "
        "JOIN quotes_source AS src ON src.id = a.source_id "
        f"WHERE a.statement_id = {statement_id})"
    )


SQLITE_REBUILD_FIRST_REPORTED = (
    "UPDATE quotes_statement SET first_reported_on = "
    f"{_sqlite_first_reported('quotes_statement.id')} "
    f"WHERE first_reported_on IS NOT {_sqlite_first_reported('quotes_statement.id')}"
)


def _sqlite_refresh(ids: str) -> str:
    """Statements re-indexing the statements whose ids `ids` (SQL) yields."""
    return f"""
    DELETE FROM quotes_statement_fts WHERE rowid IN ({ids});
    INSERT INTO quotes_statement_fts (rowid, text, wordings, names, context)
        SELECT s.id, {SQLITE_COLUMNS} FROM quotes_statement AS s WHERE s.id IN ({ids});"""


def _sqlite_report(ids: str) -> str:
    """A statement setting the first report date of the statements `ids` yields."""
    return (
        "UPDATE quotes_statement SET first_reported_on = "
        f"{_sqlite_first_reported('quotes_statement.id')} WHERE id IN ({ids});"
    )


def _subtree(organization_id: str) -> str:
    """SQL for the ids of the organization and its descendants, ORGANIZATION_DEPTH deep."""
    level, levels = organization_id, [organization_id]
    for _ in range(1, ORGANIZATION_DEPTH):
        level = f"SELECT id FROM quotes_organization WHERE parent_id IN ({level})"
        levels.append(level)
    return " UNION ".join(f"SELECT {lv}" if lv == organization_id else lv for lv in levels)


def _under(organization_id: str) -> str:
    """SQL for the ids of the statements whose names include the organization's."""
    subtree = _subtree(organization_id)
    return (
        f"SELECT id FROM quotes_statement WHERE organization_id IN ({subtree}) OR speaker_id "
        f"IN (SELECT id FROM quotes_speaker WHERE organization_id IN ({subtree}))"
    )


_TAGGED = "SELECT statement_id FROM quotes_statement_topics WHERE topic_id = new.id"


def _changed(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)


SQLITE_TRIGGERS = {
    "quotes_statement_search_insert": f"""
        AFTER INSERT ON quotes_statement BEGIN {_sqlite_refresh("new.id")} END""",
    "quotes_statement_search_update": f"""
        AFTER UPDATE OF {", ".join(INDEXED_COLUMNS)} ON quotes_statement
        WHEN {_changed((*INDEXED_COLUMNS, "id"))}
        BEGIN {_sqlite_refresh("old.id, new.id")} END""",
    "quotes_statement_search_delete": """
        AFTER DELETE ON quotes_statement BEGIN
            DELETE FROM quotes_statement_fts WHERE rowid = old.id;
        END""",
    "quotes_appearance_search_insert": f"""
        AFTER INSERT ON quotes_appearance BEGIN
            {_sqlite_refresh("new.statement_id")} {_sqlite_report("new.statement_id")} END""",
    "quotes_appearance_search_update": f"""
        AFTER UPDATE OF quoted_text, statement_id, source_id ON quotes_appearance
        WHEN {_changed(("quoted_text", "statement_id", "source_id"))} BEGIN
            {_sqlite_refresh("old.statement_id, new.statement_id")}
            {_sqlite_report("old.statement_id, new.statement_id")} END""",
    "quotes_appearance_search_delete": f"""
        AFTER DELETE ON quotes_appearance BEGIN
            {_sqlite_refresh("old.statement_id")} {_sqlite_report("old.statement_id")} END""",
    "quotes_statement_topics_search_insert": f"""
        AFTER INSERT ON quotes_statement_topics BEGIN {_sqlite_refresh("new.statement_id")} END""",
    "quotes_statement_topics_search_update": f"""
        AFTER UPDATE ON quotes_statement_topics
        BEGIN {_sqlite_refresh("old.statement_id, new.statement_id")} END""",
    "quotes_statement_topics_search_delete": f"""
        AFTER DELETE ON quotes_statement_topics BEGIN {_sqlite_refresh("old.statement_id")} END""",
    "quotes_topic_search_update": f"""
        AFTER UPDATE OF name ON quotes_topic WHEN old.name IS NOT new.name BEGIN
        {_sqlite_refresh(_TAGGED)} END""",
    "quotes_speaker_search_update": f"""
        AFTER UPDATE OF name, aliases, description, organization_id ON quotes_speaker
        WHEN {_changed(("name", "aliases", "description", "organization_id"))}
        BEGIN {_sqlite_refresh("SELECT id FROM quotes_statement WHERE speaker_id = new.id")} END""",
    "quotes_organization_search_update": f"""
        AFTER UPDATE OF name, aliases, parent_id ON quotes_organization
        WHEN {_changed(("name", "aliases", "parent_id"))}
        BEGIN {_sqlite_refresh(_under("new.id"))} END""",
    # The first report date: set when a statement is written (a stale value corrected)
    # and whenever what it is computed from changes (appearances above, sources here).
    "quotes_statement_first_reported_insert": f"""
        AFTER INSERT ON quotes_statement BEGIN {_sqlite_report("new.id")} END""",
    "quotes_statement_first_reported_update": f"""
        AFTER UPDATE OF first_reported_on ON quotes_statement
        WHEN new.first_reported_on IS NOT {_sqlite_first_reported("new.id")}
        BEGIN {_sqlite_report("new.id")} END""",
    "quotes_source_first_reported_update": f"""
        AFTER UPDATE OF published_on ON quotes_source
        WHEN old.published_on IS NOT new.published_on BEGIN
        {_sqlite_report("SELECT statement_id FROM quotes_appearance WHERE source_id = new.id")}
        END""",
}


def create_sqlite_triggers(executor: Executor) -> None:
    for name, definition in SQLITE_TRIGGERS.items():
        executor.execute(f"CREATE TRIGGER {name} {definition}")


def drop_sqlite_triggers(executor: Executor) -> None:
    for name in SQLITE_TRIGGERS:
        executor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_sqlite(executor: Executor) -> None:
    """The FTS table, filled, and the triggers (for a database without them)."""
    executor.execute(SQLITE_TABLE)
    executor.execute(SQLITE_REBUILD)
    executor.execute(SQLITE_REBUILD_FIRST_REPORTED)
    create_sqlite_triggers(executor)


def uninstall_sqlite(executor: Executor) -> None:
    drop_sqlite_triggers(executor)
    executor.execute("DROP TABLE IF EXISTS quotes_statement_fts")


# --- PostgreSQL -----------------------------------------------------------------------


def _pg_organization_names() -> str:
    joins = "".join(
        f" LEFT JOIN quotes_organization AS o{n} ON o{n}.id = o{n - 1}.parent_id"
        for n in range(1, ORGANIZATION_DEPTH)
    )
    names = ", ".join(
        f"quotes_search_names(o{n}.name, o{n}.aliases)" for n in range(ORGANIZATION_DEPTH)
    )
    return f"SELECT o0.id, concat_ws(' ', {names}) AS names FROM quotes_organization AS o0{joins}"


def postgresql_documents(statements: str, wordings: str, taggings: str) -> str:
    """A query of (id, vector): the search vector of every statement in table
    `statements`, from the wordings in `wordings` (statement_id, quoted_text) and the
    topics in `taggings` (statement_id, topic_id). Set-based: one pass with hash joins,
    not one lookup per statement. The tables are the real ones for a rebuild, the
    corpus loader's staging tables for a bulk load. Must compute exactly what
    quotes_statement_search_vector() does for one row (a test checks)."""
    return f"""
        WITH orgs AS ({_pg_organization_names()}),
        people AS (
            SELECT p.id, concat_ws(' ', quotes_search_names(p.name, p.aliases),
                p.description, po.names) AS names
            FROM quotes_speaker AS p LEFT JOIN orgs AS po ON po.id = p.organization_id
            WHERE p.id IN (SELECT speaker_id FROM {statements})),
        worded AS (
            SELECT a.statement_id, string_agg(DISTINCT a.quoted_text, E'\\n') AS wordings
            FROM {wordings} AS a JOIN {statements} AS st ON st.id = a.statement_id
            WHERE a.quoted_text <> st.text GROUP BY a.statement_id),
        tagged AS (
            SELECT g.statement_id, string_agg(t.name, ' ' ORDER BY t.name) AS names
            FROM {taggings} AS g JOIN quotes_topic AS t ON t.id = g.topic_id
            GROUP BY g.statement_id)
        SELECT s.id, quotes_search_document(
            s.text,
            w.wordings,
            concat_ws(' ', pp.names, s.speaker_title, so.names),
            concat_ws(' ', s.setting, s.location, s.anonymity_reason, g.names)) AS vector
        FROM {statements} AS s
        LEFT JOIN worded AS w ON w.statement_id = s.id
        LEFT JOIN people AS pp ON pp.id = s.speaker_id
        LEFT JOIN orgs AS so ON so.id = s.organization_id
        LEFT JOIN tagged AS g ON g.statement_id = s.id"""


_FIRST_REPORTED_ALL = """
    SELECT a.statement_id, min(src.published_on) AS first_reported
    FROM quotes_appearance AS a JOIN quotes_source AS src ON src.id = a.source_id
    GROUP BY a.statement_id"""

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
    "quotes_search_organization(p_id bigint)": (
        "RETURNS text LANGUAGE sql STABLE",
        f"SELECT o.names FROM ({_pg_organization_names()}) AS o WHERE o.id = p_id",
    ),
    "quotes_search_document(p_text text, p_wordings text, p_names text, p_context text)": (
        "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE",
        """
        SELECT setweight(to_tsvector('english', coalesce(p_text, '')), 'A')
            || setweight(to_tsvector('english', coalesce(p_wordings, '')), 'B')
            || setweight(to_tsvector('english', coalesce(p_names, '')), 'C')
            || setweight(to_tsvector('english', coalesce(p_context, '')), 'D')
    """,
    ),
    # Per-row work: this statement's appearances, topics, one speaker, a few organizations.
    "quotes_statement_search_vector(p quotes_statement)": (
        "RETURNS tsvector LANGUAGE sql STABLE",
        """
        SELECT quotes_search_document(
            p.text,
            (SELECT string_agg(DISTINCT quoted_text, E'\\n') FROM quotes_appearance
             WHERE statement_id = p.id AND quoted_text <> p.text),
            concat_ws(' ',
                (SELECT concat_ws(' ', quotes_search_names(sp.name, sp.aliases),
                    sp.description, quotes_search_organization(sp.organization_id))
                 FROM quotes_speaker AS sp WHERE sp.id = p.speaker_id),
                p.speaker_title,
                quotes_search_organization(p.organization_id)),
            concat_ws(' ', p.setting, p.location, p.anonymity_reason,
                (SELECT string_agg(t.name, ' ' ORDER BY t.name)
                 FROM quotes_statement_topics AS g JOIN quotes_topic AS t ON t.id = g.topic_id
                 WHERE g.statement_id = p.id)))
    """,
    ),
    "quotes_statement_first_reported(p_id bigint)": (
        "RETURNS date LANGUAGE sql STABLE",
        """
        SELECT min(src.published_on) FROM quotes_appearance AS a
        JOIN quotes_source AS src ON src.id = a.source_id WHERE a.statement_id = p_id
    """,
    ),
    # Set-based; rewrites only the rows whose index or date is not already right.
    "quotes_rebuild_search_index()": (
        "RETURNS void LANGUAGE sql",
        f"""
        UPDATE quotes_statement AS s SET search_vector = d.vector
        FROM ({
            postgresql_documents("quotes_statement", "quotes_appearance", "quotes_statement_topics")
        }
        ) AS d
        WHERE d.id = s.id AND s.search_vector IS DISTINCT FROM d.vector;
        UPDATE quotes_statement AS s SET first_reported_on = r.first_reported
        FROM quotes_statement AS t LEFT JOIN ({_FIRST_REPORTED_ALL}) AS r
            ON r.statement_id = t.id
        WHERE t.id = s.id AND s.first_reported_on IS DISTINCT FROM r.first_reported
    """,
    ),
}


def _reindex(ids: str) -> str:
    return (
        "UPDATE quotes_statement SET search_vector = quotes_statement_search_vector("
        "quotes_statement), first_reported_on = quotes_statement_first_reported(id) "
        f"WHERE id IN ({ids})"
    )


def _plpgsql(body: str) -> str:
    return f"RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$"


# IF, not CASE: a CASE is planned whole, and an INSERT's trigger has no old_rows.
_PG_APPEARANCES_CHANGED = """
    IF TG_OP = 'INSERT' THEN
        affected := ARRAY(SELECT statement_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        affected := ARRAY(SELECT statement_id FROM old_rows);
    ELSE
        affected := ARRAY(SELECT unnest(ARRAY[o.statement_id, n.statement_id])
            FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id
            WHERE o.statement_id IS DISTINCT FROM n.statement_id
                OR o.quoted_text IS DISTINCT FROM n.quoted_text
                OR o.source_id IS DISTINCT FROM n.source_id);
    END IF;"""
_PG_TAGGINGS_CHANGED = """
    IF TG_OP = 'INSERT' THEN
        affected := ARRAY(SELECT statement_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        affected := ARRAY(SELECT statement_id FROM old_rows);
    ELSE
        affected := ARRAY(SELECT statement_id FROM old_rows
            UNION SELECT statement_id FROM new_rows);
    END IF;"""


def _pg_statement_level(changed: str) -> str:
    return (
        "RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE affected bigint[]; BEGIN "
        f"{changed} {_reindex('SELECT unnest(affected)')}; RETURN NULL; END $$"
    )


# Trigger function name -> definition; then the triggers themselves.
POSTGRESQL_TRIGGER_FUNCTIONS = {
    "quotes_statement_search_row()": _plpgsql(
        "NEW.search_vector := quotes_statement_search_vector(NEW); RETURN NEW;"
    ),
    "quotes_statement_first_reported_row()": _plpgsql(
        "NEW.first_reported_on := quotes_statement_first_reported(NEW.id); RETURN NEW;"
    ),
    "quotes_appearance_search_changed()": _pg_statement_level(_PG_APPEARANCES_CHANGED),
    "quotes_statement_topics_search_changed()": _pg_statement_level(_PG_TAGGINGS_CHANGED),
    "quotes_topic_search_renamed()": _plpgsql(
        f"{_reindex('SELECT statement_id FROM quotes_statement_topics WHERE topic_id = NEW.id')};"
        " RETURN NULL;"
    ),
    "quotes_speaker_search_renamed()": _plpgsql(
        f"{_reindex('SELECT id FROM quotes_statement WHERE speaker_id = NEW.id')}; RETURN NULL;"
    ),
    "quotes_organization_search_renamed()": _plpgsql(f"{_reindex(_under('NEW.id'))}; RETURN NULL;"),
    "quotes_source_first_reported_changed()": _plpgsql(
        f"{_reindex('SELECT statement_id FROM quotes_appearance WHERE source_id = NEW.id')};"
        " RETURN NULL;"
    ),
}


def _distinct(columns: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


def _transition(event: str) -> str:
    return {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
    }[event]


POSTGRESQL_TRIGGERS = {
    "quotes_statement_search_insert": "BEFORE INSERT ON quotes_statement FOR EACH ROW "
    "EXECUTE FUNCTION quotes_statement_search_row()",
    "quotes_statement_search_update": f"BEFORE UPDATE OF {', '.join(INDEXED_COLUMNS)} "
    f"ON quotes_statement FOR EACH ROW WHEN ({_distinct(INDEXED_COLUMNS)}) "
    "EXECUTE FUNCTION quotes_statement_search_row()",
    "quotes_statement_first_reported_insert": "BEFORE INSERT ON quotes_statement FOR EACH ROW "
    "EXECUTE FUNCTION quotes_statement_first_reported_row()",
    # A stale value written back (a model saved after its appearances changed) is
    # corrected; an unchanged one costs nothing.
    "quotes_statement_first_reported_update": "BEFORE UPDATE ON quotes_statement FOR EACH ROW "
    "WHEN (OLD.first_reported_on IS DISTINCT FROM NEW.first_reported_on) "
    "EXECUTE FUNCTION quotes_statement_first_reported_row()",
    **{
        f"quotes_appearance_search_{event.lower()}": f"AFTER {event} ON quotes_appearance "
        f"{_transition(event)} FOR EACH STATEMENT "
        "EXECUTE FUNCTION quotes_appearance_search_changed()"
        for event in ("INSERT", "UPDATE", "DELETE")
    },
    **{
        f"quotes_statement_topics_search_{event.lower()}": f"AFTER {event} ON "
        f"quotes_statement_topics {_transition(event)} FOR EACH STATEMENT "
        "EXECUTE FUNCTION quotes_statement_topics_search_changed()"
        for event in ("INSERT", "UPDATE", "DELETE")
    },
    "quotes_topic_search_update": "AFTER UPDATE OF name ON quotes_topic FOR EACH ROW "
    "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION quotes_topic_search_renamed()",
    "quotes_speaker_search_update": "AFTER UPDATE OF name, aliases, description, "
    "organization_id ON quotes_speaker FOR EACH ROW WHEN ("
    f"{_distinct(('name', 'aliases', 'description', 'organization_id'))}) "
    "EXECUTE FUNCTION quotes_speaker_search_renamed()",
    "quotes_organization_search_update": "AFTER UPDATE OF name, aliases, parent_id ON "
    f"quotes_organization FOR EACH ROW WHEN ({_distinct(('name', 'aliases', 'parent_id'))}) "
    "EXECUTE FUNCTION quotes_organization_search_renamed()",
    "quotes_source_first_reported_update": "AFTER UPDATE OF published_on ON quotes_source "
    "FOR EACH ROW WHEN (OLD.published_on IS DISTINCT FROM NEW.published_on) "
    "EXECUTE FUNCTION quotes_source_first_reported_changed()",
}
TRIGGER_TABLES = {
    name: definition.split(" ON ")[1].split()[0] for name, definition in POSTGRESQL_TRIGGERS.items()
}


def install_postgresql(executor: Executor) -> None:
    """Functions, triggers and indexes (after 0003's are dropped); fills the index."""
    for signature, (declaration, body) in POSTGRESQL_FUNCTIONS.items():
        executor.execute(f"CREATE FUNCTION {signature} {declaration} AS $$ {body} $$")
    for signature, definition in POSTGRESQL_TRIGGER_FUNCTIONS.items():
        executor.execute(f"CREATE FUNCTION {signature} {definition}")
    executor.execute("SELECT quotes_rebuild_search_index()")
    for name, definition in POSTGRESQL_TRIGGERS.items():
        executor.execute(f"CREATE TRIGGER {name} {definition}")


def uninstall_postgresql(executor: Executor) -> None:
    """Triggers and functions; quotes_search_names stays, the trigram index on speakers'
    names being built on it."""
    for name, table in TRIGGER_TABLES.items():
        executor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for signature in [*POSTGRESQL_TRIGGER_FUNCTIONS, *reversed(POSTGRESQL_FUNCTIONS)]:
        name = signature.split("(")[0]
        if name != "quotes_search_names":
            executor.execute(f"DROP FUNCTION IF EXISTS {name}({_types(signature)})")


def _types(signature: str) -> str:
    arguments = signature.split("(", 1)[1].rstrip(")")
    return ", ".join(part.split()[-1] for part in arguments.split(",") if part.strip())
