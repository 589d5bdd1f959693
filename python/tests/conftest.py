import pytest

import kiln


@pytest.fixture
def engine():
    return kiln.Engine()


@pytest.fixture
def store(engine):
    return kiln.Store(engine)


def fuel_engine():
    """An engine whose stores count fuel."""
    config = kiln.Config()
    config.consume_fuel = True
    return kiln.Engine(config)


def epoch_engine():
    """An engine whose stores are interrupted by epoch deadlines."""
    config = kiln.Config()
    config.epoch_interruption = True
    return kiln.Engine(config)


def exports(store, engine, wat, imports=()):
    """Instantiates `wat` in `store` and returns its exports."""
    module = kiln.Module(engine, wat)
    return kiln.Instance(store, module, list(imports)).exports(store)
