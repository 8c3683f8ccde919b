// Label glyph quads (core/labels/label_batch.hpp): positions already in device pixels.
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;  // premultiplied RGBA8, normalised
layout(location = 3) in vec4 a_halo;

uniform vec2 u_device_to_clip;  // (2 / framebuffer width, -2 / framebuffer height)

out vec2 v_uv;
out vec4 v_color;
out vec4 v_halo;

void main() {
  gl_Position = vec4(a_pos * u_device_to_clip + vec2(-1.0, 1.0), 0.0, 1.0);
  v_uv = a_uv;
  v_color = a_color;
  v_halo = a_halo;
}
