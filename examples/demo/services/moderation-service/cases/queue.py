"""The review queue: open cases from content's reports, act on them.

Reading content's ``content_reports`` and hiding content's ``posts`` from here
is coupling without a foreign key (fkmap lists it under "Shared tables").
"""

from django.db import connection, transaction

from .models import Action, Case, Member, Post

_OPEN_REPORTS = """
    SELECT post_id, COUNT(*) AS reports
    FROM content_reports
    WHERE status = 'open' AND post_id IS NOT NULL
    GROUP BY post_id
    HAVING COUNT(*) >= %s
"""


def open_cases(threshold: int = 3) -> int:
    """A case per post reported at least ``threshold`` times that has none open."""
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_REPORTS, [threshold])
        rows = cursor.fetchall()
    opened = 0
    for post_id, reports in rows:
        post = Post.objects.get(pk=post_id)
        _, created = Case.objects.get_or_create(
            post=post,
            status=Case.Status.OPEN,
            defaults={"reported_user_id": post.user_id, "report_count": reports},
        )
        opened += created
    return opened


def take_down(case_id: int, moderator: Member, note: str = "") -> None:
    """Hide the post for everyone but its author and close the case."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        Post.objects.filter(pk=case.post_id).update(visibility="private")
        Action.objects.create(case=case, kind=Action.Kind.TAKE_DOWN, taken_by=moderator, note=note)
        Case.objects.filter(pk=case.pk).update(status=Case.Status.ACTIONED)
