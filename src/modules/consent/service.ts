import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import { conflict, DomainError, invalidFields, notFound } from '../../platform/errors/index.ts';
import {
  type ConsentDocument,
  type ConsentEvent,
  type Decision,
  type EarlierConsent,
  evaluate,
  type PurposeState,
} from './model.ts';
import type { ConsentStore } from './store.ts';

export interface ConsentDeps {
  store: ConsentStore;
  access: AccessPolicy;
  audit: Audit;
  clock: () => Date;
  /** Whether an id belongs to a participant of the Citizen Lab. */
  participantExists: (participantId: string) => Promise<boolean>;
  /** Sends each change's receipt by e-mail, after the answer. */
  sendReceipt: (receipt: ConsentReceipt) => void;
}

/** What a participant gets back for every change: enough to prove what they agreed to, and when. */
export interface ConsentReceipt {
  eventId: number;
  participantId: string;
  purposeKey: string;
  decision: Decision;
  documentVersion: number;
  documentTitle: { nl: string; en: string };
  contentHash: string;
  channel: ConsentEvent['channel'];
  reason: string | null;
  at: Date;
}

export function createConsentService(deps: ConsentDeps) {
  const { store, access, audit, clock } = deps;

  async function documentsByPurpose(): Promise<Map<string, ConsentDocument[]>> {
    const all = await store.documents();
    const grouped = new Map<string, ConsentDocument[]>();
    for (const document of all)
      grouped.set(document.purposeKey, [...(grouped.get(document.purposeKey) ?? []), document]);
    return grouped;
  }

  async function receiptOf(event: ConsentEvent): Promise<ConsentReceipt> {
    const document = (await store.documents(event.purposeKey)).find(
      (d) => d.version === event.documentVersion,
    );
    if (!document) throw notFound('The consent document');
    return {
      eventId: event.id,
      participantId: event.participantId,
      purposeKey: event.purposeKey,
      decision: event.decision,
      documentVersion: event.documentVersion,
      documentTitle: document.title,
      contentHash: document.contentHash,
      channel: event.channel,
      reason: event.reason,
      at: event.at,
    };
  }

  async function record(
    actor: Actor,
    input: {
      participantId: string;
      purposeKey: string;
      decision: Decision;
      documentVersion: number;
      channel: ConsentEvent['channel'];
      reason: string | null;
    },
  ): Promise<ConsentReceipt> {
    const versions = await store.documents(input.purposeKey);
    if (versions.length === 0) throw invalidFields({ purposeKey: 'There is no such consent purpose.' });
    const current = versions.at(-1);
    const document = versions.find((d) => d.version === input.documentVersion);
    if (!document) throw invalidFields({ documentVersion: 'There is no such version of this document.' });
    if (input.channel === 'web' && current && document.version !== current.version) {
      // The page showed an older text than the one in force: the decision must be about the text in force.
      throw conflict(
        `Version ${current.version} of this document is in force now; read it and decide again.`,
      );
    }
    const event = await store.appendEvent({
      participantId: input.participantId,
      purposeKey: input.purposeKey,
      documentVersion: input.documentVersion,
      decision: input.decision,
      channel: input.channel,
      recordedBy: actor.accountId,
      reason: input.reason,
      at: clock(),
    });
    await audit.record({
      actorAccountId: actor.accountId,
      actorRole: actor.roles.join(',') || null,
      onBehalfOf: input.channel === 'paper' ? input.participantId : null,
      action: `consent.${input.decision}`,
      resourceType: 'consent',
      resourceId: String(event.id),
      subjectParticipantId: input.participantId,
      purpose: input.channel === 'paper' ? 'support' : 'self_service',
      outcome: 'success',
      requestId: actor.requestId ?? null,
      clientAddress: actor.clientAddress ?? null,
      details: {
        purposeKey: input.purposeKey,
        documentVersion: input.documentVersion,
        channel: input.channel,
      },
    });
    const receipt = await receiptOf(event);
    deps.sendReceipt(receipt);
    return receipt;
  }

  return {
    /** Every purpose with the document in force: public, so that people can read before they join. */
    async catalogue(): Promise<ConsentDocument[]> {
      const grouped = await documentsByPurpose();
      const purposes = await store.purposes();
      return purposes.flatMap((key) => grouped.get(key)?.slice(-1) ?? []);
    },

    async document(purposeKey: string, version: number): Promise<ConsentDocument> {
      const document = (await store.documents(purposeKey)).find((d) => d.version === version);
      if (!document) throw notFound('The consent document');
      return document;
    },

    /** The participant's decision per purpose, what counts now, and where re-consent is asked. */
    async state(actor: Actor, participantId: string, reason?: string): Promise<PurposeState[]> {
      await access.require(actor, {
        action: 'consent.read',
        purpose: actor.accountId === participantId ? 'self_service' : 'support',
        subject: participantId,
        ...(reason ? { details: { reason } } : {}),
      });
      const [latest, grouped, purposes] = await Promise.all([
        store.latestOf(participantId),
        documentsByPurpose(),
        store.purposes(),
      ]);
      return purposes.map((purposeKey) => {
        const versions = grouped.get(purposeKey) ?? [];
        const row = latest.find((l) => l.purpose_key === purposeKey);
        const decided = row ? { decision: row.decision, documentVersion: row.document_version } : undefined;
        return {
          purposeKey,
          decision: row?.decision ?? null,
          documentVersion: row?.document_version ?? null,
          decidedAt: row?.at ?? null,
          currentVersion: versions.at(-1)?.version ?? 0,
          ...evaluate(decided, versions),
        };
      });
    },

    /** Every change, newest first, each with the title of the version it was about. */
    async history(
      actor: Actor,
      participantId: string,
    ): Promise<(ConsentEvent & { documentTitle: { nl: string; en: string } })[]> {
      await access.require(actor, {
        action: 'consent.read',
        purpose: actor.accountId === participantId ? 'self_service' : 'support',
        subject: participantId,
      });
      const [events, grouped] = await Promise.all([store.eventsOf(participantId), documentsByPurpose()]);
      return events.map((event) => ({
        ...event,
        documentTitle: grouped.get(event.purposeKey)?.find((d) => d.version === event.documentVersion)
          ?.title ?? {
          nl: event.purposeKey,
          en: event.purposeKey,
        },
      }));
    },

    async receipt(actor: Actor, participantId: string, eventId: number): Promise<ConsentReceipt> {
      await access.require(actor, {
        action: 'consent.read',
        purpose: 'self_service',
        subject: participantId,
      });
      const event = await store.event(participantId, eventId);
      if (!event) throw notFound('The consent change');
      return receiptOf(event);
    },

    /** A participant grants or refuses a purpose on the web, for the document version in force. */
    async decide(
      actor: Actor,
      input: { purposeKey: string; decision: Decision; documentVersion: number },
    ): Promise<ConsentReceipt> {
      await access.require(actor, {
        action: 'consent.record',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      if (!(await deps.participantExists(actor.accountId))) {
        throw new DomainError('forbidden', 'Join the Citizen Lab first; your choices are part of joining.');
      }
      return record(actor, { ...input, participantId: actor.accountId, channel: 'web', reason: null });
    },

    /** Staff register a decision a participant made on paper; the reason is kept with it. */
    async recordOnPaper(
      actor: Actor,
      participantId: string,
      input: { purposeKey: string; decision: Decision; documentVersion: number; reason: string },
    ): Promise<ConsentReceipt> {
      await access.require(actor, {
        action: 'consent.record_paper',
        purpose: 'support',
        subject: participantId,
        details: { reason: input.reason },
      });
      if (!(await deps.participantExists(participantId))) throw notFound('The participant');
      return record(actor, { ...input, participantId, channel: 'paper' });
    },

    /** Publishes a new version of a purpose's document. */
    async publish(
      actor: Actor,
      purposeKey: string,
      input: {
        title: { nl: string; en: string };
        body: { nl: string; en: string };
        material: boolean;
        earlierConsent: EarlierConsent;
      },
    ): Promise<ConsentDocument> {
      await access.require(actor, {
        action: 'consent.publish',
        purpose: 'administration',
        resourceId: purposeKey,
      });
      if (!(await store.purposes()).includes(purposeKey)) throw notFound('The consent purpose');
      if (!input.material && input.earlierConsent === 'lapses') {
        throw new DomainError('invalid_input', 'Only a material change can let earlier consent lapse.', [
          {
            in: 'body',
            pointer: '#/earlierConsent',
            detail: 'Only a material change can let earlier consent lapse.',
          },
        ]);
      }
      const document = await store.insertDocument({ purposeKey, ...input, publishedBy: actor.accountId });
      await audit.record({
        actorAccountId: actor.accountId,
        actorRole: actor.roles.join(',') || null,
        action: 'consent.publish',
        resourceType: 'consent_document',
        resourceId: `${purposeKey}/${document.version}`,
        purpose: 'administration',
        outcome: 'success',
        requestId: actor.requestId ?? null,
        clientAddress: actor.clientAddress ?? null,
        details: { material: input.material, earlierConsent: input.earlierConsent },
      });
      return document;
    },

    /** For overviews: how many participants' consent counts now, per purpose. No one is disclosed. */
    effectiveCounts: () => store.effectiveCounts(),

    /** For the access policy: of these participants, those whose consent to the purpose counts now. */
    consenting: (purposeKey: string, participantIds: string[]) =>
      store.consenting(purposeKey, participantIds),
  };
}

export type ConsentService = ReturnType<typeof createConsentService>;
