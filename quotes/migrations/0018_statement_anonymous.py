"""Statement.anonymous, kept by the triggers of quotes/anonymity.py, and its indexes.

The column is added with ALTER TABLE on both databases (NOT NULL DEFAULT false): Django
would rebuild the SQLite table for a NOT NULL column, dropping every trigger on it.
"""

import importlib

from django.db import migrations, models

from quotes import anonymity

postgresql_only = importlib.import_module("quotes.migrations.0007_statement_list_indexes")


class AddIndexOnSQLite(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def add_column(apps, schema_editor) -> None:
    false = "false" if schema_editor.connection.vendor == "postgresql" else "0"
    schema_editor.execute(
        f"ALTER TABLE quotes_statement ADD COLUMN anonymous boolean NOT NULL DEFAULT {false}"
    )
    anonymity.install(schema_editor, schema_editor.connection.vendor)


def drop_column(apps, schema_editor) -> None:
    anonymity.uninstall(schema_editor, schema_editor.connection.vendor)
    schema_editor.execute("ALTER TABLE quotes_statement DROP COLUMN anonymous")


FIELD = models.BooleanField(
    db_default=False,
    default=False,
    editable=False,
    help_text="Whether the speaker is an anonymous source (kept by the database: "
    "quotes/anonymity.py).",
)


class Migration(migrations.Migration):
    dependencies = [("quotes", "0017_speaker_first_report_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="statement", name="anonymous", field=FIELD)
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        postgresql_only.AddIndexOnPostgreSQL(
            model_name="statement",
            index=models.Index(
                models.F("kind"),
                models.F("anonymous"),
                models.F("status"),
                models.OrderBy(models.F("said_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="quotes_stmt_kind_anon_recent",
            ),
        ),
        AddIndexOnSQLite(
            model_name="statement",
            index=models.Index(
                fields=["kind", "anonymous", "status", "said_on", "id"],
                name="quotes_stmt_kind_anon",
            ),
        ),
    ]
