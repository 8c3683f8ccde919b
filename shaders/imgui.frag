precision mediump float;

uniform sampler2D u_texture;

in vec2 v_uv;
in vec4 v_color;
out vec4 frag_color;

void main() {
  vec4 c = v_color * texture(u_texture, v_uv);
  frag_color = vec4(c.rgb * c.a, c.a);  // premultiplied, like the map layers
}
