from django.urls import path

from .views import dashboard, exports, plan, public, recommendations, reports

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
    # The plan of action -------------------------------------------------------------------------
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
    # Dashboards
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # Exports and public pages ---------------------------------------------------------------
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<str:kind>/", exports.export_make, name="export_make"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("public/", public.public_list, name="public_list"),
    path("public/<int:pk>/", public.public_report, name="public_report"),
    # End of exports and public pages --------------------------------------------------------
]
