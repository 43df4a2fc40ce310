"""Visitors with a session, as the benchmark builds them: a basket filled through the
recipe pages' own forms, a supplier signed in through the sign-in form, and the cookies
sent back over plain http although production marks them Secure."""

from http.server import BaseHTTPRequestHandler

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bench.fixtures import SUPPLIER_EMAIL, SUPPLIER_SLUG, account_ensure
from bench.querycount import client_fetch
from bench.visitors import SessionProblem, Visitor, basket_fill, basket_form, sign_in
from catalogue.models import Offering, SupplierMembership
from tests.factories import ComponentFactory, RecipePageFactory
from tests.pages import page_text


class CookieJar(BaseHTTPRequestHandler):
    """/set sets a Secure, HttpOnly session cookie; /clear expires it; /echo answers
    with the Cookie header it was sent."""

    def do_GET(self):
        self.send_response(200)
        if self.path == "/set":
            self.send_header("Set-Cookie", "sessionid=abc123; Secure; HttpOnly; Path=/")
            self.send_header("Set-Cookie", "csrftoken=t0k3n; Secure; Path=/; SameSite=Lax")
        elif self.path == "/clear":
            self.send_header("Set-Cookie", 'sessionid=""; Max-Age=0; Path=/')
        body = (self.headers.get("Cookie") or "").encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def cookie_server(local_http):
    return local_http(CookieJar)


def test_bench_visitor_sends_secure_cookies_back_over_plain_http(cookie_server):
    """Cookies marked Secure go back to 127.0.0.1 over http, and an expired one is
    dropped, as the benchmark needs against production settings without TLS."""
    visitor = Visitor("127.0.0.1", cookie_server)
    visitor.request("GET", "/set")
    _status, _headers, echoed = visitor.request("GET", "/echo")
    assert sorted(echoed.decode().split("; ")) == ["csrftoken=t0k3n", "sessionid=abc123"]
    visitor.request("GET", "/clear")
    assert visitor.request("GET", "/echo")[2].decode() == "csrftoken=t0k3n"


def test_bench_visitor_refuses_any_host_but_127_0_0_1():
    """Load and sessions stay on this machine."""
    with pytest.raises(ValueError):
        Visitor("example.org", 80)


@pytest.mark.django_db
def test_bench_basket_is_filled_through_each_recipe_page_form(recipe_index):
    """Submitting the add-to-basket form read from each recipe page puts every recipe's
    components in the basket, with the CSRF check on."""
    recipes = [
        RecipePageFactory(title=f"Bench recipe {n}", components=[ComponentFactory()])
        for n in range(3)
    ]
    client = Client(enforce_csrf_checks=True)
    basket_fill(client_fetch(client), [recipe.url for recipe in recipes])
    text = page_text(client.get("/basket/"))
    for recipe in recipes:
        component = recipe.components_used.get()
        assert component.name in text


@pytest.mark.django_db
def test_bench_basket_fill_reports_a_page_without_the_form(recipe_index):
    """A page with no add-to-basket form is a clear problem, reported as n/a, not a
    crash in the middle of the run."""
    client = Client()
    with pytest.raises(SessionProblem, match="no add-to-basket form on /components/"):
        basket_fill(client_fetch(client), ["/components/"])


def test_bench_basket_form_is_found_by_its_action_or_button():
    """The form is recognised by what it does, whatever its fields are called."""
    html = """
        <form method="get" action="/search/"><input name="q"></form>
        <form method="post" action="/basket/add/">
          <input type="hidden" name="csrfmiddlewaretoken" value="tok">
          <input type="hidden" name="recipe" value="7">
          <button type="submit">Add ingredients to basket</button>
        </form>"""
    form = basket_form(html)
    assert form.action == "/basket/add/"
    assert form.fields == {"csrfmiddlewaretoken": "tok", "recipe": "7"}


@pytest.mark.django_db
def test_bench_supplier_account_is_made_once_and_signs_in_through_the_form():
    """The bench supplier account is made once however often it is ensured, gets a new
    password each time, and signs in through the real form with the CSRF check on."""
    for _ in range(4):
        ComponentFactory()
    account_ensure(password="first password for the bench")
    account = account_ensure(password="second password for the bench")
    assert get_user_model().objects.filter(email=SUPPLIER_EMAIL).count() == 1
    assert SupplierMembership.objects.filter(supplier__slug=SUPPLIER_SLUG).count() == 1
    assert Offering.objects.filter(supplier__slug=SUPPLIER_SLUG).count() == 4
    client = Client(enforce_csrf_checks=True)
    with pytest.raises(SessionProblem, match="not a redirect"):
        sign_in(
            client_fetch(client),
            path="/accounts/login/",
            email=SUPPLIER_EMAIL,
            password="first password for the bench",
        )
    sign_in(
        client_fetch(client),
        path="/accounts/login/",
        email=SUPPLIER_EMAIL,
        password="second password for the bench",
    )
    page = client.get(f"/supplier/organisations/{account['supplier_id']}/")
    assert page.status_code == 200
    assert "Bench portal offering 1" in page_text(page)
