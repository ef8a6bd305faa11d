from celery import shared_task

from shifts.models import Rotation
from shifts.services import rotations


@shared_task(name="shifts.tasks.rotation_generate")
def rotation_generate(rotation_id: int) -> None:
    rotation = Rotation.objects.filter(pk=rotation_id, is_active=True).first()
    if rotation is not None:
        rotations.rotation_generate(rotation=rotation)


@shared_task(name="shifts.tasks.rotations_generate_all")
def rotations_generate_all() -> None:
    """Daily: fan out one planning task per active rotation (keeps the horizon filled)."""
    for rotation_id in Rotation.objects.active().values_list("pk", flat=True):
        rotation_generate.delay(rotation_id)
