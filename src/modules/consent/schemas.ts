import { z } from 'zod';
import { DECISIONS } from './model.ts';

const purposeKey = z
  .string()
  .regex(/^[a-z][a-z_]{1,62}$/)
  .describe('The consent purpose, e.g. research.');
const decision = z.enum(DECISIONS).describe('granted or refused.');
const version = z.coerce.number().int().min(1).describe('The version of the purpose’s document.');
const bilingual = (what: string, max: number) =>
  z
    .object({ nl: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) })
    .describe(`${what} in Dutch and English.`);

export const documentAnswer = z.object({
  purposeKey: z.string(),
  version: z.number().int(),
  title: z.object({ nl: z.string(), en: z.string() }),
  body: z.object({ nl: z.string(), en: z.string() }),
  material: z.boolean().describe('A material change: who consented to an earlier version is asked again.'),
  earlierConsent: z.enum(['keeps', 'lapses']).describe('Until they do, earlier consent keeps or lapses.'),
  contentHash: z.string().describe('SHA-256 of the texts: what a receipt proves was agreed to.'),
  publishedAt: z.date(),
});
export const catalogueAnswer = z.object({ purposes: z.array(documentAnswer) });
export const documentParams = z.object({ key: purposeKey, version });
export const purposeParams = z.object({ key: purposeKey });
export const publishBody = z.object({
  title: bilingual('The title', 200),
  body: bilingual('The text', 20_000),
  material: z.boolean(),
  earlierConsent: z.enum(['keeps', 'lapses']).default('keeps'),
});

export const stateAnswer = z.object({
  purposes: z.array(
    z.object({
      purposeKey: z.string(),
      decision: decision.nullable().describe('null: not decided yet, which counts as no.'),
      documentVersion: z.number().int().nullable(),
      decidedAt: z.date().nullable(),
      currentVersion: z.number().int(),
      effective: z.boolean().describe('Whether the purpose may be used now.'),
      reconsentNeeded: z.boolean().describe('The document changed materially since the consent.'),
    }),
  ),
});
export const decideBody = z.object({ purposeKey, decision, documentVersion: version });
export const paperBody = decideBody.extend({
  reason: z
    .string()
    .trim()
    .min(5)
    .max(1000)
    .describe('Why staff register this, e.g. "paper form of 3 May, at the library".'),
});
export const receiptAnswer = z.object({
  eventId: z.number().int(),
  participantId: z.uuid(),
  purposeKey: z.string(),
  decision,
  documentVersion: z.number().int(),
  documentTitle: z.object({ nl: z.string(), en: z.string() }),
  contentHash: z.string(),
  channel: z.enum(['web', 'paper']),
  reason: z.string().nullable(),
  at: z.date(),
});
export const historyAnswer = z.object({
  events: z.array(
    z.object({
      id: z.number().int(),
      purposeKey: z.string(),
      documentVersion: z.number().int(),
      decision,
      channel: z.enum(['web', 'paper']),
      recordedBy: z.uuid(),
      reason: z.string().nullable(),
      at: z.date(),
      documentTitle: z
        .object({ nl: z.string(), en: z.string() })
        .describe('The title of the version decided on.'),
    }),
  ),
});
export const receiptParams = z.object({ id: z.coerce.number().int().min(1) });
export const participantParams = z.object({ id: z.uuid().describe('The participant.') });
export const supportQuery = z.object({
  reason: z
    .string()
    .trim()
    .min(5)
    .max(500)
    .describe('Why you look this participant up; kept in the audit log.'),
});
