"""Synonyms council staff use, so every install finds 'bins' as well as 'waste
collection' from the start. Editors change them under Settings > Search synonyms."""

from django.db import migrations

DEFAULT_SYNONYMS = [
    ("bin, bins, refuse, rubbish, waste collection, bin collection, waste", "Household waste"),
    ("missed bin, missed collection, missed bin collection", "Missed collections"),
    ("postcode, postcode lookup, address, address lookup, uprn, gazetteer", "Finding an address"),
    ("sign in, signin, login, log in, identity, authentication, account", "Identity"),
    ("pay, payment, payments, card payment, take payments", "Payments"),
    ("notify, notification, notifications, email, text message, sms, letter", "Notifications"),
    ("foi, freedom of information, information request", "Freedom of information"),
    ("fly-tipping, flytipping, fly tipping, dumped rubbish, illegal dumping", "Fly-tipping"),
    ("parking permit, resident permit, residents parking, controlled parking zone", "Parking"),
    ("blue badge, disabled parking, disabled badge", "Blue Badge"),
    ("case management, crm, workflow, back office", "Case management"),
    ("form builder, online forms, eforms, e-forms, digital forms", "Forms"),
    ("council tax, ctax, single person discount", "Council tax"),
    ("repair, repairs, housing repair, fix, maintenance", "Repairs"),
    ("open referral, oruk, service directory", "Open Referral UK"),
]


def add_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("patterns_site", "SearchSynonym")
    for terms, note in DEFAULT_SYNONYMS:
        SearchSynonym.objects.get_or_create(terms_text=terms, defaults={"note": note})


def remove_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("patterns_site", "SearchSynonym")
    SearchSynonym.objects.filter(terms_text__in=[terms for terms, _ in DEFAULT_SYNONYMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("patterns_site", "0002_search_synonym")]

    operations = [migrations.RunPython(add_synonyms, remove_synonyms)]
