import inspect

import kiln


def public_members(cls):
    for name, member in vars(cls).items():
        # Enum members and __slots__ attributes are documented by their class.
        if name.startswith("_") or name.isupper() or inspect.ismemberdescriptor(member):
            continue
        yield name, member


def test_every_public_class_and_method_has_a_docstring():
    missing = []
    for name in kiln.__all__:
        obj = getattr(kiln, name)
        if not (obj.__doc__ or "").strip():
            missing.append(name)
        if not inspect.isclass(obj):
            continue
        for member_name, member in public_members(obj):
            if not (getattr(member, "__doc__", None) or "").strip():
                missing.append(f"{name}.{member_name}")
    assert missing == []


def test_exceptions_form_one_hierarchy():
    assert issubclass(kiln.Trap, kiln.KilnError)
    assert issubclass(kiln.ExitTrap, kiln.KilnError)
    assert issubclass(kiln.KilnError, Exception)


def test_native_classes_present_as_kiln():
    assert kiln.Store.__module__ == "kiln"
    assert kiln.Func.__module__ == "kiln"
