"""Forms of the course structure pages. They validate input and hand it to the services as
details objects; none of them saves anything."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from academy.fields import SingleLineFormField
from courses.lib.text import MARKDOWN_MAX_LENGTH
from courses.models import Accreditation, Course, CourseInstructor, Lesson
from courses.models.catalog import validate_video_url
from courses.services.structure import AccreditationDetails, CourseDetails, LessonDetails

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, ## headings, - lists, [links](https://…). "
    "HTML is shown as text, never run. At most 100,000 characters."
)
PLAIN_TEXT_MAX_LENGTH = 10_000


def markdown_field(label: Any, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=MARKDOWN_HELP,
        error_messages={
            "max_length": _("Keep this to at most 100,000 characters (it has %(show_value)s).")
        },
    )


class CourseCreateForm(forms.ModelForm):
    description = markdown_field(_("Description (Markdown)"), rows=10)

    class Meta:
        model = Course
        fields = ["title", "summary", "topic", "level", "ce_hours", "order_required", "description"]
        widgets: dict[str, forms.Widget] = {
            "ce_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
            "summary": forms.TextInput(),
        }
        help_texts = {
            "summary": _("One sentence for the catalog card."),
            "ce_hours": _("In half-hour steps, as your accrediting body approved them."),
        }

    def details(self) -> CourseDetails:
        data = self.cleaned_data
        return CourseDetails(
            title=data["title"],
            summary=data["summary"],
            topic=data["topic"],
            ce_hours=data["ce_hours"],
            level=data["level"],
            description=data["description"],
            order_required=data["order_required"],
        )


class CourseForm(CourseCreateForm):
    """The course's details, and the other courses a practitioner must complete first."""

    class Meta(CourseCreateForm.Meta):
        fields = [*CourseCreateForm.Meta.fields, "prerequisites"]
        widgets = {
            **CourseCreateForm.Meta.widgets,
            "prerequisites": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prerequisites = self.fields["prerequisites"]
        # Published courses, and any current prerequisite even if it has since been archived.
        prerequisites.queryset = (  # type: ignore[attr-defined]
            Course.objects.filter(
                Q(status=Course.Status.PUBLISHED)
                | Q(pk__in=self.instance.prerequisites.values("pk"))
            )
            .exclude(pk=self.instance.pk)
            .only("pk", "title")
            .order_by("title")
        )


class ModuleForm(forms.Form):
    title = SingleLineFormField(label=_("Module title"), max_length=200)


class LessonAddForm(forms.Form):
    title = SingleLineFormField(label=_("Lesson title"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Lesson.Kind.choices, initial=Lesson.Kind.READING
    )


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Not a list of ids.")) from exc


class ReorderForm(forms.Form):
    """A new order sent by dragging: the modules of the course, or the lessons of one module."""

    module = forms.IntegerField(required=False)
    order = IdListField()


class PublishedForm(forms.Form):
    published = forms.TypedChoiceField(
        choices=[("1", _("Publish")), ("0", _("Unpublish"))], coerce=lambda value: value == "1"
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Course.Status.choices)


class LessonForm(forms.ModelForm):
    body = markdown_field(_("Content (Markdown)"), rows=16)
    transcript = forms.CharField(
        label=_("Transcript"),
        required=False,
        max_length=MARKDOWN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown under the video for people who cannot listen to it."),
    )
    safety_notice = forms.CharField(
        label=_("Safety notice"),
        required=False,
        max_length=PLAIN_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the lesson, e.g. when to stop and see a doctor."),
    )
    video_url = forms.URLField(
        label=_("Video"),
        required=False,
        assume_scheme="https",
        max_length=200,
        validators=[validate_video_url],
        help_text=_("A YouTube or Vimeo address."),
        widget=forms.URLInput(attrs={"placeholder": "https://www.youtube.com/watch?v=…"}),
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "slug",
            "kind",
            "body",
            "video_url",
            "transcript",
            "safety_notice",
            "minutes",
            "required",
        ]
        widgets = {
            "kind": forms.RadioSelect(),
            "minutes": forms.NumberInput(attrs={"min": "1", "max": "600"}),
        }
        help_texts = {
            "slug": _(
                "The lesson's address: lower-case letters, digits and hyphens, unique in the "
                "course. Changing it breaks links people have saved."
            ),
        }

    def details(self) -> LessonDetails:
        data = self.cleaned_data
        return LessonDetails(**{name: data[name] for name in self.Meta.fields})


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "body",
            "provider_name",
            "provider_number",
            "provider_contact",
            "approved_title",
            "approved_hours",
            "delivery_type",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "approved_hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"body": _("Accrediting body")}
        help_texts = {"valid_until": _("Leave empty while the approval has no end date.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The approval cannot end before it starts."))
        return data

    def details(self) -> AccreditationDetails:
        data = self.cleaned_data
        return AccreditationDetails(**{name: data[name] for name in self.Meta.fields})


class InstructorAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Of someone staff have already made an instructor."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=CourseInstructor.Role.choices,
        initial=CourseInstructor.Role.EDITOR,
        help_text=_("Editors change content; owners also publish, archive and manage instructors."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CourseInstructor.Role.choices)


class InstructorSearchForm(forms.Form):
    SHOW = [
        ("", _("Everyone")),
        ("instructors", _("Instructors")),
        ("others", _("Not instructors")),
    ]

    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)


class InstructorStatusForm(forms.Form):
    is_instructor = forms.TypedChoiceField(
        choices=[("1", _("Grant")), ("0", _("Withdraw"))], coerce=lambda value: value == "1"
    )
