"""The Council's whole history: counts-only votes and adoptions without a vote, the draft's
symbol as recorded, vote notes and links, and the vetoing members as a relation (``Veto``)
instead of a comma-separated string.

Existing votes are backfilled: their counts from their ballots, their symbol from their draft,
their vetoes from the old string. On PostgreSQL the append-only trigger is lifted for the
backfill only (a schema change, not an edit of history), then replaced by one that allows the
single change a vote may undergo: a counts-only record gaining its ballots."""


import django.db.models.deletion
from collections import Counter

from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    recorded_vote = apps.get_model("votes", "RecordedVote")
    veto = apps.get_model("votes", "Veto")
    member = apps.get_model("members", "Member")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(
            "ALTER TABLE votes_recordedvote DISABLE TRIGGER votes_recordedvote_append_only"
        )
    codes = {m.code: m for m in member.objects.all()}
    for vote in recorded_vote.objects.select_related("draft").prefetch_related("ballots"):
        cast = Counter(b.vote for b in vote.ballots.all())
        recorded_vote.objects.filter(pk=vote.pk).update(
            yes=cast["yes"],
            no=cast["no"],
            abstain=cast["abstain"],
            not_participating=cast["not_participating"],
            draft_symbol=(vote.draft.symbol or "") if vote.draft_id else "",
        )
        for code in filter(None, vote.vetoed_by.split(",")):
            veto.objects.create(recorded_vote_id=vote.pk, member=codes[code])
    if postgres:
        schema_editor.execute(
            "ALTER TABLE votes_recordedvote ENABLE TRIGGER votes_recordedvote_append_only"
        )


