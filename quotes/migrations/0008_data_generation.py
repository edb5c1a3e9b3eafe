"""The data generation counter and its triggers (see quotes/generation.py for the design).

The definitions as this migration installed them, frozen: quotes/generation.py holds
the current ones, and later migrations change what is installed.
"""

from django.db import migrations

TABLE = "quotes_data_generation"
WATCHED = (
    "quotes_statement",
    "quotes_appearance",
    "quotes_statement_topics",
    "quotes_speaker",
    "quotes_organization",
    "quotes_affiliation",
    "quotes_source",
    "quotes_topic",
)
CREATE_TABLE = f"""
    CREATE TABLE {TABLE} (
        id integer PRIMARY KEY CHECK (id = 1),
        generation bigint NOT NULL
    )"""
SEED_ROW = f"INSERT INTO {TABLE} (id, generation) VALUES (1, 1)"
INCREMENT = f"UPDATE {TABLE} SET generation = generation + 1"
# Tests run inside a transaction that never commits: they set this trigger IMMEDIATE.
COMMIT_TRIGGER = "quotes_data_change_at_commit"


def postgresql_sql() -> tuple[list[str], list[str]]:
    forwards = [
        CREATE_TABLE,
        SEED_ROW,
        # A row exists only while its transaction runs: the commit trigger deletes it.
        "CREATE TABLE quotes_data_change (xid xid8 PRIMARY KEY)",
        """CREATE FUNCTION quotes_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO quotes_data_change VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION quotes_data_committing() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {INCREMENT};
            DELETE FROM quotes_data_change WHERE xid = NEW.xid;
            RETURN NULL;
        END $$""",
        f"""CREATE CONSTRAINT TRIGGER {COMMIT_TRIGGER} AFTER INSERT ON quotes_data_change
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION quotes_data_committing()""",
    ]
    backwards = []
    for table in WATCHED:
        forwards.append(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION quotes_data_changed()"
        )
        backwards.append(f"DROP TRIGGER {table}_changed ON {table}")
    backwards += [
        "DROP FUNCTION quotes_data_changed()",
        "DROP TABLE quotes_data_change",
        "DROP FUNCTION quotes_data_committing()",
        f"DROP TABLE {TABLE}",
    ]
    return forwards, backwards


SQLITE_TRIGGERS = {
    f"{table}_{event.lower()}_changed": f"AFTER {event} ON {table} BEGIN {INCREMENT}; END"
    for table in WATCHED
    for event in ("INSERT", "UPDATE", "DELETE")
}


def sqlite_sql() -> tuple[list[str], list[str]]:
    forwards = [CREATE_TABLE, SEED_ROW]
    forwards += [f"CREATE TRIGGER {name} {body}" for name, body in SQLITE_TRIGGERS.items()]
    backwards = [f"DROP TRIGGER {name}" for name in SQLITE_TRIGGERS] + [f"DROP TABLE {TABLE}"]
    return forwards, backwards


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    forwards, _ = postgresql_sql() if vendor == "postgresql" else sqlite_sql()
    for sql in forwards:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _, backwards = postgresql_sql() if vendor == "postgresql" else sqlite_sql()
    for sql in backwards:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("quotes", "0007_statement_list_indexes")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
