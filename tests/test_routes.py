"""Route choice: the first route whose `when` holds, read straight from MODEL.md §5.

The engine tests a route's conditions from a form prepared once per plan
(`RoutePlan.conditions`); these tests hold it to the plain reading of `when`.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from orgsim.config.load import load_plans
from orgsim.config.operating_model import When
from orgsim.config.plan import RoutePlan
from orgsim.domain.demand import generate
from orgsim.domain.initiative import Initiative
from orgsim.mechanisms.journey import choose_route, matches
from scenarios import SHIPPED

ORIGINS = ["ICS01", "ICS02", "NHSX"]
THEMES = ["triage", "records", "data"]


def plainly(when: When, item: Initiative) -> bool:
    """Every condition given in `when` holds for `item`."""
    return ((when.national_candidate is None or when.national_candidate == item.national_candidate)
            and (when.funding is None or when.funding == item.funding)
            and (when.origin_kind is None or when.origin_kind == item.origin_kind)
            and (when.origins is None or item.origin in when.origins)
            and (when.priority is None or when.priority == item.priority)
            and (when.themes is None or item.theme in when.themes)
            and (when.max_effort is None or item.total_effort <= when.max_effort))


whens = st.builds(
    When,
    national_candidate=st.none() | st.booleans(),
    funding=st.none() | st.sampled_from(["revenue", "capital"]),
    origin_kind=st.none() | st.sampled_from(["ics", "national"]),
    origins=st.none() | st.lists(st.sampled_from(ORIGINS), min_size=1, unique=True),
    priority=st.none() | st.booleans(),
    themes=st.none() | st.lists(st.sampled_from(THEMES), min_size=1, unique=True),
    max_effort=st.none() | st.floats(0.5, 20.0))


@st.composite
def initiatives(draw: st.DrawFn) -> Initiative:
    origin = draw(st.sampled_from(ORIGINS))
    efforts = draw(st.lists(st.floats(0.0, 10.0), min_size=1, max_size=3))
    return Initiative.new(0, origin, "national" if origin == "NHSX" else "ics", 1.0,
                          draw(st.sampled_from(THEMES)), 0,
                          tuple((f"f{i}", e) for i, e in enumerate(efforts)), 1.0,
                          draw(st.booleans()), draw(st.sampled_from(["revenue", "capital"])),
                          draw(st.booleans()))


@settings(max_examples=300, deadline=None)
@given(whens, initiatives())
def test_a_route_matches_exactly_when_its_conditions_hold(when: When, item: Initiative) -> None:
    route = RoutePlan("r", when, "national", (), 0)
    assert matches(route, item) == plainly(when, item)


def test_every_shipped_model_sends_each_initiative_down_the_first_route_that_matches() -> None:
    plans = load_plans(SHIPPED, None)
    assert len(plans) == 4
    items = generate(plans[0].scenario, np.random.default_rng(7))
    for plan in plans:
        chosen = [choose_route(plan.routes, item).name for item in items]
        first = [next(r for r in plan.routes if plainly(r.when, item)).name for item in items]
        assert chosen == first
        assert len(set(chosen)) > 1  # more than the catch-all route is taken
