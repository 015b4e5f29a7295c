// png_colours: counts the distinct colours of a PNG image, so that browser_check.sh can tell a
// rendered page from a blank one without Python or ImageMagick (neither is on a fresh Debian 12).
//
//   png_colours [--min N] FILE.png
//
// Prints "FILE: WxH, K distinct colours" and exits 0; with --min N, exits 1 when K < N (the
// page is taken as blank). Exit code 2: not a PNG this reads (bad signature or CRC,
// truncated or corrupt data, an interlaced image). Reads every colour type and bit depth of
// non-interlaced PNG; Chromium's screenshots are 8-bit RGB or RGBA, non-interlaced. A palette
// image's colours are counted as the palette entries they name, with their alpha.

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

struct Header {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    int depth = 0;        // bits per sample: 1, 2, 4, 8 or 16
    int colour_type = 0;  // 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA
    int channels = 0;
};

struct Image {
    Header header;
    std::vector<std::uint8_t> palette;  // RGBA, 4 bytes an entry (type 3 only)
    std::vector<std::uint8_t> idat;     // the concatenated IDAT chunks: one zlib stream
};

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what);
}

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

int channels_of(int colour_type) {
    // Samples a pixel, indexed by colour type; 0 where the type does not exist.
    static constexpr int kChannels[7] = {1, 0, 3, 1, 2, 0, 4};
    if (colour_type < 0 || colour_type > 6 || kChannels[colour_type] == 0)
        fail("unknown colour type " + std::to_string(colour_type));
    return kChannels[colour_type];
}

Header read_header(const std::uint8_t* p, std::uint32_t length) {
    if (length != 13) fail("IHDR of " + std::to_string(length) + " bytes, not 13");
    Header h;
    h.width = be32(p);
    h.height = be32(p + 4);
    h.depth = p[8];
    h.colour_type = p[9];
    h.channels = channels_of(h.colour_type);
    if (h.width == 0 || h.height == 0) fail("an empty image");
    // A screenshot is a few million pixels; this bound keeps the buffers below 1 GiB.
    if (std::uint64_t{h.width} * h.height > (std::uint64_t{1} << 27)) fail("image too large");
    const bool depth_ok = h.depth == 8 || h.depth == 16 ||
                          ((h.colour_type == 0 || h.colour_type == 3) && h.depth < 8 &&
                           (h.depth == 1 || h.depth == 2 || h.depth == 4));
    if (!depth_ok || (h.colour_type == 3 && h.depth == 16))
        fail("bit depth " + std::to_string(h.depth) + " with colour type " +
             std::to_string(h.colour_type));
    if (p[10] != 0 || p[11] != 0) fail("unknown compression or filter method");
    if (p[12] != 0) fail("an interlaced PNG (not supported)");
    return h;
}

Image read_chunks(const std::vector<std::uint8_t>& file) {
    static constexpr std::uint8_t kSignature[8] = {137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};
    if (file.size() < 8 || !std::equal(kSignature, kSignature + 8, file.begin()))
        fail("not a PNG file (bad signature)");
    Image image;
    bool have_header = false;
    std::size_t at = 8;
    for (;;) {
        if (file.size() - at < 12) fail("truncated: no IEND chunk");
        const std::uint32_t length = be32(&file[at]);
        const std::string_view type(reinterpret_cast<const char*>(&file[at + 4]), 4);
        if (length > file.size() - at - 12) fail("truncated " + std::string(type) + " chunk");
        const std::uint8_t* data = &file[at + 8];
        // The CRC covers the type and the data.
        const auto crc = crc32(crc32(0, nullptr, 0), &file[at + 4], length + 4);
        if (crc != be32(data + length)) fail("bad CRC in the " + std::string(type) + " chunk");
        at += 12 + std::size_t{length};
        if (!have_header && type != "IHDR") fail("the first chunk is not IHDR");
        if (type == "IHDR") {
            image.header = read_header(data, length);
            have_header = true;
        } else if (type == "PLTE") {
            if (length % 3 != 0 || length == 0 || length > 768) fail("bad PLTE chunk");
            for (std::uint32_t i = 0; i < length; i += 3)
                image.palette.insert(image.palette.end(), {data[i], data[i + 1], data[i + 2], 255});
        } else if (type == "tRNS" && image.header.colour_type == 3) {
            for (std::uint32_t i = 0; i < length && 4 * i + 3 < image.palette.size(); ++i)
                image.palette[4 * i + 3] = data[i];
        } else if (type == "IDAT") {
            image.idat.insert(image.idat.end(), data, data + length);
        } else if (type == "IEND") {
            break;
        }
    }
    if (image.idat.empty()) fail("no IDAT chunk");
    if (image.header.colour_type == 3 && image.palette.empty())
        fail("a palette image with no PLTE");
    return image;
}

