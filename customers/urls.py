"""Customer pages. The root URLconf mounts these with stories/urls.py under the one
`customers` namespace the templates name ("customers:detail", "customers:wall")."""

from django.urls import path

from . import views

urlpatterns = [
    path("customers/", views.customer_list, name="list"),
    path("customers/new/", views.customer_new, name="new"),
    path("customers/search/", views.customer_picker_matches, name="search"),
    path("customers/referrer-stories/", views.referrer_stories, name="referrer_stories"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="edit"),
]
