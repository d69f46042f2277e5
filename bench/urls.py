from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from academy.urls import urlpatterns as site_urlpatterns


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def bare_logged_in(request: HttpRequest) -> HttpResponse:
    """The floor for a practitioner's page: the session and user are loaded, nothing else."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def base_template(request: HttpRequest) -> HttpResponse:
    """The site's frame (header, navigation, footer) around nothing, for a practitioner."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-logged-in/", bare_logged_in),
    path("bench/base-template/", base_template),
    *site_urlpatterns,
]
