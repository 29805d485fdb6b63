"""The demo's comment threads: the demo's people talk about the confirmed
schedule, its pending change request and a show of it, with replies and
``@mentions`` of each other, and one comment deleted by its author (it keeps
its place in the thread). Written through the services as those people, so
the access rules apply and the audit trail holds every comment."""

from __future__ import annotations

from studiocore import ChangeRequestStatus, Services
from studiocore.access import MembershipPolicy

__all__ = ["add_comment_threads"]

STUDIO_MANAGER = "studio.manager@demo.studiocore.dev"
CLIENT_MANAGER = "client.manager@demo.studiocore.dev"
CLIENT_MEMBER = "client.member@demo.studiocore.dev"
HOST = "mc.hana@demo.studiocore.dev"


def add_comment_threads(services: Services, schedule_uid: str) -> int:
    """Comment threads on the confirmed schedule ``schedule_uid``, its pending
    change request and its first show; the number of comments written."""
    ctx = services.context
    services = Services(
        ctx.uow_factory, clock=ctx.clock, policy=MembershipPolicy(), events=ctx.events
    )  # the people act under the access table, whatever the caller's policy
    uid = {
        email: services.users.by_email(email).uid
        for email in (STUDIO_MANAGER, CLIENT_MANAGER, CLIENT_MEMBER, HOST)
    }
    actor = {email: services.users.actor(user_uid) for email, user_uid in uid.items()}
    mentions = {
        "studio": f"@{uid[STUDIO_MANAGER]}",
        "client": f"@{uid[CLIENT_MANAGER]}",
        "member": f"@{uid[CLIENT_MEMBER]}",
        "host": f"@{uid[HOST]}",
    }
    written = 0

    def say(record: str, who: str, text: str, parent: str | None = None) -> str:
        nonlocal written
        content = text.format(**mentions)
        comment = services.comments.create(
            record, uid[who], content, parent_uid=parent, actor=actor[who]
        )
        written += 1
        return comment.uid

    plan = schedule_uid
    ask = say(
        plan,
        CLIENT_MANAGER,
        "{studio} could we add a 10-minute product demo segment on day 1?",
    )
    say(plan, STUDIO_MANAGER, "Yes, it fits. {member} please send the demo script.", ask)
    say(plan, CLIENT_MEMBER, "Script is in the materials (v2). Thanks!", ask)
    typo = say(plan, CLIENT_MEMBER, "Wrong thread, sorry")
    services.comments.delete(typo, actor=actor[CLIENT_MEMBER])

    pending = services.change_requests.of_schedule(
        plan, status=ChangeRequestStatus.PENDING, actor=actor[CLIENT_MANAGER]
    )
    if pending:
        request = pending[0].uid
        room = say(request, CLIENT_MANAGER, "Is Studio B set up like Studio A for the launch?")
        say(
            request,
            STUDIO_MANAGER,
            "Same lights and backdrop; only the camera angle differs. {client} approve?",
            room,
        )

    mine = {m.uid for m in services.mcs.list(where={"user_uid": uid[HOST]})}
    hosted = [
        show.uid
        for show in services.schedules.shows(plan)
        if any(link.mc_uid in mine for link in services.shows.mcs(show.uid))
    ]
    if hosted:
        show = hosted[0]
        early = say(show, HOST, "{studio} can I be in make-up 30 minutes before the start?")
        say(show, STUDIO_MANAGER, "{host} sure, the make-up room is yours from 13:00.", early)
    return written
