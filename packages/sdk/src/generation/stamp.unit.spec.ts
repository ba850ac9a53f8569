import { documentSha256, readStamp, sha256, stamped } from './stamp';

describe('the generator’s stamp', () => {
  const document = { openapi: '3.1.0', paths: { '/a': {} } };
  const file = stamped('a document', 'export type A = 1;\n', documentSha256(document));

  it('names the document and the content it was generated from', () => {
    expect(readStamp(file)).toEqual({
      openapiSha256: documentSha256(document),
      contentSha256: sha256('export type A = 1;\n'),
      contentIntact: true,
    });
    expect(documentSha256({ ...document, paths: { '/a': {}, '/b': {} } })).not.toBe(documentSha256(document));
  });

  it('tells a hand edit, and a file without a stamp', () => {
    expect(readStamp(file.replace('= 1', '= 2'))?.contentIntact).toBe(false);
    expect(readStamp(`${file}export type B = 2;\n`)?.contentIntact).toBe(false);
    expect(readStamp('export type A = 1;\n')).toBeUndefined();
    expect(readStamp(stamped('the list of services', 'export {};\n'))).toMatchObject({ contentIntact: true });
    expect(readStamp(stamped('the list of services', 'export {};\n'))).not.toHaveProperty('openapiSha256');
  });
});
