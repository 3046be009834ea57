"""The roles' Django permissions (see ``votes.roles``, whose one table this applies; it is
applied again after every migrate and flush, which recreate permissions but not groups)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from votes.roles import grant_role_permissions

    grant_role_permissions(apps)


def backwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    for row in group.objects.filter(name__in=["analyst", "editor", "admin"]):
        row.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0009_history"),
        ("members", "0004_history_and_versions"),
        ("resolutions", "0002_history_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
