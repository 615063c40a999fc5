"""The gazetteer against its authorities (pycountry, COD-AB 2019) and the press spellings."""

from __future__ import annotations

import csv
import time

import polars as pl
import pycountry
import pytest

from pipeline.gazetteer import (
    ACTOR_TYPES,
    DATA_DIR,
    PLACE_TYPES,
    load_gazetteer,
    spelling_variants,
    surface_key,
)


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="module")
def cod_rows():
    with (DATA_DIR / "cod_ab_adm3.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_eighteen_governorates_match_pycountry(gaz):
    iso = {s.code: s for s in pycountry.subdivisions.get(country_code="IQ") if s.type == "Governorate"}
    provinces = gaz.provinces
    assert provinces.height == 18
    assert set(provinces["province_code"]) == set(iso)
    for row in provinces.iter_rows(named=True):
        assert row["iso_name"] == iso[row["province_code"]].name
        # pycountry puts exactly Erbil, Duhok and Sulaymaniyah under IQ-KR.
        assert row["kurdistan_region"] == (iso[row["province_code"]].parent_code == "IQ-KR")
    assert set(provinces.filter("kurdistan_region")["province_name"]) == {"Erbil", "Duhok", "Sulaymaniyah"}
    assert set(provinces["province_name"]) == {
        "Anbar", "Babil", "Baghdad", "Basra", "Dhi Qar", "Diyala", "Duhok", "Erbil", "Karbala",
        "Kirkuk", "Maysan", "Muthanna", "Najaf", "Nineveh", "Qadisiyah", "Salahaddin",
        "Sulaymaniyah", "Wasit"}


def test_every_cod_ab_governorate_maps_to_one_iso_code(gaz, cod_rows):
    cod_governorates = {r["ADM1_PCODE"] for r in cod_rows}
    assert set(gaz.provinces["cod_pcode"]) == cod_governorates
    assert gaz.provinces["province_code"].n_unique() == 18


def test_all_districts_and_subdistricts_present_with_their_province(gaz, cod_rows):
    places = gaz.places
    to_iso = dict(zip(gaz.provinces["cod_pcode"], gaz.provinces["province_code"]))
    districts = {r["ADM2_PCODE"]: r for r in cod_rows}
    subdistricts = {r["ADM3_PCODE"]: r for r in cod_rows}
    assert len(districts) == 101 and len(subdistricts) == 294

    got_d = places.filter(pl.col("place_type") == "district")
    got_s = places.filter(pl.col("place_type") == "subdistrict")
    assert set(got_d["cod_pcode"]) == set(districts)
    assert set(got_s["cod_pcode"]) == set(subdistricts)
    for row in pl.concat([got_d, got_s]).iter_rows(named=True):
        cod = districts.get(row["cod_pcode"]) or subdistricts[row["cod_pcode"]]
        assert row["province_code"] == to_iso[cod["ADM1_PCODE"]], row["name"]
        assert row["cod_name"] in (cod["ADM2_EN"] if row["place_type"] == "district" else cod["ADM3_EN"])
        assert row["source"] == "cod_ab"


def test_every_place_has_a_valid_province_or_province_list(gaz):
    valid = set(gaz.provinces["province_code"])
    places = gaz.places
    assert places.height >= 500
    assert places["place_id"].n_unique() == places.height
    assert set(places["place_type"]) <= set(PLACE_TYPES)
    for row in places.iter_rows(named=True):
        assert row["provinces"], row["name"]
        assert set(row["provinces"]) <= valid, row["name"]
        if row["province_code"] is not None:
            assert row["province_code"] in valid
            assert row["provinces"] == [row["province_code"]]
        else:
            assert len(row["provinces"]) > 1, row["name"]


def test_project_places_name_real_districts(gaz):
    places = gaz.places
    districts = set(zip(places.filter(pl.col("place_type") == "district")["name"],
                        places.filter(pl.col("place_type") == "district")["province_code"]))
    for row in places.filter(pl.col("district").is_not_null()).iter_rows(named=True):
        if row["province_code"] is not None:
            assert (row["district"], row["province_code"]) in districts, row["name"]


@pytest.mark.parametrize(
    ("surface", "canonical", "province"),
    [
        ("Saladin", "Salahaddin", "IQ-SD"),
        ("Salahuddin", "Salahaddin", "IQ-SD"),
        ("Salah ad-Din", "Salahaddin", "IQ-SD"),
        ("Hawler", "Erbil", "IQ-AR"),
        ("Irbil", "Erbil", "IQ-AR"),
        ("Tal Afar", "Tal Afar", "IQ-NI"),
        ("Tel Afar", "Tal Afar", "IQ-NI"),
        ("K1", "K-1 Air Base", "IQ-KI"),
        ("K-1", "K-1 Air Base", "IQ-KI"),
        ("Ninawa", "Nineveh", "IQ-NI"),
        ("Slemani", "Sulaymaniyah", "IQ-SU"),
        ("Dohuk", "Duhok", "IQ-DA"),
        ("Thi Qar", "Dhi Qar", "IQ-DQ"),
        ("Tuz Khormatu", "Tuz Khurmatu", "IQ-SD"),
        ("Bayji", "Baiji", "IQ-SD"),
        ("Hawijah", "Hawija", "IQ-KI"),
        ("al-Ba’aj District", "al-Ba'aj", "IQ-NI"),
        ("Ba'aj", "al-Ba'aj", "IQ-NI"),
        ("Shingal", "Sinjar", "IQ-NI"),
        ("Sharqat", "Shirqat", "IQ-SD"),
        ("al-Tarmia district", "Tarmiyah", "IQ-BG"),
        ("Gayara", "Qayyarah", "IQ-NI"),
        ("Q-West", "Qayyarah West Airfield", "IQ-NI"),
        ("Ain al-Assad", "Ain al-Asad Air Base", "IQ-AN"),
        ("Habbaniyah air base", "al-Taqaddum Air Base", "IQ-AN"),
        ("Jalula", "Jalawla", "IQ-DI"),
        ("Khanaqin", "Khanaqin", "IQ-DI"),
        ("Mosul", "Mosul", "IQ-NI"),
        ("Taji", "Taji", "IQ-BG"),
        ("Hit", "Hit", "IQ-AN"),
        ("Rabiaa crossing", "Rabia border post", "IQ-NI"),
        ("Garma", "Karma", "IQ-AN"),
        ("Qara Chogh", "Qarachogh", "IQ-AR"),
    ],
)
def test_place_aliases_resolve(gaz, surface, canonical, province):
    hit = gaz.resolve(surface)
    assert hit is not None, surface
    assert hit["entity_type"] == "place"
    assert hit["canonical"] == canonical
    assert hit["province_code"] == province


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Da’esh", "ISIS"),
        ("Da'esh", "ISIS"),
        ("Daesh", "ISIS"),
        ("ISIL", "ISIS"),
        ("IS", "ISIS"),
        ("the so-called Islamic State", "ISIS"),
        ("Hashd al-Shaabi", "Popular Mobilization Forces"),
        ("al-Hashd al-Shaabi", "Popular Mobilization Forces"),
        ("Popular Mobilisation Units", "Popular Mobilization Forces"),
        ("PMF", "Popular Mobilization Forces"),
        ("US-led coalition", "Global Coalition to Defeat ISIS"),
        ("CJTF-OIR", "Global Coalition to Defeat ISIS"),
        ("Iraqi security forces", "Iraqi Security Forces"),
        ("Ministry of Peshmerga Affairs", "Ministry of Peshmerga"),
        ("Iraq's defense ministry", "Iraqi Ministry of Defense"),
        ("KRSC", "Kurdistan Region Security Council"),
        ("Joint Operation Command", "Joint Operations Command"),
        ("Council of Representatives", "Iraqi parliament"),
        ("Kurdish Peshmerga", "Peshmerga"),
    ],
)
def test_actor_aliases_resolve(gaz, surface, canonical):
    hit = gaz.resolve(surface)
    assert hit is not None, surface
    assert hit["entity_type"] == "organisation"
    assert hit["canonical"] == canonical


