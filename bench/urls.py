"""The project's URLs, with the benchmark's admin beside them."""

from django.urls import path

from config.urls import urlpatterns as project_urls

from .admin import site

urlpatterns = [path("bench-admin/", site.urls), *project_urls]
