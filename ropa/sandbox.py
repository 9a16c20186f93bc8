"""User templates (`ropa render --templates FOLDER`): confined to their folder, and budgeted.

A template folder may come from a pull request and is rendered in CI, so it is untrusted.
Jinja2's sandbox already blocks attribute tricks and caps `range()` at 100,000 items; it
neither confines files nor bounds work (docs: "not a complete solution"). This module adds:

- `ConfinedLoader`: a template is read only from inside its folder. A symbolic link is
  followed only where it resolves inside the folder; one that leads out, a file that is not
  a regular file (a FIFO would block), one over `ropa.limits.TEMPLATE_BYTES` or not UTF-8 is refused
  with `TemplateRefused`, naming the template.
- `Budget`: rendering a page stops after `seconds` of wall time (`TemplateTimeout`) and once
  its output passes `chars` characters; operations that would build a huge value in one step
  (`'x' * 3000000000`, `2 ** 10**9`, `'%999999999s' % x`, `value|center(10**9)`,
  `'{:>999999999}'.format(x)`) are refused before they run, since a time limit cannot stop a
  single C-level operation.

Errors are `jinja2.TemplateError`s (`TemplateTimeout` is a BaseException, so that no
`except Exception` in a template's call path can swallow it); `ropa.render` turns each into
one line naming the template (exit 2).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, TemplateError, TemplateNotFound, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ropa.limits import TEMPLATE_BYTES

# The widths and precisions of printf-style (`%10.2f`) and str.format (`{:>10}`) fields.
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*([0-9]*)(?:\.([0-9]+))?")
_BRACE_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_NUMBER = re.compile(r"[0-9]+")
# BudgetedSandbox.is_safe_attribute's verdicts: (type, attribute name) -> safe.
_SAFE_ATTRIBUTES: dict[tuple[type, str], bool] = {}


class TemplateRefused(TemplateError):
    """A template file that is not read: outside its folder, not a regular file, too big."""


class TemplateBudgetExceeded(SecurityError):
    """A step of a template that would build a value beyond the output budget."""


class TemplateTimeout(BaseException):
    """A page of user templates ran past its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s")
        self.seconds = seconds


class ConfinedLoader(BaseLoader):
    """Templates from `folder` only, symbolic links included only where they stay inside."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.root = Path(os.path.realpath(folder))

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..'
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        real = Path(os.path.realpath(path))
        if real != self.root and self.root not in real.parents:
            raise TemplateRefused(
                f"{template} is a symbolic link to {real}, outside the template folder"
                f" {self.folder}"
            )
        try:
            stat = real.stat()
        except OSError as exc:
            raise TemplateRefused(f"{template}: {exc.strerror}") from None
        if not real.is_file():
            raise TemplateRefused(f"{template} is not a regular file")
        most = TEMPLATE_BYTES.value()
        if stat.st_size > most:
            raise TemplateRefused(f"{template}: " + TEMPLATE_BYTES.over(stat.st_size, most))
        try:
            raw = real.read_bytes()
            source = raw.decode("utf-8")
        except OSError as exc:
            raise TemplateRefused(f"{template}: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise TemplateRefused(
                f"{template} is not UTF-8 (byte 0x{raw[exc.start]:02X} at offset {exc.start})"
            ) from None
        mtime = stat.st_mtime

        def uptodate() -> bool:
            try:
                return real.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(real), uptodate


class _CheckedConcat(CodeGenerator):
    """Compiles `a ~ b` so that the environment sees the parts before they are joined."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.checked_parts((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, which every page is rendered in (the shipped templates
    too), with its attribute verdicts remembered."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja2's verdict, remembered per (type, attribute): both of its checks
        (`is_internal_attribute`, `modifies_known_mutable`) look only at the object's type and
        the attribute's name, and a page asks the same few hundred thousands of times."""
        key = (type(obj), attr)
        safe = _SAFE_ATTRIBUTES.get(key)
        if safe is None:
            safe = super().is_safe_attribute(obj, attr, value)
            if len(_SAFE_ATTRIBUTES) < 10_000:  # `|attr(name)` can ask for endless names
                _SAFE_ATTRIBUTES[key] = safe
        return safe


