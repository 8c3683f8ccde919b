// Dear ImGui's draw lists: positions in CSS pixels, a font/atlas UV and a vertex colour.
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_uv;
layout(location = 2) in vec4 a_color;  // normalised from RGBA8

uniform vec2 u_css_to_clip;  // (2 / CSS width, -2 / CSS height)

out vec2 v_uv;
out vec4 v_color;

void main() {
  v_uv = a_uv;
  v_color = a_color;
  gl_Position = vec4(a_pos * u_css_to_clip + vec2(-1.0, 1.0), 0.0, 1.0);
}
