import type { Audit, AuditDetails, AuditEvent } from '../audit/index.ts';
import { DomainError } from '../errors/index.ts';
import { type Actor, isStaffRole, type Role } from './roles.ts';

/** Why personal data is used; recorded with every decision. */
export type Purpose =
  | 'self_service'
  | 'administration'
  | 'security_audit'
  | 'support'
  | 'statistics'
  | 'coaching'
  | 'research';

/**
 * One way to be allowed an action: holding a role (staff roles only with two factors), or being
 * `anyone` signed in, and, where a relation is named, standing in that relation to each subject.
 */
export interface Grant {
  role: Role | 'anyone';
  relation?: string;
  /** A consent purpose each subject must have granted (and not seen lapse) for this grant to apply. */
  consent?: string;
}

export interface ActionRule {
  grants: Grant[];
  /** Which purposes this action may serve. */
  purposes: Purpose[];
  /** Reading or changing personal data: every decision is audited, allowed or not. */
  personalData: boolean;
  resourceType: string;
}

/** Decides which of the subjects stand in a named relation to the actor (self, caseload, study …). */
export type RelationResolver = (actor: Actor, subjects: string[]) => Promise<Set<string>> | Set<string>;

/** Of the subjects, those whose consent to a purpose counts now (the consent module answers this). */
export type ConsentChecker = (purposeKey: string, subjects: string[]) => Promise<Set<string>>;

