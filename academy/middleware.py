"""Cache-Control for responses that belong to one visitor."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

PERSONAL = "private, no-store"


def _is_personal(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A logged-in user's page, or one that sets a cookie: a session, a message, or the CSRF
    cookie that comes with every page carrying a CSRF token (the token matches one browser's
    cookie, so a shared copy would fail every other visitor's form)."""
    user = getattr(request, "user", None)
    return bool((user is not None and user.is_authenticated) or response.cookies)


class PersonalResponsesNotStoredMiddleware:
    """Sends `Cache-Control: private, no-store` with every personal response, so no proxy or
    shared cache keeps one and the browser keeps no copy on disk after logout.

    Placed outside the session and CSRF middleware, so it sees the cookies they set. Responses a
    view marks `public` (the published key set) are the same for everyone and keep their header;
    static files never reach it (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        control = response.get("Cache-Control", "").lower()
        if "public" in control or ("private" in control and "no-store" in control):
            return response
        if _is_personal(request, response):
            response["Cache-Control"] = PERSONAL
        return response
