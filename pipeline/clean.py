"""Turn the raw text of one news article into a clean body with exact sentence offsets.

Everything here works on Python ``str`` code-point offsets: ``body[start:end]`` is the sentence.
The body keeps every character of the article text (curly quotes, dashes, Arabic script); the
only changes are removed boilerplate lines/spans and normalised whitespace, so a span found in
the body is a span a person can find in the article.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

__all__ = [
    "CleanedArticle",
    "clean_article",
    "split_sentences",
    "split_sentences_with_paragraphs",
    "sentences_frame",
    "article_id_for",
    "normalise_for_hash",
    "paragraph_hash",
    "find_full_dates",
    "KNOWN_OUTLETS",
]


@dataclass(frozen=True)
class CleanedArticle:
    headline: str | None
    dateline: str | None
    source_hint: str | None
    body: str
    removed: tuple[str, ...]
    published_from_text: date | None


# --------------------------------------------------------------------------------------------
# Whitespace and line normalisation
# --------------------------------------------------------------------------------------------

# Every character str.splitlines() treats as a line break becomes "\n", so the body has exactly
# one line-break character and sentence/paragraph logic never disagrees with Python about lines.
_LINEBREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Invisible characters that carry no text (BOM, zero-width space, soft hyphen, word joiner).
# ZWNJ/ZWJ stay: they change letter shapes in Persian and Kurdish.
_INVISIBLE = re.compile(r"[\ufeff\u200b\u00ad\u2060\u180e]")
# Horizontal whitespace (NBSP, thin/em spaces, ...) and stray C0 control characters.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_HS = r" \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x00-\x08\x0e-\x1b\x1f\x7f"
# A lone ASCII space is already normal; matching only runs and odd spaces keeps this fast.
_HSPACE = re.compile(rf"[{_HS[1:]}][{_HS}]*| [{_HS}]+")

_TERMINAL = ".!?…:;\"”’»)]؟۔"


_BREAK_CHARS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_INVISIBLE_CHARS = "\ufeff\u200b\u00ad\u2060\u180e"
_CONTROL_CHAR_LIST = "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F]))
_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\x1f"


def _lines(raw: str) -> list[str]:
    # Substring tests (memchr speed) decide which rewrites a text needs at all; a regex
    # scan of every article costs more than all the cleaning rules together.
    text = raw
    if any(ch in text for ch in _BREAK_CHARS):
        text = _LINEBREAKS.sub("\n", text)
    if any(ch in text for ch in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if any(ch in text for ch in _CONTROL_CHAR_LIST):
        text = _CONTROL_CHARS.sub(" ", text)
    odd = [ch for ch in _ODD_SPACES if ch in text]
    if "  " in text:
        odd.append("  ")
    lines = text.split("\n")
    if not odd:
        return [line.strip(" ") for line in lines]
    # str.split() knows every Unicode space (NBSP, thin, ideographic, ...) and runs in C.
    return [
        " ".join(line.split()) if any(o in line for o in odd) else line.strip(" ") for line in lines
    ]


def _paragraphs(raw: str) -> list[str]:
    """Blank-line separated blocks; inside a block a single newline is a paragraph break unless
    it is a hard wrap (the line runs on without terminal punctuation)."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in _lines(raw) + [""]:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current:
            prev = current[-1]
            wrapped = prev[-1] not in _TERMINAL and (
                len(prev) >= 50 or line[0].islower() or line[0].isdigit()
            )
            if not wrapped:
                paragraphs.append(" ".join(current))
                current = []
        current.append(line)
    return paragraphs


# --------------------------------------------------------------------------------------------
# Boilerplate patterns (general shapes of site furniture, not strings from particular pages)
# --------------------------------------------------------------------------------------------

