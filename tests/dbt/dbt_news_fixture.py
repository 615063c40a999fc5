"""A `news` schema modelled on the analyst gold reading of the five sample articles.

The rows are what a careful extractor writes for /work/shared/gold/seed_gold.yaml: every
incident and cooperation event of the five articles, including the 2 May Salahaddin attack
told by two articles in different words, and the paragraphs article 002 shares with 004
(002.near_duplicate_of = 004). Article bodies are built from the evidence sentences so that
`body[char_start:char_end] == evidence` holds as in the real warehouse, and the tables are
created by `pipeline.warehouse.ensure_schema`, the DDL the pipeline itself uses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from pipeline.warehouse import ensure_schema


def _hid(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


PROVINCES = [
    # province_code, press name, ISO name, kurdistan_region, is_governorate
    ("IQ-AN", "Anbar", "Al Anbār", False, True),
    ("IQ-AR", "Erbil", "Arbīl", True, True),
    ("IQ-BA", "Basra", "Al Başrah", False, True),
    ("IQ-BB", "Babil", "Bābil", False, True),
    ("IQ-BG", "Baghdad", "Baghdād", False, True),
    ("IQ-DA", "Duhok", "Dahūk", True, True),
    ("IQ-DI", "Diyala", "Diyālá", False, True),
    ("IQ-DQ", "Dhi Qar", "Dhī Qār", False, True),
    ("IQ-KA", "Karbala", "Karbalā’", False, True),
    ("IQ-KI", "Kirkuk", "Kirkūk", False, True),
    ("IQ-MA", "Maysan", "Maysān", False, True),
    ("IQ-MU", "Muthanna", "Al Muthanná", False, True),
    ("IQ-NA", "Najaf", "An Najaf", False, True),
    ("IQ-NI", "Nineveh", "Nīnawá", False, True),
    ("IQ-QA", "Qadisiyah", "Al Qādisīyah", False, True),
    ("IQ-SD", "Salahaddin", "Şalāḩ ad Dīn", False, True),
    ("IQ-SU", "Sulaimani", "As Sulaymānīyah", True, True),
    ("IQ-WA", "Wasit", "Wāsiţ", False, True),
    ("IQ-KR", "Kurdistan Region", "Iqlīm Kūrdistān", True, False),
]


@dataclass
class Article:
    file: str
    source: str
    published_at: date | None
    basis: str
    headline: str
    sentences: list[str] = field(default_factory=list)
    near_duplicate_of: str | None = None  # file name, resolved to an article_id

    @property
    def article_id(self) -> str:
        return _hid("article", self.file)

    @property
    def body(self) -> str:
        return " ".join(self.sentences)

    def span(self, sentence: str) -> tuple[int, int, int]:
        idx = self.sentences.index(sentence)
        start = len(" ".join(self.sentences[:idx])) + (1 if idx else 0)
        return idx, start, start + len(sentence)


ARTICLES = {
    "000": Article("000_8c9f9b6f66427fb3.txt", "Kurdistan 24", None, "unknown",
                   "Kurdish security chief, US diplomat discuss anti-ISIS campaign"),
    "001": Article("001_8e1c86292205bf45.txt", "Rudaw (reposted on a blog)", date(2020, 2, 14), "manifest",
                   "ISIS remain 'very much intact', should be taken seriously: PM Barzani"),
    "002": Article("002_aa01b27a992f3dc4.txt", "Rudaw", date(2020, 7, 29), "manifest",
                   "KRG, Iraq interior ministers talk disputed territory, border security in Erbil",
                   near_duplicate_of="004_ef71887a7f14ced2.txt"),
    "003": Article("003_09ded475ebf546e7.txt", "Kurdistan 24", date(2020, 5, 3), "manifest",
                   "Baghdad military officials to visit Erbil to discuss joint security coordination against ISIS"),
    "004": Article("004_ef71887a7f14ced2.txt", "Rudaw", date(2020, 7, 20), "manifest",
                   "Security talks resume between Peshmerga and Iraqi army in Erbil"),
}

# (gold id, article key, evidence sentence, fields)
INCIDENTS = [
    ("I000-1", "000", "On Monday, suspected Islamic State gunmen stormed a village in the westernmost district of Nineveh Province, torching several houses.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="suspected", target=["civilians"], target_type="civilians",
          province_code="IQ-NI", location="al-Ba'aj District", geo_precision=2, event_date=None, date_precision="unknown")),
    ("I000-2", "000", "The attack came amid a recently-launched campaign of Iraqi forces against remnants of the terrorist organization in the Hamrin Mountains.",
     dict(event_type="security_operation", perpetrator="Iraqi Security Forces", perpetrator_basis="stated", target=["ISIS"], target_type="militants",
          province_code=None, location="Hamrin Mountains", geo_precision=None, event_date=None, date_precision="unknown")),
    ("I001-1", "001", "On Thursday, ISIS militants attacked a village in Khanaqin, Diyala province, killing a Peshmerga soldier, one civilian, and an Iraqi army officer, and wounding seven.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="stated", target=["Peshmerga", "civilians", "Iraqi Army"], target_type="military",
          province_code="IQ-DI", location="Khanaqin", geo_precision=1, event_date=date(2020, 2, 13), date_precision="day", killed=3, wounded=7)),
    ("I001-2", "001", "Iraqi forces began launching the “Heroes of Iraq” operation on Wednesday in areas bordering Syria and Jordan.",
     dict(event_type="security_operation", perpetrator="Iraqi Security Forces", perpetrator_basis="stated", target=["ISIS"], target_type="militants",
          province_code="IQ-AN", location="areas bordering Syria and Jordan", geo_precision=2, event_date=date(2020, 2, 12), date_precision="day")),
    ("I001-3", "001", "Tensions rose after the assassination of two top Iranian and Iraqi commanders in a US strike in Baghdad.",
     dict(event_type="airstrike", perpetrator="United States", perpetrator_basis="stated", target=["Popular Mobilization Forces"], target_type="military",
          province_code="IQ-BG", location="Baghdad", geo_precision=1, event_date=None, date_precision="unknown", killed=2)),
    ("I003-1", "003", "In the early hours of Saturday, ISIS militants launched a multi-pronged offensive against positions held by Popular Mobilization Force (PMF) militia units in the central Iraqi province of Salahuddin, leaving at least ten deaths.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="stated", target=["Popular Mobilization Forces"], target_type="military",
          province_code="IQ-SD", location="Salahuddin", geo_precision=3, event_date=date(2020, 5, 2), date_precision="day", killed=10)),
    ("I004-1", "004", "Gunmen attacked the offices of the Iraqi Directorate for Counter-Terrorism and Intelligence in Kirkuk city in April.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="attributed", target=["Directorate for Counter-Terrorism and Intelligence"], target_type="government",
          province_code="IQ-KI", location="Kirkuk", geo_precision=1, event_date=date(2020, 4, 1), date_precision="month")),
    ("I004-2", "004", "In recent weeks ISIS killed commander of Brigade 59 of the Iraqi Army, Brigadier General Ali Hameed Ghaydan, after militants attacked his convoy in al-Tarmia district.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="stated", target=["Iraqi Army"], target_type="military",
          province_code="IQ-BG", location="al-Tarmia district", geo_precision=2, event_date=None, date_precision="unknown", killed=1)),
    ("I004-3", "004", "On May 15, two soldiers were killed and four wounded when a convoy hit an improvised explosive device (IED) in northern Baghdad province, an attack ISIS claimed.",
     dict(event_type="bombing", perpetrator="ISIS", perpetrator_basis="claimed", target=["Iraqi Army"], target_type="military",
          province_code="IQ-BG", location="northern Baghdad province", geo_precision=2, event_date=date(2020, 5, 15), date_precision="day", killed=2, wounded=4)),
    ("I004-4", "004", "Ten Popular Mobilization Forces (PMF, or Hashd al Shaabi in Arabic) fighters were killed in a five-pronged assault in Salahaddin on May 2.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="attributed", target=["Popular Mobilization Forces"], target_type="military",
          province_code="IQ-SD", location="Salahaddin", geo_precision=3, event_date=date(2020, 5, 2), date_precision="day", killed=10)),
    ("I004-5", "004", "On the same day, militants killed three federal police officers and wounded two others in an attack on Zaghniya police station in Diyala province.",
     dict(event_type="armed_assault", perpetrator="ISIS", perpetrator_basis="attributed", target=["Federal Police"], target_type="police",
          province_code="IQ-DI", location="Zaghniya police station", geo_precision=1, event_date=date(2020, 5, 2), date_precision="day", killed=3, wounded=2)),
    ("I004-6", "004", "The coalition warplanes regularly bombs ISIS hideouts in the province.",
     dict(event_type="airstrike", perpetrator="Global Coalition to Defeat ISIS", perpetrator_basis="stated", target=["ISIS"], target_type="militants",
          province_code="IQ-KI", location=None, geo_precision=3, event_date=None, date_precision="unknown")),
    ("I004-7", "004", "According to the Peshmerga, more than 100 ISIS militants have been killed in the Qarachogh and Makhmour during the past two months.",
     dict(event_type="security_operation", perpetrator="Peshmerga", perpetrator_basis="stated", target=["ISIS"], target_type="militants",
          province_code=None, location="Qarachogh and Makhmour", geo_precision=2, event_date=None, date_precision="unknown", killed=100)),
    ("I004-8", "004", "ISIS is resuming hit-and-run tactics and torching farmers’ fields.",
     dict(event_type="arson", perpetrator="ISIS", perpetrator_basis="stated", target=["farmers"], target_type="civilians",
          province_code=None, location=None, geo_precision=None, event_date=None, date_precision="unknown")),
]

MOD, MOP = "Iraqi Ministry of Defense", "Ministry of Peshmerga"
COOPERATION = [
    ("C000-1", "000", "Masrour Barzani received Deputy Special Envoy to the Global Coalition to Defeat ISIS Ambassador William Roebuck in his office in Erbil on Tuesday.",
     dict(event_type="meeting", participants=["Masrour Barzani", "William Roebuck"], organisations=["Kurdistan Region Security Council", "Global Coalition to Defeat ISIS"],
          province_code="IQ-AR", location="Erbil", event_date=None, date_precision="unknown", coordination_room=False, room_provinces=[])),
    ("C000-2", "000", "Barzani also raised the issue with Maj. Gen. Patrick Roberson, the Commanding General for Special Forces in the US-led coalition, when they met a week ago.",
     dict(event_type="meeting", participants=["Masrour Barzani", "Patrick Roberson"], organisations=[],
          province_code=None, location=None, event_date=None, date_precision="unknown", coordination_room=False, room_provinces=[])),
    ("C000-3", "000", "Last week, a delegation from the Iraqi Ministry of Defense arrived in Kurdistan to meet with officials from the Ministry of Peshmerga.",
     dict(event_type="delegation_visit", participants=[], organisations=[MOD, MOP],
          province_code=None, location="Kurdistan Region", event_date=None, date_precision="unknown", coordination_room=False, room_provinces=[])),
    ("C001-1", "001", "Barzani made the remarks after a meeting with US Secretary of State Mike Pompeo at the sidelines of the Munich Security Conference in Germany on Friday.",
     dict(event_type="meeting", participants=["Masrour Barzani", "Mike Pompeo"], organisations=[],
          province_code=None, location="Munich Security Conference, Germany", event_date=date(2020, 2, 14), date_precision="day", coordination_room=False, room_provinces=[])),
    ("C001-2", "001", "He is expected to meet with US Secretary of Defense Mark Esper on Saturday morning.",
     dict(event_type="meeting", participants=["Masrour Barzani", "Mark Esper"], organisations=[],
          province_code=None, location=None, event_date=date(2020, 2, 15), date_precision="day", coordination_room=False, room_provinces=[])),
    ("C002-1", "002", "On Wednesday, Ghanimi met KRG interior minister Rebar Ahmed to discuss security in the disputed areas and at border crossings.",
     dict(event_type="meeting", participants=["Othman al-Ghanimi", "Rebar Ahmed"], organisations=["Iraqi Ministry of Interior", "KRG Ministry of Interior"],
          province_code="IQ-AR", location="Erbil", event_date=date(2020, 7, 29), date_precision="day", coordination_room=False, room_provinces=[])),
    ("C002-2", "002", "The Iraqi defense ministry and the Peshmerga ministry agreed earlier this month to establish three joint coordination rooms between the Iraqi Security Forces (ISF) and the Peshmerga, located in Kirkuk, Diyala, and Nineveh.",
     dict(event_type="agreement", participants=[], organisations=[MOD, MOP],
          province_code=None, location=None, event_date=date(2020, 7, 1), date_precision="month", coordination_room=True, room_provinces=["IQ-KI", "IQ-DI", "IQ-NI"])),
    ("C002-3", "002", "British troops withdrew from Taji military camp in northern Baghdad and handed over the training mission to Iraqi security forces earlier this month.",
     dict(event_type="base_handover", participants=[], organisations=["British forces", "Iraqi Security Forces"],
          province_code="IQ-BG", location="Taji", event_date=date(2020, 7, 1), date_precision="month", coordination_room=False, room_provinces=[])),
    ("C002-4", "002", "international forces handed control of six other military bases to the Iraqis in March.",
     dict(event_type="base_handover", participants=[], organisations=["Global Coalition to Defeat ISIS", "Iraqi Security Forces"],
          province_code=None, location=None, event_date=date(2020, 3, 1), date_precision="month", coordination_room=False, room_provinces=[])),
    ("C002-5", "002", "In a visit to Erbil last week, US-led counter-ISIS coalition spokesman Col. Myles Caggins III said the coalition wants the rooms activated.",
     dict(event_type="delegation_visit", participants=["Myles Caggins III"], organisations=["Global Coalition to Defeat ISIS"],
          province_code="IQ-AR", location="Erbil", event_date=date(2020, 7, 20), date_precision="week", coordination_room=True, room_provinces=[])),
    ("C003-1", "003", "A military delegation from the Iraqi government in Baghdad is set to visit Erbil to discuss the joint coordination committee and security gaps.",
     dict(event_type="delegation_visit", participants=["Abdul-Amir Yarallah", "Qaraman Sheikh Kamal"], organisations=[MOD, MOP],
          province_code="IQ-AR", location="Erbil", event_date=None, date_precision="unknown", coordination_room=True, room_provinces=[])),
    ("C003-2", "003", "According to Kamal, a security meeting was held in Baghdad last week between Yarallah and Saad al-Alaq.",
     dict(event_type="meeting", participants=["Abdul-Amir Yarallah", "Saad al-Alaq"], organisations=[],
          province_code="IQ-BG", location="Baghdad", event_date=date(2020, 4, 20), date_precision="week", coordination_room=False, room_provinces=[])),
    ("C004-1", "004", "Another round of talks began in Erbil on Monday between Iraq’s defense ministry and the Kurdistan Regional Government (KRG) Ministry of Peshmerga Affairs.",
     dict(event_type="meeting", participants=["Tahsin Khafaji"], organisations=[MOD, MOP],
          province_code="IQ-AR", location="Erbil", event_date=date(2020, 7, 20), date_precision="day", coordination_room=True, room_provinces=[])),
    ("C004-2", "004", "The two ministries agreed this week to establish three joint coordination rooms between the Iraqi security forces and the Peshmerga forces in Kirkuk, Diyala and Nineveh.",
     dict(event_type="agreement", participants=[], organisations=[MOD, MOP],
          province_code=None, location=None, event_date=date(2020, 7, 20), date_precision="week", coordination_room=True, room_provinces=["IQ-KI", "IQ-DI", "IQ-NI"])),
    ("C004-3", "004", "On Thursday, British troops withdrew from Taji military camp in northern Baghdad and handed over the training mission to Iraqi security forces.",
     dict(event_type="base_handover", participants=[], organisations=["British forces", "Iraqi Security Forces"],
          province_code="IQ-BG", location="Taji", event_date=date(2020, 7, 16), date_precision="day", coordination_room=False, room_provinces=[])),
    # the syndicated paragraph: the same sentence as in 002, capitalised differently
    ("C004-4", "004", "International forces handed control of six other military bases to the Iraqis in March.",
     dict(event_type="base_handover", participants=[], organisations=["Global Coalition to Defeat ISIS", "Iraqi Security Forces"],
          province_code=None, location=None, event_date=date(2020, 3, 1), date_precision="month", coordination_room=False, room_provinces=[])),
]

TALLIES = [
    ("T002-1", "002", "ISIS said in its al-Naba newspaper that its militants had carried out 28 attacks in Iraq between July 16 and 22 alone – mainly in Diyala.",
     dict(claimant="ISIS", medium="al-Naba", attacks=28, period_start=date(2020, 7, 16), period_end=date(2020, 7, 22), country_code="IQ", main_province_code="IQ-DI")),
    ("T004-1", "004", "ISIS said in its al-Naba newspaper that its militants had carried out 23 attacks in Iraq between July 9 and 15 alone – mainly in Diyala.",
     dict(claimant="ISIS", medium="al-Naba", attacks=23, period_start=date(2020, 7, 9), period_end=date(2020, 7, 15), country_code="IQ", main_province_code="IQ-DI")),
]

# canonical entity, entity_type, surface text that must occur in the article's body, province
MENTIONS = [
    ("001", "ISIS", "organisation", "ISIS", None),
    ("001", "Peshmerga", "organisation", "Peshmerga", None),
    ("001", "Khanaqin", "place", "Khanaqin", "IQ-DI"),
    ("001", "Masrour Barzani", "person", "Barzani", None),
    ("003", "ISIS", "organisation", "ISIS", None),
    ("003", "Salahaddin", "place", "Salahuddin", "IQ-SD"),
    ("004", "ISIS", "organisation", "ISIS", None),
    ("004", "Salahaddin", "place", "Salahaddin", "IQ-SD"),
    ("004", "Peshmerga", "organisation", "Peshmerga", None),
    ("002", "ISIS", "organisation", "ISIS", None),
    ("002", "Erbil", "place", "Erbil", "IQ-AR"),
    ("000", "Masrour Barzani", "person", "Masrour Barzani", None),
]

def report_id(gold_id: str) -> str:
    """The report_id the fixture gives a gold item (e.g. 'I004-4')."""
    return _hid("report", gold_id)


def article_id(key: str) -> str:
    """The article_id of sample article '000'..'004'."""
    return ARTICLES[key].article_id


def _articles_with_text() -> dict[str, Article]:
    arts = {k: Article(**{**a.__dict__, "sentences": []}) for k, a in ARTICLES.items()}
    for _, key, sentence, _ in INCIDENTS + COOPERATION + TALLIES:
        arts[key].sentences.append(sentence)
    return arts


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    con.execute(f"insert into news.{table} ({columns}) values ({marks})", list(row.values()))


def build_news_fixture(path: Path, *, run_id: str = "fixture-run") -> Path:
    """Create a DuckDB file at `path` holding the `news` schema with the gold-modelled rows."""
    arts = _articles_with_text()
    by_file = {a.file: a for a in arts.values()}
    logged_at = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    con = duckdb.connect(str(path))
    try:
        ensure_schema(con)
        for code, name, iso_name, kurdistan, governorate in PROVINCES:
            _insert(con, "provinces", dict(province_code=code, province_name=name, iso_name=iso_name,
                                           kurdistan_region=kurdistan, is_governorate=governorate))
        for a in arts.values():
            body = a.body
            sha = hashlib.sha256(body.encode()).hexdigest()
            _insert(con, "articles", dict(
                article_id=a.article_id, source_file=a.file, source=a.source, headline=a.headline,
                published_at=a.published_at, published_at_basis=a.basis, body=body,
                near_duplicate_of=by_file[a.near_duplicate_of].article_id if a.near_duplicate_of else None,
                language="en", content_sha256=sha, char_count=len(body)))
            _insert(con, "ingest_log", dict(path=a.file, content_sha256=sha, status="loaded",
                                            article_id=a.article_id, run_id=run_id, logged_at=logged_at))
            for idx, sentence in enumerate(a.sentences):
                _, start, end = a.span(sentence)
                assert body[start:end] == sentence
                _insert(con, "sentences", dict(article_id=a.article_id, sentence_idx=idx, paragraph_idx=idx,
                                               char_start=start, char_end=end, text=sentence))
        _insert(con, "ingest_log", dict(path="005_broken.txt", content_sha256=_hid("broken"),
                                        status="quarantined", reason="not decodable as UTF-8, cp1252 or latin-1",
                                        run_id=run_id, logged_at=logged_at))
        for gold_id, key, sentence, f in INCIDENTS:
            a = arts[key]
            idx, start, end = a.span(sentence)
            # the pipeline stores several targets as one '; '-joined string
            _insert(con, "incident_reports", dict(
                report_id=report_id(gold_id), article_id=a.article_id, char_start=start, char_end=end,
                sentence_idx=idx, evidence=sentence, **{k: v for k, v in f.items() if k != "target"},
                target="; ".join(f["target"]) or None))
        for gold_id, key, sentence, f in COOPERATION:
            a = arts[key]
            idx, start, end = a.span(sentence)
            _insert(con, "cooperation_events", dict(
                report_id=report_id(gold_id), article_id=a.article_id, char_start=start, char_end=end,
                sentence_idx=idx, evidence=sentence, **f))
        for gold_id, key, sentence, f in TALLIES:
            a = arts[key]
            _, start, end = a.span(sentence)
            _insert(con, "claimed_tallies", dict(
                report_id=report_id(gold_id), article_id=a.article_id, char_start=start, char_end=end,
                evidence=sentence, **f))
        for key, name, etype, surface, province in MENTIONS:
            a = arts[key]
            start = a.body.index(surface)
            idx = next(i for i, s in enumerate(a.sentences) if surface in s)
            _insert(con, "mentions", dict(
                mention_id=_hid(a.article_id, "mention", start, start + len(surface), etype),
                article_id=a.article_id, sentence_idx=idx, char_start=start, char_end=start + len(surface),
                text=surface, entity_type=etype, entity_name=name, province_code=province,
                place_type="governorate" if province and name != "Khanaqin" else ("district" if province else None)))
        _insert(con, "quarantine", dict(
            table_name="incident_reports", record=json.dumps({"report_id": _hid("bad"), "killed": -1}),
            check_name="killed_non_negative", reason="killed must be >= 0", run_id=run_id))
    finally:
        con.close()
    return path