def test_actor_types_and_contract_names(gaz):
    assert set(gaz.actors["actor_type"]) <= set(ACTOR_TYPES)
    contract = {"ISIS", "Peshmerga", "Iraqi Security Forces", "Iraqi Army", "Federal Police",
                "Popular Mobilization Forces", "Global Coalition to Defeat ISIS"}
    assert contract <= set(gaz.actors["canonical"])


def test_risky_surfaces_are_case_sensitive_or_need_context(gaz):
    # Lower-case "is" and "hit" are English, not ISIS or the town of Hit.
    assert gaz.resolve("is") is None
    assert gaz.resolve("hit") is None
    hit = gaz.resolve("Hit")
    assert hit["case_sensitive"] and hit["needs_context"]
    assert gaz.resolve("IS")["case_sensitive"] and not gaz.resolve("IS")["needs_context"]
    for surface in ("Tuz", "Kut", "Anah", "Balad"):
        assert gaz.resolve(surface)["case_sensitive"], surface
    # Names that are also a person's name or another place need a locative context.
    for surface in ("al-Baghdadi", "Mansour", "Riyadh", "the coalition"):
        assert gaz.resolve(surface)["needs_context"], surface


def test_no_surface_silently_maps_to_two_canonicals(gaz):
    aliases = gaz.aliases
    # One row per surface (per exact form when case-sensitive) ...
    keyed = aliases.with_columns(
        pl.when(pl.col("case_sensitive")).then(pl.col("surface"))
        .otherwise(pl.col("surface_key")).alias("k"))
    assert keyed["k"].n_unique() == keyed.height
    # ... and wherever a surface was claimed by several entities, the row says so.
    claims: dict[str, set[tuple]] = {}
    for row in gaz.places.iter_rows(named=True):
        for form in [row["name"], *row["aliases"]]:
            for v in spelling_variants(form):
                claims.setdefault(surface_key(v), set()).add((row["name"], row["province_code"]))
    for row in gaz.actors.iter_rows(named=True):
        for form in [row["canonical"], *row["aliases"]]:
            for v in spelling_variants(form):
                claims.setdefault(surface_key(v), set()).add((row["canonical"], None))
    by_key = {r["surface_key"]: r for r in aliases.iter_rows(named=True)}
    multi = [k for k, c in claims.items() if len(c) > 1 and k in by_key]
    assert multi, "the data has known shared names (Husseiniya, Yarmouk, Salah al-Din)"
    for key in multi:
        row = by_key[key]
        assert row["ambiguous"], key
        assert row["alternatives"], key


