from django.urls import path

from .views import dashboard, plan, reports

app_name = "recommendations"

urlpatterns = [
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "recommendations/<int:pk>/",
        reports.recommendation_detail,
        name="recommendation_detail",
    ),
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
    # Dashboards
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # placeholder names until merged
    path("reports/", dashboard.dashboard, name="report_list"),
    path("recommendations/", dashboard.dashboard, name="recommendation_list"),
    path("actions/", dashboard.dashboard, name="action_list"),
    # end of placeholder names
]
