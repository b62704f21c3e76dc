from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.search, name="search"),
    path("stations/<slug:code>/", views.station, name="station"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/photo.jpg", views.photo, name="photo"),
    path("feeds/notices.atom", views.atom, name="atom"),
    path("feeds/notices.json", views.json_feed, name="json_feed"),
    path("feeds/pfif.xml", views.pfif, name="pfif"),
    path("packages/<int:pk>/<slug:platform>.zip", views.package, name="package"),
]
