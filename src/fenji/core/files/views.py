"""Downloads: always as an attachment (never rendered by the browser).

``/files/<id>/`` serves only the actor's own uploads; the attachments of a submission or of a dispatch
reply are served by those objects' views, after their own visibility checks."""

from urllib.parse import quote

from django.http import FileResponse

from fenji.core.kernel.errors import NotVisible
from fenji.core.web.routes import requires

from . import permissions as perms
from . import selectors


def _ascii_fallback(name: str) -> str:
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    return fallback or "download"


def attachment_response(attachment, *, name: str | None = None) -> FileResponse:
    """Stream ``attachment`` as a download. Callers have decided the actor may see it (a view of its
    owning object may use this directly)."""
    try:
        handle = attachment.path.open("rb")
    except FileNotFoundError:
        raise NotVisible("附件文件缺失，请联系系统管理员") from None
    return download_response(handle, name or attachment.original_name, size=attachment.size)


def download_response(handle_or_bytes, name: str, *, size: int | None = None):
    if isinstance(handle_or_bytes, bytes):
        import io

        size = len(handle_or_bytes)
        handle_or_bytes = io.BytesIO(handle_or_bytes)
    response = FileResponse(handle_or_bytes, content_type="application/octet-stream")
    response["Content-Disposition"] = (f'attachment; filename="{_ascii_fallback(name)}"; '
                                       f"filename*=UTF-8''{quote(name, safe='')}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if size is not None:
        response["Content-Length"] = str(size)
    return response


@requires(perms.ATTACHMENT_VIEW)
def download(request, pk):
    """The actor's own upload (404 for anyone else's, in scope or not)."""
    return attachment_response(selectors.attachment_get(actor=request.actor, pk=pk))
