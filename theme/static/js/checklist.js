// Checklist page: remembers ticks in localStorage and builds calendar reminders (.ics).
// The page works and prints without this module; it only adds memory and the calendar.
//
// Markup (theme/templates/checklist.html):
//   [data-checklist=<slug>]            the checklist, with data-checklist-title, -url, -site
//                                      and -reminder-time (HH:MM, when each reminder alarms)
//   [data-checklist-item=<id>]         one item, with data-checklist-text; timed items also
//                                      carry data-checklist-offset-days (days after the
//                                      interview), data-checklist-rrule (RFC 5545 RRULE value
//                                      or "") and data-checklist-summary
//   [data-checklist-form]              the form the boxes belong to (form="…"); its reset
//                                      button clears them
//   [data-checklist-calendar]          the interview-date form, hidden until this module runs

const DAY_MS = 24 * 60 * 60 * 1000;

export function storageKey(slug, itemId) {
  return `checklist:${slug}:${itemId}`;
}

function storage() {
  try {
    const store = window.localStorage;
    const probe = "checklist:probe";
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null; // storage disabled: the boxes still work, they are just not remembered
  }
}

function pad(number, width = 2) {
  return String(number).padStart(width, "0");
}

// "2031-05-14" -> a Date at 00:00 UTC that day, or null. Dates are counted in UTC so a
// daylight-saving change never shifts a reminder by a day.
export function parseDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

function addDays(date, days) {
  return new Date(date.getTime() + days * DAY_MS);
}

function icsDate(date) {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}`;
}

function icsTimestamp(date) {
  const time = `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
  return `${icsDate(date)}T${time}Z`;
}

function localToday() {
  const now = new Date();
  return `${pad(now.getFullYear(), 4)}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped in TEXT values.
export function escapeText(text) {
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n");
}

// RFC 5545 3.1: lines longer than 75 octets are folded with CRLF and a space,
// never inside a UTF-8 character.
export function foldLine(line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = "";
  let size = 0;
  for (const character of line) {
    const length = encoder.encode(character).length;
    if (size + length > 75) {
      parts.push(current);
      current = " ";
      size = 1;
    }
    current += character;
    size += length;
  }
  parts.push(current);
  return parts.join("\r\n");
}

// An alarm at HH:MM on the event's day: an all-day event starts at midnight, local time.
export function alarmTrigger(time) {
  const [, hours = "9", minutes = "0"] = /^(\d{1,2}):(\d{2})$/.exec(time || "") || [];
  return `PT${Number(hours)}H${Number(minutes)}M`;
}

// The calendar for one interview date: one all-day event per timed item, with an
// RRULE for repeating ones and an alarm on each day. Pure: everything comes in as arguments.
export function buildCalendar({ checklist, items, interviewDate, now, host }) {
  const start = parseDate(interviewDate);
  if (!start) throw new Error(`not a date: ${interviewDate}`);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:-//${checklist.site}//Checklist reminders//EN`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${escapeText(checklist.title)}`,
  ];
  for (const item of items) {
    const day = addDays(start, item.offsetDays);
    lines.push(
      "BEGIN:VEVENT",
      `UID:${interviewDate}-${checklist.slug}-${item.id}@${host}`,
      `DTSTAMP:${icsTimestamp(now)}`,
      `DTSTART;VALUE=DATE:${icsDate(day)}`,
      `DTEND;VALUE=DATE:${icsDate(addDays(day, 1))}`,
    );
    if (item.rrule) lines.push(`RRULE:${item.rrule}`);
    lines.push(
      `SUMMARY:${escapeText(item.summary)}`,
      `DESCRIPTION:${escapeText(`${item.text}\n\nFrom “${checklist.title}”: ${checklist.url}`)}`,
      `URL:${checklist.url}`,
      "TRANSP:TRANSPARENT",
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      `TRIGGER:${alarmTrigger(checklist.reminderTime)}`,
      `DESCRIPTION:${escapeText(item.summary)}`,
      "END:VALARM",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return `${lines.map(foldLine).join("\r\n")}\r\n`;
}

function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function announce(root, message) {
  const status = root.querySelector("[data-checklist-status]");
  if (status) status.textContent = message;
}

function rememberTicks(root, slug) {
  const store = storage();
  const form = root.querySelector("[data-checklist-form]");
  if (!store || !form) return;
  const boxes = [...root.querySelectorAll("[data-checklist-item]")].map((item) => ({
    key: storageKey(slug, item.dataset.checklistItem),
    box: item.querySelector("input[type=checkbox]"),
  }));
  for (const { key, box } of boxes) {
    box.checked = store.getItem(key) === "1";
    box.addEventListener("change", () => {
      if (box.checked) store.setItem(key, "1");
      else store.removeItem(key);
    });
  }
  // The Clear button is a plain reset button: it unticks every box even without
  // JavaScript; here it also forgets the saved ticks.
  form.addEventListener("reset", () => {
    for (const { key } of boxes) store.removeItem(key);
    announce(root, "All ticks cleared.");
  });
}

function enablePrint(root) {
  const button = root.querySelector("[data-checklist-print]");
  if (!button || typeof window.print !== "function") return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

function enableCalendar(root, slug) {
  const form = root.querySelector("[data-checklist-calendar]");
  if (!form) return;
  const input = form.querySelector("input[type=date]");
  input.value = localToday();
  form.hidden = false;
  const note = root.querySelector("[data-checklist-nojs]");
  if (note) note.hidden = true;
  const checklist = {
    slug,
    title: root.dataset.checklistTitle,
    url: root.dataset.checklistUrl,
    site: root.dataset.checklistSite,
    reminderTime: root.dataset.checklistReminderTime,
  };
  const items = [...root.querySelectorAll("[data-checklist-offset-days]")].map((item) => ({
    id: item.dataset.checklistItem,
    offsetDays: Number(item.dataset.checklistOffsetDays),
    rrule: item.dataset.checklistRrule,
    summary: item.dataset.checklistSummary,
    text: item.dataset.checklistText,
  }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!parseDate(input.value)) {
      input.setCustomValidity("Enter the interview date.");
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    const host = new URL(checklist.url, window.location.href).hostname || "localhost";
    const text = buildCalendar({ checklist, items, interviewDate: input.value, now: new Date(), host });
    download(`${slug}-reminders-${input.value}.ics`, text, "text/calendar;charset=utf-8");
    announce(root, `Calendar file for ${input.value} downloaded.`);
  });
  input.addEventListener("input", () => input.setCustomValidity(""));
}

const root = document.querySelector("[data-checklist]");
if (root) {
  const slug = root.dataset.checklist;
  rememberTicks(root, slug);
  enablePrint(root);
  enableCalendar(root, slug);
}