KNOWN_OUTLETS: tuple[str, ...] = (
    "Rudaw", "Rudaw English", "Kurdistan 24", "Kurdistan24", "K24", "Reuters", "AFP", "AP",
    "Associated Press", "Agence France-Presse", "Shafaq News", "Shafaq", "Al-Monitor",
    "Al Monitor", "BasNews", "Bas News", "NRT", "NRT English", "Xinhua", "Anadolu",
    "Anadolu Agency", "AA", "Iraqi News", "IraqiNews", "INA", "Al Jazeera", "Al-Jazeera",
    "Asharq Al-Awsat", "The New Arab", "Kurdistan Chronicle", "Baghdad Today", "Alsumaria",
    "Al Sumaria", "Al-Mada", "Al Mada", "Daily Sabah", "The National", "Arab News",
    "Kurdistan Region Presidency", "KRG", "Basnews", "Al Arabiya", "Al-Arabiya", "AhlulBayt News",
    "Long War Journal", "The Defense Post", "Defense Post", "Military Times", "Stars and Stripes",
    "BBC", "CNN", "The Washington Post", "The New York Times", "The Guardian", "EPA", "Getty Images",
    "Getty", "Kurdistan Times", "Draw Media", "The Baghdad Post", "Baghdad Post", "Iraq Oil Report",
    "964", "Shafaaq", "Voice of America", "VOA", "Al-Hurra", "Alhurra", "Sky News Arabia",
)
_OUTLETS_RE = "|".join(sorted((re.escape(o) for o in KNOWN_OUTLETS), key=len, reverse=True))

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FULL_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH_RE})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH_RE})\.?,?\s+(?P<y2>(?:19|20)\d\d)\b"
    r"|\b(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)\b",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_TIME = r"(?:\s*(?:at\s+|-\s*|,\s*)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|AST|[+-]\d\d:?\d\d))?)"
_DATE_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|date)(?:\s+on)?\s*:?\s*)?(?:{_WEEKDAY},?\s*)?"
    rf"(?:{_FULL_DATE.pattern}){_TIME}?\s*(?:\|.*)?$",
    re.IGNORECASE,
)

