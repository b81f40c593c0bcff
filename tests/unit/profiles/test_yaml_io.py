"""Profiles as YAML: problems carry file, line and field; dumps read back equal."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gateway.profiles import (
    PartnerProfile,
    ProfileError,
    dump_profile,
    dump_profiles,
    load_profiles,
    load_profiles_text,
)
from tests.conftest import FIXTURES
from tests.unit.profiles.builders import (
    MINIMAL_EDIFACT,
    MINIMAL_X12,
    X12_YAML,
    placed,
    problems,
    with_changes,
)

PARTNERS = FIXTURES / "partners"


def test_example_profiles_load() -> None:
    acme, globex = load_profiles(PARTNERS)
    assert (acme.id, acme.standard, acme.version) == ("acme-industrial", "x12", "004010")
    assert acme.transports.as2 is not None and acme.transports.outbound == "as2"
    assert acme.exchanges("outbound", "850") and acme.exchanges("inbound", "810")
    assert (globex.id, globex.standard, globex.version) == ("globex-logistik", "edifact", "D96A")
    assert globex.transports.sftp is not None and globex.transports.sftp.remote is not None
    assert globex.sender_key() == ("edifact", "14", "4012345000009")


def test_problems_name_file_line_and_field() -> None:
    text = textwrap.dedent(
        """\
        id: acme
        name: Acme
        standard: x12
        version: 004010
        interchange:
          partner:
            qualifier: 01
            id: ACMEACMEACMEACME1
          ours:
            id: CROSSDOCK
        group:
          partner: A
          ours: CROSSDOCK
        documents:
          - direction: inbound
            transaction_set: 850
          - direction: sideways
            transaction_set: 855
        acks:
          functional: contrl
        transports:
          sftp:
            remote:
              host: sftp.acme.example
              username: crossdock
              credentials: hunter2
        """
    )
    found = problems(text, "partners/acme.yaml")
    assert placed(found) == [
        (8, "interchange.partner.id"),
        (9, "interchange.ours.qualifier"),  # missing: the line of the mapping that lacks it
        (12, "group.partner"),
        (17, "documents[1].direction"),
        (20, "acks.functional"),
        (23, "transports.sftp.remote.host_key"),
        (26, "transports.sftp.remote.credentials"),
    ]
    assert all(p.source == "partners/acme.yaml" for p in found)
    assert str(found[0]) == (
        "partners/acme.yaml:8: interchange.partner.id: "
        "X12 interchange ids are at most 15 characters"
    )


def test_a_missing_top_level_field_points_at_the_profile() -> None:
    text = "# Acme\n\nname: Acme\nstandard: x12\n"
    assert placed(problems(text)) == [(3, "id"), (3, "version"), (3, "interchange"), (3, "group")]


def test_every_profile_of_a_list_is_checked() -> None:
    text = dump_profiles([PartnerProfile.model_validate(MINIMAL_X12)])
    text += "- id: B\n  name: Bad\n  standard: x12\n"
    found = problems(text)
    assert {p.field for p in found} == {"id", "version", "interchange", "group"}
    assert {p.line for p in found} == {len(text.splitlines()) - 2}


def test_yaml_syntax_errors_name_the_line() -> None:
    [problem] = problems("id: acme\nname: [Acme\nstandard: x12\n")
    assert problem.source == "acme.yaml" and problem.line == 3 and problem.field == ""
    assert problem.message.startswith("not valid YAML")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: a\n---\nid: b\n", 2, "one YAML document; put several profiles in one list"),
        ('id: a\nname: "bell \x07"\n', 2, "#x0007"),
        ("id: a\n\tname: b\n", 2, "'\\t'"),
        ("id: *nowhere\n", 1, "undefined alias"),
    ],
)
def test_yaml_errors_say_what_and_where(text: str, line: int, words: str) -> None:
    [problem] = problems(text)
    assert problem.line == line and words in problem.message


def test_transport_problems_are_all_reported_at_once() -> None:
    text = X12_YAML + textwrap.dedent(
        """        transports:
          as2:
            as2_id: ACME
            url: ftp://as2.acme.example
            partner_certificate: null
            mdn_mode: async
          outbound: sftp
        """
    )
    assert placed(problems(text)) == [
        (10, "transports.as2.mdn_url"),
        (12, "transports.as2.url"),
        (15, "transports.outbound"),
    ]


def test_duplicate_keys_are_reported_where_they_repeat() -> None:
    text = X12_YAML + "name: Acme Corporation\n"
    [problem] = problems(text)
    assert (problem.line, problem.field) == (9, "name")
    assert problem.message == "duplicate key 'name' (first at line 2)"


def test_duplicate_keys_are_found_in_nested_mappings_and_lists() -> None:
    text = X12_YAML + "contacts:\n  - name: A\n    email: a@x.example\n    email: b@x.example\n"
    assert placed(problems(text)) == [(12, "contacts[0].email")]


def test_python_tags_are_refused_without_running_anything() -> None:
    text = X12_YAML.replace("name: Acme Industrial Supply", "name: !!python/name:os.system ''")
    [problem] = problems(text)
    assert (problem.line, problem.field) == (2, "name")
    assert "constructor" in problem.message


def test_anchors_and_merge_keys_share_settings_between_profiles() -> None:
    text = textwrap.dedent(
        """\
        - &acme
          id: acme-east
          name: Acme East
          standard: x12
          version: 004010
          interchange:
            partner: {qualifier: 01, id: '123456789'}
            ours: {qualifier: ZZ, id: CROSSDOCK}
          group: {partner: ACME, ours: CROSSDOCK}
        - <<: *acme
          id: acme-west
          name: Acme West
        """
    )
    east, west = load_profiles_text(text)
    assert west.id == "acme-west" and west.interchange == east.interchange


def test_recursive_aliases_are_refused() -> None:
    found = problems(X12_YAML + "contacts: &loop [*loop]\n")
    assert placed(found) == [(9, "contacts[0]")]
    assert "cycle" in found[0].message


def test_alias_bombs_are_refused() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    [problem] = problems("\n".join(levels) + "\n")
    assert "too many values" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "is empty"),
        ("# only a comment\n", 1, "is empty"),
        ("just text\n", 1, "expected a profile"),
        ("- 42\n", 1, "expected a profile"),
    ],
)
def test_files_that_hold_no_profile(text: str, line: int, words: str) -> None:
    [problem] = problems(text)
    assert problem.line == line and words in problem.message


def test_an_empty_list_is_no_profiles() -> None:
    assert load_profiles_text("[]\n") == [] and dump_profiles([]) == "[]\n"


def test_directory_loads_yaml_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.yml").write_text(dump_profile(PartnerProfile.model_validate(MINIMAL_X12)))
    (tmp_path / "a.yaml").write_text(dump_profile(PartnerProfile.model_validate(MINIMAL_EDIFACT)))
    (tmp_path / "notes.txt").write_text("not a profile")
    (tmp_path / ".c.yaml").write_text("an editor's backup")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yaml").write_text("not read: not recursive")
    assert [p.id for p in load_profiles(tmp_path)] == ["globex", "acme"]
    assert load_profiles(tmp_path / "b.yml")[0].id == "acme"


def test_problems_of_every_file_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("id: a\n")
    (tmp_path / "b.yaml").write_text("id: [b\n")
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    sources = [p.source for p in caught.value.problems]
    assert str(tmp_path / "a.yaml") in sources and str(tmp_path / "b.yaml") in sources


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    first = PartnerProfile.model_validate(MINIMAL_X12)
    second = PartnerProfile.model_validate(with_changes(MINIMAL_X12, {"name": "Acme again"}))
    (tmp_path / "acme.yaml").write_text(dump_profile(first))
    (tmp_path / "acme-copy.yaml").write_text("# copied\n" + dump_profile(second))
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    [problem] = caught.value.problems
    assert (problem.source, problem.line, problem.field) == (
        str(tmp_path / "acme.yaml"),
        1,
        "id",
    )
    assert str(tmp_path / "acme-copy.yaml") + ":2" in problem.message


def test_duplicate_ids_within_one_text() -> None:
    profile = PartnerProfile.model_validate(MINIMAL_X12)
    found = problems(dump_profiles([profile, profile]), None)
    assert [(p.field, p.message) for p in found] == [
        ("id", "duplicate profile id 'acme', also at <text>:1")
    ]


@pytest.mark.parametrize(
    ("name", "words"),
    [("missing.yaml", "no such file"), ("profile.json", r"\*\.yaml or \*\.yml")],
)
def test_paths_that_are_not_profile_files(tmp_path: Path, name: str, words: str) -> None:
    if name.endswith(".json"):
        (tmp_path / name).write_text("{}")
    with pytest.raises(ProfileError, match=words):
        load_profiles(tmp_path / name)


def test_an_empty_directory_has_no_profiles(tmp_path: Path) -> None:
    assert load_profiles(tmp_path) == []


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_bytes(b"\xef\xbb\xbf" + X12_YAML.encode())
    assert load_profiles(tmp_path)[0].id == "acme"
