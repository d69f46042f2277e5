"""The sign-off form: the date and what the instructor assessed (the service records it)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignOffForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Assessed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("What you assessed"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Shown to the practitioner, e.g. the technique and the client set-up."),
    )
