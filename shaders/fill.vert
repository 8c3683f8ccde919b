// Filled polygons. a_pos is in tile units; u_transform maps tile units to clip space.
precision highp float;

layout(location = 0) in vec2 a_pos;

uniform vec4 u_transform;  // (scale x, scale y, offset x, offset y)

void main() {
  gl_Position = vec4(a_pos * u_transform.xy + u_transform.zw, 0.0, 1.0);
}
