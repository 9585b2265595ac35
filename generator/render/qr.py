"""QR codes drawn at build time, for URLs the build knows (the site's own pages with --base-url).

A link that depends on the visitor (shared picks) is drawn in the browser instead (static/app.js, "shared picks",
with the vendored static/qrcode.js). segno (PyPI) implements ISO/IEC 18004; its output is deterministic: the
same text gives the same symbol (version, mask chosen by the standard's penalty rules), so the same bytes.
"""

from __future__ import annotations

import segno


def qr_data_uri(text: str) -> str:
    """An SVG `data:` URI of the QR code of `text`: error correction at least M (segno raises it while the
    version stays the same), dark modules black on a white quiet zone of 4 modules (ISO/IEC 18004 §5.3.8), kept
    in dark mode too so phones can read it. Units: one module per SVG user unit; scale it with CSS."""
    return segno.make(text, error="m", micro=False).svg_data_uri(border=4, dark="#000", light="#fff")
