"""Run INSIDE the pretalx lab's virtualenv (not imported by the tests): make an event of our own in the lab with
a rejected and an accepted-but-unconfirmed submission, release its schedule, and print an organiser API token.

    python lab_token_event.py SLUG   (with the lab's PRETALX_CONFIG_FILE, PYTHONPATH and DJANGO_SETTINGS_MODULE)

Idempotent: an existing event and its read-only token are reused. It never touches other
events (democon and bigcon are read by other tests). Prints one JSON line: {"event": SLUG, "token": ...}.
"""

import datetime as dt
import json
import sys

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402

from pretalx.event.models import Event  # noqa: E402
from pretalx.person.domain.user import create_user  # noqa: E402
from pretalx.person.models import SpeakerProfile, User  # noqa: E402
from pretalx.person.models.auth_token import ENDPOINTS, READ_PERMISSIONS, UserApiToken  # noqa: E402
from pretalx.schedule.domain.release import freeze_schedule  # noqa: E402
from pretalx.schedule.domain.slot import move_slot  # noqa: E402
from pretalx.submission.domain.submission import create_submission  # noqa: E402
from pretalx.submission.models import Submission  # noqa: E402

SLUG = sys.argv[1]
REJECTED_SPEAKER = "Quinn Rejected-Submitter"
UNCONFIRMED_TITLE = "Accepted but never confirmed by the speaker"


def speaker(event, name, email):
    user = User.objects.filter(email__iexact=email).first() or create_user(email=email, name=name, locale="en",
                                                                           timezone="Europe/Berlin")
    profile, _ = SpeakerProfile.objects.get_or_create(user=user, event=event)
    profile.biography = f"The biography of {name}, which must never be published."
    profile.save()
    return profile


def submission(event, profile, title):
    talk = event.submission_types.get(name__iexact="talk")
    made = Submission(event=event, title=title, submission_type=talk, abstract="Not on the public schedule.",
                      description="", content_locale="en")
    return create_submission(submission=made, user=profile.user, speakers=[profile.user])


with scopes_disabled():
    exists = Event.objects.filter(slug=SLUG).exists()
if not exists:
    call_command("create_test_event", stage="schedule", slug=SLUG, seed="13")
    with scopes_disabled():
        event = Event.objects.get(slug=SLUG)
    with scope(event=event):
        rejected = submission(event, speaker(event, REJECTED_SPEAKER, f"rejected@{SLUG}.example.invalid"),
                              "A rejected proposal")
        rejected.reject()
        unconfirmed = submission(event, speaker(event, "Riley Unconfirmed", f"unconfirmed@{SLUG}.example.invalid"),
                                 UNCONFIRMED_TITLE)
        unconfirmed.accept()  # accepted, so it gets a slot; never confirmed by the speaker
        start = event.datetime_from + dt.timedelta(hours=20)
        move_slot(unconfirmed.slots.filter(schedule=event.wip_schedule).first(), start, room=event.rooms.first())
        freeze_schedule(event.wip_schedule, "v2", notify_speakers=False)
    cache.clear()  # the running server caches API answers in the shared file cache

with scopes_disabled():
    event = Event.objects.get(slug=SLUG)
    admin = User.objects.filter(is_administrator=True).order_by("pk").first()
    token = UserApiToken.objects.active().filter(name=f"{SLUG} read-only", user=admin).first()
    if token is None:
        token = UserApiToken.objects.create(name=f"{SLUG} read-only", user=admin, all_events=False,
                                            endpoints={endpoint: list(READ_PERMISSIONS) for endpoint in ENDPOINTS})
        token.limit_events.add(event)
print(json.dumps({"event": SLUG, "token": token.token}))
