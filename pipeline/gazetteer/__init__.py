"""The gazetteer: Iraq's provinces, places and the armed actors and bodies named in reporting.

Data lives in ``data/*.csv`` (one row per place or actor, aliases ``|``-separated) so that an
analyst can correct it without touching code; ``data/README.md`` gives the sources.

* Provinces: the ISO 3166-2:IQ codes and official names come from pycountry at load time;
  ``provinces.csv`` only maps each COD-AB governorate P-code (IQGnn) to its ISO code once and
  adds the press-English name, the Kurdistan Region flag and the spellings used in reporting.
* Places: governorates (from ``provinces.csv``), the 101 districts and 294 sub-districts of
  COD-AB 2019 and the non-administrative places of security reporting (towns, bases,
  mountains, crossings, ...) in ``places.csv``. Provinces there are written by their press
  name and resolved to ISO codes here, so ISO codes are typed in exactly one file.
* Actors: ``actors.csv``.
* Aliases: derived here, never hand-copied. Every canonical name and listed alias is expanded
  into the spelling variants found in English-language reporting (straight/curly apostrophe
  or none, "al-"/"Al-"/"al "/no article, hyphen or space) and de-duplicated.

Matching rules the ``aliases`` frame encodes (the mention matcher must honour them):

* ``case_sensitive``: match the surface with its exact capitalisation. Set for acronyms
  ("IS", "KRI", "PMF"), for every surface of four letters or fewer ("Hit", "Tuz", "Kut",
  "Anah", "K1") and for every ``needs_context`` surface, because the lower-case form is an
  ordinary word ("is", "hit") or a different word altogether.
* ``needs_context``: the surface is also a common English word, a personal name ("Qasim",
  "Mansour", "al-Baghdadi"), a Gulf capital ("Riyadh") or a generic phrase ("the
  coalition"). Accept it only with corroboration. For a place: a locative cue right before
  it ("in", "near", "at", "from", "to", "outside", "around", "of", "west of", ...) or a
  place noun right after it ("district", "sub-district", "town", "city", "village", "area",
  "province", "base", "crossing", "mountains"), or an apposition with a province
  ("Hit, Anbar"). For an organisation: another, unambiguous surface of the same canonical
  actor in the same article.
* ``ambiguous``: the surface names more than one distinct entity (two canonical names, or
  one name in two provinces). ``canonical`` is then the preferred reading (the higher
  administrative tier: a governorate outranks a district or town, which outranks a
  sub-district, base or landmark, which outranks a neighbourhood or village) and
  ``alternatives`` lists the others. ``province_code`` is kept only when every reading lies
  in the same province, or the preferred reading is a governorate, district or city that
  outranks all the others; otherwise it is null,
  so an ambiguous surface never silently decides an incident's province.
* A place spanning several provinces (the Kurdistan Region, the Hamrin Mountains, the
  Jazira desert) has a null ``province_code`` and lists the provinces it touches in
  ``places.provinces``: a region-only mention must not give an incident a governorate.
  A region inside one province (the Nineveh Plains) keeps that province.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import polars as pl
import pycountry

__all__ = ["Gazetteer", "load_gazetteer", "spelling_variants", "surface_key", "DATA_DIR",
           "PLACE_TYPES", "ACTOR_TYPES"]

DATA_DIR = Path(__file__).parent / "data"

PLACE_TYPES = (
    "governorate", "region", "district", "subdistrict", "city", "town", "village",
    "mountain", "base", "landmark", "crossing", "neighbourhood", "desert", "river",
)
ACTOR_TYPES = (
    "insurgent", "state_security", "militia", "kurdish_security", "foreign_military",
    "government_body", "ministry", "legislature", "other",
)

# Administrative weight of a reading, used only to order the readings of an ambiguous
# surface: a bare name in the news usually means the larger or better-known unit.
_TIER = {
    "governorate": 0, "region": 0,
    "city": 1, "district": 1,
    "town": 2, "subdistrict": 2, "base": 2, "mountain": 2, "landmark": 2, "crossing": 2,
    "desert": 2, "river": 2,
    "neighbourhood": 3, "village": 3,
}
_ORGANISATION_TIER = 0

_APOSTROPHES = "'’‘ʼ`"
_APOS_RE = re.compile(f"[{_APOSTROPHES}]")
# An Arabic article written as its own token: "al-Anbar", "Al Qaim", "Hammam al-Alil".
_ARTICLE_RE = re.compile(r"(?<![\w'’])([Aa]l)([- ])(?=\w)")
# "Hurriya (Kufa)": the bracket tells two places apart in the data, it is never written.
_PAREN_RE = re.compile(r"\s*\([^)]*\)\s*$")
_SPACES_RE = re.compile(r"\s+")
_INNER_HYPHEN_RE = re.compile(r"(?<=\w)-(?=\w)")
_CODE_HYPHEN_RE = re.compile(r"\b[A-Z]{1,2}-\d")
_ACRONYM_RE = re.compile(r"^[A-Z0-9][A-Z0-9\-&./]*[A-Z0-9]$")


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Reference frames. See the module docstring for the matching rules of ``aliases``."""

    provinces: pl.DataFrame  # province_code, province_name, iso_name, cod_pcode, kurdistan_region
    places: pl.DataFrame     # place_id, name, place_type, province_code, provinces, district,
                             # disputed, ambiguous, note, source, cod_pcode, cod_name, iso_code, aliases
    actors: pl.DataFrame     # canonical, actor_type, aliases, parent, note
    aliases: pl.DataFrame    # surface, canonical, entity_type, kind, province_code, case_sensitive,
                             # needs_context, ambiguous, alternatives, place_id, surface_key

    def province_name(self, code: str | None) -> str | None:
        if code is None:
            return None
        hit = self.provinces.filter(pl.col("province_code") == code)
        return hit["province_name"][0] if hit.height else None

    def resolve(self, surface: str) -> dict | None:
        """The alias row for ``surface`` (exact if case-sensitive, else case-insensitive)."""
        for row in self._index.get(surface_key(surface), ()):
            if not row["case_sensitive"] or row["surface"] == surface:
                return dict(row)
        return None

    @cached_property
    def _index(self) -> dict[str, list[dict]]:
        index: dict[str, list[dict]] = {}
        for row in self.aliases.iter_rows(named=True):
            index.setdefault(row["surface_key"], []).append(row)
        return index