# A paragraph that is wholly one of these is site furniture.
_NAV_LINE = re.compile(
    r"^\W*(?:back to (?:all|top|home|news|list|the top)|home|menu|search|skip to (?:main )?content"
    r"|print(?: this)?(?: article| page)?|e-?mail|share|tweet|whatsapp|facebook|twitter|telegram"
    r"|next(?: article| story)?|previous(?: article| story)?|source|advertisement|sponsored"
    r"|listen(?: to this article)?|close|loading\.*|read (?:full )?(?:article|story))\W*$",
    re.IGNORECASE,
)
_LINK_LINE = re.compile(
    r"^\W*(?:read more|read also|also read|related|see also|more on this|recommended|watch|"
    r"listen|more)\b\s*(?::|»|>|-|–|—|\|)",
    re.IGNORECASE,
)
_LINK_LINE_BARE = re.compile(r"^\W*(?:read more|read also|also read|see also)\b", re.IGNORECASE)
_SOCIAL_LINE = re.compile(
    r"^\W*(?:share (?:this|on|via|the)\b|share:|follow (?:us|rudaw|@)|subscribe\b|sign up\b|"
    r"click here\b|join (?:us|our)\b|download (?:the|our) app\b|get (?:the|our) (?:app|newsletter)\b|"
    r"we use cookies\b|this (?:web)?site uses cookies\b|by (?:continuing|using)\b.*\b(?:site|website|cookies)\b|"
    r"accept (?:all )?cookies\b|cookie (?:policy|settings|preferences)\b|privacy policy\b|"
    r"terms (?:of|and) (?:use|service|conditions)\b|all rights reserved\b|copyright\b|©|"
    r"(?:tags|labels|topics|keywords)\s*:)",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^\W*(?:editing|reporting|writing|additional reporting|compiled|edited|translated|"
    r"translation|written|produced|photos?|video)\s+by\b",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"\s*\(\s*(?:editing|reporting|writing|additional reporting|compiled|translated)\s+by\b[^)]*\)\s*$",
    re.IGNORECASE,
)
# A caption: a credit at the end of a short paragraph ("... Photo: Name/Outlet"). Matched
# against the paragraph's tail only, which keeps these end-anchored searches linear.
_CAPTION_TAILS = (
    re.compile(
        r"\b(?:photos?|photograph|picture|image|graphic|file photo)\s*(?:credit)?\s*:\s*"
        r"[A-Z\u0600-\u06ff][^.!?:()]{0,70}\W*$",
        re.IGNORECASE,
    ),
    re.compile(r"\(\s*(?:photo|file photo|image|picture)\b[^)]{0,100}\)\W*$", re.IGNORECASE),
    re.compile(rf"(?:{_OUTLETS_RE})\s*/\s*[A-Z][\w .’'-]{{1,40}}\W*$"),
    re.compile(rf"/\s*(?:{_OUTLETS_RE})(?:\s+photo)?\W*$"),
)
_CAPTION_TAIL_CHARS = 160
_CAPTION_HEAD = re.compile(
    r"^\W*(?:(?:AFP|Reuters|AP|EPA|Getty|Rudaw|Kurdistan ?24|file|archive)\s+)?(?:photo|image)\b\s*[:/\-–]",
    re.IGNORECASE,
)
_CAPTION_ALONE = re.compile(
    rf"^\W*(?:file photo|(?:{_OUTLETS_RE})(?:\s+photos?)?|photo|getty images)\W*$", re.IGNORECASE
)
_CAPTION_INLINE = re.compile(r"\s*\(\s*(?:photo|file photo|image|photo credit)\s*[:/]?[^)]{0,100}\)", re.IGNORECASE)
# Headings after which a page lists other stories, comments or tags: the article has ended.
_TRAILER = re.compile(
    r"^\W*(?:popular posts(?: from this blog)?|related (?:posts|articles|stories|news|content|coverage|reading)"
    r"|you (?:may|might) (?:also )?(?:like|be interested in|have missed)|more (?:stories|news|from [\w ]{1,30}|on this (?:topic|story))"
    r"|most (?:read|popular|viewed|shared)|recommended(?: for you| stories| articles| reading)?|trending(?: now| stories)?"
    r"|(?:\d+\s+)?comments?|leave a (?:comment|reply)|post a comment|latest (?:news|stories)|top stories"
    r"|editor[’']?s picks|what to read next|read next|in other news)\W*$",
    re.IGNORECASE,
)
_SOURCE_TAIL = re.compile(r"(?<=[.!?”\"’)\]])\s+Source\s*:?\s*$")
_SOURCE_LINE = re.compile(rf"^\W*source\s*:\s*(?:{_OUTLETS_RE}|[\w .'-]{{1,40}})\W*$", re.IGNORECASE)
_BYLINE = re.compile(r"^By\s+[A-Z][\w.’'-]+(?:\s+(?:[A-Z][\w.’'-]+|al-\w+|and|&)){0,6}(?:\s*[|,–—-].{0,60})?$")
_SECTIONS = {
    "news", "kurdistan", "iraq", "world", "middle east", "security", "politics", "opinion", "analysis",
    "home", "breaking news", "latest", "features", "feature", "interview", "economy", "business",
    "region", "international", "syria", "turkey", "iran", "exclusive", "breaking", "live", "video",
    "in pictures", "kurdistan region", "kurdistan 24", "rudaw", "top news", "top stories", "local",
}
_SECTION_LABEL = re.compile(r"^In\s+[A-Z][\w’'-]*(?:\s+[A-Z0-9][\w’'-]*){0,2}$")
_BREADCRUMB = re.compile(r"^[^>»/|›]{1,30}(?:\s+[>»/|›]\s+[^>»/|›]{1,30})+$")
_HEADLINE_PREFIX = re.compile(
    rf"^(?P<outlet>{_OUTLETS_RE})\s*[:|]\s+",  # "Rudaw: ..."; genre labels ("Analysis:") stay
)
_HEADLINE_SUFFIX = re.compile(rf"\s+[|–—-]\s+(?P<outlet>{_OUTLETS_RE})(?:\s+English)?\s*$", re.IGNORECASE)

# ERBIL, Kurdistan Region – / ERBIL (Kurdistan 24) – / BAGHDAD, July 20 (Reuters) - / MOSUL, Iraq —
_CAPS_WORD = r"[A-Z][A-Z’'.\-]+"
_TITLE_WORD = r"[A-Z][\w’'.\-]*"
_DATELINE = re.compile(
    rf"^(?P<dateline>(?P<place>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}})"
    rf"(?:\s*,\s*(?:{_TITLE_WORD}|{_MONTH_RE}\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?)(?:\s+(?:{_TITLE_WORD}|\d{{1,4}}))*){{0,2}}"
    rf"(?:\s*\((?P<outlet>[^()]{{2,40}})\))?)\s*[-–—]{{1,2}}\s+(?=\S)"
    rf"|^(?P<dateline2>(?P<place2>{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}})"
    rf"(?:\s*,\s*{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}})?\s*\((?P<outlet2>{_OUTLETS_RE})\))\s*[-–—]{{1,2}}\s+(?=\S)",
)
# "Shafaq News/ Gunmen attacked ...": the outlet's own mark where others put a dateline
_OUTLET_SLASH = re.compile(rf"^(?P<outlet>{_OUTLETS_RE})\s*/\s*(?=\S)")

_WORD = re.compile(r"\w+")
# Capitalised acronyms that open sentences ("ISIS – the group ...") but are not places.
_NOT_PLACES = frozenset(
    "IS ISIS ISIL KRG KRI PMF PMU UN US USA UK EU NATO UNAMI PKK PUK KDP ISF CTS IED AFP AP "
    "BREAKING UPDATE EXCLUSIVE WATCH VIDEO".split()
)


# One alternation instead of seven calls: the regex engine tries them in a single pass.
_FURNITURE = re.compile(
    "|".join(
        f"(?:{p.pattern})"
        for p in (_NAV_LINE, _LINK_LINE, _LINK_LINE_BARE, _SOCIAL_LINE, _CREDIT_LINE, _SOURCE_LINE, _DATE_LINE)
    ),
    re.IGNORECASE,
)


def _is_caption(p: str) -> bool:
    if len(p) > 400:
        return False
    tail = p[-_CAPTION_TAIL_CHARS:]
    return bool(
        (("/" in tail or "(" in tail or ":" in tail) and any(pattern.search(tail) for pattern in _CAPTION_TAILS))
        or _CAPTION_HEAD.match(p)
        or (len(p) <= 60 and _CAPTION_ALONE.match(p))
    )


def _is_furniture(p: str) -> bool:
    if len(p) > 300:
        return False
    return bool(_FURNITURE.match(p))


def _inline_patterns(p: str) -> tuple[re.Pattern, ...]:
    # Cheap substring tests first: these searches scan the whole paragraph.
    found = []
    if p.endswith(")"):
        found.append(_CREDIT_TAIL)
    if "(" in p:
        low = p.lower()
        if "(photo" in low or "(file photo" in low or "(image" in low or "( photo" in low:
            found.append(_CAPTION_INLINE)
    if p.endswith(("Source", "Source:", "Source :")):
        found.append(_SOURCE_TAIL)
    return tuple(found)


def _is_top_label(p: str) -> bool:
    """Section labels, breadcrumbs and bylines that sit above the headline."""
    if len(p) > 80:
        return False
    if p.lower().strip(" :|-–—") in _SECTIONS:
        return True
    if _SECTION_LABEL.match(p):
        return True
    if _BREADCRUMB.match(p) and all(len(part.split()) <= 3 for part in re.split(r"[>»/|›]", p)):
        return True
    return bool(_BYLINE.match(p))


def _trigrams(text: str) -> set[tuple[str, str, str]]:
    words = _WORD.findall(text.lower())
    return set(zip(words, words[1:], words[2:]))


def _date_from(match: re.Match) -> date | None:
    g = match.groupdict()
    try:
        if g["y1"]:
            return date(int(g["y1"]), _MONTHS[g["m1"][:3].lower()], int(g["d1"]))
        if g["y2"]:
            return date(int(g["y2"]), _MONTHS[g["m2"][:3].lower()], int(g["d2"]))
        return date(int(g["y3"]), int(g["m3"]), int(g["d3"]))
    except (ValueError, KeyError):
        return None


def find_full_dates(text: str) -> list[date]:
    """Every explicit day-month-year date in ``text`` (``July 20, 2020``, ``20 July 2020``,
    ``2020-07-20``), in order; impossible dates are skipped."""
    out = []
    for m in _FULL_DATE.finditer(text):
        d = _date_from(m)
        if d is not None:
            out.append(d)
    return out


def _strip_headline(headline: str) -> tuple[str, str | None]:
    outlet = None
    m = _HEADLINE_PREFIX.match(headline)
    if m and len(headline) > m.end() + 10:
        outlet = m.group("outlet")
        headline = headline[m.end():]
    m = _HEADLINE_SUFFIX.search(headline)
    if m and m.start() > 10:
        outlet = outlet or m.group("outlet")
        headline = headline[: m.start()]
    return headline.strip(), outlet


def _looks_like_headline(p: str) -> bool:
    # A headline is one line, not a paragraph of several sentences.
    return len(p) <= 250 and not _DATELINE.match(p)


def _norm_compare(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def clean_article(raw: str, *, title: str | None = None) -> CleanedArticle:
    """Strip site furniture from one article and find its headline, dateline and body.

    ``title`` is a headline supplied alongside the text (JSONL ``title``, HTML ``<title>``); the
    text then starts with the body, unless its first line repeats the title.
    """
    paragraphs = _paragraphs(raw)
    removed: list[str] = []
    kept: list[str] = []
    source_hint: str | None = None

    for i, p in enumerate(paragraphs):
        if kept and len(p) <= 80 and _TRAILER.match(p):
            # Everything after "Popular posts from this blog" & co. lists other pages.
            removed.extend(paragraphs[i:])
            break
        if _is_caption(p) or _is_furniture(p):
            removed.append(p)
            continue
        for pattern in _inline_patterns(p):
            m = pattern.search(p)
            while m and m.end() > m.start():
                removed.append(p[m.start():m.end()].strip())
                p = (p[: m.start()] + " " + p[m.end():]).strip()
                p = _HSPACE.sub(" ", p)
                m = pattern.search(p) if pattern is _CAPTION_INLINE else None
        if p:
            kept.append(p)

    # Section labels, breadcrumbs and bylines above the headline.
    while kept and _is_top_label(kept[0]) and len(kept) > 1:
        removed.append(kept.pop(0))

    headline: str | None = None
    if title is not None and title.strip():
        headline, source_hint = _strip_headline(_HSPACE.sub(" ", _INVISIBLE.sub("", title)).strip())
        if kept:
            first, _ = _strip_headline(kept[0])
            if _norm_compare(first) == _norm_compare(headline):
                kept.pop(0)
    elif kept and _looks_like_headline(kept[0]) and len(kept) > 1:
        headline, source_hint = _strip_headline(kept.pop(0))
    headline = headline or None

    # The dateline opens one of the first paragraphs; a paragraph before it is a standfirst.
    dateline: str | None = None
    dateline_idx: int | None = None
    for j, p in enumerate(kept[:3]):
        m = _DATELINE.match(p)
        if m and m.group("place") and m.group("place") == m.group("dateline") and (
            m.group("place") in _NOT_PLACES or len(m.group("place")) < 3
        ):
            m = None  # a bare acronym and a dash, not a dateline
        if m:
            dateline = (m.group("dateline") or m.group("dateline2")).strip()
            outlet = m.group("outlet") or m.group("outlet2")
            if outlet and not find_full_dates(outlet):
                source_hint = outlet.strip()
            kept[j] = p[m.end():]
            dateline_idx = j
            break
        mark = _OUTLET_SLASH.match(p)
        if mark:
            source_hint = mark.group("outlet")
            kept[j] = p[mark.end():]
            dateline_idx = j
            break

    # A standfirst or pull quote before the article proper that the article then repeats
    # (verbatim or nearly) is kept once, in the article proper. Text above the dateline is
    # outside the article proper, so a looser match suffices there; without a dateline only
    # the first paragraph can be a standfirst, and only a near-verbatim repeat counts (two
    # news paragraphs of the same shape are not a repeat).
    if dateline_idx is not None:
        lede_zone, threshold = dateline_idx, 0.6
    else:
        lede_zone, threshold = min(1, len(kept) - 1), 0.85
    drop: set[int] = set()
    for j in range(max(lede_zone, 0)):
        following = kept[j + 1 : j + 4]
        # Cheap test first: a repeated paragraph's longest words recur in what follows.
        longest = sorted(_WORD.findall(kept[j]), key=len)[-3:]
        joined = "\n".join(following)
        if len(longest) < 3 or not all(w in joined for w in longest):
            continue
        grams = _trigrams(kept[j])
        if len(grams) < 4:
            continue
        if len(grams & _trigrams(joined)) / len(grams) >= threshold:
            drop.add(j)
    seen: set[str] = set()
    body_paragraphs: list[str] = []
    for j, p in enumerate(kept):
        key = p
        if j in drop or (key in seen and len(p) >= 40):
            removed.append(p)
            continue
        seen.add(key)
        body_paragraphs.append(p)

    body = "\n\n".join(body_paragraphs)

    published: date | None = None
    for text in [*removed, dateline or ""]:
        found = find_full_dates(text)
        if found:
            published = found[0]
            break

    return CleanedArticle(
        headline=headline,
        dateline=dateline,
        source_hint=source_hint,
        body=body,
        removed=tuple(r for r in removed if r),
        published_from_text=published,
    )


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

_TITLE_ABBREVS = frozenset(
    "Mr Mrs Ms Dr Prof Gen Lt Col Maj Brig Capt Cpt Sgt Cpl Pvt Pte Adm Cmdr Cdr Gov Sen Rep Rev "
    "Hon St Mt Ft Messrs Mme Mlle Sr Jr Supt Insp Lieut Gens Cols Lts Maj-Gen Lt-Gen Brig-Gen "
    "Lt-Col Sheikh Pres Amb Atty Asst Assoc Dept Univ Gov't Mgr Supt Eng".split()
)
_NUMBER_ABBREVS = frozenset(
    "No Nos Vol Art Fig pp p ch Ch Sec Para para approx Approx ca c Jan Feb Mar Apr Jun Jul Aug Sep "
    "Sept Oct Nov Dec".split()
)
_NEVER_END = frozenset("e.g i.e cf vs viz al Ave Blvd Rd approx Approx ca".split())
_MAYBE_END = frozenset("Inc Ltd Co Corp Bros etc".split())
_STARTERS = frozenset(
    "The A An He She It They We I You In On At But And Or So This That These Those His Her Their "
    "Its Our There However Meanwhile According After Before During Since While When Where Last "
    "Earlier Later Now Then Also Some Many Most No Yes If As For From With Without Such Both Each "
    "Several Other Another Iraqi Kurdish US Two Three Four Five Six Seven Eight Nine Ten".split()
)
_NEXT_WORD = re.compile(r"\W*([\w.\-]+)")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def _is_boundary(line: str, start: int, end: int) -> bool:
    term = line[start:end]
    n = len(line)
    j = end
    while j < n and line[j] == " ":
        j += 1
    if j >= n:
        return True
    nxt = line[j]
    single_period = term.rstrip("”\"’'»)]") == "."
    if j == end:
        # No space: only "men.But" (a lower-case word, a period, then a capitalised word).
        return (
            single_period
            and start >= 2
            and line[start - 2 : start].isalpha()
            and line[start - 1].islower()
            and j + 1 < n
            and nxt.isupper()
            and line[j + 1].islower()
        )
    if nxt.islower() or nxt in ",;:-–—":
        return False
    if not single_period:
        return True
    k = start
    while k > 0 and (line[k - 1].isalpha() or line[k - 1] in ".-’'"):
        k -= 1
    word = line[k : start].strip(".-’'")
    if not word:
        return True
    next_word_m = _NEXT_WORD.match(line, j)
    next_word = next_word_m.group(1) if next_word_m else ""
    if word in _TITLE_ABBREVS or word in _NEVER_END:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "James F. Jeffrey"
    if word in _NUMBER_ABBREVS and nxt.isdigit():
        return False
    if _ACRONYM.match(word) or word in _MAYBE_END:
        # "U.S. forces" continues; "... by the U.S. The embassy" ends.
        return next_word in _STARTERS
    if next_word.rstrip(".") in _TITLE_ABBREVS and next_word.endswith(".") and word[:1].isupper() and len(word) <= 4:
        return False  # a mangled title before a title: "Lie. Gen. Yarallah"
    return True


_TERMINATORS = ".!?…؟۔"
_CLOSERS = frozenset("”\"’'»)]")


def _candidates(line: str) -> list[tuple[int, int]]:
    """Runs of sentence-ending punctuation plus the quotes/brackets closing after them.

    str.find (memchr) locates the few terminators far faster than a regex scan of the line.
    """
    found: list[int] = []
    for ch in _TERMINATORS:
        i = line.find(ch)
        while i != -1:
            found.append(i)
            i = line.find(ch, i + 1)
    if not found:
        return []
    found.sort()
    out: list[tuple[int, int]] = []
    n = len(line)
    i = 0
    while i < len(found):
        start = end = found[i]
        end += 1
        while i + 1 < len(found) and found[i + 1] == end:
            i += 1
            end += 1
        while end < n and line[end] in _CLOSERS:
            end += 1
        out.append((start, end))
        i += 1
    return out


def split_sentences_with_paragraphs(body: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph_idx) of every sentence; a line break always ends a sentence."""
    out: list[tuple[int, int, int]] = []
    para = 0
    pos = 0
    for line in body.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cut = 0
        for start, end in _candidates(line):
            if _is_boundary(line, start, end):
                _emit(out, line, line_start, cut, end, para)
                cut = end
        _emit(out, line, line_start, cut, len(line), para)
        para += 1
    return out


def _emit(out: list, line: str, offset: int, start: int, end: int, para: int) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((offset + start, offset + end, para))


def split_sentences(body: str) -> list[tuple[int, int]]:
    """(start, end) code-point offsets of each sentence of ``body``."""
    return [(s, e) for s, e, _ in split_sentences_with_paragraphs(body)]


SENTENCE_SCHEMA = {
    "article_id": pl.Utf8,
    "sentence_idx": pl.Int64,
    "paragraph_idx": pl.Int64,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
    "text": pl.Utf8,
}


def sentences_frame(
    articles: pl.DataFrame, *, spans: Mapping[str, list[tuple[int, int, int]]] | None = None
) -> pl.DataFrame:
    """One row per sentence of each article's body (needs ``article_id`` and ``body``).

    ``spans``: `split_sentences_with_paragraphs` of some bodies, by article_id, already computed
    (ingestion splits where it cleans, in worker processes).
    """
    spans_of = spans or {}
    ids: list[str] = []
    idx: list[int] = []
    paras: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    for article_id, body in zip(articles["article_id"].to_list(), articles["body"].to_list()):
        if not body:
            continue
        found = spans_of.get(article_id)
        if found is None:
            found = split_sentences_with_paragraphs(body)
        ids.extend([article_id] * len(found))
        idx.extend(range(len(found)))
        for s, e, p in found:
            starts.append(s)
            ends.append(e)
            paras.append(p)
            texts.append(body[s:e])
    return pl.DataFrame(
        {
            "article_id": ids,
            "sentence_idx": idx,
            "paragraph_idx": paras,
            "char_start": starts,
            "char_end": ends,
            "text": texts,
        },
        schema=SENTENCE_SCHEMA,
    )


# --------------------------------------------------------------------------------------------
# Identity
# --------------------------------------------------------------------------------------------

# (characters, replacement): str.replace per group is far faster than str.translate with a dict.
_UNIFY = (
    ("‘’‚‛′`´", "'"),
    ("“”„‟″«»", '"'),
    ("‐‑‒–—―−﹘", "-"),
)




def normalise_for_hash(text: str) -> str:
    """NFKC, quotes and dashes unified, whitespace collapsed; case is kept."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    for chars, replacement in _UNIFY:
        for ch in chars:
            if ch in text:
                text = text.replace(ch, replacement)
    if any(ch in text for ch in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def _sha16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def article_id_for(body: str) -> str:
    """Stable id of an article: the same story with other file names or boilerplate is one id."""
    return _sha16(normalise_for_hash(body))


def paragraph_hash(paragraph: str) -> str:
    """Fingerprint of one paragraph, insensitive to case, punctuation and spacing."""
    return _sha16(" ".join(_WORD.findall(normalise_for_hash(paragraph).lower())))
