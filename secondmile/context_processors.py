"""Template context every page needs: the user's role, and how many requests wait."""

from django.conf import settings


def navigation(request):
    user = getattr(request, "user", None)
    context = {"currency_code": settings.CURRENCY_CODE}
    if user is not None and user.is_authenticated:
        context["role"] = user.role
    return context
