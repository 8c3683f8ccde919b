precision highp float;

in vec2 v_uv;
flat in vec4 v_fill;
flat in vec4 v_stroke;
flat in vec4 v_params;
out vec4 frag_color;

// Signed distance (in units of the radius) to the shape's edge; negative inside.
float shapeDistance(int shape, vec2 p) {
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
