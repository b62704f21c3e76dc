from django.urls import path

from . import views

app_name = "face"
urlpatterns = [
    path("people/<int:pk>/capture/", views.capture, name="capture"),
    path("people/<int:pk>/capture/live/", views.live_check, name="live_check"),
    path("people/<int:pk>/portraits/", views.portraits, name="portraits"),
    path("portraits/<int:pk>/", views.portrait, name="portrait"),
    path("portraits/<int:pk>/main/", views.make_main, name="make_main"),
    path("portraits/<int:pk>/hide/", views.hide, name="hide"),
    path("portraits/<int:pk>/image/", views.image, name="image"),
]
