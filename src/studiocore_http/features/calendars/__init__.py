"""Calendars: iCalendar exports of an MC's, a room's and a schedule's shows, and
personal feed links for calendar apps (which cannot send a bearer header)."""
