"""A payload across releases: where the operation exists, whether the payload holds, and the change
that broke it (a finding of ``rules.judge.diff`` between the last valid release and the breaking one)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotFoundError
from ..graph.store import Store, Version
from ..query.lookup import find_operation
from ..rules.judge import Finding, History, diff
from ..taxonomy import ChangeKind, Preset
from .compile import INVALID_LENGTH, INVALID_RANGE, MISSING_REQUIRED, NOT_IN_ENUM, UNKNOWN_MEMBER, WRONG_TYPE, Error

# The change kinds that explain each error kind when found at the error's own (shape) path.
_EXPLAINS: dict[str, frozenset[ChangeKind]] = {
    UNKNOWN_MEMBER: frozenset({ChangeKind.MEMBER_REMOVED}),
    MISSING_REQUIRED: frozenset({ChangeKind.BECAME_REQUIRED, ChangeKind.MEMBER_ADDED}),
    NOT_IN_ENUM: frozenset({ChangeKind.ENUM_VALUE_REMOVED}),
    WRONG_TYPE: frozenset({ChangeKind.TYPE_CHANGED}),
    INVALID_LENGTH: frozenset({ChangeKind.CONSTRAINT_TIGHTENED}),
    INVALID_RANGE: frozenset({ChangeKind.CONSTRAINT_TIGHTENED}),
}


@dataclass(frozen=True, slots=True)
class Breakage:
    """The change that broke a payload."""

    rule: str
    path: str
    kind: str  # the change's kind (as in diff's findings), e.g. enum-value-removed
    release: str

    @classmethod
    def of(cls, finding: Finding) -> Breakage:
        return cls(finding.rule.id, finding.change.path, finding.change.kind, finding.release)

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "path": self.path, "kind": self.kind, "release": self.release}


@dataclass(frozen=True, slots=True)
class Timeline:
    """The operation's version at each release of its service (``None`` where it does not exist)."""

    service: str
    operation: str  # the method name
    steps: tuple[tuple[str, Version | None], ...]

    @property
    def removed_at(self) -> str | None:
        """The release that removed the operation, when it is gone as of the newest release."""
        if not self.steps or self.steps[-1][1] is not None:
            return None
        last = max(i for i, (_, version) in enumerate(self.steps) if version is not None)
        return self.steps[last + 1][0]


def timeline(store: Store, service: str, operation: str) -> Timeline:
    """From the service's first state (before it the store knows nothing: not "absent"), through
    the date a complete source dropped the service, if one did."""
    history = History(store, service)
    states = [(release, history.state(release)) for release in history.dates]
    name = _method_name(states, service, operation)
    return Timeline(service, name, tuple((release, state.get(name)) for release, state in states))


def _method_name(states: list[tuple[str, dict[str, Version]]], service: str, operation: str) -> str:
    """The method name, from the newest release that has the operation (it may be gone since)."""
    for release, state in reversed(states):
        try:
            return find_operation(state, operation, service, release).operation
        except NotFoundError:
            continue
    raise NotFoundError(f"{service} has no operation {operation!r} in any release")


def first_break(verdicts: list[tuple[str, bool | None]]) -> tuple[str, str] | None:
    """(last valid release, breaking release): the first release invalid right after a valid one
    (releases that cannot be checked are stepped over)."""
    last_known: tuple[str, bool] | None = None
    for release, valid in verdicts:
        if valid is None:
            continue
        if valid is False and last_known is not None and last_known[1]:
            return last_known[0], release
        last_known = (release, valid)
    return None


class Explainer:
    """Finds the change behind a break; one diff per (from, to) pair, shared by a whole batch."""

    def __init__(self, store: Store, timeline: Timeline) -> None:
        self.store, self.timeline = store, timeline
        self._findings: dict[tuple[str, str], list[Finding]] = {}

    def findings(self, since: str, until: str) -> list[Finding]:
        key = (since, until)
        if key not in self._findings:
            service, operation = self.timeline.service, self.timeline.operation
            self._findings[key] = diff(self.store, service, operation, since=since, until=until, preset=Preset.PAYLOADS)
        return self._findings[key]

    def explain(self, since: str, until: str, errors: list[Error]) -> Breakage | None:
        found = _match(self.findings(since, until), errors)
        return None if found is None else Breakage.of(found)


def _match(findings: list[Finding], errors: list[Error]) -> Finding | None:
    """The finding at an error's path, of a kind that explains it; else one above an error's path
    (an ancestor removed or retyped); else the first change that breaks payloads."""
    for error in errors:
        kinds = _EXPLAINS.get(error.kind, frozenset())
        exact = [f for f in findings if f.change.path == error.schema_path and f.change.kind in kinds]
        if exact:
            return next((f for f in exact if error.message.startswith(repr(f.change.old))), exact[0])
    for error in errors:
        above = [f for f in findings if _above(f.change.path, error.schema_path) and f.rule.breaks == Preset.PAYLOADS]
        if above:
            return max(above, key=lambda f: len(f.change.path))
    return next((f for f in findings if f.rule.breaks == Preset.PAYLOADS), None)


def _above(change: str, error: str) -> bool:
    return change == "" or (error.startswith(change) and error[len(change) : len(change) + 1] in (".", "[", "{"))


def removal(timeline: Timeline, release: str) -> tuple[Error, Breakage]:
    """The error and the change for a payload of an operation the service removed."""
    # A payload for an operation that is gone: its error kind is the change's.
    gone = ChangeKind.OPERATION_REMOVED
    error = Error("", gone, f"{timeline.service} removed {timeline.operation} in {release}")
    return error, Breakage(gone, "", gone, release)
