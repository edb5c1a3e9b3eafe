"""Curators import articles and review candidates: add, change and view candidates, view
source imports. (Permissions are made here first, as 0002_curators_group explains.)"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"
CODENAMES = ["add_candidate", "change_candidate", "view_candidate", "view_sourceimport"]


def grant(apps, schema_editor) -> None:
    app_config = apps.get_app_config("quotes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="quotes", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="quotes", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("quotes", "0019_extraction_candidates")]

    operations = [migrations.RunPython(grant, revoke)]
