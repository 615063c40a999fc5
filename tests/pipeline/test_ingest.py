"""ingest_directory on the real sample articles: metadata, duplicates, near-duplicates,
re-ingestion, and the frames matching the warehouse schemas."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml

from pipeline import schemas
from pipeline.clean import article_id_for
from pipeline.ingest import (
    decode_bytes,
    detect_language,
    find_near_duplicates,
    fingerprints,
    ingest_directory,
    paragraphs_frame,
)
from pipeline.settings import SAMPLE_ARTICLES_DIR

SHARED_ARTICLES = Path("/work/shared/articles")
ARTICLES = SHARED_ARTICLES if SHARED_ARTICLES.is_dir() else SAMPLE_ARTICLES_DIR
GOLD = Path(__file__).resolve().parents[1] / "data" / "seed_gold.yaml"
if not GOLD.exists():
    GOLD = Path("/work/shared/gold/seed_gold.yaml")
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

pytestmark = pytest.mark.skipif(not ARTICLES.is_dir(), reason="sample articles not present")


def _copy_samples(dest: Path) -> Path:
    # File by file: the shared folder is read-only and copytree would copy that too.
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(ARTICLES.iterdir()):
        if f.is_file() and f.suffix in {".txt", ".csv"}:
            shutil.copyfile(f, dest / f.name)
    return dest


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return _copy_samples(tmp_path / "landing")


@pytest.fixture
def batch(landing: Path):
    return ingest_directory(landing, run_id="run-1", known_article_ids=set(), now=NOW)


def _by_file(batch) -> dict[str, dict]:
    return {row["source_file"]: row for row in batch.articles.iter_rows(named=True)}


def test_frames_match_the_warehouse_schemas(batch):
    for table, frame in [
        ("articles", batch.articles),
        ("sentences", batch.sentences),
        ("article_paragraphs", batch.paragraphs),
        ("ingest_log", batch.log),
    ]:
        assert dict(frame.schema) == schemas.polars_schema(table), table
        schemas.NEWS_TABLES[table][0].validate(frame, lazy=True)


def test_every_sample_loads_with_gold_headline_and_manifest_metadata(batch):
    gold = {a["file"]: a for a in yaml.safe_load(GOLD.read_text())["articles"]}
    rows = _by_file(batch)
    assert set(rows) == set(gold)
    for name, g in gold.items():
        row = rows[name]
        assert row["headline"] == g["headline"]
        assert row["source"] == g["source"]
        expected = g["published_at"]
        assert row["published_at"] == (date.fromisoformat(str(expected)) if expected else None)
        assert row["published_at_basis"] == ("manifest" if expected else "unknown")
        assert row["language"] == "en"
        assert row["char_count"] == len(row["body"])
        assert row["article_id"] == article_id_for(row["body"])


def test_log_accounts_for_each_file_once(batch, landing):
    log = batch.log
    assert sorted(log["path"].to_list()) == sorted(p.name for p in landing.iterdir())
    statuses = dict(zip(log["path"], log["status"]))
    assert statuses["manifest.csv"] == "loaded"
    assert [s for p, s in statuses.items() if p.endswith(".txt")] == ["loaded"] * 5
    assert (log["run_id"] == "run-1").all() and (log["logged_at"] == NOW).all()
    assert log.filter(pl.col("path").str.ends_with(".txt"))["content_sha256"].str.len_chars().to_list() == [64] * 5


def test_near_duplicate_only_002_of_004(batch):
    rows = _by_file(batch)
    near = {name: row["near_duplicate_of"] for name, row in rows.items() if row["near_duplicate_of"]}
    assert near == {"002_aa01b27a992f3dc4.txt": rows["004_ef71887a7f14ced2.txt"]["article_id"]}


def test_sentences_and_paragraphs_line_up_with_bodies(batch):
    bodies = dict(zip(batch.articles["article_id"], batch.articles["body"]))
    for aid, _, _, s, e, text in batch.sentences.iter_rows():
        assert bodies[aid][s:e] == text
    paragraphs = batch.paragraphs.group_by("article_id").agg(n=pl.len())
    sentence_paragraphs = batch.sentences.group_by("article_id").agg(n=pl.col("paragraph_idx").max() + 1)
    assert dict(paragraphs.iter_rows()) == dict(sentence_paragraphs.iter_rows())
    for aid, body in bodies.items():
        assert dict(paragraphs.iter_rows())[aid] == len([p for p in body.split("\n") if p.strip()])


def test_same_article_under_three_names_is_one_article(landing):
    src = landing / "000_8c9f9b6f66427fb3.txt"
    raw = src.read_text()
    (landing / "copy of 000.txt").write_text(raw)
    (landing / "sub dir").mkdir()
    (landing / "sub dir" / "Kopie «000» ü.txt").write_text("In Kurdistan 24\n\n" + raw.replace("\n", "\r\n") + "\n\nback to top\n")
    b = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    aid = _by_file(b)["000_8c9f9b6f66427fb3.txt"]["article_id"]
    rows = b.log.filter(pl.col("article_id") == aid)
    assert rows.sort("path")["status"].to_list() == ["loaded", "duplicate", "duplicate"]
    dup_reasons = rows.filter(pl.col("status") == "duplicate")["reason"].to_list()
    assert all(aid in r and "000_8c9f9b6f66427fb3.txt" in r for r in dup_reasons)
    assert b.articles.height == 5
    assert "sub dir/Kopie «000» ü.txt" in b.log["path"].to_list()


def test_reingest_with_known_ids_gives_duplicates(landing):
    first = ingest_directory(landing, run_id="r1", known_article_ids=[], now=NOW)
    second = ingest_directory(
        landing,
        run_id="r2",
        known_article_ids=set(first.articles["article_id"]),
        known_paragraphs=first.paragraphs,
        now=NOW,
    )
    assert second.articles.height == 0 and second.sentences.height == 0 and second.paragraphs.height == 0
    txt = second.log.filter(pl.col("path").str.ends_with(".txt"))
    assert txt["status"].unique().to_list() == ["duplicate"]
    assert all("already in the warehouse" in r for r in txt["reason"])
    schemas.ArticleSchema.validate(second.articles)


def test_ingest_is_deterministic(landing):
    a = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    b = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    for x, y in [(a.articles, b.articles), (a.sentences, b.sentences), (a.paragraphs, b.paragraphs), (a.log, b.log)]:
        assert x.equals(y)


def test_near_duplicate_found_across_runs(tmp_path):
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    first_dir.mkdir()
    second_dir.mkdir()
    shutil.copyfile(ARTICLES / "004_ef71887a7f14ced2.txt", first_dir / "004.txt")
    shutil.copyfile(ARTICLES / "002_aa01b27a992f3dc4.txt", second_dir / "002.txt")
    shutil.copyfile(ARTICLES / "000_8c9f9b6f66427fb3.txt", second_dir / "000.txt")
    first = ingest_directory(first_dir, run_id="r1", known_article_ids=[], now=NOW)
    second = ingest_directory(
        second_dir,
        run_id="r2",
        known_article_ids=set(first.articles["article_id"]),
        known_paragraphs=first.paragraphs,
        now=NOW,
    )
    near = dict(zip(second.articles["source_file"], second.articles["near_duplicate_of"]))
    assert near == {"000.txt": None, "002.txt": first.articles["article_id"][0]}


def test_near_duplicates_prefer_the_earlier_article():
    shared = [
        "At the height of its power between 2014 and 2016, ISIS controlled an area roughly the size of Great Britain.",
        "British troops withdrew from Taji military camp in northern Baghdad and handed over the training mission.",
        "International forces handed control of six other military bases to the Iraqis in March this year.",
    ]
    own = ["Talks began in Erbil on Monday between the two ministries about coordination rooms.",
           "A wholly different paragraph about the weather in Sulaimani and the price of bread."]
    bodies = ["\n\n".join([own[0], *shared]), "\n\n".join([*shared, own[1]]), "\n\n".join(own)]
    ids = [article_id_for(b) for b in bodies]
    articles = pl.DataFrame(
        {"article_id": ids, "body": bodies, "published_at": [date(2020, 7, 29), date(2020, 7, 20), None]},
        schema={"article_id": pl.Utf8, "body": pl.Utf8, "published_at": pl.Date},
    )
    assert find_near_duplicates(articles).to_list() == [ids[1], None, None]
    # Fingerprints of an earlier run count before anything in this batch.
    known = paragraphs_frame(pl.DataFrame({"article_id": ["0123456789abcdef"], "body": ["\n\n".join(shared)]}))
    assert find_near_duplicates(articles, known).to_list() == ["0123456789abcdef", "0123456789abcdef", None]


# Background paragraphs as outlets append them to every story on the insurgency: word for word,
# over 80 characters, and three of them, enough to make any two such stories "copies".
BACKGROUND = [
    "ISIS sleeper cells continue to conduct insurgent activities such as bombings, ambushes, kidnappings and extortion.",
    "ISIS controlled swaths of land in Iraq and Syria in 2014 but was later declared defeated in the two countries.",
    "At the height of its power between 2014 and 2016, ISIS controlled an area roughly the size of Great Britain.",
]


def _story(index: int, background: list[str]) -> str:
    """An article of its own two paragraphs (words drawn at random, so no 5-gram of them recurs)
    around ``background``."""
    import random

    rng = random.Random(index)
    own = [" ".join(f"w{rng.randrange(10**7)}" for _ in range(16)) for _ in range(2)]
    return "\n\n".join([own[0], *background, own[1]])


def _stories(first: int, count: int, background: list[str] = BACKGROUND) -> pl.DataFrame:
    bodies = [_story(i, background) for i in range(first, first + count)]
    return pl.DataFrame(
        {"article_id": [article_id_for(b) for b in bodies], "body": bodies,
         "published_at": [date(2020, 1, 1) + timedelta(days=i) for i in range(first, first + count)]},
        schema={"article_id": pl.Utf8, "body": pl.Utf8, "published_at": pl.Date},
    )


def test_a_background_paragraph_in_more_than_20_originals_is_no_sign_of_copying():
    """Three long paragraphs in common make two articles copies, unless more than
    COMMON_PARAGRAPH_ORIGINALS articles hold them: then they are the outlets' stock background."""
    from pipeline.ingest import COMMON_PARAGRAPH_ORIGINALS

    assert COMMON_PARAGRAPH_ORIGINALS == 20
    twenty = _stories(0, 20)
    links = find_near_duplicates(twenty).to_list()
    assert links == [None] + [twenty["article_id"][0]] * 19
    assert find_near_duplicates(_stories(0, 21)).to_list() == [None] * 21


