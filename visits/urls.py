from django.urls import path

from .views import feeds, requests

app_name = "visits"

urlpatterns = [
    path("", requests.visit_list, name="visit_list"),
    path("new/", requests.visit_new, name="visit_new"),
    path("<int:pk>/", requests.visit_detail, name="visit_detail"),
    path("<int:pk>/approve/", requests.visit_approve, name="visit_approve"),
    path("<int:pk>/reschedule/", requests.visit_reschedule, name="visit_reschedule"),
    path("<int:pk>/refuse/", requests.visit_refuse, name="visit_refuse"),
    path("<int:pk>/withdraw/", requests.visit_withdraw, name="visit_withdraw"),
    path("calendar/", feeds.feed_page, name="feed_page"),
    path("calendar/create/", feeds.feed_create, name="feed_create"),
    path("calendar/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feed/<slug:token>.ics", feeds.feed, name="feed"),
]
