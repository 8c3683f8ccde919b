#pragma once
// The one place GL headers come in: OpenGL ES 3.0, which is WebGL 2 under Emscripten and
// Mesa's GLES 3 natively. Only core/render and platform context code include this.
#include <GLES3/gl3.h>

namespace citymap::render {

// Logs and returns false if GL reported an error since the last call.
bool checkGl(const char* where);

}  // namespace citymap::render
