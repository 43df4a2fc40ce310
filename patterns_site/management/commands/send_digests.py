"""Send each follower one email of what changed in what they follow: run daily by cron
(see README, "Following"). Running it again the same day sends nothing twice."""

from django.core.management.base import BaseCommand

from patterns_site.follows.services import digest_send_all


class Command(BaseCommand):
    help = "Send today's follow digests (safe to run more than once a day)."

    def handle(self, *args, **options):
        sent = digest_send_all()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
