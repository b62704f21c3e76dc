from django.urls import path

from .views import board, cases, documents, interviews, month, problems, reports, review

app_name = "tracing"
urlpatterns = [
    path("", board.board, name="board"),
    path("list/<slug:kind>/<slug:stage>/", board.case_list, name="list"),
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/do/<slug:action>/", cases.act, name="act"),
    path("cases/<int:pk>/notice/", documents.notice, name="notice"),
    path("cases/<int:pk>/notice.pdf", documents.notice_pdf, name="notice_pdf"),
    path("cases/<int:pk>/dna-request.pdf", documents.dna_letter, name="dna_letter"),
    path("publications/<int:pk>/<slug:name>/", cases.publication_step, name="publication"),
    # Family reports, candidates, duplicate files.
    path("reports/", reports.report_list, name="reports"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/candidates/", reports.report_candidates, name="report_candidates"),
    path("reports/<int:pk>/photos/", reports.add_photos, name="report_photos"),
    path("reports/<int:pk>/search/", reports.search_again, name="report_search"),
    path("reports/<int:pk>/do/<slug:name>/", reports.report_step, name="report_step"),
    path("report-photos/<int:pk>/image/", reports.photo_image, name="report_photo"),
    path("candidates/<int:pk>/<slug:name>/", review.review, name="review"),
    path("duplicates/<int:pk>/dismiss/", review.dismiss_duplicate, name="dismiss_duplicate"),
    # Interviews and their clues.
    path("stays/<int:pk>/interviews/", interviews.interviews, name="interviews"),
    path("interviews/<int:pk>/", interviews.interview, name="interview"),
    path("interviews/<int:pk>/audio/", interviews.audio, name="interview_audio"),
    path("interviews/<int:pk>/police-letter.pdf", interviews.police_letter, name="police_letter"),
    path("clues/<int:pk>/<slug:name>/", interviews.clue_step, name="clue"),
    # The month: statistics, the rows behind each figure, ledgers, the finance comparison.
    path("problems/", problems.problem_list, name="problems"),
    path("problems/ledger.xlsx", problems.ledger, name="problem_ledger"),
    path("problems/<int:pk>/accept/", problems.accept, name="problem_accept"),
    path("inspections/", problems.inspections, name="inspections"),
    path("comparisons/", problems.comparisons, name="comparisons"),
    path("comparisons/upload/", problems.comparison_upload, name="comparison_upload"),
    path("comparisons/<int:pk>/", problems.comparison, name="comparison"),
    path("month/", month.month, name="month"),
    path("month/figures/<slug:key>/", month.figure_rows, name="figure"),
    path("month/ledgers/<slug:kind>.<slug:fmt>", month.ledger_export, name="ledger"),
    path("month/statistics.pdf", month.table_pdf, name="month_pdf"),
    path("month/finance/", month.finance, name="finance"),
    path("month/finance/upload/", month.finance_upload, name="finance_upload"),
    path("month/finance/<int:pk>/", month.finance_result, name="finance_result"),
]
