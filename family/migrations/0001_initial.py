"""Family reports, candidates and duplicate warnings, moved out of tracing with their tables: the state
only (the tables are tracing's, renamed by 0002)."""
import django.db.models.deletion
import django.utils.timezone
import django_fsm
import face.fields
import lib.dates
import lib.phones
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tracing', '0013_candidate_clue_score'),
        ('face', '0006_portrait_person_facts'),
        ('shelter', '0017_person_name_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='FamilyReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('reported_via', models.CharField(choices=[('counter', 'at the counter'), ('phone', 'by phone')], default='counter', max_length=10, verbose_name='how reported')),
                    ('reported_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='reported at')),
                    ('reporter_name', models.CharField(max_length=60, verbose_name="reporter's name")),
                    ('reporter_relation', models.CharField(help_text='e.g. son, daughter, wife, neighbour', max_length=30, verbose_name='relation to the missing person')),
                    ('reporter_phone', models.CharField(max_length=40, validators=[lib.phones.validate_phones], verbose_name="reporter's phone")),
                    ('reporter_id_number', models.CharField(blank=True, help_text='18 characters; the last may be X.', max_length=18, verbose_name="reporter's ID number")),
                    ('name', models.CharField(blank=True, max_length=60, verbose_name="missing person's name")),
                    ('aliases', models.CharField(blank=True, help_text='Nicknames, childhood names, separated by commas.', max_length=200, verbose_name='other names')),
                    ('sex', models.CharField(choices=[('M', 'male'), ('F', 'female'), ('U', 'unknown')], default='U', max_length=1, verbose_name='sex')),
                    ('date_of_birth', models.DateField(blank=True, null=True, validators=[lib.dates.NotBefore1900()], verbose_name='date of birth')),
                    ('age_min', models.PositiveSmallIntegerField(blank=True, help_text='If the date of birth is not known.', null=True, verbose_name='age now, from')),
                    ('age_max', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='age now, to')),
                    ('id_number', models.CharField(blank=True, max_length=18, verbose_name="missing person's ID number")),
                    ('native_place', models.CharField(blank=True, help_text='Province, city, county, village, as far as known.', max_length=100, verbose_name='home place')),
                    ('dialect', models.CharField(blank=True, max_length=60, verbose_name='dialect or accent')),
                    ('height_cm', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='height (cm)')),
                    ('last_seen_on', models.DateField(blank=True, null=True, validators=[lib.dates.NotBefore1900()], verbose_name='last seen on')),
                    ('last_seen_place', models.CharField(blank=True, max_length=200, verbose_name='last seen at')),
                    ('description', models.TextField(blank=True, help_text='Build, hair, marks, scars, clothing when last seen.', verbose_name='description')),
                    ('health', models.TextField(blank=True, help_text='e.g. dementia, mental illness, needs medicine.', verbose_name='health or mental condition')),
                    ('state', django_fsm.FSMField(choices=[('open', 'open'), ('candidate_found', 'candidate found'), ('confirmed', 'confirmed: family found'), ('reunited', 'reunited'), ('closed', 'closed')], db_index=True, default='open', max_length=50, protected=True, verbose_name='state')),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed')),
                    ('searched_at', models.DateTimeField(blank=True, null=True, verbose_name='last searched')),
                    ('search_requested_at', models.DateTimeField(blank=True, db_index=True, editable=False, null=True)),
                    ('submit_token', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                    ('matched_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='family_reports', to='shelter.person', verbose_name='found in file')),
                    ('matched_stay', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='family_reports', to='shelter.stay')),
                    ('search_requested_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.station', verbose_name='handled by')),
                    ('taken_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='taken by')),
                ],
                options={
                    'verbose_name': 'family report',
                    'verbose_name_plural': 'family reports',
                    'db_table': 'tracing_familyreport',
                    'ordering': ['-reported_at'],
                    'permissions': [('search_faces', 'Can search faces (family reports, duplicate files)'), ('review_candidate', 'Can confirm or reject a candidate for a family report'), ('close_report', 'Can record a reunion or close a family report')],
                },
                bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
            ),
            migrations.CreateModel(
                name='ReportPhoto',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('image', models.ImageField(upload_to='family/%Y/%m/', verbose_name='photo')),
                    ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='added')),
                    ('accepted', models.BooleanField(default=False, verbose_name='quality accepted')),
                    ('reasons', models.JSONField(blank=True, default=list, verbose_name='quality reasons')),
                    ('measures', models.JSONField(blank=True, default=dict, verbose_name='quality measures')),
                    ('encoding', face.fields.EmbeddingField(blank=True, dimensions=128, editable=False, null=True)),
                    ('encoded_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='photos', to='family.familyreport')),
                    ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'report photo',
                    'verbose_name_plural': 'report photos',
                    'db_table': 'tracing_reportphoto',
                    'ordering': ['-accepted', 'uploaded_at', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='PossibleDuplicate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('found_by', models.CharField(choices=[('intake', 'description at intake'), ('face', 'face')], max_length=10, verbose_name='found by')),
                    ('face_distance', models.FloatField(blank=True, null=True, verbose_name='face distance')),
                    ('found_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='found')),
                    ('state', django_fsm.FSMField(choices=[('open', 'to be checked'), ('dismissed', 'not the same person'), ('merged', 'merged')], default='open', max_length=50, protected=True, verbose_name='state')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                    ('review_reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                    ('other', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.person')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duplicate_warnings', to='shelter.person')),
                    ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'possible duplicate file',
                    'verbose_name_plural': 'possible duplicate files',
                    'db_table': 'tracing_possibleduplicate',
                    'constraints': [models.UniqueConstraint(fields=('person', 'other'), name='one_warning_per_pair')],
                },
                bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
            ),
            migrations.CreateModel(
                name='Candidate',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('face_distance', models.FloatField(blank=True, null=True, verbose_name='face distance')),
                    ('description_score', models.FloatField(blank=True, null=True, verbose_name='description score')),
                    ('score', models.FloatField(db_index=True, verbose_name='rank score')),
                    ('clue_score', models.FloatField(default=0.0, verbose_name='interview clues')),
                    ('reasons', models.JSONField(blank=True, default=dict)),
                    ('state', django_fsm.FSMField(choices=[('proposed', 'proposed'), ('confirmed', 'confirmed'), ('rejected', 'rejected')], default='proposed', max_length=50, protected=True, verbose_name='state')),
                    ('found_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='found')),
                    ('scored_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='scored')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed')),
                    ('review_reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                    ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='family_candidates', to='shelter.person', verbose_name='person')),
                    ('portrait', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='face.portrait')),
                    ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                    ('stay', models.ForeignKey(blank=True, help_text="The person's latest stay when last scored.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shelter.stay')),
                    ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='candidates', to='family.familyreport')),
                    ('photo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='family.reportphoto')),
                ],
                options={
                    'verbose_name': 'candidate',
                    'verbose_name_plural': 'candidates',
                    'db_table': 'tracing_candidate',
                    'ordering': ['-score', models.OrderBy(models.F('face_distance'), nulls_last=True), 'pk'],
                    'constraints': [models.UniqueConstraint(fields=('report', 'person'), name='one_candidate_per_report_person')],
                },
                bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
            ),
        ]),
    ]
