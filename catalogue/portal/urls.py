from django.urls import include, path

from .. import converters  # noqa: F401 - registers the id and token converters
from . import views

app_name = "portal"

offering_urls = [
    path("", views.offering, name="offering"),
    path("edit/", views.offering_edit, name="offering_edit"),
    path("submit/", views.offering_submit, name="offering_submit"),
    path("withdraw/", views.offering_withdraw, name="offering_withdraw"),
]

organisation_urls = [
    path("", views.organisation, name="organisation"),
    path("edit/", views.organisation_edit, name="organisation_edit"),
    path("submit/", views.organisation_submit, name="organisation_submit"),
    path("leave/", views.organisation_leave, name="organisation_leave"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "invitations/<id:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("offerings/new/", views.offering_create, name="offering_create"),
    path("offerings/<id:offering_id>/", include(offering_urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<id:supplier_id>/", include(organisation_urls)),
    path("invitations/<token:token>/", views.invitation_accept, name="invitation_accept"),
]
