import pytest

from courses.lib.text import render_markdown
from tests.inert import executable_parts

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<iframe src=https://evil.example></iframe>",
    '<form action="https://evil.example"><input name=a></form>',
    "<style>body{display:none}</style>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_markdown_output_is_inert_for_xss_vectors(vector):
    html = render_markdown(f"Intro\n\n{vector}\n\nOutro")

    assert executable_parts(html) == []


def test_the_inertness_check_itself_catches_executable_html():
    assert executable_parts('<a href="JaVa\tScript:alert(1)">x</a>')
    assert executable_parts("<img src=x onerror=alert(1)>")
    assert executable_parts("<script>alert(1)</script>")


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b onclick=x>bold</b>")
    assert "<b" not in html
    assert "&lt;b onclick=x&gt;" in html


def test_ordinary_markdown_keeps_its_structure():
    html = render_markdown(
        "# Title\n\nA **strong** point, a [link](https://example.org).\n\n- one\n- two"
    )

    assert "<h2>Title</h2>" in html
    assert "<strong>strong</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<li>one</li>" in html
