from django.urls import path

from . import slack_interactions, views

app_name = "acts"

urlpatterns = [
    path("acts/", views.feed, name="feed"),
    path("acts/new/", views.act_new, name="new"),
    path("acts/new/warnings/", views.act_new_warnings, name="new_warnings"),
    path("acts/<int:pk>/", views.act_detail, name="detail"),
    path("acts/<int:pk>/approve/", views.act_approve, name="approve"),
    path("acts/<int:pk>/decline/", views.act_decline, name="decline"),
    path("acts/<int:pk>/withdraw/", views.act_withdraw, name="withdraw"),
    path("acts/<int:pk>/deliver/", views.act_deliver, name="deliver"),
    path("acts/<int:pk>/customer-knows/", views.act_customer_knows, name="customer_knows"),
    path("acts/<int:pk>/review/", views.act_review, name="review"),
    path("acts/<int:pk>/receipt/", views.act_receipt, name="receipt"),
    path("acts/new/playbook/", views.act_new_playbook, name="new_playbook"),
    path("approvals/", views.approvals, name="approvals"),
    path("followups/", views.followups, name="followups"),
    path("follow-ups/<int:pk>/snooze/", views.followup_snooze, name="followup_snooze"),
    path("playbook/", views.playbook, name="playbook"),
    path("integrations/slack/interactions", slack_interactions.slack_interactions, name="slack_interactions"),
]
