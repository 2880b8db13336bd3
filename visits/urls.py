from django.urls import path

from .views import calendar, feeds, gate, monitoring, protocols, requests

app_name = "visits"

urlpatterns = [
    path("", requests.visit_list, name="visit_list"),
    path("choices/<str:field>/", requests.visit_choices, name="visit_choices"),
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
    # The calendar, closures and the review queue.
    path("calendar/", calendar.calendar_list, name="calendar_list"),
    path("calendar/<int:pk>/", calendar.facility_calendar, name="facility_calendar"),
    path("calendar/<int:pk>/windows/new/", calendar.window_new, name="window_new"),
    path("calendar/<int:pk>/rules/", calendar.rules_edit, name="rules_edit"),
    path("calendar/<int:pk>/closures/new/", calendar.closure_new, name="closure_new"),
    path("closures/<int:pk>/lift/", calendar.closure_lift, name="closure_lift"),
    path("windows/<int:pk>/", calendar.window_edit, name="window_edit"),
    path("windows/<int:pk>/end/", calendar.window_end, name="window_end"),
    path("reviews/", calendar.review_list, name="review_list"),
    # The entrance protocol.
    path("protocol/<int:pk>/", protocols.protocol_detail, name="protocol_detail"),
    path("protocol/<int:pk>/versions/", protocols.protocol_versions, name="protocol_versions"),
    path("protocol/<int:pk>/new/", protocols.protocol_create, name="protocol_create"),
    path("protocols/<int:pk>/", protocols.protocol_version, name="protocol_version"),
    path("protocols/<int:pk>/edit/", protocols.protocol_edit, name="protocol_edit"),
    path("protocols/<int:pk>/measures/<int:level>/", protocols.measure_edit, name="measure_edit"),
    path(
        "protocols/<int:pk>/measures/<int:level>/remove/",
        protocols.measure_remove,
        name="measure_remove",
    ),
    path("protocols/<int:pk>/publish/", protocols.protocol_publish, name="protocol_publish"),
    # The calendar feed.
    path("feed/", feeds.feed_page, name="feed_page"),
    path("feed/create/", feeds.feed_create, name="feed_create"),
    path("feed/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feed/<slug:token>.ics", feeds.feed, name="feed"),
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
    path("protocol/<int:pk>/acknowledge/", gate.protocol_acknowledge, name="protocol_acknowledge"),
]
