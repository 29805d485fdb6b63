"""The sentences the OpenAPI document repeats, written once.

Operation descriptions are CommonMark. Who may call an operation is read from the
core's access table (`studiocore.access.ACCESS_TABLE`, the default `membership`
policy), so the document cannot drift from the rules the server applies; the
error statuses, paging and time semantics are the API's, shared by every
operation that has them.
"""

from __future__ import annotations

import attrs

from studiocore.access import ACCESS_TABLE

__all__ = [
    "CONFLICT",
    "FIELD_ERRORS",
    "FORBIDDEN",
    "NOT_FOUND",
    "PAGING",
    "PATCH_RULE",
    "TIMES",
    "Wording",
    "who_may",
]

NOT_FOUND = (
    "A uid that does not exist and a record the caller may not read both answer 404 "
    "(existence is not leaked)."
)
FORBIDDEN = "A caller who may read the record but not change it gets 403."
FIELD_ERRORS = (
    "Invalid input is a 422 whose `extra.field` names the first offending field and "
    "`extra.problems` lists each one with its reason."
)
CONFLICT = (
    "A 409 means the request is well formed but clashes with the data as it stands; "
    "`extra.conflicts` is the conflict report (each clashing show, room or MC, with its "
    "kind and severity), empty for a duplicate value."
)
PAGING = (
    "Paged with `limit` (1 to 500, default 50) and `offset`; `total` counts only the "
    "records the caller may read, so pages never leak hidden ones."
)
TIMES = (
    "Times are ISO 8601 with a UTC offset (`2026-03-02T09:00:00+09:00`; a naive time is "
    "a 422) and are answered in UTC; intervals are half-open, `[start, end)`: a show "
    "ending at 10:00 does not clash with one starting at 10:00."
)
PATCH_RULE = (
    "Only the fields sent change; an absent field keeps its value and `null` clears an "
    "optional one (a JSON object such as `metadata` is replaced, never cleared)."
)


def _people(text: str) -> str:
    if text.startswith("nobody but a system admin"):
        return "system admins only"
    if text == "any signed-in user":
        return text
    return f"system admins; {text}"


def who_may(resource: str, what: str = "read", verb: str | None = None) -> str:
    """The sentence saying who may ``what`` (`read`, `write`, `create` or a named use
    case such as `promote`) the records of ``resource`` (a row of the access table:
    `studio_rooms`); ``verb`` names the act if the default does not fit ("delete")."""
    access = ACCESS_TABLE[resource]
    if what == "read":
        rule = access.read
    elif what == "create":
        rule = access.create or access.write
    elif what == "write":
        rule = access.write
    else:
        rule = access.use_cases.get(what, access.write)
    verb = verb or {"read": "read", "write": "change", "create": "create"}.get(
        what, what.replace("_", " ")
    )
    return f"**Who may {verb}:** {_people(rule.text)}."


@attrs.frozen
class Wording:
    """How the OpenAPI document speaks of a plain resource, given where its
    controller is declared: the generated list, create, get, update and delete
    operations are described from it.

    `singular` / `plural` are the nouns ("studio room", "studio rooms") and
    `article` the singular's ("a", "an"); `about` says what a record is (one or two
    sentences); `access` names its row of the access table; `conflicts` says when a
    create or update is a 409, `on_delete` what deleting does beyond hiding the
    record (or when it is refused)."""

    singular: str
    plural: str
    about: str
    access: str
    article: str = "a"
    conflicts: str | None = None
    on_delete: str | None = None

    @property
    def one(self) -> str:
        """The singular with its article ("a studio room")."""
        return f"{self.article} {self.singular}"

    def summaries(self) -> dict[str, str]:
        """The summary of each generated operation, by verb."""
        return {
            "list": f"List {self.plural}",
            "create": f"Create {self.one}",
            "get": f"Get {self.one}",
            "update": f"Update {self.one}",
            "delete": f"Delete {self.one}",
        }

    def descriptions(self, filters: tuple[str, ...] = ()) -> dict[str, str]:
        """The Markdown description of each generated operation, by verb; `filters`
        are the listing's query filters."""
        conflicts = f" {self.conflicts}" if self.conflicts else ""
        filtered = (
            " Filters (" + ", ".join(f"`{f}`" for f in filters) + ") are exact matches."
            if filters
            else ""
        )
        return {
            "list": f"The {self.plural} the caller may read. {self.about}{filtered} "
            "`sort` orders them (default: by uid, that is by creation). "
            f"{PAGING}\n\n{who_may(self.access, 'read')}",
            "create": f"Creates {self.one} and answers it (201). {self.about}{conflicts}\n\n"
            f"{who_may(self.access, 'create')} Anyone else gets 403.\n\n{FIELD_ERRORS}",
            "get": f"One {self.singular}. {self.about}\n\n{who_may(self.access, 'read')} "
            f"{NOT_FOUND}",
            "update": f"Changes {self.one} and answers it as it now is. {PATCH_RULE}"
            f"{conflicts}\n\n{who_may(self.access, 'write')} {FORBIDDEN} {NOT_FOUND}\n\n"
            f"{FIELD_ERRORS}",
            "delete": f"Deletes {self.one} (204): it disappears from reads and lists, and "
            "its history stays in the audit trail."
            + (f" {self.on_delete}" if self.on_delete else "")
            + f"\n\n{who_may(self.access, 'write', 'delete')} {FORBIDDEN} {NOT_FOUND}",
        }
