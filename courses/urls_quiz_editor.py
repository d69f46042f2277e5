"""URL patterns for the quiz editor (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
