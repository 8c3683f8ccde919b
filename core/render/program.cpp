#include "render/program.hpp"

#include <optional>
#include <string>
#include <vector>

namespace citymap::render {

namespace {

std::string infoLog(GLuint object, bool isProgram) {
  GLint length = 0;
  isProgram ? glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length) : glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
  std::string log(size_t(length > 0 ? length : 0), '\0');
  if (length > 0)
    isProgram ? glGetProgramInfoLog(object, length, nullptr, log.data())
              : glGetShaderInfoLog(object, length, nullptr, log.data());
  return log;
}

// Starts compiling a shader; its status is asked for later (asking at once waits for it).
GLuint startCompile(GLenum type, std::string_view source) {
  static constexpr std::string_view kHeader = "#version 300 es\n";
  const GLuint shader = glCreateShader(type);
  const char* parts[] = {kHeader.data(), source.data()};
  const GLint lengths[] = {GLint(kHeader.size()), GLint(source.size())};
  glShaderSource(shader, 2, parts, lengths);
  glCompileShader(shader);
  return shader;
}

std::string shaderError(GLuint shader, GLenum type, std::string_view name) {
  return "shader " + std::string(name) + (type == GL_VERTEX_SHADER ? ".vert" : ".frag") + ": " + infoLog(shader, false);
}

}  // namespace

Program& Program::operator=(Program&& o) noexcept {
  if (this != &o) {
    if (id_) glDeleteProgram(id_);
    id_ = o.id_;
    o.id_ = 0;
  }
  return *this;
}

Program::~Program() {
  if (id_) glDeleteProgram(id_);
}

Result<Program> Program::build(std::string_view name, std::string_view vertex, std::string_view fragment) {
  const Source one[] = {{name, vertex, fragment}};
  auto built = buildAll(one);
  if (!built) return Error{built.error()};
  return std::move(built.value()[0]);
}

Result<std::vector<Program>> Program::buildAll(std::span<const Source> sources) {
  // Every compile and link is issued before any status is asked for: each question waits for
  // the GPU process (and, with a software GPU, for the compile itself), so asking once per step
  // made the start wait for each shader in turn.
  struct Pending {
    GLuint vs = 0, fs = 0, program = 0;
  };
  std::vector<Pending> pending;
  pending.reserve(sources.size());
  for (const Source& s : sources) {
    Pending p{startCompile(GL_VERTEX_SHADER, s.vertex), startCompile(GL_FRAGMENT_SHADER, s.fragment),
              glCreateProgram()};
    glAttachShader(p.program, p.vs);
    glAttachShader(p.program, p.fs);
    glLinkProgram(p.program);
    pending.push_back(p);
  }
  std::optional<std::string> error;
  std::vector<Program> out;
  out.reserve(sources.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    const Pending& p = pending[i];
    GLint linked = 0;
    glGetProgramiv(p.program, GL_LINK_STATUS, &linked);
    if (!linked && !error) {
      // Say which step failed: a shader's compile, else the link.
      GLint ok = 0;
      glGetShaderiv(p.vs, GL_COMPILE_STATUS, &ok);
      if (!ok) error = shaderError(p.vs, GL_VERTEX_SHADER, sources[i].name);
      if (!error) {
        glGetShaderiv(p.fs, GL_COMPILE_STATUS, &ok);
        if (!ok) error = shaderError(p.fs, GL_FRAGMENT_SHADER, sources[i].name);
      }
      if (!error) error = "program " + std::string(sources[i].name) + ": " + infoLog(p.program, true);
    }
    glDeleteShader(p.vs);
    glDeleteShader(p.fs);
    out.push_back(Program(p.program));  // deletes the program again if the build failed
  }
  if (error) return Error{*error};
  return out;
}

}  // namespace citymap::render
