"""The register of a course's certificates that instructors and staff keep: revoke, re-issue,
retry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses.models import Certificate, CertificateEmail, CertificateEvent, Course
from courses.models.certificates import normalize_code
from courses.permissions import Action
from courses.services.certificates import (
    CertificateStateError,
    reissue_certificate,
    retry_certificate,
    revoke_certificate,
)
from teach.access import course_permission_required, permitted_courses

REGISTER_PAGE_SIZE = 25


@require_GET
@course_permission_required(Action.VIEW_REGISTER)
def register(request: HttpRequest, course: str, *, course_obj: Course) -> HttpResponse:
    certificates = (
        Certificate.objects.filter(course=course_obj)
        .select_related("enrollment__practitioner", "superseded_by")
        # The frozen JSON is not shown here and is most of each row's weight.
        .defer(
            "snapshot",
            "credential",
            "credential_jwt",
            "superseded_by__snapshot",
            "superseded_by__credential",
            "superseded_by__credential_jwt",
        )
        .prefetch_related(
            Prefetch("events", queryset=CertificateEvent.objects.select_related("actor")),
            # Only the e-mails that need a person: those that gave up, with their error.
            Prefetch(
                "emails",
                queryset=CertificateEmail.objects.filter(status=CertificateEmail.Status.FAILED),
                to_attr="failed_emails",
            ),
        )
        .order_by("-created_at", "-id")
    )
    page = Paginator(certificates, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        Certificate.objects.filter(course=course_obj)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )
    context = {
        "course": course_obj,
        "certificates": page.object_list,
        "page": page,
        "counts": [(Certificate.Status(s).label, n) for s, n in sorted(counts.items())],
        "statuses": Certificate.Status,
    }
    return render(request, "teach/certificates/register.html", context)


def _registered(request: HttpRequest, code: str) -> Certificate:
    canonical = normalize_code(code)
    if canonical is None:
        raise Http404
    return get_object_or_404(
        Certificate.objects.filter(
            course__in=permitted_courses(request, Action.REVOKE_CERTIFICATE)
        ).select_related("course"),
        code=canonical,
    )


@require_POST
def certificate_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    certificate = _registered(request, code)
    reason = request.POST.get("reason", "")
    try:
        if action == "revoke":
            revoke_certificate(certificate=certificate, by=request.user, reason=reason)  # type: ignore[arg-type]
            messages.success(request, _("Certificate %(code)s revoked.") % {"code": code})
        elif action == "reissue":
            new = reissue_certificate(
                certificate=certificate,
                by=request.user,  # type: ignore[arg-type]
                reason=reason,
            )
            messages.success(
                request,
                _("Certificate %(old)s superseded; %(new)s is being issued.")
                % {"old": certificate.code, "new": new.code},
            )
        elif action == "retry":
            retry_certificate(certificate=certificate, by=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Certificate %(code)s queued again.") % {"code": code})
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except CertificateStateError as exc:
        messages.error(request, str(exc))
    return redirect("courses:certificate_register", course=certificate.course.slug)
