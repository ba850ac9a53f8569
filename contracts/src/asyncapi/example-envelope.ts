import type { EventDefinition, EventVersion } from '../catalog';
import { toEnvelope, type Envelope } from '../envelope';

/** Fields that hold an aggregate id, most specific first: the example's subject. */
const SUBJECT_FIELDS = ['memberId', 'agreementId', 'personId', 'coopId'];

/** A documentation example of a version's envelope: fixed attributes, so output is stable. */
export function exampleEnvelope(definition: EventDefinition, version: EventVersion): Envelope {
  const data = version.example as Record<string, unknown>;
  const subject = SUBJECT_FIELDS.map((field) => data[field]).find((v) => typeof v === 'string');
  const coopId = data['coopId'];
  return toEnvelope({
    id: '0193a3c4-1b2c-7d3e-8f40-5a6b7c8d9e0f',
    service: definition.service,
    name: definition.name,
    version: version.version,
    subject: typeof subject === 'string' ? subject : '0193a3c2-5f1e-7b7a-9c3d-2e8f4a6b1c01',
    time: '2026-11-28T03:15:00.000Z',
    businessDate: '2026-11-28',
    data,
    correlationId: '0193a3c4-1a00-7000-8000-00000000c0de',
    causationId: '0193a3c4-1a00-7000-8000-00000000c0de',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    ...(typeof coopId === 'string' ? { coopId } : {}),
  });
}
