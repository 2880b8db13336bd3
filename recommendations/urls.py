from django.urls import path

from .views import plan, reports

app_name = "recommendations"

urlpatterns = [
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "recommendations/<int:pk>/",
        reports.recommendation_detail,
        name="recommendation_detail",
    ),
    path("actions/<int:pk>/", plan.action_detail, name="action_detail"),
]
