"""Every number of the prose with the sentence it sits in, as plain text, for an edition's record.

The What changed page shows a moved number in its sentence, so the record keeps the sentence
with the stored value put in. The Markdown is cut into blocks and sentences here by rule (a
capital or a role after `.`, `!` or `?`, not after an abbreviation or initials): the text is the
book's own English with MyST roles held aside while it is cut.
"""
from __future__ import annotations

import re

from belarus_trade.build import BuildError

# Sentences of the prose: a role's place is held by private-use characters while the text is cut.
ROLE = re.compile(r"\{(?P<role>[A-Za-z][\w:-]*)\}`(?P<body>[^`]*)`")
CITATION = re.compile(r"\s*\{cite(?::[\w-]+)?\}`[^`]*`")
OPEN, CLOSE = "\ue000", "\ue001"
PLACE = re.compile(f"{OPEN}(\\d+){CLOSE}")
SENTENCE_END = re.compile(r"[.!?][\"”’)*]*\s+")
SENTENCE_START = re.compile(f"[\"“(\\[*]*(?:[A-Z]|{OPEN})")
ABBREVIATIONS = {"e.g", "i.e", "cf", "vs", "etc", "no", "fig", "figs", "p", "pp", "approx", "rep", "st", "al", "incl"}
INITIALS = re.compile(r"(?:[A-Z]\.)+")
BLOCK_START = re.compile(r"\s*(?:#{1,6}|[-*+]|\d{1,2}[.)])\s+")  # a heading or list item (not "2023. " at a line's start)
NOT_PROSE = re.compile(r"\s*(?::{3,}|:[\w-]+:)")  # directive fences and their options
CODE_FENCE = re.compile(r"\s*`{3,}")
MARKUP = [
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]
ROLE_LABEL = re.compile(r"(.*?)\s*<[^<>]*>", re.S)  # {ref}`Figure A <fig-a>` reads "Figure A"


def numbers_in_markdown(markdown: str, shown: dict[str, str], chapter: str = "") -> list[tuple[str, str]]:
    """(expression, sentence) for each `{eval}` of a Markdown text, once per sentence; the sentence
    as plain text, with the `shown` value of each of its expressions put in."""
    found = []
    for block in _blocks(markdown):
        roles: list[tuple[str, str]] = []

        def hold(match, roles=roles):
            roles.append((match["role"], match["body"]))
            return f"{OPEN}{len(roles) - 1}{CLOSE}"

        held = ROLE.sub(hold, CITATION.sub("", block))
        for sentence in _sentences(held):
            expressions = [roles[int(n)][1] for n in PLACE.findall(sentence) if roles[int(n)][0] == "eval"]
            missing = next((e for e in expressions if e not in shown), None)
            if missing is not None:
                raise BuildError(f"chapter {chapter}: no stored value for {{eval}}`{missing}`; run `make book` first")
            text = _plain(sentence, roles, shown)
            found += [(expression, text) for expression in dict.fromkeys(expressions)]
    return found


def _blocks(markdown: str) -> list[str]:
    """Paragraphs, list items and headings, each as one line; directive fences, options and code left out."""
    blocks, current, in_code = [], [], False
    for line in markdown.splitlines():
        fence = CODE_FENCE.match(line)
        in_code = in_code != bool(fence)
        boundary = fence or in_code or not line.strip() or NOT_PROSE.match(line)
        item = BLOCK_START.match(line)
        if boundary or item:
            if current:
                blocks.append(" ".join(current))
            current = []
        if not boundary:
            current.append(line[item.end() if item else 0:].strip())
    if current:
        blocks.append(" ".join(current))
    return blocks


def _sentences(text: str) -> list[str]:
    """Cut after `.`, `!` or `?` when a capital or a role follows, but not after an abbreviation,
    initials (U.S.) or a number alone (the "1." of a numbered bold lead)."""
    found, start = [], 0
    for end in SENTENCE_END.finditer(text):
        if not SENTENCE_START.match(text, end.end()):
            continue
        head = text[start:end.start() + 1]
        word = head.split()[-1].lstrip("(\"“*[").rstrip(".!?")
        if word.lower() in ABBREVIATIONS or INITIALS.fullmatch(word + ".") or not re.search(r"[^\W\d_]", head):
            continue
        found.append(text[start:end.end()].strip())
        start = end.end()
    found.append(text[start:].strip())
    return [sentence for sentence in found if sentence]


def _plain(sentence: str, roles: list[tuple[str, str]], shown: dict[str, str]) -> str:
    for pattern, replacement in MARKUP:
        sentence = pattern.sub(replacement, sentence)

    def put(match):
        role, body = roles[int(match[1])]
        if role == "eval":
            return shown[body]
        label = ROLE_LABEL.fullmatch(body)
        return label[1] if label else body

    return " ".join(PLACE.sub(put, sentence).split())
