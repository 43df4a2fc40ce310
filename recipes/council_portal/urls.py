from django.urls import include, path

from catalogue import converters  # noqa: F401 - registers the id converter

from . import pantry_views, views

app_name = "council_portal"

council_urls = [
    path("", views.council, name="council"),
    path("pantry/", pantry_views.pantry, name="pantry"),
    path("pantry/add/", pantry_views.pantry_add, name="pantry_add"),
    path("pantry/<id:item_id>/remove/", pantry_views.pantry_remove, name="pantry_remove"),
    path("adoptions/new/", views.adoption_create, name="adoption_create"),
    path("adoptions/<id:adoption_id>/edit/", views.adoption_edit, name="adoption_edit"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<id:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path(
        "reviews/recipe/<id:thing_id>/",
        views.review_edit,
        {"kind": "recipe"},
        name="recipe_review",
    ),
    path(
        "reviews/offering/<id:thing_id>/",
        views.review_edit,
        {"kind": "offering"},
        name="offering_review",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("record/", views.record, name="record"),
    path("share/", views.share, name="share"),
    path("reviews/<id:review_id>/reply/", views.review_reply, name="review_reply"),
    path("reviews/<id:review_id>/report/", views.review_report, name="review_report"),
    path("<slug:council_slug>/", include(council_urls)),
]
