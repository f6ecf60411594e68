import { createHash } from 'node:crypto';

export const DECISIONS = ['granted', 'refused'] as const;
export type Decision = (typeof DECISIONS)[number];
export type Channel = 'web' | 'paper';
export type EarlierConsent = 'keeps' | 'lapses';

export interface ConsentDocument {
  purposeKey: string;
  version: number;
  title: { nl: string; en: string };
  body: { nl: string; en: string };
  /** Participants who consented to an earlier version are asked to consent again. */
  material: boolean;
  /** Until they do, their earlier consent stays valid ('keeps') or no longer counts ('lapses'). */
  earlierConsent: EarlierConsent;
  contentHash: string;
  publishedAt: Date;
}

export interface ConsentEvent {
  id: number;
  participantId: string;
  purposeKey: string;
  documentVersion: number;
  decision: Decision;
  channel: Channel;
  recordedBy: string;
  reason: string | null;
  at: Date;
}

/** One purpose as the participant's dashboard shows it. */
export interface PurposeState {
  purposeKey: string;
  /** The latest decision, or null when the participant has not decided yet (which counts as no). */
  decision: Decision | null;
  documentVersion: number | null;
  decidedAt: Date | null;
  currentVersion: number;
  /** Whether the purpose may be used now. */
  effective: boolean;
  /** A newer version of the document changed materially since the participant consented. */
  reconsentNeeded: boolean;
}

/**
 * Whether a decision counts now, given every version of the purpose's document: a grant counts unless a
 * later version changed materially with earlier consent lapsing; it asks for re-consent when any later
 * version changed materially. No decision, or a refusal, never counts.
 */
export function evaluate(
  latest: { decision: Decision; documentVersion: number } | undefined,
  versions: Pick<ConsentDocument, 'version' | 'material' | 'earlierConsent'>[],
): { effective: boolean; reconsentNeeded: boolean } {
  if (latest?.decision !== 'granted') return { effective: false, reconsentNeeded: false };
  const later = versions.filter((v) => v.version > latest.documentVersion && v.material);
  return {
    effective: !later.some((v) => v.earlierConsent === 'lapses'),
    reconsentNeeded: later.length > 0,
  };
}

/** The hash a receipt proves agreement with: SHA-256 over the four texts, as the migration computes it. */
export function contentHash(title: { nl: string; en: string }, body: { nl: string; en: string }): string {
  return createHash('sha256')
    .update(`${title.nl}\n${body.nl}\n${title.en}\n${body.en}`, 'utf8')
    .digest('hex');
}