def surface_key(text: str) -> str:
    """The case- and apostrophe-insensitive key of a surface (``aliases.surface_key``)."""
    return _APOS_RE.sub("'", text).casefold()


_fold = surface_key


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _split(field: str | None) -> list[str]:
    if not field:
        return []
    return [part.strip() for part in field.split("|") if part.strip()]


def _flag(value: str | None, *, where: str) -> bool:
    value = (value or "").strip().lower()
    if value in ("true", "1", "yes", "y"):
        return True
    if value in ("", "false", "0", "no", "n"):
        return False
    raise ValueError(f"{where}: not a boolean: {value!r}")


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if any((v or "").strip() for v in row.values())]
    return [{k: (v or "").strip() for k, v in row.items()} for row in rows]


def spelling_variants(surface: str) -> list[str]:
    """The spellings reporting uses for one written form, the given form first.

    Apostrophe: straight, curly and dropped ("Ba'aj", "Ba’aj", "Baaj"). Article tokens:
    "al-"/"Al-"/"al "/"Al " and, at the start, no article ("al-Qaim" -> "Qaim"). Hyphens
    between words may also be spaces ("Tuz-Khurmatu").
    """
    return list(_spelling_variants(surface))


@lru_cache(maxsize=None)
def _spelling_variants(surface: str) -> tuple[str, ...]:
    forms = [surface]
    if _APOS_RE.search(surface):
        forms += [_APOS_RE.sub("'", surface), _APOS_RE.sub("’", surface),
                  _APOS_RE.sub("", surface)]
    out: list[str] = []
    for form in forms:
        for art in _article_variants(form):
            out.append(art)
            if _INNER_HYPHEN_RE.search(art) and not _CODE_HYPHEN_RE.search(art):
                out.append(_INNER_HYPHEN_RE.sub(" ", art))
    return tuple(dict.fromkeys(f for f in (_SPACES_RE.sub(" ", o).strip() for o in out) if f))


