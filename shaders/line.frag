precision mediump float;

uniform vec4 u_color;       // premultiplied
uniform highp float u_half_width; // device pixels (same precision as in line.vert)

in float v_dist;
out vec4 frag_color;

void main() {
  // One-pixel antialiased edge centred on the nominal width.
  float alpha = clamp(u_half_width + 0.5 - v_dist, 0.0, 1.0);
  frag_color = u_color * alpha;
}
