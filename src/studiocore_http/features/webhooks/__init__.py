"""Webhooks over HTTP: endpoints, their secrets and delivery logs."""
