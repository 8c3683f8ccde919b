#pragma once
// Bytes waiting for the archive's layout (archive_writer.hpp): kept in memory, or spilled to a
// file so that an archive larger than the memory can be built with memory proportional to the
// tile count only. Append-only; reads anywhere. The file is the store's own: created (or
// truncated) when the store is made, removed when the store is destroyed.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace citymap::ingest {

class BlobStore {
 public:
  BlobStore() = default;  // in memory
  // A store in `file` (created or truncated; removed by the destructor).
  static Result<BlobStore> inFile(const std::filesystem::path& file);
  BlobStore(BlobStore&& other) noexcept;
  BlobStore& operator=(BlobStore&& other) noexcept;
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;
  ~BlobStore();

  bool spilled() const { return fd_ >= 0; }
  const std::filesystem::path& file() const { return file_; }
  uint64_t size() const { return size_; }

  // Appends `bytes` and returns where they start.
  Result<uint64_t> append(std::span<const uint8_t> bytes);
  // Reads `count` bytes at `offset` into `out` (resized). A store (file) that ends early, e.g.
  // truncated behind the writer's back, is an error naming the file and the missing range.
  Result<bool> read(uint64_t offset, size_t count, std::vector<uint8_t>& out) const;
  // Writes everything appended so far to the file (a no-op in memory).
  Result<bool> flush();

 private:
  void close();
  std::filesystem::path file_;
  int fd_ = -1;
  std::vector<uint8_t> memory_;  // in memory: everything; spilled: the write buffer (not yet in the file)
  uint64_t fileBytes_ = 0;       // spilled: bytes already in the file
  uint64_t size_ = 0;
};

}  // namespace citymap::ingest
