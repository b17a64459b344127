"""Find a font that renders Chinese, for the PDF (reportlab) and the figures (matplotlib).

reportlab embeds TrueType outlines only (not CFF/OpenType-PS), so the
candidates are TrueType CJK fonts.  The default install brings one from PyPI:
the package ``paperang-p2-fonts-cjk`` ships WenQuanYi Micro Hei
(``wqy-microhei.ttc``, 5.2 MB; a 2.3 MB wheel), found through
:mod:`importlib.resources` without any system font.  Failing that, system
fonts are tried (Debian's ``fonts-wqy-microhei``, Windows, macOS, fontconfig).
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from graphfraud.errors import GraphfraudError

#: TrueType CJK fonts, best first (Debian, then common desktop locations).
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)

INSTALL_HINT = (
    "reinstall graphfraud (`pip install -e .` installs the font package paperang-p2-fonts-cjk) "
    "or install a TrueType Chinese font, e.g. `apt-get install fonts-wqy-microhei`"
)


class FontError(GraphfraudError):
    """No usable CJK font on this machine."""


#: (package, resource) of TrueType CJK fonts installed from PyPI with graphfraud, best first.
PACKAGED = (("paperang_p2_fonts_cjk", "fonts/wqy-microhei.ttc"),)


def packaged_font() -> Path | None:
    """The CJK font of a font package installed with graphfraud (:data:`PACKAGED`), or None."""
    from importlib import resources

    for package, name in PACKAGED:
        try:
            path = resources.files(package).joinpath(name)
        except ModuleNotFoundError:
            continue
        if path.is_file():
            return Path(str(path))
    return None


@lru_cache(maxsize=1)
def cjk_font() -> Path | None:
    """Path of a TrueType font with Chinese glyphs: the packaged one, else a system one, else None."""
    packaged = packaged_font()
    if packaged is not None:
        return packaged
    for name in CANDIDATES:
        if Path(name).is_file():
            return Path(name)
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
        for line in sorted(out.splitlines()):
            path = line.split(":")[0].strip()
            if path.lower().endswith((".ttf", ".ttc")) and _truetype(Path(path)):
                return Path(path)
    return None


def _truetype(path: Path) -> bool:
    try:
        from reportlab.pdfbase.ttfonts import TTFont

        TTFont("probe", str(path), subfontIndex=0)
        return True
    except Exception:  # noqa: BLE001 - any failure means reportlab cannot embed it
        return False


def require_cjk_font() -> Path:
    """Like :func:`cjk_font`, but raise :class:`FontError` naming the fix."""
    font = cjk_font()
    if font is None:
        raise FontError(f"no TrueType font with Chinese glyphs found; {INSTALL_HINT}, or use --lang en")
    return font
