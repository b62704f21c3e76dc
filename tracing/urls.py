from django.urls import path

from .views import cases, documents, interviews

app_name = "tracing"
urlpatterns = [
    path("cases/<int:pk>/", cases.case, name="case"),
    path("cases/<int:pk>/do/<slug:action>/", cases.act, name="act"),
    path("cases/<int:pk>/stated-time/<slug:kind>/", cases.accept_stated_time, name="accept_stated_time"),
    path("cases/<int:pk>/notice/", documents.notice, name="notice"),
    path("cases/<int:pk>/notice.pdf", documents.notice_pdf, name="notice_pdf"),
    path("cases/<int:pk>/dna-request.pdf", documents.dna_letter, name="dna_letter"),
    path("publications/<int:pk>/<slug:name>/", cases.publication_step, name="publication"),
    # Interviews and their clues.
    path("stays/<int:pk>/interviews/", interviews.interviews, name="interviews"),
    path("interviews/<int:pk>/", interviews.interview, name="interview"),
    path("interviews/<int:pk>/audio/", interviews.audio, name="interview_audio"),
    path("interviews/<int:pk>/police-letter.pdf", interviews.police_letter, name="police_letter"),
    path("clues/<int:pk>/<slug:name>/", interviews.clue_step, name="clue"),
]
