// Lines extruded on the GPU. a_extrude is in half-widths (length 1 on straight segments), in
// tile directions: u_rotation turns it to the screen's (the bearing); the half width is in
// device pixels plus one pixel of antialiasing fringe, so widths stay in pixels when turned.
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_extrude;

uniform vec3 u_transform[2];   // tile units -> clip space (2x3 affine, see fill.vert)
uniform vec2 u_rotation;       // (cos, sin) of the bearing
uniform vec2 u_device_to_clip; // (2 / framebuffer width, -2 / framebuffer height)
uniform float u_half_width;    // device pixels, without the fringe

out vec2 v_offset;             // offset from the centre line, device pixels (interpolated)

void main() {
  float outer = u_half_width + 1.0;
  vec3 p = vec3(a_pos, 1.0);
  vec2 centre = vec2(dot(p, u_transform[0]), dot(p, u_transform[1]));
  vec2 e = vec2(a_extrude.x * u_rotation.x + a_extrude.y * u_rotation.y,
                a_extrude.y * u_rotation.x - a_extrude.x * u_rotation.y);
  gl_Position = vec4(centre + e * outer * u_device_to_clip, 0.0, 1.0);
  v_offset = a_extrude * outer;
}
