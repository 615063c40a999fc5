"""Generate a hostile landing directory: every way a real drop folder goes wrong.

Nothing binary is committed: `build_hostile_corpus` writes the files under a directory the
test owns (tmp_path). It returns what each input should become, so tests can check that every
file is accounted for exactly once and that the good files still load.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ENGLISH_ARTICLE = """ISIS gunmen kill three in Diyala village attack

BAQUBA, Iraq — Suspected Islamic State militants attacked a village in Diyala province on Monday night, killing three civilians and wounding five others, a local security official said.

The attackers fled towards the Hamrin Mountains after the assault, the official told reporters, adding that Iraqi forces had launched a search operation in the area.

Diyala has seen a rise in attacks by ISIS sleeper cells since the start of the year, with militants exploiting security gaps between Iraqi and Kurdish forces.
"""

SECOND_ARTICLE = """Peshmerga and Iraqi army open joint coordination room in Kirkuk

KIRKUK, Iraq – Officers of the Peshmerga and the Iraqi army opened a joint coordination room in Kirkuk on Sunday, the Ministry of Peshmerga Affairs said in a statement.

The room is the first of three agreed by Baghdad and Erbil to close the security gaps that ISIS has used in the disputed territories.
"""

ARABIC_ARTICLE = """هجوم لداعش في ديالى

قالت مصادر أمنية عراقية إن مسلحين من تنظيم داعش هاجموا قرية في محافظة ديالى يوم الاثنين، مما أسفر عن مقتل ثلاثة مدنيين وإصابة خمسة آخرين.

وأضافت المصادر أن القوات الأمنية بدأت عملية تفتيش واسعة في المنطقة بحثا عن المهاجمين.
"""

SORANI_ARTICLE = """هێرشی داعش لە کەرکووک

هێزەکانی پێشمەرگە لە سنووری کەرکووک هێرشێکی چەکدارانی داعشیان تێکشکاند و سێ چەکداری ڕێکخراوەکە کوژران، بەپێی بەیاننامەیەکی وەزارەتی پێشمەرگە.

