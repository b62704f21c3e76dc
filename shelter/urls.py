from django.urls import path

from .views import audit, checks, files, notifications, people, transfers

app_name = "shelter"
urlpatterns = [
    path("people/", people.people, name="people"),
    path("people/new/", people.intake, name="intake"),
    path("people/<int:pk>/", files.person, name="person"),
    path("people/<int:pk>/return/", people.intake, name="return"),
    path("people/<int:pk>/correct/", files.correct, name="correct"),
    path("people/<int:pk>/merge/<int:other>/", files.merge, name="merge"),
    path("stays/<int:pk>/do/<slug:name>/", files.transition, name="transition"),
    path("stays/<int:pk>/services/", files.add_service, name="add_service"),
    path("stays/<int:pk>/depart/", files.depart, name="depart"),
    path("stays/<int:pk>/death/", files.death, name="death"),
    path("stays/<int:pk>/review/", files.review, name="review"),
    path("stays/<int:pk>/handover/", files.handover, name="handover"),
    path("stays/<int:pk>/death-report/", files.death_report, name="death_report"),
    path("stays/<int:pk>/death-report.pdf", files.death_report_pdf, name="death_report_pdf"),
    path("stays/<int:pk>/body/", files.body, name="body"),
    path("stays/<int:pk>/body/<slug:name>/", files.body_step_view, name="body_step"),
    path("stays/<int:pk>/death-belongings/", files.death_belongings, name="death_belongings"),
    path("stays/<int:pk>/referrer-letter/", files.referrer_letter, name="referrer_letter"),
    path("stays/<int:pk>/forms/<slug:form>.pdf", files.stay_form_pdf, name="stay_form_pdf"),
    path("documents/<slug:kind>/<int:pk>/", files.document, name="document"),
    path("transfers/", transfers.transfers, name="transfers"),
    path("transfers/<int:pk>/", transfers.transfer, name="transfer"),
    path("late/", audit.late_entries, name="late"),
    path("late/<slug:kind>/<int:pk>/seen/", audit.late_seen, name="late_seen"),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifications/read/", notifications.notifications_read, name="notifications_read"),
    path("notifications/badge/", notifications.notification_badge, name="notification_badge"),
    path("audit/", audit.audit_log, name="audit"),
    path("checks/", checks.checks, name="checks"),
    path("checks/<int:pk>/", checks.check, name="check"),
]