std::vector<std::uint8_t> inflate_all(const std::vector<std::uint8_t>& in, std::size_t expected) {
    std::vector<std::uint8_t> out(expected);
    z_stream z{};
    if (inflateInit(&z) != Z_OK) fail("inflateInit failed");
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t produced = out.size() - z.avail_out;
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        fail(rc == Z_BUF_ERROR && z.avail_out == 0 ? "more image data than the header says"
                                                   : "corrupt or truncated image data");
    if (produced != expected) fail("less image data than the header says");
    return out;
}

std::uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c;
    const int pa = std::abs(p - a);
    const int pb = std::abs(p - b);
    const int pc = std::abs(p - c);
    return static_cast<std::uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Undoes the per-row filters: returns the rows without their filter bytes.
std::vector<std::uint8_t> unfilter(const std::vector<std::uint8_t>& raw, std::size_t row_bytes,
                                   std::size_t rows, std::size_t pixel_bytes) {
    std::vector<std::uint8_t> out(row_bytes * rows);
    const std::vector<std::uint8_t> zero_row(row_bytes, 0);
    for (std::size_t y = 0; y < rows; ++y) {
        const std::uint8_t filter = raw[y * (row_bytes + 1)];
        const std::uint8_t* in = &raw[y * (row_bytes + 1) + 1];
        std::uint8_t* cur = &out[y * row_bytes];
        const std::uint8_t* up = y == 0 ? zero_row.data() : cur - row_bytes;
        for (std::size_t x = 0; x < row_bytes; ++x) {
            const int a = x >= pixel_bytes ? cur[x - pixel_bytes] : 0;
            const int b = up[x];
            const int c = x >= pixel_bytes ? up[x - pixel_bytes] : 0;
            int predicted = 0;
            switch (filter) {
                case 0:
                    predicted = 0;
                    break;
                case 1:
                    predicted = a;
                    break;
                case 2:
                    predicted = b;
                    break;
                case 3:
                    predicted = (a + b) / 2;
                    break;
                case 4:
                    predicted = paeth(a, b, c);
                    break;
                default:
                    fail("unknown row filter " + std::to_string(filter));
            }
            cur[x] = static_cast<std::uint8_t>(in[x] + predicted);
        }
    }
    return out;
}

std::size_t count_colours(const Image& image) {
    const Header& h = image.header;
    const std::size_t bits_per_pixel = std::size_t(h.channels) * h.depth;
    const std::size_t row_bytes = (std::size_t{h.width} * bits_per_pixel + 7) / 8;
    const std::size_t pixel_bytes = std::max<std::size_t>(1, bits_per_pixel / 8);
    const std::vector<std::uint8_t> raw = inflate_all(image.idat, (row_bytes + 1) * h.height);
    const std::vector<std::uint8_t> rows = unfilter(raw, row_bytes, h.height, pixel_bytes);

    std::unordered_set<std::uint64_t> colours;
    for (std::size_t y = 0; y < h.height; ++y) {
        const std::uint8_t* row = &rows[y * row_bytes];
        for (std::size_t x = 0; x < h.width; ++x) {
            std::uint64_t key = 0;
            if (h.depth < 8) {  // one sample a pixel, packed from the high bits
                const std::size_t bit = x * h.depth;
                key = (row[bit / 8] >> (8 - h.depth - bit % 8)) & ((1u << h.depth) - 1);
            } else {
                // Up to 4 samples of 16 bits: the whole pixel fits 64 bits.
                for (std::size_t i = 0; i < pixel_bytes; ++i)
                    key = key << 8 | row[x * pixel_bytes + i];
            }
            if (h.colour_type == 3) {
                if (4 * key >= image.palette.size()) fail("a palette index past the palette");
                key = be32(&image.palette[4 * key]);
            }
            colours.insert(key);
        }
    }
    return colours.size();
}

std::vector<std::uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("cannot open");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int usage() {
    std::cerr << "usage: png_colours [--min N] FILE.png\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t min_colours = 0;
    std::string path;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--min" && i + 1 < argc) {
            char* end = nullptr;
            min_colours = std::strtoul(argv[++i], &end, 10);
            if (*end != '\0') return usage();
        } else if (path.empty() && !arg.starts_with("-")) {
            path = arg;
        } else {
            return usage();
        }
    }
    if (path.empty()) return usage();

    try {
        const Image image = read_chunks(read_file(path));
        const std::size_t colours = count_colours(image);
        std::cout << path << ": " << image.header.width << "x" << image.header.height << ", "
                  << colours << " distinct colour" << (colours == 1 ? "" : "s");
        if (colours < min_colours) {
            std::cout << ", fewer than " << min_colours << ": a blank page\n";
            return 1;
        }
        std::cout << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "png_colours: " << path << ": " << e.what() << "\n";
        return 2;
    }
}
