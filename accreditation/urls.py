from django.urls import path

from .views import applications, clearances, decisions, frameworks, mechanisms, public, review

app_name = "accreditation"

urlpatterns = [
    # Public, without login.
    path("criteria/", public.criteria, name="public_criteria"),
    path("register/", public.register, name="public_register"),
    path(
        "register/choices/<str:field>/",
        public.register_choices,
        name="public_register_choices",
    ),
    path("verify/", public.verify, name="verify"),
    # The rules.
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/new/", frameworks.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/edit/", frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/publish/", frameworks.framework_publish, name="framework_publish"),
    path(
        "frameworks/<int:pk>/criteria/new/",
        frameworks.criterion_create,
        name="criterion_create",
    ),
    path("criteria/<int:pk>/edit/", frameworks.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", frameworks.criterion_delete, name="criterion_delete"),
    # Applications.
    path("applications/", applications.application_list, name="application_list"),
    path(
        "applications/choices/<str:field>/",
        applications.application_choices,
        name="application_choices",
    ),
    path(
        "organisations/<int:organisation_pk>/apply/",
        applications.application_create,
        name="application_create",
    ),
    path(
        "organisations/<int:organisation_pk>/",
        applications.organisation_overview,
        name="organisation_overview",
    ),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/facilities/",
        applications.application_facility_choices,
        name="application_facility_choices",
    ),
    path(
        "applications/<int:pk>/evidence/<int:criterion_pk>/",
        applications.evidence_edit,
        name="evidence_edit",
    ),
    path(
        "applications/<int:pk>/submit/", applications.application_submit, name="application_submit"
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/<int:pk>/renew/", applications.application_renew, name="application_renew"),
    # Running the process.
    path("applications/<int:pk>/return/", decisions.application_return, name="application_return"),
    path("applications/<int:pk>/assign/", decisions.reviewers_assign, name="reviewers_assign"),
    path("applications/<int:pk>/decide/", decisions.decision_make, name="decision_make"),
    path("applications/<int:pk>/letter.pdf", decisions.decision_letter, name="decision_letter"),
    path("accreditations/", decisions.accreditation_list, name="accreditation_list"),
    path(
        "accreditations/choices/<str:field>/",
        decisions.accreditation_choices,
        name="accreditation_choices",
    ),
    path(
        "accreditations/<int:pk>/",
        decisions.accreditation_detail,
        name="accreditation_detail",
    ),
    path(
        "accreditations/<int:pk>/<str:action>/",
        decisions.accreditation_change,
        name="accreditation_change",
    ),
    path("decisions/<int:pk>/appeal/", decisions.appeal_lodge, name="appeal_lodge"),
    path("appeals/<int:pk>/decide/", decisions.appeal_decide, name="appeal_decide"),
    path("conditions/", decisions.condition_list, name="condition_list"),
    path("conditions/choices/<str:field>/", decisions.condition_choices, name="condition_choices"),
    path("conditions/<int:pk>/", decisions.condition_detail, name="condition_detail"),
    path("conditions/<int:pk>/answer/", decisions.condition_answer, name="condition_answer"),
    path("conditions/<int:pk>/met/", decisions.condition_met, name="condition_met"),
    path("conditions/<int:pk>/not-met/", decisions.condition_not_met, name="condition_not_met"),
    # Review.
    path("reviews/", review.review_list, name="review_list"),
    path("reviews/<int:pk>/", review.review, name="review"),
    path("reviews/<int:pk>/declare/", review.review_declare, name="review_declare"),
    path("reviews/<int:pk>/scores/", review.review_scores, name="review_scores"),
    path("reviews/<int:pk>/submit/", review.review_submit, name="review_submit"),
    # People vetting.
    path("clearances/", clearances.clearance_list, name="clearance_list"),
    path(
        "clearances/choices/<str:field>/",
        clearances.clearance_choices,
        name="clearance_choices",
    ),
    path("clearances/<int:pk>/decide/", clearances.clearance_decide, name="clearance_decide"),
    path(
        "people/<int:person_pk>/clearance/",
        clearances.clearance_request,
        name="clearance_request",
    ),
    # Formal mechanisms.
    path("mechanisms/", mechanisms.mechanism_list, name="mechanism_list"),
    path("mechanisms/new/", mechanisms.mechanism_register, name="mechanism_register"),
    path("mechanisms/<int:pk>/", mechanisms.mechanism_detail, name="mechanism_detail"),
]
