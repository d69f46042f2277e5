from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from academy.models import ProfessionalMembership, User

FULL_NAME_HELP = _("Your name exactly as it should be printed on certificates.")


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth's own form supplies e-mail and password."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=FULL_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": _("Name on certificates")}
        help_texts = {"full_name": FULL_NAME_HELP}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the name to print on your certificates."))
        return name


MembershipFormSet: type[forms.BaseInlineFormSet] = forms.inlineformset_factory(
    User,
    ProfessionalMembership,
    fields=["body", "membership_number"],
    extra=1,
    max_num=10,
    can_delete=True,
    widgets={
        "body": forms.TextInput(attrs={"placeholder": _("e.g. CNHC")}),
    },
)
