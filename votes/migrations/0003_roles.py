"""The API's roles, as groups: analyst (read), editor (read, record positions and votes),
admin (everything)."""

from django.db import migrations

ROLES = ["analyst", "editor", "admin"]


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0002_append_only_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
