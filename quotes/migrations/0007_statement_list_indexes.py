"""Indexes in the list's default order (newest first, undated last) for the statement list,
its speaker and organization filters, and counting by kind and anonymous speaker.

NULLS LAST in an index is PostgreSQL's: SQLite refuses it, and sorts such pages of its
small databases without one, so those three are created on PostgreSQL only.
"""

from django.db import migrations, models


class AddIndexOnPostgreSQL(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def newest_first(columns: list[str], name: str) -> AddIndexOnPostgreSQL:
    return AddIndexOnPostgreSQL(
        model_name="statement",
        index=models.Index(
            *(models.F(column) for column in columns),
            models.OrderBy(models.F("said_on"), descending=True, nulls_last=True),
            models.OrderBy(models.F("id"), descending=True),
            name=name,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("quotes", "0006_unique_undated_affiliation")]

    operations = [
        migrations.RemoveIndex(model_name="statement", name="quotes_stat_kind_776618_idx"),
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(
                fields=["kind", "status", "speaker"], name="quotes_stat_kind_5a260e_idx"
            ),
        ),
        newest_first(["status"], "quotes_stmt_published_recent"),
        newest_first(["speaker", "status"], "quotes_stmt_speaker_recent"),
        newest_first(["organization", "status"], "quotes_stmt_org_recent"),
    ]
