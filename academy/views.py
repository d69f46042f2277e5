from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from academy.forms import MembershipFormSet, ProfileForm
from academy.health import run_checks
from academy.models import User


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "academy/home.html")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    failing = [c.name for c in checks if c.required and not c.ok]
    body = {
        "status": "fail" if failing else "ok",
        "failing": failing,
        "checks": {
            c.name: {"ok": c.ok, "required": c.required, "detail": c.detail, "ms": c.milliseconds}
            for c in checks
        },
    }
    return JsonResponse(body, status=503 if failing else 200)


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
