"""The password policy: long enough, not the email, and not easy to guess (zxcvbn's estimate)."""

from __future__ import annotations

import threading

from zxcvbn import zxcvbn

from .errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 500
MIN_SCORE = 2  # zxcvbn's 0-4: 2 needs about a million guesses or more
ESTIMATED = 72  # zxcvbn refuses longer text (and slows down): the start is judged
# zxcvbn keeps the user's words in a module-level dictionary while it estimates.
LOCK = threading.Lock()


def refuse(reason: str) -> ValidationError:
    """The error for a refused password, with why."""
    return ValidationError(f"Choose another password: {reason}", "password")


def estimate(password: str, words: list[str]) -> dict:
    """zxcvbn's score and feedback, with the account's own words counted as easy guesses."""
    with LOCK:
        return zxcvbn(password[:ESTIMATED], user_inputs=words)


def check(value: object, email: str = "", name: str = "") -> str:
    """The password when the policy accepts it, else a ValidationError saying why."""
    password = value if isinstance(value, str) else ""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Choose a password of at least {MIN_LENGTH} characters.", "password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"Keep the password under {MAX_LENGTH} characters.", "password")
    if not password.strip():
        raise refuse("spaces alone are easy to guess.")
    local = email.split("@")[0].lower()
    if email and (email.lower() in password.lower() or password.strip().lower() == local):
        raise refuse("it must not be your email address or contain it.")
    found = estimate(password, [email, local, name, "argmap"])
    if found["score"] < MIN_SCORE:
        raise refuse(reason(found["feedback"]))
    return password


def reason(feedback: dict) -> str:
    """zxcvbn's feedback as one sentence or two."""
    warning = feedback.get("warning") or "it is too easy to guess."
    hints = " ".join(feedback.get("suggestions") or [])
    return f"{warning[0].lower()}{warning[1:]} {hints}".strip()
