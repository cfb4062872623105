"""Resident identity numbers (公民身份号码, GB 11643-1999): validation, pseudonyms and masking.

A raw identity number is personal information. yigai validates it on the way in, then keeps
only a keyed hash (``person_id``, HMAC-SHA256 with the deployment's secret) for linking
records, the birth year-month and sex the analytics need, and a masked form (``id_masked``,
the last two characters) for display. The raw number, the birth day and the region code are
never stored: together with the birth month and sex they would narrow the number down to a
handful of candidates (docs/PRIVACY.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdentityError(ValueError):
    """An identity number that fails GB 11643 (shape, birth date or check digit)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def validate(number: str) -> str:
    """Return the normalised number (upper-case X) or raise :class:`IdentityError`."""
    text = str(number).strip().upper()
    if not _SHAPE.match(text):
        raise IdentityError(
            "身份证号应为18位（前17位数字，末位数字或X）",
            "identity number must be 17 digits + digit/X",
        )
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdentityError(
            "身份证号中的出生日期无效", "identity number has an invalid birth date"
        ) from None
    if check_digit(text[:17]) != text[17]:
        raise IdentityError("身份证号校验码错误", "identity number check digit is wrong")
    return text


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except IdentityError:
        return False
    return True


def birth_date(number: str) -> dt.date:
    return facts(validate(number))[1]


def sex(number: str) -> str:
    """'M' or 'F' from the order code's last digit (odd = male)."""
    return facts(validate(number))[0]


def facts(normal: str) -> tuple[str, dt.date]:
    """Sex and birth date of a number :func:`validate` already returned (not checked again:
    ingestion reads millions)."""
    born = dt.date(int(normal[6:10]), int(normal[10:12]), int(normal[12:14]))
    return ("M" if int(normal[16]) % 2 else "F"), born


def birth_month(number: str) -> dt.date:
    """The first day of the birth month: what is stored (``birth_ym``), never the day."""
    return birth_date(number).replace(day=1)


def pseudonym(number: str, key: bytes) -> str:
    """The stable ``person_id``: HMAC-SHA256 of the normalised number, hex, 32 chars."""
    return hmac.new(key, validate(number).encode(), hashlib.sha256).hexdigest()[:32]


#: Characters a mask keeps at the end. Two (the order code's last digit and the check
#: character) leave ≥ 100 valid numbers per stored person even with the region, birth
#: month and sex known; the old six-and-four mask plus a birth date left one or two.
MASK_KEEP = 2


def mask(number: str) -> str:
    """Display form: only the last two characters kept, ``****************3X``."""
    text = str(number).strip().upper()
    if len(text) < 2 * MASK_KEEP + 2:
        return "*" * len(text)
    return "*" * (len(text) - MASK_KEEP) + text[-MASK_KEEP:]


#: A digit run long enough to hold an identity number (17 digits, then a digit or X).
EMBEDDED_PATTERN = r"[0-9]{17}[0-9Xx]"
_RUN = re.compile(r"[0-9]{17,}[0-9Xx]?")


def find_numbers(text: str) -> list[str]:
    """Every GB 11643-valid number inside ``text`` (overlapping windows of digit runs), as
    written; used to refuse raw numbers hidden in ids or free text."""
    found = []
    for run in _RUN.finditer(text):
        digits = run.group()
        for start in range(len(digits) - 17):
            window = digits[start : start + 18]
            if is_valid(window):
                found.append(window)
    return found


def mask_name(name: str) -> str:
    """Display form of a name: surname kept, ``张*`` / ``欧阳**``."""
    text = str(name).strip()
    if not text:
        return ""
    keep = 2 if len(text) >= 4 else 1
    return text[:keep] + "*" * (len(text) - keep)