def _article_variants(form: str) -> list[str]:
    matches = list(_ARTICLE_RE.finditer(form))
    if not matches:
        return [form]
    # Rewrite every article token the same way; mixing styles within a name is not seen
    # in print and would only multiply surfaces.
    variants = []
    for style in ("al-", "Al-", "al ", "Al "):
        variants.append(_ARTICLE_RE.sub(style, form))
    if matches[0].start() == 0:
        bare = form[matches[0].end():]
        variants.append(bare[:1].upper() + bare[1:])
    return [form] + variants


def _auto_case_sensitive(surface: str) -> str | None:
    """Why a surface must keep its capitalisation, or None."""
    letters = re.sub(r"[^\w]", "", surface)
    if len(letters) <= 4:
        return "short"
    if _ACRONYM_RE.match(surface):
        return "acronym"
    return None


def _load_provinces() -> tuple[pl.DataFrame, list[dict]]:
    subdivisions = {s.code: s for s in pycountry.subdivisions.get(country_code="IQ")}
    rows = _read("provinces.csv")
    records, place_rows = [], []
    for row in rows:
        code = row["province_code"]
        sub = subdivisions.get(code)
        if sub is None or sub.type != "Governorate":
            raise ValueError(f"provinces.csv: {code} is not an ISO 3166-2:IQ governorate")
        kurdistan = _flag(row["kurdistan_region"], where=f"provinces.csv {code}")
        records.append({
            "province_code": code,
            "province_name": row["province_name"],
            "iso_name": sub.name,
            "cod_pcode": row["cod_pcode"],
            "kurdistan_region": kurdistan,
        })
        iso_plain = _ascii(sub.name)
        place_rows.append({
            "place_id": row["cod_pcode"],
            "name": row["province_name"],
            "place_type": "governorate",
            "provinces": [code],
            "district": None,
            "disputed": _flag(row.get("disputed"), where=f"provinces.csv {code}"),
            "ambiguous": False,
            "note": row.get("note") or None,
            "source": "cod_ab",
            "cod_pcode": row["cod_pcode"],
            "cod_name": row["cod_name"],
            "iso_code": code,
            "aliases": _split(row["aliases"]) + [sub.name, iso_plain],
            "context_aliases": _split(row.get("context_aliases")),
            "case_sensitive_aliases": [],
        })
    frame = pl.DataFrame(records, schema={
        "province_code": pl.String, "province_name": pl.String, "iso_name": pl.String,
        "cod_pcode": pl.String, "kurdistan_region": pl.Boolean,
    }).sort("province_code")
    return frame, place_rows


def _load_places(provinces: pl.DataFrame, governorate_rows: list[dict]) -> list[dict]:
    by_name = {}
    for rec in provinces.iter_rows(named=True):
        by_name[rec["province_name"].casefold()] = rec["province_code"]
        by_name[rec["province_code"].casefold()] = rec["province_code"]
    iq_codes = {s.code for s in pycountry.subdivisions.get(country_code="IQ")}
    places = list(governorate_rows)
    for i, row in enumerate(_read("places.csv"), start=2):
        where = f"places.csv line {i} ({row.get('name')})"
        if row["place_type"] not in PLACE_TYPES:
            raise ValueError(f"{where}: unknown place_type {row['place_type']!r}")
        codes = []
        for name in _split(row["provinces"]):
            code = by_name.get(name.casefold())
            if code is None:
                raise ValueError(f"{where}: unknown province {name!r}")
            codes.append(code)
        if not codes:
            raise ValueError(f"{where}: no province")
        iso_code = row.get("iso_code") or None
        if iso_code and iso_code not in iq_codes:
            raise ValueError(f"{where}: {iso_code} is not in ISO 3166-2:IQ")
        places.append({
            "place_id": row["place_id"],
            "name": row["name"],
            "place_type": row["place_type"],
            "provinces": codes,
            "district": row["district"] or None,
            "disputed": _flag(row["disputed"], where=where),
            "ambiguous": _flag(row["ambiguous"], where=where),
            "note": row["note"] or None,
            "source": row["source"],
            "cod_pcode": row["cod_pcode"] or None,
            "cod_name": row["cod_name"] or None,
            "iso_code": iso_code,
            "aliases": _split(row["aliases"]) + ([row["cod_name"]] if row["cod_name"] else []),
            "context_aliases": _split(row["context_aliases"]),
            "case_sensitive_aliases": _split(row.get("case_sensitive_aliases")),
        })
    ids = [p["place_id"] for p in places]
    if len(ids) != len(set(ids)):
        dupes = sorted({x for x in ids if ids.count(x) > 1})
        raise ValueError(f"places: duplicate place_id {dupes}")
    for place in places:
        # A place in one province carries its code; one spanning several (the Kurdistan
        # Region, the Hamrin range) carries none, whatever its type.
        single = len(place["provinces"]) == 1
        place["province_code"] = place["provinces"][0] if single else None
    return places


