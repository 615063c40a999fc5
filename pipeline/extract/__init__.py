"""The extraction engine: articles + sentences -> mentions, incidents, cooperation, tallies.

`extract_all` does the cheap work for every article at once in polars (folding the text,
one alias regex over all bodies, candidate flags for each grammar on every sentence) and
runs the Python grammars only on the sentences those flags select.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from pipeline.extract.context import (
    FOLD_PAIRS,
    ArticleContext,
    Sentence,
    gaz_index,
    stable_id,
)
from pipeline.extract.mentions import _WORD_CHARS

__all__ = ["EXTRACTOR_VERSION", "Extraction", "extract_all", "extract_texts"]

# Bump when any rule changes: the pipeline re-extracts every article read by an older version.
EXTRACTOR_VERSION = "2026.11.23-4"


@dataclass
class Extraction:
    mentions: pl.DataFrame
    incident_reports: pl.DataFrame
    cooperation_events: pl.DataFrame
    claimed_tallies: pl.DataFrame


# Sentences worth a date parse: the anchor chain ("a day later", "the same day") needs every
# dated sentence before a candidate, not only the candidates.
_DATE_CUE = (
    r"(?i)\b(?:\d|monday|tuesday|wednesday|thursday|friday|saturday|sunday|jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec|yesterday|today|tonight|ago|later|earlier|same day|next day|day before|last|this week"
    r"|this month|this year|recent|past)"
)


def _ascii(pattern: str) -> str:
    """Run a pre-filter regex in ASCII mode: Unicode case folding and word boundaries make
    the Rust engine ~100x slower, and the folded text is ASCII where the lexicons look."""
    if pattern.startswith("(?i)"):
        return "(?i-u)" + pattern[4:]
    return "(?-u)" + pattern


def _type_mask(patterns: list[str]) -> pl.Expr:
    """Bit i set where patterns[i] occurs in the folded sentence (a necessary condition
    for the grammar's i-th trigger regex on ASCII text)."""
    mask = pl.lit(0, dtype=pl.Int64)
    for bit, pattern in enumerate(patterns):
        mask = mask | pl.col("ftext").str.contains(_ascii(pattern)).cast(pl.Int64) * (1 << bit)
    return mask


_JOIN = "\n\x00\n"  # never inside an alias, so no match spans two articles


def _alias_hits(texts: list[str], patterns: list[str]) -> list[list[tuple[int, int, str]]]:
    """Aho-Corasick matches (leftmost-first, non-overlapping) of `patterns` in each text, as
    (start, end, matched string) in the text, keeping only whole words ("Hai" in "Haidar",
    "Iraq" in "Iraqis" are dropped).

    polars builds the automaton once per row, which for a few thousand aliases costs more
    than the matching itself; so all texts are joined into one row, matched once, and the
    matches are dealt back to their text. The matches come in text order and never overlap,
    so each one's position is the first occurrence of its string after the previous match
    (an earlier occurrence would itself have been the leftmost match): one automaton pass
    (`extract_many`) and a forward `str.find` replace a second pass for the offsets.
    """
    out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    if not patterns or not texts:
        return out
    big = _JOIN.join(texts)
    found = pl.Series([big]).str.extract_many(patterns, leftmost=True)[0].to_list()
    if not found:
        return out
    bounds = []
    pos = 0
    for t in texts:
        pos += len(t) + len(_JOIN)
        bounds.append(pos)  # where the next text starts
    i = 0
    at = 0
    base = 0  # where text i starts in `big`
    find = big.find
    for text in found:
        start = find(text, at)
        at = start + len(text)
        while start >= bounds[i]:
            base = bounds[i]
            i += 1
        # the separator is no word character, so the boundary test can read `big` itself
        if (start == base or big[start - 1] not in _WORD_CHARS) and (at >= len(big) or big[at] not in _WORD_CHARS):
            out[i].append((start - base, at - base, text))
    return out


class _Memo:
    """A bounded memo of a pure parse of one sentence.

    The same sentence comes back more often than one would think: syndicated copies and
    reposts, leads repeated in the body, stock phrases of a wire service. The values are
    frozen dataclasses (or tuples of them), so a hit can be shared. When full the memo is
    emptied rather than evicted entry by entry: cheaper, and a batch rarely fills it.
    """

    def __init__(self, fn, size: int = 20_000):  # ~1 kB an entry: ~20 MB at most
        self.fn, self.size, self.store = fn, size, {}

    def __call__(self, *key):
        hit = self.store.get(key)
        if hit is None:
            if len(self.store) >= self.size:
                self.store.clear()
            hit = self.store[key] = self.fn(*key)
        return hit


_MEMOS: dict[str, _Memo] = {}


def _memo(name: str, fn) -> _Memo:
    memo = _MEMOS.get(name)
    if memo is None or memo.fn is not fn:
        memo = _MEMOS[name] = _Memo(fn)
    return memo


def _dates_tuple(text, published, anchor):
    from pipeline.extract.dates import find_dates

    return tuple(find_dates(text, published, anchor))


def _frame(table: str, rows: list[dict]) -> pl.DataFrame:
    from pipeline.schemas import polars_schema

    schema = polars_schema(table)
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema)


