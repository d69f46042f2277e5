"""The practitioner's and the public's pages (names in the site-wide "courses" namespace: see
academy/urls.py)."""

from django.urls import URLPattern, path

from learn.views import certificates, learner, quizzes, signoffs

urlpatterns: list[URLPattern] = [
    path("courses/", learner.catalog, name="catalog"),
    path("courses/<slug:course>/", learner.course_detail, name="course"),
    path("courses/<slug:course>/<slug:lesson>/", learner.lesson_detail, name="lesson"),
    path("courses/<slug:course>/<slug:lesson>/quiz/", quizzes.start, name="quiz_start"),
    path("attempts/<int:attempt>/", quizzes.attempt_page, name="attempt"),
    path("attempts/<int:attempt>/save/", quizzes.save, name="attempt_save"),
    path("attempts/<int:attempt>/submit/", quizzes.submit, name="attempt_submit"),
    path(
        "courses/<slug:course>/<slug:lesson>/sign-off/",
        signoffs.request_sign_off,
        name="sign_off_request",
    ),
    path("learning/", learner.learning, name="learning"),
    path("certificates/", certificates.my_certificates, name="certificates"),
    path("certificates/<str:code>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>.json", certificates.certificate_json, name="certificate_json"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("verify/<str:code>.json", certificates.verify_json, name="verify_json"),
    path(".well-known/jwks.json", certificates.jwks, name="jwks"),
    path("issuer", certificates.issuer_profile, name="issuer"),
]
