from django.urls import path

from . import report_views, views

app_name = "tracing"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/<slug:kind>/<slug:stage>/", views.case_list, name="list"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("cases/<int:pk>/notice/", views.notice, name="notice"),
    path("cases/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("cases/<int:pk>/dna-request.pdf", views.dna_letter, name="dna_letter"),
    path("publications/<int:pk>/<slug:name>/", views.publication_step, name="publication"),
    # Family reports, candidates, duplicate files.
    path("reports/", report_views.report_list, name="reports"),
    path("reports/new/", report_views.report_new, name="report_new"),
    path("reports/<int:pk>/", report_views.report, name="report"),
    path("reports/<int:pk>/photos/", report_views.add_photos, name="report_photos"),
    path("reports/<int:pk>/search/", report_views.search_again, name="report_search"),
    path("reports/<int:pk>/do/<slug:name>/", report_views.report_step, name="report_step"),
    path("report-photos/<int:pk>/image/", report_views.photo_image, name="report_photo"),
    path("candidates/<int:pk>/<slug:name>/", report_views.review, name="review"),
    path("duplicates/<int:pk>/dismiss/", report_views.dismiss_duplicate, name="dismiss_duplicate"),
]
