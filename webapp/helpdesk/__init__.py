"""Helpdesk rules that the case and Message Center pages share with the helpdesk pages: business
hours, live updates and presence, ratings, the assignee's notice. Imports only models and
low-level helpers, never a blueprint (blueprints import this package)."""
