// Photos are made smaller on the phone before they are queued: a 12-megapixel photo becomes a
// JPEG of a few hundred kilobytes, which is what a weak link can carry. The server still checks
// and re-encodes what it receives.
export const LONGEST_SIDE = 1600;
export const JPEG_QUALITY = 0.8;

export async function resizePhoto(file, { longestSide = LONGEST_SIDE, quality = JPEG_QUALITY } = {}) {
  // imageOrientation "from-image" applies the EXIF rotation, which the re-encoding would drop.
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const scale = Math.min(1, longestSide / Math.max(bitmap.width, bitmap.height));
    const width = Math.round(bitmap.width * scale);
    const height = Math.round(bitmap.height * scale);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG gets a white background, not black
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality });
    return { blob, width, height };
  } finally {
    bitmap.close();
  }
}
