from django.urls import path

from .views import monitoring, requests

app_name = "visits"

urlpatterns = [
    path("", requests.visit_list, name="visit_list"),
    path("new/", requests.visit_new, name="visit_new"),
    path("<int:pk>/", requests.visit_detail, name="visit_detail"),
    path("<int:pk>/approve/", requests.visit_approve, name="visit_approve"),
    path("<int:pk>/reschedule/", requests.visit_reschedule, name="visit_reschedule"),
    path("<int:pk>/refuse/", requests.visit_refuse, name="visit_refuse"),
    path("<int:pk>/withdraw/", requests.visit_withdraw, name="visit_withdraw"),
    path("monitoring/new/", monitoring.monitoring_new, name="monitoring_new"),
    path(
        "monitoring/facilities/",
        monitoring.monitoring_facility_choices,
        name="monitoring_facility_choices",
    ),
    path(
        "monitoring/experts/",
        monitoring.monitoring_expert_choices,
        name="monitoring_expert_choices",
    ),
    path("<int:pk>/delay/", monitoring.delay_record, name="delay_record"),
    path("<int:pk>/interviews/", monitoring.interview_record, name="interview_record"),
    path("<int:pk>/confidentiality/", monitoring.confidentiality_add, name="confidentiality_add"),
    path("<int:pk>/minutes/", monitoring.meeting_write, name="meeting_write"),
]
