"""Create the "Curators" group: add, change and view on the quote models.

No user administration and no deleting sources, speakers or statements: curators
retract rather than delete. They may delete the rows they edit inline (appearances,
affiliations), which the admin's inlines need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curators"
MODELS = ["organization", "speaker", "affiliation", "source", "statement", "appearance", "topic"]
DELETABLE = ["appearance", "affiliation"]


def codenames() -> list[str]:
    names = [f"{action}_{model}" for model in MODELS for action in ("add", "change", "view")]
    return names + [f"delete_{model}" for model in DELETABLE]


def create_group(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations; make them now so the
    # group can be granted them on a fresh database.
    app_config = apps.get_app_config("quotes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="quotes", codename__in=codenames())
    )


def delete_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("quotes", "0001_initial_attribution_model"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
