"""The Russian book's bibliography as a Russian journal prints it: GOST R 7.0.100–2018 (issue 20).

Two plugins, declared as entry points in `pyproject.toml` and chosen by `bibliography` only when
Sphinx renders in Russian, so the English book keeps pybtex's `plain` and sphinxcontrib-bibtex's
`author_year` untouched:

- `GostStyle` (`pybtex.style.formatting`, "gost") writes each list entry, e.g.
  «Кулагин, В. Как Белоруссия извлекает выгоду из Союзного государства / В. Кулагин. – Текст :
  электронный // Ведомости. – 25.11.2024. – URL: https://…»;
- `GostReferenceStyle` (`sphinxcontrib.bibtex.style.referencing`, "gost_author_year") writes the
  in-text label from what the entry starts with: «[Кулагин, 2024]», «[Контуры торгового
  взаимодействия…, 2025]».

The .bib entries stay the English book's; a Russian source carries its published Russian form
in fields `plain` ignores:

- `langid = {russian}`: the work is in Russian (service words «Т.», «№», «С.», «и др.»); other
  works keep their language and its words (GOST allows it): «Vol.», «No.», «P.», «et al.»;
- `NAME_ru` (title, titleaddon, author, journal, howpublished, publisher, address, url) is used
  instead of `NAME`; `author_ru = {}` says the author is not known, so the entry starts with its
  title;
- a Russian title followed by its English translation in brackets («Заглавие [Title]»), the .bib's
  convention, is printed without the translation;
- `date` (YYYY-MM-DD, the day of publication) and `urldate` (the day the URL was read, «дата
  обращения») are written DD.MM.YYYY. No access date is invented: without `urldate` an online
  source says «Текст : электронный» and gives its URL.

English notes (`note`) are the book's remarks on its sources, not part of a GOST description, and
are left out of the Russian list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pybtex.database import Person
from pybtex.richtext import HRef, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import node
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

from belarus_trade import i18n

SEP = ". – "  # GOST's separator of the description's areas: full stop, en dash
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
TRANSLATED_TITLE = re.compile(r"^(?P<title>.*[А-Яа-яЁё].*?)\s*\[[^\[\]]*\]$", re.S)  # «Заглавие [Title]»
TITLE_LABEL_WORDS = 3  # a title of more than 4 words is cited by its first 3 (or up to a word that is no preposition) and «…»

# Service words by the language of the work (GOST R 7.0.100–2018 allows the work's own).
WORDS = {
    "russian": {"volume": "Т.", "number": "№", "pages": "С.", "others": "и др."},
    "english": {"volume": "Vol.", "number": "No.", "pages": "P.", "others": "et al."},
}


def latex(value: str) -> str:
    """A .bib value as plain text: braces dropped, `--` an en dash."""
    return str(Text.from_latex(value)).strip()


def value(entry, name: str, raw: bool = False) -> str | None:
    """The entry's Russian form of field `name` if it has one (`name_ru`), else the field itself;
    `raw` (a URL) as written, not read as LaTeX (its `--` stays two hyphens)."""
    for key in (f"{name}_ru", name):
        if key in entry.fields:
            return entry.fields[key].strip() if raw else latex(entry.fields[key])
    return None


def language(entry) -> str:
    """"russian" for a work published in Russian (`langid`, or a Cyrillic title), else "english"."""
    langid = entry.fields.get("langid", "").strip().lower()
    if langid:
        return "russian" if langid in ("russian", "ru") else "english"
    return "russian" if CYRILLIC.search(value(entry, "title") or "") else "english"


def title(entry) -> str:
    """The title as published: a Russian title loses the English translation the .bib adds in brackets."""
    text = value(entry, "title") or ""
    if "title_ru" not in entry.fields and (match := TRANSLATED_TITLE.match(text)):
        return match["title"].strip()
    return text


def authors(entry) -> list[Person]:
    """The authors of the Russian description (`author_ru`, where `{}` means none is known)."""
    if "author_ru" in entry.fields:
        names = entry.fields["author_ru"].strip()
        return [Person(name.strip()) for name in re.split(r"\s+and\s+", names)] if names else []
    return list(entry.persons.get("author", []))


def is_organisation(person: Person) -> bool:
    """A collective author: written in braces as one name ({World Bank}), no given names."""
    return not (person.first_names or person.middle_names) and len(person.last_names) == 1 and person.last_names[0].startswith("{")


def _initials(person: Person) -> str:
    """«И. О.», «J.-P.»: each given name by its initial."""
    def initial(name: str) -> str:
        name = latex(name)
        return "-".join(f"{part[0]}." for part in name.split("-") if part) if not name.endswith(".") else name
    return " ".join(initial(name) for name in person.first_names + person.middle_names)


def surname(person: Person) -> str:
    return latex(" ".join(person.prelast_names + person.last_names))


def heading_name(person: Person) -> str:
    """The heading's form: «Фамилия, И. О.»."""
    initials = _initials(person)
    return f"{surname(person)}, {initials}" if initials else surname(person)


