"""Instructor-written text: Markdown rendered by markdown-it-py, cleaned by nh3 (pure functions).

Nothing an instructor writes is ever evaluated: raw HTML in the Markdown is escaped by the parser,
and the parser's output is cleaned again against an explicit allow-list of tags, attributes and
URL schemes, both when the text is saved and when it is shown.
"""

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

# Rendering is linear in the text but not cheap on hostile input: 100,000 characters of "!["
# take about 2 s here, 200,000 about 3.5 s (measured in the README). Every Markdown field is
# capped at this length in its form, the preview and the service that saves it.
MARKDOWN_MAX_LENGTH = 100_000
MARKDOWN_LIMIT_HELP = _("At most 100,000 characters.")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])


def clean_html(html: str) -> str:
    """Strip everything outside the allow-list; links open nothing and pass no referrer."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def check_markdown_length(text: str, field: str | None = None) -> None:
    """Raise ValidationError (for `field`, when named) when the text is longer than a Markdown
    field may be."""
    if len(text or "") <= MARKDOWN_MAX_LENGTH:
        return
    error = ValidationError(
        _("Keep this to at most %(limit)s characters (it has %(length)s)."),
        code="markdown_too_long",
        params={"limit": f"{MARKDOWN_MAX_LENGTH:,}", "length": f"{len(text):,}"},
    )
    raise ValidationError({field: error}) if field else error


def render_markdown(text: str) -> str:
    """Markdown to clean HTML. Headings start at h2: the page owns the h1."""
    html = _markdown.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return clean_html(html)


def preview_markdown(text: str) -> str:
    """The clean HTML of a preview, or (for text over the cap) the reason there is none: a
    preview request is as costly as a save, so it obeys the same limit."""
    try:
        check_markdown_length(text)
    except ValidationError as exc:
        return format_html('<p class="teach-warning" role="alert">{}</p>', " ".join(exc.messages))
    return render_markdown(text)
