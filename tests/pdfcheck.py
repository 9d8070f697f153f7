"""Look at a workbook the way a printer does: LibreOffice converts it to PDF, poppler reads it back.

Used by ``test_print.py`` (and by hand: ``python tests/pdfcheck.py FILE.xlsx...`` prints the pages
per sheet). Every sheet the tool writes carries the sheet's name in its page footer (``&A``), so
each page of the PDF can be given back to its sheet; pages of a sheet without such a footer (a
unit's own form in an annotated copy) are counted under ``None``.

The smallest text on a page is read from the PDF's own ``Tf`` operators (LibreOffice writes the
size *after* the print scale, e.g. 12 pt at 50 % is ``/F2 5.995 Tf``), so it is exact, not a
guess from word boxes. pdftotext gives the text of each page (blank page = no text but the footer).

Text cut off is read from the same operators: LibreOffice draws each cell's text (and the page
footer) inside a clipping rectangle (``x y w h re W n``); a line of text whose height does not fit
inside its rectangle prints cut (a row too short for its wrapped text, a footer squeezed into too
small a margin). :attr:`Page.cut` lists them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
MISSING = ", ".join(n for n, p in (("LibreOffice (soffice)", SOFFICE), ("poppler-utils (pdftotext)", PDFTOTEXT))
                    if p is None)


@dataclass
class Page:
    number: int
    text: str                 # the page's text (pdftotext), footer included
    sizes: list[float]        # every font size used on the page, in points
    sheet: str | None = None  # from the footer
    cut: list["Cut"] = field(default_factory=list)   # text lines that print cut by their frame

    @property
    def smallest(self) -> float:
        return min(self.sizes, default=0.0)

    @property
    def body(self) -> str:
        """The page's text without the footer line(s) naming the sheet."""
        lines = [ln for ln in self.text.splitlines() if ln.strip()]
        if self.sheet is not None:
            lines = [ln for ln in lines if not _footer_line(ln)]
        return "\n".join(lines)


@dataclass(frozen=True)
class Cut:
    """A line of text (baseline ``x, y``, ``size`` pt) that does not fit its clipping rectangle."""

    x: float
    y: float
    size: float
    clip: tuple[float, float, float, float]    # x0, y0, x1, y1 in points from the page's bottom left
    width: float = 0.0                          # the run's advance, when the font's widths are known

    def __str__(self) -> str:
        return (f"{self.size:.1f}-pt text {self.width:.0f} pt wide at ({self.x:.0f}, {self.y:.0f}) cut by its "
                f"frame x {self.clip[0]:.0f}–{self.clip[2]:.0f}, y {self.clip[1]:.0f}–{self.clip[3]:.0f}")


@dataclass
class Printed:
    pdf: Path
    pages: list[Page] = field(default_factory=list)

    def sheets(self) -> dict[str | None, list[Page]]:
        out: dict[str | None, list[Page]] = {}
        for p in self.pages:
            out.setdefault(p.sheet, []).append(p)
        return out

    def counts(self) -> dict[str | None, int]:
        return {k: len(v) for k, v in self.sheets().items()}


FOOTER = re.compile(r"^\s*(?P<sheet>\S.*?)\s+·\s+(Trang|Page)\s+\d+(\s*/\s*\d+)?\s*$")


def _footer_line(line: str) -> bool:
    return FOOTER.match(line) is not None


def convert(workbook: Path, out_dir: Path | None = None) -> Path:
    """``soffice --headless --convert-to pdf``; a private profile so parallel runs never collide."""
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="danhgia-pdf-"))
    profile = Path(tempfile.mkdtemp(prefix="danhgia-lo-"))
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(workbook)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / (Path(workbook).stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice wrote no PDF for {workbook}")
    return pdf


def convert_many(workbooks: list[Path], out_dir: Path) -> dict[Path, Path]:
    """Convert several workbooks in one LibreOffice run (start-up is most of the cost); their
    names (stems) must differ. Returns workbook → PDF."""
    stems = [Path(w).stem for w in workbooks]
    assert len(set(stems)) == len(stems), f"two workbooks share a name: {stems}"
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="danhgia-lo-"))
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, workbooks)],
                       check=True, capture_output=True, timeout=900)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = {}
    for w in workbooks:
        pdf = out_dir / (Path(w).stem + ".pdf")
        if not pdf.is_file():
            raise RuntimeError(f"LibreOffice wrote no PDF for {w}")
        out[Path(w)] = pdf
    return out


