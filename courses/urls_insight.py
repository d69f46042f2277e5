"""URL patterns for course insight and exports (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
