"""manage.py import_people FILE --team "<team name>": a team's people from a CSV file."""

from core.import_command import ImportCommand
from core.people_import import COLUMNS, people_import


class Command(ImportCommand):
    help = (
        f"Import a team's people from a CSV file with the columns {', '.join(COLUMNS)} (username and "
        "email required; role staff, manager or admin). Each new person is mailed a link to set their "
        "password; people already there (same username) are skipped. Exit 2 when a row was refused."
    )
    noun = "people"

    def run_import(self, *, team, text, dry_run, progress):
        return people_import(user=None, team=team, text=text, dry_run=dry_run, progress=progress)
