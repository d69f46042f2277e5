"""The learner's and the public's forms: the catalog's filters, the certificate PDF check."""

import hashlib
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
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


MAX_PDF_CHECK_BYTES = 5 * 1024 * 1024


class PdfCheckForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("The file is compared with the one issued, by its SHA-256 digest. Max 5 MB."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PDF_CHECK_BYTES:
            raise ValidationError(_("The file is larger than 5 MB: it is not one of ours."))
        head = upload.read(5)
        if head != b"%PDF-":
            raise ValidationError(_("That file is not a PDF."))
        digest = hashlib.sha256()
        for chunk in upload.chunks():  # from the start again
            digest.update(chunk)
        return digest.hexdigest().encode()
