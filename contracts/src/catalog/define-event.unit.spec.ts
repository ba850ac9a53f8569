import { z } from 'zod';
import { defineEvent, EventDefinitionError } from './define-event';

const V1 = z.strictObject({ widgetId: z.string() });
type V1 = z.output<typeof V1>;
const V2 = z.strictObject({ widgetId: z.string(), colour: z.string().nullable() });

describe('defineEvent', () => {
  it('returns the definition with its versions', () => {
    const definition = defineEvent({
      name: 'WidgetMade',
      service: 'widgets',
      description: 'A widget was made.',
      versions: [
        { version: 1, schema: V1, example: { widgetId: 'w-1' } },
        {
          version: 2,
          schema: V2,
          example: { widgetId: 'w-1', colour: 'red' },
          upcast: (v1: V1) => ({ ...v1, colour: null }),
        },
      ],
    });
    expect(definition.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(Object.isFrozen(definition)).toBe(true);
  });

  it('checks the upcaster chain at compile time', () => {
    const define = () =>
      defineEvent({
        name: 'WidgetMade',
        service: 'widgets',
        description: 'A widget was made.',
        versions: [
          { version: 1, schema: V1, example: { widgetId: 'w-1' } },
          // @ts-expect-error v2 needs an upcaster from v1
          { version: 2, schema: V2, example: { widgetId: 'w-1', colour: null } },
        ],
      });
    expect(define).toThrow(EventDefinitionError);
    const wrongShape = () =>
      defineEvent({
        name: 'WidgetMade',
        service: 'widgets',
        description: 'A widget was made.',
        versions: [
          { version: 1, schema: V1, example: { widgetId: 'w-1' } },
          {
            version: 2,
            schema: V2,
            example: { widgetId: 'w-1', colour: null },
            // @ts-expect-error the upcaster must produce v2's shape
            upcast: (v1: V1) => ({ ...v1 }),
          },
        ],
      });
    expect(wrongShape).not.toThrow();
  });

  it.each([
    ['a name that is not PascalCase', { name: 'widget_made' }],
    ['a service that is not lowercase', { service: 'Widgets' }],
    ['no description', { description: ' ' }],
  ])('refuses %s', (_what, change) => {
    expect(() =>
      defineEvent({
        name: 'WidgetMade',
        service: 'widgets',
        description: 'A widget was made.',
        versions: [{ version: 1, schema: V1, example: { widgetId: 'w-1' } }],
        ...change,
      }),
    ).toThrow(EventDefinitionError);
  });

  it('refuses versions out of order and an upcaster on v1', () => {
    expect(() =>
      defineEvent({
        name: 'WidgetMade',
        service: 'widgets',
        description: 'A widget was made.',
        versions: [{ version: 2, schema: V1, example: { widgetId: 'w-1' } }],
      }),
    ).toThrow('numbered 1, 2, 3');
    expect(() =>
      defineEvent({
        name: 'WidgetMade',
        service: 'widgets',
        description: 'A widget was made.',
        // @ts-expect-error v1 has nothing to upcast from
        versions: [{ version: 1, schema: V1, example: { widgetId: 'w-1' }, upcast: () => 1 }],
      }),
    ).toThrow('v1 has nothing to upcast from');
  });
});
