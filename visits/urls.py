from django.urls import path

from .views import gate, requests

app_name = "visits"

urlpatterns = [
    path("", requests.visit_list, name="visit_list"),
    path("new/", requests.visit_new, name="visit_new"),
    path("<int:pk>/", requests.visit_detail, name="visit_detail"),
    path("<int:pk>/approve/", requests.visit_approve, name="visit_approve"),
    path("<int:pk>/reschedule/", requests.visit_reschedule, name="visit_reschedule"),
    path("<int:pk>/refuse/", requests.visit_refuse, name="visit_refuse"),
    path("<int:pk>/withdraw/", requests.visit_withdraw, name="visit_withdraw"),
    # The gate.
    path("gate/", gate.gate_home, name="gate"),
    path("gate/<int:pk>/", gate.gate_manifest, name="gate_manifest"),
    path("gate/<int:pk>/print/", gate.gate_manifest_print, name="gate_manifest_print"),
    path("gate/searches/", gate.gate_searches, name="gate_searches"),
    path("gate/visitors/<int:pk>/", gate.gate_visitor, name="gate_visitor"),
    path("gate/visitors/<int:pk>/check-in/", gate.gate_check_in, name="gate_check_in"),
    path("gate/visitors/<int:pk>/check-out/", gate.gate_check_out, name="gate_check_out"),
    path("gate/visitors/<int:pk>/refuse/", gate.gate_refuse, name="gate_refuse"),
    path("gate/visitors/<int:pk>/no-show/", gate.gate_no_show, name="gate_no_show"),
    path("gate/visitors/<int:pk>/briefing/", gate.gate_briefing, name="gate_briefing"),
    path(
        "gate/visitors/<int:pk>/acknowledgement/",
        gate.gate_acknowledgement,
        name="gate_acknowledgement",
    ),
    path("gate/visitors/<int:pk>/pass/", gate.gate_pass, name="gate_pass"),
    path("<int:pk>/incident/", gate.gate_incident, name="gate_incident"),
    path("<int:pk>/package/", gate.gate_package, name="gate_package"),
    path("protocol/<int:pk>/", gate.protocol_acknowledge, name="protocol_acknowledge"),
]
