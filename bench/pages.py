"""The pages the benchmark times, chosen from what the database holds (see
bench.querycount.resolve), and the visitors some of them need."""

from dataclasses import dataclass
from urllib.parse import quote_plus

SEARCHES = {
    "broad": ["notify", "council", "form"],
    "narrow": ["parking permit", "blue badge"],
    "misspelt": ["parkng", "notfy", "adress lookup"],
}
# What council staff type, misspellings and plurals included: each is asked for once per
# round, so with the page cache on most are misses, as on a live site.
DISTINCT_SEARCHES = [
    "garden waste subscription", "bulky waste", "missed bins", "council tax",
    "single person discount", "blue badge", "blu bagde", "parking permits",
    "resident parking", "fly tipping", "flytipping report", "housing repairs", "repair",
    "foi request", "freedom of information", "case management", "crm",
    "open referral uk", "service directory", "gov.uk notify", "text message",
    "email notifications", "payments", "take payments online", "gov.uk pay", "sign in",
    "login", "one login", "identity verification", "postcode lookup", "address", "uprn",
    "form builder", "online forms", "school admissions", "planning application",
    "licensing", "register a death", "appointment booking", "library",
    "adult social care", "waste", "recycling", "noise complaint", "pothole",
    "street lighting", "benefits", "housing benefit", "homelessness", "chatbot",
]  # fmt: skip
DISTINCT_NAME = f"{len(DISTINCT_SEARCHES)} different searches"
SIGN_IN_PATH = "/accounts/login/"
# A basket of this many demo recipes; the demo content has 10.
BASKETS = {"basket3": 3, "basket10": 10}


@dataclass(frozen=True)
class Page:
    name: str
    path: str | None
    visitor: str = "anonymous"
    # Why there is no path, when the database has nothing to show there.
    missing: str = ""


def search_path(query: str) -> str:
    return f"/search/?q={quote_plus(query)}"


def distinct_search_paths() -> list[str]:
    return [search_path(query) for query in DISTINCT_SEARCHES]


def _detail(name: str, prefix: str, slug: str | None) -> Page:
    if not slug:
        return Page(name, None, missing="nothing in the database to show")
    return Page(name, f"{prefix}{slug}/")


def plumbing_pages(resolved: dict) -> list[Page]:
    component, offerings = resolved["component"], resolved["offerings"]
    offering = offerings[0] if offerings else None
    compare = (
        Page("compare, 2 offerings", f"/compare/?offerings={offerings[0]},{offerings[1]}")
        if len(offerings) >= 2
        else Page("compare, 2 offerings", None, missing="fewer than 2 demo offerings")
    )
    return [
        Page("home", "/"),
        Page("recipe index", "/recipes/"),
        Page("recipe detail", resolved["recipe"]),
        Page("component list", "/components/"),
        _detail("component detail", "/components/", component),
        Page("standard list", "/standards/"),
        _detail("standard detail", "/standards/", resolved["standard"]),
        Page("offering list, 2 filters", f"/offerings/?component={component}&hosting=cloud_uk"),
        _detail("offering detail", "/offerings/", offering),
        Page("supplier list", "/suppliers/"),
        _detail("supplier detail", "/suppliers/", resolved["supplier"]),
        Page("council list", "/councils/"),
        _detail("council detail", "/councils/", resolved["council"]),
        compare,
        *[
            Page(f"search {query!r} ({kind})", search_path(query))
            for kind, queries in SEARCHES.items()
            for query in queries
        ],
        Page("sitemap index", "/sitemap.xml"),
        Page("API offering list", "/api/offerings/"),
        _detail("API offering detail", "/api/offerings/", offering),
        Page("CSV download (offerings)", "/data/offerings.csv"),
        Page("basket, 3 recipes", "/basket/", visitor="basket3"),
        Page("basket, 10 recipes", "/basket/", visitor="basket10"),
        Page("basket pictures, 10 recipes", "/basket/architecture/", visitor="basket10"),
        Page(
            "supplier portal, organisation",
            "/supplier/organisations/{supplier_id}/",
            visitor="supplier",
        ),
    ]


def visitor_specs(resolved: dict, account: dict) -> dict:
    """How to build each visitor's session in one database."""
    specs = {
        kind: {"recipes": resolved["recipes"][:count]}
        for kind, count in BASKETS.items()
        if len(resolved["recipes"]) >= count
    }
    specs["supplier"] = {
        "sign_in": SIGN_IN_PATH,
        "email": account["email"],
        "password": account["password"],
    }
    return specs


def page_path(page: Page, account: dict) -> str | None:
    """The page's path in one database: the portal's organisation id differs."""
    return page.path.format(**account) if page.path else None


def selected(pages: list[Page], names: list[str] | None) -> list[Page]:
    """The pages whose name contains any of `names` (all of them without a filter)."""
    if not names:
        return pages
    return [page for page in pages if any(name in page.name for name in names)]
