"""Users' passwords and sign-in: scrypt hashes, and a brake on guessing.

A password is kept only as ``scrypt$N$r$p$SALT$HASH`` (base64), made by the standard
library's :func:`hashlib.scrypt` (RFC 7914) with a 16-byte random salt; N = 2**15, r = 8,
p = 1 costs 32 MiB and some 50-100 ms a try, inside OWASP's password-storage guidance for
scrypt.  A sign-in answers the same one line for an unknown organisation, an unknown user
and a wrong password, and spends the same work on each (an unknown name is checked
against a dummy hash), so the answer tells nothing about who exists.  After
:data:`MAX_FAILURES` failed sign-ins of one organisation and user name within
:data:`WINDOW_S` seconds, further tries are refused (429) until the window has passed:
kept in the server's memory, so a restart forgets it (a guesser gains a handful of tries
per restart, not a fast loop).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

from airwork.service.errors import TooMany

__all__ = ["MAX_FAILURES", "WINDOW_S", "Brake", "hash_password", "verify_password"]

_N, _R, _P = 2**15, 8, 1
_MAXMEM = 64 * 2**20
MAX_FAILURES = 5
WINDOW_S = 900.0


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """The stored form of ``password``: ``scrypt$N$r$p$SALT$HASH``."""
    salt = secrets.token_bytes(16)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(_scrypt(password, salt, _N, _R, _P))}"


_DUMMY = hash_password(secrets.token_urlsafe(16))


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches ``stored`` (``None``: no password set; a dummy hash is
    checked all the same, so the time taken does not say which)."""
    try:
        scheme, n, r, p, salt, want = (stored or _DUMMY).split("$")
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return (
        scheme == "scrypt"
        and stored is not None
        and hmac.compare_digest(got, base64.b64decode(want))
    )


class Brake:
    """Failed sign-ins per key within a sliding window, thread-safe."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S):
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def check(self, key: str) -> None:
        """Raise 429 while ``key`` has too many recent failures."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(key, now)
            if len(times) >= self.max_failures:
                wait = int(times[0] + self.window_s - now) + 1
                raise TooMany(f"too many failed sign-ins; try again in {wait} s")

    def failed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # never grow without bound
                self._failures = {k: v for k, v in self._failures.items() if v}

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
