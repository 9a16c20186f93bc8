"""Rendering a validated record into the public pages: the privacy policy, the processor
list and the transfer-safeguard table, per language, as HTML, Markdown, CSV and JSON."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ropa import countries, i18n, parallel
from ropa.errors import UsageError
from ropa.limits import PAGE_CHARS
from ropa.record import Record
from ropa.resources import shipped
from ropa.writer import Output

PAGES = ("privacy", "processors", "transfers")
FORMATS = ("html", "md")
# Seconds one page may take to render with a user's templates (`--template-time-limit`).
TEMPLATE_SECONDS = 20.0

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")
_LINE_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029]+")


# A text with none of these, and no list or heading marker first, escapes to itself: most
# values are plain words, and four passes over each cost a fifth of a large render.
_MD_ANY = re.compile(r"[\\`*_\[\]<>|&~\r\n\u0085\u2028\u2029]")
_MD_START = re.compile(r"\s*(?:[#+\-=]|\d+[.)])")


def md_escape(value: object) -> str:
    """Escape text for Markdown: no markup, links, HTML or table cells can come from data."""
    text = str(value)
    if _MD_ANY.search(text) is None and _MD_START.match(text) is None:
        return text
    text = _LINE_BREAKS.sub(" ", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(r"\1\\\2", text)
    return _MD_ORDERED.sub(r"\1\\\2", text)


def _block(line: str) -> str:
    if not line.strip():
        return "blank"
    if line.startswith("#"):
        return "heading"
    if line.startswith("- "):
        return "list"
    if line.startswith("|"):
        return "table"
    return "text"


def tidy_markdown(text: str) -> str:
    """One blank line between blocks (headings, lists, tables, paragraphs), none doubled.

    Templates stay readable without counting newlines around every tag; the rules are the
    ones CommonMark needs for a heading, list or table to start.
    """
    out: list[str] = []
    previous = "blank"
    for line in text.split("\n"):
        kind = _block(line)
        if kind == "blank":
            if previous != "blank":
                out.append("")
            previous = "blank"
            continue
        if previous != "blank" and (kind != previous or kind == "heading"):
            out.append("")
        out.append(line.rstrip())
        previous = kind
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def safe_url(value: object) -> str:
    """Only https: and mailto: links reach a page; anything else becomes an inert '#'."""
    text = str(value).strip()
    lowered = text.lower()
    if lowered.startswith("https://") or lowered.startswith("mailto:"):
        return text
    return "#"


def md_target(value: object) -> Any:
    """A link target for Markdown: in angle brackets, so spaces or parentheses in a URL cannot
    end the link early; the brackets themselves are percent-encoded."""
    from markupsafe import Markup

    text = str(value).replace("<", "%3C").replace(">", "%3E").replace("\n", "")
    # Safe: the target cannot close the brackets, and Markdown gives it no other meaning.
    return Markup(f"<{text}>")  # noqa: S704


def csv_cell(value: object) -> str:
    """A spreadsheet must never read a cell as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _refuse_none(value: object) -> object:
    if value is None:
        raise ValueError("a template printed a missing value (None)")
    return value


