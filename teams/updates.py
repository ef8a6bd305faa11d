"""One typed helper for every service that edits a record from a set of given fields."""

from collections.abc import Collection, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(
    *,
    instance: M,
    fields: Collection[str],
    data: Mapping[str, Any],
    validate_unique: bool = True,
) -> tuple[M, list[str]]:
    """Set the `data` values of the allowed `fields` that differ, validate, save them.

    A name in `data` outside `fields` is a ValidationError (never silently ignored).
    Many-to-many fields are set after the save. Returns the instance and the names of
    the fields that changed; nothing is written when nothing changed. Checks across
    rows that need the new values belong in the calling service, after this call,
    inside its transaction. `validate_unique=False` leaves uniqueness and constraints
    to a service that words the message itself.
    """
    unknown = set(data) - set(fields)
    if unknown:
        name = instance._meta.verbose_name
        raise ValidationError(f"Unknown {name} fields: {', '.join(sorted(unknown))}.")
    many_to_many = {field.name for field in instance._meta.many_to_many}
    changed: list[str] = []
    m2m_changes: dict[str, list[Any]] = {}
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if name in many_to_many:
            new = list(value)
            if not instance.pk or {obj.pk for obj in new} != set(
                getattr(instance, name).values_list("pk", flat=True)
            ):
                m2m_changes[name] = new
                changed.append(name)
        elif getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    # An unchanged foreign key still points at a row (the database's constraint says so):
    # checking it again would cost a query. Uniqueness and constraints see every field.
    unchanged_relations = {
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation and field.name not in changed
    }
    instance.full_clean(
        exclude=unchanged_relations, validate_unique=False, validate_constraints=False
    )
    if validate_unique:
        instance.validate_unique()
        instance.validate_constraints()
    simple = [name for name in changed if name not in many_to_many]
    if simple:
        auto_now = [
            field.name
            for field in instance._meta.concrete_fields
            if getattr(field, "auto_now", False)
        ]
        instance.save(update_fields=[*simple, *auto_now])
    for name, objects in m2m_changes.items():
        getattr(instance, name).set(objects)
    return instance, changed
