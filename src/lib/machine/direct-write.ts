/**
 * Writing to stdout or stderr when it is not a terminal: straight to the file descriptor
 * (fs.writeSync), because the first process.stdout write builds Node's whole stream
 * machinery (about 6 ms of a short run; README, Performance). A pipe the reader closed
 * (`ovs ... | head`) drops the rest silently; a non-blocking pipe that is full (EAGAIN)
 * hands the rest to the stream, which waits for room.
 */
import { writeSync } from 'node:fs';

export type FdWrite = (text: string) => void;

export function directWriter(fd: 1 | 2, stream: () => NodeJS.WriteStream): FdWrite {
  let closed = false;
  let streaming = false;
  return (text) => {
    if (closed) return;
    if (streaming) {
      stream().write(text);
      return;
    }
    let buf = Buffer.from(text, 'utf8');
    try {
      while (buf.length > 0) buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') closed = true;
      else if (code === 'EAGAIN') {
        streaming = true;
        stream().write(buf);
      } else throw e;
    }
  };
}
