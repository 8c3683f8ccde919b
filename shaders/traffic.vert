// Lines coloured per feature from live state (traffic): like line.vert, plus the feature's slot,
// which picks its colour from the state texture (1024 slots per row, premultiplied RGBA8;
// transparent = no current report).
precision highp float;

layout(location = 0) in vec2 a_pos;
layout(location = 1) in vec2 a_extrude;
layout(location = 2) in float a_slot;

uniform vec3 u_transform[2];   // see line.vert
uniform vec2 u_rotation;
uniform vec2 u_device_to_clip;
uniform float u_half_width;
uniform highp sampler2D u_state;

out vec2 v_offset;
flat out vec4 v_color;

void main() {
  float outer = u_half_width + 1.0;
  vec3 p = vec3(a_pos, 1.0);
  vec2 centre = vec2(dot(p, u_transform[0]), dot(p, u_transform[1]));
  vec2 e = vec2(a_extrude.x * u_rotation.x + a_extrude.y * u_rotation.y,
                a_extrude.y * u_rotation.x - a_extrude.x * u_rotation.y);
  gl_Position = vec4(centre + e * outer * u_device_to_clip, 0.0, 1.0);
  v_offset = a_extrude * outer;
  int slot = int(a_slot + 0.5);
  v_color = texelFetch(u_state, ivec2(slot % 1024, slot / 1024), 0);
  // Nothing to draw: move the vertex out of the clip volume.
  if (v_color.a == 0.0) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
}
