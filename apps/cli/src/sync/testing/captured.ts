import { Writable } from 'node:stream';

/** Output swallowed by in-process runs, kept for assertions. */
export class Captured extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}
