"""Fixtures for the catalogue's tests: a supplier organisation's member, signed in."""

import pytest

from tests.factories import SupplierMembershipFactory


@pytest.fixture
def member(db):
    return SupplierMembershipFactory()


@pytest.fixture
def supplier_client(client, member):
    client.force_login(member.user)
    return client
