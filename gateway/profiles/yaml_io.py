"""Partner profiles as YAML files a B2B team keeps in git (SPEC §4: import/export).

Reading reports every problem of every file with its file, line and field, so a
profile is fixed in one pass. Writing is meant for review in a pull request: keys in
the model's order, defaults left out so that diffs show only what was decided,
block style, no anchors, and quotes only where YAML would otherwise misread a value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, SequenceNode

from gateway.profiles._yaml_nodes import SEQ_TAG, NodeConverter, TooLarge, locate
from gateway.profiles.errors import Problem, ProfileError, clean_message, field_path
from gateway.profiles.model import PartnerProfile

PROFILE_SUFFIXES = (".yaml", ".yml")
# Wide enough that PyYAML never folds a long line (an SSH key, a URL) in two.
_NO_WRAP = 1 << 16


@dataclass(frozen=True)
class _Loaded:
    profile: PartnerProfile
    source: str | None
    line: int  # where its id is written, for the duplicate-id report


def load_profiles(path: Path) -> list[PartnerProfile]:
    """Read the profiles of a ``.yaml``/``.yml`` file, or of every such file in a directory.

    A directory's files are read in name order, not recursively; files whose name starts
    with a dot (editor backups) are skipped. A file holds one profile (a mapping) or a
    list of profiles.

    Args:
        path: A profile file or a directory of them.

    Returns:
        The profiles in file order, then in order within each file.

    Raises:
        ProfileError: With every problem found in every file, including the same profile
            id appearing twice.
    """
    problems: list[Problem] = []
    loaded: list[_Loaded] = []
    for file in _profile_files(path, problems):
        try:
            text = file.read_text(encoding="utf-8-sig")  # tolerate a BOM from Windows editors
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(file), None, "", f"cannot be read: {error}"))
            continue
        file_loaded, file_problems = _parse(text, str(file))
        loaded += file_loaded
        problems += file_problems
    problems += _duplicate_ids(loaded)
    if problems:
        raise ProfileError(problems)
    return [item.profile for item in loaded]


def load_profiles_text(text: str, source: str | None = None) -> list[PartnerProfile]:
    """Read the profiles in ``text``: one mapping or a list of them.

    Args:
        text: YAML text.
        source: Named in problems (a file name, "request body"); ``None`` for none.

    Raises:
        ProfileError: With every problem in ``text``.
    """
    loaded, problems = _parse(text, source)
    problems += _duplicate_ids(loaded)
    if problems:
        raise ProfileError(problems)
    return [item.profile for item in loaded]


def dump_profile(profile: PartnerProfile) -> str:
    """One profile as a YAML mapping, ready to commit (see the module docstring)."""
    return _dump(_plain(profile))


def dump_profiles(profiles: Iterable[PartnerProfile]) -> str:
    """Profiles as one YAML list, which :func:`load_profiles_text` reads back equal."""
    return _dump([_plain(profile) for profile in profiles])


def _profile_files(path: Path, problems: list[Problem]) -> list[Path]:
    if path.is_dir():
        return sorted(
            p
            for p in path.iterdir()
            if p.suffix.lower() in PROFILE_SUFFIXES and p.is_file() and not p.name.startswith(".")
        )
    if not path.exists():
        problems.append(Problem(str(path), None, "", "no such file or directory"))
    elif path.suffix.lower() not in PROFILE_SUFFIXES:
        problems.append(Problem(str(path), None, "", "a profile file is named *.yaml or *.yml"))
    else:
        return [path]
    return []


def _parse(text: str, source: str | None) -> tuple[list[_Loaded], list[Problem]]:
    """Profiles and problems of one YAML document; problems sorted by line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        return [], [Problem(source, line, "", f"not valid YAML: {_yaml_message(error)}")]
    except yaml.reader.ReaderError as error:  # a control character YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        message = f"not valid YAML: character #x{error.character:04X}: {error.reason}"
        return [], [Problem(source, line, "", message)]
    except yaml.YAMLError as error:
        return [], [Problem(source, None, "", f"not valid YAML: {error}")]
    if root is None:
        return [], [Problem(source, 1, "", "is empty: expected a profile or a list of profiles")]
    if isinstance(root, SequenceNode) and root.tag == SEQ_TAG:
        nodes: list[Node] = list(root.value)
    else:
        nodes = [root]
    loaded: list[_Loaded] = []
    problems: list[Problem] = []
    converter = NodeConverter()
    for node in nodes:
        if not isinstance(node, MappingNode):
            line = node.start_mark.line + 1
            message = "expected a profile (a mapping of fields such as id, name, standard)"
            problems.append(Problem(source, line, "", message))
            continue
        try:
            profile = _validate(node, converter, source, problems)
        except TooLarge:
            message = "expands (through aliases) to too many values to be a profile"
            return [], [Problem(source, node.start_mark.line + 1, "", message)]
        if profile is not None:
            loaded.append(_Loaded(profile, source, locate(node, ("id",))))
    return loaded, sorted(problems, key=lambda problem: problem.line or 0)


def _validate(
    node: MappingNode, converter: NodeConverter, source: str | None, problems: list[Problem]
) -> PartnerProfile | None:
    """Validate one profile node; its problems go to ``problems``."""
    already, already_dropped = len(converter.problems), len(converter.dropped)
    data = converter.convert(node, PartnerProfile)
    own = converter.problems[already:]
    dropped = converter.dropped[already_dropped:]
    problems.extend(Problem(source, line, field_path(loc), message) for line, loc, message in own)
    try:
        return PartnerProfile.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            loc = tuple(detail["loc"])
            # A value we already reported (a bad tag, a cycle) fails validation too.
            if any(loc[: len(bad)] == bad for bad in dropped):
                continue
            line = locate(node, loc)
            problems.append(Problem(source, line, field_path(loc), clean_message(detail["msg"])))
        return None


def _duplicate_ids(loaded: list[_Loaded]) -> list[Problem]:
    first: dict[str, _Loaded] = {}
    problems = []
    for item in loaded:
        earlier = first.setdefault(item.profile.id, item)
        if earlier is not item:
            where = f"{earlier.source or '<text>'}:{earlier.line}"
            message = f"duplicate profile id {item.profile.id!r}, also at {where}"
            problems.append(Problem(item.source, item.line, "id", message))
    return problems


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "syntax error"
    if isinstance(error, yaml.composer.ComposerError) and "another document" in problem:
        return "a file holds one YAML document; put several profiles in one list instead"
    if error.context and error.context_mark is not None:
        return f"{problem} ({error.context}, line {error.context_mark.line + 1})"
    return problem


def _plain(profile: PartnerProfile) -> object:
    return profile.model_dump(mode="json", exclude_defaults=True)


class _ReviewDumper(yaml.SafeDumper):
    """SafeDumper that writes what a reviewer expects to read."""

    def ignore_aliases(self, data: object) -> bool:
        return True  # equal values written twice, never as &anchor / *alias

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # list items indented under their key


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Multi-line text (a PEM certificate) as a literal block; PyYAML falls back to
    # quoting by itself when a block cannot hold the text exactly. A lone symbol (a
    # delimiter) in double quotes, as people write them: "'" rather than four quotes.
    style = "|" if "\n" in data else None
    if len(data) == 1 and not data.isalnum():
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ReviewDumper.add_representer(str, _represent_str)


def _dump(data: object) -> str:
    return str(
        yaml.dump(
            data,
            Dumper=_ReviewDumper,
            sort_keys=False,
            default_flow_style=False,
            allow_unicode=True,
            width=_NO_WRAP,
        )
    )
