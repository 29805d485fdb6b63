"""Memberships: a user's role in a studio, client or platform."""
