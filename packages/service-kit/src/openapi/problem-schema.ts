import { z } from 'zod';

/** The problem-details body (RFC 9457) as published in every OpenAPI document. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ example: 'https://kopfed.dev/problems/validation-failed' }),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    instance: z.string().meta({ description: 'The request path.' }),
    requestId: z.string().meta({ description: 'Also in the X-Request-Id response header.' }),
    code: z
      .string()
      .meta({ description: 'The last segment of `type`, for clients that switch on it.' }),
    errors: z
      .array(
        z.union([
          z.object({
            in: z.literal('body'),
            pointer: z.string().meta({ description: 'RFC 6901 JSON pointer into the body.' }),
            detail: z.string(),
          }),
          z.object({
            in: z.enum(['path', 'query', 'header']),
            parameter: z.string(),
            detail: z.string(),
          }),
        ]),
      )
      .optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
