"""API tokens as digests (django-rest-knox) instead of DRF's plain-text tokens.

Tokens issued before keep working: each is stored again as knox stores its own (a
SHA-512 digest and the first characters to look it up by), then the table of plain-text
tokens is dropped. Not reversible: the plain text is gone, as it should be.
"""

import hashlib

from django.db import migrations

PLAIN_TEXT_TABLE = "authtoken_token"  # rest_framework.authtoken's, no longer installed
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def store_digests(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if PLAIN_TEXT_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {PLAIN_TEXT_TABLE}")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = AuthToken.objects.create(
            digest=hashlib.sha512(key.encode()).hexdigest(),
            token_key=key[:TOKEN_KEY_LENGTH],
            user_id=user_id,
            expiry=None,
        )
        AuthToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute(f"DROP TABLE {PLAIN_TEXT_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0013_revision_origin"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(store_digests, migrations.RunPython.noop)]
