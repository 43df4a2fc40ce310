from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Catalogue"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import ConformanceClaim, Offering, OfferingPriceBand

        # Claims and price bands change what the price summary and the shortlist ranks
        # hold for the offering's components (an offering's own save is handled in save()).
        for model in (ConformanceClaim, OfferingPriceBand):
            post_save.connect(offering_part_changed, sender=model, dispatch_uid=f"ps-{model}")
            post_delete.connect(offering_part_changed, sender=model, dispatch_uid=f"pd-{model}")
        # A deleted claim (or one its offering's deletion cascades to) no longer counts
        # for its standard (a saved one recounts in ConformanceClaim.save).
        post_delete.connect(claim_deleted, sender=ConformanceClaim, dispatch_uid="claim-del")
        # A deleted offering stops counting (a supplier that has any cannot be deleted).
        post_delete.connect(public_offerings_recount, sender=Offering, dispatch_uid="pt-del")


def offering_part_changed(sender, instance, **kwargs):
    from .models import Offering
    from .services import component_price_summary_rebuild

    component_price_summary_rebuild(
        component_ids=Offering.components.through.objects.filter(
            offering_id=instance.offering_id
        ).values_list("component_id", flat=True)
    )


def claim_deleted(sender, instance, **kwargs):
    from .services import standard_claim_counts_rebuild

    standard_claim_counts_rebuild(standard_ids=[instance.standard_id])


def public_offerings_recount(sender, instance, **kwargs):
    from .services import public_offering_total_recount

    # In the deleting transaction, so a rollback takes the recount back too.
    public_offering_total_recount()
