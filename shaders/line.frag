precision mediump float;

uniform vec4 u_color;       // premultiplied
uniform highp float u_half_width; // device pixels (same precision as in line.vert)

in vec2 v_offset;
out vec4 frag_color;

void main() {
  // One-pixel antialiased edge centred on the nominal width. The offset vector is interpolated
  // (it passes through zero on the centre line), its length taken per fragment.
  float alpha = clamp(u_half_width + 0.5 - length(v_offset), 0.0, 1.0);
  frag_color = u_color * alpha;
}