def responsibility_name(person: Person) -> str:
    """The statement of responsibility's form: «И. О. Фамилия»."""
    return " ".join(part for part in (_initials(person), surname(person)) if part)


def date(text: str | None) -> str | None:
    """YYYY-MM-DD as GOST writes a day, the Russian book's way (`i18n.date`): DD.MM.YYYY
    (anything else as given)."""
    if not text:
        return None
    with i18n.speaking("ru"):
        return i18n.date(text.strip())


def parts(entry) -> dict:
    """The elements of the description, by GOST's areas: heading, title and responsibility,
    host («//»), publication, numbering, series, URL and media type."""
    people = [person for person in authors(entry) if not is_organisation(person)]
    organisations = [latex(" ".join(person.last_names)) for person in authors(entry) if is_organisation(person)]
    words = WORDS[language(entry)]
    # 1–3 persons: the first is the heading and all are named after «/»; 4: no heading, all four;
    # 5 or more: no heading, the first three «[и др.]» (GOST R 7.0.100–2018, 5.2 and 5.4).
    heading = heading_name(people[0]) if 1 <= len(people) <= 3 else None
    named = [responsibility_name(person) for person in people[: 3 if len(people) > 4 else 4]]
    responsibility = ", ".join(named) + (f" [{words['others']}]" if len(people) > 4 else "")
    responsibility = " ; ".join(part for part in (responsibility, ", ".join(organisations)) if part)
    the_title = title(entry)
    if addon := value(entry, "titleaddon"):
        the_title = f"{the_title} : {addon}"
    url = value(entry, "url", raw=True)
    return {
        "heading": heading, "title": the_title, "responsibility": responsibility, "words": words,
        "host": value(entry, "journal") or value(entry, "howpublished"),
        "host_responsibility": value(entry, "organization"),
        "year": value(entry, "year"), "date": date(entry.fields.get("date")),
        "publisher": value(entry, "publisher"), "address": value(entry, "address"),
        "volume": value(entry, "volume"), "number": value(entry, "number"), "pages": value(entry, "pages"),
        "series": value(entry, "series"),
        "url": url, "urldate": date(entry.fields.get("urldate")),
        "electronic": bool(url) or entry.type == "online",
    }


def describe(entry) -> list[str | tuple[str, str]]:
    """The entry's GOST description as a list of text pieces; a URL is a ("url", address) pair,
    so a backend can make it a link."""
    p = parts(entry)
    words = p["words"]
    pieces: list = []
    if p["heading"]:
        pieces.append(i18n.closed(p["heading"]) + " ")
    pieces.append(p["title"] + (f" / {p['responsibility']}" if p["responsibility"] else ""))
    areas: list[list] = []  # each area a list of pieces, joined by ". – "

    numbering = [f"{words['volume']} {p['volume']}" if p["volume"] else "",
                 f"{words['number']} {p['number']}" if p["number"] and not p["series"] else ""]
    numbering = ", ".join(part for part in numbering if part)
    when = p["date"] or p["year"]

    if p["host"]:
        if p["electronic"]:
            areas.append(["Текст : электронный"])
        host = p["host"] + (f" / {p['host_responsibility']}" if p["host_responsibility"] else "")
        # «// Журнал. – 2025. – № 2. – С. 185–200»: the host opens the areas that follow it.
        areas.append([f"// {host}"])
        areas.extend([area] for area in (when, numbering, f"{words['pages']} {p['pages']}" if p["pages"] else "") if area)
    else:
        publication = ", ".join(part for part in (" : ".join(part for part in (p["address"], p["publisher"]) if part), when) if part)
        if publication:
            areas.append([publication])
        if p["series"]:
            areas.append([f"({p['series']}" + (f" ; {words['number']} {p['number']}" if p["number"] else "") + ")"])
    if p["url"]:
        areas.append(["URL: ", ("url", p["url"])] + ([f" (дата обращения: {p['urldate']})"] if p["urldate"] else []))
    if p["electronic"] and not p["host"]:
        areas.append(["Текст : электронный"])

    for area in areas:
        if area[0].startswith("// "):
            pieces.append(" ")
        else:
            last = pieces[-1] if isinstance(pieces[-1], str) else pieces[-1][1]
            pieces.append(SEP[1:] if last.endswith(i18n.SENTENCE_ENDS) else SEP)
        pieces.extend(area)
    last = pieces[-1] if isinstance(pieces[-1], str) else pieces[-1][1]
    if not last.endswith(i18n.SENTENCE_ENDS):
        pieces.append(".")
    return pieces


