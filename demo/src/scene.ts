// A synthetic sample image drawn into a canvas: strong vertical, horizontal and diagonal edges,
// a smooth gradient, round shapes, fine texture and some text. No network needed.

export function drawScene(ctx: CanvasRenderingContext2D, S: number): void {
  const u = S / 256;
  ctx.save();
  ctx.setTransform(u, 0, 0, u, 0, 0);
  // sky
  const sky = ctx.createLinearGradient(0, 0, 0, 170);
  sky.addColorStop(0, '#2b5ea8');
  sky.addColorStop(1, '#a9cbe8');
  ctx.fillStyle = sky;
  ctx.fillRect(0, 0, 256, 170);
  // sun
  ctx.fillStyle = '#ffe38a';
  ctx.beginPath();
  ctx.arc(206, 46, 22, 0, Math.PI * 2);
  ctx.fill();
  // hills
  ctx.fillStyle = '#4f7d3a';
  ctx.beginPath();
  ctx.moveTo(0, 170);
  ctx.quadraticCurveTo(60, 120, 130, 165);
  ctx.quadraticCurveTo(190, 135, 256, 160);
  ctx.lineTo(256, 256);
  ctx.lineTo(0, 256);
  ctx.fill();
  // ground
  ctx.fillStyle = '#6b8f3c';
  ctx.fillRect(0, 178, 256, 78);
  // road: diagonal edges
  ctx.fillStyle = '#4a4a4a';
  ctx.beginPath();
  ctx.moveTo(118, 178);
  ctx.lineTo(142, 178);
  ctx.lineTo(210, 256);
  ctx.lineTo(60, 256);
  ctx.fill();
  ctx.strokeStyle = '#f4f4f4';
  ctx.lineWidth = 2;
  ctx.setLineDash([8, 8]);
  ctx.beginPath();
  ctx.moveTo(130, 180);
  ctx.lineTo(135, 256);
  ctx.stroke();
  ctx.setLineDash([]);
  // house
  ctx.fillStyle = '#e9dcc3';
  ctx.fillRect(28, 110, 74, 68);
  ctx.fillStyle = '#9c3d2e';
  ctx.beginPath();
  ctx.moveTo(20, 112);
  ctx.lineTo(65, 70);
  ctx.lineTo(110, 112);
  ctx.fill();
  ctx.fillStyle = '#5a3a22';
  ctx.fillRect(56, 142, 18, 36);
  ctx.fillStyle = '#2d4d6e';
  for (const [x, y] of [[36, 122], [80, 122]]) {
    ctx.fillRect(x, y, 14, 14);
  }
  ctx.strokeStyle = '#e9dcc3';
  ctx.lineWidth = 1.5;
  for (const [x, y] of [[36, 122], [80, 122]]) {
    ctx.beginPath();
    ctx.moveTo(x + 7, y);
    ctx.lineTo(x + 7, y + 14);
    ctx.moveTo(x, y + 7);
    ctx.lineTo(x + 14, y + 7);
    ctx.stroke();
  }
  // checkerboard sign: fine texture
  ctx.fillStyle = '#222';
  ctx.fillRect(168, 96, 4, 82);
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) {
      ctx.fillStyle = (i + j) % 2 ? '#111' : '#f5f5f5';
      ctx.fillRect(146 + j * 8, 76 + i * 6, 8, 6);
    }
  }
  // tree
  ctx.fillStyle = '#5b3b1f';
  ctx.fillRect(222, 130, 8, 48);
  ctx.fillStyle = '#2f6b2a';
  ctx.beginPath();
  ctx.arc(226, 122, 20, 0, Math.PI * 2);
  ctx.fill();
  // text
  ctx.fillStyle = '#ffffff';
  ctx.font = 'bold 26px sans-serif';
  ctx.textBaseline = 'top';
  ctx.fillText('CNN', 12, 14);
  ctx.restore();
}

/** Draw any image source into an S×S canvas, centre-cropped to a square ("cover"). */
export function drawCover(ctx: CanvasRenderingContext2D, src: CanvasImageSource, srcW: number, srcH: number, S: number, mirror = false): void {
  const side = Math.min(srcW, srcH);
  const sx = (srcW - side) / 2;
  const sy = (srcH - side) / 2;
  ctx.save();
  if (mirror) {
    ctx.translate(S, 0);
    ctx.scale(-1, 1);
  }
  ctx.drawImage(src, sx, sy, side, side, 0, 0, S, S);
  ctx.restore();
}