export interface AccessRequest {
  action: string;
  purpose: Purpose;
  /** The participant (or account) whose data is touched; absent for actions on no one's data. */
  subject?: string;
  resourceId?: string;
  /** What a search looked for, or other facts worth keeping with the decision. */
  details?: AuditDetails;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface AccessPolicy {
  /** Allow or deny one request; deny by default. */
  check(actor: Actor, request: AccessRequest): Promise<Decision>;
  /** Throws `forbidden` (or `mfa_required`) unless allowed; audits the decision. */
  require(actor: Actor, request: AccessRequest): Promise<void>;
  /** Bulk reads: the subset of subjects the actor may access for this action and purpose; audits each. */
  filter(actor: Actor, request: Omit<AccessRequest, 'subject'>, subjects: string[]): Promise<string[]>;
  /** The decision for each subject, without auditing (for counts and previews that disclose no one). */
  checkMany(
    actor: Actor,
    request: Omit<AccessRequest, 'subject'>,
    subjects: string[],
  ): Promise<Map<string, Decision>>;
  readonly actions: ReadonlyMap<string, ActionRule>;
}

export interface PolicyDefinition {
  rules: Record<string, ActionRule>;
  relations: Record<string, RelationResolver>;
  consent?: ConsentChecker;
}

/** The relation every policy knows: the subject is the actor. */
export const selfRelation: RelationResolver = (actor, subjects) =>
  new Set(subjects.filter((subject) => subject === actor.accountId));

/**
 * Builds the one access policy from the action rules and relations that modules contribute.
 * Every service calls it before it reads or writes personal data.
 */
export function createAccessPolicy(definition: PolicyDefinition, audit: Audit): AccessPolicy {
  const actions = new Map(Object.entries(definition.rules));
  const relations = new Map(Object.entries({ self: selfRelation, ...definition.relations }));
  for (const [action, rule] of actions) {
    for (const grant of rule.grants) {
      if (grant.relation && !relations.has(grant.relation)) {
        throw new Error(`Action ${action} names unknown relation ${grant.relation}`);
      }
      if (grant.consent && !definition.consent) {
        throw new Error(
          `Action ${action} needs consent to ${grant.consent}, but the policy has no consent checker`,
        );
      }
    }
  }

  /** For each subject: allowed, or the reason it is not. */
  async function decide(actor: Actor, request: Omit<AccessRequest, 'subject'>, subjects: string[]) {
    const rule = actions.get(request.action);
    const denied = (reason: string) => new Map(subjects.map((s) => [s, reason] as const));
    if (!rule) return { rule, reasons: denied(`unknown action ${request.action}`) };
    if (!rule.purposes.includes(request.purpose)) {
      return { rule, reasons: denied(`purpose ${request.purpose} does not fit ${request.action}`) };
    }
    const reasons = denied('no role or relation allows it');
    let lacksMfa = false;
    for (const grant of rule.grants) {
      if (grant.role !== 'anyone' && !actor.roles.includes(grant.role)) continue;
      if (grant.role !== 'anyone' && isStaffRole(grant.role) && !actor.mfaVerified) {
        lacksMfa = true;
        continue;
      }
      const pending = subjects.filter((s) => reasons.get(s) !== 'allowed');
      if (pending.length === 0) break;
      const related = grant.relation ? await relations.get(grant.relation)?.(actor, pending) : null;
      const inRelation = related ? pending.filter((s) => related.has(s)) : pending;
      const consenting =
        grant.consent && definition.consent ? await definition.consent(grant.consent, inRelation) : null;
      for (const subject of inRelation) {
        if (!consenting || consenting.has(subject)) reasons.set(subject, 'allowed');
        else if (reasons.get(subject) === 'no role or relation allows it') {
          reasons.set(subject, `no consent for ${grant.consent}`);
        }
      }
    }
    if (lacksMfa) {
      for (const [subject, reason] of reasons) {
        if (reason !== 'allowed') reasons.set(subject, 'two-factor sign-in required for this role');
      }
    }
    return { rule, reasons };
  }

  /** The audit event of a decision, or null where none is kept (allowed, and not someone else's data). */
  function eventFor(
    actor: Actor,
    request: AccessRequest,
    allowed: boolean,
    reason: string,
  ): AuditEvent | null {
    const rule = actions.get(request.action);
    // NEN 7513 asks who looked at someone's data; a person using their own is not such an access.
    if (allowed && (!rule?.personalData || request.subject === actor.accountId)) return null;
    return {
      actorAccountId: actor.accountId,
      actorRole: actor.roles.join(',') || null,
      onBehalfOf: actor.onBehalfOf ?? null,
      action: request.action,
      resourceType: rule?.resourceType ?? 'unknown',
      resourceId: request.resourceId ?? null,
      subjectParticipantId: request.subject ?? null,
      purpose: request.purpose,
      outcome: allowed ? 'success' : 'denied',
      requestId: actor.requestId ?? null,
      clientAddress: actor.clientAddress ?? null,
      details: { ...request.details, ...(allowed ? {} : { reason }) },
    };
  }

  const NO_SUBJECT = '';

  return {
    actions,
    async check(actor, request) {
      const subject = request.subject ?? NO_SUBJECT;
      const { reasons } = await decide(actor, request, [subject]);
      const reason = reasons.get(subject) ?? 'denied';
      return { allowed: reason === 'allowed', reason };
    },
    async require(actor, request) {
      const decision = await this.check(actor, request);
      const event = eventFor(actor, request, decision.allowed, decision.reason);
      if (event) await audit.record(event);
      if (!decision.allowed) {
        const code = decision.reason.startsWith('two-factor')
          ? 'mfa_required'
          : decision.reason.startsWith('no consent')
            ? 'consent_required'
            : 'forbidden';
        throw new DomainError(code, `Not allowed: ${decision.reason}.`);
      }
    },
    async checkMany(actor, request, subjects) {
      const { reasons } = await decide(actor, request, subjects);
      return new Map(
        subjects.map((s) => {
          const reason = reasons.get(s) ?? 'denied';
          return [s, { allowed: reason === 'allowed', reason }] as const;
        }),
      );
    },
    async filter(actor, request, subjects) {
      const decisions = await this.checkMany(actor, request, subjects);
      const events = subjects.flatMap((subject) => {
        const decision = decisions.get(subject);
        const event = eventFor(
          actor,
          { ...request, subject },
          decision?.allowed ?? false,
          decision?.reason ?? 'denied',
        );
        return event ? [event] : [];
      });
      await audit.recordMany(events);
      return subjects.filter((s) => decisions.get(s)?.allowed);
    },
  };
}
