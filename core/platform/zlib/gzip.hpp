#pragma once
// gzip members (RFC 1952) through zlib, on native builds: the ingest compresses archive tiles
// with it, the desktop and the tests inflate them. (The browser inflates with its own
// DecompressionStream, web/library_citymap.js: no zlib in the wasm build.)
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"

namespace citymap::zlib {

std::vector<uint8_t> gzip(std::span<const uint8_t> bytes, int level = 9);

// Inflates one gzip member. Fails on anything else (not gzip, corrupt, cut off, trailing bytes)
// and when the result would exceed maxBytes (a decompression bomb).
Result<std::vector<uint8_t>> gunzip(std::span<const uint8_t> bytes, size_t maxBytes = size_t(64) << 20);

}  // namespace citymap::zlib
