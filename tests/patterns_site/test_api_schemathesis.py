"""Property-based tests of the JSON API against its own OpenAPI document: schemathesis
generates requests from /api/openapi.json, valid and invalid, and checks every answer
with all its checks, in process through the WSGI application."""

import time

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.db.backends.signals import connection_created
from schemathesis.engine import Status, events

from tests.factories import (
    AdoptionOutcomeFactory,
    ComponentFactory,
    ConformanceClaimFactory,
    CouncilFactory,
    OfferingFactory,
    RecipePageFactory,
    StandardFactory,
)

# Enough to reach every parameter, value and status in a few seconds: the coverage
# phase adds the edge cases of each parameter on top.
MAX_EXAMPLES = 10
TIME_LIMIT = 60


@pytest.fixture
def catalogue(transactional_db):
    """A small catalogue, committed: schemathesis sends its requests from its own worker
    threads, whose database connections see only committed rows. The filters' allowed
    values (slugs, codes) in the schema come from these rows."""
    standard = StandardFactory(slug="uprn")
    component = ComponentFactory(slug="pay", standards=[standard])
    offering = OfferingFactory(slug="paybox", components=[component], open_source_licence="MIT")
    ConformanceClaimFactory(offering=offering, standard=standard, verified=True)
    council = CouncilFactory(slug="leeds", parent=CouncilFactory())
    recipe = RecipePageFactory(slug="bins", components=[component], standards=[standard])
    AdoptionOutcomeFactory(adoption__recipe=recipe, adoption__council=council)
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember)
    yield
    connection_created.disconnect(remember)
    # The worker threads have ended; their connections would keep the test database open.
    for wrapper in opened:
        if wrapper is not connections[wrapper.alias] and wrapper.connection is not None:
            wrapper.connection.close()


def test_api_answers_as_its_schema_says(catalogue):
    """Every generated request gets an answer its schema allows, under all of
    schemathesis's checks: no server error, the documented status, content type, headers
    and body, schema-valid requests accepted and schema-violating ones rejected."""
    config = schemathesis.Config.from_dict(
        {
            "seed": 20261201,
            "workers": 1,
            "cache": {"enabled": False},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "checks": {"enabled": True},
            # The WSGI client does not undo gzip (which the site applies when asked): ask
            # for the plain body, as the schema describes it.
            "headers": {"Accept-Encoding": "identity"},
        }
    )
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", get_wsgi_application(), config=config
    )
    started = time.monotonic()
    cases, failures, errors, operations, by_phase = 0, [], [], set(), {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases += len(event.recorder.cases)
            by_phase[event.phase.name] = by_phase.get(event.phase.name, 0) + len(
                event.recorder.cases
            )
            operations.add(event.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE:
                        case = event.recorder.cases[case_id].value
                        failures.append(f"{check.name}: {case.method} {case.formatted_path}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(event.info if hasattr(event, "info") else event))
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {cases} cases {by_phase} over {len(operations)} operations "
        f"in {elapsed:.1f} s"
    )
    assert not errors, errors[:3]
    assert not failures, sorted(set(failures))[:10]
    # All twelve operations (six lists, six details) were exercised, many times.
    assert len(operations - {None}) >= 12
    assert cases > 12 * MAX_EXAMPLES
    assert elapsed < TIME_LIMIT
