"""Threaded comments over HTTP: under shows, schedules and change requests,
and ``/comments/{uid}`` to edit or delete one."""
