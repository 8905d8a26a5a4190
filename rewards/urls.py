from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("rewards/", views.catalogue, name="catalogue"),
    path("rewards/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("rewards/catalogue/", views.catalogue_kept, name="kept"),
    path("rewards/catalogue/new/", views.reward_new, name="new"),
    path("rewards/catalogue/<int:pk>/edit/", views.reward_edit, name="edit"),
    path("rewards/catalogue/<int:pk>/deactivate/", views.reward_deactivate, name="deactivate"),
    path("rewards/redemptions/", views.queue, name="queue"),
    path("rewards/redemptions/<int:pk>/fulfil/", views.redemption_fulfil, name="fulfil"),
    path("rewards/redemptions/<int:pk>/refund/", views.redemption_refund, name="refund"),
]
