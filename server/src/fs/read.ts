/** Reading a file's bytes as both adapters do (the CLI's walk, the server's workspace scan). */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { HEAD_BYTES, invalidUtf8Offset } from '../core/index';

/**
 * A file's size and bytes (all, or above `limitBytes` the first HEAD_BYTES), in four system calls
 * (open, fstat, read, close); throws when it cannot be read. A pipe or device is read to its end.
 */
export function readFileContent(file: string, limitBytes: number): { bytes: Buffer; size: number } {
  return read(file, limitBytes, false) as { bytes: Buffer; size: number };
}

/** As `readFileContent`, but undefined for what is not a regular file (a FIFO, a device, a folder): never read. */
export function readRegularFile(
  file: string,
  limitBytes: number,
): { bytes: Buffer; size: number } | undefined {
  return read(file, limitBytes, true);
}

function read(
  file: string,
  limitBytes: number,
  regularOnly: boolean,
): { bytes: Buffer; size: number } | undefined {
  // non-blocking: opening a FIFO for reading would wait for a writer (regular files are unaffected)
  const fd = openSync(file, regularOnly ? constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) : 'r');
  try {
    const st = fstatSync(fd);
    // a pipe or device (`check <(kustomize build)`) has no size: read to its end, as before
    if (!st.isFile()) return regularOnly ? undefined : { bytes: readFileSync(fd), size: st.size };
    const size = st.size;
    const want = size > limitBytes ? Math.min(size, HEAD_BYTES) : size;
    const buf = Buffer.allocUnsafe(want);
    let n = 0;
    while (n < want) {
      const r = readSync(fd, buf, n, want - n, n);
      if (r === 0) break;
      n += r;
    }
    return { bytes: n < want ? buf.subarray(0, n) : buf, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The core's `invalidUtf8Offset` (-1 when the bytes are valid UTF-8), with Node's native `isUtf8`
 * first: almost every file is valid, and the core's byte loop over them took ~19 ms of a warm
 * start of large (6,321 files, 24 MB) against ~1.3 ms.
 */
export function invalidUtf8At(bytes: Uint8Array): number {
  return isUtf8(bytes) ? -1 : invalidUtf8Offset(bytes);
}
