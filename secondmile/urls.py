"""Root URLs. The paths are part of the product (PRODUCT.md): keep them stable."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from customers import urls as customer_urls
from stories import urls as story_urls
from stories import views as story_views

from . import home, mfa, views
from .api import api
from .dashboard import exports as dashboard_exports
from .dashboard import roi_export
from .dashboard import views as dashboard

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    # The link an imported person is mailed (core.people_import): Django's reset token.
    path(
        "accounts/password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html", success_url=reverse_lazy("password_set_done")
        ),
        name="password_set",
    ),
    path(
        "accounts/password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set_done.html"),
        name="password_set_done",
    ),
    path("accounts/login/code/", mfa.verify, name="mfa_verify"),
    path("accounts/profile/two-factor/", mfa.setup, name="mfa_setup"),
    path("accounts/profile/two-factor/recovery-codes/", mfa.recovery_codes, name="mfa_recovery_codes"),
    path("accounts/profile/two-factor/off/", mfa.disable, name="mfa_disable"),
    path("accounts/profile/tokens/", views.token_create, name="token_create"),
    path("accounts/profile/slack/", views.slack_member_set, name="slack_member_set"),
    path("accounts/profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/profile/leaderboard/", home.leaderboard_visibility, name="leaderboard_visibility"),
    path("people/<int:pk>/", home.person, name="person"),
    path("people/<int:pk>/kudos/", home.kudos_give, name="kudos_give"),
    path("follow-ups/<int:pk>/done/", home.followup_done, name="followup_done"),
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("dashboard/export/acts.csv", dashboard_exports.export_acts, name="dashboard_export_acts"),
    path("dashboard/export/stories.csv", dashboard_exports.export_stories, name="dashboard_export_stories"),
    path("dashboard/export/nps.csv", dashboard_exports.export_nps, name="dashboard_export_nps"),
    path(
        "dashboard/export/referred-customers.csv", dashboard_exports.export_referred, name="dashboard_export_referred"
    ),
    path("dashboard/export/figures.csv", dashboard_exports.export_figures, name="dashboard_export_figures"),
    path("dashboard/export/goodwill-ledger.csv", dashboard_exports.export_ledger, name="dashboard_export_ledger"),
    path("dashboard/export/roi.csv", roi_export.export_roi, name="dashboard_export_roi"),
    path("team/policy/", views.team_policy, name="team_policy"),
    path("audit/", views.audit_log, name="audit_log"),
    path("", include("acts.urls")),
    path("", include((customer_urls.urlpatterns + story_urls.urlpatterns, "customers"))),
    path("", include("integrations.urls")),
    path("", include("rewards.urls")),
    path("s/<str:token>", story_views.survey, name="survey"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
