from django.urls import path

from .views import exports, plan, public, reports

app_name = "recommendations"

urlpatterns = [
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "recommendations/<int:pk>/",
        reports.recommendation_detail,
        name="recommendation_detail",
    ),
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
    # Exports and public pages ---------------------------------------------------------------
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<str:kind>/", exports.export_make, name="export_make"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("public/", public.public_list, name="public_list"),
    path("public/<int:pk>/", public.public_report, name="public_report"),
    # End of exports and public pages --------------------------------------------------------
]
