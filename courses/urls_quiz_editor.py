"""URL patterns for quiz_editor pages, under the "courses" namespace (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
