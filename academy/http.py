"""The request as the site's middleware leaves it, for the pages of every web app."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware: `request.htmx` says whether htmx sent it."""

    htmx: HtmxDetails
