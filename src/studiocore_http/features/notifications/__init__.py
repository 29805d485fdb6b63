"""Notifications over HTTP: the user's list, marking read, and the live stream."""
