"""Plumbing shared by the apps below the API: optimistic locking of admin forms."""
