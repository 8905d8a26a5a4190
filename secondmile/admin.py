"""Django admin for teams and people. Each person has one team and one role.

The role is a choice on the person's form, saved through `member_set_role`, the same
service the app uses, so the role's group and `is_staff` (admins reach this admin) stay
in step. Only superusers may make superusers or hand out single permissions.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from acts import policy as spend_policy
from core import people_import
from core.admin_mixins import ReadOnlyAdminMixin, ServiceAdminMixin
from core.csv_admin import CsvImportAdminMixin
from core.models import ApiToken, AuditEvent, CsvImport, Kudos, PointsEntry, Role, Team, User
from core.services import member_set_role, member_set_team

from . import tasks_admin  # noqa: F401  (the work queue's pages)

MSG_TEAM_REQUIRED = "Every person belongs to a team: choose one."
ROLE_HELP = (
    "What they may do. Admins also manage teams and people here, in the Django admin: staff status follows the role."
)


@admin.register(Team)
class TeamAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Teams are made with `team_create` and their policy changed with
    `team_policy_update`, as on the policy page, so both are in the audit log."""

    list_display = [
        "name",
        "monthly_budget",
        "empowerment_limit",
        "manager_limit",
        "receipt_required_above",
        "review_share",
    ]
    search_fields = ["name"]
    # Edited on the policy page (/team/policy/), with the rest of the spend policy.
    exclude = ["limit_growth_acts", "limit_growth_step", "recovery_days"]

    def get_readonly_fields(self, request, obj=None):
        return ["name"] if obj is not None else []

    def save_through_service(self, request, obj, form, change):
        policy = {f: form.cleaned_data[f] for f in spend_policy.POLICY_FIELDS if f in form.cleaned_data}
        if not change:
            return spend_policy.team_create(user=request.user, name=form.cleaned_data["name"], **policy)
        changed = {f: value for f, value in policy.items() if f in form.changed_data}
        return spend_policy.team_policy_update(user=request.user, team=obj, **changed)

    def has_delete_permission(self, request, obj=None):
        return False


def _role_field() -> forms.ChoiceField:
    return forms.ChoiceField(choices=Role.choices, initial=Role.STAFF, widget=forms.RadioSelect, help_text=ROLE_HELP)


class MemberCreationForm(AdminUserCreationForm):
    role = _role_field()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "team")

    def clean_team(self):
        if self.cleaned_data.get("team") is None:
            raise forms.ValidationError(MSG_TEAM_REQUIRED)
        return self.cleaned_data["team"]


class MemberChangeForm(UserChangeForm):
    role = _role_field()

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role

    def clean(self):
        cleaned_data = super().clean()
        # A superuser (say, from `createsuperuser`) may stay without a team; nobody else.
        is_superuser = cleaned_data.get("is_superuser", self.instance.is_superuser)
        if "team" in self.fields and cleaned_data.get("team") is None and not is_superuser:
            self.add_error("team", MSG_TEAM_REQUIRED)
        return cleaned_data


@admin.register(User)
class UserAdmin(CsvImportAdminMixin, DjangoUserAdmin):
    """People, with "Import from CSV": `people_import`, as `manage.py import_people`."""

    csv_kind = CsvImport.Kind.PEOPLE
    csv_columns = people_import.COLUMNS
    csv_noun = "people"

    def csv_import(self, **kwargs):
        return people_import.people_import(**kwargs)

    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = ["username", "display_name", "team", "role", "is_active"]
    list_filter = ["team", "groups", "is_active"]
    list_select_related = ["team"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Team and role", {"fields": ("team", "role", "hide_from_leaderboard")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("Team and role", {"fields": ("team", "role")}),
    )
    filter_horizontal = ["user_permissions"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # An admin manages people's teams and roles; superuser status and single
        # permissions would let them grant themselves more than the admin role.
        hidden = {"is_superuser", "user_permissions"}
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in hidden)})
            for name, options in fieldsets
        )

    def get_readonly_fields(self, request, obj=None):
        # The role decides is_staff (admins reach this admin); see member_set_role.
        return [*super().get_readonly_fields(request, obj), "is_staff"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # else an admin could reset a superuser's password and become one
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change and "team" in form.changed_data:
            # The move goes through member_set_team, which writes the audit row.
            new_team = obj.team
            obj.team = User.objects.get(pk=obj.pk).team
            super().save_model(request, obj, form, change)
            member_set_team(by=request.user, user=obj, team=new_team)
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        member_set_role(user=form.instance, role=form.cleaned_data["role"], by=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log, to read (also at /audit/): append-only, written by the services."""

    list_display = ["at", "actor", "action", "team", "target_type", "target_label", "before", "after"]
    list_filter = ["action", "team"]
    list_select_related = ["actor", "team"]
    search_fields = ["target_label"]

    def has_view_permission(self, request, obj=None):
        return getattr(request.user, "is_team_admin", False)

    def has_module_permission(self, request):
        return getattr(request.user, "is_team_admin", False)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "created_at", "last_used_at"]
    readonly_fields = ["user", "name", "key_hash", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are made on the profile page or with `manage.py api_token`


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "points", "reason", "earned_on"]
    list_filter = ["reason", "team"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["giver", "receiver", "note", "created_at"]
