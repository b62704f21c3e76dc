from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from health_check.views import HealthCheckView

from accounts import views as accounts_views
from accounts.forms import TwoFactorLoginForm
from config.health import CHECKS
from exchange import api as exchange_api
from shelter import views as shelter_views

urlpatterns = [
    path("healthz/", HealthCheckView.as_view(checks=CHECKS), name="healthz"),
    path("", shelter_views.home, name="home"),
    path("accounts/login/", LoginView.as_view(form_class=TwoFactorLoginForm), name="login"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/login/", accounts_views.admin_login),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("shelter.urls")),
    path("tracing/", include("tracing.urls")),
    path("family/", include("family.urls")),
    path("oversight/", include("oversight.urls")),
    path("face/", include("face.urls")),
    path("public/", include("notices.urls")),
    path("api/v1/", exchange_api.api.urls),
    path("exchange/", include("exchange.urls")),
]