GUARD = """
CREATE OR REPLACE FUNCTION votes_recordedvote_guard() RETURNS trigger AS $$
BEGIN
    -- The one change allowed: a counts-only record gains its ballots, with the symbol, the
    -- matter and the counts (where it had none) that the source with ballots gives; the
    -- outcome and everything else stay.
    IF TG_OP = 'UPDATE' AND OLD.kind = 'counts_only' AND NEW.kind = 'ballots'
       AND (OLD.draft_symbol = '' OR OLD.draft_symbol = NEW.draft_symbol)
       AND (OLD.draft_id IS NULL OR OLD.draft_id = NEW.draft_id)
       AND (OLD.yes IS NULL OR (OLD.yes, OLD.no, OLD.abstain, OLD.not_participating)
            IS NOT DISTINCT FROM (NEW.yes, NEW.no, NEW.abstain, NEW.not_participating))
       AND (to_jsonb(NEW) - ARRAY['kind', 'draft_symbol', 'draft_id', 'matter', 'yes', 'no', 'abstain', 'not_participating']) = (to_jsonb(OLD) - ARRAY['kind', 'draft_symbol', 'draft_id', 'matter', 'yes', 'no', 'abstain', 'not_participating']) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: record a new row instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def guard_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GUARD, params=None)
    schema_editor.execute("DROP TRIGGER votes_recordedvote_append_only ON votes_recordedvote")
    schema_editor.execute(
        "CREATE TRIGGER votes_recordedvote_append_only BEFORE UPDATE OR DELETE ON "
        "votes_recordedvote FOR EACH ROW EXECUTE FUNCTION votes_recordedvote_guard()"
    )
    schema_editor.execute(
        "CREATE TRIGGER votes_veto_append_only BEFORE UPDATE OR DELETE ON votes_veto "
        "FOR EACH ROW EXECUTE FUNCTION votes_refuse_change()"
    )


def unguard_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS votes_veto_append_only ON votes_veto")
    schema_editor.execute("DROP TRIGGER votes_recordedvote_append_only ON votes_recordedvote")
    schema_editor.execute(
        "CREATE TRIGGER votes_recordedvote_append_only BEFORE UPDATE OR DELETE ON "
        "votes_recordedvote FOR EACH ROW EXECUTE FUNCTION votes_refuse_change()"
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS votes_recordedvote_guard()")


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_member_names'),
        ('resolutions', '0001_initial'),
        ('votes', '0005_recorded_vote_outcome'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Veto',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'ordering': ['recorded_vote', 'member__code'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='recordedvote',
            name='recorded_vote_names_draft_or_resolution',
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='abstain',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='draft_symbol',
            field=models.CharField(blank=True, help_text="The draft's symbol as recorded, e.g. S/2017/172.", max_length=80),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='kind',
            field=models.CharField(choices=[('ballots', 'Per-member ballots'), ('counts_only', 'Counts only'), ('without_vote', 'Adopted without a vote')], default='ballots', max_length=12),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='no',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='not_participating',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Seated members that did not vote (absent or not participating).', null=True),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='note',
            field=models.TextField(blank=True, help_text="The source's note on the vote."),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='sequence',
            field=models.PositiveSmallIntegerField(default=1, help_text='1, 2, 3… for decisions on the same text at the same meeting without a resolution number or draft symbol to tell them apart.'),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='source_url',
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='yes',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='recordedvote',
            name='meeting_record',
            field=models.CharField(blank=True, help_text='e.g. S/PV.8697', max_length=60),
        ),
        migrations.AlterField(
            model_name='recordedvote',
            name='outcome',
            field=models.CharField(choices=[('adopted', 'Adopted'), ('vetoed', 'Vetoed'), ('failed', 'Failed')], help_text="The engine's reading of the ballots or counts, stored when the vote is recorded (votes are never edited) so that lists can filter on it. Where the record has no counts, or its counts are a known misprint (see the note), the recorded one.", max_length=10),
        ),
        migrations.AlterField(
            model_name='recordedvote',
            name='subject',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='veto',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vetoes_cast', to='members.member'),
        ),
        migrations.AddField(
            model_name='veto',
            name='recorded_vote',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='vetoes', to='votes.recordedvote'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='recordedvote',
            name='vetoed_by',
        ),
        migrations.AddIndex(
            model_name='recordedvote',
            index=models.Index(fields=['voted_on'], name='votes_recor_voted_o_217adb_idx'),
        ),
        migrations.AddIndex(
            model_name='recordedvote',
            index=models.Index(fields=['draft_symbol'], name='votes_recor_draft_s_9fba82_idx'),
        ),
        migrations.AddConstraint(
            model_name='recordedvote',
            constraint=models.CheckConstraint(condition=models.Q(('draft__isnull', False), ('resolution_number__isnull', False), models.Q(('draft_symbol', ''), _negated=True), models.Q(('meeting_record', ''), _negated=True), _connector='OR'), name='recorded_vote_names_what_was_decided', violation_error_message='A recorded vote is on a draft or a resolution.'),
        ),
        migrations.AddConstraint(
            model_name='recordedvote',
            constraint=models.UniqueConstraint(condition=models.Q(('draft__isnull', True), ('resolution_number__isnull', True)), fields=('voted_on', 'meeting_record', 'draft_symbol', 'sequence'), name='recorded_vote_one_per_decision', violation_error_message='This decision is already recorded.'),
        ),
        migrations.AddConstraint(
            model_name="recordedvote",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(kind="without_vote", outcome="adopted", yes__isnull=True),
                    models.Q(("kind", "without_vote"), _negated=True),
                    _connector="OR",
                ),
                name="recorded_vote_without_vote_is_an_adoption",
                violation_error_message="An adoption without a vote has no counts.",
            ),
        ),
        migrations.AddField(
            model_name='recordedvote',
            name='vetoed_by',
            field=models.ManyToManyField(blank=True, related_name='vetoed_votes', through='votes.Veto', to='members.member'),
        ),
        migrations.AddConstraint(
            model_name='veto',
            constraint=models.UniqueConstraint(fields=('recorded_vote', 'member'), name='veto_one_per_member_per_vote'),
        ),
        migrations.RunPython(guard_triggers, unguard_triggers),
    ]
