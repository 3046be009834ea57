"""URL configuration."""

from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "UN Security Council sanctions tracker"
admin.site.site_title = "Sanctions tracker admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