def read(pdf: Path) -> Printed:
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    texts = text.split("\f")
    pages = _pages(Path(pdf).read_bytes())
    sizes = [_sizes(c) for c, _f in pages]
    printed = Printed(Path(pdf))
    for i, s in enumerate(sizes):
        t = texts[i] if i < len(texts) else ""
        sheet = None
        for ln in reversed([ln for ln in t.splitlines() if ln.strip()]):
            m = FOOTER.match(ln)
            if m:
                sheet = m.group("sheet").strip()
                break
        printed.pages.append(Page(i + 1, t, s, sheet, _cut(*pages[i])))
    return printed


def print_workbook(workbook: Path, out_dir: Path | None = None) -> Printed:
    return read(convert(workbook, out_dir))


# --- a tiny reader of LibreOffice's PDFs: the page tree and each page's Tf sizes ----------------

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_REF = re.compile(rb"(\d+) 0 R")


def _page_contents(data: bytes) -> list[bytes]:
    """Each page's content stream(s), decompressed, in page order."""
    return [content for content, _fonts in _pages(data)]


Fonts = dict[bytes, tuple[int, list[float]]]     # resource name → (first code, glyph widths /1000)


def _dict_of(objs: dict[int, bytes], text: bytes, key: bytes) -> bytes | None:
    """The value of ``/key`` in a dictionary, following one indirect reference."""
    m = re.search(rb"/" + key + rb"\s*(<<.*?>>|\d+ 0 R)", text, re.S)
    if not m:
        return None
    v = m.group(1)
    ref = re.fullmatch(rb"(\d+) 0 R", v)
    return objs.get(int(ref.group(1)), b"").split(b"stream", 1)[0] if ref else v


def _fonts(objs: dict[int, bytes], page: bytes) -> Fonts:
    """The widths of the simple (TrueType) fonts a page uses, as LibreOffice embeds them."""
    resources = _dict_of(objs, page, b"Resources") or b""
    fonts = _dict_of(objs, resources, b"Font") or b""
    out: Fonts = {}
    for name, ref in re.findall(rb"/(\S+?)\s+(\d+) 0 R", fonts):
        font = objs.get(int(ref), b"")
        first = re.search(rb"/FirstChar\s+(\d+)", font)
        widths = re.search(rb"/Widths\s*(\[[^\]]*\]|\d+ 0 R)", font)
        if not (first and widths):
            continue
        w = widths.group(1)
        ref_w = re.fullmatch(rb"(\d+) 0 R", w)
        if ref_w:
            w = objs.get(int(ref_w.group(1)), b"")
        out[name] = (int(first.group(1)), [float(x) / 1000 for x in re.findall(rb"[-\d.]+", w.strip(b"[]"))])
    return out


def _pages(data: bytes) -> list[tuple[bytes, Fonts]]:
    objs = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}
    root = re.search(rb"/Root\s+(\d+) 0 R", data)
    catalog = objs[int(root.group(1))]
    pages_ref = int(re.search(rb"/Pages\s+(\d+) 0 R", catalog).group(1))
    out: list[tuple[bytes, Fonts]] = []

    def walk(num: int) -> None:
        body = objs[num]
        head = body.split(b"stream", 1)[0]
        if re.search(rb"/Type\s*/Pages", head):
            kids = re.search(rb"/Kids\s*\[(.*?)\]", head, re.S).group(1)
            for k in _REF.findall(kids):
                walk(int(k))
        else:
            m = re.search(rb"/Contents\s*(\[(?:.*?)\]|\d+ 0 R)", head, re.S)
            content = b"\n".join(_stream(objs[int(ref)]) for ref in _REF.findall(m.group(1))) if m else b""
            out.append((content, _fonts(objs, head)))

    walk(pages_ref)
    return out


def _stream(obj: bytes) -> bytes:
    head, _, rest = obj.partition(b"stream")
    raw = rest.lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
    return zlib.decompress(raw) if b"FlateDecode" in head else raw


def _sizes(content: bytes) -> list[float]:
    sizes: list[float] = []
    # text matrices that scale (a b c d e f Tm with |d| != 1) multiply the Tf size
    scale = 1.0
    for tok in re.finditer(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) [-\d.]+ [-\d.]+ Tm|/\S+ ([\d.]+) Tf|\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>", content):
        if tok.group(4) is not None:
            scale = abs(float(tok.group(4))) or 1.0
        elif tok.group(5) is not None:
            sizes.append(round(float(tok.group(5)) * scale, 3))
    return sizes


