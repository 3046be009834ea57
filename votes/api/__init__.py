"""REST endpoints of the votes app, one module per resource: drafts (with their tally summary
and projection), tallies, projections, what-if scenarios, positions, recorded votes and voting
power. ``config/urls.py`` routes them under ``/api/v1/``."""