def test_stock_paragraphs_count_stored_originals_and_the_batch():
    """Held by 15 stored originals and 5 of the batch's articles, the background is still
    evidence; by 15 and 6, it is stock. Stored near-copies do not count: the copies of one
    widely syndicated story do not make its own text stock."""
    import duckdb

    from pipeline.ingest import StoredFingerprints

    stored = _stories(0, 15)
    stored_rows = paragraphs_frame(stored).join(stored.select("article_id", "published_at"), on="article_id")
    original = stored["article_id"][0]
    assert find_near_duplicates(_stories(100, 5), stored_rows).to_list() == [original] * 5
    assert find_near_duplicates(_stories(100, 6), stored_rows).to_list() == [None] * 6

    # 30 stored copies of the first story: not originals, so the 6 new articles still link.
    copies = pl.concat([stored.head(1)] * 30).with_columns(
        article_id=pl.Series([f"{i:016x}" for i in range(30)]), published_at=pl.lit(date(2021, 1, 1)))
    copy_rows = paragraphs_frame(copies).join(copies.select("article_id", "published_at"), on="article_id")
    with_copies = pl.concat([
        stored_rows.with_columns(near_duplicate_of=pl.lit(None, dtype=pl.Utf8)),
        copy_rows.with_columns(near_duplicate_of=pl.lit(original)),
    ])
    warehouse = duckdb.connect()
    warehouse.register("rows", with_copies.to_arrow())
    warehouse.execute("CREATE TABLE article_paragraphs AS SELECT * FROM rows")
    by_table = StoredFingerprints(warehouse)
    by_table.add_stored_query("SELECT article_id, published_at, paragraph_hash, near_duplicate_of FROM article_paragraphs")
    by_batches = StoredFingerprints()
    for frame in (stored, copies):
        by_batches.add_batch(fingerprints(frame), frame["published_at"],
                             pl.Series([original if frame is copies else None] * frame.height, dtype=pl.Utf8))
    for index in (by_table, StoredFingerprints.from_frames([with_copies]), by_batches):
        assert find_near_duplicates(_stories(100, 5), index).to_list() == [original] * 5
        assert find_near_duplicates(_stories(100, 6), index).to_list() == [None] * 6
        index.close()
    # Counted as originals, the copies make the background stock at once.
    assert find_near_duplicates(_stories(100, 1), with_copies.drop("near_duplicate_of")).to_list() == [None]


