from django.urls import path

from .views import followup, plan, reports

app_name = "recommendations"

urlpatterns = [
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path(
        "recommendations/<int:pk>/",
        reports.recommendation_detail,
        name="recommendation_detail",
    ),
    # The plan of action and follow-up --------------------------------------------------------
    path("actions/", plan.action_list, name="action_list"),
    path("actions/mine/", plan.action_mine, name="action_mine"),
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
