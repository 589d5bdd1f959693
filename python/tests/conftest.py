import pytest

import kiln


@pytest.fixture
def engine():
    return kiln.Engine()


@pytest.fixture
def store(engine):
    return kiln.Store(engine)


def exports(store, engine, wat, imports=()):
    """Instantiates `wat` in `store` and returns its exports."""
    module = kiln.Module(engine, wat)
    return kiln.Instance(store, module, list(imports)).exports(store)
