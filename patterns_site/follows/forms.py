"""The follow button's form."""

from django import forms


class FollowForm(forms.Form):
    """Follow or stop following; `next` is where to go back to (checked in the view)."""

    action = forms.ChoiceField(choices=[("follow", "Follow"), ("unfollow", "Stop following")])
    next = forms.CharField(required=False, max_length=500)
