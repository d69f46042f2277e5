from django.urls import path

from courses import urls_insight, urls_quiz_editor, urls_statistics, urls_structure
from courses.views import authoring, certificates, learner, quizzes, signoffs

app_name = "courses"

urlpatterns = [
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
    path("teach/sign-offs/", signoffs.queue, name="sign_off_queue"),
    path(
        "teach/courses/<slug:course>/sign-offs/",
        signoffs.course_sign_offs,
        name="course_sign_offs",
    ),
    path(
        "teach/sign-offs/<int:enrollment>/<int:lesson>/",
        signoffs.give,
        name="sign_off_give",
    ),
    path(
        "teach/sign-offs/<int:sign_off>/send-back/",
        signoffs.send_back,
        name="sign_off_send_back",
    ),
    path("certificates/", certificates.my_certificates, name="certificates"),
    path("certificates/<str:code>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>.json", certificates.certificate_json, name="certificate_json"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("verify/<str:code>.json", certificates.verify_json, name="verify_json"),
    path(".well-known/jwks.json", certificates.jwks, name="jwks"),
    path("issuer", certificates.issuer_profile, name="issuer"),
    path(
        "teach/courses/<slug:course>/certificates/",
        certificates.register,
        name="certificate_register",
    ),
    path(
        "teach/certificates/<str:code>/<str:action>/",
        certificates.certificate_action,
        name="certificate_action",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/import/",
        authoring.import_quiz,
        name="quiz_import",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz/import/<int:job>/",
        authoring.import_status,
        name="quiz_import_status",
    ),
    path(
        "teach/courses/<slug:course>/<slug:lesson>/quiz.gift",
        authoring.export_quiz,
        name="quiz_export",
    ),
]

# Instructors' pages, one module per concern.
urlpatterns += (
    urls_structure.urlpatterns
    + urls_quiz_editor.urlpatterns
    + urls_insight.urlpatterns
    + urls_statistics.urlpatterns
)
