"""The dashboard page."""

from django.shortcuts import render


def dashboard_view(request):
    return render(request, "secondmile/dashboard.html", {})
