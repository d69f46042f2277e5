"""Single-line text: titles, names and the like, which end up in e-mail headers, PDF lines and
page headings, where a line break either breaks the output (Django refuses a header holding one)
or lets one field pretend to be two.

`SingleLineCharField` is a `CharField` that turns every control character and line or paragraph
separator into one space, on every way in: assignment through a form, `save()`, `full_clean()`,
`update()` and `bulk_update()` (through `get_prep_value`), fixtures, and rows read back that were
stored before it existed. It reports itself to migrations as a plain `CharField`, so using it
changes no schema and writes no migration.
"""

import re
from typing import Any

from django import forms
from django.db import models

# C0 controls (tab, line feed, carriage return, NUL …), DEL, C1 controls (NEL \x85 …), and the
# Unicode line and paragraph separators: everything `str.splitlines()` or a mail header treats
# as a break, and everything a terminal or PostgreSQL's text type chokes on.
_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(value: str) -> str:
    """The text with each run of control characters or line breaks made one space, and no
    spaces left where a break stood at either end; text without any is returned unchanged."""
    if not _BREAKS.search(value):
        return value
    pieces = (piece.strip(" ") for piece in _BREAKS.split(value))
    return " ".join(piece for piece in pieces if piece)


class SingleLineFormField(forms.CharField):
    """A form's text input whose cleaned value is on one line (before `max_length` is checked,
    so the length counted is the length stored)."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value


class SingleLineCharField(models.CharField):
    def deconstruct(self) -> Any:
        # The column is a plain varchar: migrations need not know this class.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return single_line(value) if isinstance(value, str) else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return single_line(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = single_line(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or SingleLineFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )
