"""Following, under /accounts/ (never page-cached: see patterns_site.page_cache)."""

from django.urls import path

from . import views

app_name = "follows"

urlpatterns = [
    path("follows/", views.follow_list, name="list"),
    path("follows/<slug:kind>/<slug:slug>/", views.follow_change, name="change"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
