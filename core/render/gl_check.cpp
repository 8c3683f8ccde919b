#include <cstdio>

#include "render/gl.hpp"

namespace citymap::render {

bool checkGl(const char* where) {
  bool ok = true;
  for (GLenum e = glGetError(); e != GL_NO_ERROR; e = glGetError()) {
    std::fprintf(stderr, "citymap: GL error 0x%04x at %s\n", e, where);
    ok = false;
  }
  return ok;
}

}  // namespace citymap::render