وەزارەتەکە ڕایگەیاند کە ئۆپەراسیۆنەکە بە هاوکاری هێزەکانی سوپای عێراق و لە ژێر چاودێری هاوپەیمانان ئەنجام دراوە و هێڵی بەرگری پتەو کراوە.
"""

GOOD_HTML = """<!DOCTYPE html><html><head>
<title>Coalition hands over base to Iraqi forces | Rudaw</title>
<meta property="og:site_name" content="Rudaw">
<meta property="article:published_time" content="2020-07-16T09:30:00+03:00">
<link rel="canonical" href="https://www.rudaw.net/english/middleeast/iraq/160720201">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Coalition hands over base to Iraqi forces</h1>
<p>ERBIL, Kurdistan Region – British troops withdrew from Taji military camp in northern Baghdad on Thursday and handed over the training mission to Iraqi security forces, according to an official statement from the coalition.</p>
<p>International forces handed control of six other military bases to the Iraqis in March, as the US-led coalition repositioned its troops.</p>
<p>Read more: Coalition withdraws from K1 base in Kirkuk</p>
</article>
<footer>Copyright © 2020 Rudaw. All rights reserved.</footer>
</body></html>
"""

# ISO-8859/cp1252 English: curly quotes and a dash are single high bytes, invalid as UTF-8.
CP1252_ARTICLE = (
    "Suicide bomber strikes Baghdad market\n\n"
    "BAGHDAD (Reuters) - A suicide bomber blew himself up in a crowded market in eastern Baghdad "
    "on Thursday, killing at least 12 people, police said. \u201cIt was a massacre,\u201d a witness said "
    "\u2013 the deadliest attack in the capital this year.\n"
)


@dataclass
class Expected:
    """What one input should become."""

    status: str | tuple[str, ...]
    reason_contains: str | None = None
    language: str | None = None
    line_statuses: dict[int, str] = field(default_factory=dict)  # JSONL: line number -> status


def _write(path: Path, data: bytes | str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def _png() -> bytes:
    # A real 1x1 PNG, built here so no binary blob lives in the repository.
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def build_hostile_corpus(root: Path, outside: Path, *, big_mb: int = 50) -> dict[str, Expected]:
    """Write the hostile corpus under ``root`` (and a target file under ``outside``).

    Returns {relative POSIX path: Expected}. ``outside`` must not be inside ``root``.
    """
    root.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    exp: dict[str, Expected] = {}

    _write(root / "empty.txt", b"")
    exp["empty.txt"] = Expected("quarantined", "empty file")
    _write(root / "whitespace.txt", "  \n\t\n \u00a0\r\n   ")
    exp["whitespace.txt"] = Expected("quarantined", "empty")

    _write(root / "image.txt", _png())
    exp["image.txt"] = Expected("quarantined", "binary or undecodable")
    _write(root / "picture.png", _png())
    exp["picture.png"] = Expected("quarantined", "unsupported file type")
    _write(root / "scan.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    exp["scan.pdf"] = Expected("quarantined", "unsupported file type")

    _write(root / "nul_bytes.txt", b"ISIS attack\x00\x00\x01 in Diyala\x00 killed \x00\x00 three" * 20)
    exp["nul_bytes.txt"] = Expected("quarantined", "binary or undecodable")

    rng = random.Random(7)
    _write(root / "garbage.txt", bytes(rng.randrange(128, 256) for _ in range(4000)))
    exp["garbage.txt"] = Expected("quarantined", "binary or undecodable")

    _write(root / "legacy_cp1252.txt", CP1252_ARTICLE, encoding="cp1252")
    exp["legacy_cp1252.txt"] = Expected("loaded", language="en")

    _write(root / "arabic_cp1256.txt", ARABIC_ARTICLE, encoding="cp1256")
    exp["arabic_cp1256.txt"] = Expected("loaded", language="ar")
    _write(root / "utf16_bom.txt", codecs.BOM_UTF16_LE + SECOND_ARTICLE.encode("utf-16-le"))
    exp["utf16_bom.txt"] = Expected("loaded", language="en")
    _write(root / "utf8_bom.txt", codecs.BOM_UTF8 + ENGLISH_ARTICLE.replace("three", "four").encode())
    exp["utf8_bom.txt"] = Expected("loaded", language="en")
    _write(root / "kurdish" / "sorani.txt", SORANI_ARTICLE)
    exp["kurdish/sorani.txt"] = Expected("loaded", language="ckb")

    # 50 MB of repeated lines, written in large blocks so generation stays fast.
    line = b"The quick report of an attack in Anbar repeated to fill a very large file.\n"
    block = line * (1024 * 1024 // len(line) + 1)
    with open(root / "huge.txt", "wb") as fh:
        for _ in range(big_mb):
            fh.write(block)
    exp["huge.txt"] = Expected("quarantined", "too large")

    _write(root / "html" / "good.html", GOOD_HTML)
    exp["html/good.html"] = Expected("loaded", language="en")
    _write(
        root / "html" / "broken.html",
        "<html><head><title>Broken</title><body><div><p>Unclosed <b>bold <i>and italic "
        "<table><tr><td>cell</p></div></span>" * 50 + "<p>Trailing text without end",
    )
    exp["html/broken.html"] = Expected(("loaded", "quarantined"))
    _write(
        root / "html" / "deep.htm",
        "<html><body>" + "<div>" * 10_000 + "<p>Buried text.</p>" + "</div>" * 10_000 + "</body></html>",
    )
    exp["html/deep.htm"] = Expected("quarantined", "nested too deeply")
    _write(root / "html" / "empty.html", "<html><head></head><body></body></html>")
    exp["html/empty.html"] = Expected("quarantined", "no article text")

    lines = [
        json.dumps({"text": SECOND_ARTICLE.replace("Sunday", "Tuesday"), "source": "Shafaq News",
                    "published_at": "2020-08-02"}),
        "{not json at all",
        "",
        json.dumps(["a", "list"]),
        json.dumps({"title": "No text here"}),
        json.dumps({"text": "ISIS attack repelled near Makhmour, officials said on Monday in a statement.",
                    "title": "Attack repelled near Makhmour", "published_at": "last Tuesday"}),
        "[" * 100_000,
        json.dumps({"text": ENGLISH_ARTICLE}),  # the same story as the .txt copies below
    ]
    _write(root / "feeds" / "wire.jsonl", "\n".join(lines) + "\n")
    exp["feeds/wire.jsonl"] = Expected(
        "mixed",
        line_statuses={1: "loaded", 2: "quarantined", 4: "quarantined", 5: "quarantined", 6: "loaded",
                       7: "quarantined", 8: "duplicate"},
    )

    # The same story under three names, one with other boilerplate around it.
    _write(root / "copies" / "copy one.txt", ENGLISH_ARTICLE)
    _write(root / "copies" / "copy 'two' \"quoted\".txt", "In Rudaw\n\n" + ENGLISH_ARTICLE + "\nRead more: Other story\n\nback to top\n")
    _write(root / "copies" / "نسخة ثالثة – ü.txt", ENGLISH_ARTICLE.replace("\n", "\r\n"))
    exp["copies/copy 'two' \"quoted\".txt"] = Expected("loaded")  # sorts first: it is the one loaded
    exp["copies/copy one.txt"] = Expected("duplicate", "duplicate of article")
    exp["copies/نسخة ثالثة – ü.txt"] = Expected("duplicate", "duplicate of article")

    _write(root / "copies" / "only boilerplate.txt", "Read more: Something else\n\nback to top\n\nShare on Facebook\n")
    exp["copies/only boilerplate.txt"] = Expected("quarantined")

    # A file name that is not valid UTF-8 (Linux allows it; some file systems refuse).
    try:
        with open(os.fsencode(root) + b"/bad-\xff-name.txt", "wb") as fh:
            fh.write(SECOND_ARTICLE.replace("Sunday", "Friday").encode())
        exp["bad-\\xff-name.txt"] = Expected("loaded")
    except OSError:
        pass

    (outside / "secret.txt").write_text(ENGLISH_ARTICLE.replace("three", "nine"))
    os.symlink(outside / "secret.txt", root / "escape.txt")
    exp["escape.txt"] = Expected("quarantined", "outside the landing directory")
    os.symlink(outside, root / "escape_dir")
    exp["escape_dir"] = Expected("quarantined", "outside the landing directory")
    os.symlink(root / "missing-target.txt", root / "dangling.txt")
    exp["dangling.txt"] = Expected("quarantined", "broken symlink")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")  # opening it would block for ever
        exp["pipe.txt"] = Expected("quarantined", "not a regular file")

    _write(root / "notes.md", "# Notes\n\nnot an article")
    exp["notes.md"] = Expected("quarantined", "unsupported file type")

    _write(
        root / "manifest.csv",
        "file,source,published_at,url,comment\n"
        "legacy_cp1252.txt,Reuters,2021-03-04,https://example.org/a,ok\n"
        "utf16_bom.txt,Rudaw,not-a-date,,bad date\n"
        "utf8_bom.txt,Kurdistan 24,2020-02-30T10:00:00,,impossible date\n"
        "does-not-exist.txt,Rudaw,2020-01-01,,missing\n"
        "ragged-row-only-file.txt\n",
    )
    exp["manifest.csv"] = Expected("loaded", "manifest")
    exp["does-not-exist.txt"] = Expected("quarantined", "manifest names a file that does not exist")
    exp["ragged-row-only-file.txt"] = Expected("quarantined", "manifest names a file that does not exist")
    return exp
