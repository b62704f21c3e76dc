from django.urls import path

from .views import reports, review

app_name = "family"
urlpatterns = [
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
]
