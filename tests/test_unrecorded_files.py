"""Probe 37: a worker killed while saving a report left the evidence file it had written, its row rolled back with
the transaction; nothing ever deleted such a file. Beat sweeps every night the stored files that no row points at
and that were written more than a day before, on the local disk as in an S3 bucket."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from binhson_plan.celery import app
from operations.jobs import sweep_unrecorded_files_job
from reports.models import Evidence
from tests.reports.helpers import on
from tests.test_files_on_s3 import PDF, upload_evidence

JOB = "operations.jobs.sweep_unrecorded_files_job"


class Killed(Exception):
    """What a save stopped between writing its file and committing its row looks like to the database."""


def save_stopped_midway(evidence: Evidence) -> str:
    """An evidence file written by a save whose transaction never committed: the name it left in the storage."""
    with pytest.raises(Killed), transaction.atomic():
        orphan = Evidence.objects.create(
            entry=evidence.entry, file=SimpleUploadedFile("bien-ban-do-dang.pdf", PDF),
            original_name="bien-ban-do-dang.pdf", content_type="application/pdf", size=len(PDF),
        )  # fmt: skip
        name = orphan.file.name
        raise Killed
    assert default_storage.exists(name) and not Evidence.objects.filter(file=name).exists()
    return name


def written(name: str, at: datetime.datetime) -> None:
    path = os.path.join(settings.MEDIA_ROOT, name)
    os.utime(path, (at.timestamp(), at.timestamp()))


def test_beat_sweeps_every_night_after_the_backup():
    app.loader.import_default_modules()
    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == JOB]
    assert len(entries) == 1 and JOB in app.tasks
    assert entries[0]["schedule"].hour == {3} and entries[0]["schedule"].minute == {45}


def test_a_file_left_by_a_stopped_save_is_deleted_after_a_day_and_recorded_files_stay(
    client, cast, plan, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # on the disk, whatever the run's storage (the bucket's test is below)
    settings.STORAGES = settings.STORAGES | {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    _, evidence = upload_evidence(client, cast, plan)
    left = save_stopped_midway(evidence)
    fresh = save_stopped_midway(evidence)
    with on("2026-12-08", "03:45"):
        now = timezone.now()
        for name in (evidence.file.name, left):
            written(name, now - datetime.timedelta(days=2))
        written(fresh, now - datetime.timedelta(hours=1))  # a save may still be recording it

        assert sweep_unrecorded_files_job() == 1

    assert not default_storage.exists(left)
    assert default_storage.exists(fresh) and default_storage.exists(evidence.file.name)
    assert client.get(f"/bao-cao/{evidence.entry.report_id}/minh-chung/{evidence.pk}/").status_code == 200


def test_the_sweep_deletes_in_the_bucket_what_no_row_points_at(s3, client, cast, plan):
    _, evidence = upload_evidence(client, cast, plan)
    left = save_stopped_midway(evidence)
    s3_client, bucket = s3
    assert left in [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    with on("2099-01-01"):  # the bucket dates its objects by its own clock: every one is old then
        assert sweep_unrecorded_files_job() == 1
    keys = [item["Key"] for item in s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == [evidence.file.name]
