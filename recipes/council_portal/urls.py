from django.urls import include, path

from . import views

app_name = "council_portal"

council_urls = [
    path("", views.council, name="council"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:council_slug>/", include(council_urls)),
]
