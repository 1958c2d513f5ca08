"""Printable documents (the official forms, ledgers) rendered to PDF with WeasyPrint.

The platform runs air-gapped: the URL fetcher given to WeasyPrint refuses every non-local URL, so a
template that names a remote stylesheet, font or image renders without it instead of reaching out.
Fonts are the system's CJK fonts (Debian ``fonts-noto-cjk``) found through fontconfig; nothing is
downloaded. WeasyPrint is imported inside the function: it is slow to import and loads pango.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from fenji.core.kernel.errors import DomainError

PANGO_PACKAGE = "libpangoft2-1.0-0"

PAGE_CSS = """
@page { size: A4; margin: 18mm 15mm 18mm 15mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
html { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.45; }
"""

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # src/fenji: templates and static files live below it


class PdfUnavailable(DomainError):
    """The PDF engine cannot run on this machine (a system library is missing)."""

    def __init__(self, message: str):
        super().__init__(message, code="pdf_unavailable")


def _local_roots() -> list[Path]:
    roots = [_PACKAGE_ROOT]
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root:
        roots.append(Path(static_root).resolve())
    return roots


def local_path(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it lies under the package or the collected static files."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if any(path == root or root in path.parents for root in _local_roots()):
        return path
    return None


def is_local_url(url: str) -> bool:
    """``data:`` URLs and files of the platform itself; everything else (http, https, ftp, …) is remote."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return True
    return local_path(url) is not None


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Fetches ``data:`` URLs and the platform's own files; refuses every other URL (air-gapped)."""

        def fetch(self, url, headers=None):
            if not is_local_url(url):
                raise ValueError(f"离线部署：不获取外部资源 {url}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def _weasyprint():
    try:
        import weasyprint
    except OSError as error:  # cffi could not load pango / harfbuzz / fontconfig
        raise PdfUnavailable(
            f"无法生成PDF：服务器缺少 Pango 排版库（请安装 Debian 软件包 {PANGO_PACKAGE}，"
            f"例如 apt-get install {PANGO_PACKAGE}）。原始错误：{error}"
        ) from error
    return weasyprint


def render_html_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """An HTML string as PDF bytes (A4, CJK fonts, local resources only)."""
    weasyprint = _weasyprint()
    fetcher = _fetcher_class()(allowed_protocols=("data", "file"), allow_redirects=False, timeout=1)
    try:
        document = weasyprint.HTML(string=html, base_url=base_url or _PACKAGE_ROOT.as_uri() + "/",
                                   url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[weasyprint.CSS(string=PAGE_CSS, url_fetcher=fetcher)])
    except OSError as error:
        if "pango" in str(error).lower():
            raise PdfUnavailable(f"无法生成PDF：Pango 排版库不可用（请安装 Debian 软件包 {PANGO_PACKAGE}）") from error
        raise


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render ``template_name`` with ``context`` and turn it into PDF bytes.

    Raises ``PdfUnavailable`` (a ``DomainError`` with a Chinese message naming the Debian package to
    install) when the machine lacks pango.
    """
    html = render_to_string(template_name, context, request=request)
    return render_html_pdf(html)


def pdf_response(pdf: bytes, filename: str, *, inline: bool = True):
    """An HTTP response carrying ``pdf``; shown in the browser (to print) unless ``inline`` is false."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "no-store"
    return response
