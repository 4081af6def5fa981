"""Reading feeds: version detection, streaming, and clear errors for bad feeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendflow.localoffer import FeedError, jsonstream
from sendflow.localoffer.feed import Feed
from sendflow.localoffer.problems import ProblemSink
from tests.localoffer.builders import check, feed3, nested_v1, service3, write_json


def _read(path: Path) -> tuple[Feed, list[str], ProblemSink]:
    sink = ProblemSink()
    feed = Feed(path, sink)
    ids = [service.id for service in feed.services()]
    return feed, ids, sink


def test_a_declared_3_0_version_is_read_as_3_0(tmp_path: Path) -> None:
    """A feed that says HSDS-UK-3.0 is read as ORUK 3.0, whatever its services hold."""
    feed, ids, _ = _read(feed3(tmp_path, [service3("s1"), service3("s2")]))
    assert (feed.version, ids) == ("3.0", ["s1", "s2"])
    assert "version" in feed.how


def test_a_3_0_page_envelope_means_3_0(tmp_path: Path) -> None:
    """A page whose services are under 'contents' is an ORUK 3.0 page."""
    page = {
        "total_items": 1,
        "total_pages": 1,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": True,
        "empty": False,
        "contents": [service3("s1")],
    }
    feed, _, sink = _read(write_json(tmp_path, page))
    assert feed.version == "3.0"
    assert not sink.kept


def test_a_1_0_page_envelope_means_1_0_and_missing_paging_keys_are_warned(tmp_path: Path) -> None:
    """A page under 'content' is ORUK 1.0; a 1.0 page without its paging keys gets warnings."""
    feed, _, sink = _read(write_json(tmp_path, {"totalElements": 3, "content": nested_v1()}))
    assert feed.version == "1.0"
    assert {p.field for p in sink.kept} == {"totalPages", "number", "size", "first", "last"}


def test_a_bare_array_is_told_by_its_first_service(tmp_path: Path) -> None:
    """Without a version or envelope, 3.0 fields in the first service make it 3.0."""
    feed, _, _ = _read(write_json(tmp_path, [service3("s1")]))
    assert feed.version == "3.0"
    feed, _, _ = _read(write_json(tmp_path, nested_v1(), "v1.json"))
    assert feed.version == "1.0"


def test_nothing_to_go_on_means_1_0_as_the_oruk_validator_does(tmp_path: Path) -> None:
    """A feed that says nothing of its version is read as ORUK 1.0."""
    feed, _, _ = _read(
        write_json(tmp_path, {"services": [{"id": "s1", "name": "x", "organization_id": "o1"}]})
    )
    assert feed.version == "1.0"
    assert "ORUK validator" in feed.how


def test_an_unknown_version_is_refused_with_what_is_read(tmp_path: Path) -> None:
    """A declared version sendflow does not read is an error naming those it does."""
    with pytest.raises(FeedError, match=r"'HSDS-UK-2\.0'.*ORUK 3\.0"):
        _read(write_json(tmp_path, {"version": "HSDS-UK-2.0", "services": []}))


def test_text_that_is_not_json_is_refused(tmp_path: Path) -> None:
    """A CSV file given as a feed is refused as not JSON, with its line."""
    path = tmp_path / "feed.json"
    path.write_text("id,name\ns1,A service\n", encoding="utf-8")
    with pytest.raises(FeedError, match=r"line 1: this is not a JSON feed"):
        _read(path)


def test_broken_json_is_refused_with_its_line(tmp_path: Path) -> None:
    """JSON cut off in the middle of a service names the line where it breaks."""
    path = tmp_path / "feed.json"
    text = json.dumps({"version": "HSDS-UK-3.0", "services": [service3("s1")]}, indent=1)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(FeedError, match=r"line \d+: this is not valid JSON"):
        _read(path)


def test_broken_json_early_in_a_large_feed_is_found_without_reading_it_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service that never ends is reported once the buffer passes the largest value size."""
    monkeypatch.setattr(jsonstream, "CHUNK", 64)
    monkeypatch.setattr(jsonstream, "LARGEST_VALUE", 256)
    text = '{"version": "HSDS-UK-3.0", "services": [\n{"id": "s1", "name": "x" "status": 1},\n'
    path = tmp_path / "feed.json"
    path.write_text(text + ",\n".join(json.dumps(service3(f"s{i}")) for i in range(50)) + "]}")
    read: list[int] = []
    feed = Feed(path, ProblemSink(), lambda done, total: read.append(done))
    with pytest.raises(FeedError, match=r"line 2: this is not valid JSON: Expecting ','"):
        list(feed.services())
    assert read[-1] < path.stat().st_size


def test_a_feed_without_services_says_which_keys_it_found(tmp_path: Path) -> None:
    """An object with no services array lists the keys it does have."""
    with pytest.raises(FeedError, match=r"no array of services.*found the keys: version, items"):
        _read(write_json(tmp_path, {"version": "HSDS-UK-3.0", "items": []}))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    """A path that does not exist is refused before anything is read."""
    with pytest.raises(FeedError, match="no such file"):
        Feed(tmp_path / "nope.json", ProblemSink())


