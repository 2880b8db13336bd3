from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:organisation_pk>/people/new/",
        views.person_create,
        name="person_create",
    ),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.second_factor, name="second_factor"),
    path("account/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "account/two-factor/recovery-codes/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("account/two-factor/turn-off/", views.two_factor_disable, name="two_factor_disable"),
    path("account/confirm/", views.step_up, name="step_up"),
]
