from django.contrib import admin
from django.urls import include, path

from activity.views import LoginView

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Django's login, which also keeps the language the user logged in with.
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("directory.urls")),
    path("", include("activity.urls")),
    path("accreditation/", include("accreditation.urls")),
    path("agreements/", include("agreements.urls")),
    path("visits/", include("visits.urls")),
    path("recommendations/", include("recommendations.urls")),
    path("admin/", admin.site.urls),
]
