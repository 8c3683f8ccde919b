#include "ingest/tags.hpp"

#include <algorithm>

namespace citymap::ingest {

void Tags::set(std::string_view key, std::string_view value) {
  if (key.empty() || value.empty() || has(key)) return;
  kv_.emplace_back(std::string(key), std::string(value));
}

std::string_view Tags::get(std::string_view key) const {
  const auto it = std::find_if(kv_.begin(), kv_.end(), [key](const auto& kv) { return kv.first == key; });
  return it == kv_.end() ? std::string_view{} : std::string_view(it->second);
}

namespace {

class HstoreParser {
 public:
  explicit HstoreParser(std::string_view text) : s_(text) {}

  bool parse(Tags& out) {
    skipSpace();
    while (pos_ < s_.size()) {
      std::string key, value;
      bool isNull = false;
      if (!quoted(key)) return false;
      skipSpace();
      if (!literal("=>")) return false;
      skipSpace();
      if (literal("NULL")) {
        isNull = true;
      } else if (!quoted(value)) {
        return false;
      }
      if (!isNull) out.set(key, value);
      skipSpace();
      if (pos_ == s_.size()) break;
      if (!literal(",")) return false;
      skipSpace();
      if (pos_ == s_.size()) return false;  // trailing comma
    }
    return true;
  }

 private:
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }

  bool literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }

  bool quoted(std::string& out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (pos_ >= s_.size()) return false;
        out.push_back(s_[pos_++]);
      } else {
        out.push_back(c);
      }
    }
    return false;  // unterminated
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

bool parseHstore(std::string_view text, Tags& out) { return HstoreParser(text).parse(out); }

}  // namespace citymap::ingest
