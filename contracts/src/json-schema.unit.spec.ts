import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { catalog } from './events';
import { eventJsonSchema } from './json-schema';

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

/** The generated JSON Schemas say what the zod schemas say: what one accepts, so does the other. */
describe('generated JSON Schemas', () => {
  for (const definition of catalog.definitions) {
    for (const version of definition.versions) {
      const key = `${definition.name} v${version.version}`;
      const validate = ajv.compile(eventJsonSchema(definition, version));
      const example = version.example as Record<string, unknown>;

      it(`${key} accepts its example`, () => {
        expect(validate(example)).toBe(true);
      });

      it(`${key} refuses what zod refuses`, () => {
        const variants = [
          { ...example, unexpected: true },
          ...Object.keys(example).map((field) => {
            const { [field]: _, ...without } = example;
            return without;
          }),
          ...Object.keys(example).map((field) => ({ ...example, [field]: { not: 'valid' } })),
        ];
        for (const variant of variants) {
          expect(validate(variant)).toBe(version.schema.safeParse(variant).success);
        }
      });
    }
  }
});
