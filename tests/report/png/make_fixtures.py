#!/usr/bin/env python3
"""Writes the PNG files png_colours is tested on (tests/report/CMakeLists.txt), each made to have
a known number of distinct colours in a format Chromium's screenshots do not use: packed grey
samples, a palette with a repeated entry and transparency, 16-bit RGBA; and a blank, a corrupt
and an interlaced image. Run from this directory; the output is committed."""
import struct
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(path, width, height, depth, colour_type, rows, plte=None, trns=None, interlace=0,
        filters=None):
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace))
    if plte:
        out += chunk(b"PLTE", plte)
    if trns:
        out += chunk(b"tRNS", trns)
    filters = filters or [0] * len(rows)
    raw = b"".join(bytes([f]) + row for f, row in zip(filters, rows))
    out += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)
    return out


# 4-bit grey, 10x3: the samples 0..4, so 5 colours.
png("grey4-5.png", 10, 3, 4, 0, [bytes([0x01, 0x23, 0x41, 0x11, 0x11])] * 3)
# 2-bit palette, 4x2, every index used: entries 0 and 3 are the same RGB, but tRNS makes entry 3
# transparent, so 4 colours.
png("palette-4.png", 4, 2, 2, 3, [bytes([0b00011011])] * 2,
    plte=bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3]), trns=bytes([255, 255, 255, 0]))
# 16-bit RGBA, 2x2: two pixels that differ only in the low byte of alpha, stored with the Sub and
# Paeth filters (a filtered row of zeros repeats the pixel before / above), so 2 colours.
px_a = bytes([1, 2, 3, 4, 5, 6, 7, 8])
px_b = bytes([1, 2, 3, 4, 5, 6, 7, 9])
png("rgba16-2.png", 2, 2, 16, 6, [px_a + bytes(a - b & 255 for a, b in zip(px_b, px_a)), bytes(16)],
    filters=[1, 4])
# 8-bit RGB, 64x64, all white: 1 colour, a blank page.
png("white-1.png", 64, 64, 8, 2, [b"\xff" * 64 * 3] * 64)
# The white image cut in the middle of its IDAT chunk.
whole = png("truncated.png", 64, 64, 8, 2, [b"\xff" * 64 * 3] * 64)
with open("truncated.png", "wb") as f:
    f.write(whole[: len(whole) - 20])
# Adam7 interlacing, which png_colours refuses.
png("interlaced.png", 2, 1, 8, 2, [bytes(6)], interlace=1)
