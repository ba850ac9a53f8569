import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { catalog } from '../events';
import { buildAsyncApi } from './build-asyncapi';

// @stoplight/types DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
const ERROR = 0;

describe('the generated AsyncAPI document', () => {
  const document = buildAsyncApi(catalog, { version: '0.1.0' });
  const messages = (document.components as { messages: Record<string, Record<string, unknown>> })
    .messages;

  it('is valid AsyncAPI 3.0.0', async () => {
    const parser = new Parser();
    const errorsOf = async (doc: object) =>
      (await parser.validate(doc as { asyncapi: string }))
        .filter((diagnostic) => Number(diagnostic.severity) === ERROR)
        .map((e) => `${e.path.join('/')}: ${e.message}`);
    expect(await errorsOf(document)).toEqual([]);
    expect(document.asyncapi).toBe('3.0.0');
    // The check can fail: a dangling message reference is an error.
    const broken = {
      ...document,
      operations: { x: { action: 'send', channel: { $ref: '#/channels/nope' } } },
    };
    expect(await errorsOf(broken)).not.toEqual([]);
  });

  it('has one channel per producing service, addressed by its topic', () => {
    expect(document.channels).toEqual(
      Object.fromEntries(
        ['member', 'savings', 'loan', 'settlement'].map((service) => [
          service,
          expect.objectContaining({ address: `kopfed.${service}.events` }),
        ]),
      ),
    );
  });

  it('has a message for every version of every event', () => {
    const expected = catalog.definitions.flatMap((d) =>
      d.versions.map((v) => `${d.name}.v${v.version}`),
    );
    expect(Object.keys(messages).sort()).toEqual(expected.sort());
  });

  it("each message's example envelope matches its payload schema and its contract", () => {
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    for (const message of Object.values(messages)) {
      const validate = ajv.compile(message.payload as object);
      const [example] = message.examples as { payload: unknown }[];
      expect(validate(example?.payload)).toBe(true);
      expect(() => catalog.fromEnvelope(example?.payload)).not.toThrow();
    }
  });
});
