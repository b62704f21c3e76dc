"""Problems, inspections, comparisons and finance comparisons, moved out of tracing with their tables:
the state only (the tables are tracing's, renamed by 0002)."""
import django.db.models.deletion
import django.utils.timezone
import django_fsm
import lib.dates
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tracing', '0013_candidate_clue_score'),
        ('shelter', '0017_person_name_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='DataComparison',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('source', models.CharField(help_text='The department the list comes from.', max_length=120, verbose_name='from')),
                    ('file_name', models.CharField(max_length=200, verbose_name='file')),
                    ('columns', models.JSONField(default=dict)),
                    ('rows', models.JSONField(default=list)),
                    ('hits', models.JSONField(default=list)),
                    ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded')),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.station', verbose_name='station')),
                    ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                ],
                options={
                    'verbose_name': 'data comparison',
                    'verbose_name_plural': 'data comparisons',
                    'db_table': 'tracing_datacomparison',
                    'ordering': ['-uploaded_at'],
                },
            ),
            migrations.CreateModel(
                name='FinanceComparison',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(help_text='The first day of the month compared.', validators=[lib.dates.NotBefore1900()], verbose_name='month')),
                    ('file_name', models.CharField(max_length=200, verbose_name='file')),
                    ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='uploaded')),
                    ('sheet', models.JSONField(default=list)),
                    ('result', models.JSONField(default=dict)),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.station', verbose_name='station')),
                    ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                ],
                options={
                    'verbose_name': 'finance comparison',
                    'verbose_name_plural': 'finance comparisons',
                    'db_table': 'tracing_financecomparison',
                    'ordering': ['-uploaded_at'],
                    'permissions': [('view_statistics', 'Can see the monthly statistics and ledgers'), ('export_ledger', 'Can export the ledgers')],
                },
            ),
            migrations.CreateModel(
                name='Problem',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('id_contradicts', 'ID number contradicts the file'), ('id_twice', 'the same ID number in two open files'), ('no_portrait', 'identity unknown and no main portrait'), ('notice_no_portrait', 'notice published without portrait'), ('dna_not_sampled', 'DNA referred but not sampled within a month'), ('dna_no_result', 'DNA sampled but no result recorded'), ('review_overdue', 'long stay not reviewed'), ('handover_missing', 'police arrival without handover form'), ('late_not_seen', 'late entry not seen by a supervisor'), ('belongings', 'belongings not counted out'), ('duplicate_dismissed', 'duplicate warning dismissed by reception'), ('month_change', 'large change from the month before'), ('comparison_hit', "found in another department's list")], db_index=True, max_length=24, verbose_name='kind')),
                    ('severity', models.PositiveSmallIntegerField(choices=[(1, 'low'), (2, 'medium'), (3, 'high')], verbose_name='severity')),
                    ('key', models.CharField(editable=False, max_length=80)),
                    ('params', models.JSONField(blank=True, default=dict)),
                    ('state', django_fsm.FSMField(choices=[('open', 'open'), ('fixed', 'fixed'), ('accepted', 'accepted')], default='open', max_length=50, protected=True, verbose_name='state')),
                    ('raised_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='raised')),
                    ('fix_by', models.DateTimeField(db_index=True, verbose_name='fix by')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                    ('accept_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for accepting')),
                    ('reminded_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('escalated_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by')),
                    ('owner', models.ForeignKey(blank=True, help_text="The staff member in charge; none: the station's supervisors.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                    ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.person', verbose_name='person')),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.station', verbose_name='station')),
                    ('stay', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.stay', verbose_name='stay')),
                ],
                options={
                    'verbose_name': 'problem',
                    'verbose_name_plural': 'problems',
                    'db_table': 'tracing_problem',
                    'ordering': ['-severity', 'raised_at'],
                    'permissions': [('accept_problem', 'Can accept a data-quality problem with a reason')],
                },
                bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
            ),
            migrations.CreateModel(
                name='MonthlyInspection',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('month', models.DateField(help_text='The first day of the month checked.', verbose_name='month')),
                    ('items', models.TextField(verbose_name='items checked')),
                    ('findings', models.TextField(blank=True, verbose_name='problems found')),
                    ('signed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='signed off')),
                    ('signed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed off by')),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.station', verbose_name='station')),
                    ('problems', models.ManyToManyField(blank=True, related_name='inspections', to='oversight.problem', verbose_name='open problems')),
                ],
                options={
                    'verbose_name': 'monthly inspection',
                    'verbose_name_plural': 'monthly inspections',
                    'db_table': 'tracing_monthlyinspection',
                    'ordering': ['-month'],
                },
            ),
            migrations.AddIndex(
                model_name='problem',
                index=models.Index(fields=['station', 'state', 'kind'], name='tracing_pro_station_4c413d_idx'),
            ),
            migrations.AddConstraint(
                model_name='problem',
                constraint=models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('key',), name='one_open_problem_per_key'),
            ),
            migrations.AddConstraint(
                model_name='monthlyinspection',
                constraint=models.UniqueConstraint(fields=('station', 'month'), name='one_inspection_per_month'),
            ),
        ]),
    ]
