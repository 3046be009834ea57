"""Store the engine's reading of each recorded vote, so that lists can filter on it; existing
votes are backfilled from their ballots. (The append-only trigger is lifted for the backfill
only: it is a schema change, not an edit of history.)"""

from django.db import migrations, models

import charter


def backfill(apps, schema_editor):
    recorded_vote = apps.get_model("votes", "RecordedVote")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE votes_recordedvote DISABLE TRIGGER votes_recordedvote_append_only"
        )
    for vote in recorded_vote.objects.prefetch_related("ballots__member"):
        ballots = list(vote.ballots.all())
        rule = charter.rule_for(
            vote.voted_on,
            [(b.member.code, b.member.permanent) for b in ballots],
            charter.Matter(vote.matter),
        )
        outcome = charter.classify(rule, {b.member.code: charter.Vote(b.vote) for b in ballots})
        recorded_vote.objects.filter(pk=vote.pk).update(
            outcome=outcome.result.value, vetoed_by=",".join(outcome.vetoed_by)
        )
    if postgres:
        schema_editor.execute(
            "ALTER TABLE votes_recordedvote ENABLE TRIGGER votes_recordedvote_append_only"
        )


class Migration(migrations.Migration):
    dependencies = [("votes", "0004_projection_model_version")]

    operations = [
        migrations.AddField(
            model_name="recordedvote",
            name="outcome",
            field=models.CharField(
                choices=[("adopted", "Adopted"), ("vetoed", "Vetoed"), ("failed", "Failed")],
                default="",
                help_text="The engine's reading of the ballots, stored when the vote is "
                "recorded (votes are never edited) so that lists can filter on it.",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="recordedvote",
            name="vetoed_by",
            field=models.CharField(
                blank=True,
                default="",
                help_text="ISO3 codes of the vetoing members, comma-separated.",
                max_length=40,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
