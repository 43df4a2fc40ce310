"""A Django email backend that sends through GOV.UK Notify, the common component
government services use for email.

Notify sends from templates, so every message goes through one template (settings
NOTIFY_TEMPLATE_ID) whose subject is ((subject)) and body is ((body)); Django code keeps
calling send_mail as usual. Set NOTIFY_API_KEY to switch it on (settings/base.py).
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(settings.NOTIFY_API_KEY)
        self.template_id = settings.NOTIFY_TEMPLATE_ID

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            try:
                unsubscribe = _one_click_unsubscribe_url(message)
                for address in message.recipients():
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        # Notify sets the List-Unsubscribe headers (RFC 8058) itself.
                        one_click_unsubscribe_url=unsubscribe,
                    )
                sent += 1
            except Exception:
                if not self.fail_silently:
                    raise
        return sent


def _one_click_unsubscribe_url(message) -> str | None:
    """The address in a message's List-Unsubscribe header (the follow digest sets one),
    which Notify takes as a parameter rather than a header."""
    header = message.extra_headers.get("List-Unsubscribe", "")
    return header.strip().strip("<>") or None
