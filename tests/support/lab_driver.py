"""Change events in the pretalx lab through pretalx's own code: run with the LAB's Python and Django settings.

Not imported by the tests: `tests/support/lab.py` starts it as a long-running process (Django loads once, a few
seconds) and sends it one JSON command per line on stdin; it answers one JSON line per command on stdout:
`{"ok": true, ...}` or `{"ok": false, "error": "..."}`. Only events the tests created are touched: every
command refuses a slug that does not start with the prefix given on the command line.

    python lab_driver.py PREFIX
    {"do": "import", "slug": "l17a", "file": "/tmp/39c3.json"}  # the lab's own import script, rooms without positions
    {"do": "release", "slug": "l17a", "version": "v2", "unschedule": 300}  # unschedule sessions, then release
    {"do": "resources", "slug": "l17a", "code": "ABCDEF"}  # a public link, a public upload and a private link
    {"do": "second_slot", "slug": "l17a", "code": "ABCDEF"}  # present_multiple_times + a second slot (in the WIP)
    {"do": "custom_domain", "slug": "l17a", "domain": "https://schedule.example.org"}
    {"do": "state", "slug": "l17a", "code": "ABCDEF", "state": "rejected"}  # or "withdrawn"
    {"do": "revise", "slug": "l17a", "version": "v2", "move": "ABCDEF", "minutes": 120, "room": "Hall B",
     "cancel": "GHJKLM", "add": "A session added in v2"}  # move, cancel, add one; then release
    {"do": "delete", "slug": "l17a"}
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import runpy
import sys
import traceback

import django

django.setup()

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django_scopes import scope, scopes_disabled
from pretalx.event.domain.event import shred_event
from pretalx.event.models import Event
from pretalx.person.models import User
from pretalx.schedule.domain.release import freeze_schedule
from pretalx.schedule.models import TalkSlot
from pretalx.submission.enums import SubmissionStates
from pretalx.submission.models import Resource, SpeakerRole, Submission

PREFIX = sys.argv[1]
IMPORT_SCRIPT = os.path.join(os.environ["PRETALX_LAB_DIR"], "import_frab.py")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def event_of(slug: str) -> Event:
    if not slug.startswith(PREFIX):
        raise ValueError(f"refusing to touch event {slug!r}: not one of this test run's ({PREFIX}*)")
    with scopes_disabled():
        return Event.objects.get(slug=slug)


def do_import(slug: str, file: str) -> dict:
    if not slug.startswith(PREFIX):
        raise ValueError(f"refusing to import as {slug!r}")
    do_delete(slug)
    os.environ.update(LAB_IMPORT=file, LAB_IMPORT_SLUG=slug, LAB_LOCALES="en,de",
                      LAB_NOW=os.environ.get("PRETALX_LAB_NOW", "2026-03-02T10:00:00+00:00"),
                      LAB_ROOM_POSITIONS="none")
    runpy.run_path(IMPORT_SCRIPT, run_name="lab_import")
    return {"schedule": "v1", "codes": scheduled(event_of(slug))}


def scheduled(event: Event) -> list[str]:
    """The codes of the sessions in the event's current schedule, as pretalx's public schedule lists them."""
    with scopes_disabled():
        event = Event.objects.get(pk=event.pk)  # current_schedule is cached on the instance
        return sorted(event.current_schedule.scheduled_talks.values_list("submission__code", flat=True).distinct())


def do_release(slug: str, version: str, unschedule: int = 0) -> dict:
    event = event_of(slug)
    with scope(event=event), transaction.atomic():
        wip = event.wip_schedule
        dropped = []
        slots = wip.talks.filter(submission__isnull=False, start__isnull=False).order_by("-submission__code")
        for slot in slots[:unschedule]:
            dropped.append(slot.submission.code)
            slot.start = slot.end = slot.room = None
            slot.save(update_fields=["start", "end", "room"])
        freeze_schedule(wip, version, notify_speakers=False)
    cache.clear()
    return {"unscheduled": dropped, "codes": scheduled(event)}


def do_resources(slug: str, code: str) -> dict:
    event = event_of(slug)
    with scope(event=event):
        submission = event.submissions.get(code=code)
        link = Resource.objects.create(submission=submission, link="https://slides.example.org/talk.pdf",
                                       description="Slides (public link)", is_public=True)
        upload = Resource(submission=submission, description="Paper (public upload)", is_public=True)
        upload.resource.save("paper.pdf", ContentFile(PDF), save=False)
        upload.save()
        private = Resource.objects.create(submission=submission, link="https://private.example.org/secret",
                                          description="Private notes", is_public=False)
    cache.clear()
    return {"link": link.url, "upload": upload.url, "private": private.url}


def do_second_slot(slug: str, code: str) -> dict:
    event = event_of(slug)
    with scope(event=event), transaction.atomic():
        event.feature_flags["present_multiple_times"] = True
        event.save()
        submission = event.submissions.get(code=code)
        submission.slot_count = 2
        submission.save(update_fields=["slot_count"])
        first = event.wip_schedule.talks.get(submission=submission)
        second = TalkSlot.objects.create(submission=submission, schedule=event.wip_schedule, room=first.room,
                                         start=first.start + dt.timedelta(days=1),
                                         end=first.end + dt.timedelta(days=1), is_visible=True)
    cache.clear()
    return {"first": first.start.isoformat(), "second": second.start.isoformat()}


def do_custom_domain(slug: str, domain: str) -> dict:
    event = event_of(slug)
    with scope(event=event):
        event.custom_domain = domain
        event.save()
    cache.clear()
    return {}


def do_state(slug: str, code: str, state: str) -> dict:
    event = event_of(slug)
    with scope(event=event):
        submission = event.submissions.get(code=code)
        {"rejected": submission.reject, "withdrawn": submission.withdraw}[state]()
    cache.clear()
    return {"state": submission.state}


def do_revise(slug: str, version: str, move: str, minutes: int, room: str, cancel: str, add: str) -> dict:
    """Move one session (by `minutes`, into the room named `room`), cancel one (pretalx's `cancel`, which hides
    its slot), add one (a new confirmed submission by the moved session's speakers, an hour after the last
    session, in the moved session's old room); then release `version`. Answers the added session's code."""
    event = event_of(slug)
    with scope(event=event), transaction.atomic():
        wip = event.wip_schedule
        moved = wip.talks.get(submission__code=move)
        old_room = moved.room
        moved.start += dt.timedelta(minutes=minutes)
        moved.end += dt.timedelta(minutes=minutes)
        moved.room = next(r for r in event.rooms.all() if str(r.name) == room)
        moved.save(update_fields=["start", "end", "room"])
        event.submissions.get(code=cancel).cancel()
        last = max(slot.end for slot in wip.talks.filter(start__isnull=False))
        template = moved.submission
        added = Submission.objects.create(event=event, title=add, submission_type=template.submission_type,
                                          track=template.track, state=SubmissionStates.CONFIRMED,
                                          content_locale=template.content_locale, duration=30)
        for position, role in enumerate(template.speaker_roles.all(), start=1):
            SpeakerRole.objects.create(submission=added, speaker=role.speaker, position=position)
        TalkSlot.objects.create(submission=added, schedule=wip, room=old_room, is_visible=True,
                                start=last + dt.timedelta(hours=1), end=last + dt.timedelta(hours=1, minutes=30))
        freeze_schedule(wip, version, notify_speakers=False)
    cache.clear()
    return {"added": added.code, "codes": scheduled(event)}


def do_delete(slug: str) -> dict:
    """Shred the event, and the speaker accounts the import made for it (speaker-<n>@<slug>.example.invalid)."""
    if not slug.startswith(PREFIX):
        raise ValueError(f"refusing to delete event {slug!r}: not one of this test run's ({PREFIX}*)")
    with scopes_disabled():
        for event in Event.objects.filter(slug=slug):
            shred_event(event)
        User.objects.filter(email__endswith=f"@{slug}.example.invalid").delete()
    cache.clear()
    return {}


COMMANDS = {"import": do_import, "release": do_release, "resources": do_resources, "second_slot": do_second_slot,
            "custom_domain": do_custom_domain, "state": do_state, "revise": do_revise,
            "delete": do_delete}


def main() -> None:
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        try:
            with contextlib.redirect_stdout(sys.stderr):  # pretalx's and the import script's prints
                answer = {"ok": True, **COMMANDS[command.pop("do")](**command)}
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
