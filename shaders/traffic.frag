precision mediump float;

uniform highp float u_half_width;
uniform float u_opacity;

in vec2 v_offset;
flat in vec4 v_color;
out vec4 frag_color;

void main() {
  float alpha = clamp(u_half_width + 0.5 - length(v_offset), 0.0, 1.0);
  frag_color = v_color * (alpha * u_opacity);
}
