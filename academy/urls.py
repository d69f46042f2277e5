from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from academy import views
from learn import urls as learn_urls
from teach import urls as teach_urls

admin.site.site_header = "Academy administration"
# The admin's own login form checks the password alone: no second factor, no rate limit. Staff
# log in through the site's login like everyone else, which asks for the TOTP code and counts
# failures, and come back to the admin page they asked for.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    # One "courses" namespace over both web apps, so a page's name does not say which app serves
    # it ("courses:lesson", "courses:quiz_edit"), and the learner's patterns are matched first.
    path("", include((learn_urls.urlpatterns + teach_urls.urlpatterns, "courses"))),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
