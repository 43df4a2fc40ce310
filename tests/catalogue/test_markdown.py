import pytest

from catalogue.markdown import render_markdown


def test_markdown_renders_formatting_lists_and_links():
    """Ordinary markdown becomes the HTML a supplier expects."""
    html = render_markdown(
        "## Features\n\n- **Fast**\n- *Cheap*\n\n[Docs](https://example.com/docs)"
    )

    assert "<h2>Features</h2>" in html
    assert "<li><strong>Fast</strong></li>" in html
    assert "<li><em>Cheap</em></li>" in html
    assert 'href="https://example.com/docs"' in html


def test_markdown_links_are_nofollow():
    """Links a supplier writes carry rel=nofollow, so they lend the site no ranking."""
    html = render_markdown("[Docs](https://example.com/docs)")

    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("<script>alert('x')</script>", "<script"),
        ("Hello <script src='https://evil.example/x.js'></script>", "evil.example"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<p onclick="alert(1)">Click</p>', "onclick"),
        ("[Click me](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">Click me</a>', "javascript:"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">Click</a>', "data:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">Cover</p>', "style="),
    ],
)
def test_markdown_strips_scripts_event_handlers_and_dangerous_links(text, forbidden):
    """Scripts, event handlers, styles, iframes and javascript:/data: links never survive."""
    assert forbidden not in render_markdown(text)


def test_markdown_keeps_the_text_of_a_dangerous_link():
    """A javascript: link loses its target but the reader still sees its words."""
    html = render_markdown("[Click me](javascript:alert(1))")

    assert "Click me" in html
    assert "href" not in html


def test_empty_markdown_renders_nothing():
    """No description gives no HTML at all."""
    assert render_markdown("") == ""
