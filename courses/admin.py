from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from courses.models import (
    Accreditation,
    AccreditingBody,
    Attempt,
    Certificate,
    CertificateEmail,
    CertificateEvent,
    Choice,
    Course,
    CourseInstructor,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    QuestionVersion,
    Quiz,
    Topic,
)
from courses.services.certificates import retry_certificate


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class CourseInstructorInline(admin.TabularInline):
    model = CourseInstructor
    extra = 0
    autocomplete_fields = ["instructor"]


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "level", "ce_hours", "status"]
    list_filter = ["status", "topic", "level"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["prerequisites"]
    inlines = [CourseInstructorInline, ModuleInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "module", "position", "minutes", "required"]
    list_filter = ["course", "required"]
    search_fields = ["title"]
    list_select_related = ["course", "module"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "course", "enrolled_at", "completed_at"]
    list_filter = ["course"]
    search_fields = ["practitioner__email", "practitioner__full_name"]
    list_select_related = ["practitioner", "course"]
    raw_id_fields = ["practitioner"]


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "lesson", "completed_at"]
    list_select_related = ["enrollment__practitioner", "enrollment__course", "lesson"]
    raw_id_fields = ["enrollment", "lesson"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["lesson", "pass_mark", "attempts_allowed", "time_limit_minutes"]
    list_select_related = ["lesson__course"]
    raw_id_fields = ["lesson"]


@admin.register(QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    """Read-mostly for staff: versions are created by the authoring services."""

    list_display = ["question", "number", "kind", "points"]
    list_filter = ["kind"]
    inlines = [ChoiceInline]
    raw_id_fields = ["question"]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "practitioner",
        "quiz",
        "number",
        "started_at",
        "submitted_at",
        "score",
        "passed",
    ]
    list_select_related = ["practitioner", "quiz__lesson"]
    raw_id_fields = ["practitioner", "quiz"]
    readonly_fields = ["layout"]


@admin.register(AccreditingBody)
class AccreditingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "website"]
    search_fields = ["name", "abbreviation"]


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "body",
        "approved_title",
        "approved_hours",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["body", "delivery_type"]
    search_fields = ["course__title", "approved_title", "provider_number"]
    autocomplete_fields = ["course", "body"]


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "note"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CertificateEmailInline(admin.TabularInline):
    model = CertificateEmail
    extra = 0
    can_delete = False
    fields = ["kind", "status", "tries", "sent_at", "retry_at", "message_id", "last_error"]
    readonly_fields = ["kind", "status", "tries", "sent_at", "retry_at", "message_id", "last_error"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CertificateEmail)
class CertificateEmailAdmin(admin.ModelAdmin):
    """Every certificate e-mail with its state: filter by status to find the ones that failed
    (with their error) and retry them; the rows change only through the services."""

    list_display = ["certificate", "kind", "status", "tries", "sent_at", "retry_at", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = [
        "certificate__code",
        "message_id",
        "certificate__enrollment__practitioner__email",
    ]
    list_select_related = ["certificate"]
    readonly_fields = [f.name for f in CertificateEmail._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed e-mails")
    def retry(self, request: HttpRequest, queryset: QuerySet[CertificateEmail]) -> None:
        failed = queryset.filter(status=CertificateEmail.Status.FAILED).select_related(
            "certificate"
        )
        certificates = {email.certificate_id: email.certificate for email in failed}
        for certificate in certificates.values():
            retry_certificate(certificate=certificate, by=request.user)  # type: ignore[arg-type]
        self.message_user(
            request, f"{len(certificates)} certificate(s) e-mails queued again.", messages.SUCCESS
        )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Staff see every certificate, failed and blocked ones with their reasons; the certificate
    itself changes only through the services (retry here; revoke and re-issue in the register)."""

    list_display = ["code", "enrollment", "status", "created_at", "issued_at", "tries"]
    list_filter = ["status"]
    search_fields = ["code", "enrollment__practitioner__email", "enrollment__course__title"]
    list_select_related = ["enrollment__practitioner", "enrollment__course"]
    readonly_fields = [f.name for f in Certificate._meta.fields]
    inlines = [CertificateEmailInline, CertificateEventInline]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Retry the selected failed certificates or their failed e-mails")
    def retry(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        retried = 0
        failed = Q(status=Certificate.Status.FAILED) | Q(
            emails__status=CertificateEmail.Status.FAILED
        )
        for certificate in queryset.filter(failed).distinct():
            retry_certificate(certificate=certificate, by=request.user)  # type: ignore[arg-type]
            retried += 1
        self.message_user(request, f"{retried} certificate(s) queued again.", messages.SUCCESS)
