from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from academy.fields import SingleLineCharField
from courses.lib.text import render_markdown
from courses.models.catalog import Lesson


class ReviewWhen(models.TextChoices):
    NEVER = "never", _("Never")
    IMMEDIATELY = "immediately", _("Immediately after each attempt")
    AFTER_PASS = "after_pass", _("Once the quiz is passed")
    AFTER_LAST = "after_last", _("After the last allowed attempt (or a pass)")


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Leave empty for unlimited attempts.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    shuffle_questions = models.BooleanField(default=True)
    shuffle_choices = models.BooleanField(default=True)
    draw_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Questions drawn at random per attempt; empty: all.")
    )
    review_marks = models.CharField(
        _("show right/wrong per question"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.IMMEDIATELY,
    )
    review_answers = models.CharField(
        _("show correct answers and feedback"),
        max_length=20,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_LAST,
    )

    class Meta:
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return f"Quiz: {self.lesson}"


class Question(models.Model):
    """A question's identity in a quiz; what it says lives in its versions."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return f"Question {self.position + 1} of {self.quiz}"


class QuestionVersion(models.Model):
    """What a question said at one time. Frozen once answered: editing then makes a new version."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple response")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT_ANSWER = "short_answer", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")
        DESCRIPTION = "description", _("Description (not scored)")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = SingleLineCharField(max_length=250, blank=True)
    prompt = models.TextField(_("prompt (Markdown)"))
    prompt_html = models.TextField(editable=False, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"))
    general_feedback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="unique_version_number_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.prompt_html = render_markdown(self.prompt)
        super().save(*args, **kwargs)

    @property
    def is_scored(self) -> bool:
        return self.kind != self.Kind.DESCRIPTION


class Choice(models.Model):
    """One answer option of a version: a choice, an accepted short or numeric answer, or a pair.

    `fraction` is the share of the question's points it earns (1 = all, may be negative for
    multiple response). Never sent to the browser during an attempt."""

    version = models.ForeignKey(QuestionVersion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    fraction = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0"))
    feedback = models.TextField(blank=True)
    numeric_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    tolerance = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    # Matching: the prompt this pair's `text` answers; empty for a distractor answer.
    match_prompt = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.match_prompt or self.text


class GiftImport(models.Model):
    """A GIFT import too large for one request, run by a task: queued (not started), running
    (started), then finished with the number of questions added or the error that stopped it."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="gift_imports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    questions = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    added = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"GIFT import {self.pk} into {self.quiz}"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.error


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def of(self, user: Any) -> "AttemptQuerySet":
        if not user.is_authenticated:
            return self.none()
        return self.filter(practitioner=user)

    def open(self) -> "AttemptQuerySet":
        return self.filter(submitted_at__isnull=True)


class Attempt(models.Model):
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts"
    )
    # Indexed with the practitioner below (quiz first), which serves lookups by quiz alone too.
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="attempts", db_index=False
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Frozen at start: [{"version": id, "choices": [choice ids in the order shown]}, ...]
    layout = models.JSONField(default=list)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(null=True)

    objects: ClassVar[AttemptQuerySet] = AttemptQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["quiz", "practitioner", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "quiz", "number"], name="unique_attempt_number_per_quiz"
            ),
            models.UniqueConstraint(
                fields=["practitioner", "quiz"],
                condition=Q(submitted_at__isnull=True),
                name="unique_open_attempt_per_quiz",
            ),
        ]
        indexes = [
            models.Index(
                fields=["quiz", "practitioner"],
                include=["number", "started_at", "submitted_at", "passed"],
                name="attempt_quiz_practitioner",
            ),
            # The beat sweep's "open timed attempts whose time is up" (close_expired_attempts),
            # every minute: only the open timed attempts are in it, whatever the history.
            models.Index(
                fields=["deadline_at"],
                condition=Q(submitted_at__isnull=True, deadline_at__isnull=False),
                name="attempt_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} by {self.practitioner} on {self.quiz}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def version_ids(self) -> list[int]:
        return [int(item["version"]) for item in self.layout]


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="responses")
    # choice ids (list), text (str), number (str) or {prompt choice id: answer choice id}
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "version"], name="unique_response_per_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.version} in {self.attempt}"


class QuestionStatistic(models.Model):
    """Item statistics of one question version, computed by a task after submissions so the
    statistics page reads stored numbers (as Moodle's quiz statistics report, but fast)."""

    version = models.OneToOneField(
        QuestionVersion, on_delete=models.CASCADE, related_name="statistic"
    )
    responses = models.PositiveIntegerField(default=0)
    # Mean fraction of the points scored (0-1): high is easy.
    facility = models.FloatField(null=True, blank=True)
    # Correlation of the item's score with the rest of the test (-1..1).
    discrimination = models.FloatField(null=True, blank=True)
    # {choice id: how many responses picked it}
    choice_counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Statistics of {self.version}"
