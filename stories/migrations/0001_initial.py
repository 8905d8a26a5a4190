"""Stories, their history, NPS responses and survey links move here from customers, tables
and rows unchanged (db_table keeps the customers_* names); their content types, and so
their permissions and the groups holding them, move along."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.db import content_types_move


class Migration(migrations.Migration):

    dependencies = [
        ('acts', '0005_history_refuses_truncate_and_delete'),
        ('customers', '0004_story_history_refuses_truncate_and_delete'),
        ('secondmile', '0006_audit_event'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are (same names, same rows): only Django's idea of
        # which app owns each model changes.
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Story',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('review', 'Online review'), ('social', 'Social post'), ('word_of_mouth', 'Word of mouth'), ('letter', 'Email or letter'), ('survey', 'Survey comment')], max_length=20)),
                        ('told_on', models.DateField()),
                        ('text', models.TextField()),
                        ('url', models.URLField(blank=True, max_length=500)),
                        ('consent', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('submitted', 'Waiting for review'), ('approved', 'Approved'), ('featured', 'Featured'), ('rejected', 'Rejected')], default='submitted', max_length=20)),
                        ('moderated_at', models.DateTimeField(blank=True, null=True)),
                        ('reject_reason', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('acts', models.ManyToManyField(blank=True, db_table='customers_story_acts', related_name='stories', to='acts.act')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stories', to='customers.customer')),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stories', to='secondmile.team')),
                    ],
                    options={
                        'verbose_name_plural': 'stories',
                        'db_table': 'customers_story',
                        'ordering': ['-told_on', '-id'],
                        'permissions': [('moderate_story', 'Can approve, feature or reject stories')],
                    },
                ),
                migrations.CreateModel(
                    name='StoryEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(blank=True, max_length=20)),
                        ('to_status', models.CharField(choices=[('submitted', 'Waiting for review'), ('approved', 'Approved'), ('featured', 'Featured'), ('rejected', 'Rejected')], max_length=20)),
                        ('note', models.TextField(blank=True)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('story', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='stories.story')),
                    ],
                    options={
                        'db_table': 'customers_storyevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                        ('act', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='survey_links', to='acts.act')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'customers_surveylink',
                    },
                ),
                migrations.CreateModel(
                    name='NpsResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.PositiveSmallIntegerField()),
                        ('comment', models.TextField(blank=True)),
                        ('date', models.DateField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('act', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='nps_responses', to='acts.act')),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='nps_responses', to='customers.customer')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='secondmile.team')),
                    ],
                    options={
                        'verbose_name': 'NPS response',
                        'db_table': 'customers_npsresponse',
                        'ordering': ['-date', '-id'],
                        'indexes': [models.Index(fields=['team', 'date'], name='customers_n_team_id_e3bdab_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('score__lte', 10)), name='nps_score_0_10')],
                    },
                ),
                migrations.AddIndex(
                    model_name='story',
                    index=models.Index(fields=['team', 'status', 'told_on'], name='customers_s_team_id_46bf0a_idx'),
                ),
                migrations.AddIndex(
                    model_name='story',
                    index=models.Index(fields=['status', 'created_at'], name='customers_s_status_10abe3_idx'),
                ),
                migrations.AddConstraint(
                    model_name='story',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'rejected'), _negated=True), models.Q(('reject_reason', ''), _negated=True), _connector='OR'), name='story_rejection_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='story',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'submitted'), ('moderated_by__isnull', False), _connector='OR'), name='story_moderated_has_moderator'),
                ),
            ],
        ),
        content_types_move("customers", "stories", ["story", "storyevent", "npsresponse", "surveylink"]),
    ]
