"""The review queue. ``Member`` and ``Post`` map the monolith's tables (auth's
``users``, content's ``posts``) without managing them; the cases point at them
with real foreign keys -- into two other services' tables."""

from django.db import models


class Member(models.Model):
    """auth's users, read-only here."""

    id = models.UUIDField(primary_key=True)
    username = models.CharField(max_length=50)
    email = models.CharField(max_length=255)

    class Meta:
        managed = False
        db_table = "users"


class Post(models.Model):
    """content's posts: moderation may only change ``visibility``."""

    id = models.UUIDField(primary_key=True)
    user_id = models.UUIDField()
    caption = models.TextField(null=True)
    visibility = models.CharField(max_length=20)

    class Meta:
        managed = False
        db_table = "posts"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        ACTIONED = "actioned"
        DISMISSED = "dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="cases")
    reported_user = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    report_count = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "moderation_cases"


class Action(models.Model):
    class Kind(models.TextChoices):
        TAKE_DOWN = "take_down"
        WARN = "warn"
        DISMISS = "dismiss"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    taken_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, default="")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "moderation_actions"
