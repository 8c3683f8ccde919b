#pragma once
// OSM-style key/value tags of one source feature, gathered from its attribute fields and,
// for GDAL's OSM driver, from the hstore-encoded `other_tags` field.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace citymap::ingest {

class Tags {
 public:
  // Adds a tag. Empty values are ignored and the first value set for a key wins, so attribute
  // fields (added first) take precedence over other_tags.
  void set(std::string_view key, std::string_view value);
  // The value of `key`, or "" when the tag is absent.
  std::string_view get(std::string_view key) const;
  bool has(std::string_view key) const { return !get(key).empty(); }
  size_t size() const { return kv_.size(); }
  void clear() { kv_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> kv_;
};

// Parses an hstore literal as written by GDAL's OSM driver: "k"=>"v","k2"=>"v2", with
// backslash escapes (\" and \\) inside quotes; an unquoted NULL value is skipped. Pairs are
// added to `out` in order. Returns false if the text is malformed; the pairs before the error are kept.
bool parseHstore(std::string_view text, Tags& out);

}  // namespace citymap::ingest
