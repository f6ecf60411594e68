import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit, AuditEvent } from '../../platform/audit/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import type { SecretBox } from '../../platform/secrets/index.ts';
import type { Tasks } from '../../platform/tasks/index.ts';
import type { SessionCache } from './session-cache.ts';
import type { IdentityStore } from './store.ts';

/** Where a request came from, for the audit trail and the session list. */
export interface RequestMeta {
  requestId: string;
  clientAddress: string | null;
  userAgent: string | null;
}

export interface IdentityDeps {
  store: IdentityStore;
  sessionCache: SessionCache;
  access: AccessPolicy;
  audit: Audit;
  mailer: Mailer;
  tasks: Tasks;
  secretBox: SecretBox;
  clock: () => Date;
  publicUrl: string;
  session: { idleMinutes: number; absoluteHours: number };
}

/** An audit event of the identity module, filled in from the request and (when signed in) the actor. */
export function identityEvent(
  meta: RequestMeta,
  actor: Pick<Actor, 'accountId' | 'roles'> | null,
  event: Omit<AuditEvent, 'actorAccountId' | 'actorRole' | 'requestId' | 'clientAddress'>,
): AuditEvent {
  return {
    actorAccountId: actor?.accountId ?? null,
    actorRole: actor ? actor.roles.join(',') || null : null,
    requestId: meta.requestId,
    clientAddress: meta.clientAddress,
    ...event,
  };
}
