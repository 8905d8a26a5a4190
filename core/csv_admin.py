"""The Django admin's "Import from CSV" pages, for a ModelAdmin that mixes this in:
upload → preview (counts, the first rows, every refusal by line) → confirm. The steps'
rules are in core/csv_uploads.py; only admins reach them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from . import csv_uploads, errors
from .csv_import import plural
from .models import CsvImport, Role, Team

REFUSALS_SHOWN = 200


class CsvUploadForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), empty_label=None)
    file = forms.FileField(label="CSV file", help_text="UTF-8, the first line naming the columns; at most 5 MB.")


class CsvImportAdminMixin:
    """Set `csv_kind` (CsvImport.Kind), `csv_columns` (the columns, for the page) and
    `csv_import` (the importer: `customers_import` or `people_import`)."""

    csv_kind: str
    csv_columns: tuple[str, ...]
    csv_noun = "rows"  # what a row is, in the pages' words: "customers", "people"
    change_list_template = "admin/csv_import_change_list.html"

    def csv_import(self, **kwargs):
        raise NotImplementedError

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_import"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_upload_view), name=name),
            path("import/<int:pk>/", wrap(self.import_preview_view), name=f"{name}_preview"),
            path("import/<int:pk>/confirm/", wrap(self.import_confirm_view), name=f"{name}_confirm"),
            *super().get_urls(),
        ]

    def _url(self, suffix: str = "", **kwargs) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import{suffix}", kwargs=kwargs or None)

    def _require_admin(self, request) -> None:
        if getattr(request.user, "role", None) != Role.ADMIN:
            raise PermissionDenied(csv_uploads.MSG_ADMINS_ONLY)

    def _render(self, request, context: dict, *, status: int = 200):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Import {self.csv_noun} from CSV",
            "noun": self.csv_noun,
            "columns": self.csv_columns,
            "upload_url": self._url(),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            **context,
        }
        if "report" in context:
            context["refusals"] = context["report"].refused[:REFUSALS_SHOWN]
            context["refusals_more"] = max(0, len(context["report"].refused) - REFUSALS_SHOWN)
        return TemplateResponse(request, "admin/csv_import.html", context, status=status)

    def _upload(self, request, pk: int) -> CsvImport:
        upload = get_object_or_404(CsvImport, pk=pk, kind=self.csv_kind, uploaded_by=request.user)
        if upload.imported_at is not None:
            raise Http404("This file has been imported already.")
        return upload

    def import_upload_view(self, request):
        self._require_admin(request)
        if request.method == "POST":
            form = CsvUploadForm(request.POST, request.FILES)
            if form.is_valid():
                file = form.cleaned_data["file"]
                try:
                    upload, _ = csv_uploads.csv_import_upload(
                        user=request.user,
                        kind=self.csv_kind,
                        team=form.cleaned_data["team"],
                        file_name=file.name,
                        data=file.read(csv_uploads.MAX_UPLOAD_BYTES + 1),
                        importer=self.csv_import,
                    )
                except errors.DomainError as error:
                    form.add_error("file", error.message)
                else:
                    return redirect(self._url("_preview", pk=upload.pk))
        else:
            form = CsvUploadForm(initial={"team": request.user.team_id})
        return self._render(request, {"step": "upload", "form": form}, status=400 if form.errors else 200)

    def import_preview_view(self, request, pk: int):
        self._require_admin(request)
        upload = self._upload(request, pk)
        report = csv_uploads.csv_import_preview(user=request.user, upload=upload, importer=self.csv_import)
        return self._render(
            request,
            {"step": "preview", "upload": upload, "report": report, "confirm_url": self._url("_confirm", pk=pk)},
        )

    def import_confirm_view(self, request, pk: int):
        self._require_admin(request)
        if request.method != "POST":
            return redirect(self._url("_preview", pk=pk))
        upload = self._upload(request, pk)
        try:
            report = csv_uploads.csv_import_confirm(user=request.user, upload=upload, importer=self.csv_import)
        except errors.DomainError as error:
            messages.error(request, error.message)
            return redirect(self._url())
        text = (
            f"Imported {report.imported} {self.csv_noun} into {upload.team.name}; {report.already_there} already there."
        )
        if report.refused:
            refused = plural(report.refused_rows, "row was", "rows were")
            messages.warning(request, f"{text} {refused} refused and not saved: see below.")
        else:
            messages.success(request, text)
        return self._render(request, {"step": "done", "upload": upload, "report": report})
