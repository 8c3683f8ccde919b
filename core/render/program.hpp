#pragma once
// A linked GLSL ES 3.00 program built from embedded shader sources.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "render/gl.hpp"

namespace citymap::render {

class Program {
 public:
  Program() = default;
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;
  Program(Program&& o) noexcept : id_(o.id_) { o.id_ = 0; }
  Program& operator=(Program&& o) noexcept;
  ~Program();

  struct Source {
    std::string_view name, vertex, fragment;
  };
  // Sources without a #version line; "#version 300 es" is prepended here.
  static Result<Program> build(std::string_view name, std::string_view vertex, std::string_view fragment);
  // Several programs at once: all compiles and links are started before any result is asked
  // for. In the order given; an error names the first program that failed.
  static Result<std::vector<Program>> buildAll(std::span<const Source> sources);

  GLuint id() const { return id_; }
  // Forgets the program without deleting it (its GL context was lost: it is gone already).
  void abandon() { id_ = 0; }
  GLint uniform(const char* name) const { return glGetUniformLocation(id_, name); }

 private:
  explicit Program(GLuint id) : id_(id) {}
  GLuint id_ = 0;
};

}  // namespace citymap::render
