from django.contrib import admin
from django.urls import include, path

from academy import views

admin.site.site_header = "Academy administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("profile/", views.profile, name="profile"),
    path("", include("courses.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
