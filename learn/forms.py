"""The learner's forms: the catalog's filters."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Topic
from courses.models.catalog import CourseQuerySet

HOURS_RANGES = {
    "short": (_("Up to 1 hour"), Q(ce_hours__lte=Decimal("1"))),
    "medium": (_("1½ to 2½ hours"), Q(ce_hours__gte=Decimal("1.5"), ce_hours__lte=Decimal("2.5"))),
    "long": (_("3 hours or more"), Q(ce_hours__gte=Decimal("3"))),
}


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Course.Level.choices]
    )
    hours = forms.ChoiceField(
        label=_("CE hours"),
        required=False,
        choices=[("", _("Any length"))]
        + [(key, label) for key, (label, _q) in HOURS_RANGES.items()],
    )

    def filter(self, courses: CourseQuerySet) -> CourseQuerySet:
        if not self.is_valid():
            return courses
        data = self.cleaned_data
        for word in data["q"].split()[:8]:
            courses = courses.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        if data["topic"]:
            courses = courses.filter(topic=data["topic"])
        if data["level"]:
            courses = courses.filter(level=data["level"])
        if data["hours"]:
            courses = courses.filter(HOURS_RANGES[data["hours"]][1])
        return courses
