from django.db import migrations, models


def recorded_where_they_are(apps, schema_editor) -> None:
    # Histories moved by earlier merges can no longer be told apart: they count as the
    # row's own. Every merge from now on keeps the duplicate's origin.
    Revision = apps.get_model("quotes", "Revision")
    Revision.objects.update(origin_id=models.F("object_id"))


class Migration(migrations.Migration):
    dependencies = [("quotes", "0012_statement_id_status_index")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="origin_id",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(recorded_where_they_are, migrations.RunPython.noop),
    ]
