"""A (speaker, id) index for searches within one speaker's statements, which also
serves the speaker foreign key's lookups: the key's own index is dropped.

The key's index is dropped by name on both databases: Django's AlterField would
rebuild the SQLite table for it, dropping every trigger on it.
"""

import django.db.models.deletion
from django.db import migrations, models

FOREIGN_KEY_INDEX = "quotes_statement_speaker_id_c22a0c55"


class Migration(migrations.Migration):
    dependencies = [("quotes", "0020_curators_review_candidates")]

    operations = [
        migrations.AddIndex(
            model_name="statement",
            index=models.Index(fields=["speaker", "id"], name="quotes_stmt_speaker_newest"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statement",
                    name="speaker",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty when an organization spoke as a body.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="statements",
                        to="quotes.speaker",
                    ),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    # IF EXISTS: a database whose key index was named otherwise keeps it.
                    f"DROP INDEX IF EXISTS {FOREIGN_KEY_INDEX}",
                    f"CREATE INDEX {FOREIGN_KEY_INDEX} ON quotes_statement (speaker_id)",
                )
            ],
        ),
    ]
