from django.urls import path

from . import views

app_name = "shelter"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/new/", views.intake, name="intake"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/return/", views.intake, name="return"),
    path("people/<int:pk>/correct/", views.correct, name="correct"),
    path("people/<int:pk>/merge/<int:other>/", views.merge, name="merge"),
    path("stays/<int:pk>/do/<slug:name>/", views.transition, name="transition"),
    path("stays/<int:pk>/services/", views.add_service, name="add_service"),
    path("stays/<int:pk>/depart/", views.depart, name="depart"),
    path("stays/<int:pk>/death/", views.death, name="death"),
    path("stays/<int:pk>/review/", views.review, name="review"),
    path("stays/<int:pk>/handover/", views.handover, name="handover"),
    path("stays/<int:pk>/death-report/", views.death_report, name="death_report"),
    path("stays/<int:pk>/death-report.pdf", views.death_report_pdf, name="death_report_pdf"),
    path("documents/<slug:kind>/<int:pk>/", views.document, name="document"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/", views.transfer, name="transfer"),
    path("late/", views.late_entries, name="late"),
    path("late/<slug:kind>/<int:pk>/seen/", views.late_seen, name="late_seen"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("accounts/locked/", views.locked_accounts, name="locked"),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("audit/", views.audit_log, name="audit"),
]
