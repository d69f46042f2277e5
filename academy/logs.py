"""Structured logging: every line carries the request id (or, in a worker, the task id) and the
certificate being issued, and JSON lines are written when LOG_FORMAT=json.

Nothing secret reaches a log line: messages pass through a redaction of the secret key, private
key blocks and passwords in URLs before they are formatted.
"""

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str] = ContextVar("request_id", default="-")
certificate_code: ContextVar[str] = ContextVar("certificate_code", default="")

_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Markers found apart (not one expression with ".*?" between them): an expression would scan
# to the end of the text from every BEGIN that has no END, which is quadratic.
_PRIVATE_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_PRIVATE_KEY_END = re.compile(r"-----END [A-Z ]*PRIVATE KEY-----")
# The scheme starts where no scheme character stands before it, and a password holds no "/"
# (RFC 3986 userinfo): so no character is scanned from more than one start.
_URL_PASSWORD = re.compile(
    r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s/]+@", re.I
)


def _without_private_keys(text: str) -> str:
    kept: list[str] = []
    start = 0
    while (begin := _PRIVATE_KEY_BEGIN.search(text, start)) is not None:
        end = _PRIVATE_KEY_END.search(text, begin.end())
        if end is None:
            break
        kept += [text[start : begin.start()], "[private key removed]"]
        start = end.end()
    return "".join(kept) + text[start:]


def redact(text: str) -> str:
    text = _without_private_keys(text)
    text = _URL_PASSWORD.sub(r"\g<scheme>***@", text)
    secret = getattr(settings, "SECRET_KEY", "")
    if secret and len(secret) >= 8:
        text = text.replace(secret, "***")
    return text


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.certificate = certificate_code.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        if getattr(record, "certificate", ""):
            entry["certificate"] = record.certificate  # type: ignore[attr-defined]
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), logs with it, and returns it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        value = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response


@contextmanager
def about_certificate(code: str) -> Iterator[None]:
    """Log lines inside carry the certificate's code."""
    token = certificate_code.set(code)
    try:
        yield
    finally:
        certificate_code.reset(token)
