"""A baseline in the audit trail for every row that existed before it: one "created" record
each, by nobody, so that the first change after it shows the old values too."""

from django.db import migrations
from django.utils import timezone

TRACKED = [
    ("members", "Member"),
    ("members", "MemberName"),
    ("members", "Term"),
    ("resolutions", "Draft"),
    ("resolutions", "Sector"),
    ("votes", "Position"),
    ("votes", "RecordedVote"),
    ("votes", "Ballot"),
]


def baseline(apps, schema_editor):
    now = timezone.now()
    for app, name in TRACKED:
        model = apps.get_model(app, name)
        history = apps.get_model(app, f"Historical{name}")
        done = set(history.objects.values_list("id", flat=True).distinct())
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = [
            history(
                **{f: getattr(row, f) for f in fields},
                history_date=now,
                history_type="+",
                history_change_reason="baseline: the row as it was when history began",
            )
            for row in model.objects.exclude(pk__in=done).iterator()
        ]
        history.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("votes", "0010_role_permissions")]
    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
