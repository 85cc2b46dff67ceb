"""Errors that speak Python: keyword names instead of command-line options.

The analyses are shared with the command line, so their messages name options
(``--delta: expected ...``). :func:`pythonic` wraps an API function: it re-raises the same
exception class with each option replaced by the function's keyword (``delta``), adds the
close names to an "expected one of" list (and to a misspelt keyword argument), and drops
the library's frames, so the traceback ends at the user's call (IPython also hides frames
marked ``__tracebackhide__``).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sim.api.record import close_names
from sim.errors import ScenarioError, ScenarioErrors, TradesimError

F = TypeVar("F", bound=Callable[..., Any])

OPTION = re.compile(r"--([a-z][a-z0-9-]*)")
CHOICES = re.compile(r"'(?P<got>[^']+)'[^']*?expected one of:? (?P<known>[^;()]+)")


def speak_python(message: str, options: Mapping[str, str]) -> str:
    """``message`` with ``--option`` replaced by ``keyword`` and close names suggested."""
    def keyword(m: re.Match[str]) -> str:
        return options.get(m.group(1), m.group(1).replace("-", "_"))

    text = OPTION.sub(keyword, message)
    hit = CHOICES.search(text)
    if hit and "did you mean" not in text:
        known = [k.strip().split(" ")[0] for k in hit.group("known").split(",")]
        text += close_names(hit.group("got"), [k for k in known if k])
    return text


def pythonic(options: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Decorate an API function so its errors speak Python (see the module docstring)."""
    def decorate(func: F) -> F:
        known = inspect.signature(func).parameters

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            for name in kwargs:
                if name not in known:
                    msg = (f"{func.__name__}() got an unexpected keyword argument {name!r}"
                           f"{close_names(name, known)}")
                    raise TypeError(msg)
            try:
                return func(*args, **kwargs)
            except (ScenarioError, ScenarioErrors) as exc:
                raise exc.with_traceback(None) from None
            except TradesimError as exc:
                new = type(exc)(speak_python(str(exc), options or {}))
                new.__dict__.update(exc.__dict__)
                raise new from None

        return call  # type: ignore[return-value]

    return decorate