def test_ambiguous_surfaces_do_not_decide_a_province(gaz):
    # Two sub-district/neighbourhood readings in different provinces: no province.
    for surface in ("Husseiniya", "Yarmouk", "Amiriya", "Hamrin"):
        row = gaz.resolve(surface)
        assert row["ambiguous"] and row["province_code"] is None, surface
    # A governorate outranks an Erbil sub-district of the same spelling, but is flagged.
    row = gaz.resolve("Salah al-Din")
    assert row["canonical"] == "Salahaddin" and row["province_code"] == "IQ-SD"
    assert row["ambiguous"] and row["alternatives"] == ["Masif Salahaddin"]
    masif = gaz.places.filter(pl.col("name") == "Masif Salahaddin").row(0, named=True)
    assert masif["ambiguous"]


def test_regions_and_spanning_features_carry_no_governorate(gaz):
    places = gaz.places
    kri = places.filter(pl.col("name") == "Kurdistan Region").row(0, named=True)
    assert kri["place_type"] == "region" and kri["province_code"] is None
    assert kri["iso_code"] == "IQ-KR"
    assert pycountry.subdivisions.get(code="IQ-KR").type == "Region"
    assert set(kri["provinces"]) == {"IQ-AR", "IQ-DA", "IQ-SU"}
    for surface in ("KRI", "Iraqi Kurdistan", "Kurdistan Region of Iraq"):
        row = gaz.resolve(surface)
        assert row["canonical"] == "Kurdistan Region" and row["province_code"] is None
    assert gaz.resolve("Nineveh Plains")["province_code"] == "IQ-NI"
    hamrin = gaz.resolve("Hamrin Mountains")
    assert hamrin["province_code"] is None
    spans = places.filter(pl.col("name") == "Hamrin Mountains").row(0, named=True)
    assert set(spans["provinces"]) == {"IQ-DI", "IQ-SD", "IQ-KI"}


