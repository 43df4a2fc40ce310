"""Visitors with a session, built the way a person builds one: a basket filled by
submitting each recipe page's "add to basket" form, a supplier signed in through the real
sign-in form. The forms are read from the pages, so a renamed field still works.

A Visitor keeps the cookies it is given and sends them back over plain http, Secure ones
included: production settings mark the session cookie Secure, and the benchmark talks to
gunicorn on 127.0.0.1 without TLS, as a proxy in front of it would.
"""

import http.client
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from bench.loadgen import ALLOWED_HOSTS, RESPONSE_TIMEOUT


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    inputs: list[dict[str, str]] = field(default_factory=list)
    text: str = ""


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
            )
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button", "select", "textarea"):
            self._form.inputs.append({"tag": tag, **attributes})
            kind = attributes.get("type", "text").lower()
            name = attributes.get("name")
            if name and tag == "input" and kind not in ("checkbox", "radio", "submit", "button"):
                self._form.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._form is not None:
            self._form.text += data


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def basket_form(html: str) -> Form | None:
    """The form on a recipe page that adds it to the basket: a POST whose action or
    button mentions the basket."""
    for form in forms_in(html):
        if form.method == "post" and ("basket" in form.action or "basket" in form.text.lower()):
            return form
    return None


def sign_in_form(html: str) -> Form | None:
    """The first POST form with a password field."""
    for form in forms_in(html):
        if form.method == "post" and any(i.get("type") == "password" for i in form.inputs):
            return form
    return None


def fill_sign_in(form: Form, *, email: str, password: str) -> dict[str, str]:
    data = dict(form.fields)
    for item in form.inputs:
        name, kind = item.get("name", ""), item.get("type", "text").lower()
        if kind == "password":
            data[name] = password
        elif kind in ("email", "text") and any(
            word in name.lower() for word in ("email", "user", "login")
        ):
            data[name] = email
    return data


# fetch(method, path, form_data) -> (status, location, body text): a Visitor over HTTP,
# or Django's test client in bench.querycount, so both build a session the same way.
Fetch = Callable[[str, str, dict | None], tuple[int, str, str]]


class SessionProblem(Exception):
    """A session could not be built: the page or form is not there (yet)."""


def basket_fill(fetch: Fetch, recipe_paths: list[str]):
    """Add each recipe to the basket through the form on its page."""
    for path in recipe_paths:
        status, _location, html = fetch("GET", path, None)
        form = basket_form(html) if status == 200 else None
        if form is None:
            raise SessionProblem(f"no add-to-basket form on {path} (HTTP {status})")
        status, _location, _body = fetch("POST", urljoin(path, form.action), form.fields)
        if status >= 400:
            raise SessionProblem(f"adding {path} to the basket answered HTTP {status}")


def sign_in(fetch: Fetch, *, path: str, email: str, password: str):
    """Sign in through the form at path; it must redirect, as a successful sign-in does."""
    status, _location, html = fetch("GET", path, None)
    form = sign_in_form(html) if status == 200 else None
    if form is None:
        raise SessionProblem(f"no sign-in form at {path} (HTTP {status})")
    data = fill_sign_in(form, email=email, password=password)
    status, location, _body = fetch("POST", urljoin(path, form.action or path), data)
    if status not in (301, 302, 303):
        raise SessionProblem(f"signing in at {path} answered HTTP {status}, not a redirect")


class Visitor:
    """A client for one server on 127.0.0.1 that keeps its cookies."""

    def __init__(self, host: str, port: int, *, timeout: float = RESPONSE_TIMEOUT):
        if host not in ALLOWED_HOSTS:
            raise ValueError(f"Visitors may only call {', '.join(sorted(ALLOWED_HOSTS))}")
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    def request(self, method: str, path: str, data: dict | None = None, headers=None):
        """One request; returns (status, headers, body bytes). Redirects are not followed."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        sent = {"Host": f"{self.host}:{self.port}", **self.cookie_header(), **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, content
        finally:
            connection.close()

    def fetch(self, method: str, path: str, data: dict | None) -> tuple[int, str, str]:
        status, headers, content = self.request(method, path, data)
        location = urlsplit(headers.get("Location", "")).path
        return status, location, content.decode("utf-8", "replace")
