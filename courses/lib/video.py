"""Video embeds from an allow-list of hosts (pure functions)."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{6,12}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be",
                 "www.youtube-nocookie.com"}  # fmt: skip
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


class VideoNotAllowed(ValueError):
    pass


@dataclass(frozen=True)
class Embed:
    provider: str
    video_id: str

    @property
    def src(self) -> str:
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://player.vimeo.com/video/{self.video_id}?dnt=1"


def parse_video_url(url: str) -> Embed:
    """The embed for a YouTube or Vimeo address; anything else raises VideoNotAllowed."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        raise VideoNotAllowed("Use an https:// address from YouTube or Vimeo.")
    segments = [s for s in parts.path.split("/") if s]
    if host in YOUTUBE_HOSTS:
        if host == "youtu.be" and segments:
            candidate = segments[0]
        elif segments[:1] == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) >= 2 and segments[0] in {"embed", "shorts", "live"}:
            candidate = segments[1]
        else:
            candidate = ""
        if _YOUTUBE_ID.match(candidate):
            return Embed("YouTube", candidate)
        raise VideoNotAllowed("That YouTube address does not name a video.")
    if host in VIMEO_HOSTS:
        candidate = (
            segments[1]
            if segments[:1] == ["video"] and len(segments) > 1
            else (segments[0] if segments else "")
        )
        if _VIMEO_ID.match(candidate):
            return Embed("Vimeo", candidate)
        raise VideoNotAllowed("That Vimeo address does not name a video.")
    raise VideoNotAllowed(
        f"Videos can only come from YouTube or Vimeo, not {host or 'that address'}."
    )
