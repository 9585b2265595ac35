"""The interface catalogs: extract the templates' strings, update each language's .po, check them.

    python -m generator.catalog extract        # templates → generator/locale/messages.pot
    python -m generator.catalog update         # extract, then merge the .pot into every .po
    python -m generator.catalog init it        # start a new language (then translate its .po)
    python -m generator.catalog check          # exit 1 when a string is missing or a catalog does not compile
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .config import DEFAULT_TEMPLATES
from .i18n import DOMAIN, LOCALE_DIR, SOURCE_LOCALE, catalog_languages, catalog_path, locale_code

TEMPLATE_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
PACKAGE_DIR = Path(__file__).resolve().parent
# the same whitespace rules as the rendering environment, so {% trans %} blocks give the same msgids
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                 "newstyle_gettext": "true", "silent": "false"}
# a constant, so that extracting unchanged templates changes no byte of the .pot
CREATION_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
HEADER = "Interface strings of pretalx-static."


def extract(templates: Path = DEFAULT_TEMPLATES) -> Catalog:
    """Every translatable string of the templates (and of `_()` calls in the generator's code)."""
    catalog = Catalog(project="pretalx-static", header_comment=f"# {HEADER}", creation_date=CREATION_DATE,
                      revision_date=CREATION_DATE, fuzzy=False)
    sources = [(templates, [("**.html", "jinja2.ext:babel_extract")], {"**.html": JINJA_OPTIONS}),
               (PACKAGE_DIR, [("**.py", "python")], {})]
    for root, method_map, options in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
                root, method_map, options, comment_tags=("Translators:",), strip_comment_tags=True):
            location = (f"{root.name}/{filename}", lineno)
            catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def write_catalog(catalog: Catalog, path: Path) -> bool:
    """Write a .pot/.po with sorted entries and no line numbers (stable diffs); True when its bytes changed."""
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, ignore_obsolete=True, include_lineno=False)
    if path.is_file() and path.read_bytes() == out.getvalue():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())
    return True


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """A .po or .pot file as a Babel catalog."""
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=language, domain=DOMAIN)


def update(template: Catalog) -> list[Path]:
    """Merge the extracted strings into every language's .po (new ones untranslated, gone ones dropped)."""
    changed = [TEMPLATE_PATH] if write_catalog(template, TEMPLATE_PATH) else []
    for language in catalog_languages():
        path = catalog_path(language)
        catalog = read_catalog(path, language)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        if write_catalog(catalog, path):
            changed.append(path)
    return changed


def init(language: str, template: Catalog) -> Path:
    """Start the catalog of a new language from the extracted strings."""
    path = catalog_path(language)
    if path.exists():
        raise SystemExit(f"{path} exists already; use `update`")
    catalog = Catalog(locale=language, domain=DOMAIN, project="pretalx-static", header_comment=f"# {HEADER}",
                      creation_date=CREATION_DATE, revision_date=CREATION_DATE, fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    write_catalog(catalog, path)
    return path


@dataclass(frozen=True)
class Finding:
    """One problem or remark about a catalog."""

    path: Path
    message: str
    fatal: bool


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    """(context, singular msgid) of every entry but the header."""
    return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def check(template: Catalog) -> Iterator[Finding]:
    """Strings of the templates missing from a catalog, catalogs that do not compile, and untranslated counts."""
    wanted = _ids(template)
    files = [(TEMPLATE_PATH, None)] + [(catalog_path(lang), lang) for lang in catalog_languages()]
    if not TEMPLATE_PATH.is_file():
        yield Finding(TEMPLATE_PATH, "missing; run `python -m generator.catalog update`", True)
        files = files[1:]
    for path, language in files:
        catalog = read_catalog(path, language)
        missing = sorted(wanted - _ids(catalog), key=lambda item: item[1])
        if missing:
            shown = ", ".join(repr(msgid) for _context, msgid in missing[:10])
            yield Finding(path, f"{len(missing)} string(s) of the templates missing: {shown}; "
                                "run `python -m generator.catalog update`", True)
        if language is None:
            continue
        for message, errors in catalog.check():
            for error in errors:
                yield Finding(path, f"{message.id!r}: {error}", True)
        try:
            write_mo(io.BytesIO(), catalog)
        except Exception as error:  # noqa: BLE001 - any compile failure is a finding, with its reason
            yield Finding(path, f"does not compile: {error}", True)
        untranslated = [m for m in catalog if m.id and (m.fuzzy or not _translated(m.string))]
        if untranslated and language != SOURCE_LOCALE:
            yield Finding(path, f"{len(untranslated)} string(s) untranslated (shown in English)", False)


def _translated(string: str | Sequence[str]) -> bool:
    return bool(string) if isinstance(string, str) else all(string)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one catalog command; the exit code is 1 when `check` found a problem."""
    parser = argparse.ArgumentParser(prog="python -m generator.catalog", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write generator/locale/messages.pot from the templates")
    commands.add_parser("update", help="extract, then merge into every language's .po")
    commands.add_parser("check", help="fail when a template string is missing or a catalog does not compile")
    start = commands.add_parser("init", help="start the catalog of a new language")
    start.add_argument("language", help="a language code such as it or pt_BR")
    args = parser.parse_args(argv)

    template = extract()
    if args.command == "extract":
        print(f"{TEMPLATE_PATH}: {len(template)} strings" + ("" if write_catalog(template, TEMPLATE_PATH)
                                                               else " (unchanged)"))
    elif args.command == "update":
        for path in update(template):
            print(f"updated {path}")
    elif args.command == "init":
        language = locale_code(args.language)
        if language is None:
            parser.error(f"invalid language code {args.language!r}")
        write_catalog(template, TEMPLATE_PATH)
        print(f"created {init(language.replace('-', '_'), template)}; translate it, then run `check`")
    else:
        findings = list(check(template))
        for finding in findings:
            print(f"{'error' if finding.fatal else 'note'}: {finding.path.relative_to(LOCALE_DIR.parent.parent)}: "
                  f"{finding.message}", file=sys.stderr if finding.fatal else sys.stdout)
        if any(f.fatal for f in findings):
            return 1
        print(f"ok: {len(template)} strings in {len(catalog_languages())} language(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
