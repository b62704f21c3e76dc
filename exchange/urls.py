from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("month/", views.month, name="month"),
    path("queries/<int:pk>/send/", views.query_send, name="query_send"),
]