def test_makhmour_is_disputed_and_explained(gaz):
    places = gaz.places
    mak = places.filter((pl.col("name") == "Makhmour") & (pl.col("place_type") == "district")).row(0, named=True)
    assert mak["disputed"]
    assert mak["province_code"] == "IQ-AR"  # COD-AB's assignment, alternative recorded
    assert "IQ-NI" in mak["note"] and "KRG" in mak["note"]
    # Its sub-districts inherit the dispute.
    subs = places.filter(pl.col("district") == "Makhmour")
    assert subs.height >= 4 and subs["disputed"].all()


def test_disputed_territories_cover_the_article_140_districts(gaz):
    places = gaz.places
    disputed = set(places.filter(pl.col("disputed") & (pl.col("place_type") == "district"))["name"])
    assert {"Sinjar", "Tel Kaif", "Sheikhan", "Hamdaniya", "Akre", "Makhmour", "Khanaqin",
            "Tuz Khurmatu", "Kirkuk", "Hawija", "Daquq", "Dibis"} <= disputed
    assert not {"Mosul", "Ramadi", "Basra", "Erbil", "Duhok"} & disputed
    for name in ("Jalawla", "Saadiya", "Mandali", "Amerli", "Sulaiman Bek", "Bashiqa"):
        assert places.filter(pl.col("name") == name)["disputed"].all(), name
    assert gaz.provinces.filter(pl.col("province_code") == "IQ-KI").height == 1
    kirkuk_gov = places.filter(pl.col("place_type") == "governorate").filter(pl.col("name") == "Kirkuk")
    assert kirkuk_gov["disputed"].item()


def test_halabja_stays_in_sulaymaniyah(gaz):
    row = gaz.resolve("Halabja")
    assert row["province_code"] == "IQ-SU"
    assert "2014" in gaz.places.filter(pl.col("name") == "Halabja")["note"].item()


def test_generated_variants_cover_articles_apostrophes_and_hyphens():
    assert set(spelling_variants("al-Ba'aj")) >= {"al-Ba'aj", "al-Ba’aj", "Al-Ba'aj", "al Ba'aj",
                                                   "Ba'aj", "Baaj", "al-Baaj"}
    assert "Tuz Khurmatu" in spelling_variants("Tuz-Khurmatu")
    assert spelling_variants("K-1") == ["K-1"]  # a code keeps its hyphen
    assert "Hammam Al-Alil" in spelling_variants("Hammam al-Alil")
    # "Ali" is a name, not an article.
    assert all(v.startswith("Ali ") for v in spelling_variants("Ali al-Gharbi"))


def test_loader_is_cached_and_fast():
    load_gazetteer.cache_clear()
    start = time.perf_counter()
    first = load_gazetteer()
    elapsed = time.perf_counter() - start
    assert load_gazetteer() is first
    # Generous bound for a shared 2-core machine; a quiet one loads in about 0.2 s.
    assert elapsed < 1.5, elapsed


def test_data_files_are_human_editable():
    for name in ("places.csv", "actors.csv", "provinces.csv"):
        with (DATA_DIR / name).open(encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        width = len(rows[0])
        assert all(len(r) == width for r in rows), name
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert "Administrative boundaries: Iraq CSO / OCHA COD-AB (2019), CC BY-IGO." in readme


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("provinces", "Atlantis", "unknown province"),
        ("place_type", "castle", "unknown place_type"),
        ("disputed", "maybe", "not a boolean"),
    ],
)
def test_bad_edits_fail_loudly(tmp_path, monkeypatch, column, value, message):
    import shutil

    import pipeline.gazetteer as gazetteer

    for path in DATA_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    with (tmp_path / "places.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[0][column] = value
    with (tmp_path / "places.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(gazetteer, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match=message):
        gazetteer.load_gazetteer.__wrapped__()
