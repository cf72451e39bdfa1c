/** A frame table on a SharedArrayBuffer, which a restore pool's workers can claim into. */
import { FRAME_FREE, FrameTable } from "../frame-table.js";

/** `frames` free frames on a SharedArrayBuffer. */
export function sharedFrameTable(frames: number): FrameTable {
  if (!Number.isSafeInteger(frames) || frames < 0)
    throw new RangeError(`frame table size ${frames} is not a frame count`);
  return new FrameTable(new Uint16Array(new SharedArrayBuffer(frames * 2)).fill(FRAME_FREE));
}
