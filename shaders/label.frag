// Text over its halo: the label atlas holds the glyph's coverage in red and the halo (the
// coverage dilated at build time) in green. Premultiplied output.
precision mediump float;

uniform sampler2D u_atlas;

in vec2 v_uv;
in vec4 v_color;
in vec4 v_halo;
out vec4 frag_color;

void main() {
  vec2 t = texture(u_atlas, v_uv).rg;
  vec4 text = v_color * t.r;
  frag_color = text + v_halo * t.g * (1.0 - text.a);
}
