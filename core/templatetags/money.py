"""The formatting filters every template has (a builtin): money, day, ago, waited, ..."""

from django import template

from core import formatting

register = template.Library()

for _name in ("money", "day", "ago", "waited", "percent", "sub", "after_approval"):
    register.filter(_name, getattr(formatting, _name))
