"""PDF rendering: Chinese text with the system CJK font, A4 pages, and no remote fetch ever."""

import builtins
import re
import socket
import zlib

import pytest

from fenji.core.kernel.errors import DomainError
from fenji.core.web import pdf


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every (Flate) stream inflated, so font names and CMaps can be searched."""
    inflated = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


CHINESE = "<h1>管理员账户权限申请表</h1><p>申请部门：玄武区人社局</p>"


def test_chinese_text_renders_with_an_embedded_cjk_font_on_a4():
    data = pdf.render_html_pdf(f"<html><body>{CHINESE}</body></html>")
    assert data.startswith(b"%PDF-")
    objects = pdf_objects(data)
    fonts = re.findall(rb"/BaseFont\s*/([^\s/\]>]+)", objects)
    assert fonts and all(b"CJK" in name for name in fonts), fonts
    # the text is extractable: the ToUnicode map carries the characters (管 U+7BA1, 申 U+7533)
    assert b"7ba1" in objects.lower() and b"7533" in objects.lower()
    media = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", objects)
    width, height = float(media.group(1)), float(media.group(2))
    assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1  # A4 in points


def test_render_pdf_renders_a_template():
    data = pdf.render_pdf("web/pdf_base.html", {})
    assert data.startswith(b"%PDF-")


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png", "https://fonts.googleapis.com/css?family=Noto", "ftp://example.com/x.css",
    "//example.com/x.css", "file:///etc/passwd", "file://remote-host/share/x.png",
])
def test_the_fetcher_refuses_remote_and_foreign_urls(url):
    assert not pdf.is_local_url(url)
    fetcher = pdf._fetcher_class()()
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_data_urls_and_the_platforms_own_files_are_local():
    assert pdf.is_local_url("data:text/css,p{color:red}")
    assert pdf.is_local_url((pdf._PACKAGE_ROOT / "core/web/static/web/fenji.css").as_uri())
    assert not pdf.is_local_url((pdf._PACKAGE_ROOT / "../../../../etc/passwd").as_uri())


def test_a_template_naming_remote_resources_renders_without_opening_a_connection(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = ('<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css">'
            '<style>@import url("http://example.com/y.css"); @font-face { font-family: X; '
            'src: url(https://example.com/x.woff2); }</style></head>'
            f'<body><img src="http://example.com/seal.png">{CHINESE}</body></html>')
    data = pdf.render_html_pdf(html)
    assert data.startswith(b"%PDF-")


def test_missing_pango_is_a_clear_chinese_error_naming_the_debian_package(monkeypatch):
    import sys

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpangoft2-1.0-0': libpangoft2-1.0.so.0: cannot open shared object")
        return real_import(name, *args, **kwargs)

    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(DomainError) as caught:
        pdf.render_html_pdf("<p>测试</p>")
    assert "libpangoft2-1.0-0" in caught.value.message and "PDF" in caught.value.message
    assert isinstance(caught.value, pdf.PdfUnavailable)
