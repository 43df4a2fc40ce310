"""django-markdownx's endpoints under their own names (its widget reverses them), served
by portal views that only signed-in suppliers and editors reach. Replaces markdownx.urls,
whose views accept anonymous users."""

from django.urls import path

from . import views

urlpatterns = [
    path("upload/", views.markdown_image_upload, name="markdownx_upload"),
    path("markdownify/", views.markdown_preview, name="markdownx_markdownify"),
]