_MENTION_COLUMNS = ("mention_id", "article_id", "sentence_idx", "char_start", "char_end", "text",
                    "entity_type", "entity_name", "province_code", "place_type")


def _mention_id(article_id: str, start: int, end: int, entity_type: str) -> str:
    """stable_id(article_id, "mention", start, end, entity_type), spelled out: it runs for
    every mention, and the generic join over a generator costs more than the hash."""
    if article_id is None or entity_type is None:
        return stable_id(article_id, "mention", start, end, entity_type)
    raw = f"{article_id}\x1fmention\x1f{start}\x1f{end}\x1f{entity_type}"
    return hashlib.sha256(raw.encode("utf-8")).digest()[:8].hex()  # == hexdigest()[:16], without the rest


def _column_frame(table: str, columns: dict[str, list]) -> pl.DataFrame:
    from pipeline.schemas import polars_schema

    schema = polars_schema(table)
    return pl.DataFrame({name: columns[name] for name in schema}, schema=schema)


def extract_all(articles: pl.DataFrame, sentences: pl.DataFrame, gazetteer=None) -> Extraction:
    from pipeline.extract import cooperation, incidents, mentions, tallies
    from pipeline.extract.casualties import casualty_counts

    if gazetteer is None:
        from pipeline.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    index = gaz_index(gazetteer)
    # find_dates returns a fresh list, which callers filter but never change: a tuple is
    # stored, and each hit hands out its own list.
    dates_memo = _memo("dates", _dates_tuple)

    def memo_dates(text, published, anchor=None):
        return list(dates_memo(text, published, anchor))

    casualty_fn = _memo("casualties", casualty_counts)

    arts = articles
    if "language" in arts.columns:
        arts = arts.filter(pl.col("language").fill_null("en") == "en")
    if "published_at" not in arts.columns:
        arts = arts.with_columns(pl.lit(None, dtype=pl.Date).alias("published_at"))
    arts = arts.select("article_id", pl.col("published_at").cast(pl.Date), "body")
    if arts.height == 0:
        return _empty()
    src, dst = zip(*FOLD_PAIRS)
    arts = arts.with_columns(pl.col("body").str.replace_many(list(src), list(dst)).alias("norm"))
    norms = arts["norm"].to_list()
    lowers = [n.lower() for n in norms]
    exact_hits = _alias_hits(norms, index.exact_patterns)
    folded_hits = _alias_hits(lowers, index.folded_lower)

    sents = (
        sentences.join(arts.select("article_id"), on="article_id", how="semi")
        .sort("article_id", "sentence_idx")
        .with_columns(pl.col("text").str.replace_many(list(src), list(dst)).alias("ftext"))
        .with_columns(
            pl.col("ftext").str.contains(_ascii(incidents.CANDIDATE_PATTERN)).alias("inc"),
            pl.col("ftext").str.contains(_ascii(cooperation.CANDIDATE_PATTERN)).alias("coop"),
            (pl.col("ftext").str.contains(_ascii(tallies.CANDIDATE_PATTERN))
             & pl.col("ftext").str.contains(r"(?i-u)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten"
                                            r"|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|seventy"
                                            r"|eighty|ninety|hundred|dozens?)\b")).alias("tally"),
            pl.col("ftext").str.contains(_ascii(_DATE_CUE)).alias("datecue"),
            pl.col("ftext").str.contains(_ascii(mentions.TITLE_CUE_PATTERN)).alias("title"),
        )
    )
    # Trigger-type masks only for the sentences the grammars will read (half of them or
    # fewer): thirteen more regex passes over every sentence would cost more than they save.
    type_masks: dict[tuple, tuple[int, int]] = {}
    for aid, idx, inc_types, coop_types in sents.filter(pl.col("inc") | pl.col("coop")).select(
            "article_id", "sentence_idx",
            _type_mask(incidents.TRIGGER_TYPE_PATTERNS).alias("inc_types"),
            _type_mask(cooperation.TRIGGER_TYPE_PATTERNS).alias("coop_types")).iter_rows():
        seen = type_masks.get((aid, idx), (0, 0))  # a repeated sentence row: either may be read
        type_masks[(aid, idx)] = (seen[0] | inc_types, seen[1] | coop_types)
    by_article: dict[str, list[tuple]] = {}
    for row in sents.select("article_id", "sentence_idx", "paragraph_idx", "char_start", "char_end",
                            "inc", "coop", "tally", "datecue", "title").iter_rows():
        by_article.setdefault(row[0], []).append(row[1:])

    # Mentions are the bulk of the output: one tuple each, turned column-wise at the end,
    # as row dicts cost polars far more to convert.
    mention_rows: list[tuple] = []  # in _MENTION_COLUMNS order
    incident_rows: list[dict] = []
    coop_rows: list[dict] = []
    tally_rows: list[dict] = []
    # (article_id, char_start, event_type) -> reports so far: disambiguates report ids in
    # O(1) (rescanning every earlier row was quadratic in the batch size)
    incident_seen: dict[tuple, int] = {}
    for (article_id, published, body, norm), lower, exact, folded in zip(
            arts.select("article_id", "published_at", "body", "norm").iter_rows(), lowers, exact_hits, folded_hits):
        rows = by_article.get(article_id)
        if not rows:
            continue
        sent_objs = []
        inc_idx, coop_idx, tally_idx, title_idx = [], [], [], []
        for pos, (idx, par, start, end, inc, coop, tally, datecue, title) in enumerate(rows):
            if title:
                title_idx.append(pos)
            text = norm[start:end]
            inc_types = coop_types = -1
            if (inc or coop) and text.isascii():
                # the masks come from ASCII-mode regexes; Python's Unicode case folding
                # can match more ("K" for "k"), so other sentences run every rule
                inc_types, coop_types = type_masks[(article_id, idx)]
            sent_objs.append(Sentence(idx, par if par is not None else 0, start, end, text,
                                      bool(datecue), pos, inc_types, coop_types))
            if inc:
                inc_idx.append(idx)
            if coop:
                coop_idx.append(idx)
            if tally:
                tally_idx.append(pos)
        ctx = ArticleContext(article_id, body, norm, published, sent_objs)
        ctx.find_dates = memo_dates
        ctx.mentions = mentions.gazetteer_mentions(ctx, exact, folded, lower, index)
        ctx.index_mentions()
        ctx.mentions.extend(mentions.person_mentions(ctx, title_idx))
        ctx.mentions = mentions.assign_sentences(ctx, ctx.mentions)
        ctx.index_mentions()
        mention_rows.extend(
            (_mention_id(article_id, m.start, m.end, m.entity_type), article_id, m.sentence_idx, m.start, m.end,
             m.text, m.entity_type, m.entity_name,
             m.governorate if m.entity_type == "place" else None, m.kind if m.entity_type == "place" else None)
            for m in ctx.mentions)
        if not (inc_idx or coop_idx or tally_idx):
            continue
        if inc_idx:
            for inc in incidents.extract_incidents(ctx, index, inc_idx, casualty_fn):
                incident_rows.append(_incident_row(ctx, inc, incident_seen))
        if coop_idx:
            for ev in cooperation.extract_cooperation(ctx, index, coop_idx):
                coop_rows.append(_coop_row(ctx, ev))
        if tally_idx:
            for t in tallies.extract_tallies(ctx, index, tally_idx):
                tally_rows.append({
                    "report_id": stable_id(article_id, "tally", t.char_start, t.char_end, t.ordinal),
                    "article_id": article_id, "char_start": t.char_start, "char_end": t.char_end,
                    "claimant": t.claimant, "medium": t.medium, "attacks": t.attacks,
                    "period_start": t.period_start, "period_end": t.period_end,
                    "country_code": t.country_code, "main_province_code": t.main_province_code,
                    "evidence": body[t.char_start:t.char_end],
                })
    return Extraction(
        mentions=_column_frame("mentions", dict(zip(_MENTION_COLUMNS, map(list, zip(*mention_rows))))
                               if mention_rows else {name: [] for name in _MENTION_COLUMNS}),
        incident_reports=_frame("incident_reports", incident_rows),
        cooperation_events=_frame("cooperation_events", coop_rows),
        claimed_tallies=_frame("claimed_tallies", tally_rows),
    )


