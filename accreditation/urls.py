from django.urls import URLPattern

app_name = "accreditation"

urlpatterns: list[URLPattern] = []
