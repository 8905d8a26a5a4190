from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("integrations/webhooks/", views.webhook_list, name="webhooks"),
    path("integrations/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
]