def _environment(
    markdown: bool, templates: Path | None, seconds: float | None = TEMPLATE_SECONDS
) -> Any:
    """The Jinja environment for Markdown or HTML pages. With a user's template folder it is
    confined to that folder and budgeted in time and output (`ropa.sandbox`)."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    from ropa import sandbox

    loaders: list[Any] = [FileSystemLoader(str(shipped("templates")))]
    kind: type[Any] = sandbox.Sandbox
    if templates is not None:
        loaders.insert(0, sandbox.ConfinedLoader(templates))
        kind = sandbox.BudgetedSandbox

    def finalize(value: object) -> object:
        value = _refuse_none(value)
        if markdown and not isinstance(value, Markup):
            return md_escape(value)
        return value

    # A user's template folder is untrusted: the sandbox blocks attribute tricks, and the
    # immutable variant stops templates from changing the data they are given.
    env = kind(
        loader=ChoiceLoader(loaders),
        autoescape=not markdown,
        undefined=StrictUndefined,
        finalize=finalize,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["url"] = safe_url
    env.filters["md_target"] = md_target
    env.filters["md"] = md_escape
    env.filters["ucfirst"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    if isinstance(env, sandbox.BudgetedSandbox):
        env.max_chars = PAGE_CHARS.value()
        env.time_limit = seconds
        sandbox.budget_filters(env)
    return env


def render_page(
    template: str,
    lang: str,
    context: dict[str, Any],
    fmt: str,
    templates: Path | None = None,
    catalogs: Path | None = None,
    seconds: float | None = TEMPLATE_SECONDS,
) -> str:
    """Render one extra page (e.g. the change log) with the same environment and checks."""
    from jinja2 import TemplateError

    env = _environment(fmt == "md", templates, seconds)
    try:
        text = _render(env, template, lang, context, catalogs)
    except TemplateError as exc:
        raise UsageError(f"template {_where(template, exc)}: {exc}") from None
    return tidy_markdown(text) if fmt == "md" else text


def _render(
    env: Any, template: str, lang: str, context: dict[str, Any], catalogs: Path | None = None
) -> str:
    from ropa import sandbox

    catalog = i18n.translations(lang, catalogs=catalogs)
    env.install_gettext_translations(catalog, newstyle=True)
    if isinstance(env, sandbox.BudgetedSandbox):
        try:
            return sandbox.render_within(
                env.get_template(template), context, env.time_limit, env.max_chars
            )
        except sandbox.TemplateTimeout as exc:
            raise UsageError(
                f"template {template}: {exc}, the time limit for a page of user templates"
                " (--template-time-limit)"
            ) from None
    limit = PAGE_CHARS.value()
    text = _joined(env.get_template(template).generate(**context), limit)
    if len(text) > limit:
        raise UsageError(f"{template}: " + PAGE_CHARS.over(len(text), limit))
    return text


JOIN_EVERY = 4096  # a template's pieces of output joined into one string this many at a time


def _joined(pieces: Iterator[str], limit: int) -> str:
    """A template's output from its pieces, joined a few thousand at a time: a page is made
    of hundreds of thousands of small strings, which held all at once (as Jinja's `render`
    joins them) take several times the page's memory. Stops once past `limit` characters."""
    chunks: list[str] = []
    pending: list[str] = []
    size = 0
    for piece in pieces:
        pending.append(piece)
        if len(pending) >= JOIN_EVERY:
            chunks.append("".join(pending))
            pending.clear()
            size += len(chunks[-1])
            if size > limit:
                break
    chunks.append("".join(pending))
    return "".join(chunks)


def text_size(record: Record, lang: str) -> int:
    """Characters of published text the record holds in `lang`: every string value, of a
    text given per language only the `lang` one, internal notes left out. The privacy notice
    publishes nearly all of it, and its markup adds more, so a record whose text alone passes
    the page limit is refused before any page is rendered."""
    languages = set(record.languages)
    total = 0
    stack: list[Any] = [document.data for document in record.documents]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            total += len(value)
        elif isinstance(value, dict):
            if value and languages.issuperset(value):
                text = value.get(lang)
                total += len(text) if isinstance(text, str) else 0
            else:
                stack.extend(v for k, v in value.items() if k != "internal_note")
        elif isinstance(value, list):
            stack.extend(value)
    return total


def check_page_size(record: Record, languages: Iterable[str]) -> list[int]:
    """The record's text size in each language (`text_size`). Refuses (UsageError, exit 2)
    before rendering when one passes the page limit (`ropa.limits.PAGE_CHARS`): the privacy
    notice would."""
    limit = PAGE_CHARS.value()
    sizes = []
    for lang in languages:
        size = text_size(record, lang)
        sizes.append(size)
        if size > limit:
            raise UsageError(
                f"the record holds {size:,} characters of text in {lang}: its privacy notice"
                f" would pass the page limit of {limit:,} characters (set {PAGE_CHARS.variable}"
                " to raise it); nothing was rendered"
            )
    return sizes


