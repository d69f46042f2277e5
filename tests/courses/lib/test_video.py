import pytest
from django.core.exceptions import ValidationError

from courses.lib.video import VideoNotAllowed, parse_video_url
from tests.factories import LessonFactory


@pytest.mark.parametrize(
    ("url", "src"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
    ],
)
def test_allowed_hosts_become_privacy_friendly_embeds(url, src):
    assert parse_video_url(url).src == src


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=<script>",
        "javascript:alert(1)",
        "https://vimeo.com/not-a-number",
    ],
)
def test_other_addresses_are_refused(url):
    with pytest.raises(VideoNotAllowed):
        parse_video_url(url)


@pytest.mark.django_db
def test_lesson_with_a_video_from_another_host_is_refused_at_save_with_a_clear_message():
    lesson = LessonFactory.build(
        module=LessonFactory.create().module, video_url="https://dailymotion.com/video/x7"
    )
    with pytest.raises(ValidationError) as error:
        lesson.full_clean(exclude=["course"])
    assert "only come from YouTube or Vimeo" in str(error.value)
