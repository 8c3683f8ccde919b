// Lines extruded on the GPU. a_extrude is in half-widths (length 1 on straight segments);
// the half width is in device pixels plus one pixel of antialiasing fringe.
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_extrude;

uniform vec4 u_transform;      // tile units -> clip space
uniform vec2 u_device_to_clip; // (2 / framebuffer width, -2 / framebuffer height)
uniform float u_half_width;    // device pixels, without the fringe

out vec2 v_offset;             // offset from the centre line, device pixels (interpolated)

void main() {
  float outer = u_half_width + 1.0;
  vec2 centre = a_pos * u_transform.xy + u_transform.zw;
  gl_Position = vec4(centre + a_extrude * outer * u_device_to_clip, 0.0, 1.0);
  v_offset = a_extrude * outer;
}
