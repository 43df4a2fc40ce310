"""URLs of the read-only JSON API, included under /api/, and the downloads under /data/."""

from django.urls import path, re_path

from catalogue import api as catalogue_api
from recipes import api as recipes_api

from . import downloads, openapi

app_name = "api"

urlpatterns = [
    path("", openapi.api_index, name="index"),
    path("openapi.json", openapi.openapi_json, name="openapi"),
    path("recipes/", recipes_api.recipe_list_view, name="recipe_list"),
    path("recipes/<str:slug>/", recipes_api.recipe_detail_view, name="recipe_detail"),
    path("components/", catalogue_api.component_list, name="component_list"),
    path("components/<str:slug>/", catalogue_api.component_detail, name="component_detail"),
    path("standards/", catalogue_api.standard_list, name="standard_list"),
    path("standards/<str:slug>/", catalogue_api.standard_detail, name="standard_detail"),
    path("offerings/", catalogue_api.offering_list, name="offering_list"),
    path("offerings/<str:slug>/", catalogue_api.offering_detail, name="offering_detail"),
    path("suppliers/", catalogue_api.supplier_list, name="supplier_list"),
    path("suppliers/<str:slug>/", catalogue_api.supplier_detail, name="supplier_detail"),
    path("councils/", catalogue_api.council_list, name="council_list"),
    path("councils/<str:slug>/", catalogue_api.council_detail, name="council_detail"),
    # Anything else under /api/ answers in JSON too, not with the HTML 404 page.
    re_path(r"^(?P<path>.*)$", catalogue_api.not_found),
]

data_urlpatterns = [
    path("", downloads.data_index, name="index"),
    re_path(r"^(?P<slug>[a-z-]+)\.(?P<extension>csv|json)$", downloads.download, name="download"),
]
