"""Choosing the employee within a team: pure strategies over a snapshot of the team's employees.

Every strategy first filters out whoever cannot take the case now: another team, on leave, off shift (their
own shift calendar, in their own time zone), at capacity (open cases >= max_open_cases), or a trainee when the
routing decision disallows trainees. Each rejected employee is reported with the reasons, so "nobody
assigned" always says why. Ties are broken by name, so the same snapshot always gives the same choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from groundswell.errors import InvalidInput
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar, is_open
from groundswell.routing.geo import GeoPoint, haversine_km
from groundswell.routing.sla import SlaState, SlaStatus


class Skills(BaseModel):
    """What an employee can handle; compared without regard to case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topics: frozenset[str] = frozenset()
    intents: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()

    @field_validator("topics", "intents", "languages", "channels", mode="after")
    @classmethod
    def _casefold(cls, values: frozenset[str]) -> frozenset[str]:
        return frozenset(v.casefold() for v in values)


class Employee(BaseModel):
    """One employee as the assigner sees them at a moment: configuration plus current load."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    team: str
    max_open_cases: int = Field(ge=0)
    open_cases: int = Field(default=0, ge=0)
    shift: BusinessCalendar = ALWAYS_OPEN
    on_leave: bool = False
    trainee: bool = False
    skills: Skills = Skills()
    location: GeoPoint | None = None

    @property
    def load(self) -> float:
        return self.open_cases / self.max_open_cases if self.max_open_cases else 1.0


class AssignmentRequest(BaseModel):
    """The case to place. `current_owner` is who holds this customer's open case, if any (for sticky)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    team: str
    now: datetime
    topics: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    language: str | None = None
    channel: str | None = None
    position: GeoPoint | None = None
    current_owner: str | None = None
    allow_trainees: bool = True


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"
    BEST_MATCH = "best_match"
    STICKY = "sticky"


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    employee: str | None
    strategy: Strategy
    reason: str
    cursor: str | None = None  # round robin: pass back in next time
    rejected: dict[str, tuple[str, ...]] = field(default_factory=dict)


def ineligibility(employee: Employee, request: AssignmentRequest) -> list[str]:
    """Why this employee cannot take the case now; empty when they can."""
    reasons: list[str] = []
    if employee.team != request.team:
        reasons.append(f"in team {employee.team}, not {request.team}")
    if employee.on_leave:
        reasons.append("on leave")
    if not is_open(employee.shift, request.now):
        reasons.append(
            f"off shift at {request.now.astimezone(employee.shift.zone):%a %H:%M} ({employee.shift.timezone})"
        )
    if employee.open_cases >= employee.max_open_cases:
        reasons.append(f"at capacity ({employee.open_cases}/{employee.max_open_cases} open cases)")
    if employee.trainee and not request.allow_trainees:
        reasons.append("trainee, and this case is not open to trainees")
    return reasons


def _partition(
    employees: Sequence[Employee], request: AssignmentRequest
) -> tuple[list[Employee], dict[str, tuple[str, ...]]]:
    names = [e.name for e in employees]
    if len(set(names)) != len(names):
        duplicates = sorted({n for n in names if names.count(n) > 1})
        raise InvalidInput(f"employee names must be unique within an assignment; repeated: {', '.join(duplicates)}")
    eligible: list[Employee] = []
    rejected: dict[str, tuple[str, ...]] = {}
    for employee in sorted(employees, key=lambda e: e.name):
        reasons = ineligibility(employee, request)
        if reasons:
            rejected[employee.name] = tuple(reasons)
        else:
            eligible.append(employee)
    return eligible, rejected


def _nobody(
    strategy: Strategy, request: AssignmentRequest, rejected: dict[str, tuple[str, ...]], cursor: str | None = None
) -> AssignmentResult:
    if not rejected:
        reason = f"team {request.team} has no employees"
    else:
        reason = "no one can take the case: " + "; ".join(f"{n}: {', '.join(r)}" for n, r in rejected.items())
    return AssignmentResult(None, strategy, reason, cursor, rejected)


def round_robin(employees: Sequence[Employee], request: AssignmentRequest, cursor: str | None) -> AssignmentResult:
    """The next eligible employee by name after `cursor` (the last one assigned), wrapping around.

    The cursor is a name rather than a position, so people joining or leaving the team do not skip anyone."""
    eligible, rejected = _partition(employees, request)
    if not eligible:
        return _nobody(Strategy.ROUND_ROBIN, request, rejected, cursor)
    after = [e for e in eligible if cursor is None or e.name > cursor]
    chosen = (after or eligible)[0]
    reason = f"next in turn after {cursor}" if cursor else "first in turn"
    return AssignmentResult(chosen.name, Strategy.ROUND_ROBIN, reason, chosen.name, rejected)


def least_loaded(employees: Sequence[Employee], request: AssignmentRequest) -> AssignmentResult:
    """The eligible employee with the lowest share of their capacity in use (then fewest cases, then name)."""
    eligible, rejected = _partition(employees, request)
    if not eligible:
        return _nobody(Strategy.LEAST_LOADED, request, rejected)
    chosen = min(eligible, key=lambda e: (e.load, e.open_cases, e.name))
    reason = f"least loaded: {chosen.open_cases}/{chosen.max_open_cases} open cases"
    return AssignmentResult(chosen.name, Strategy.LEAST_LOADED, reason, None, rejected)


