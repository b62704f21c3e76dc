from django.urls import path

from . import views

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
]
