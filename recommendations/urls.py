from django.urls import path

from .views import dashboard, exports, followup, plan, public, recommendations, reports

app_name = "recommendations"

urlpatterns = [
    # Reports and recommendations ----------------------------------------------------------------
    path("reports/", reports.report_list, name="report_list"),
    path("reports/choices/<str:field>/", reports.report_choices, name="report_choices"),
    path("reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_update, name="report_update"),
    path("reports/<int:pk>/findings/", reports.finding_add, name="finding_add"),
    path(
        "reports/<int:pk>/findings/<int:finding>/remove/",
        reports.finding_remove,
        name="finding_remove",
    ),
    path(
        "reports/<int:pk>/recommendations/",
        reports.recommendation_add,
        name="recommendation_add",
    ),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/meeting/", reports.report_meeting_record, name="report_meeting_record"),
    path("reports/<int:pk>/consent/", reports.report_consent, name="report_consent"),
    path(
        "reports/<int:pk>/release/",
        reports.report_release_under_mandate,
        name="report_release_under_mandate",
    ),
    path("reports/<int:pk>/publish/", reports.report_publish, name="report_publish"),
    path("recommendations/", recommendations.recommendation_list, name="recommendation_list"),
    path(
        "recommendations/choices/<str:field>/",
        recommendations.recommendation_choices,
        name="recommendation_choices",
    ),
    path(
        "recommendations/<int:pk>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/edit/",
        reports.recommendation_update,
        name="recommendation_update",
    ),
    path(
        "recommendations/<int:pk>/remove/",
        reports.recommendation_remove,
        name="recommendation_remove",
    ),
    path(
        "recommendations/<int:pk>/answer/",
        reports.recommendation_answer,
        name="recommendation_answer",
    ),
    # Dashboards
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Exports and public pages ---------------------------------------------------------------
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<str:kind>/", exports.export_make, name="export_make"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("public/", public.public_list, name="public_list"),
    path("public/choices/<str:field>/", public.public_choices, name="public_choices"),
    path("public/<int:pk>/", public.public_report, name="public_report"),
    # End of exports and public pages --------------------------------------------------------
    # The plan of action and follow-up --------------------------------------------------------
    path("actions/", plan.action_list, name="action_list"),
    path("actions/mine/", plan.action_mine, name="action_mine"),
    path("actions/choices/<str:field>/", plan.action_choices, name="action_choices"),
    path("actions/new/", plan.action_new, name="action_new"),
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
    path("actions/<int:pk>/progress/", plan.action_progress, name="action_progress"),
    path("actions/<int:pk>/reschedule/", plan.action_reschedule, name="action_reschedule"),
    path("actions/<int:pk>/cancel/", plan.action_cancel, name="action_cancel"),
    path(
        "actions/<int:pk>/recommendations/<int:recommendation_pk>/verify/",
        plan.action_verify,
        name="action_verify",
    ),
    path("follow-up/", followup.followup_list, name="followup_list"),
    path("visits/<int:visit_pk>/checklist/", followup.visit_checklist, name="visit_checklist"),
    path(
        "visits/<int:visit_pk>/checklist/<int:pk>/",
        followup.checklist_verify,
        name="checklist_verify",
    ),
]
