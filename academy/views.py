import hmac
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from academy.forms import MembershipFormSet, ProfileForm
from academy.health import current_checks
from academy.models import User


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/home.html")


def _may_read_health_details(request: HttpRequest) -> bool:
    """Staff, a caller with the HEALTHZ_TOKEN, or one on this machine (a container's own health
    check) may read what failed; exception text says too much to show anyone else."""
    if request.user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    # Through a proxy on this machine every request comes from loopback; the proxy names the
    # client in X-Forwarded-For.
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = current_checks()
    failing = [c.name for c in checks if c.required and not c.ok]
    status = 503 if failing else 200
    body: dict[str, object] = {"status": "fail" if failing else "ok"}
    if _may_read_health_details(request):
        body["failing"] = failing
        body["checks"] = {
            c.name: {"ok": c.ok, "required": c.required, "detail": c.detail, "ms": c.milliseconds}
            for c in checks
        }
    return JsonResponse(body, status=status)


def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware guarantees an authenticated user
    form = ProfileForm(request.POST or None, instance=user)
    memberships = MembershipFormSet(request.POST or None, instance=user, prefix="memberships")
    if request.method == "POST" and form.is_valid() and memberships.is_valid():
        with transaction.atomic():
            form.save()
            memberships.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("profile")
    return render(request, "academy/profile.html", {"form": form, "memberships": memberships})
