"""The learning domain: catalog, quizzes, progress and certificates, a module each."""

from courses.models.catalog import (
    Accreditation,
    AccreditingBody,
    Course,
    CourseInstructor,
    Lesson,
    Module,
    Topic,
)
from courses.models.certificates import Certificate, CertificateEmail, CertificateEvent
from courses.models.progress import Enrollment, LessonCompletion, SignOff
from courses.models.quizzes import (
    Attempt,
    Choice,
    GiftImport,
    Question,
    QuestionStatistic,
    QuestionVersion,
    Quiz,
    Response,
    ReviewWhen,
)

__all__ = [
    "Accreditation",
    "AccreditingBody",
    "Attempt",
    "Certificate",
    "CertificateEmail",
    "CertificateEvent",
    "Choice",
    "Course",
    "CourseInstructor",
    "Enrollment",
    "GiftImport",
    "Lesson",
    "LessonCompletion",
    "Module",
    "Question",
    "QuestionStatistic",
    "QuestionVersion",
    "Quiz",
    "Response",
    "ReviewWhen",
    "SignOff",
    "Topic",
]
