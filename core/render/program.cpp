#include "render/program.hpp"

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

Result<GLuint> compile(GLenum type, std::string_view name, std::string_view source) {
  static constexpr std::string_view kHeader = "#version 300 es\n";
  const GLuint shader = glCreateShader(type);
  const char* parts[] = {kHeader.data(), source.data()};
  const GLint lengths[] = {GLint(kHeader.size()), GLint(source.size())};
  glShaderSource(shader, 2, parts, lengths);
  glCompileShader(shader);
  GLint ok = 0;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    std::string log = infoLog(shader, false);
    glDeleteShader(shader);
    return Error{"shader " + std::string(name) + (type == GL_VERTEX_SHADER ? ".vert" : ".frag") + ": " + log};
  }
  return shader;
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
  auto vs = compile(GL_VERTEX_SHADER, name, vertex);
  if (!vs) return Error{vs.error()};
  auto fs = compile(GL_FRAGMENT_SHADER, name, fragment);
  if (!fs) {
    glDeleteShader(vs.value());
    return Error{fs.error()};
  }
  const GLuint id = glCreateProgram();
  glAttachShader(id, vs.value());
  glAttachShader(id, fs.value());
  glLinkProgram(id);
  glDeleteShader(vs.value());
  glDeleteShader(fs.value());
  GLint ok = 0;
  glGetProgramiv(id, GL_LINK_STATUS, &ok);
  if (!ok) {
    std::string log = infoLog(id, true);
    glDeleteProgram(id);
    return Error{"program " + std::string(name) + ": " + log};
  }
  return Program(id);
}

}  // namespace citymap::render
