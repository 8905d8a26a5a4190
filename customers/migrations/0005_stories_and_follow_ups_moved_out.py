"""Stories, NPS responses, survey links and follow-ups now belong to stories and acts
(state only: the tables stay)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0004_story_history_refuses_truncate_and_delete'),
        ('stories', '0001_initial'),
        ('acts', '0006_followup_and_day_summary_moved_in'),
        ('secondmile', '0007_day_summary_moved_out'),
    ]

    operations = [
        # The tables stay where they are (same names, same rows): only Django's idea of
        # which app owns each model changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveIndex(
                    model_name='followup',
                    name='customers_f_team_id_aa5245_idx',
                ),
                migrations.RemoveIndex(
                    model_name='npsresponse',
                    name='customers_n_team_id_e3bdab_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='npsresponse',
                    name='nps_score_0_10',
                ),
                migrations.RemoveIndex(
                    model_name='story',
                    name='customers_s_team_id_46bf0a_idx',
                ),
                migrations.RemoveIndex(
                    model_name='story',
                    name='customers_s_status_10abe3_idx',
                ),
                migrations.RemoveConstraint(
                    model_name='story',
                    name='story_rejection_has_reason',
                ),
                migrations.RemoveConstraint(
                    model_name='story',
                    name='story_moderated_has_moderator',
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='referred_by_story',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='referred_customers', to='stories.story'),
                ),
                migrations.RemoveField(
                    model_name='surveylink',
                    name='act',
                ),
                migrations.RemoveField(
                    model_name='surveylink',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='followup',
                    name='act',
                ),
                migrations.RemoveField(
                    model_name='followup',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='followup',
                    name='done_by',
                ),
                migrations.RemoveField(
                    model_name='followup',
                    name='nps_response',
                ),
                migrations.RemoveField(
                    model_name='followup',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='npsresponse',
                    name='act',
                ),
                migrations.RemoveField(
                    model_name='npsresponse',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='npsresponse',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='npsresponse',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='story',
                    name='acts',
                ),
                migrations.RemoveField(
                    model_name='story',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='story',
                    name='moderated_by',
                ),
                migrations.RemoveField(
                    model_name='story',
                    name='recorded_by',
                ),
                migrations.RemoveField(
                    model_name='story',
                    name='team',
                ),
                migrations.DeleteModel(
                    name='StoryEvent',
                ),
                migrations.DeleteModel(
                    name='SurveyLink',
                ),
                migrations.DeleteModel(
                    name='FollowUp',
                ),
                migrations.DeleteModel(
                    name='NpsResponse',
                ),
                migrations.DeleteModel(
                    name='Story',
                ),
            ],
        ),
    ]
