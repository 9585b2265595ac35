"""Which time zone an event is in: an IANA name, a Rails (ActiveSupport) name, or the UTC offsets its times carry.

A schedule's times are instants; the zone only says how to show them. It is never dropped to UTC while the
data says otherwise: a name we do not know, or no name at all, falls back to a zone consistent with the
offsets written in the data (a fixed offset such as UTC+05:30, or the IANA zone matching every offset).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = dt.timezone.utc
# our name for a zone known only by its offset; Python's zoneinfo and iCal readers have no such zone, so it is
# written as UTC in iCal and left out of frab's `time_zone_name`
FIXED_OFFSET = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")

# Rails (ActiveSupport::TimeZone::MAPPING, activesupport/lib/active_support/values/time_zone.rb) names → IANA.
# frab is a Rails application and writes these names in `time_zone_name` ("Berlin"). Where Rails still uses
# an old IANA alias, the current name is given (Kiev → Kyiv, Godthab → Nuuk, Rangoon → Yangon).
RAILS_ZONES: dict[str, str] = {
    "International Date Line West": "Pacific/Midway", "Midway Island": "Pacific/Midway",
    "American Samoa": "Pacific/Pago_Pago", "Hawaii": "Pacific/Honolulu", "Alaska": "America/Juneau",
    "Pacific Time (US & Canada)": "America/Los_Angeles", "Tijuana": "America/Tijuana",
    "Mountain Time (US & Canada)": "America/Denver", "Arizona": "America/Phoenix",
    "Chihuahua": "America/Chihuahua", "Mazatlan": "America/Mazatlan",
    "Central Time (US & Canada)": "America/Chicago", "Saskatchewan": "America/Regina",
    "Guadalajara": "America/Mexico_City", "Mexico City": "America/Mexico_City", "Monterrey": "America/Monterrey",
    "Central America": "America/Guatemala", "Eastern Time (US & Canada)": "America/New_York",
    "Indiana (East)": "America/Indiana/Indianapolis", "Bogota": "America/Bogota", "Lima": "America/Lima",
    "Quito": "America/Lima", "Atlantic Time (Canada)": "America/Halifax", "Caracas": "America/Caracas",
    "La Paz": "America/La_Paz", "Santiago": "America/Santiago", "Newfoundland": "America/St_Johns",
    "Brasilia": "America/Sao_Paulo", "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Montevideo": "America/Montevideo", "Georgetown": "America/Guyana", "Puerto Rico": "America/Puerto_Rico",
    "Greenland": "America/Nuuk", "Mid-Atlantic": "Atlantic/South_Georgia", "Azores": "Atlantic/Azores",
    "Cape Verde Is.": "Atlantic/Cape_Verde", "Dublin": "Europe/Dublin", "Edinburgh": "Europe/London",
    "Lisbon": "Europe/Lisbon", "London": "Europe/London", "Casablanca": "Africa/Casablanca",
    "Monrovia": "Africa/Monrovia", "UTC": "Etc/UTC", "Belgrade": "Europe/Belgrade",
    "Bratislava": "Europe/Bratislava", "Budapest": "Europe/Budapest", "Ljubljana": "Europe/Ljubljana",
    "Prague": "Europe/Prague", "Sarajevo": "Europe/Sarajevo", "Skopje": "Europe/Skopje",
    "Warsaw": "Europe/Warsaw", "Zagreb": "Europe/Zagreb", "Brussels": "Europe/Brussels",
    "Copenhagen": "Europe/Copenhagen", "Madrid": "Europe/Madrid", "Paris": "Europe/Paris",
    "Amsterdam": "Europe/Amsterdam", "Berlin": "Europe/Berlin", "Bern": "Europe/Zurich",
    "Zurich": "Europe/Zurich", "Rome": "Europe/Rome", "Stockholm": "Europe/Stockholm", "Vienna": "Europe/Vienna",
    "West Central Africa": "Africa/Algiers", "Bucharest": "Europe/Bucharest", "Cairo": "Africa/Cairo",
    "Helsinki": "Europe/Helsinki", "Kyiv": "Europe/Kyiv", "Kyev": "Europe/Kyiv", "Riga": "Europe/Riga",
    "Sofia": "Europe/Sofia", "Tallinn": "Europe/Tallinn", "Vilnius": "Europe/Vilnius", "Athens": "Europe/Athens",
    "Istanbul": "Europe/Istanbul", "Minsk": "Europe/Minsk", "Jerusalem": "Asia/Jerusalem",
    "Harare": "Africa/Harare", "Pretoria": "Africa/Johannesburg", "Kaliningrad": "Europe/Kaliningrad",
    "Moscow": "Europe/Moscow", "St. Petersburg": "Europe/Moscow", "Volgograd": "Europe/Volgograd",
    "Samara": "Europe/Samara", "Kuwait": "Asia/Kuwait", "Riyadh": "Asia/Riyadh", "Nairobi": "Africa/Nairobi",
    "Baghdad": "Asia/Baghdad", "Tehran": "Asia/Tehran", "Abu Dhabi": "Asia/Muscat", "Muscat": "Asia/Muscat",
    "Baku": "Asia/Baku", "Tbilisi": "Asia/Tbilisi", "Yerevan": "Asia/Yerevan", "Kabul": "Asia/Kabul",
    "Ekaterinburg": "Asia/Yekaterinburg", "Islamabad": "Asia/Karachi", "Karachi": "Asia/Karachi",
    "Tashkent": "Asia/Tashkent", "Chennai": "Asia/Kolkata", "Kolkata": "Asia/Kolkata", "Mumbai": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata", "Kathmandu": "Asia/Kathmandu", "Astana": "Asia/Dhaka", "Dhaka": "Asia/Dhaka",
    "Sri Jayawardenepura": "Asia/Colombo", "Almaty": "Asia/Almaty", "Novosibirsk": "Asia/Novosibirsk",
    "Rangoon": "Asia/Yangon", "Bangkok": "Asia/Bangkok", "Hanoi": "Asia/Bangkok", "Jakarta": "Asia/Jakarta",
    "Krasnoyarsk": "Asia/Krasnoyarsk", "Beijing": "Asia/Shanghai", "Chongqing": "Asia/Chongqing",
    "Hong Kong": "Asia/Hong_Kong", "Urumqi": "Asia/Urumqi", "Kuala Lumpur": "Asia/Kuala_Lumpur",
    "Singapore": "Asia/Singapore", "Taipei": "Asia/Taipei", "Perth": "Australia/Perth",
    "Irkutsk": "Asia/Irkutsk", "Ulaanbaatar": "Asia/Ulaanbaatar", "Seoul": "Asia/Seoul", "Osaka": "Asia/Tokyo",
    "Sapporo": "Asia/Tokyo", "Tokyo": "Asia/Tokyo", "Yakutsk": "Asia/Yakutsk", "Darwin": "Australia/Darwin",
    "Adelaide": "Australia/Adelaide", "Canberra": "Australia/Melbourne", "Melbourne": "Australia/Melbourne",
    "Sydney": "Australia/Sydney", "Brisbane": "Australia/Brisbane", "Hobart": "Australia/Hobart",
    "Vladivostok": "Asia/Vladivostok", "Guam": "Pacific/Guam", "Port Moresby": "Pacific/Port_Moresby",
    "Magadan": "Asia/Magadan", "Srednekolymsk": "Asia/Srednekolymsk", "Solomon Is.": "Pacific/Guadalcanal",
    "New Caledonia": "Pacific/Noumea", "Fiji": "Pacific/Fiji", "Kamchatka": "Asia/Kamchatka",
    "Marshall Is.": "Pacific/Majuro", "Auckland": "Pacific/Auckland", "Wellington": "Pacific/Auckland",
    "Nuku'alofa": "Pacific/Tongatapu", "Tokelau Is.": "Pacific/Fakaofo", "Chatham Is.": "Pacific/Chatham",
    "Samoa": "Pacific/Apia",
}


def known_name(name: object) -> str | None:
    """The IANA name `name` stands for: itself when IANA knows it, its Rails mapping, else None."""
    if not isinstance(name, str) or not name.strip():
        return None
    name = name.strip()
    if FIXED_OFFSET.fullmatch(name):
        return name
    for candidate in (name, RAILS_ZONES.get(name)):
        if candidate and _is_iana(candidate):
            return candidate
    return None


def zone_of(name: str) -> dt.tzinfo:
    """The tzinfo of a name `known_name` returned: a ZoneInfo, or a fixed offset for "UTC+05:30".

    Raises ValueError for any other name."""
    match = FIXED_OFFSET.fullmatch(name)
    if match:
        sign, hours, minutes = match.groups()
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
        return dt.timezone(offset, name)
    if not _is_iana(name):
        raise ValueError(f"unknown time zone {name!r}")
    return ZoneInfo(name)


def is_fixed_offset(name: str) -> bool:
    """True for a zone known only by its offset (no IANA name): iCal writes its times in UTC."""
    return bool(FIXED_OFFSET.fullmatch(name))


@functools.lru_cache(maxsize=4096)  # sessions share start and end times; every feed and page asks
def repeated(moment: dt.datetime, zone: dt.tzinfo) -> bool:
    """True when the wall time of `moment` in `zone` occurs twice (02:30 in the night summer time ends): a
    local time alone does not say which instant it is."""
    local = moment.astimezone(zone)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def fixed_offset_name(offset: dt.timedelta) -> str:
    """Our name for a fixed offset: "UTC" for zero, else "UTC+05:30", "UTC-03:00"."""
    if not offset:
        return "UTC"
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def from_offsets(observed: Iterable[tuple[dt.datetime, dt.timedelta]]) -> str | None:
    """A zone consistent with every (UTC instant, UTC offset) pair of the data; None when there are none.

    One offset: that fixed offset (any size: +05:45, +13:00). Several (the data crosses a daylight-saving change):
    the first IANA zone (Rails' well-known ones first, then by name) whose offset at each instant is the one
    written; a fixed offset of the most common one when no zone fits."""
    pairs = sorted(set(observed))
    if not pairs:
        return None
    offsets = {offset for _, offset in pairs}
    if len(offsets) == 1:
        return fixed_offset_name(offsets.pop())
    # one instant per run of equal offsets is enough to tell zones apart, and keeps the search quick
    changes = [pair for index, pair in enumerate(pairs) if index == 0 or pairs[index - 1][1] != pair[1]]
    for name in _candidate_zones():
        zone = ZoneInfo(name)
        if all(moment.astimezone(zone).utcoffset() == offset for moment, offset in changes):
            return name
    common = max(offsets, key=lambda o: (sum(1 for _, x in pairs if x == o), o))
    return fixed_offset_name(common)


@functools.cache
def _candidate_zones() -> tuple[str, ...]:
    """IANA region zones: first the ones Rails offers (a short list of well-known cities), then the rest, each
    sorted by name; Etc/ and the old aliases without a region are left out."""
    known = sorted({name for name in RAILS_ZONES.values() if "/" in name and not name.startswith("Etc/")})
    rest = sorted(name for name in available_timezones() if name not in known and "/" in name
                  and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")))
    return tuple(known + rest)


@functools.cache
def _is_iana(name: str) -> bool:
    try:
        ZoneInfo(name)
        return True
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "America", a long name
        return False
