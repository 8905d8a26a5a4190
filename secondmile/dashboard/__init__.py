"""The dashboard: its scope (scope.py), figures (figures.py), tiles, charts, CSV exports and page (views.py)."""
