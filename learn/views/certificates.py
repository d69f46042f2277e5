"""The practitioner's certificates, public verification and the signing keys (the register that
instructors and staff keep is in teach/views/certificates.py)."""

from typing import Any

from allauth.core.ratelimit import consume_or_429
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses.lib import credentials
from courses.lib.snapshot import CertificateSnapshot, format_hours
from courses.models import Certificate
from courses.models.certificates import normalize_code
from courses.services.certificates import (
    issuer,
    public_keys,
)
from learn.forms import PdfCheckForm


def _snapshot(certificate: Certificate) -> CertificateSnapshot | None:
    return CertificateSnapshot.from_json(certificate.snapshot) if certificate.snapshot else None


# --- the practitioner's own ------------------------------------------------------------------


@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    certificates = (
        Certificate.objects.of(request.user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("course")
        .order_by("-created_at")
    )
    rows = [(c, _snapshot(c)) for c in certificates]
    return render(request, "learn/certificates/mine.html", {"rows": rows})


def _own_issued(request: HttpRequest, code: str) -> Certificate:
    canonical = normalize_code(code)
    if canonical is None:
        raise Http404
    return get_object_or_404(
        Certificate.objects.of(request.user).exclude(pdf_key=""), code=canonical
    )


@require_GET
def certificate_pdf(request: HttpRequest, code: str) -> FileResponse:
    """The issued file, exactly as stored at issue (never re-rendered), to its holder only."""
    certificate = _own_issued(request, code)
    response = FileResponse(
        default_storage.open(certificate.pdf_key, "rb"),
        content_type="application/pdf",
        as_attachment="download" in request.GET,
        filename=f"certificate-{certificate.code}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def certificate_json(request: HttpRequest, code: str) -> JsonResponse:
    """The signed Open Badges credential: the JSON and its VC-JWT."""
    certificate = _own_issued(request, code)
    response = JsonResponse(
        {"credential": certificate.credential, "jwt": certificate.credential_jwt},
        json_dumps_params={"indent": 2},
    )
    response["Content-Disposition"] = f'inline; filename="credential-{certificate.code}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- public verification ---------------------------------------------------------------------


def _over_the_limit(request: HttpRequest) -> HttpResponse | None:
    """Verification lookups are rate-limited per address: the 429 to send, or None."""
    return consume_or_429(request, action="verify_certificate", limit_get=True)


def _verifiable(code: str) -> Certificate:
    """Unknown and malformed codes are the same 404."""
    canonical = normalize_code(code)
    if canonical is None:
        raise Http404
    return get_object_or_404(
        Certificate.objects.filter(
            status__in=[
                Certificate.Status.ISSUED,
                Certificate.Status.REVOKED,
                Certificate.Status.SUPERSEDED,
            ]
        ).select_related("superseded_by"),
        code=canonical,
    )


def _current_of(certificate: Certificate) -> Certificate | None:
    """The certificate that replaced this one, following re-issues to the newest."""
    current = certificate.superseded_by
    seen = 0
    while current is not None and current.superseded_by_id is not None and seen < 20:
        current = current.superseded_by
        seen += 1
    return current


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if (limited := _over_the_limit(request)) is not None:
        return limited
    certificate = _verifiable(code)
    snapshot = _snapshot(certificate)
    form = PdfCheckForm(request.POST or None, request.FILES or None)
    pdf_matches = None
    if request.method == "POST" and form.is_valid():
        pdf_matches = form.cleaned_data["file"].decode() == certificate.pdf_sha256
    context = {
        "certificate": certificate,
        "snapshot": snapshot,
        "hours": format_hours(snapshot.ce_hours) if snapshot else "",
        "current": _current_of(certificate),
        "form": form,
        "pdf_matches": pdf_matches,
    }
    return render(request, "learn/certificates/verify.html", context)


@login_not_required
@never_cache
@require_GET
def verify_json(request: HttpRequest, code: str) -> JsonResponse:
    if _over_the_limit(request) is not None:
        return JsonResponse({"error": "rate limited"}, status=429)
    certificate = _verifiable(code)
    snapshot = _snapshot(certificate)
    current = _current_of(certificate)
    body: dict[str, Any] = {
        "code": certificate.code,
        "status": {
            Certificate.Status.ISSUED: "valid",
            Certificate.Status.REVOKED: "revoked",
            Certificate.Status.SUPERSEDED: "superseded",
        }[Certificate.Status(certificate.status)],
        "issued_at": certificate.issued_at.isoformat() if certificate.issued_at else None,
        "pdf_sha256": certificate.pdf_sha256,
        "certificate": snapshot.to_json() if snapshot else None,
        "credential": certificate.credential,
        "credential_jwt": certificate.credential_jwt,
    }
    if body["certificate"]:
        # The salt and hash identify the holder to someone who already knows their e-mail;
        # the credential carries them for that purpose, the summary needs neither.
        body["certificate"].pop("recipient_salt", None)
        body["certificate"].pop("recipient_hash", None)
        body["certificate"].pop("extra", None)
    if certificate.status == Certificate.Status.REVOKED:
        body["revoked_at"] = certificate.revoked_at.isoformat() if certificate.revoked_at else None
        body["revocation_reason"] = certificate.revocation_reason
    if current is not None:
        body["superseded_by"] = request.build_absolute_uri(current.get_absolute_url())
    return JsonResponse(body, json_dumps_params={"indent": 2})


@login_not_required
@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(credentials.jwks(public_keys()))
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
def issuer_profile(request: HttpRequest) -> JsonResponse:
    """The Open Badges issuer profile that credentials name as their issuer."""
    body = {
        "@context": [credentials.VC_CONTEXT, credentials.OB_CONTEXT],
        **credentials.issuer_profile(issuer()),
    }
    response = JsonResponse(body)
    response["Access-Control-Allow-Origin"] = "*"
    return response