def render(
    record: Record,
    languages: Iterable[str] | None = None,
    formats: Iterable[str] = FORMATS,
    templates: Path | None = None,
    changelog: bool = False,
    last_updated: str | None = None,
    explain: bool = False,
    seconds: float | None = TEMPLATE_SECONDS,
) -> list[Output]:
    """Render every page for every language and format; nothing is written here.

    With `explain`, each page is the audit view instead (`privacy.sv.explain.html`...): every
    statement followed by the file, line and field it was made from.
    """
    from jinja2 import TemplateError

    from ropa import notice

    published = record.languages
    chosen = list(languages) if languages else published
    for lang in chosen:
        if lang not in published:
            raise UsageError(
                f"the record is not published in {lang!r}; controller.languages lists"
                f" {', '.join(published)}"
            )
    sizes = check_page_size(record, chosen)
    data = countries.load()
    envs = {fmt: _environment(fmt == "md", templates, seconds) for fmt in formats}
    catalogs = record.catalogs

    def language(lang: str) -> list[Output]:
        outputs: list[Output] = []
        built = notice.pages(record, data, lang, catalogs, changelog, last_updated, explain)
        fmt_ = i18n.Formatter(lang)
        context: dict[str, Any] = {
            "languages": [{"code": code, "name": fmt_.language(code)} for code in published],
            "explain": _explainer(lang, catalogs) if explain else None,
            # The audit view links to the audit view of the other languages.
            "variant": "explain." if explain else "",
        }
        # Page by page, each page's model let go once its formats are rendered (the privacy
        # policy's is most of the model); the outputs in the order of formats, then pages.
        rendered: dict[tuple[str, str], Output] = {}
        for page in PAGES:
            model = built.pop(page)
            for fmt, env in envs.items():
                suffix = "explain." if explain else ""
                name = f"{page}.{lang}.{suffix}{fmt}"
                try:
                    text = _render(
                        env, f"{page}.{fmt}.j2", lang,
                        {**context, "page": model, "self_name": name},
                        catalogs,
                    )  # fmt: skip
                except UsageError:
                    raise
                except TemplateError as exc:
                    raise UsageError(f"template {_where(f'{page}.{fmt}.j2', exc)}: {exc}") from None
                except Exception as exc:  # a user template may fail in any way: no traceback
                    raise UsageError(
                        f"template {_where(f'{page}.{fmt}.j2', exc)}: {type(exc).__name__}: {exc}"
                    ) from None
                if fmt == "md":
                    text = tidy_markdown(text)
                rendered[fmt, page] = Output(name, text.encode("utf-8"))
                del text  # not held while the next page is rendered
            del model
        outputs.extend(rendered[fmt, page] for fmt in envs for page in PAGES)
        if not explain:
            from ropa import processor_list

            listing = processor_list.rows(record, data, lang, catalogs)
            outputs.append(
                Output(f"processors.{lang}.csv", processor_list.to_csv(listing, lang, catalogs))
            )
            outputs.append(Output(f"processors.{lang}.json", processor_list.to_json(listing)))
        return outputs

    # Languages are rendered side by side on a large record (`ropa.parallel`); the pages
    # are the same, in the same order. User templates stay in one process, under their
    # time limit.
    count = parallel.jobs(sum(sizes), len(chosen)) if templates is None else 1
    if count > 1:
        # A process a language, up to one more than the processors: three languages on two
        # processors end sooner as three equal shares than as shares of two and one.
        count = min(len(chosen), count + 1)
    tasks = [functools.partial(language, lang) for lang in chosen]
    return [output for found in parallel.run(tasks, sizes, count) for output in found]


def _where(template: str, exc: BaseException) -> str:
    """The template an error arose in, for its message, with the line where Jinja tells it
    (a syntax error's line, or the template frames it puts in a rendering error's traceback):
    "privacy.html.j2:12", or "privacy.html.j2 (_notice.html.j2:40)" for a template it
    imports; the name alone when no line is known."""
    lineno = getattr(exc, "lineno", None)
    name = getattr(exc, "name", None) or getattr(exc, "filename", None)
    if lineno is None:
        frame = exc.__traceback__
        while frame is not None:
            filename = frame.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, lineno = filename, frame.tb_lineno
            frame = frame.tb_next
    if not isinstance(lineno, int):
        return template
    where = Path(name).name if isinstance(name, str) else template
    return f"{template}:{lineno}" if where == template else f"{template} ({where}:{lineno})"


def _explainer(lang: str, catalogs: Path | None) -> Any:
    """The function templates call in the audit view: a statement's sources as text."""
    from ropa.notice.model import Statement, origin

    _ = i18n.translations(lang, catalogs=catalogs).gettext

    def explain(statement: Statement) -> list[str]:
        if statement.frame:
            return [_("general text, not from the record")]
        return [str(origin(place)) for place in statement.sources] or [_("no source")]

    return explain


def check_out_dir(out_dir: Path, record_path: Path) -> None:
    """Refuse an output folder that is, or lies inside, the record's own folder (for a
    one-file record: the file itself, or its catalog folder beside it)."""
    from ropa.validate import catalog_folder

    out = out_dir.resolve()
    source = record_path.resolve()
    if source.is_dir():
        inside = out == source or source in out.parents
    else:
        catalogs = catalog_folder(record_path).resolve()
        inside = out in (source, catalogs) or catalogs in out.parents
    if inside or out in (Path("/"), Path.home()):
        raise UsageError(f"--out {out_dir}: choose a folder outside the record ({record_path})")
