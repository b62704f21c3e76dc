from django.urls import path

from .views import board, month, problems, queries

app_name = "oversight"
urlpatterns = [
    path("", board.board, name="board"),
    path("list/<slug:kind>/<slug:stage>/", board.case_list, name="list"),
    # Data quality: the problem list, inspections, comparisons with other departments' lists.
    path("problems/", problems.problem_list, name="problems"),
    path("problems/ledger.xlsx", problems.ledger, name="problem_ledger"),
    path("problems/<int:pk>/accept/", problems.accept, name="problem_accept"),
    path("inspections/", problems.inspections, name="inspections"),
    path("inspections/findings/", problems.findings, name="findings"),
    path("problems/<int:pk>/fixed/", problems.finding_fixed, name="finding_fixed"),
    path("comparisons/", problems.comparisons, name="comparisons"),
    path("comparisons/upload/", problems.comparison_upload, name="comparison_upload"),
    path("comparisons/<int:pk>/", problems.comparison, name="comparison"),
    # Doubtful data back to its source: queries to other departments, their letters and answers.
    path("queries/", queries.queries, name="queries"),
    path("queries/new/", queries.query_new, name="query_new"),
    path("queries/<int:pk>/", queries.query, name="query"),
    path("queries/<int:pk>/answer/", queries.query_answer, name="query_answer"),
    path("queries/<int:pk>/letter.pdf", queries.query_letter, name="query_letter"),
    path("queries/<int:pk>/items.xlsx", queries.query_items_sheet, name="query_items"),
    # The month: statistics, the rows behind each figure, ledgers, the finance comparison.
    path("month/", month.month, name="month"),
    path("month/figures/<slug:key>/", month.figure_rows, name="figure"),
    path("month/ledgers/<slug:kind>.<slug:fmt>", month.ledger_export, name="ledger"),
    path("month/statistics.pdf", month.table_pdf, name="month_pdf"),
    path("month/finance/", month.finance, name="finance"),
    path("month/finance/upload/", month.finance_upload, name="finance_upload"),
    path("month/finance/<int:pk>/", month.finance_result, name="finance_result"),
]
