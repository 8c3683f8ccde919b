// Live markers and areas (core/live/live_batch.hpp): positions already in device pixels.
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_fill;    // premultiplied RGBA8, normalised
layout(location = 3) in vec4 a_stroke;
layout(location = 4) in vec4 a_params;  // radius px, stroke width px, shape, gauge

uniform vec2 u_device_to_clip;  // (2 / framebuffer width, -2 / framebuffer height)

out vec2 v_uv;
flat out vec4 v_fill;
flat out vec4 v_stroke;
flat out vec4 v_params;

void main() {
  gl_Position = vec4(a_pos * u_device_to_clip + vec2(-1.0, 1.0), 0.0, 1.0);
  v_uv = a_uv;
  v_fill = a_fill;
  v_stroke = a_stroke;
  v_params = a_params;
}
