"""Access control: the membership policy and the table it applies.

>>> from studiocore.access import ACCESS_TABLE
>>> ACCESS_TABLE["shows"].read.text
"staff (member+) of its studio; its client's members; the MC's user, for shows they host; members of a platform it streams to"
"""

from studiocore.access.policy import MembershipPolicy, resource_of
from studiocore.access.rules import Rule
from studiocore.access.table import ACCESS_TABLE, Access, render_markdown

__all__ = ["ACCESS_TABLE", "Access", "MembershipPolicy", "Rule", "render_markdown", "resource_of"]
