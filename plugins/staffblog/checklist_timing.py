"""The timing grammar of checklist items (README, "Reminder timings"): when a step's
calendar reminder falls, counted from the interview day (day 0)::

    timing  := "within" amount unit            last whole day of the window
             | "after" amount unit | amount unit "after"    day 0 + amount
             | "every" [amount] repeat-unit [","] [amount "times"]
    amount  := 1, 2, 3 … | one … twelve | a | an
    unit    := hour(s) | day(s) | week(s)      hours round up to whole days
    repeat-unit := day(s) | week(s)            first one interval after day 0
"""

import math
import re
from dataclasses import dataclass

WORDS = "one two three four five six seven eight nine ten eleven twelve"
NUMBER_WORDS = {"a": 1, "an": 1} | {word: number for number, word in enumerate(WORDS.split(), 1)}
UNIT_HOURS = {"hour": 1, "day": 24, "week": 24 * 7}
NUMBER = r"\d+|" + "|".join(NUMBER_WORDS)
AMOUNT = rf"(?P<amount>{NUMBER})"
UNIT = r"(?P<unit>hour|day|week)s?"

WITHIN_RE = re.compile(rf"within {AMOUNT} {UNIT}")
AFTER_RE = re.compile(rf"after {AMOUNT} {UNIT}")
AFTER_REVERSED_RE = re.compile(rf"{AMOUNT} {UNIT} after")
EVERY_RE = re.compile(rf"every (?:{AMOUNT} )?(?P<unit>day|week)s?(?:,? (?P<count>{NUMBER}) times)?")

GRAMMAR_HINT = 'write "within N hours|days|weeks", "after N hours|days|weeks" or '
GRAMMAR_HINT += '"every N days|weeks[, M times]" (README: "Checklists")'


class TimingError(ValueError):
    """A timing phrase that does not follow the grammar."""


@dataclass(frozen=True)
class Timing:
    """One item's reminder: its first day (counted from the interview) and repeat rule."""

    phrase: str  # as the author wrote it, whitespace normalised
    offset_days: int  # first reminder, in days after the interview day (0 = that day)
    rrule: str = ""  # RFC 5545 RRULE value for repeating reminders, "" for a single one
    description: str = ""  # for readers: "within 24 hours of the interview"


def _number(word):
    value = int(word) if word.isdigit() else NUMBER_WORDS[word]
    if value < 1:
        raise TimingError("amounts start at 1")
    return value


def _plural(amount, unit):
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"


def parse_timing(text):
    """Read one timing phrase; raise TimingError saying what is expected."""
    phrase = " ".join(str(text).split())
    try:
        return _parse(phrase)
    except TimingError as exc:
        raise TimingError(f"cannot read timing {phrase!r}: {exc}") from None


def _parse(phrase):
    normal = phrase.lower().rstrip(".")
    if match := WITHIN_RE.fullmatch(normal):
        amount, unit = _number(match["amount"]), match["unit"]
        days = math.ceil(amount * UNIT_HOURS[unit] / 24) - 1  # the window's last whole day
        return Timing(phrase, days, description=f"within {_plural(amount, unit)} of the interview")
    if match := AFTER_RE.fullmatch(normal) or AFTER_REVERSED_RE.fullmatch(normal):
        amount, unit = _number(match["amount"]), match["unit"]
        days = math.ceil(amount * UNIT_HOURS[unit] / 24)
        return Timing(phrase, days, description=f"{_plural(amount, unit)} after the interview")
    if match := EVERY_RE.fullmatch(normal):
        amount = _number(match["amount"]) if match["amount"] else 1
        unit = match["unit"]
        rrule = f"FREQ={'WEEKLY' if unit == 'week' else 'DAILY'};INTERVAL={amount}"
        every = f"every {unit}" if amount == 1 else f"every {_plural(amount, unit)}"
        description = f"{every} after the interview"
        if match["count"]:
            count = _number(match["count"])
            rrule += f";COUNT={count}"
            description += f", {count} times"
        days = amount * UNIT_HOURS[unit] // 24  # one interval after day 0
        return Timing(phrase, days, rrule, description)
    raise TimingError(GRAMMAR_HINT)