def test_services_stream_across_buffer_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a tiny read buffer, every service is still read whole and in order."""
    monkeypatch.setattr(jsonstream, "CHUNK", 7)
    services = [service3(f"s{i}", total_items=12345) for i in range(30)]
    feed, ids, _ = _read(feed3(tmp_path, services, total_items=30))
    assert ids == [f"s{i}" for i in range(30)]
    assert feed.version == "3.0"


def test_a_1_0_field_in_a_3_0_feed_is_an_error_naming_service_and_field(tmp_path: Path) -> None:
    """The wrong version's shape is reported per service and field, and reading goes on."""
    bad = service3("s1", regular_schedules=[{"id": "r1"}], eligibilitys=[])
    _, ids, sink = _read(feed3(tmp_path, [bad, service3("s2")]))
    assert ids == ["s1", "s2"]
    fields = {(p.object_id, p.field) for p in sink.kept if p.severity.value == "error"}
    assert fields == {("s1", "regular_schedules"), ("s1", "eligibilitys")}
    assert "in 3.0 use schedules" in str(sink.kept[0])


def test_a_3_0_field_in_a_1_0_feed_is_an_error(tmp_path: Path) -> None:
    """A 1.0 page whose service carries 3.0 attributes names the service and field."""
    services = nested_v1()
    services[1]["attributes"] = []
    _, _, sink = _read(write_json(tmp_path, {"content": services}))
    assert [(p.object_id, p.field) for p in sink.kept] == [("s2", "attributes")]


def test_missing_required_fields_are_named_and_the_rest_is_still_checked(tmp_path: Path) -> None:
    """A service without name or status, and an address without a postcode, are each named."""
    broken = service3("s1", name=..., status=...)
    del broken["service_at_locations"][0]["location"]["addresses"][0]["postal_code"]
    report = check(feed3(tmp_path, [broken, service3("s2"), service3("s3")]))
    found = {(p.object_type, p.object_id, p.field) for p in report.problems}
    assert found == {
        ("service", "s1", "name"),
        ("service", "s1", "status"),
        ("address", "s1-ad", "service_at_locations[0].location.addresses[0].postal_code"),
    }
    assert report.services == 3
    assert report.check("conformance").status.value == "fail"


def test_broken_references_between_objects_are_named_by_id_and_field(tmp_path: Path) -> None:
    """An organisation, taxonomy term or location that does not match its id is an error."""
    s = service3("s1", organization_id="org-9", terms=("T1",))
    s["attributes"][0]["taxonomy_term_id"] = "T2"
    s["service_at_locations"][0]["location_id"] = "elsewhere"
    _, _, sink = _read(feed3(tmp_path, [s]))
    messages = {(p.object_type, p.object_id, p.field): p.message for p in sink.kept}
    assert set(messages) == {
        ("service", "s1", "organization_id"),
        ("attribute", "s1-a0", "attributes[0].taxonomy_term_id"),
        ("service_at_location", "s1-sal", "service_at_locations[0].location_id"),
    }
    assert "refers to organization 'org-9'" in messages["service", "s1", "organization_id"]


def test_optional_fields_sent_as_null_are_warned(tmp_path: Path) -> None:
    """ORUK asks for empty optional fields to be left out; null or "" gets a warning."""
    _, _, sink = _read(feed3(tmp_path, [service3("s1", email=None, fees="")]))
    assert {(p.severity.value, p.field) for p in sink.kept} == {
        ("warning", "email"),
        ("warning", "fees"),
    }


def test_a_service_that_is_not_an_object_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    """A stray value in the services array is reported with its position."""
    _, ids, sink = _read(feed3(tmp_path, ["oops", service3("s2")]))
    assert ids == ["s2"]
    assert sink.kept[0].object_id == "(item 1)"


def test_a_csv_folder_reports_rows_that_name_unknown_records(tmp_path: Path) -> None:
    """CSV rows whose service, location or organisation ids match nothing are errors."""
    from tests.localoffer.builders import TABLES, write_tables

    tables = {k: [dict(r) for r in v] for k, v in TABLES.items()}
    tables["service_at_locations"].append({"id": "sl9", "service_id": "s9", "location_id": "l1"})
    tables["services"][0]["organization_id"] = "o9"
    _, _, sink = _read(write_tables(tmp_path / "csv", tables))
    found = {(p.object_type, p.object_id, p.field) for p in sink.kept}
    assert ("service_at_location", "sl9", "service_id") in found
    assert ("service", "s1", "organization_id") in found


def test_a_folder_without_a_services_table_is_refused(tmp_path: Path) -> None:
    """A folder feed needs services.csv."""
    with pytest.raises(FeedError, match=r"no services\.csv"):
        _read(tmp_path)


def test_a_page_key_of_the_other_version_is_an_error(tmp_path: Path) -> None:
    """A feed declared 3.0 whose services sit under 1.0's 'content' is told so, and still read."""
    feed, ids, sink = _read(
        write_json(tmp_path, {"version": "HSDS-UK-3.0", "content": [service3("s1")]})
    )
    assert (feed.version, ids) == ("3.0", ["s1"])
    assert [(p.object_type, p.field) for p in sink.kept] == [("page", "content")]
    assert "use 'contents'" in sink.kept[0].message
