"""Family finding and oversight are apps of their own (family 0001, oversight 0001): their models leave
tracing's state; their tables stay, renamed by those apps' 0002."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('family', '0001_initial'),
        ('oversight', '0001_initial'),
        ('tracing', '0013_candidate_clue_score'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveField(
                model_name='datacomparison',
                name='station',
            ),
            migrations.RemoveField(
                model_name='datacomparison',
                name='uploaded_by',
            ),
            migrations.RemoveField(
                model_name='familyreport',
                name='matched_person',
            ),
            migrations.RemoveField(
                model_name='familyreport',
                name='matched_stay',
            ),
            migrations.RemoveField(
                model_name='familyreport',
                name='search_requested_by',
            ),
            migrations.RemoveField(
                model_name='familyreport',
                name='station',
            ),
            migrations.RemoveField(
                model_name='familyreport',
                name='taken_by',
            ),
            migrations.RemoveField(
                model_name='reportphoto',
                name='report',
            ),
            migrations.RemoveField(
                model_name='financecomparison',
                name='station',
            ),
            migrations.RemoveField(
                model_name='financecomparison',
                name='uploaded_by',
            ),
            migrations.RemoveField(
                model_name='monthlyinspection',
                name='problems',
            ),
            migrations.RemoveField(
                model_name='monthlyinspection',
                name='signed_by',
            ),
            migrations.RemoveField(
                model_name='monthlyinspection',
                name='station',
            ),
            migrations.RemoveField(
                model_name='possibleduplicate',
                name='other',
            ),
            migrations.RemoveField(
                model_name='possibleduplicate',
                name='person',
            ),
            migrations.RemoveField(
                model_name='possibleduplicate',
                name='reviewed_by',
            ),
            migrations.RemoveField(
                model_name='problem',
                name='accepted_by',
            ),
            migrations.RemoveField(
                model_name='problem',
                name='owner',
            ),
            migrations.RemoveField(
                model_name='problem',
                name='person',
            ),
            migrations.RemoveField(
                model_name='problem',
                name='station',
            ),
            migrations.RemoveField(
                model_name='problem',
                name='stay',
            ),
            migrations.RemoveField(
                model_name='reportphoto',
                name='uploaded_by',
            ),
            migrations.DeleteModel(
                name='Candidate',
            ),
            migrations.DeleteModel(
                name='DataComparison',
            ),
            migrations.DeleteModel(
                name='FamilyReport',
            ),
            migrations.DeleteModel(
                name='FinanceComparison',
            ),
            migrations.DeleteModel(
                name='MonthlyInspection',
            ),
            migrations.DeleteModel(
                name='PossibleDuplicate',
            ),
            migrations.DeleteModel(
                name='Problem',
            ),
            migrations.DeleteModel(
                name='ReportPhoto',
            ),
        ]),
    ]
