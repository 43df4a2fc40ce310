from django.urls import path

from . import cost_views, views

app_name = "catalogue"

urlpatterns = [
    path("components/", views.component_list, name="component_list"),
    path("components/<slug:slug>/", views.component_detail, name="component_detail"),
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/<slug:slug>/", views.standard_detail, name="standard_detail"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("suppliers/<slug:slug>/", views.supplier_detail, name="supplier_detail"),
    path("offerings/", views.offering_list, name="offering_list"),
    path("offerings/<slug:slug>/", views.offering_detail, name="offering_detail"),
    path("councils/", views.council_list, name="council_list"),
    path("councils/<slug:slug>/", views.council_detail, name="council_detail"),
    path("costs/", cost_views.costs_page, name="costs"),
    path("costs/assumptions/", cost_views.costs_assumptions, name="costs_assumptions"),
    path("costs/council/", cost_views.costs_council, name="costs_council"),
]