def test_manifest_bad_date_and_missing_file_are_logged(landing):
    manifest = landing / "manifest.csv"
    manifest.write_text(
        manifest.read_text().replace("2020-05-03", "May the third") + "ghost.txt,Rudaw,2020-01-01,x\n"
    )
    b = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    row = _by_file(b)["003_09ded475ebf546e7.txt"]
    assert row["published_at"] is None and row["published_at_basis"] == "unknown"
    log = dict(zip(b.log["path"], b.log["reason"]))
    assert "'May the third' is not a date" in log["003_09ded475ebf546e7.txt"]
    ghost = b.log.filter(pl.col("path") == "ghost.txt")
    assert ghost["status"].to_list() == ["quarantined"]
    assert "manifest names a file that does not exist" in ghost["reason"][0]


def test_jsonl_lines_and_html_metadata(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    body = (ARTICLES / "003_09ded475ebf546e7.txt").read_text()
    (landing / "feed.jsonl").write_text(
        '{"text": %s, "source": "Kurdistan 24", "published_at": "2020-05-03T08:00:00Z", "url": "https://k24/x"}\n'
        "not json\n\n"
        '{"text": ""}\n' % _json_str(body)
    )
    (landing / "page.html").write_text(
        "<html><head><title>ISIS attack kills three in Diyala | Rudaw</title>"
        '<meta property="article:published_time" content="2020-05-02"></head><body><article>'
        "<h1>ISIS attack kills three in Diyala</h1><p>BAQUBA, Iraq – Three police officers were killed in an "
        "attack on a police station in Diyala province on Saturday, officials said.</p><p>Two others were "
        "wounded, according to a security source who spoke to reporters on condition of anonymity.</p>"
        "</article></body></html>"
    )
    b = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    statuses = dict(zip(b.log["path"], b.log["status"]))
    assert statuses == {
        "feed.jsonl#L1": "loaded",
        "feed.jsonl#L2": "quarantined",
        "feed.jsonl#L4": "quarantined",
        "page.html": "loaded",
    }
    rows = _by_file(b)
    line = rows["feed.jsonl#L1"]
    assert (line["source"], line["url"], line["published_at"], line["published_at_basis"]) == (
        "Kurdistan 24", "https://k24/x", date(2020, 5, 3), "manifest")
    page = rows["page.html"]
    assert page["headline"] == "ISIS attack kills three in Diyala"
    assert page["dateline"] == "BAQUBA, Iraq"
    assert page["published_at"] == date(2020, 5, 2) and page["published_at_basis"] == "manifest"
    assert page["body"].startswith("Three police officers were killed")


def _json_str(text: str) -> str:
    import json

    return json.dumps(text)


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        ("plain ASCII text".encode(), True),
        ("‘curly’ – dash".encode("utf-8"), True),
        (b"\xef\xbb\xbfwith a BOM", True),
        ("UTF-16 text with a BOM".encode("utf-16"), True),
        ("UTF-16 text without a BOM, long enough".encode("utf-16-le"), True),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False),
        (b"%PDF-1.7 binary", False),
        (b"text\x00with\x00nuls\x00\x01\x02", False),
    ],
)
def test_decode_bytes(data, ok):
    text, how = decode_bytes(data)
    assert (text is not None) is ok, how
    if ok:
        assert "\ufeff" not in text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The Peshmerga said on Monday that the attack was repelled and that two militants were killed.", "en"),
        ("قالت مصادر أمنية إن مسلحين من تنظيم داعش هاجموا قرية في محافظة ديالى يوم الاثنين", "ar"),
        ("هێزەکانی پێشمەرگە لە سنووری کەرکووک هێرشێکی داعشیان تێکشکاند و سێ چەکدار کوژران", "ckb"),
        ("نیروهای پیشمرگه گفتند که حمله داعش در نزدیکی کرکوک دفع شد و چند نفر کشته شدند", "fa"),
        ("Pêşmerge û artêşa Iraqê li Kerkûkê ji bo ewlehiyê hevdîtin kirin ku ev yek girîng e", "ku"),
        ("Irak ordusu ve Peşmerge bir ortak koordinasyon merkezi için anlaştı ve bu çok önemli", "tr"),
        ("12345 !!! ???", "und"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


def test_known_paragraphs_as_the_warehouse_reads_them(tmp_path):
    """pipeline.stages passes article_id, published_at, paragraph_hash (no paragraph_idx)."""
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    first_dir.mkdir()
    second_dir.mkdir()
    shutil.copyfile(ARTICLES / "004_ef71887a7f14ced2.txt", first_dir / "004.txt")
    shutil.copyfile(ARTICLES / "002_aa01b27a992f3dc4.txt", second_dir / "002.txt")
    first = ingest_directory(first_dir, run_id="r1", known_article_ids=[], now=NOW)
    stored = first.paragraphs.join(first.articles.select("article_id", "published_at"), on="article_id").select(
        "article_id", "published_at", "paragraph_hash"
    )
    second = ingest_directory(
        second_dir, run_id="r2", known_article_ids=set(first.articles["article_id"]), known_paragraphs=stored, now=NOW
    )
    assert second.articles["near_duplicate_of"].to_list() == first.articles["article_id"].to_list()


def test_saved_web_page_with_a_txt_name_is_read_as_html(tmp_path):
    landing = tmp_path / "l"
    landing.mkdir()
    (landing / "page.txt").write_text(
        "<!DOCTYPE html><html><head><title>Mortar attack hits Tuz Khurmatu</title></head><body><article>"
        "<h1>Mortar attack hits Tuz Khurmatu</h1><p>Three mortar rounds struck a residential area of Tuz "
        "Khurmatu on Tuesday evening, wounding two civilians, local officials said.</p></article></body></html>"
    )
    b = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
    row = b.articles.row(0, named=True)
    assert row["headline"] == "Mortar attack hits Tuz Khurmatu"
    assert "<" not in row["body"] and row["body"].startswith("Three mortar rounds")


def _refuse(*args, **kwargs):
    raise AssertionError("an unchanged file was parsed again")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """1,000 articles of the seeded benchmark generator (monthly folders with manifests)."""
    from pipeline.bench.corpus import generate_corpus

    out = tmp_path_factory.mktemp("generated")
    generate_corpus(out, 1000, 3)
    return out / "articles"


def test_unchanged_files_are_not_parsed_again(generated, tmp_path, monkeypatch):
    """A second run over the same 1,000 generated files (plus a JSONL file and a quarantined
    file) decodes, cleans and fingerprints nothing; an edited and a new file are read."""
    import pipeline.ingest as ingest_mod

    landing = tmp_path / "articles"
    shutil.copytree(generated, landing)
    sample = (ARTICLES / "002_aa01b27a992f3dc4.txt").read_text()
    (landing / "feed.jsonl").write_text(
        '{"text": %s, "published_at": "2020-07-21"}\n\nnot json\n' % json.dumps(sample)
    )
    (landing / "scan.txt").write_bytes(b"%PDF-1.4 binary")
    first = ingest_directory(landing, run_id="r1", known_article_ids=[], now=NOW)
    assert first.articles.height > 900
    known_files = first.log.select("path", "content_sha256", "status", "article_id", "reason")
    known_ids = set(first.articles["article_id"])
    assert first.log.filter(pl.col("path").str.ends_with(".txt"))["file_size"].null_count() == 0

    for name in ("clean_article", "detect_language"):
        monkeypatch.setattr(ingest_mod, name, _refuse)
    decoded: list[bytes] = []
    real_decode = ingest_mod.decode_bytes
    monkeypatch.setattr(ingest_mod, "decode_bytes", lambda data: decoded.append(data) or real_decode(data))
    second = ingest_directory(
        landing, run_id="r2", known_article_ids=known_ids, known_paragraphs=first.paragraphs,
        known_files=known_files, now=NOW, workers=1,  # in this process, where the cleaner is patched
    )
    monkeypatch.undo()
    # Only the manifests are decoded again, and the JSONL file (to hash its lines, which are
    # then not parsed).
    manifests = [d for d in decoded if d.startswith(b"file,")]
    assert len(manifests) == len(list(landing.rglob("manifest.csv"))) > 0
    assert [d for d in decoded if not d.startswith(b"file,")] == [(landing / "feed.jsonl").read_bytes()]
    assert second.articles.height == second.sentences.height == second.paragraphs.height == 0
    assert second.log.height == first.log.height
    log = {row["path"]: row for row in second.log.iter_rows(named=True)}
    before = {row["path"]: row for row in first.log.iter_rows(named=True)}
    for path, row in before.items():
        if path.endswith("manifest.csv"):
            assert log[path]["status"] == "loaded"  # manifests are read every run: they may change
        elif row["status"] == "quarantined":
            assert log[path]["status"] == "quarantined"
            assert log[path]["reason"] == f"unchanged: {row['reason']}"
        else:
            assert log[path]["status"] == "duplicate", path
            assert log[path]["article_id"] == row["article_id"]
            assert log[path]["reason"] == f"unchanged since an earlier run (article {row['article_id']})"
    assert log["scan.txt"]["reason"].startswith("unchanged: binary or undecodable")
    assert log["feed.jsonl#L1"]["status"] == "duplicate" and log["feed.jsonl#L3"]["status"] == "quarantined"

    # An edited file and a new one are read; the unchanged ones still are not re-read, and an
    # article the warehouse no longer holds is read again rather than lost.
    edited = sorted(p for p in landing.rglob("*.txt") if p.name != "scan.txt")[0]
    edited.write_text(edited.read_text() + "\n\nThe ministry said the operation was continuing.\n")
    shutil.copyfile(ARTICLES / "004_ef71887a7f14ced2.txt", landing / "zz_new.txt")
    dropped = first.log.filter(pl.col("path") == "feed.jsonl#L1")["article_id"][0]
    third = ingest_directory(
        landing, run_id="r3", known_article_ids=known_ids - {dropped}, known_files=known_files, now=NOW,
    )
    assert sorted(third.articles["source_file"]) == sorted(
        [edited.relative_to(landing).as_posix(), "feed.jsonl#L1", "zz_new.txt"]
    )
    read_before = first.log.filter((pl.col("status") != "quarantined") & ~pl.col("path").str.ends_with("manifest.csv"))
    skipped = third.log.filter(pl.col("reason").str.starts_with("unchanged since"))["path"].to_list()
    assert sorted(skipped) == sorted(set(read_before["path"]) - {edited.relative_to(landing).as_posix(), "feed.jsonl#L1"})


def test_files_with_the_logged_size_and_mtime_are_not_read(generated, tmp_path, monkeypatch):
    import pipeline.ingest as ingest_mod

    landing = tmp_path / "articles"
    shutil.copytree(generated, landing)
    first = ingest_directory(landing, run_id="r1", known_article_ids=[], now=NOW)
    known_files = first.log.select("path", "content_sha256", "status", "article_id", "reason",
                                   "file_size", "file_mtime_ns")
    known_ids = set(first.articles["article_id"])
    texts = sorted(p for p in landing.rglob("*.txt"))
    touched, rewritten = texts[0], texts[1]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    # Same size, same mtime, other bytes: the stat check cannot see it (as with rsync's default).
    stat = rewritten.stat()
    data = bytearray(rewritten.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
    rewritten.write_bytes(bytes(data))
    os.utime(rewritten, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    read: list[str] = []
    real_read = ingest_mod._read_limited
    monkeypatch.setattr(ingest_mod, "_read_limited", lambda path, limit: read.append(path) or real_read(path, limit))
    second = ingest_directory(landing, run_id="r2", known_article_ids=known_ids, known_paragraphs=first.paragraphs,
                              known_files=known_files, now=NOW, workers=1)
    monkeypatch.undo()
    assert sorted(Path(p).name for p in read if not p.endswith("manifest.csv")) == [touched.name]
    log = {row["path"]: row for row in second.log.iter_rows(named=True)}
    rel = touched.relative_to(landing).as_posix()
    # The touched file was read, hashed, found unchanged, and logged with its new mtime.
    assert log[rel]["status"] == "duplicate" and log[rel]["file_mtime_ns"] == touched.stat().st_mtime_ns
    assert log[rewritten.relative_to(landing).as_posix()]["status"] == "duplicate"
    assert second.articles.height == 0


def test_batches_add_up_to_the_single_batch(generated, tmp_path):
    import tracemalloc

    from pipeline.ingest import ingest_batches

    landing = tmp_path / "articles"
    shutil.copytree(generated, landing)
    first_file = sorted(landing.rglob("*.txt"))[0]
    shutil.copyfile(first_file, landing / "zz_copy.txt")  # an exact copy, read in the last batch
    one = ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW, workers=1)
    # tracemalloc sees the Python-side rows (texts, dicts), not the polars frames kept here;
    # one process, so that what it sees is the batching, not parsing moved to workers.
    tracemalloc.start()
    try:
        ingest_directory(landing, run_id="r", known_article_ids=[], now=NOW)
        peak_one = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        batches = list(
            ingest_batches(landing, run_id="r", known_article_ids=[], now=NOW, batch_files=150, workers=1)
        )
        peak_batched = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    n_entries = one.log.height
    assert len(batches) == -(-n_entries // 150)
    assert all(b.log.height == 150 for b in batches[:-1])

    log = pl.concat([b.log for b in batches])
    assert log.select("path", "status", "article_id", "file_size", "file_mtime_ns").sort("path").equals(
        one.log.select("path", "status", "article_id", "file_size", "file_mtime_ns").sort("path")
    )
    assert log.filter(pl.col("path").str.ends_with(".txt"))["file_size"].null_count() == 0
    copy_row = log.filter(pl.col("path") == "zz_copy.txt").row(0, named=True)
    assert copy_row["status"] == "duplicate"
    assert f"first read from {first_file.relative_to(landing).as_posix()}" in copy_row["reason"]

    articles = pl.concat([b.articles for b in batches])
    assert articles["article_id"].is_unique().all()
    assert articles.drop("near_duplicate_of").sort("article_id").equals(
        one.articles.drop("near_duplicate_of").sort("article_id")
    )
    for name in ("sentences", "paragraphs"):
        keys = ["article_id", "sentence_idx" if name == "sentences" else "paragraph_idx"]
        assert pl.concat([getattr(b, name) for b in batches]).sort(keys).equals(getattr(one, name).sort(keys))
    # Near-duplicates still link across batches: to this batch's articles or earlier ones.
    assert articles["near_duplicate_of"].is_not_null().sum() >= one.articles["near_duplicate_of"].is_not_null().sum()
    seen: set[str] = set()
    for b in batches:
        seen |= set(b.articles["article_id"])
        assert set(b.articles["near_duplicate_of"].drop_nulls()) <= seen
    # Rows of finished batches are not kept: the Python-side peak of a batch is far below the
    # whole directory's.
    assert peak_batched < 0.5 * peak_one


def test_stored_fingerprints_read_in_chunks_or_added_by_batch_agree(generated, tmp_path):
    """The stored index gives the same links however it was built: from the warehouse's
    fingerprint strings in a DuckDB table (as pipeline.stages reads them), in one frame, in small
    chunks, or from the batches of this run; and stock 5-grams of the stored articles alone, and
    stock paragraphs, are exercised."""
    import duckdb

    from pipeline.ingest import StoredFingerprints

    whole = ingest_directory(generated, run_id="r", known_article_ids=[], now=NOW, workers=1)
    articles = whole.articles.sort("article_id")
    stored_articles, new_articles = articles.head(700), articles.tail(articles.height - 700)
    stored_rows = (
        paragraphs_frame(stored_articles)
        .join(stored_articles.select("article_id", "published_at", "near_duplicate_of"), on="article_id")
        .select("article_id", "published_at", "paragraph_hash", "near_duplicate_of")
    )
    assert stored_rows["near_duplicate_of"].is_not_null().any()
    warehouse = duckdb.connect(str(tmp_path / "stored.duckdb"))
    warehouse.register("stored_rows", stored_rows.to_arrow())
    warehouse.execute("CREATE TABLE article_paragraphs AS SELECT * FROM stored_rows")
    warehouse.unregister("stored_rows")
    by_table = StoredFingerprints(warehouse)
    by_table.add_stored_query(
        "SELECT article_id, published_at, paragraph_hash, near_duplicate_of FROM article_paragraphs")
    by_frame = StoredFingerprints.from_frames([stored_rows])
    by_chunks = StoredFingerprints.from_frames(stored_rows.iter_slices(97))
    by_batches = StoredFingerprints()
    for first in range(0, 700, 250):
        part = stored_articles.slice(first, 250)
        by_batches.add_batch(fingerprints(part), part["published_at"], part["near_duplicate_of"])

    indexes = (by_table, by_frame, by_chunks, by_batches)
    links = [find_near_duplicates(new_articles, index).to_list() for index in indexes]
    assert links[0] == links[1] == links[2] == links[3]
    assert find_near_duplicates(new_articles, stored_rows).to_list() == links[0]
    assert set(links[0]) & set(stored_articles["article_id"])  # some links go to stored articles

    def matched(index):
        """What the index hands a batch of the new articles: (stored article, 5-gram), (stored
        article, exact hash), the stock 5-grams and the stock paragraphs."""
        found, stock, stock_paragraphs = index.matching(fingerprints(new_articles), offset=0, exclude=[])
        named = [frame.select(article_id=found.ids.gather(frame["aix"]), key=frame[key]).sort(pl.all())
                 for frame, key in ((found.samples, "s"), (found.paragraphs, "h"))]
        return named[0], named[1], stock.sort(), stock_paragraphs.sort()

    from_table = matched(by_table)
    assert from_table[0].height and from_table[1].height and from_table[2].len() and from_table[3].len()
    for index in indexes[1:]:
        for got, expected in zip(matched(index), from_table):
            assert got.equals(expected)
    assert all(len(index) == 700 for index in indexes)
    for index in indexes:
        index.close()
    assert warehouse.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall() == [(0,)]
