"""The order tests run in, which some of them depend on."""

from tests.conftest import database_order


def test_tests_that_empty_the_database_run_after_every_test_that_reads_it(request):
    """A test that commits (live server, another process) leaves the tables empty, without
    the groups, workflow and synonyms the migrations wrote: every test that reads the
    database inside a transaction runs before it."""
    orders = [database_order(item) for item in request.session.items]
    assert orders == sorted(orders)
