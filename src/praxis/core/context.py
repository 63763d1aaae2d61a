"""Who is acting, from where, in which request: set once per request (or per task/command) so
that services can audit without threading the request through every call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ActorContext:
    # Returns the acting User, or None for the system. A getter because the request's user is
    # only known after the auth middleware ran.
    user_getter: Callable[[], Any] = lambda: None
    ip: str | None = None
    request_id: str = ""

    @property
    def user(self) -> Any:
        user = self.user_getter()
        return user if user is not None and user.is_authenticated else None


_SYSTEM = ActorContext()  # frozen, so sharing it as the default is safe
_current: ContextVar[ActorContext] = ContextVar("praxis_actor", default=_SYSTEM)


def current() -> ActorContext:
    return _current.get()


@contextmanager
def acting(
    user: Any = None,
    *,
    user_getter: Callable[[], Any] | None = None,
    ip: str | None = None,
    request_id: str = "",
) -> Iterator[None]:
    getter = user_getter or (lambda: user)
    token = _current.set(ActorContext(user_getter=getter, ip=ip, request_id=request_id))
    try:
        yield
    finally:
        _current.reset(token)
