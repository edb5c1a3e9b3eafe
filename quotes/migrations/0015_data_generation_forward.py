"""The data generation moves to the current time in microseconds (or one past its value
if that is later) instead of by one, so that a restored database's changes land above
every value the old one had (see quotes/generation.py for the design).

The definitions as this migration installed them, frozen: quotes/generation.py holds
the current ones. Only trigger bodies change: no table is altered, so SQLite rebuilds
nothing; its triggers are dropped and created again with the new body.
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
BY_ONE = f"UPDATE {TABLE} SET generation = generation + 1"  # as 0008 installed it
POSTGRESQL_FORWARD = (
    f"UPDATE {TABLE} SET generation = greatest(generation + 1, "
    "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"
)
SQLITE_FORWARD = (
    f"UPDATE {TABLE} SET generation = max(generation + 1, "
    "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER))"
)


def committing_function(increment: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION quotes_data_committing() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {increment};
            DELETE FROM quotes_data_change WHERE xid = NEW.xid;
            RETURN NULL;
        END $$"""


def sqlite_triggers(increment: str) -> list[str]:
    statements = []
    for table in WATCHED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_{event.lower()}_changed"
            statements.append(f"DROP TRIGGER {name}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {increment}; END"
            )
    return statements


def install(increment_for: dict[str, str]):
    def run(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            statements = [committing_function(increment_for[vendor])]
        else:
            statements = sqlite_triggers(increment_for[vendor])
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("quotes", "0014_hashed_api_tokens")]

    operations = [
        migrations.RunPython(
            install({"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD}),
            install({"postgresql": BY_ONE, "sqlite": BY_ONE}),
            elidable=False,
        )
    ]
