"""URL patterns for quiz item statistics (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
