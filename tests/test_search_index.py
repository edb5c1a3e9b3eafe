"""The database holds exactly the search-index and data-generation definitions of
quotes/search_index.py and quotes/generation.py, whichever migration installed them."""

import re

import pytest
from django.db import connection

from quotes import anonymity, generation, search_index

pytestmark = pytest.mark.django_db


def normalized(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()


def sqlite_triggers() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {name: normalized(sql) for name, sql in cursor.fetchall()}


def postgresql_functions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc AS p "
            "JOIN pg_namespace AS n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'quotes_%%'"
        )
        return {signature: normalized(source) for signature, source in cursor.fetchall()}


def postgresql_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall()}


def signature(declaration: str) -> str:
    """`name(p_a text, p_b jsonb)` as PostgreSQL prints it: `name(text,jsonb)`."""
    name, arguments = declaration.rstrip(")").split("(")
    types = [argument.split()[-1] for argument in arguments.split(",") if argument.strip()]
    return f"{name}({','.join(types)})"


def test_the_database_holds_the_defined_triggers_and_functions() -> None:
    if connection.vendor == "sqlite":
        held = sqlite_triggers()
        defined = (
            search_index.SQLITE_TRIGGERS | anonymity.SQLITE_TRIGGERS | generation.SQLITE_TRIGGERS
        )
        for name, definition in defined.items():
            assert held[name] == normalized(f"CREATE TRIGGER {name} {definition}"), name
        return
    functions = postgresql_functions()
    defined = search_index.POSTGRESQL_FUNCTIONS | generation.POSTGRESQL_FUNCTIONS
    for declaration, (_, body) in defined.items():
        assert functions[signature(declaration)] == normalized(body), declaration
    assert set(generation.POSTGRESQL_TRIGGERS) <= postgresql_triggers()
    assert set(anonymity.POSTGRESQL_TRIGGERS) <= postgresql_triggers()
