"""HSDS imports as rows: started from a page, run by the task worker, watched on a page."""

import datetime
import logging
import uuid

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from salvaguarda.accounts.models import Membership, Role
from salvaguarda.referrals.directory.hsds_import import (
    MAX_PACKAGE_BYTES,
    Problem,
    package_import,
)
from salvaguarda.referrals.directory.models import DirectoryImport
from salvaguarda.referrals.directory.queries import Editor

logger = logging.getLogger(__name__)


def directory_import_start(*, editor: Editor, file_name: str, content: bytes) -> DirectoryImport:
    """Keep the package and queue its reading by the task worker."""
    from salvaguarda.referrals.tasks import directory_import_task

    # Only a network administrator starts one (its page checks it too); the reading refuses
    # any other account's package as well (hsds_import.package_import), the role checked again.
    if not editor.is_network_admin:
        raise PermissionDenied
    if len(content) > MAX_PACKAGE_BYTES:
        content = b""  # read as "not a package" by the worker, with its message
    row = DirectoryImport.objects.create(
        organization=editor.organization,
        created_by=editor.user,
        as_network_admin=editor.is_network_admin,
        file_name=file_name[:200],
        content=content,
    )
    directory_import_task.enqueue(row.pk)
    return row


RECENT_IMPORTS = 20


def directory_imports_recent(editor: Editor) -> list[DirectoryImport]:
    """The editor's organization's latest imports, newest first (directory data only)."""
    return list(
        DirectoryImport.objects.filter(organization=editor.organization)
        .select_related("created_by")
        .defer("content")
        .order_by("-created_at", "-id")[:RECENT_IMPORTS]
    )


def directory_import_get_for(editor: Editor, import_uuid: uuid.UUID) -> DirectoryImport:
    """An import of the editor's organization; 404 for any other."""
    found = DirectoryImport.objects.filter(
        uuid=import_uuid, organization=editor.organization
    ).first()
    if found is None:
        raise Http404
    return found


def directory_import_run(import_id: int) -> str:
    """Read one waiting package (the worker's task): imported whole, refused with its
    problems, or failed; its content is emptied either way."""
    with transaction.atomic():
        row = DirectoryImport.objects.select_for_update().filter(pk=import_id).first()
        if row is None or row.status != DirectoryImport.Status.PENDING:
            return "nothing to do"
        row.status = DirectoryImport.Status.RUNNING
        row.save(update_fields=["status"])
    still_member = Membership.objects.filter(
        user=row.created_by, organization=row.organization, is_active=True
    ).first()
    if still_member is None:
        return _finish(row, DirectoryImport.Status.FAILED)
    editor = Editor(
        row.created_by,
        row.organization,
        is_network_admin=row.as_network_admin and still_member.role == Role.NETWORK_ADMIN,
    )

    def progress(percent: int) -> None:
        DirectoryImport.objects.filter(pk=row.pk).update(progress=percent)

    try:
        outcome = package_import(editor=editor, content=bytes(row.content), progress=progress)
    except Exception:
        logger.exception("The directory import %s failed.", row.pk)
        return _finish(row, DirectoryImport.Status.FAILED)
    row.problems = [p.as_dict() for p in outcome.problems]
    row.counts = outcome.counts
    status = DirectoryImport.Status.REFUSED if outcome.problems else DirectoryImport.Status.DONE
    return _finish(row, status)


def _finish(row: DirectoryImport, status: str) -> str:
    row.status = status
    row.progress = 100
    row.content = b""
    row.finished_at = timezone.now()
    row.save(update_fields=["status", "progress", "content", "problems", "counts", "finished_at"])
    return status


# An import still waiting or running this long after it was sent lost its worker (a package is
# read in seconds): the periodic upkeep ends it as failed, so that its page stops waiting.
ABANDONED_AFTER = datetime.timedelta(hours=1)


def directory_imports_abandoned() -> int:
    """End as failed the imports whose worker was lost (the periodic upkeep)."""
    late = DirectoryImport.objects.filter(
        status__in=[DirectoryImport.Status.PENDING, DirectoryImport.Status.RUNNING],
        created_at__lt=timezone.now() - ABANDONED_AFTER,
    )
    ended = 0
    for row in late:
        row.problems = [Problem("", None, "", "interrupted").as_dict()]
        _finish(row, DirectoryImport.Status.FAILED)
        ended += 1
    return ended
