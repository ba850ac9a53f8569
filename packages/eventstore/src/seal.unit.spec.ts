import { createHash } from 'node:crypto';
import {
  canonicalEventText,
  canonicalPreparedText,
  computeSeal,
  GENESIS_SEAL,
  sealTexts,
  type SealableEvent,
} from './seal';

/** The seal chain's definition, one update per piece: what audit verify re-hashes. */
function sealByDefinition(previousSeal: string, texts: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(previousSeal, 'utf8');
  for (const text of texts) hash.update(`${text}\n`, 'utf8');
  return hash.digest('hex');
}

const event: SealableEvent = {
  position: 7,
  stream: 'loan-"quoted"\u2028-ünï',
  revision: 3,
  id: '0190a8a0-0000-7000-8000-000000000001',
  type: 'LoanInterestAccrued',
  schemaVersion: 1,
  recordedAt: '2026-03-15T18:00:00.000Z',
  businessDate: '2026-03-15',
  dataJson: '{"interest":"1250","note":"Rp 1.250 — bunga"}',
  metadataJson: '{"actor":"close-of-business"}',
};

describe('seal', () => {
  it('writes a prepared event exactly as its canonical text', () => {
    const { position, stream, revision, ...prepared } = event;
    expect(canonicalPreparedText(prepared, position, JSON.stringify(stream), revision)).toBe(
      canonicalEventText(event),
    );
    expect(JSON.parse(canonicalEventText(event))).toMatchObject({ position, stream, revision });
  });

  it('hashes the previous seal and each text with its newline, in order', () => {
    const texts = [canonicalEventText(event), canonicalEventText({ ...event, position: 8 })];
    expect(sealTexts(GENESIS_SEAL, texts)).toBe(sealByDefinition(GENESIS_SEAL, texts));
    expect(sealTexts(GENESIS_SEAL, texts.slice(0, 1))).toBe(
      sealByDefinition(GENESIS_SEAL, texts.slice(0, 1)),
    );
    expect(computeSeal(GENESIS_SEAL, [event])).toBe(
      sealByDefinition(GENESIS_SEAL, [canonicalEventText(event)]),
    );
  });

  it('seals no texts as the hash of the previous seal alone', () => {
    expect(sealTexts(GENESIS_SEAL, [])).toBe(sealByDefinition(GENESIS_SEAL, []));
  });
});
