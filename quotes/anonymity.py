"""Statement.anonymous: whether the statement's speaker is an anonymous source, copied
onto the statement by database triggers (migration 0018 installs these definitions).

Counting the paraphrases of anonymous sources used to probe the (kind, status,
speaker) index once per anonymous speaker (1,898 of them at a million statements); with
the flag on the statement it is one range of the (kind, anonymous, status) index. The
copy is kept by the database, not by the application, so that no write path can leave
it wrong: a statement takes its speaker's flag when written (a stale value written back
is corrected), and a speaker's change of flag reaches all its statements.
"""

from quotes.search_index import Executor

_SPEAKER_FLAG = "(SELECT is_anonymous FROM quotes_speaker WHERE id = {speaker})"


def _flag(speaker: str) -> str:
    return f"coalesce({_SPEAKER_FLAG.format(speaker=speaker)}, 0)"


SQLITE_TRIGGERS = {
    "quotes_statement_anonymous_insert": f"""
        AFTER INSERT ON quotes_statement BEGIN
            UPDATE quotes_statement SET anonymous = {_flag("new.speaker_id")} WHERE id = new.id;
        END""",
    "quotes_statement_anonymous_update": f"""
        AFTER UPDATE OF speaker_id, anonymous ON quotes_statement
        WHEN new.anonymous IS NOT {_flag("new.speaker_id")} BEGIN
            UPDATE quotes_statement SET anonymous = {_flag("new.speaker_id")} WHERE id = new.id;
        END""",
    "quotes_speaker_anonymous_update": """
        AFTER UPDATE OF is_anonymous ON quotes_speaker
        WHEN old.is_anonymous IS NOT new.is_anonymous BEGIN
            UPDATE quotes_statement SET anonymous = new.is_anonymous WHERE speaker_id = new.id;
        END""",
}
SQLITE_REBUILD = (
    "UPDATE quotes_statement SET anonymous = "
    f"{_flag('quotes_statement.speaker_id')} WHERE anonymous IS NOT "
    f"{_flag('quotes_statement.speaker_id')}"
)

POSTGRESQL_TRIGGER_FUNCTIONS = {
    "quotes_statement_anonymous_row()": "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"NEW.anonymous := coalesce({_SPEAKER_FLAG.format(speaker='NEW.speaker_id')}, false); "
    "RETURN NEW; END $$",
    "quotes_speaker_anonymous_changed()": "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE quotes_statement SET anonymous = NEW.is_anonymous WHERE speaker_id = NEW.id; "
    "RETURN NULL; END $$",
}
POSTGRESQL_TRIGGERS = {
    "quotes_statement_anonymous_insert": "BEFORE INSERT ON quotes_statement FOR EACH ROW "
    "EXECUTE FUNCTION quotes_statement_anonymous_row()",
    "quotes_statement_anonymous_update": "BEFORE UPDATE OF speaker_id, anonymous ON "
    "quotes_statement FOR EACH ROW WHEN (OLD.speaker_id IS DISTINCT FROM NEW.speaker_id "
    "OR OLD.anonymous IS DISTINCT FROM NEW.anonymous) "
    "EXECUTE FUNCTION quotes_statement_anonymous_row()",
    "quotes_speaker_anonymous_update": "AFTER UPDATE OF is_anonymous ON quotes_speaker "
    "FOR EACH ROW WHEN (OLD.is_anonymous IS DISTINCT FROM NEW.is_anonymous) "
    "EXECUTE FUNCTION quotes_speaker_anonymous_changed()",
}
POSTGRESQL_REBUILD = (
    "UPDATE quotes_statement AS s SET anonymous = p.is_anonymous FROM quotes_speaker AS p "
    "WHERE p.id = s.speaker_id AND s.anonymous IS DISTINCT FROM p.is_anonymous"
)
TRIGGER_TABLES = {
    name: definition.split(" ON ")[1].split()[0] for name, definition in POSTGRESQL_TRIGGERS.items()
}


def install(executor: Executor, vendor: str) -> None:
    """Set every statement's flag, then keep it with the triggers."""
    if vendor == "postgresql":
        executor.execute(POSTGRESQL_REBUILD)
        for signature, definition in POSTGRESQL_TRIGGER_FUNCTIONS.items():
            executor.execute(f"CREATE FUNCTION {signature} {definition}")
        for name, definition in POSTGRESQL_TRIGGERS.items():
            executor.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        executor.execute(SQLITE_REBUILD)
        for name, definition in SQLITE_TRIGGERS.items():
            executor.execute(f"CREATE TRIGGER {name} {definition}")


def uninstall(executor: Executor, vendor: str) -> None:
    if vendor == "postgresql":
        for name, table in TRIGGER_TABLES.items():
            executor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for signature in POSTGRESQL_TRIGGER_FUNCTIONS:
            executor.execute(f"DROP FUNCTION IF EXISTS {signature}")
    else:
        for name in SQLITE_TRIGGERS:
            executor.execute(f"DROP TRIGGER IF EXISTS {name}")
