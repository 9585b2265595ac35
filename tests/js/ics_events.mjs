// Parse .ics files with ical.js (Mozilla's iCalendar parser, used by Thunderbird) and print what it read.
// Usage: node tests/js/ics_events.mjs FILE... → JSON {file: {calendars, vevents: [{uid, start, end, ...}]}}
// Times are Unix seconds, computed by ical.js itself from each file's own VTIMEZONE.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const result = {};
for (const file of process.argv.slice(2)) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
  ICAL.TimezoneService.reset();  // each file must bring its own VTIMEZONE, as it would into a calendar app
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  const vevents = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
      status: component.getFirstPropertyValue("status"),
      url: component.getFirstPropertyValue("url"),
      sequence: event.sequence,
      dtstamp: component.getFirstPropertyValue("dtstamp")?.toUnixTime() ?? null,
      lastModified: component.getFirstPropertyValue("last-modified")?.toUnixTime() ?? null,
      description: event.description,
      attach: component.getAllProperties("attach").map((property) => property.getFirstValue()),
    };
  });
  result[file] = { name: calendar.name, version: calendar.getFirstPropertyValue("version"), vevents };
}
process.stdout.write(JSON.stringify(result));
