"""Schedules: a client's plan in one studio, its drafts, the approval workflow,
promotion ("Promotable Draft") and its versions."""
