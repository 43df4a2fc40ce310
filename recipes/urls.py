from django.urls import path

from catalogue import converters  # noqa: F401 - registers the id and token converters

from . import basket_views as views
from . import export_views

app_name = "basket"

urlpatterns = [
    path("basket/", views.basket_page, name="basket"),
    path("basket/architecture/", views.basket_architecture, name="architecture"),
    path("basket/add/", views.basket_add, name="add"),
    path("basket/choices/", views.basket_choices, name="choices"),
    path("basket/lines/<id:component_id>/remove/", views.basket_remove, name="remove"),
    path("basket/lines/<id:component_id>/choose/", views.basket_choose, name="choose"),
    path(
        "basket/lines/<id:component_id>/offerings/",
        views.basket_component_offerings,
        name="component_offerings",
    ),
    path("basket/empty/", views.basket_empty, name="empty"),
    path("basket/council/", views.basket_council, name="council"),
    path("basket/basket.csv", export_views.basket_csv_download, name="csv"),
    path("basket/basket.xlsx", export_views.basket_xlsx_download, name="xlsx"),
    path("basket/basket.json", views.basket_json, name="json"),
    path("basket/brief/", views.basket_brief, name="brief"),
    path("basket/save/", views.basket_save, name="save"),
    path("basket/saved/<token:basket_id>/", views.saved_basket, name="saved"),
    path("basket/saved/<token:basket_id>/basket.csv", views.saved_basket_csv, name="saved_csv"),
    path("basket/saved/<token:basket_id>/copy/", views.saved_basket_copy, name="saved_copy"),
    path("compare/", views.compare, name="compare"),
    path("compare/compare.csv", export_views.compare_csv_download, name="compare_csv"),
]
