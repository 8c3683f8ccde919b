precision highp float;

in vec2 v_uv;
flat in vec4 v_fill;
flat in vec4 v_stroke;
flat in vec4 v_params;
out vec4 frag_color;

// One arm of the tropical cyclone symbol (maths axes, y up): the arc of the circle of radius
// 0.85 around (0.43, 0) from the core's left edge (180 degrees) clockwise to 80 degrees, widening
// out of the core and tapering to a round tip.
float cycloneArm(vec2 p) {
  const float a0 = 3.14159265, a1 = 1.3962634, R = 0.85;
  vec2 q = p - vec2(0.43, 0.0);
  float a = atan(q.y, q.x);
  if (a < a1 - 0.6) a += 6.28318531;
  float t = (a0 - a) / (a0 - a1);  // 0 at the root, 1 at the tip
  if (t >= 0.0 && t <= 1.0) {
    float w = t < 0.3 ? 0.27 * t / 0.3 : mix(0.27, 0.07, (t - 0.3) / 0.7);
    return abs(length(q) - R) - w;
  }
  vec2 tip = vec2(0.43, 0.0) + R * vec2(cos(a1), sin(a1));
  return length(p - tip) - 0.07;
}

// Signed distance (in units of the radius) to the shape's edge; negative inside.
float shapeDistance(int shape, vec2 p) {
  if (shape == 5) {  // tropical cyclone: a core with an eye and two arms (mirrored: southern)
    vec2 m = vec2(v_params.w > 0.5 ? -p.x : p.x, -p.y) * 1.1;
    float d = min(length(m) - 0.45, min(cycloneArm(m), cycloneArm(-m)));
    return max(d, 0.13 - length(m)) / 1.1;
  }
  if (shape == 2) {  // rounded square
    vec2 q = abs(p) - vec2(0.7);
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - 0.3;
  }
  if (shape == 3) {  // triangle pointing up on screen (v grows down), circumradius 1, centred
    vec2 q = vec2(abs(p.x), -p.y);
    const float k = 1.7320508;
    return max(q.y * 0.5 + q.x * k * 0.5, -q.y) - 0.5;
  }
  return length(p) - 1.0;  // disc and gauge
}

void main() {
  int shape = int(v_params.z + 0.5);
  if (shape == 0) {
    frag_color = v_fill;
    return;
  }
  float r = v_params.x;
  float d = shapeDistance(shape, v_uv) * r;  // device pixels
  vec4 inner = v_fill;
  if (shape == 4) {
    // A gauge: filled from the bottom up to the level, white above.
    float level = 1.0 - 2.0 * v_params.w;
    inner = v_uv.y >= level ? v_fill : vec4(1.0);
  }
  float edge = smoothstep(-v_params.y - 0.5, -v_params.y + 0.5, d);
  vec4 color = mix(inner, v_stroke, edge);
  frag_color = color * clamp(0.5 - d, 0.0, 1.0);
}
