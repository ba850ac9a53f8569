import { jsonSchemaOf } from '../json-schema';
import { catalog } from './catalog';

/**
 * No integration event may carry personal data (UU 27/2022, PDP): people are referred to by
 * member or person id only. This guards against a field slipping in by name.
 */
const PERSONAL =
  /^(name|fullName|firstName|lastName|nik|nikNumber|birth.*|.*BirthDate|dateOfBirth|age|address.*|street|village|phone.*|mobile|email|mother.*|npwp)$/i;

/** A coop is a legal entity: its name is public, not personal data. */
const ALLOWED = new Set(['CoopRegistered.name']);

function propertyNames(schema: unknown, found = new Set<string>()): Set<string> {
  if (typeof schema !== 'object' || schema === null) return found;
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const name of Object.keys(value)) found.add(name);
    }
    propertyNames(value, found);
  }
  return found;
}

describe('integration events carry no personal data', () => {
  for (const definition of catalog.definitions) {
    for (const version of definition.versions) {
      it(`${definition.name} v${version.version}`, () => {
        const names = [...propertyNames(jsonSchemaOf(version.schema))];
        const personal = names.filter(
          (name) => PERSONAL.test(name) && !ALLOWED.has(`${definition.name}.${name}`),
        );
        expect(personal).toEqual([]);
      });
    }
  }

  it('the guard itself catches a personal field', () => {
    expect(['fullName', 'birthDate', 'phoneNumber', 'nik'].every((n) => PERSONAL.test(n))).toBe(
      true,
    );
  });
});
