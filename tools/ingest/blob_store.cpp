#include "ingest/blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace citymap::ingest {

namespace {
constexpr size_t kWriteBuffer = 1 << 20;  // appends are written to the file in pieces of about 1 MiB
}

Result<BlobStore> BlobStore::inFile(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot create the spill file " + file.string() + ": " + std::strerror(errno)};
  BlobStore s;
  s.fd_ = fd;
  s.file_ = file;
  return s;
}

BlobStore::BlobStore(BlobStore&& o) noexcept
    : file_(std::move(o.file_)), fd_(o.fd_), memory_(std::move(o.memory_)), fileBytes_(o.fileBytes_), size_(o.size_) {
  o.fd_ = -1;
  o.file_.clear();
  o.fileBytes_ = o.size_ = 0;
}

BlobStore& BlobStore::operator=(BlobStore&& o) noexcept {
  if (this != &o) {
    close();
    file_ = std::move(o.file_);
    fd_ = o.fd_;
    memory_ = std::move(o.memory_);
    fileBytes_ = o.fileBytes_;
    size_ = o.size_;
    o.fd_ = -1;
    o.file_.clear();
    o.fileBytes_ = o.size_ = 0;
  }
  return *this;
}

BlobStore::~BlobStore() { close(); }

void BlobStore::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove(file_, ec);
  }
  fd_ = -1;
}

Result<bool> BlobStore::flush() {
  if (fd_ < 0 || memory_.empty()) return true;
  size_t done = 0;
  while (done < memory_.size()) {
    const ssize_t n = ::pwrite(fd_, memory_.data() + done, memory_.size() - done, off_t(fileBytes_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Error{"cannot write the spill file " + file_.string() + ": " + std::strerror(n < 0 ? errno : ENOSPC)};
    done += size_t(n);
  }
  fileBytes_ += memory_.size();
  memory_.clear();
  return true;
}

Result<uint64_t> BlobStore::append(std::span<const uint8_t> bytes) {
  const uint64_t at = size_;
  memory_.insert(memory_.end(), bytes.begin(), bytes.end());
  size_ += bytes.size();
  if (fd_ >= 0 && memory_.size() >= kWriteBuffer)
    if (auto f = flush(); !f) return Error{f.error()};
  return at;
}

Result<bool> BlobStore::read(uint64_t offset, size_t count, std::vector<uint8_t>& out) const {
  out.resize(count);
  if (offset > size_ || count > size_ - offset)
    return Error{"spill store: bytes " + std::to_string(offset) + "+" + std::to_string(count) + " beyond its end (" +
                 std::to_string(size_) + " bytes)"};
  if (fd_ < 0) {
    std::memcpy(out.data(), memory_.data() + offset, count);
    return true;
  }
  size_t done = 0;
  // The part already in the file, then the part still in the write buffer.
  while (done < count && offset + done < fileBytes_) {
    const size_t want = size_t(std::min<uint64_t>(count - done, fileBytes_ - (offset + done)));
    const ssize_t n = ::pread(fd_, out.data() + done, want, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"cannot read the spill file " + file_.string() + ": " + std::strerror(errno)};
    if (n == 0)
      return Error{"the spill file " + file_.string() + " ends at byte " + std::to_string(offset + done) + ", before " +
                   std::to_string(offset + count) + ": it was truncated while the archive was being built"};
    done += size_t(n);
  }
  if (done < count) std::memcpy(out.data() + done, memory_.data() + (offset + done - fileBytes_), count - done);
  return true;
}

}  // namespace citymap::ingest