def _incident_row(ctx: ArticleContext, inc, seen: dict[tuple, int]) -> dict:
    key = (inc.article_id, inc.char_start, inc.event_type)
    same = seen.get(key, 0)  # earlier reports of this article with the same start and type
    seen[key] = same + 1
    targets = [name for name, _ in inc.targets]
    return {
        "report_id": stable_id(inc.article_id, "incident", inc.char_start, inc.char_end, inc.event_type, same),
        "article_id": inc.article_id, "sentence_idx": inc.sentence_idx,
        "char_start": inc.char_start, "char_end": inc.char_end,
        "evidence": ctx.body[inc.char_start:inc.char_end],
        "event_date": inc.event_date, "date_precision": inc.date_precision,
        "event_type": inc.event_type, "perpetrator": inc.perpetrator,
        "perpetrator_basis": inc.perpetrator_basis,
        "target": "; ".join(targets) if targets else None,
        "target_type": inc.targets[0][1] if inc.targets else "unknown",
        "province_code": inc.province_code, "location": inc.location,
        "geo_precision": inc.geo_precision,
        "killed": inc.killed, "wounded": inc.wounded, "kidnapped": inc.kidnapped,
    }


def _coop_row(ctx: ArticleContext, ev) -> dict:
    return {
        "report_id": stable_id(ev.article_id, "cooperation", ev.char_start, ev.char_end, ev.event_type, ev.ordinal),
        "article_id": ev.article_id, "sentence_idx": ev.sentence_idx,
        "char_start": ev.char_start, "char_end": ev.char_end,
        "evidence": ctx.body[ev.char_start:ev.char_end],
        "event_type": ev.event_type, "event_date": ev.event_date, "date_precision": ev.date_precision,
        "participants": list(ev.participants), "organisations": list(ev.organisations),
        "location": ev.location, "province_code": ev.province_code,
        "coordination_room": bool(ev.coordination_room), "room_provinces": list(ev.room_provinces),
    }


def _empty() -> Extraction:
    return Extraction(
        mentions=_frame("mentions", []),
        incident_reports=_frame("incident_reports", []),
        cooperation_events=_frame("cooperation_events", []),
        claimed_tallies=_frame("claimed_tallies", []),
    )



def extract_texts(texts: list[str], published: list | None = None, gazetteer=None) -> Extraction:
    """Extract from raw texts (one article each, body = text as given): for labelled
    incident descriptions and tests. Article ids are the texts' positions ("0", "1", ...)."""
    from pipeline.clean import sentences_frame

    dates = published if published is not None else [None] * len(texts)
    articles = pl.DataFrame(
        {"article_id": [str(i) for i in range(len(texts))], "body": list(texts),
         "published_at": list(dates), "language": ["en"] * len(texts)},
        schema={"article_id": pl.Utf8, "body": pl.Utf8, "published_at": pl.Date, "language": pl.Utf8},
    )
    return extract_all(articles, sentences_frame(articles), gazetteer)