def plain(entry) -> str:
    """The description as plain text (what the tests and a tooltip read)."""
    return "".join(piece if isinstance(piece, str) else piece[1] for piece in describe(entry))


def sort_key(entry) -> tuple:
    """GOST lists Cyrillic descriptions first, then Latin ones, each alphabetically by their first
    element (heading or title), then by year."""
    p = parts(entry)
    first = p["heading"] or p["title"]
    return (0 if CYRILLIC.match(first) else 1, first.casefold(), p["year"] or "")


class GostStyle(BaseStyle):
    """pybtex formatting style "gost": GOST R 7.0.100–2018 descriptions, numbered, Cyrillic first."""

    default_label_style = "number"
    default_sorting_style = "none"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sort = lambda entries: sorted(entries, key=sort_key)

    def format_entry(self, label, entry, bib_data=None):
        text = Text(*(piece if isinstance(piece, str) else HRef(piece[1], piece[1]) for piece in describe(entry)))
        return FormattedEntry(entry.key, text, label)


def label(entry) -> str:
    """What an in-text reference names, the way the list entry starts: the authors' surnames (two
    named, three or more «и др.»/«et al.»), or, for a work described under its title (no author
    known, or a collective author), the title's first words with «…»."""
    people = [person for person in authors(entry) if not is_organisation(person)]
    if people:
        others = WORDS[language(entry)]["others"]
        if len(people) == 1:
            return surname(people[0])
        if len(people) == 2:
            return f"{surname(people[0])}, {surname(people[1])}"
        return f"{surname(people[0])} {others}"
    words = title(entry).split()
    if len(words) <= TITLE_LABEL_WORDS + 1:
        return " ".join(words)
    count = TITLE_LABEL_WORDS
    # Never end on a short word («of», «the», «на»): "Decision of the Board…", not "Decision of the…".
    while count < len(words) and len(words[count - 1]) <= 3 and words[count - 1].isalpha():
        count += 1
    if count >= len(words):
        return " ".join(words)
    return " ".join(words[:count]).rstrip(".,:;–-") + "…"


@node
def gost_label(children, data, **kwargs):
    """Template node: the entry's label (`label`)."""
    assert not children
    return Text(label(data["entry"]))


@dataclass
class GostPersonStyle(PersonStyle):
    """Names in a reference as the Russian list starts them (`label`), for every citation role."""

    def names(self, role: str, full: bool):
        return gost_label

    def author_or_editor_or_title(self, full: bool):
        return gost_label


@dataclass
class GostReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex referencing style "gost_author_year": «[Кулагин, 2024]»,
    «[Контуры торгового взаимодействия…, 2025]» (GOST R 7.0.5–2008's author–year form)."""

    person: PersonStyle = field(default_factory=GostPersonStyle)
    # Several works in one reference are separated by a semicolon: «[Кулагин, 2024; Гайва, 2024]».
    bracket_parenthetical: BracketStyle = field(default_factory=lambda: BracketStyle(sep="; "))
    bracket_textual: BracketStyle = field(default_factory=lambda: BracketStyle(sep="; "))


