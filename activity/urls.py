from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.language_set, name="language"),
    path("audit/", views.audit_list, name="audit_list"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("audit/refused/", views.denied_list, name="denied_list"),
    path("audit/<int:seq>/", views.audit_detail, name="audit_detail"),
]