class BudgetedSandbox(Sandbox):
    """The immutable sandbox, refusing single steps that would build a value bigger than
    `max_chars` characters (set by the caller)."""

    code_generator_class = _CheckedConcat
    intercepted_binops = frozenset({"*", "**", "%", "+"})
    max_chars = 20_000_000
    time_limit: float | None = None  # seconds a page may take (see `render_within`)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if isinstance(sized, (str, list, tuple)) and isinstance(count, int):
                    self._bound(len(sized) * count, f"repeating a value {count:,} times makes")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right > 0:
                self._bound(right * math.log10(abs(left)), "a power of that size has")
        elif operator == "%" and isinstance(left, str):
            self._check_format(left)
        elif operator == "+" and isinstance(left, (str, list, tuple)):
            self._bound(len(left) + _size(right), "joining these values makes")
        return super().call_binop(context, operator, left, right)

    def checked_parts(self, parts: tuple[Any, ...]) -> tuple[Any, ...]:
        """The parts of `a ~ b ~ ...`, once their joined size is known to fit the budget."""
        self._bound(sum(_size(part) for part in parts), "joining these values makes")
        return parts

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self._check_arguments(args, kwargs)
        if getattr(__obj, "__name__", "") in ("format", "format_map"):
            owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
            if isinstance(owner, str):
                __self._check_format(owner)
        return super().call(__context, __obj, *args, **kwargs)

    def bounded(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` (a filter or test) with its arguments checked first."""

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            self._check_arguments(args, kwargs)
            if function.__name__.endswith("format") and args and isinstance(args[0], str):
                self._check_format(args[0])
            return function(*args, **kwargs)

        return checked

    def _check_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool):
                self._bound(abs(value), f"an argument of {value:,} asks for")

    def _check_format(self, template: str) -> None:
        numbers = [int(n) for field in _PERCENT_FIELD.finditer(template) for n in field.groups()
                   if n]  # fmt: skip
        numbers += [int(n) for spec in _BRACE_SPEC.findall(template) for n in _NUMBER.findall(spec)]
        if numbers:
            self._bound(max(numbers), "a format field asks for")

    def _bound(self, size: float, what: str) -> None:
        if size > self.max_chars:
            raise TemplateBudgetExceeded(
                f"{what} {size:,.0f} characters, over the output budget of {self.max_chars:,}"
            )


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def budget_filters(env: BudgetedSandbox) -> None:
    """Check the arguments of every filter and test of `env` (Jinja calls them directly,
    not through `call`)."""
    for table in (env.filters, env.tests):
        for name, function in list(table.items()):
            table[name] = env.bounded(function)


def render_within(
    template: Any, context: dict[str, Any], seconds: float | None, max_chars: int
) -> str:
    """Render `template` with `context`, stopping after `seconds` (None: no time limit) or
    once the output passes `max_chars` characters.

    Raises TemplateTimeout, or TemplateBudgetExceeded naming the output size.
    """
    parts: list[str] = []
    size = 0
    with deadline(seconds):
        for part in template.generate(**context):
            size += len(part)
            if size > max_chars:
                raise TemplateBudgetExceeded(
                    f"the page is larger than the output budget of {max_chars:,} characters"
                )
            parts.append(part)
    return "".join(parts)


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise TemplateTimeout in the main thread once `seconds` have passed inside the block.

    Uses SIGALRM where there is one (POSIX) and a timer thread that interrupts the main
    thread elsewhere; in a thread other than the main one there is no time limit (a
    Python thread cannot be interrupted).
    """
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    state = {"active": True, "fired": False}
    if hasattr(signal, "setitimer"):

        def expire(signum: int, frame: Any) -> None:
            if state["active"]:
                raise TemplateTimeout(seconds)

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            state["active"] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        return
    import _thread  # pragma: no cover - Windows

    def interrupt() -> None:  # pragma: no cover
        if state["active"]:
            state["fired"] = True
            _thread.interrupt_main()

    timer = threading.Timer(seconds, interrupt)  # pragma: no cover
    timer.start()  # pragma: no cover
    try:  # pragma: no cover
        yield
    except KeyboardInterrupt:  # pragma: no cover
        if state["fired"]:
            raise TemplateTimeout(seconds) from None
        raise
    finally:  # pragma: no cover
        state["active"] = False
        timer.cancel()
