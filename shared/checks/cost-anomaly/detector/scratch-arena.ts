/**
 * Typed arrays for one call's working data, carved out of one reused
 * buffer. A typed array of more than 64 bytes gets its own off-heap backing
 * store, whose allocation and sweeping cost more than filling it: scoring a
 * 90-day series needed seven of them for data that dies when the call
 * returns. The detector hands out views of this arena instead, and resets it
 * at the start of each call.
 *
 * Views handed out before a `reset` must no longer be used: nothing taken
 * from the arena may outlive the call that took it.
 */
export class ScratchArena {
  private buffer: ArrayBuffer;
  private used = 0;

  /** @param bytes the initial size, when the caller knows what it will take (it grows as needed). */
  constructor(bytes = 0) {
    this.buffer = new ArrayBuffer(bytes);
  }

  /** Takes back every view handed out so far (the caller no longer uses them). */
  reset(): void {
    this.used = 0;
  }

  /** `n` zeros, as a fresh typed array would hold. */
  float64(n: number): Float64Array {
    const offset = this.take(n * Float64Array.BYTES_PER_ELEMENT);
    return new Float64Array(this.buffer, offset, n).fill(0);
  }

  /** `n` zeros. */
  int32(n: number): Int32Array {
    const offset = this.take(n * Int32Array.BYTES_PER_ELEMENT);
    return new Int32Array(this.buffer, offset, n).fill(0);
  }

  /** `n` zeros. */
  uint32(n: number): Uint32Array {
    const offset = this.take(n * Uint32Array.BYTES_PER_ELEMENT);
    return new Uint32Array(this.buffer, offset, n).fill(0);
  }

  /** `n` zeros. */
  uint8(n: number): Uint8Array {
    const offset = this.take(n);
    return new Uint8Array(this.buffer, offset, n).fill(0);
  }

  /**
   * The byte offset of the next `bytes` in `buffer`. Each view starts on an 8-byte boundary, so any
   * element type fits. A buffer too small is replaced by one at least twice the size; the views
   * already handed out keep the old one alive until they die.
   */
  private take(bytes: number): number {
    const start = Math.ceil(this.used / 8) * 8;
    if (start + bytes <= this.buffer.byteLength) {
      this.used = start + bytes;
      return start;
    }
    this.buffer = new ArrayBuffer(Math.max(2 * this.buffer.byteLength, Math.ceil(bytes / 8) * 8, 4096));
    this.used = bytes;
    return 0;
  }
}
