"""URL patterns for insight pages, under the "courses" namespace (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
