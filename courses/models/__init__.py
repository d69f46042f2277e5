"""The learning domain: catalog, quizzes, progress and certificates, a module each."""

from courses.models.catalog import Course, CourseInstructor, Lesson, Module, Topic
from courses.models.progress import Enrollment, LessonCompletion

__all__ = [
    "Course",
    "CourseInstructor",
    "Enrollment",
    "Lesson",
    "LessonCompletion",
    "Module",
    "Topic",
]
