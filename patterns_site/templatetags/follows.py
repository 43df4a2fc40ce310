"""The follow button, for any page showing a recipe, component, offering or service area.

The button's state belongs to one person, so it is worked out here at render time,
never in the data the pages cache; a signed-in render marks the request so the page
cache never stores it (patterns_site.page_cache)."""

from django import template

from ..follows.selectors import KINDS, follow_kind_of, is_following

register = template.Library()


@register.inclusion_tag("components/follow-button.html", takes_context=True)
def follow_button(context, target):
    request = context["request"]
    if getattr(request, "is_preview", False):  # an editor's preview of a draft
        return {"hidden": True}
    kind = follow_kind_of(target)
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    if signed_in:
        request.renders_personal_content = True
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "target": target,
        "kind": kind,
        "label": KINDS[kind][2],
        "signed_in": signed_in,
        "following": signed_in and is_following(user=user, target=target),
    }
