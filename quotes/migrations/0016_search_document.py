"""The richer search document (quotes/search_index.py): titles, organizations with their
parents, setting, location, anonymity reason and topics; each statement's first report
date; the compound lexicon. Installs the current definitions of quotes.search_index and
quotes.generation; reverting restores 0003's search definitions (its frozen copy).

Adding the nullable column is an ALTER TABLE on both databases (no SQLite rebuild), so
the other triggers on quotes_statement survive; on the way back the column is dropped
after the triggers that name it.
"""

import importlib

from django.db import migrations, models

from quotes import generation, search_index

frozen = importlib.import_module("quotes.migrations.0003_statement_search")
AddIndexOnPostgreSQL = importlib.import_module(
    "quotes.migrations.0007_statement_list_indexes"
).AddIndexOnPostgreSQL

# 0003's PostgreSQL objects that the new definitions replace or no longer use (its
# trigram index on speakers' names, and quotes_search_names under it, stay).
OLD_TRIGGERS = [
    ("quotes_organization_search_update", "quotes_organization"),
    ("quotes_speaker_search_update", "quotes_speaker"),
    ("quotes_appearance_search_delete", "quotes_appearance"),
    ("quotes_appearance_search_update", "quotes_appearance"),
    ("quotes_appearance_search_insert", "quotes_appearance"),
    ("quotes_statement_search_update", "quotes_statement"),
    ("quotes_statement_search_insert", "quotes_statement"),
]
OLD_FUNCTIONS = [
    "quotes_organization_search_renamed()",
    "quotes_speaker_search_renamed()",
    "quotes_appearance_search_changed()",
    "quotes_statement_search_row()",
    "quotes_rebuild_search_index()",
    "quotes_statement_search_vector(bigint, text, bigint, bigint)",
    "quotes_search_document(text, text, text)",
]
NEW_TABLE = "quotes_searchvariant"


class Postgres:
    def __init__(self, schema_editor) -> None:
        self.editor = schema_editor

    def execute(self, sql: str) -> None:
        # The functions are defined with CREATE; quotes_search_names exists since 0003.
        self.editor.execute(sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


def install(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for name, table in OLD_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for signature in OLD_FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {signature}")
        search_index.install_postgresql(Postgres(schema_editor))
        trigger = generation.POSTGRESQL_TRIGGERS[f"{NEW_TABLE}_changed"]
        schema_editor.execute(f"CREATE TRIGGER {NEW_TABLE}_changed {trigger}")
    else:
        search_index.uninstall_sqlite(schema_editor)
        search_index.install_sqlite(schema_editor)
        for name, body in generation.SQLITE_TRIGGERS.items():
            if name.startswith(NEW_TABLE):
                schema_editor.execute(f"CREATE TRIGGER {name} {body}")


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NEW_TABLE}_changed ON {NEW_TABLE}")
        search_index.uninstall_postgresql(Postgres(schema_editor))
        reinstall = Postgres(schema_editor)
        for statement in frozen.POSTGRESQL_INSTALL:
            if statement.lstrip().startswith(("CREATE FUNCTION", "CREATE TRIGGER", "SELECT")):
                reinstall.execute(statement)
    else:
        search_index.uninstall_sqlite(schema_editor)
        frozen.install_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("quotes", "0015_data_generation_forward")]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="first_reported_on",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="The earliest publication date of the sources that printed it "
                "(kept by the database: quotes/search_index.py).",
                null=True,
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="statement",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("first_reported_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="quotes_stmt_reported_recent",
            ),
        ),
        migrations.CreateModel(
            name="SearchVariant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("compound", models.CharField(max_length=100, unique=True)),
                ("modifier", models.CharField(max_length=100)),
                ("head", models.CharField(db_index=True, max_length=100)),
            ],
            options={"ordering": ["compound"]},
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
