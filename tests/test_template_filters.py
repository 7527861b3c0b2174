"""The theme's escaping filters (tools/template_filters.py), on their own."""

import pytest
from markupsafe import Markup

from tools.template_filters import plain_text, safe_html, safe_url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//127.0.0.1:9/x",
        "relative/path",
        "",
    ],
)
def test_safe_url_refuses_everything_but_http_https_and_mailto(url):
    assert safe_url(url) == ""


@pytest.mark.parametrize(
    "url", ["https://example.com/a?b=1&c=2", "http://example.com", "mailto:dana@example.com"]
)
def test_safe_url_keeps_http_https_and_mailto(url):
    assert safe_url(url) == url


def test_plain_text_decodes_once_and_drops_scripts():
    text = plain_text("Sum &lt;/title&gt;&lt;script&gt;x&lt;/script&gt; <script>alert(1)</script>")
    assert text == "Sum </title><script>x</script>"
    assert not isinstance(text, Markup)  # autoescape escapes it again where it lands


def test_safe_html_keeps_formatting_and_drops_the_rest():
    html = safe_html(
        '<p>A <em>b</em> <a href="https://x.example/" onclick="alert(1)">c</a>'
        '<a href=" javascript:alert(1)">d</a><script>alert(2)</script>'
        "<img src=x onerror=alert(3)><svg><script>alert(4)</script></svg>"
        '<b title="t">&lt;script&gt;</b></p>'
    )
    assert isinstance(html, Markup)
    assert html == (
        '<p>A <em>b</em> <a href="https://x.example/" rel="nofollow noopener">c</a>'
        '<a rel="nofollow noopener">d</a><b>&lt;script&gt;</b></p>'
    )


def test_safe_html_closes_what_it_opened():
    assert safe_html("<p><strong>open") == "<p><strong>open</strong></p>"
    assert safe_html("</p>text</em>") == "text"
