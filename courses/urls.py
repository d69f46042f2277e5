from django.urls import path

from courses.views import learner

app_name = "courses"

urlpatterns = [
    path("courses/", learner.catalog, name="catalog"),
    path("courses/<slug:course>/", learner.course_detail, name="course"),
    path("courses/<slug:course>/<slug:lesson>/", learner.lesson_detail, name="lesson"),
    path("learning/", learner.learning, name="learning"),
]
