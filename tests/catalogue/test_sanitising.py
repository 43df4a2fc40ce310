"""Script injection through supplier-written text: every payload in the corpus comes out
inert on the public offering page, the portal's own view of it and the markdown preview."""

import re
from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import OfferingFactory, SupplierMembershipFactory

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=alert(1)>click</p>",
    "<body onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<svg onload=alert(1)><circle r=1></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<div><p><a href="javascript:alert(1)"><b onmouseover=alert(1)>x</b></a></p></div>',
    '<img src="x" / onerror=alert(1)>',
    "<a href=x onfocus=alert(1) autofocus>x</a>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '"><script>alert(1)</script>',
]

START, END = "PAYLOADSTARTMARK", "PAYLOADENDMARK"
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre",
    "blockquote", "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "s",
    "div",
}  # fmt: skip


class DangerFinder(HTMLParser):
    """Collects anything in parsed HTML that could run script or load content."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "src", "srcdoc", "action", "formaction"}:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if not scheme.startswith(("http://", "https://", "mailto:", "#", "/")) and (
                    ":" in scheme
                ):
                    self.problems.append(f"href {value!r}")

    handle_startendtag = handle_starttag


def rendered_region(html: str) -> str:
    """The HTML from the start marker placed before the payload to the end marker after it
    (or to the end of the enclosing block, when the sanitiser dropped the end marker along
    with an unclosed element)."""
    start = html.index(START) + len(START)
    end = html.find(END, start)
    if end == -1:
        end = html.find("</div>", start)
    return html[start : end if end != -1 else len(html)]


def assert_inert(fragment: str):
    finder = DangerFinder()
    finder.feed(fragment)
    assert finder.problems == [], fragment
    assert "<script" not in fragment.lower()


def description(payload: str) -> str:
    return f"{START}\n\n{payload}\n\n{END}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_public_offering_page_neutralises_payload(client, payload):
    """A payload in an offering's description is harmless on its public page."""
    offering = OfferingFactory(description=description(payload))
    html = client.get(offering.get_absolute_url()).content.decode()
    assert_inert(rendered_region(html))
    if escape(payload) != payload:  # markup: nowhere on the page as markup (meta, JSON-LD)
        assert payload not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_preview_neutralises_payload(client, payload):
    """The live preview a supplier sees while typing is sanitised the same way."""
    client.force_login(SupplierMembershipFactory().user)
    response = client.post(reverse("markdownx_markdownify"), {"content": description(payload)})
    assert response.status_code == 200
    assert_inert(rendered_region(response.content.decode()))


def test_portal_offering_page_neutralises_payloads(client):
    """The portal's view of the supplier's own latest version is sanitised too."""
    membership = SupplierMembershipFactory()
    offering = OfferingFactory(
        supplier=membership.supplier, live=False, description=description("\n\n".join(PAYLOADS))
    )
    offering.save_revision()
    client.force_login(membership.user)
    url = reverse(
        "portal:offering",
        kwargs={"supplier_id": membership.supplier.pk, "offering_id": offering.pk},
    )
    assert_inert(rendered_region(client.get(url).content.decode()))


def test_plain_text_fields_are_escaped(client):
    """Name, summary and claim statements are escaped, never treated as HTML."""
    offering = OfferingFactory(
        name="<script>alert(1)</script>", summary="<img src=x onerror=alert(1)>"
    )
    html = client.get(offering.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_preview_refuses_anonymous_and_non_supplier_users(client):
    """Only signed-in suppliers and editors reach the markdown preview and upload endpoints."""
    from tests.factories import UserFactory

    for url in [reverse("markdownx_markdownify"), reverse("markdownx_upload")]:
        assert client.post(url, {"content": "x"}).status_code == 403
    client.force_login(UserFactory())
    for url in [reverse("markdownx_markdownify"), reverse("markdownx_upload")]:
        assert client.post(url, {"content": "x"}).status_code == 403
    assert client.get(reverse("markdownx_markdownify")).status_code == 405


def test_markdown_image_upload_checks_content(client):
    """The markdown image upload takes a real PNG (re-encoded) and refuses a disguised file."""
    import io

    from PIL import Image

    client.force_login(SupplierMembershipFactory().user)
    fake = io.BytesIO(b"<svg onload=alert(1)></svg>")
    fake.name = "cat.png"
    response = client.post(reverse("markdownx_upload"), {"image": fake})
    assert response.status_code == 400
    assert "PNG or JPG" in response.json()["image"][0]

    real = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(real, format="PNG")
    real.seek(0)
    real.name = "cat.svg"
    response = client.post(reverse("markdownx_upload"), {"image": real})
    assert response.status_code == 200
    assert re.fullmatch(
        r"!\[\]\(/media/markdownx/[0-9a-f]{32}\.png\)", response.json()["image_code"]
    )
