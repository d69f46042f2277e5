"""The GIFT import form: pasted text or an uploaded file, decoded as the importer decodes it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.services.gift_import import MAX_GIFT_BYTES, decode_gift


class GiftImportForm(forms.Form):
    text = forms.CharField(
        label=_("Paste GIFT text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("…or upload a GIFT file"),
        required=False,
        help_text=_("A .gift or .txt file in UTF-8, at most 512 KB."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_GIFT_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(kb)d KB.") % {"kb": MAX_GIFT_BYTES // 1024}
                )
            if not upload.name.lower().endswith((".gift", ".txt")):
                raise forms.ValidationError(_("Upload a .gift or .txt file."))
            data["text"] = decode_gift(upload.read())
        if not str(data.get("text") or "").strip():
            raise forms.ValidationError(_("Paste GIFT text or choose a file."))
        return data
