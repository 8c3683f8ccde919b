#include "platform/zlib/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace citymap::zlib {

std::vector<uint8_t> gzip(std::span<const uint8_t> bytes, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<uint8_t> out(deflateBound(&z, uLong(bytes.size())) + 32);
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = uInt(bytes.size());
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? z.total_out : 0);
  deflateEnd(&z);
  return out;
}

Result<std::vector<uint8_t>> gunzip(std::span<const uint8_t> bytes, size_t maxBytes) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Error{"gzip: cannot start zlib"};
  std::vector<uint8_t> out(std::min<size_t>(maxBytes, std::max<size_t>(bytes.size() * 4, 1024)));
  z.next_in = const_cast<Bytef*>(bytes.data());
  z.avail_in = uInt(bytes.size());
  int rc = Z_OK;
  while (true) {
    z.next_out = out.data() + z.total_out;
    z.avail_out = uInt(out.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
    if (z.avail_out == 0) {
      if (out.size() >= maxBytes) {
        inflateEnd(&z);
        return Error{"gzip: inflates to more than " + std::to_string(maxBytes) + " bytes"};
      }
      out.resize(std::min(maxBytes, out.size() * 2));
    } else if (z.avail_in == 0) {
      break;  // input ended before the stream did
    }
  }
  const size_t produced = z.total_out, rest = z.avail_in;
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Error{rc == Z_DATA_ERROR ? "gzip: corrupt data" : "gzip: cut off"};
  if (rest != 0) return Error{"gzip: " + std::to_string(rest) + " bytes after the end of the stream"};
  out.resize(produced);
  return out;
}

}  // namespace citymap::zlib
