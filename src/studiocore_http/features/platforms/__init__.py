"""Streaming platforms."""