def _load_actors() -> list[dict]:
    actors = []
    for i, row in enumerate(_read("actors.csv"), start=2):
        if row["actor_type"] not in ACTOR_TYPES:
            raise ValueError(f"actors.csv line {i}: unknown actor_type {row['actor_type']!r}")
        actors.append({
            "canonical": row["canonical"],
            "actor_type": row["actor_type"],
            "aliases": _split(row["aliases"]),
            "context_aliases": _split(row["context_aliases"]),
            "case_sensitive_aliases": _split(row.get("case_sensitive_aliases")),
            "parent": row["parent"] or None,
            "note": row["note"] or None,
        })
    names = [a["canonical"] for a in actors]
    if len(names) != len(set(names)):
        raise ValueError("actors.csv: duplicate canonical name")
    return actors


def _build_aliases(places: list[dict], actors: list[dict]) -> pl.DataFrame:
    # Each entry: one written form claimed by one entity.
    entries: list[dict] = []

    def add(forms: list[str], entity: dict, base: dict) -> None:
        context_keys = {_fold(v) for c in entity["context_aliases"] for v in spelling_variants(c)}
        exact = {v for c in entity["case_sensitive_aliases"] for v in spelling_variants(c)}
        forms = [_PAREN_RE.sub("", f) for f in forms] + entity["case_sensitive_aliases"] \
            + entity["context_aliases"]
        for written in forms:
            for surface in spelling_variants(written):
                needs_context = _fold(surface) in context_keys
                if needs_context or surface in exact:
                    why = "listed"
                else:
                    why = _auto_case_sensitive(surface)
                entries.append({**base, "surface": surface, "needs_context": needs_context,
                                "case_sensitive": why})

    for order, place in enumerate(places):
        add([place["name"], *place["aliases"]], place,
            {"canonical": place["name"], "entity_type": "place", "kind": place["place_type"],
             "province_code": place["province_code"], "place_id": place["place_id"],
             "tier": _TIER[place["place_type"]], "order": order})
    for order, actor in enumerate(actors, start=len(places)):
        add([actor["canonical"], *actor["aliases"]], actor,
            {"canonical": actor["canonical"], "entity_type": "organisation",
             "kind": actor["actor_type"], "province_code": None, "place_id": None,
             "tier": _ORGANISATION_TIER, "order": order})

    groups: dict[str, list[dict]] = {}
    for entry in entries:
        groups.setdefault(_fold(entry["surface"]), []).append(entry)

    rows = []
    shared: dict[str, tuple[str | None, dict, list[dict]]] = {}
    for key, group in groups.items():
        group.sort(key=lambda e: (e["tier"], e["order"]))
        readings: dict[tuple, dict] = {}
        for entry in group:
            readings.setdefault((entry["entity_type"], entry["canonical"], entry["province_code"]), entry)
        ranked = list(readings.values())
        top = ranked[0]
        ambiguous = len(ranked) > 1
        province = top["province_code"]
        # Rank decides only when the preferred reading is a major unit (governorate,
        # district, city): a sub-district does not outrank a neighbourhood elsewhere.
        if ambiguous and len({r["province_code"] for r in ranked}) > 1 \
                and not (top["tier"] <= 1 and all(r["tier"] > top["tier"] for r in ranked[1:])):
            province = None
        alternatives = []
        for r in ranked[1:]:
            label = r["canonical"] if r["province_code"] is None or r["canonical"] != top["canonical"] \
                else f"{r['canonical']} ({r['province_code']})"
            if label not in alternatives:
                alternatives.append(label)
        place_readings = [r for r in ranked if r["entity_type"] == "place"]
        if len({r["province_code"] for r in place_readings}) > 1:
            shared.setdefault(key, (province, top, place_readings))
        # A capitalised acronym ("DAESH") does not make a word spelt in mixed case
        # elsewhere ("Daesh") case-sensitive; a short or listed surface does.
        reasons = [e["case_sensitive"] for e in group]
        case_sensitive = any(r in ("short", "listed") for r in reasons) \
            or all(r == "acronym" for r in reasons)
        needs_context = any(e["needs_context"] for e in group)
        surfaces = list(dict.fromkeys(e["surface"] for e in group)) if case_sensitive \
            else [group[0]["surface"]]
        for surface in surfaces:
            rows.append({
                "surface": surface,
                "canonical": top["canonical"],
                "entity_type": top["entity_type"],
                "kind": top["kind"],
                "province_code": province,
                "case_sensitive": case_sensitive,
                "needs_context": needs_context,
                "ambiguous": ambiguous,
                "alternatives": alternatives,
                "place_id": top["place_id"],
                "surface_key": key,
            })
    _flag_shared_surfaces(places, shared)
    return pl.DataFrame(rows, schema={
        "surface": pl.String, "canonical": pl.String, "entity_type": pl.String,
        "kind": pl.String, "province_code": pl.String, "case_sensitive": pl.Boolean,
        "needs_context": pl.Boolean, "ambiguous": pl.Boolean,
        "alternatives": pl.List(pl.String), "place_id": pl.String, "surface_key": pl.String,
    })


