precision mediump float;

uniform vec4 u_color;  // premultiplied

out vec4 frag_color;

void main() {
  frag_color = u_color;
}
