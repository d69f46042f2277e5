"""URL patterns for course structure authoring (included by courses/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
