"""Follow buttons, the "Your follows" page and the digest's unsubscribe link."""

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from . import selectors, services
from .forms import FollowForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def follow_change(request, kind, slug):
    """POST follows or stops following; a GET (after signing in from the button) goes to
    the thing's page, changing nothing. Following a draft, withdrawn or unknown thing is
    a 404; one that stopped being public since can still be unfollowed."""
    form = FollowForm(request.POST if request.method == "POST" else None)
    following = not form.is_bound or form.data.get("action") != "unfollow"
    field, target = selectors.follow_target_get(kind=kind, slug=slug, public=following)
    back = selectors.target_url(target)
    if not form.is_bound:
        return redirect(back)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose follow or stop following.")
    if form.cleaned_data["action"] == "follow":
        services.follow_add(user=request.user, field=field, target=target)
    else:
        services.follow_remove(user=request.user, field=field, target=target)
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = next_url
    return redirect(back)


@login_required
@require_safe
def follow_list(request):
    """Everything the signed-in person follows, each with a Stop following button."""
    follows = [
        {
            "follow": follow,
            "target": follow.target,
            "kind": selectors.follow_kind_of(follow.target),
            "label": selectors.KINDS[selectors.follow_kind_of(follow.target)][2],
            "url": selectors.target_url(follow.target),
            "public": selectors.is_public(follow.target),
        }
        for follow in selectors.user_follows(user=request.user)
    ]
    return render(
        request,
        "account/follows.html",
        {
            "page_title": "Your follows",
            "breadcrumbs": [("Home", "/"), ("Your follows", "")],
            "follows": follows,
        },
    )


# Mail programs POST the one-click unsubscribe (RFC 8058) with no cookie and no CSRF
# token; the signed token in the address is what authorises it, so CSRF adds nothing.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows a page with a button and changes nothing (mail scanners open links);
    POST, from that button or from a mail program, stops every follow of the account the
    token names. A used link says so; a tampered or expired one answers 400."""
    context = {"page_title": "Unsubscribe from Plumbing emails", "token": token}
    try:
        user = services.unsubscribe_token_user(token)
    except signing.SignatureExpired:
        context["problem"] = "expired"
        return render(request, "account/unsubscribe.html", context, status=400)
    except signing.BadSignature:
        context["problem"] = "invalid"
        return render(request, "account/unsubscribe.html", context, status=400)
    if request.method == "POST":
        context["stopped"] = services.follows_unsubscribe(user=user)
        context["done"] = True
    else:
        context["following"] = selectors.user_follows(user=user).count()
    return render(request, "account/unsubscribe.html", context)
