from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from courses.lib.text import clean_html

register = template.Library()


@register.filter
def cleaned(html: str) -> SafeString:
    """Stored HTML is cleaned again on the way out (the allow-list may have tightened since)."""
    return mark_safe(clean_html(html or ""))  # noqa: S308 the output of nh3 with our allow-list


@register.filter
def ce_hours(value: Decimal | None) -> str:
    if value is None:
        return ""
    number = f"{value.normalize():f}"
    return ngettext("%(n)s CE hour", "%(n)s CE hours", 1 if value == 1 else 2) % {"n": number}


@register.filter
def duration(minutes: int | None) -> str:
    minutes = int(minutes or 0)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def points(value: Decimal | None) -> str:
    number = f"{(value or Decimal(0)).normalize():f}"
    return ngettext("%(n)s point", "%(n)s points", 1 if value == 1 else 2) % {"n": number}


@register.filter
def status_is(obj: object, name: str) -> bool:
    """`{% if certificate|status_is:"ISSUED" %}`: the object's status against its model's
    constant of that name, so that a misspelt name fails instead of being silently false."""
    statuses = type(obj).Status  # type: ignore[attr-defined]
    try:
        return bool(obj.status == statuses[name])  # type: ignore[attr-defined]
    except KeyError:
        raise template.TemplateSyntaxError(
            f"{type(obj).__name__} has no status {name!r}: one of {', '.join(statuses.names)}"
        ) from None
