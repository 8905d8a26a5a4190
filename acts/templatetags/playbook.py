"""Template filter for the playbook: what a past act returned, in a line."""

from django import template

from acts.playbook import outcome_words

register = template.Library()
register.filter("playbook_outcome", outcome_words)
