// Filled polygons. a_pos is in tile units; u_transform maps tile units to clip space (a 2x3
// affine, the bearing's rotation included).
precision highp float;

layout(location = 0) in vec2 a_pos;

uniform vec3 u_transform[2];  // clip.x = dot((u, v, 1), [0]), clip.y = dot((u, v, 1), [1])

void main() {
  vec3 p = vec3(a_pos, 1.0);
  gl_Position = vec4(dot(p, u_transform[0]), dot(p, u_transform[1]), 0.0, 1.0);
}
