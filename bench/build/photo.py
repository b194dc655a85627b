"""A photo-sized PNG for the build bench: python3 photo.py WIDTH HEIGHT OUT.png

Smooth gradients with fine noise, so it compresses about as a camera's PNG does (a 4000 x 3000
one is about 12 MB). The same bytes every time.
"""

import random
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def main() -> None:
    width, height, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    noise = random.Random(1)
    red = bytes(x * 255 // width for x in range(width))
    blue = bytes(255 - v for v in red)
    rows = bytearray()
    for y in range(height):
        green = y * 255 // height
        row = bytearray(3 * width)
        row[0::3] = red
        row[1::3] = bytes(((b >> 5) + green) & 255 for b in noise.randbytes(width))
        row[2::3] = blue
        rows += b"\0" + row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", header))
        f.write(chunk(b"IDAT", zlib.compress(bytes(rows), 6)))
        f.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    main()
