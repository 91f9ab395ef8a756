"""Colour: what a source's tags mean, and the HDR-to-SDR tone-mapping LUT.

Every transcode comes out SDR, BT.709 matrix, limited range, tagged as such. HDR (HLG,
PQ/HDR10, Dolby Vision with an HLG base) is tone-mapped by a 3D LUT. PyAV's FFmpeg has no
zscale or libplacebo, and its ``tonemap`` needs linear float input that only zscale makes,
so the whole HDR-to-SDR transform (transfer decode, BT.2390 roll-off on max(R,G,B), BT.2020
to BT.709 gamut mapping, BT.1886 encode) is computed here once per transfer into a .cube
file that ``lut3d`` applies with tetrahedral interpolation. Plain Python math (33^3
points, well under a second), cached on disk by content hash.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from functools import lru_cache

# FFmpeg's enum values (AVColorPrimaries, AVColorTransferCharacteristic, AVColorSpace,
# AVColorRange), as PyAV reports them.
PRIMARIES = {1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020"}
TRANSFERS = {
    1: "bt709",
    6: "smpte170m",
    14: "bt2020-10",
    15: "bt2020-12",
    16: "smpte2084",
    18: "arib-std-b67",
}
MATRICES = {0: "rgb", 1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc", 10: "bt2020c"}
RANGES = {1: "tv", 2: "pc"}

HDR_TRANSFERS = ("smpte2084", "arib-std-b67")
SD_PRIMARIES = ("smpte170m", "bt470bg")
FULL_RANGE_FORMATS = ("yuvj420p", "yuvj422p", "yuvj444p")
HD_HEIGHT = 720  # from here up, untagged video is BT.709; below, BT.601 (FFmpeg's rule)

# Output tags (FFmpeg enum values): BT.709 everything, limited range.
OUT_BT709 = 1
OUT_RANGE_TV = 1

LUT_SIZE = 33
_REFERENCE_WHITE = 203.0  # nits of HDR reference white (BT.2408), shown as SDR's 100%
_SDR_PEAK = 100.0
_HDR_PEAK = 1000.0  # HLG's nominal display and the usual HDR10 mastering peak


def name(table: dict, value) -> str | None:
    try:
        return table.get(int(value))
    except (TypeError, ValueError):
        return None


def is_hdr(transfer: str | None) -> bool:
    return transfer in HDR_TRANSFERS


def source_matrix(matrix: str | None, height: int) -> str:
    """The matrix to decode with, as the scale filter names it; guessed when untagged."""
    if matrix in ("bt2020nc", "bt2020c"):
        return "bt2020"
    if matrix in ("bt709", "smpte170m", "bt470bg"):
        return matrix
    return "bt709" if height >= HD_HEIGHT else "smpte170m"


def is_full_range(pix_fmt: str | None, colour_range: str | None) -> bool:
    return pix_fmt in FULL_RANGE_FORMATS or colour_range == "pc"


def output_primaries(primaries: str | None, transfer: str | None) -> int:
    """SD footage keeps its own (SMPTE C / PAL) primaries, which we don't convert."""
    if not is_hdr(transfer) and primaries in SD_PRIMARIES:
        return {"bt470bg": 5, "smpte170m": 6}[primaries]
    return OUT_BT709


# ---------------------------------------------------------------- transfer functions

_PQ_M1, _PQ_M2 = 2610 / 16384, 2523 / 4096 * 128
_PQ_C1, _PQ_C2, _PQ_C3 = 3424 / 4096, 2413 / 4096 * 32, 2392 / 4096 * 32
_HLG_A = 0.17883277
_HLG_B = 1 - 4 * _HLG_A
_HLG_C = 0.5 - _HLG_A * math.log(4 * _HLG_A)
_HLG_GAMMA = 1.2  # system gamma for a 1000-nit display (BT.2100)


def pq_to_nits(e: float) -> float:
    p = max(e, 0.0) ** (1 / _PQ_M2)
    return 10000.0 * (max(p - _PQ_C1, 0.0) / (_PQ_C2 - _PQ_C3 * p)) ** (1 / _PQ_M1)


def nits_to_pq(nits: float) -> float:
    y = (max(nits, 0.0) / 10000.0) ** _PQ_M1
    return ((_PQ_C1 + _PQ_C2 * y) / (1 + _PQ_C3 * y)) ** _PQ_M2


def hlg_to_scene(e: float) -> float:
    e = min(max(e, 0.0), 1.0)
    return e * e / 3 if e <= 0.5 else (math.exp((e - _HLG_C) / _HLG_A) + _HLG_B) / 12


