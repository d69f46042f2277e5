from django.contrib import admin

from courses.models import (
    Attempt,
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