_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>|[\[\]]|/[^\s/\[\]()<>]+|[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z*'\"]+")
def _tj_operands(content: bytes, end: int) -> list[bytes]:
    """The strings and adjustments of the TJ array just before ``end``."""
    start = content.rfind(b"[", 0, end)
    return _TJ_PART.findall(content[start + 1: content.rfind(b"]", 0, end)]) if start >= 0 else []


_TJ_PART = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>|[-+]?(?:\d+\.?\d*|\.\d+)")
_NUMBER = re.compile(rb"[-+]?(?:\d+\.?\d*|\.\d+)")
DESCENT, ASCENT = 0.2, 0.7     # of the font size, below and above the baseline (Times/Liberation Serif)
TOLERANCE = 0.5                # points


def _run_width(operands: list[bytes], font: tuple[int, list[float]] | None, size: float) -> float | None:
    """The advance of a Tj/TJ run: its glyphs' widths less the TJ adjustments (thousandths of
    the size); None when the font's widths are unknown."""
    if font is None:
        return None
    first, widths = font
    total = 0.0
    for op in operands:
        if op[:1] == b"<":
            codes = bytes.fromhex(op[1:-1].decode())
        elif op[:1] == b"(":
            codes = re.sub(rb"\\(.)", rb"\1", op[1:-1])
        else:
            total -= float(op) / 1000
            continue
        total += sum(widths[c - first] if 0 <= c - first < len(widths) else 0.5 for c in codes)
    return total * size


def _cut(content: bytes, fonts: Fonts | None = None) -> list[Cut]:
    """Lines of text drawn partly outside the clipping rectangle in force — cut at the top or
    bottom (a row too short), or at the right or left (a cell too narrow for text that cannot run
    on): the graphics state stack (q/Q), translations (cm), rectangles made the clip (re W n),
    text positions (Td/Tm), fonts and sizes (Tf) and each run's width from the embedded font's
    widths. Text under a rotating or scaling transform is not judged."""
    fonts = fonts or {}
    font = None
    operands: list[bytes] = []
    stack: list[tuple] = []
    clip: tuple[float, float, float, float] | None = None
    shift, plain = (0.0, 0.0), True
    nums: list[float] = []
    rect = None
    size = scale = 1.0
    line_x = line_y = 0.0
    out: list[Cut] = []
    for m in _TOKEN.finditer(content):
        t = m.group(0)
        if _NUMBER.fullmatch(t):
            nums.append(float(t))
            continue
        if t[:1] in (b"(", b"<", b"/"):
            operands.append(t)
            continue            # operands of the next operator
        if t in (b"[", b"]"):
            continue
        if t == b"q":
            stack.append((clip, shift, plain))
        elif t == b"Q":
            clip, shift, plain = stack.pop() if stack else (None, (0.0, 0.0), True)
        elif t == b"cm" and len(nums) >= 6:
            a, b, c, d, e, f = nums[-6:]
            if (a, b, c, d) == (1, 0, 0, 1):
                shift = (shift[0] + e, shift[1] + f)
            else:
                plain = False
        elif t == b"re" and len(nums) >= 4:
            x, y, w, h = nums[-4:]
            x, y = x + shift[0], y + shift[1]
            rect = (min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))
        elif t in (b"W", b"W*") and rect is not None:
            clip = rect if clip is None else (max(clip[0], rect[0]), max(clip[1], rect[1]),
                                              min(clip[2], rect[2]), min(clip[3], rect[3]))
        elif t == b"BT":
            line_x = line_y = 0.0
            scale = 1.0
        elif t == b"Td" and len(nums) >= 2:
            line_x, line_y = line_x + nums[-2] * scale, line_y + nums[-1] * scale
        elif t == b"Tm" and len(nums) >= 6:
            line_x, line_y = nums[-2], nums[-1]
            scale = abs(nums[-3]) or 1.0
        elif t == b"Tf" and nums:
            size = nums[-1] * scale
            names = [o for o in operands if o[:1] == b"/"]
            font = fonts.get(names[-1][1:]) if names else None
        elif t in (b"TJ", b"Tj", b"'", b'"') and plain and clip is not None:
            x, y = line_x + shift[0], line_y + shift[1]
            width = _run_width([o for o in operands if o[:1] in (b"<", b"(")] if t != b"TJ" else
                               _tj_operands(content, m.start()), font, size)
            side = width is not None and (x < clip[0] - TOLERANCE or x + width > clip[2] + TOLERANCE)
            if side or y - DESCENT * size < clip[1] - TOLERANCE or y + ASCENT * size > clip[3] + TOLERANCE:
                out.append(Cut(round(x, 1), round(y, 1), round(size, 2), tuple(round(v, 1) for v in clip),
                               round(width or 0.0, 1)))
        nums = []
        operands = []
    return out


def report(paths: list[str]) -> None:
    for p in paths:
        printed = print_workbook(Path(p))
        print(p)
        for sheet, pages in printed.sheets().items():
            print(f"  {sheet!s:24} pages {len(pages):3}  smallest {min(x.smallest for x in pages):5.2f} pt"
                  f"  blank {sum(1 for x in pages if not x.body.strip())}")


if __name__ == "__main__":
    report(sys.argv[1:])
