from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from academy import views

admin.site.site_header = "Academy administration"
# The admin's own login form checks the password alone: no second factor, no rate limit. Staff
# log in through the site's login like everyone else, which asks for the TOTP code and counts
# failures, and come back to the admin page they asked for.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("", include("courses.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