def scene_to_hlg(v: float) -> float:
    v = max(v, 0.0)
    return math.sqrt(3 * v) if v <= 1 / 12 else _HLG_A * math.log(12 * v - _HLG_B) + _HLG_C


def _luma2020(r, g, b):
    return 0.2627 * r + 0.6780 * g + 0.0593 * b


def _hlg_display(r, g, b):
    """HLG signal -> display light in nits (the BT.2100 OOTF on a 1000-nit display)."""
    r, g, b = hlg_to_scene(r), hlg_to_scene(g), hlg_to_scene(b)
    gain = _HDR_PEAK * max(_luma2020(r, g, b), 0.0) ** (_HLG_GAMMA - 1)
    return r * gain, g * gain, b * gain


def _pq_display(r, g, b):
    return pq_to_nits(r), pq_to_nits(g), pq_to_nits(b)


# ---------------------------------------------------------------- tone and gamut

_SRC_PEAK_PQ = nits_to_pq(_HDR_PEAK * _SDR_PEAK / _REFERENCE_WHITE)
_MAX_LUM = nits_to_pq(_SDR_PEAK) / _SRC_PEAK_PQ
_KNEE = 1.5 * _MAX_LUM - 0.5


def _eetf(nits: float) -> float:
    """BT.2390's roll-off, in PQ: unchanged below the knee, a Hermite spline above it
    ending at the SDR peak, so highlights compress instead of clipping."""
    e1 = min(nits_to_pq(nits) / _SRC_PEAK_PQ, 1.0)
    if e1 <= _KNEE:
        return nits
    t = (e1 - _KNEE) / (1 - _KNEE)
    t2, t3 = t * t, t * t * t
    e2 = (
        (2 * t3 - 3 * t2 + 1) * _KNEE
        + (t3 - 2 * t2 + t) * (1 - _KNEE)
        + (-2 * t3 + 3 * t2) * _MAX_LUM
    )
    return pq_to_nits(e2 * _SRC_PEAK_PQ)


_BT2020_TO_BT709 = (
    (1.660491, -0.587641, -0.072850),
    (-0.124550, 1.132900, -0.008349),
    (-0.018151, -0.100579, 1.118730),
)


def _to_sdr(r, g, b):
    """Display light in nits, BT.2020 -> SDR BT.709 R'G'B' in [0, 1]."""
    scale = _SDR_PEAK / _REFERENCE_WHITE
    r, g, b = r * scale, g * scale, b * scale
    peak = max(r, g, b)
    if peak > 0:
        # Tone-map max(R,G,B) and scale all three: keeps hue and saturation.
        k = _eetf(peak) / peak / _SDR_PEAK
        r, g, b = r * k, g * k, b * k
    m = _BT2020_TO_BT709
    rgb = [m[i][0] * r + m[i][1] * g + m[i][2] * b for i in range(3)]
    # Gamut mapping: colours BT.709 can't show are desaturated toward their own luminance
    # until they fit, instead of clipping each channel (which shifts hue).
    y = min(max(0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2], 0.0), 1.0)
    low, high = min(rgb), max(rgb)
    s = 1.0
    if low < 0:
        s = min(s, y / (y - low))
    if high > 1:
        s = min(s, (1 - y) / (high - y))
    return tuple(min(max(y + s * (c - y), 0.0), 1.0) ** (1 / 2.4) for c in rgb)


def sdr_from_hdr(transfer: str, r: float, g: float, b: float) -> tuple[float, float, float]:
    """One HDR R'G'B' (BT.2020, 0..1) as SDR BT.709 R'G'B' (0..1)."""
    display = _hlg_display if transfer == "arib-std-b67" else _pq_display
    return _to_sdr(*display(r, g, b))


def _cube_text(transfer: str) -> str:
    n = LUT_SIZE
    lines = [f"# Clipset {transfer} to SDR BT.709", f"LUT_3D_SIZE {n}"]
    # .cube order: red changes fastest.
    for bi in range(n):
        for gi in range(n):
            for ri in range(n):
                out = sdr_from_hdr(transfer, ri / (n - 1), gi / (n - 1), bi / (n - 1))
                lines.append("%.6f %.6f %.6f" % out)
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4)
def tonemap_lut(transfer: str) -> str:
    """Path of the .cube file for an HDR transfer, made on first use."""
    text = _cube_text(transfer)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = os.path.join(tempfile.gettempdir(), f"clipset-tonemap-{digest}.cube")
    if not os.path.exists(path):
        fd, tmp = tempfile.mkstemp(suffix=".cube", dir=os.path.dirname(path))
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)  # atomic: concurrent jobs never read half a file
    return path
