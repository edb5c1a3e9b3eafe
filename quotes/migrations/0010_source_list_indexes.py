"""Indexes in the source list's order (newest first, undated last), for all sources and
per outlet. PostgreSQL only, as in 0007: SQLite refuses NULLS LAST in an index."""

import importlib

from django.db import migrations, models

AddIndexOnPostgreSQL = importlib.import_module(
    "quotes.migrations.0007_statement_list_indexes"
).AddIndexOnPostgreSQL


def newest_first(columns: list[str], name: str) -> migrations.AddIndex:
    return AddIndexOnPostgreSQL(
        model_name="source",
        index=models.Index(
            *(models.F(column) for column in columns),
            models.OrderBy(models.F("published_on"), descending=True, nulls_last=True),
            models.OrderBy(models.F("id"), descending=True),
            name=name,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("quotes", "0009_source_outlet_lookup_index")]

    operations = [
        newest_first([], "quotes_source_recent"),
        newest_first(["outlet"], "quotes_source_outlet_recent"),
    ]
