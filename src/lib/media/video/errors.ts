/** A video that cannot be ingested or decoded; the message names the file and says why. */
export class VideoError extends Error {
  override readonly name = 'VideoError';
}
