"""schema.org descriptions of suppliers (Organization) and offerings (Product with an
Offer), for the JSON-LD on their pages."""

from foundations.money import money_text

from .models import Offering, Supplier


def organisation(supplier: Supplier, request) -> dict:
    data = {
        "@type": "Organization",
        "name": supplier.name,
        "url": request.build_absolute_uri(supplier.get_absolute_url()),
    }
    if supplier.website:
        data["sameAs"] = [supplier.website]
    return data


def offer(offering: Offering, request) -> dict:
    data = {
        "@type": "Offer",
        "price": money_text(offering.price),
        "priceCurrency": "GBP",
        "url": request.build_absolute_uri(offering.get_absolute_url()),
        "seller": organisation(offering.supplier, request),
        "priceSpecification": {
            "@type": "UnitPriceSpecification",
            "price": money_text(offering.price),
            "priceCurrency": "GBP",
            "unitText": offering.get_pricing_unit_display(),
        },
    }
    if offering.price_max is not None:
        data["priceSpecification"]["minPrice"] = money_text(offering.price)
        data["priceSpecification"]["maxPrice"] = money_text(offering.price_max)
    return data


def aggregate_rating(rating: dict | None) -> dict:
    """schema.org AggregateRating from selectors.rating_summary ({} with no reviews)."""
    if not rating or not rating["count"]:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": str(rating["average"]),
            "ratingCount": rating["count"],
            "bestRating": 5,
            "worstRating": 1,
        }
    }


def offering_json_ld(offering: Offering, request, rating: dict | None = None) -> dict:
    """A published offering as a Product, its price as an Offer in pounds, with councils'
    aggregate rating when there are reviews."""
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": offering.name,
        "description": offering.summary,
        "url": request.build_absolute_uri(offering.get_absolute_url()),
        "brand": organisation(offering.supplier, request),
        "category": [component.name for component in offering.components.all()],
        "offers": offer(offering, request),
        **aggregate_rating(rating),
    }


def supplier_json_ld(supplier: Supplier, offerings, request) -> dict:
    """A supplier as an Organization, with the offerings it lists."""
    data = {
        "@context": "https://schema.org",
        **organisation(supplier, request),
        "description": supplier.description_text,
        "makesOffer": [
            {**offer(offering, request), "itemOffered": {"@type": "Product", "name": offering.name}}
            for offering in offerings
        ],
    }
    if supplier.companies_house_number and not supplier.is_sample:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "Companies House number",
            "value": supplier.companies_house_number,
        }
    return data