# Weights of the match score. Language counts most (an answer must be readable), then subject knowledge,
# then channel experience; nearness adds up to DISTANCE_WEIGHT, fading linearly to nothing at NEAR_KM.
LANGUAGE_WEIGHT, TOPIC_WEIGHT, INTENT_WEIGHT, CHANNEL_WEIGHT, DISTANCE_WEIGHT = 3.0, 2.0, 2.0, 1.0, 2.0
NEAR_KM = 1000.0


def match_score(employee: Employee, request: AssignmentRequest) -> tuple[float, list[str]]:
    """How well an employee fits the case, with the reasons that make up the score."""
    skills, score, why = employee.skills, 0.0, []
    if request.language and request.language.casefold() in skills.languages:
        score += LANGUAGE_WEIGHT
        why.append(f"speaks {request.language}")
    topics = sorted({t.casefold() for t in request.topics} & skills.topics)
    intents = sorted({i.casefold() for i in request.intents} & skills.intents)
    score += TOPIC_WEIGHT * len(topics) + INTENT_WEIGHT * len(intents)
    why += [f"knows {', '.join(topics)}"] if topics else []
    why += [f"handles {', '.join(intents)}"] if intents else []
    if request.channel and request.channel.casefold() in skills.channels:
        score += CHANNEL_WEIGHT
        why.append(f"works {request.channel}")
    if request.position is not None and employee.location is not None:
        distance = haversine_km(request.position, employee.location)
        score += DISTANCE_WEIGHT * max(0.0, 1 - distance / NEAR_KM)
        why.append(f"{distance:.0f} km away")
    return score, why


def best_match(employees: Sequence[Employee], request: AssignmentRequest) -> AssignmentResult:
    """The eligible employee with the highest match score; ties go to the less loaded, then by name."""
    eligible, rejected = _partition(employees, request)
    if not eligible:
        return _nobody(Strategy.BEST_MATCH, request, rejected)
    scored = [(match_score(e, request), e) for e in eligible]
    (score, why), chosen = min(scored, key=lambda item: (-item[0][0], item[1].load, item[1].name))
    reason = f"best match (score {score:g}: {', '.join(why) or 'no specific skills matched'})"
    return AssignmentResult(chosen.name, Strategy.BEST_MATCH, reason, None, rejected)


def sticky(
    employees: Sequence[Employee],
    request: AssignmentRequest,
    fallback: Strategy = Strategy.LEAST_LOADED,
    cursor: str | None = None,
) -> AssignmentResult:
    """The employee who already holds this customer's open case, when they can take more; else `fallback`."""
    if fallback is Strategy.STICKY:
        raise InvalidInput("sticky assignment needs a different fallback strategy")
    owner = request.current_owner
    current = next((e for e in employees if e.name == owner), None)
    if current is not None and not (reasons := ineligibility(current, request)):
        _, rejected = _partition(employees, request)
        return AssignmentResult(
            current.name, Strategy.STICKY, "already handles this customer's open case", cursor, rejected
        )
    result = assign(employees, request, fallback, cursor)
    if owner is None:
        note = "no open case for this customer"
    elif current is None:
        note = f"previous owner {owner} is not in the team snapshot"
    else:
        note = f"previous owner {owner} is {', '.join(reasons)}"
    return AssignmentResult(
        result.employee, result.strategy, f"{note}; {result.reason}", result.cursor, result.rejected
    )


def assign(
    employees: Sequence[Employee], request: AssignmentRequest, strategy: Strategy, cursor: str | None = None
) -> AssignmentResult:
    """Choose with the named strategy. `cursor` is only used (and returned) by round robin."""
    if request.now.tzinfo is None:
        raise InvalidInput("the assignment time must be timezone-aware")
    if strategy is Strategy.ROUND_ROBIN:
        return round_robin(employees, request, cursor)
    if strategy is Strategy.LEAST_LOADED:
        return least_loaded(employees, request)
    if strategy is Strategy.BEST_MATCH:
        return best_match(employees, request)
    return sticky(employees, request, cursor=cursor)


@dataclass(frozen=True, slots=True)
class ReassignmentCheck:
    needed: bool
    reasons: tuple[str, ...]


REASSIGN_ON_SLA = frozenset({SlaState.WARNING, SlaState.BREACHED})


def needs_reassignment(
    employee: Employee,
    *,
    now: datetime,
    sla: SlaStatus | None = None,
    reassign_on: frozenset[SlaState] = REASSIGN_ON_SLA,
) -> ReassignmentCheck:
    """Whether an assigned, still-unanswered case should move: its owner went on leave or off shift, or its
    SLA is about to breach (warning) or has breached. Capacity is not a reason: the case is already counted."""
    reasons: list[str] = []
    if employee.on_leave:
        reasons.append(f"{employee.name} is on leave")
    if not is_open(employee.shift, now):
        reasons.append(f"{employee.name} is off shift")
    if sla is not None and sla.state in reassign_on:
        reasons.append(
            f"SLA {sla.state.value}: {sla.fraction_used:.0%} of the target used, due {sla.due_at.isoformat()}"
        )
    return ReassignmentCheck(bool(reasons), tuple(reasons))
