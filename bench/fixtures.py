"""The benchmark's own data beside seed_scale's: a supplier account with an organisation
and a few offerings, to time the signed-in portal; and how much synthetic data a database
already holds, so `make bench` seeds only when it must.

`python -m bench.fixtures state` migrates the database in DATABASE_URL and prints the
counts as JSON; bench.querycount makes the account. Its password is set afresh on every
run, so no password is written down anywhere. Like seed_scale's data it is synthetic and labelled:
its slugs start "synthetic-", so `seed_scale --clear` removes the organisation and its
offerings (the next run makes them again).
"""

import json
import sys

SUPPLIER_EMAIL = "bench-supplier@example.org"
SUPPLIER_SLUG = "synthetic-bench-portal-supplier"
OFFERINGS = 4


def state() -> dict:
    """How many synthetic objects of each kind the database holds."""
    from catalogue.models import Offering, Supplier
    from recipes.models import RecipePage

    synthetic = {"slug__startswith": "synthetic-"}
    return {
        "recipes": RecipePage.objects.filter(**synthetic).count(),
        "offerings": Offering.objects.filter(**synthetic)
        .exclude(supplier__slug=SUPPLIER_SLUG)
        .count(),
        "suppliers": Supplier.objects.filter(**synthetic).exclude(slug=SUPPLIER_SLUG).count(),
    }


def account_ensure(*, password: str) -> dict:
    """The bench supplier: an active user, member of one organisation with a few live
    offerings of demo components. Made if missing; the password is set every time."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from catalogue.models import Component, Offering, Supplier, SupplierMembership

    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=SUPPLIER_EMAIL).first()
        if user is None:
            user = User(username=SUPPLIER_EMAIL, email=SUPPLIER_EMAIL)
        user.is_active = True
        user.set_password(password)
        user.save()
        # Sign-in requires a verified address (allauth): the bench's is verified here.
        EmailAddress.objects.update_or_create(
            user=user, email=SUPPLIER_EMAIL, defaults={"verified": True, "primary": True}
        )
        supplier, _ = Supplier.objects.get_or_create(
            slug=SUPPLIER_SLUG,
            defaults={
                "name": "[Synthetic] Bench Portal Supplier Ltd",
                "description": "A fictional supplier the benchmark signs in as.",
                "is_sample": True,
            },
        )
        SupplierMembership.objects.get_or_create(user=user, supplier=supplier)
        components = list(Component.objects.exclude(slug__startswith="synthetic-")[:OFFERINGS])
        for number, component in enumerate(components, start=1):
            offering, created = Offering.objects.get_or_create(
                slug=f"{SUPPLIER_SLUG}-offering-{number}",
                defaults={
                    "supplier": supplier,
                    "name": f"[Synthetic] Bench portal offering {number}",
                    "summary": f"{component.name} for the benchmark. Fictional sample offering.",
                    "description": "Synthetic sample data for the benchmark.",
                    "pricing_unit": Offering.PricingUnit.PER_YEAR,
                    "price": 1000 * number,
                    "hosting": Offering.Hosting.CLOUD_UK,
                },
            )
            if created:
                offering.components.set([component])
                offering.save()
    return {"email": SUPPLIER_EMAIL, "supplier_id": supplier.pk, "offerings": len(components)}


def main(argv: list[str]):
    import django
    from django.core.management import call_command

    django.setup()
    if argv[:1] != ["state"]:
        raise SystemExit("usage: python -m bench.fixtures state")
    # Migrations other branches added since the last seed apply before anything is read.
    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    json.dump(state(), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
