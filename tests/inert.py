"""Checks that HTML shown to a browser cannot run anything: used by the XSS tests."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

SAFE_SCHEMES = {"", "http", "https", "mailto"}
EXECUTABLE_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "form", "base",
                   "link", "meta"}  # fmt: skip


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value:
                # Browsers ignore tabs and newlines inside a scheme, and its case.
                cleaned = "".join(value.split()).lower()
                if urlsplit(cleaned).scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{tag} {name}={value!r}")


def executable_parts(html: str) -> list[str]:
    """Everything in html that a browser could execute; [] when it is inert."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems
