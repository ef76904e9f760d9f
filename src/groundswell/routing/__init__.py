"""Routing: rules that decide team, priority, SLA and governance for a post; SLA maths on business calendars;
and strategies that pick the employee. Everything here is pure (no database, no clock, no network)."""

from groundswell.routing.assignment import (
    AssignmentRequest,
    AssignmentResult,
    Employee,
    Skills,
    Strategy,
    assign,
    needs_reassignment,
)
from groundswell.routing.calendar import ALWAYS_OPEN, BusinessCalendar, is_open, open_intervals
from groundswell.routing.geo import GeoPoint, airport_codes_in_text, haversine_km, resolve_place
from groundswell.routing.rules import evaluate, route
from groundswell.routing.ruleset import Rule, RuleSet, check_references, load_rules
from groundswell.routing.schemas import AuthorTier, Priority, RoutingDecision, RoutingInput, Team
from groundswell.routing.sla import Pause, SlaPolicy, SlaState, SlaStatus, business_time_between, due_at, status

__all__ = [
    "ALWAYS_OPEN",
    "AssignmentRequest",
    "AssignmentResult",
    "AuthorTier",
    "BusinessCalendar",
    "Employee",
    "GeoPoint",
    "Pause",
    "Priority",
    "RoutingDecision",
    "RoutingInput",
    "Rule",
    "RuleSet",
    "Skills",
    "SlaPolicy",
    "SlaState",
    "SlaStatus",
    "Strategy",
    "Team",
    "airport_codes_in_text",
    "assign",
    "business_time_between",
    "check_references",
    "due_at",
    "evaluate",
    "haversine_km",
    "is_open",
    "load_rules",
    "needs_reassignment",
    "open_intervals",
    "resolve_place",
    "route",
    "status",
]
