"""Markdown for user-written text: CommonMark in linear time, styled as GOV.UK, sanitised.

markdown-it-py parses in time linear in the length of the text, whatever it holds
(Python-Markdown took 4.5 s on 4,000 "[" characters), with the "js-default" preset: raw
HTML is escaped, not passed through, URLs are not turned into links, tables and
strikethrough are on. Images are off: the sanitiser has never let <img> through, so an
image is written as a link instead. The renderer puts GOV.UK Frontend classes on what it
writes (govuk-body, govuk-heading-m, govuk-list--bullet, govuk-table...), and nh3 then
keeps only an allow-list of tags, attributes and those class values, whatever the parser
did.

Markdown is rendered when a model is saved, into a RenderedMarkdownField beside the
text, so pages never render it. django-markdownx's preview (MARKDOWNX_MARKDOWNIFY_FUNCTION)
calls render_markdown too, so the preview is the page.
"""

import html
import re

import nh3
from django.db import models
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# Suppliers' and councils' text sits under the page's own h1, so its headings start at h2.
HEADINGS = {
    "h1": ("h2", "govuk-heading-m"),
    "h2": ("h2", "govuk-heading-m"),
    "h3": ("h3", "govuk-heading-s"),
    "h4": ("h4", "govuk-heading-s"),
    "h5": ("h4", "govuk-heading-s"),
    "h6": ("h4", "govuk-heading-s"),
}
BLOCK_CLASSES = {
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "blockquote_open": "govuk-inset-text",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
INLINE_CLASSES = {"link_open": "govuk-link", "code_inline": "app-code"}
NUMERIC = {"th_open": "govuk-table__header--numeric", "td_open": "govuk-table__cell--numeric"}
TABLE_REGION = '<div class="app-table-wrapper" role="region" aria-label="Table" tabindex="0">'

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "ul", "ol", "li", "a", "code", "pre", "blockquote",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Attributes the renderer writes with a fixed value: only that value survives.
ALLOWED_ATTRIBUTE_VALUES = {
    "th": {"scope": {"col"}},
    "div": {"role": {"region"}, "aria-label": {"Table"}, "tabindex": {"0"}},
}
ALLOWED_CLASSES = {
    "h2": {"govuk-heading-m"},
    "h3": {"govuk-heading-s"},
    "h4": {"govuk-heading-s"},
    "p": {"govuk-body"},
    "ul": {"govuk-list", "govuk-list--bullet"},
    "ol": {"govuk-list", "govuk-list--number"},
    "blockquote": {"govuk-inset-text"},
    "hr": set(BLOCK_CLASSES["hr"].split()),
    "table": {"govuk-table"},
    "thead": {"govuk-table__head"},
    "tbody": {"govuk-table__body"},
    "tr": {"govuk-table__row"},
    "th": {"govuk-table__header", NUMERIC["th_open"]},
    "td": {"govuk-table__cell", NUMERIC["td_open"]},
    "a": {"govuk-link"},
    "code": {"app-code"},
    "pre": {"app-code-block"},
    "div": {"app-table-wrapper"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def _govuk_classes(state) -> None:
    """A core rule, run after parsing: GOV.UK classes on every element the renderer writes."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag, css_class = HEADINGS[token.tag]
            if token.nesting == 1:
                token.attrSet("class", css_class)
        elif token.type in BLOCK_CLASSES:
            css_class = BLOCK_CLASSES[token.type]
            # Column alignment comes as a style attribute, which nh3 drops: a right-aligned
            # column is a numeric one in GOV.UK's table.
            if token.type in NUMERIC and "right" in str(token.attrGet("style") or ""):
                css_class += " " + NUMERIC[token.type]
            token.attrs.pop("style", None)
            token.attrSet("class", css_class)
            if token.type == "th_open":
                token.attrSet("scope", "col")
        elif token.type == "inline":
            for child in token.children or []:
                if child.type in INLINE_CLASSES:
                    child.attrSet("class", INLINE_CLASSES[child.type])


def _code_block(self, tokens, idx, options, env) -> str:
    return f'<pre class="app-code-block"><code>{escapeHtml(tokens[idx].content)}</code></pre>\n'


def _table_open(self, tokens, idx, options, env) -> str:
    # A wide table scrolls inside its own region rather than the page at 320 px.
    return TABLE_REGION + self.renderToken(tokens, idx, options, env)


def _table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _parser() -> MarkdownIt:
    parser = MarkdownIt("js-default", {"maxNesting": 20}).disable("image")
    parser.core.ruler.push("govuk_classes", _govuk_classes)
    for rule in ("code_block", "fence"):
        parser.add_render_rule(rule, _code_block)
    parser.add_render_rule("table_open", _table_open)
    parser.add_render_rule("table_close", _table_close)
    return parser


PARSER = _parser()


def render_markdown(text: str) -> str:
    """Render markdown to HTML that is safe to show: no scripts, event handlers, styles,
    iframes or javascript:/data: links survive, and only GOV.UK's classes."""
    if not text:
        return ""
    return nh3.clean(
        PARSER.render(text),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


BLOCK_BOUNDARY = re.compile(r"</?(p|li|h\d|td|th|tr|blockquote|pre|div|br|hr)\b[^>]*>")
ANY_TAG = re.compile(r"<[^>]*>")


def plain_text(rendered: str) -> str:
    """The words of rendered markdown, for excerpts in lists and search results."""
    words = ANY_TAG.sub("", BLOCK_BOUNDARY.sub(" ", rendered or ""))
    return " ".join(html.unescape(words).split())


class RenderedMarkdownField(models.TextField):
    """The sanitised HTML of another field of the same model, rendered every time the
    model is saved (and when Wagtail serialises a draft into a revision, which calls
    pre_save too), so that pages show it without rendering markdown per view."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == value:
                del kwargs[key]
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        rendered = render_markdown(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, rendered)
        return rendered


def rendered_markdown_fill(model, source: str, target: str, *, batch_size: int = 500) -> None:
    """Render every row's markdown into its RenderedMarkdownField, for data migrations (a
    historical model in a migration has the field but writes it only on save)."""
    batch = []
    for obj in model._default_manager.exclude(**{source: ""}).only("pk", source).iterator():
        setattr(obj, target, render_markdown(getattr(obj, source)))
        batch.append(obj)
        if len(batch) == batch_size:
            model._default_manager.bulk_update(batch, [target])
            batch = []
    if batch:
        model._default_manager.bulk_update(batch, [target])