def _flag_shared_surfaces(places: list[dict],
                          shared: dict[str, tuple[str | None, dict, list[dict]]]) -> None:
    """Mark places one of whose written names also names a place in another province."""
    by_id = {p["place_id"]: p for p in places}
    clashes: dict[str, set[str]] = {}
    for top_province, top, readings in shared.values():
        # When the preferred reading kept its province (a governorate over a sub-district
        # elsewhere), only the readings it overrides are in doubt.
        doubtful = readings if top_province is None else [r for r in readings if r is not top]
        for reading in doubtful:
            for other in readings:
                if other["province_code"] != reading["province_code"]:
                    clashes.setdefault(reading["place_id"], set()).add(
                        f"{other['canonical']} ({other['kind']}, "
                        f"{other['province_code'] or 'several provinces'})")
    for place_id, others in clashes.items():
        place = by_id[place_id]
        if place["ambiguous"] and place["note"]:
            continue  # the data already flags and explains it
        place["ambiguous"] = True
        extra = "A name it shares also denotes: " + "; ".join(sorted(others)) + "."
        place["note"] = f"{place['note']} {extra}" if place["note"] else extra


@cache
def load_gazetteer() -> Gazetteer:
    """Read and validate the data files once per process; later calls return the same object."""
    provinces, governorate_rows = _load_provinces()
    places = _load_places(provinces, governorate_rows)
    actors = _load_actors()
    aliases = _build_aliases(places, actors)
    places_frame = pl.DataFrame(
        [{k: v for k, v in p.items() if not k.endswith("_aliases")} for p in places],
        schema={
            "place_id": pl.String, "name": pl.String, "place_type": pl.String,
            "province_code": pl.String, "provinces": pl.List(pl.String), "district": pl.String,
            "disputed": pl.Boolean, "ambiguous": pl.Boolean, "note": pl.String,
            "source": pl.String, "cod_pcode": pl.String, "cod_name": pl.String,
            "iso_code": pl.String, "aliases": pl.List(pl.String),
        },
    ).select(["place_id", "name", "place_type", "province_code", "provinces", "district",
              "disputed", "ambiguous", "note", "source", "cod_pcode", "cod_name", "iso_code",
              "aliases"])
    actors_frame = pl.DataFrame(
        [{k: v for k, v in a.items() if not k.endswith("_aliases")} for a in actors],
        schema={"canonical": pl.String, "actor_type": pl.String, "aliases": pl.List(pl.String),
                "parent": pl.String, "note": pl.String},
    )
    return Gazetteer(provinces=provinces, places=places_frame, actors=actors_frame,
                     aliases=aliases)
